// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/MainWindow.h"

#include "bootstrap/Core.h"
#include "bootstrap/DemoCalls.h"
#include "common/Version.h"
#include "storage/HistoryQueries.h"
#include "storage/HistoryReader.h"
#include "ui/calls/CallListModel.h"
#include "ui/settings/SettingsDialog.h"

#include <QApplication>
#include <QFontDatabase>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QSplitter>
#include <QStatusBar>
#include <QToolBar>
#include <QTreeView>

namespace sb::ui {

MainWindow::MainWindow(bootstrap::Core* core, const QString& startError, QWidget* parent)
    : QMainWindow(parent)
    , m_core(core)
{
    setWindowTitle(QLatin1String(kDisplayName));
    setWindowIcon(QIcon(QStringLiteral(":/icons/switchboard.svg")));
    setObjectName(QStringLiteral("MainWindow"));

    auto* splitter = new QSplitter(Qt::Horizontal, this);
    m_model = new CallListModel(this);
    m_callList = new QTreeView(splitter);
    m_callList->setObjectName(QStringLiteral("callList"));
    m_callList->setModel(m_model);
    m_callList->setRootIsDecorated(false);
    m_callList->setUniformRowHeights(true);
    m_callList->setSelectionMode(QAbstractItemView::SingleSelection);
    m_callList->header()->setSectionResizeMode(CallListModel::Sid, QHeaderView::ResizeToContents);

    m_detail = new QPlainTextEdit(splitter);
    m_detail->setObjectName(QStringLiteral("callDetail"));
    m_detail->setReadOnly(true);
    m_detail->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_detail->setPlaceholderText(tr("No call selected.\n\nCalls appear here when the listener receives them."));
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    setCentralWidget(splitter);

    m_listenerStatus = new QLabel(this);
    m_listenerStatus->setObjectName(QStringLiteral("listenerStatus"));
    m_listenerStatus->setTextInteractionFlags(Qt::TextSelectableByMouse);
    statusBar()->addPermanentWidget(m_listenerStatus);

    if (m_core) {
        m_listenerStatus->setText(tr("Listening on %1  ·  media %2").arg(m_core->publicUrl(), m_core->streamUrl()));
        // History loads on the reader thread; calls stored meanwhile arrive through callStored and
        // are merged, so none is lost between the query and its answer.
        m_core->history()->recentCalls(500, this, [this](const Result<QList<storage::CallSummary>>& calls) {
            if (!calls.ok()) {
                statusBar()->showMessage(tr("Could not read the call history: %1").arg(calls.error().message));
                return;
            }
            QList<storage::CallRecord> records;
            for (const storage::CallSummary& summary : calls.value())
                records.append(summary.call);
            m_model->mergeHistory(records);
        });
        connect(m_core, &bootstrap::Core::callStored, this, [this](const storage::CallRecord& call) {
            m_model->upsert(call);
        });
        connect(m_core->demoCalls(), &bootstrap::DemoCalls::progress, this, [this](int call, const QString& summary) {
            statusBar()->showMessage(tr("Demo call %1: %2").arg(call).arg(summary), 5000);
        });
        connect(m_core->demoCalls(),
                &bootstrap::DemoCalls::finished,
                this,
                [this](int call, bool ok, const QString& summary) {
                    statusBar()->showMessage(ok ? tr("Demo call %1 finished").arg(call)
                                                : tr("Demo call %1 %2").arg(call).arg(summary),
                                             10000);
                });
        connect(m_core, &bootstrap::Core::eventStored, this, &MainWindow::appendEvent);
    } else {
        m_listenerStatus->setText(tr("Listener not running: %1").arg(startError));
    }
    connect(m_callList->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &MainWindow::showSelectedCall);

    createActions();
    resize(1100, 700);
}

MainWindow::~MainWindow() = default;

void MainWindow::createActions()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* settings = file->addAction(tr("&Twilio credentials…"), this, [this] {
        auto* dialog = new SettingsDialog(this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->open();
    });
    settings->setObjectName(QStringLiteral("actionSettings"));
    settings->setShortcut(QKeySequence::Preferences);
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);
    quit->setObjectName(QStringLiteral("actionQuit"));

