// SPDX-License-Identifier: GPL-3.0-or-later
#include "MainWindow.h"

#include "bootstrap/Core.h"
#include "calls/CallListModel.h"
#include "common/Version.h"
#include "settings/SettingsDialog.h"
#include "sim/CallDriver.h"
#include "sim/SimAudio.h"
#include "storage/HistoryQueries.h"

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
        auto history = storage::HistoryQueries::open(m_core->databasePath());
        if (history.ok()) {
            m_history = std::move(history.value());
            const auto calls = m_history->listCalls(500, 0);
            if (calls.ok()) {
                QList<storage::CallRecord> records;
                for (const auto& summary : calls.value())
                    records.append(summary.call);
                m_model->reset(records);
            }
        }
        connect(m_core, &bootstrap::Core::callStored, this, [this](const storage::CallRecord& call) {
            m_model->upsert(call);
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
    if (sid.isEmpty() || !m_history)
        return;
    const auto detail = m_history->callDetail(sid);
    if (!detail.ok()) {
        m_detail->setPlainText(detail.error().message);
        return;
    }
    const storage::CallDetail& d = detail.value();
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
    for (const storage::CallEvent& e : d.events)
        appendEvent(e);
}

void MainWindow::appendEvent(const storage::CallEvent& event)
{
    if (event.callSid != selectedCallSid())
        return;
    m_detail->appendPlainText(QStringLiteral("%1  %2  %3")
                                  .arg(event.at.toLocalTime().toString(QStringLiteral("HH:mm:ss.zzz")),
                                       event.kind,
                                       QString::fromUtf8(QJsonDocument(event.detail).toJson(QJsonDocument::Compact))));
}

void MainWindow::placeDemoCall()
{
    if (!m_core)
        return;
    sim::CallConfig config;
    config.url = m_core->publicUrl() + QStringLiteral("/voice");
    config.authToken = m_core->signingTokenForSimulator();
    config.realtime = m_demoRealtime;
    config.maxDurationMs = 30000;
    // As if the number's status callback pointed here: the call's progress reaches the list.
    config.statusCallback = m_core->publicUrl() + QStringLiteral("/status");
    config.statusEvents = {QStringLiteral("initiated"),
                           QStringLiteral("ringing"),
                           QStringLiteral("answered"),
                           QStringLiteral("completed")};
    const QString words = QStringLiteral("I would like an appointment next Tuesday at ten in the morning.");
    QString error;
    config.caller.audio = sim::synthesizeSpeech(words, QStringLiteral("en-US"), &error);
    if (config.caller.audio.isEmpty())
        config.caller.audio = QByteArray(8000 * 3, char(0xFF)); // three seconds of mu-law silence
    config.caller.speech = words;
    auto* driver = new sim::CallDriver(config, this);
    config.authToken.fill('\0');
    statusBar()->showMessage(tr("Demo call started"), 5000);
    connect(driver, &sim::CallDriver::finished, this, [this, driver](const sim::CallReport& report) {
        QStringList codes;
        for (int code : report.issueCodes())
            codes << QString::number(code);
        statusBar()->showMessage(report.ok()
                                     ? tr("Demo call finished")
                                     : tr("Demo call failed (Twilio errors %1)").arg(codes.join(QStringLiteral(", "))),
                                 10000);
        driver->deleteLater();
    });
    driver->start();
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
