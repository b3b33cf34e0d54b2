// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>

class QSocketNotifier;

namespace sb {

/// Turns SIGINT and SIGTERM into shutdownRequested() and, unless setQuitOnSignal(false), a queued
/// QCoreApplication::quit(), so the event loop unwinds and every destructor runs (files closed,
/// transactions finished). With setQuitOnSignal(false) the receiver of shutdownRequested() ends
/// the loop itself once its ordered shutdown is done (Core::shutdown()). The signal handler only
/// writes one byte to a pipe; the work happens on the thread that owns this object.
/// Create at most one, on the main thread, after the Q*Application.
class ShutdownSignals : public QObject
{
    Q_OBJECT

public:
    explicit ShutdownSignals(QObject* parent = nullptr);
    ~ShutdownSignals() override;

    /// false: only emit shutdownRequested(); the receiver quits when it is done.
    void setQuitOnSignal(bool quit) { m_quit = quit; }
    /// The signal number that asked for shutdown, or 0.
    int receivedSignal() const { return m_received; }

signals:
    void shutdownRequested(int signalNumber);

private:
    void handleReadable();

    QSocketNotifier* m_notifier = nullptr;
    int m_received = 0;
    bool m_quit = true;
};

} // namespace sb
