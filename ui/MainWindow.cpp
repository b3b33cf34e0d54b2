// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/MainWindow.h"

#include "bootstrap/Core.h"
#include "bootstrap/DemoCalls.h"
#include "common/Version.h"
#include "credentials/CredentialStore.h"
#include "credentials/Profiles.h"
#include "storage/HistoryQueries.h"
#include "storage/HistoryReader.h"
#include "ui/actions/CallActionsBar.h"
#include "ui/calls/CallWall.h"
#include "ui/calls/CallWallModel.h"
#include "ui/calls/NewCallNotifier.h"
#include "ui/console/FirstStart.h"
#include "ui/detail/CallDetailPane.h"
#include "ui/flows/FlowsPane.h"
#include "ui/inspector/WebhookInspector.h"
#include "ui/network/NetworkPanel.h"
#include "ui/settings/ListenerDialog.h"
#include "ui/settings/SettingsDialog.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QHeaderView>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolBar>
#include <QTreeView>
#include <QVBoxLayout>

namespace sb::ui {

MainWindow::MainWindow(bootstrap::Core* core, const QString& startError, QWidget* parent)
    : QMainWindow(parent)
    , m_core(core)
    , m_startError(startError)
{
    setWindowTitle(QLatin1String(kDisplayName));
    setWindowIcon(QIcon(QStringLiteral(":/icons/switchboard.svg")));
    setObjectName(QStringLiteral("MainWindow"));

    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("consoleTabs"));
    m_tabs->setDocumentMode(true);
    buildCallsScreen();
    if (m_core) {
        m_inspector = new WebhookInspector(m_core, m_tabs);
        m_tabs->addTab(m_inspector, tr("&Webhooks"));
    } else {
        auto* webhooks = new QLabel(tr("No listener, no webhooks: %1").arg(startError), m_tabs);
        webhooks->setAlignment(Qt::AlignCenter);
        webhooks->setWordWrap(true);
        m_tabs->addTab(webhooks, tr("&Webhooks"));
    }
    m_flows = new FlowsPane(m_core, m_tabs);
    m_tabs->addTab(m_flows, tr("&Flows"));
    connect(m_flows, &FlowsPane::statusMessage, this, [this](const QString& message) {
        statusBar()->showMessage(message, 5000);
    });
    m_networkPanel = new NetworkPanel(m_core, m_tabs);
    m_tabs->addTab(m_networkPanel, tr("&Network"));
    setCentralWidget(m_tabs);
    connect(m_networkPanel, &NetworkPanel::copied, this, [this](const QString& what) {
        statusBar()->showMessage(tr("%1 copied").arg(what), 3000);
    });

    m_listenerStatus = new QLabel(this);
    m_listenerStatus->setObjectName(QStringLiteral("listenerStatus"));
    m_listenerStatus->setTextInteractionFlags(Qt::TextSelectableByMouse);
    statusBar()->addPermanentWidget(m_listenerStatus);

    if (m_core) {
        showPublicUrl();
        connect(m_core, &bootstrap::Core::publicUrlChanged, this, &MainWindow::showPublicUrl);
        connect(m_core, &bootstrap::Core::callStored, this, [this](const storage::CallRecord& call) {
            if (call.callSid == selectedCallSid())
                updateActions();
        });
        connect(m_core->demoCalls(), &bootstrap::DemoCalls::progress, this, [this](int call, const QString& summary) {
            const QString text = tr("Demo call %1: %2").arg(call).arg(summary);
            m_firstStart->setDemoStatus(text);
            statusBar()->showMessage(text, 5000);
        });
        connect(m_core->demoCalls(),
                &bootstrap::DemoCalls::finished,
                this,
                [this](int call, bool ok, const QString& summary) {
                    const QString text = ok ? tr("Demo call %1 finished: %2").arg(call).arg(summary)
                                            : tr("Demo call %1 failed: %2").arg(call).arg(summary);
                    m_firstStart->setDemoStatus(text);
                    statusBar()->showMessage(text, 10000);
                });
    } else {
        m_listenerStatus->setText(tr("Listener not running: %1").arg(startError));
        m_firstStart->setListenerError(startError);
    }

    createActions();
    resize(1200, 760);
    restoreLayout();
    updateCallsPage();
}

MainWindow::~MainWindow() = default;

