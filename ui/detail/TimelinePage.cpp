// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/detail/TimelinePage.h"

#include "storage/HistoryReader.h"
#include "ui/detail/TimelineModel.h"

#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLineEdit>
#include <QPainter>
#include <QPixmap>
#include <QPlainTextEdit>
#include <QSplitter>
#include <QTimer>
#include <QToolButton>
#include <QTreeView>
#include <QVBoxLayout>

namespace sb::ui {

namespace {

QIcon swatch(const QColor& color)
{
    QPixmap pixmap(12, 12);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setBrush(color);
    painter.setPen(Qt::NoPen);
    painter.drawEllipse(1, 1, 10, 10);
    return QIcon(pixmap);
}

QString headerLines(const storage::HeaderList& headers)
{
    QStringList lines;
    for (const auto& [name, value] : headers)
        lines << QString::fromLatin1(name) + QStringLiteral(": ") + QString::fromLatin1(value);
    return lines.join(QLatin1Char('\n'));
}

QString bodyText(const QByteArray& body)
{
    if (body.isEmpty())
        return QObject::tr("(no body)");
    return QString::fromUtf8(body);
}

} // namespace

TimelinePage::TimelinePage(TimelineModel* model, QWidget* parent)
    : QWidget(parent)
    , m_model(model)
    , m_filter(new TimelineFilter(this))
{
    m_filter->setSourceModel(model);

    auto* row = new QHBoxLayout;
    row->setContentsMargins(0, 0, 0, 0);
    for (int i = 0; i < kTimelineSourceCount; ++i) {
        const auto source = TimelineSource(i);
        auto* button = new QToolButton(this);
        button->setObjectName(QStringLiteral("timelineSource") + timeline::sourceName(source));
        button->setText(timeline::sourceName(source));
        button->setIcon(swatch(timeline::sourceColor(source)));
        // The swatch alone keeps the row narrow (the Source column names each colour); the name
        // stays the button's text for tooltips and screen readers.
        button->setToolButtonStyle(Qt::ToolButtonIconOnly);
        button->setAutoRaise(true);
        button->setCheckable(true);
        button->setChecked(true);
        button->setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Fixed); // the text filter takes the rest
        button->setToolTip(tr("Show or hide %1 entries").arg(timeline::sourceName(source)));
        button->setAccessibleName(tr("%1 entries").arg(timeline::sourceName(source)));
        connect(
            button, &QToolButton::toggled, this, [this, source](bool on) { m_filter->setSourceEnabled(source, on); });
        row->addWidget(button);
    }
    m_text = new QLineEdit(this);
    m_text->setObjectName(QStringLiteral("timelineFilterText"));
    m_text->setPlaceholderText(tr("Filter…"));
    m_text->setClearButtonEnabled(true);
    m_text->setMinimumWidth(m_text->fontMetrics().averageCharWidth() * 14);
    connect(m_text, &QLineEdit::textChanged, m_filter, &TimelineFilter::setText);
    row->addWidget(m_text, 1);
    m_follow = new QToolButton(this);
    m_follow->setObjectName(QStringLiteral("followLive"));
    m_follow->setText(tr("Follow"));
    m_follow->setToolTip(tr("Scroll to the newest entry as entries arrive"));
    m_follow->setCheckable(true);
    m_follow->setChecked(true);
    connect(m_follow, &QToolButton::toggled, this, [this](bool on) {
        if (on)
            followNewest();
    });
    row->addWidget(m_follow);

