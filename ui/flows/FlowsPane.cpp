// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/flows/FlowsPane.h"

#include "bootstrap/Core.h"

#include <QFileInfo>
#include <QFontDatabase>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QListWidget>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTextBlock>
#include <QTimer>
#include <QVBoxLayout>
#include <algorithm>

namespace sb::ui {
namespace {

constexpr int kDebounceMs = 300;
constexpr int kNameRole = Qt::UserRole;
constexpr int kLineRole = Qt::UserRole + 1;
constexpr int kColumnRole = Qt::UserRole + 2;

QPlainTextEdit* readOnlyText(const QString& objectName, QWidget* parent)
{
    auto* edit = new QPlainTextEdit(parent);
    edit->setObjectName(objectName);
    edit->setReadOnly(true);
    edit->setLineWrapMode(QPlainTextEdit::NoWrap);
    return edit;
}

QWidget* boxed(const QString& title, QWidget* content, QWidget* parent)
{
    auto* box = new QGroupBox(title, parent);
    auto* layout = new QVBoxLayout(box);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(content);
    return box;
}

} // namespace

FlowsPane::FlowsPane(bootstrap::Core* core, QWidget* parent)
    : QWidget(parent)
    , m_core(core)
    , m_catalog(core ? core->flowsDir() : QString())
    , m_confirmDiscard([this](const QString& question) {
        return QMessageBox::question(this, tr("Unsaved flow"), question) == QMessageBox::Yes;
    })
{
    buildUi();
    m_debounce = new QTimer(this);
    m_debounce->setSingleShot(true);
    m_debounce->setInterval(kDebounceMs);
    connect(m_debounce, &QTimer::timeout, this, &FlowsPane::validateNow);
    connect(m_editor, &QPlainTextEdit::textChanged, this, [this] {
        if (m_opening)
            return;
        m_debounce->start();
        updateButtons();
    });
    connect(m_list, &QListWidget::currentItemChanged, this, [this](QListWidgetItem* item, QListWidgetItem* previous) {
        if (item && item->data(kNameRole).toString() != m_current) {
            if (hasUnsavedEdits() &&
                !m_confirmDiscard(tr("The flow \"%1\" has unsaved edits. Drop them and open \"%2\"?")
                                      .arg(m_current, item->data(kNameRole).toString()))) {
                // Stay on the edited flow: put the selection back without reopening anything.
                const QSignalBlocker blocker(m_list);
                m_list->setCurrentItem(previous);
                return;
            }
            openFlow(item->data(kNameRole).toString());
        }
        updateButtons();
    });
    connect(m_problems, &QListWidget::itemClicked, this, &FlowsPane::goToProblem);
    connect(m_problems, &QListWidget::itemActivated, this, &FlowsPane::goToProblem);
    connect(m_save, &QPushButton::clicked, this, &FlowsPane::save);
    connect(m_revert, &QPushButton::clicked, this, &FlowsPane::revert);
    connect(m_new, &QPushButton::clicked, this, &FlowsPane::askForNewFlow);
    connect(m_use, &QPushButton::clicked, this, &FlowsPane::useForIncomingCalls);
    if (m_core) {
        connect(m_core, &bootstrap::Core::activeFlowChanged, this, &FlowsPane::refresh);
        connect(m_core, &bootstrap::Core::publicUrlChanged, this, &FlowsPane::validateNow);
    }
    refresh();
    const QString first = m_core ? m_core->activeFlow() : QString();
    if (!openFlow(first) && m_list->count() > 0)
        openFlow(m_list->item(0)->data(kNameRole).toString());
}

void FlowsPane::buildUi()
{
    m_list = new QListWidget(this);
    m_list->setObjectName(QStringLiteral("flowList"));
    m_list->setAccessibleName(tr("Flows"));
    m_activeLabel = new QLabel(this);
    m_activeLabel->setObjectName(QStringLiteral("activeFlowLabel"));
    m_activeLabel->setWordWrap(true);
    m_new = new QPushButton(tr("New flow…"), this);
    m_new->setObjectName(QStringLiteral("newFlowButton"));
    m_use = new QPushButton(tr("Use for incoming calls"), this);
    m_use->setObjectName(QStringLiteral("useFlowButton"));
    auto* left = new QWidget(this);
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(new QLabel(tr("Flows (● incoming calls)"), left));
    leftLayout->addWidget(m_list, 1);
    leftLayout->addWidget(m_activeLabel);
    leftLayout->addWidget(m_use);
    leftLayout->addWidget(m_new);

    m_fileLabel = new QLabel(this);
    m_fileLabel->setObjectName(QStringLiteral("flowFile"));
    m_fileLabel->setWordWrap(true);
    m_editor = new QPlainTextEdit(this);
    m_editor->setObjectName(QStringLiteral("flowEditor"));
    m_editor->setAccessibleName(tr("Flow editor"));
    m_editor->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_editor->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_editor->setTabChangesFocus(false);
    m_problems = new QListWidget(this);
    m_problems->setObjectName(QStringLiteral("flowProblems"));
    m_problems->setAccessibleName(tr("Problems in the flow"));
    m_problems->setMaximumHeight(80);
    m_save = new QPushButton(tr("Save"), this);
    m_save->setObjectName(QStringLiteral("saveFlowButton"));
    m_revert = new QPushButton(tr("Revert"), this);
    m_revert->setObjectName(QStringLiteral("revertFlowButton"));
    m_statusLabel = new QLabel(this);
    m_statusLabel->setObjectName(QStringLiteral("flowStatus"));
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_statusLabel, 1);
    buttons->addWidget(m_revert);
    buttons->addWidget(m_save);
    auto* editorPart = new QWidget(this);
    auto* editorLayout = new QVBoxLayout(editorPart);
    editorLayout->setContentsMargins(0, 0, 0, 0);
    editorLayout->addWidget(m_fileLabel);
    editorLayout->addWidget(m_editor, 1);
    editorLayout->addWidget(m_problems);
    editorLayout->addLayout(buttons);