    QMenu* call = menuBar()->addMenu(tr("&Call"));
    m_demoCall = call->addAction(tr("Place &demo call"), this, &MainWindow::placeDemoCall);
    m_demoCall->setObjectName(QStringLiteral("actionDemoCall"));
    m_demoCall->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_D));
    m_demoCall->setToolTip(tr("Play Twilio's side of a call against this listener with the built-in simulator "
                              "(no phone or Twilio account needed)"));
    m_demoCall->setEnabled(m_core != nullptr);
    QToolBar* toolbar = addToolBar(tr("Calls"));
    toolbar->setObjectName(QStringLiteral("callsToolbar"));
    toolbar->setMovable(false);
    toolbar->addAction(m_demoCall);

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    QAction* about = help->addAction(tr("&About Switchboard"), this, &MainWindow::showAbout);
    about->setObjectName(QStringLiteral("actionAbout"));
}

QString MainWindow::selectedCallSid() const
{
    const QModelIndex current = m_callList->currentIndex();
    return current.isValid() ? current.data(CallListModel::CallSidRole).toString() : QString();
}

void MainWindow::showSelectedCall()
{
    const QString sid = selectedCallSid();
    m_detail->clear();
    if (sid.isEmpty() || !m_core)
        return;
    m_detail->setPlaceholderText(tr("Loading %1…").arg(sid));
    m_core->history()->callDetail(sid, this, [this, sid](const Result<storage::CallDetail>& detail) {
        if (sid != selectedCallSid())
            return; // the selection moved on; its own answer follows
        if (!detail.ok())
            m_detail->setPlainText(detail.error().message);
        else
            showCallDetail(detail.value());
    });
}

void MainWindow::showCallDetail(const storage::CallDetail& d)
{
    QStringList lines;
    lines << tr("Call      %1").arg(d.call.callSid) << tr("From      %1").arg(d.call.from)
          << tr("To        %1").arg(d.call.to) << tr("State     %1 (Twilio: %2)").arg(d.call.state, d.call.status)
          << tr("Flow      %1").arg(d.call.flow);
    for (const storage::StreamDetail& s : d.streams) {
        lines << tr("Stream    %1 %2").arg(s.stream.streamSid, s.stream.status);
        for (const storage::StreamTrackStats& t : s.tracks)
            lines << tr("  %1: %2 frames, %3 gaps, %4 late  %5")
                         .arg(t.track)
                         .arg(t.frames)
                         .arg(t.gaps)
                         .arg(t.lateFrames)
                         .arg(t.wavPath);
    }
    for (const storage::TranscriptSegment& t : d.transcripts)
        lines << tr("%1 said: %2").arg(t.track, t.text);
    lines << QString() << tr("Events");
    m_detail->setPlainText(lines.join(QLatin1Char('\n')));
    m_shownEventIds.clear();
    for (const storage::CallEvent& e : d.events)
        appendEvent(e);
}

void MainWindow::appendEvent(const storage::CallEvent& event)
{
    // An event stored while the detail was loading comes both live and in the answer: show once.
    if (event.callSid != selectedCallSid() || m_shownEventIds.contains(event.id))
        return;
    m_shownEventIds.insert(event.id);
    m_detail->appendPlainText(QStringLiteral("%1  %2  %3")
                                  .arg(event.at.toLocalTime().toString(QStringLiteral("HH:mm:ss.zzz")),
                                       event.kind,
                                       QString::fromUtf8(QJsonDocument(event.detail).toJson(QJsonDocument::Compact))));
}

void MainWindow::placeDemoCall()
{
    if (!m_core)
        return;
    bootstrap::DemoCallRequest request;
    request.realtime = m_demoRealtime;
    m_core->demoCalls()->start(m_core->publicUrl(), request);
}

void MainWindow::showAbout()
{
    QMessageBox::about(
        this,
        tr("About Switchboard"),
        tr("<b>Switchboard %1</b><p>An operator console for Twilio voice calls.</p><p>Built with Qt %2.</p>")
            .arg(QLatin1String(kVersion), QLatin1String(qVersion())));
}

} // namespace sb::ui