    auto* splitter = new QSplitter(Qt::Vertical, this);
    m_view = new QTreeView(splitter);
    m_view->setObjectName(QStringLiteral("timelineView"));
    m_view->setAccessibleName(tr("Timeline"));
    m_view->setModel(m_filter);
    m_view->setRootIsDecorated(false);
    m_view->setUniformRowHeights(true);
    m_view->setAlternatingRowColors(true);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->header()->setStretchLastSection(true);
    m_view->header()->resizeSection(TimelineModel::Time, 170);
    m_view->header()->resizeSection(TimelineModel::Source, 100);
    m_details = new QPlainTextEdit(splitter);
    m_details->setObjectName(QStringLiteral("timelineDetails"));
    m_details->setAccessibleName(tr("Timeline entry details"));
    m_details->setReadOnly(true);
    m_details->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_details->setPlaceholderText(tr("Select an entry to see it in full."));
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(row);
    layout->addWidget(splitter, 1);

    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &TimelinePage::showSelected);
    connect(m_filter, &QAbstractItemModel::rowsInserted, this, [this] {
        if (m_follow->isChecked())
            followNewest();
    });
}

void TimelinePage::clearDetails()
{
    m_shownWebhook = 0;
    m_details->clear();
}

void TimelinePage::followNewest()
{
    // After the view has laid the new rows out; one scroll for a burst of entries.
    if (m_scrollQueued)
        return;
    m_scrollQueued = true;
    QTimer::singleShot(0, this, [this] {
        m_scrollQueued = false;
        if (m_follow->isChecked())
            m_view->scrollToBottom();
    });
}

void TimelinePage::showSelected()
{
    m_shownWebhook = 0;
    const QModelIndex current = m_filter->mapToSource(m_view->currentIndex());
    if (!current.isValid()) {
        m_details->clear();
        return;
    }
    if (const storage::CallEvent* event = m_model->eventAt(current.row())) {
        showEvent(*event);
        return;
    }
    const storage::WebhookLogEntry* entry = m_model->webhookAt(current.row());
    if (!entry)
        return;
    showWebhook(*entry);
    m_shownWebhook = entry->id;
    if (!m_history)
        return;
    const qint64 id = entry->id;
    m_history->webhookEntry(id, this, [this, id](const Result<storage::WebhookLogEntry>& full) {
        if (m_shownWebhook != id)
            return; // the selection moved on
        if (full.ok())
            showWebhook(full.value());
        else
            m_details->appendPlainText(tr("\nCould not read the bodies: %1").arg(full.error().message));
    });
}

void TimelinePage::showWebhook(const storage::WebhookLogEntry& w)
{
    QStringList parts;
    parts << tr("Webhook #%1 at %2 from %3, answered in %4 ms")
                 .arg(QString::number(w.id), w.at.toString(Qt::ISODateWithMs), w.remoteAddress)
                 .arg(double(w.durationMicros) / 1000.0, 0, 'f', 1);
    parts << tr("Signature: %1").arg(w.signatureVerdict.isEmpty() ? tr("not checked") : w.signatureVerdict);
    if (!w.note.isEmpty())
        parts << tr("Note: %1").arg(w.note);
    if (w.replayOf > 0)
        parts << tr("Replay of #%1").arg(w.replayOf);
    parts << QString();
    parts << tr("── Request ──");
    parts << QStringLiteral("%1 %2%3").arg(
        w.method, w.path, w.query.isEmpty() ? QString() : QLatin1Char('?') + w.query);
    parts << headerLines(w.requestHeaders) << QString() << bodyText(w.requestBody) << QString();
    parts << tr("── Response ──");
    parts << (w.status ? QStringLiteral("HTTP %1").arg(w.status) : tr("(no response was sent)"));
    parts << headerLines(w.responseHeaders) << QString() << bodyText(w.responseBody);
    m_details->setPlainText(parts.join(QLatin1Char('\n')));
}

void TimelinePage::showEvent(const storage::CallEvent& e)
{
    m_details->setPlainText(tr("Event #%1 %2 at %3\n\n%4")
                                .arg(QString::number(e.id),
                                     e.kind,
                                     e.at.toString(Qt::ISODateWithMs),
                                     QString::fromUtf8(QJsonDocument(e.detail).toJson(QJsonDocument::Indented))));
}

} // namespace sb::ui
