// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "bootstrap/Core.h"

#include <QMainWindow>

class QLabel;
class QSplitter;
class QStackedWidget;
class QTabWidget;
class QTreeView;

namespace sb::ui {

class CallActionsBar;
class CallDetailPane;
class CallWall;
class NewCallNotifier;
class FirstStart;
class FlowsPane;
class WebhookInspector;
class NetworkPanel;

/// The operator console. Four screens in tabs: Calls (the call wall beside the selected call's
/// detail, or the first-start steps while there are no calls), Webhooks (the inspector), Flows,
/// and Network (listener and tunnel). The status bar shows the URL Twilio must use (the
/// tunnel's once one is up). It only observes the core, through its *Stored signals and its
/// history reader, so what it shows is what was stored and it never waits on the network,
/// storage or audio. Layout, splitters and the current screen are remembered (QSettings,
/// group "window"). GUI thread.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    /// The screens, in tab order (Ctrl+1 ... Ctrl+4).
    enum Screen { CallsScreen, WebhooksScreen, FlowsScreen, NetworkScreen };

    /// `core` may be null (no listener running, e.g. it failed to start); `startError` then says why.
    explicit MainWindow(bootstrap::Core* core, const QString& startError = QString(), QWidget* parent = nullptr);
    ~MainWindow() override;

    CallWall* callWall() const { return m_wall; }
    CallDetailPane* callDetail() const { return m_detail; }
    WebhookInspector* webhookInspector() const { return m_inspector; } ///< null without a core
    FlowsPane* flows() const { return m_flows; }
    NetworkPanel* networkPanel() const { return m_networkPanel; }
    void showScreen(Screen screen);
    Screen currentScreen() const;
    /// Demo calls play Twilio's side in simulated time (fast); the window can switch to real time.
    void setDemoCallsRealtime(bool realtime) { m_demoRealtime = realtime; }
    /// Asks the core for a demo call against this app's own listener (the built-in simulator
    /// plays Twilio); progress shows in the first-start page and the status bar, in words.
    void placeDemoCall();
    /// The settings dialog (credentials); a token saved for the active profile is handed to the
    /// running listener at once.
    void openSettings();
    /// What "Listener and data folder" starts from (the options the core was started with; set
    /// by the session, also when the core could not start, e.g. its port was taken).
    void setRestartOptions(const bootstrap::CoreOptions& options) { m_restartOptions = options; }
    /// The listener and data folder dialog; accepting it asks for restartRequested().
    void openListenerSettings();

signals:
    /// Replace the core with one on these options (the session does it, in this process).
    void restartRequested(const sb::bootstrap::CoreOptions& options);

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void buildCallsScreen();
    void createActions();
    void showAbout();
    void showShortcuts();
    void showSelectedCall();
    void updateActions();
    void updateCallsPage();
    void showPublicUrl();
    void applyActiveToken();
    void restoreLayout();
    QString selectedCallSid() const;

    bootstrap::Core* m_core = nullptr;
    QString m_startError;
    QTabWidget* m_tabs = nullptr;
    QStackedWidget* m_callsStack = nullptr;
    FirstStart* m_firstStart = nullptr;
    QSplitter* m_callSplitter = nullptr;
    CallWall* m_wall = nullptr;
    NewCallNotifier* m_notifier = nullptr;
    CallDetailPane* m_detail = nullptr;
    CallActionsBar* m_actions = nullptr;
    WebhookInspector* m_inspector = nullptr;
    FlowsPane* m_flows = nullptr;
    NetworkPanel* m_networkPanel = nullptr;
    QLabel* m_listenerStatus = nullptr;
    QAction* m_demoCall = nullptr;
    bool m_demoRealtime = true;
    bootstrap::CoreOptions m_restartOptions;
};

} // namespace sb::ui