    m_twiml = readOnlyText(QStringLiteral("twimlPreview"), this);
    m_twiml->setAccessibleName(tr("TwiML preview"));
    m_twiml->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_words = readOnlyText(QStringLiteral("callerHears"), this);
    m_words->setAccessibleName(tr("What the caller hears"));
    m_words->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    auto* previews = new QSplitter(Qt::Horizontal, this);
    previews->addWidget(boxed(tr("TwiML for a sample call"), m_twiml, previews));
    previews->addWidget(boxed(tr("What the caller hears"), m_words, previews));

    auto* right = new QSplitter(Qt::Vertical, this);
    right->addWidget(editorPart);
    right->addWidget(previews);
    right->setStretchFactor(0, 3);
    right->setStretchFactor(1, 2);
    auto* main = new QSplitter(Qt::Horizontal, this);
    main->addWidget(left);
    main->addWidget(right);
    main->setStretchFactor(1, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(main);
}

void FlowsPane::refresh()
{
    const QSignalBlocker blocker(m_list);
    const QString active = m_core ? m_core->activeFlow() : QString();
    m_list->clear();
    for (const bootstrap::FlowInfo& flow : m_catalog.list()) {
        const QString origin = flow.builtIn            ? tr("built-in")
                               : flow.overridesBuiltIn ? tr("file, replaces the built-in")
                                                       : tr("file");
        const bool isActive = flow.name == active;
        auto* item = new QListWidgetItem(
            QStringLiteral("%1%2 (%3)").arg(isActive ? QStringLiteral("● ") : QString(), flow.name, origin), m_list);
        item->setData(kNameRole, flow.name);
        item->setToolTip(QStringLiteral("%1\n%2 · %3").arg(flow.description, flow.mode, flow.path));
        if (isActive) {
            QFont bold = item->font();
            bold.setBold(true);
            item->setFont(bold);
        }
        if (flow.name == m_current)
            m_list->setCurrentItem(item);
    }
    for (const QString& broken : m_catalog.brokenFiles()) {
        auto* item = new QListWidgetItem(tr("⚠ not loaded: %1").arg(broken), m_list);
        item->setFlags(Qt::ItemIsEnabled);
        item->setToolTip(broken);
    }
    updateActiveLabel();
    updateButtons();
}

bool FlowsPane::hasUnsavedEdits() const
{
    return !m_current.isEmpty() && (m_editor->toPlainText() != m_loadedText || !m_currentSaved);
}

bool FlowsPane::openFlow(const QString& name)
{
    const auto text = m_catalog.source(name);
    if (!text.ok())
        return false;
    m_current = name;
    m_currentSaved = true;
    m_loadedText = text.value();
    m_opening = true;
    m_editor->setPlainText(m_loadedText);
    m_opening = false;
    for (const bootstrap::FlowInfo& flow : m_catalog.list()) {
        if (flow.name != name)
            continue;
        m_fileLabel->setText(
            flow.builtIn
                ? tr("Built-in flow. Saving writes flows/%1.json in the data folder, which replaces it.").arg(name)
                : flow.path);
    }
    if (m_list->currentItem() == nullptr || m_list->currentItem()->data(kNameRole).toString() != name) {
        const QSignalBlocker blocker(m_list);
        for (int row = 0; row < m_list->count(); ++row) {
            if (m_list->item(row)->data(kNameRole).toString() == name)
                m_list->setCurrentRow(row);
        }
    }
    validateNow();
    return true;
}

bool FlowsPane::newFlow(const QString& name)
{
    if (!bootstrap::FlowCatalog::isValidName(name)) {
        say(tr("\"%1\" is not a flow name: use 1-64 characters of a-z, 0-9 and '-'").arg(name));
        return false;
    }
    if (m_catalog.source(name).ok()) {
        say(tr("A flow named \"%1\" exists already").arg(name));
        return false;
    }
    m_current = name;
    m_currentSaved = false;
    m_loadedText.clear(); // nothing saved yet: Revert empties nothing, Save creates the file
    m_opening = true;
    m_editor->setPlainText(bootstrap::FlowCatalog::templateFor(name));
    m_opening = false;
    m_fileLabel->setText(tr("New flow, not saved yet (flows/%1.json)").arg(name));
    {
        const QSignalBlocker blocker(m_list);
        m_list->setCurrentItem(nullptr);
    }
    validateNow();
    return true;
}

void FlowsPane::validateNow()
{
    m_debounce->stop();
    const QString text = m_editor->toPlainText();
    const QList<bootstrap::FlowProblem> problems = bootstrap::FlowCatalog::validate(text);
    m_valid = problems.isEmpty();
    m_problems->clear();
    for (const bootstrap::FlowProblem& problem : problems) {
        auto* item = new QListWidgetItem(problem.describe(), m_problems);
        item->setData(kLineRole, problem.line);
        item->setData(kColumnRole, problem.column);
        item->setForeground(Qt::darkRed);
    }
    highlightLine(problems.isEmpty() ? 0 : problems.first().line);
    const QString publicUrl = m_core ? m_core->publicUrl() : QString();
    const QString streamUrl = m_core ? m_core->streamUrl() : QString();
    if (m_valid) {
        const auto twiml = bootstrap::FlowCatalog::renderTwiml(text, publicUrl, streamUrl);
        const auto words = bootstrap::FlowCatalog::describe(text, publicUrl, streamUrl);
        m_twiml->setPlainText(twiml.ok() ? twiml.value() : twiml.error().message);
        m_words->setPlainText(words.ok() ? words->join(QLatin1Char('\n')) : words.error().message);
    } else {
        m_twiml->setPlainText(tr("(fix the problem above to see the TwiML)"));
        m_words->setPlainText(tr("(fix the problem above to see what the caller hears)"));
    }
    updateButtons();
}

void FlowsPane::highlightLine(int line)
{
    QList<QTextEdit::ExtraSelection> selections;
    if (line > 0) {
        const QTextBlock block = m_editor->document()->findBlockByNumber(line - 1);
        if (block.isValid()) {
            QTextEdit::ExtraSelection selection;
            selection.format.setBackground(QColor(255, 220, 220));
            selection.format.setProperty(QTextFormat::FullWidthSelection, true);
            selection.cursor = QTextCursor(block);
            selections.append(selection);
        }
    }
    m_editor->setExtraSelections(selections);
}

void FlowsPane::goToProblem(QListWidgetItem* item)
{
    const int line = item ? item->data(kLineRole).toInt() : 0;
    if (line <= 0)
        return;
    const QTextBlock block = m_editor->document()->findBlockByNumber(line - 1);
    if (!block.isValid())
        return;
    QTextCursor cursor(block);
    const int column = std::max(1, item->data(kColumnRole).toInt());
    cursor.movePosition(QTextCursor::Right, QTextCursor::MoveAnchor, std::min(column - 1, block.length() - 1));
    m_editor->setTextCursor(cursor);
    m_editor->setFocus();
}

void FlowsPane::save()
{
    validateNow();
    if (!m_valid || !m_core)
        return;
    const QString text = m_editor->toPlainText();
    const auto saved = m_catalog.save(text);
    if (!saved.ok()) {
        say(tr("Not saved: %1").arg(saved.error().toString()));
        return;
    }
    // The name comes from the text: it may have been renamed in the editor.
    const QString name = QFileInfo(saved.value()).completeBaseName();
    const auto reloaded = m_core->reloadFlows();
    refresh();
    openFlow(name);
    say(reloaded.ok()
            ? tr("Saved %1; the next call using \"%2\" gets it").arg(saved.value(), name)
            : tr("Saved %1, but the listener did not reload: %2").arg(saved.value(), reloaded.error().message));
}

void FlowsPane::revert()
{
    if (m_currentSaved)
        openFlow(m_current);
    else
        newFlow(m_current);
    say(tr("Reverted %1").arg(m_current));
}

void FlowsPane::askForNewFlow()
{
    bool ok = false;
    const QString name =
        QInputDialog::getText(this, tr("New flow"), tr("Name (a-z, 0-9 and '-'):"), QLineEdit::Normal, QString(), &ok);
    if (ok)
        newFlow(name.trimmed());
}

void FlowsPane::useForIncomingCalls()
{
    if (!m_core)
        return;
    const QString name = m_current;
    const auto set = m_core->setActiveFlow(name);
    if (!set.ok()) {
        say(tr("Cannot use \"%1\": %2").arg(name, set.error().message));
        return;
    }
    refresh();
    const bool unsaved = m_editor->toPlainText() != m_loadedText;
    say(unsaved ? tr("Incoming calls now get \"%1\" as saved (your edits are not saved yet)").arg(name)
                : tr("Incoming calls now get \"%1\"").arg(name));
}

void FlowsPane::updateButtons()
{
    const bool modified = m_editor->toPlainText() != m_loadedText;
    const bool pending = m_debounce && m_debounce->isActive();
    m_save->setEnabled(m_core && m_valid && !pending);
    m_revert->setEnabled(modified);
    m_use->setEnabled(m_core && m_currentSaved && m_core->activeFlow() != m_current);
    m_new->setEnabled(m_core != nullptr);
}

void FlowsPane::updateActiveLabel()
{
    m_activeLabel->setText(m_core ? tr("Incoming calls get: %1").arg(m_core->activeFlow())
                                  : tr("The listener is not running: flows can be read only."));
}

void FlowsPane::say(const QString& message)
{
    m_statusLabel->setText(message);
    emit statusMessage(message);
}

} // namespace sb::ui
