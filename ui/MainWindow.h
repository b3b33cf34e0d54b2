// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QMainWindow>
#include <QSet>

class QLabel;
class QPlainTextEdit;
class QTreeView;

namespace sb::bootstrap {
class Core;
}
namespace sb::storage {
struct CallDetail;
struct CallEvent;
struct CallRecord;
} // namespace sb::storage

namespace sb::ui {

class CallListModel;

/// The console's main window: calls on the left, the selected call's details and live events on
/// the right, the listener's state in the status bar. It only observes the core (through its
/// *Stored signals, so what it shows is what was stored). GUI thread.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    /// `core` may be null (no listener running, e.g. it failed to start); `startError` then says why.
    explicit MainWindow(bootstrap::Core* core, const QString& startError = QString(), QWidget* parent = nullptr);
    ~MainWindow() override;

    CallListModel* callModel() const { return m_model; }
    /// Demo calls play Twilio's side in simulated time (fast); the window can switch to real time.
    void setDemoCallsRealtime(bool realtime) { m_demoRealtime = realtime; }
    /// Asks the core for a demo call against this app's own listener (the built-in simulator
    /// plays Twilio); progress shows in the status bar.
    void placeDemoCall();

private:
    void createActions();
    void showAbout();
    void showSelectedCall();
    void showCallDetail(const storage::CallDetail& detail);
    void appendEvent(const storage::CallEvent& event);
    QString selectedCallSid() const;

    bootstrap::Core* m_core = nullptr;
    CallListModel* m_model = nullptr;
    QTreeView* m_callList = nullptr;
    QPlainTextEdit* m_detail = nullptr;
    QLabel* m_listenerStatus = nullptr;
    QAction* m_demoCall = nullptr;
    bool m_demoRealtime = true;
    QSet<qint64> m_shownEventIds; ///< events of the shown call already in the detail
};

} // namespace sb::ui
