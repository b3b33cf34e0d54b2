// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>

class QSocketNotifier;

namespace sb {

/// Turns SIGINT and SIGTERM into a queued QCoreApplication::quit(), so the event loop unwinds
/// and every destructor runs (files closed, transactions finished). The signal handler only
/// writes one byte to a pipe; the work happens on the thread that owns this object.
/// Create at most one, on the main thread, after the Q*Application.
class ShutdownSignals : public QObject
{
    Q_OBJECT

public:
    explicit ShutdownSignals(QObject* parent = nullptr);
    ~ShutdownSignals() override;

    /// The signal number that asked for shutdown, or 0.
    int receivedSignal() const { return m_received; }

signals:
    void shutdownRequested(int signalNumber);

private:
    void handleReadable();

    QSocketNotifier* m_notifier = nullptr;
    int m_received = 0;
};

} // namespace sb