void MainWindow::buildCallsScreen()
{
    m_callsStack = new QStackedWidget(m_tabs);
    m_callsStack->setObjectName(QStringLiteral("callsScreen"));
    m_firstStart = new FirstStart(m_callsStack);
    m_callsStack->addWidget(m_firstStart);

    m_callSplitter = new QSplitter(Qt::Horizontal, m_callsStack);
    m_callSplitter->setObjectName(QStringLiteral("callSplitter"));
    m_wall = new CallWall(m_core, m_callSplitter);
    m_notifier = new NewCallNotifier(m_wall, this);
    auto* detailSide = new QWidget(m_callSplitter);
    auto* detailLayout = new QVBoxLayout(detailSide);
    detailLayout->setContentsMargins(0, 0, 0, 0);
    m_actions = new CallActionsBar(m_core, detailSide);
    m_detail = new CallDetailPane(m_core, detailSide);
    detailLayout->addWidget(m_actions);
    detailLayout->addWidget(m_detail, 1);
    m_callSplitter->setStretchFactor(0, 1);
    m_callSplitter->setStretchFactor(1, 1);
    m_callSplitter->setSizes({720, 560}); // the wall reads at a glance; restoreLayout() may override
    m_callsStack->addWidget(m_callSplitter);
    m_tabs->addTab(m_callsStack, tr("&Calls"));

    connect(m_wall, &CallWall::currentCallChanged, this, &MainWindow::showSelectedCall);
    connect(m_wall->model(), &QAbstractItemModel::rowsInserted, this, &MainWindow::updateCallsPage);
    connect(m_wall->model(), &QAbstractItemModel::modelReset, this, &MainWindow::updateCallsPage);
    connect(m_firstStart, &FirstStart::demoCallRequested, this, &MainWindow::placeDemoCall);
    connect(m_firstStart, &FirstStart::credentialsRequested, this, &MainWindow::openSettings);
    connect(m_firstStart, &FirstStart::tunnelRequested, this, [this] { showScreen(NetworkScreen); });
}

void MainWindow::createActions()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* settings = file->addAction(tr("&Settings…"), this, &MainWindow::openSettings);
    settings->setObjectName(QStringLiteral("actionSettings"));
    // The platform's own key where it has one (none on most X11 desktops): then Ctrl+, as elsewhere.
    const QList<QKeySequence> preferences = QKeySequence::keyBindings(QKeySequence::Preferences);
    settings->setShortcut(preferences.isEmpty() ? QKeySequence(Qt::CTRL | Qt::Key_Comma) : preferences.first());
    QAction* listener = file->addAction(tr("&Listener and data folder…"), this, &MainWindow::openListenerSettings);
    listener->setObjectName(QStringLiteral("actionListenerSettings"));
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);
    quit->setObjectName(QStringLiteral("actionQuit"));

    QMenu* view = menuBar()->addMenu(tr("&View"));
    const QStringList screens{tr("&Calls"), tr("&Webhooks"), tr("&Flows"), tr("&Network")};
    for (int i = 0; i < screens.size(); ++i) {
        QAction* show = view->addAction(screens.at(i), this, [this, i] { showScreen(Screen(i)); });
        show->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + i)));
        show->setObjectName(QStringLiteral("actionScreen%1").arg(i + 1));
    }
    view->addSeparator();
    QAction* find = view->addAction(tr("&Find call"), this, [this] {
        showScreen(CallsScreen);
        m_wall->findChild<QWidget*>(QStringLiteral("callSearch"))->setFocus();
    });
    find->setShortcut(QKeySequence::Find);
    find->setObjectName(QStringLiteral("actionFindCall"));

    QMenu* call = menuBar()->addMenu(tr("&Call"));
    m_demoCall = call->addAction(tr("Place &demo call"), this, &MainWindow::placeDemoCall);
    m_demoCall->setObjectName(QStringLiteral("actionDemoCall"));
    m_demoCall->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_D));
    m_demoCall->setToolTip(tr("Play Twilio's side of a call against this listener with the built-in simulator "
                              "(no phone or Twilio account needed)"));
    m_demoCall->setEnabled(m_core != nullptr);
    call->addSeparator();
    const struct
    {
        const char* name;
        QString text;
        QKeySequence key;
        void (CallActionsBar::*slot)();
    } operatorActions[] = {
        {"actionHangUp",
         tr("&Hang up…"),
         QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_H),
         &CallActionsBar::requestHangUp},
        {"actionRedirect",
         tr("&Redirect to flow"),
         QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R),
         &CallActionsBar::requestRedirect},
        {"actionSay",
         tr("&Say a message…"),
         QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S),
         &CallActionsBar::requestSay},
        {"actionPlay",
         tr("&Play a file…"),
         QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P),
         &CallActionsBar::requestPlay},
    };
    for (const auto& a : operatorActions) {
        QAction* action = call->addAction(a.text, m_actions, a.slot);
        action->setObjectName(QLatin1String(a.name));
        action->setShortcut(a.key);
    }
    QToolBar* toolbar = addToolBar(tr("Calls"));
    toolbar->setObjectName(QStringLiteral("callsToolbar"));
    toolbar->setMovable(false);
    toolbar->addAction(m_demoCall);

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    QAction* shortcuts = help->addAction(tr("&Keyboard shortcuts"), this, &MainWindow::showShortcuts);
    shortcuts->setObjectName(QStringLiteral("actionShortcuts"));
    shortcuts->setShortcut(QKeySequence::HelpContents);
    QAction* about = help->addAction(tr("&About Switchboard"), this, &MainWindow::showAbout);
    about->setObjectName(QStringLiteral("actionAbout"));
}

void MainWindow::showScreen(Screen screen)
{
    m_tabs->setCurrentIndex(int(screen));
}

MainWindow::Screen MainWindow::currentScreen() const
{
    return Screen(m_tabs->currentIndex());
}

QString MainWindow::selectedCallSid() const
{
    return m_wall->currentCallSid();
}

