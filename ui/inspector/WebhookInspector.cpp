// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/inspector/WebhookInspector.h"

#include "bootstrap/Core.h"
#include "storage/HistoryReader.h"
#include "ui/inspector/ReplayDialog.h"
#include "ui/inspector/WebhookLogModel.h"

#include <QComboBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QUrlQuery>
#include <QVBoxLayout>
#include <QXmlStreamReader>
#include <QXmlStreamWriter>

namespace sb::ui {
namespace {

constexpr int kPageSize = 100;
const char* const kRoutes[] = {
    "/voice", "/status", "/recording", "/process-voice", "/transcription", "/stream-status", "/stream", "/health"};

QByteArray headerValue(const storage::HeaderList& headers, const QByteArray& name)
{
    for (const auto& [n, v] : headers) {
        if (n.compare(name, Qt::CaseInsensitive) == 0)
            return v;
    }
    return QByteArray();
}

QString bodyText(const QByteArray& body)
{
    const QString text = QString::fromUtf8(body);
    return text.toUtf8() == body ? text : QObject::tr("[%1 bytes of binary]").arg(body.size());
}

/// XML indented two spaces; anything that is not well-formed XML comes back as it was.
QString prettyXml(const QByteArray& body)
{
    QXmlStreamReader reader(body);
    QString out;
    QXmlStreamWriter writer(&out);
    writer.setAutoFormatting(true);
    writer.setAutoFormattingIndent(2);
    while (!reader.atEnd()) {
        reader.readNext();
        if (reader.isWhitespace())
            continue;
        writer.writeCurrentToken(reader);
    }
    return reader.hasError() ? bodyText(body) : out.trimmed();
}

QString headersText(const QString& prefix, const storage::HeaderList& headers)
{
    QString out;
    for (const auto& [name, value] : headers)
        out +=
            prefix + QString::fromLatin1(name) + QStringLiteral(": ") + QString::fromLatin1(value) + QLatin1Char('\n');
    return out;
}

/// The listener's diagnosis of a refused signature, in words.
QString explanationText(const storage::WebhookLogEntry& e)
{
    const QJsonObject d = e.signatureDiagnosis;
    if (d.isEmpty())
        return e.status == 403 && !e.note.isEmpty() ? QObject::tr("Refused: %1").arg(e.note) : QString();
    QString text = QObject::tr("Signature refused: %1\n\n%2\n\nValidated against: %3")
                       .arg(d.value(QLatin1String("summary")).toString(),
                            d.value(QLatin1String("explanation")).toString(),
                            d.value(QLatin1String("expected_url")).toString());
    if (const QString signedUrl = d.value(QLatin1String("signed_url")).toString(); !signedUrl.isEmpty())
        text += QObject::tr("\nTwilio signed: %1").arg(signedUrl);
    QStringList names;
    for (const QJsonValue& p : d.value(QLatin1String("parameters")).toArray())
        names.append(p.toObject().value(QLatin1String("name")).toString());
    text += QObject::tr("\nParameters signed: %1").arg(names.isEmpty() ? QObject::tr("none") : names.join(u", "));
    return text;
}

} // namespace

WebhookInspector::WebhookInspector(bootstrap::Core* core, QWidget* parent)
    : QWidget(parent)
    , m_core(core)
    , m_model(new WebhookLogModel(this))
{
    setObjectName(QStringLiteral("webhookInspector"));
    buildUi();
    connect(m_core, &bootstrap::Core::webhookStored, this, &WebhookInspector::onStored);
    reload();
}

WebhookInspector::~WebhookInspector() = default;

void WebhookInspector::buildUi()
{
    auto* layout = new QVBoxLayout(this);
    auto* filters = new QHBoxLayout;
    m_route = new QComboBox(this);
    m_route->setObjectName(QStringLiteral("routeFilter"));
    m_route->setAccessibleName(tr("Route filter"));
    m_route->addItem(tr("All routes"), QString());
    for (const char* route : kRoutes)
        rememberPath(QString::fromLatin1(route));
    m_statusClass = new QComboBox(this);
    m_statusClass->setObjectName(QStringLiteral("statusFilter"));
    m_statusClass->setAccessibleName(tr("Status filter"));
    m_statusClass->addItem(tr("All statuses"), QPoint(0, 0));
    m_statusClass->addItem(QStringLiteral("2xx"), QPoint(200, 299));
    m_statusClass->addItem(QStringLiteral("3xx"), QPoint(300, 399));
    m_statusClass->addItem(QStringLiteral("4xx"), QPoint(400, 499));
    m_statusClass->addItem(QStringLiteral("5xx"), QPoint(500, 599));
    m_statusClass->addItem(tr("Refused (signature)"), QPoint(403, 403));
    m_callSid = new QLineEdit(this);
    m_callSid->setObjectName(QStringLiteral("callFilter"));
    m_callSid->setAccessibleName(tr("Call state filter"));
    m_callSid->setPlaceholderText(tr("Call SID"));
    m_text = new QLineEdit(this);
    m_text->setObjectName(QStringLiteral("textFilter"));
    m_text->setPlaceholderText(tr("Search path, query, bodies"));
    m_loadOlder = new QPushButton(tr("Load older"), this);
    m_loadOlder->setObjectName(QStringLiteral("loadOlder"));
    filters->addWidget(m_route);
    filters->addWidget(m_statusClass);
    filters->addWidget(m_callSid, 1);
    filters->addWidget(m_text, 2);
    filters->addWidget(m_loadOlder);
    layout->addLayout(filters);
    connect(m_route, &QComboBox::currentIndexChanged, this, &WebhookInspector::reload);
    connect(m_statusClass, &QComboBox::currentIndexChanged, this, &WebhookInspector::reload);
    connect(m_callSid, &QLineEdit::editingFinished, this, &WebhookInspector::reload);
    connect(m_text, &QLineEdit::editingFinished, this, &WebhookInspector::reload);
    connect(m_loadOlder, &QPushButton::clicked, this, [this] { loadPage(m_model->oldestId()); });

    auto* splitter = new QSplitter(Qt::Vertical, this);
    m_table = new QTableView(splitter);
    m_table->setObjectName(QStringLiteral("webhookTable"));
    m_table->setAccessibleName(tr("Webhook requests"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex& index) {
        if (!index.isValid() || !m_core->history())
            return;
        const qint64 id = m_model->entryAt(index.row()).id;
        m_core->history()->webhookEntry(id, this, [this, id](Result<storage::WebhookLogEntry> entry) {
            if (entry.ok() && m_model->rowOf(id) == m_table->currentIndex().row())
                showEntry(entry.value());
        });
    });

    auto* detail = new QWidget(splitter);
    auto* detailLayout = new QVBoxLayout(detail);
    detailLayout->setContentsMargins(0, 0, 0, 0);
    m_requestLine = new QLabel(detail);
    m_requestLine->setObjectName(QStringLiteral("requestLine"));
    m_requestLine->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_explanation = new QLabel(detail);
    m_explanation->setObjectName(QStringLiteral("signatureExplanation"));
    m_explanation->setWordWrap(true);
    m_explanation->setTextFormat(Qt::PlainText);
    m_explanation->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_explanation->setStyleSheet(QStringLiteral("QLabel { background: #fff3e0; padding: 6px; }"));
    m_explanation->hide();
    const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    auto* tabs = new QTabWidget(detail);
    m_request = new QPlainTextEdit(tabs);
    m_request->setObjectName(QStringLiteral("requestText"));
    m_request->setAccessibleName(tr("Request"));
    m_request->setReadOnly(true);
    m_request->setFont(mono);
    m_form = new QTableWidget(0, 2, tabs);
    m_form->setObjectName(QStringLiteral("requestForm"));
    m_form->setAccessibleName(tr("Request parameters"));
    m_form->setHorizontalHeaderLabels({tr("Name"), tr("Value")});
    m_form->horizontalHeader()->setStretchLastSection(true);
    m_form->verticalHeader()->hide();
    m_form->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_response = new QPlainTextEdit(tabs);
    m_response->setObjectName(QStringLiteral("responseText"));
    m_response->setAccessibleName(tr("Response"));
    m_response->setReadOnly(true);
    m_response->setFont(mono);
    tabs->addTab(m_form, tr("Parameters"));
    tabs->addTab(m_request, tr("Request"));
    tabs->addTab(m_response, tr("Response"));

    auto* actions = new QHBoxLayout;
    m_replay = new QPushButton(tr("Replay"), detail);
    m_replay->setObjectName(QStringLiteral("replayButton"));
    m_editReplay = new QPushButton(tr("Edit && replay..."), detail);
    m_editReplay->setObjectName(QStringLiteral("editReplayButton"));
    m_replay->setEnabled(false);
    m_editReplay->setEnabled(false);
    m_replayResult = new QLabel(detail);
    m_replayResult->setObjectName(QStringLiteral("replayResult"));
    connect(m_replay, &QPushButton::clicked, this, &WebhookInspector::replaySelected);
    connect(m_editReplay, &QPushButton::clicked, this, &WebhookInspector::editAndReplaySelected);
    actions->addWidget(m_replay);
    actions->addWidget(m_editReplay);
    actions->addWidget(m_replayResult, 1);

    detailLayout->addWidget(m_requestLine);
    detailLayout->addWidget(m_explanation);
    detailLayout->addWidget(tabs, 1);
    detailLayout->addLayout(actions);
    splitter->addWidget(m_table);
    splitter->addWidget(detail);
    layout->addWidget(splitter, 1);
}

storage::WebhookFilter WebhookInspector::filter() const
{
    storage::WebhookFilter f;
    f.path = m_route->currentData().toString();
    const QPoint range = m_statusClass->currentData().toPoint();
    f.minStatus = range.x();
    f.maxStatus = range.y();
    f.callSid = m_callSid->text().trimmed();
    f.text = m_text->text().trimmed();
    f.limit = kPageSize;
    return f;
}

void WebhookInspector::reload()
{
    m_model->setEntries({});
    ++m_generation;
    loadPage(0);
}

void WebhookInspector::loadPage(qint64 beforeId)
{
    if (!m_core->history())
        return;
    storage::WebhookFilter f = filter();
    f.beforeId = beforeId;
    const int generation = m_generation;
    m_core->history()->webhookLog(
        f, this, [this, generation, beforeId](Result<QList<storage::WebhookLogEntry>> entries) {
            if (generation != m_generation || !entries.ok())
                return;
            for (const auto& e : entries.value())
                rememberPath(e.path);
            m_loadOlder->setEnabled(entries->size() == kPageSize);
            if (beforeId == 0 && m_model->rowCount() == 0)
                m_model->setEntries(entries.value());
            else
                m_model->appendOlder(entries.value()); // live ones may have come first
        });
}

void WebhookInspector::onStored(const storage::WebhookLogEntry& entry)
{
    rememberPath(entry.path);
    if (!storage::matchesWebhookFilter(filter(), entry))
        return;
    m_model->prepend(entry);
    if (m_selectWhenShown == entry.id)
        selectEntry(entry.id);
}

void WebhookInspector::rememberPath(const QString& path)
{
    if (!path.isEmpty() && m_route->findData(path) < 0)
        m_route->addItem(path, path);
}

void WebhookInspector::selectEntry(qint64 id)
{
    const int row = m_model->rowOf(id);
    if (row < 0) {
        m_selectWhenShown = id;
        return;
    }
    m_selectWhenShown = 0;
    m_table->setCurrentIndex(m_model->index(row, 0));
    m_table->scrollTo(m_model->index(row, 0));
}

void WebhookInspector::showEntry(const storage::WebhookLogEntry& e)
{
    m_current = e;
    m_currentId = e.id;
    m_requestLine->setText(
        tr("#%1  %2 %3%4  from %5  →  %6  (signature %7)%8")
            .arg(e.id)
            .arg(e.method, e.path, e.query.isEmpty() ? QString() : QLatin1Char('?') + e.query)
            .arg(e.remoteAddress)
            .arg(e.status)
            .arg(e.signatureVerdict, e.replayOf > 0 ? tr("  replay of #%1").arg(e.replayOf) : QString()));
    const QString explanation = explanationText(e);
    m_explanation->setText(explanation);
    m_explanation->setVisible(!explanation.isEmpty());

    m_request->setPlainText(
        QStringLiteral("%1 %2%3\n").arg(e.method, e.path, e.query.isEmpty() ? QString() : QLatin1Char('?') + e.query) +
        headersText(QString(), e.requestHeaders) + QLatin1Char('\n') + bodyText(e.requestBody));
    m_form->setRowCount(0);
    const bool form = headerValue(e.requestHeaders, "Content-Type").startsWith("application/x-www-form-urlencoded");
    const QString formText = form ? QString::fromUtf8(e.requestBody) : e.query;
    for (const auto& [name, value] :
         QUrlQuery(QString(formText).replace(QLatin1Char('+'), QLatin1Char(' '))).queryItems(QUrl::FullyDecoded)) {
        const int row = m_form->rowCount();
        m_form->insertRow(row);
        m_form->setItem(row, 0, new QTableWidgetItem(name));
        m_form->setItem(row, 1, new QTableWidgetItem(value));
    }
    const QByteArray type = headerValue(e.responseHeaders, "Content-Type");
    const bool xml = type.contains("xml") || e.responseBody.trimmed().startsWith('<');
    m_response->setPlainText(QStringLiteral("%1\n").arg(e.status) + headersText(QString(), e.responseHeaders) +
                             QLatin1Char('\n') + (xml ? prettyXml(e.responseBody) : bodyText(e.responseBody)));
    const bool replayable = e.method == QLatin1String("POST") || e.method == QLatin1String("GET");
    m_replay->setEnabled(replayable);
    m_editReplay->setEnabled(replayable);
    emit entryShown(e.id);
}

void WebhookInspector::replaySelected()
{
    if (m_currentId > 0)
        replay(std::nullopt);
}

void WebhookInspector::editAndReplaySelected()
{
    if (m_currentId <= 0)
        return;
    auto* dialog = new ReplayDialog(m_current, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] { replay(dialog->edits()); });
    dialog->open();
}

void WebhookInspector::replay(const std::optional<bootstrap::ReplayEdits>& edits)
{
    const qint64 id = m_currentId;
    m_replayResult->setText(tr("Replaying #%1...").arg(id));
    m_core->replayWebhook(id, edits, this, [this, id](Result<bootstrap::ReplayResult> result) {
        if (!result.ok()) {
            m_replayResult->setText(tr("Replay of #%1 failed: %2").arg(id).arg(result.error().message));
            emit replayed(0, 0);
            return;
        }
        m_replayResult->setText(tr("Replayed #%1%2 → #%3, status %4")
                                    .arg(id)
                                    .arg(result->isSigned ? tr(" (signed)") : tr(" (unsigned)"))
                                    .arg(result->entryId)
                                    .arg(result->status));
        if (result->entryId > 0)
            selectEntry(result->entryId);
        emit replayed(result->entryId, result->status);
    });
}

} // namespace sb::ui
