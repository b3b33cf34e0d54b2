// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>
#include <QString>
#include <functional>
#include <memory>

class QThread;

namespace sb::bootstrap {

/// What a demo call should do.
struct DemoCallRequest
{
    /// true: real-time pacing (what a person watching expects); false: as fast as allowed (tests).
    bool realtime = true;
    /// What the caller says (spoken with espeak-ng when installed, else three seconds of silence).
    QString words = QStringLiteral("I would like an appointment next Tuesday at ten in the morning.");
    qint64 maxDurationMs = 30000;
};

/// Demo calls: the built-in simulator plays Twilio's side of a call against this app's own
/// listener, signed with the listener's own token, so a call can be tried with no phone and no
/// Twilio account.
///
/// Threads: each demo call runs on a thread of its own ("demo-N"): speech synthesis for the
/// caller, then the simulator's HTTP, WebSocket and 20 ms ticks, so neither the GUI nor the
/// network thread ever waits for it. Progress and the outcome come back as signals on the thread
/// that owns this object (the main thread). The signing token is taken from the token source on
/// the demo thread, handed to the simulator and never leaves this object. stopAll() (and the
/// destructor) hang up every running demo call and join its thread.
class DemoCalls : public QObject
{
    Q_OBJECT

public:
    using TokenSource = std::function<QByteArray()>;

    DemoCalls(TokenSource token, QObject* parent = nullptr);
    ~DemoCalls() override;

    /// Starts a demo call against `publicUrl` (`/voice`, status callbacks to `/status`); returns
    /// its number (1, 2, ...). Returns at once.
    int start(const QString& publicUrl, const DemoCallRequest& request = {});
    int running() const { return int(m_calls.size()); }
    /// Hangs up every demo call and waits (bounded) for their threads.
    void stopAll();

signals:
    /// One line of what happened (the simulator's timeline), for a status bar.
    void progress(int call, const QString& summary);
    /// The call ended; `summary` says how in words ("completed", or Twilio's errors).
    void finished(int call, bool ok, const QString& summary);

private:
    struct Running;
    void reap(int call);

    TokenSource m_token;
    int m_next = 1;
    std::vector<std::unique_ptr<Running>> m_calls;
};

} // namespace sb::bootstrap
