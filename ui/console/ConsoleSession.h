// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "bootstrap/Core.h"

#include <QObject>
#include <QPointer>
#include <memory>

namespace sb::ui {

class MainWindow;
class SingleInstance;

/// The running console: one core and its window, and the answer to second starts on the same
/// data folder. Settings the running core cannot take (the listener's address and port, the data
/// folder) are applied by replacing both within this process: the old core shuts down in its
/// usual order (everything stored, demo calls hung up), a core on the new options starts, and a
/// new window takes the old one's place at the same size and position. No process restart, no
/// lost call: what the old core stored is in its data folder.
///
/// GUI thread.
class ConsoleSession : public QObject
{
    Q_OBJECT

public:
    explicit ConsoleSession(bootstrap::CoreOptions options, QObject* parent = nullptr);
    ~ConsoleSession() override;

    /// Starts the core and shows its window (saying why when the core could not start).
    void start();
    bootstrap::Core* core() const { return m_core.get(); }
    MainWindow* window() const { return m_window.get(); }
    /// Why the current core could not start; empty when it runs.
    QString startError() const { return m_startError; }
    /// Demo calls in simulated time (tests); applies to every window this session makes.
    void setDemoCallsRealtime(bool realtime);
    /// Replaces core and window with ones on `options`; replaced() (or failed()) follows.
    void restartWith(bootstrap::CoreOptions options);
    /// The ordered shutdown of the current core; finished() follows.
    void shutdown();

signals:
    /// A new core and window run (the core may have failed to start: its window says why).
    void replaced();
    void finished();

private:
    void startCore();
    void listenForSecondStarts();

    bootstrap::CoreOptions m_options;
    std::unique_ptr<bootstrap::Core> m_core;
    std::unique_ptr<MainWindow> m_window;
    std::unique_ptr<SingleInstance> m_instance;
    QByteArray m_geometry;
    QString m_startError;
    bool m_realtime = true;
    bool m_restarting = false;
};

} // namespace sb::ui