void MainWindow::showSelectedCall()
{
    m_detail->showCall(selectedCallSid());
    updateActions();
}

void MainWindow::updateActions()
{
    const storage::CallRecord* call = nullptr;
    if (const int row = m_wall->model()->rowOf(selectedCallSid()); row >= 0)
        call = m_wall->model()->callAt(row);
    const bool live = call && CallWallModel::categoryOf(*call) != CallWallModel::Category::Ended;
    m_actions->setCall(selectedCallSid(), live, m_core ? m_core->flowNames() : QStringList());
}

void MainWindow::updateCallsPage()
{
    const bool empty = m_wall->model()->rowCount() == 0;
    m_callsStack->setCurrentWidget(empty ? static_cast<QWidget*>(m_firstStart) : m_callSplitter);
}

void MainWindow::showPublicUrl()
{
    const bool tunnelled = m_core->publicUrl() != m_core->listenerUrl();
    m_listenerStatus->setText(
        tunnelled ? tr("Twilio URL %1/voice  ·  listening on %2").arg(m_core->publicUrl(), m_core->listenerUrl())
                  : tr("Listening on %1  ·  media %2 (no tunnel)").arg(m_core->publicUrl(), m_core->streamUrl()));
}

void MainWindow::placeDemoCall()
{
    if (!m_core)
        return;
    bootstrap::DemoCallRequest request;
    request.realtime = m_demoRealtime;
    m_core->demoCalls()->start(m_core->publicUrl(), request);
    m_firstStart->setDemoStatus(tr("Placing a demo call…"));
}

void MainWindow::openSettings()
{
    auto* dialog = new SettingsDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &SettingsDialog::credentialsChanged, this, &MainWindow::applyActiveToken);
    connect(dialog, &SettingsDialog::activeProfileChanged, this, &MainWindow::applyActiveToken);
    dialog->open();
}

void MainWindow::openListenerSettings()
{
    auto* dialog = new ListenerDialog(m_core ? m_core->options() : m_restartOptions, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] { emit restartRequested(dialog->options()); });
    dialog->open();
}

void MainWindow::applyActiveToken()
{
    if (!m_core)
        return;
    const credentials::ProfileSettings profiles;
    const QString profile = profiles.activeName();
    // The account first (no secret in it): actions and reconciliation use it from the next request.
    const std::optional<credentials::Profile> account = profiles.find(profile);
    m_core->setTwilioAccount(account ? account->accountSid : QString(), account ? account->baseUrl : QString());
    auto* store = new credentials::CredentialStore(credentials::kDefaultKeychainTimeoutMs, this);
    store->read(profile, credentials::SecretKind::AuthToken, this, [this, store, profile](Result<QByteArray> token) {
        store->deleteLater();
        if (!token.ok() || token.value().isEmpty()) {
            statusBar()->showMessage(
                tr("The listener keeps its current token: %1")
                    .arg(token.ok() ? tr("profile %1 has no auth token").arg(profile) : token.error().message),
                10000);
            updateActions();
            return;
        }
        m_core->setAuthToken(token.value());
        token.value().fill('\0');
        updateActions();
        statusBar()->showMessage(
            tr("Profile %1 applies now: the listener checks signatures with its auth token, actions use its account")
                .arg(profile),
            10000);
    });
}

void MainWindow::restoreLayout()
{
    QSettings settings;
    settings.beginGroup(QStringLiteral("window"));
    restoreGeometry(settings.value(QStringLiteral("geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("state")).toByteArray());
    m_callSplitter->restoreState(settings.value(QStringLiteral("callSplitter")).toByteArray());
    m_tabs->setCurrentIndex(settings.value(QStringLiteral("screen"), 0).toInt());
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    QSettings settings;
    settings.beginGroup(QStringLiteral("window"));
    settings.setValue(QStringLiteral("geometry"), saveGeometry());
    settings.setValue(QStringLiteral("state"), saveState());
    settings.setValue(QStringLiteral("callSplitter"), m_callSplitter->saveState());
    settings.setValue(QStringLiteral("screen"), m_tabs->currentIndex());
    QMainWindow::closeEvent(event);
}

void MainWindow::showShortcuts()
{
    QStringList rows;
    const QList<QAction*> actions = findChildren<QAction*>();
    for (const QAction* action : actions) {
        if (action->shortcut().isEmpty() || action->text().isEmpty())
            continue;
        QString text = action->text();
        text.remove(QLatin1Char('&'));
        text.remove(QStringLiteral("…"));
        rows << QStringLiteral("<tr><td><b>%1</b></td><td>&nbsp;&nbsp;%2</td></tr>")
                    .arg(action->shortcut().toString(QKeySequence::NativeText).toHtmlEscaped(), text.toHtmlEscaped());
    }
    rows.sort();
    QMessageBox box(this);
    box.setObjectName(QStringLiteral("shortcutsDialog"));
    box.setWindowTitle(tr("Keyboard shortcuts"));
    box.setTextFormat(Qt::RichText);
    box.setText(QStringLiteral("<table>%1</table>").arg(rows.join(QString())));
    box.exec();
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
