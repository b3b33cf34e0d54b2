// SPDX-License-Identifier: GPL-3.0-or-later
// Test support shared by every kind of test: Twilio's standard call parameters, waiting on a child
// process's output or exit while the event loop keeps turning, and a loopback port nothing
// listens on.
#pragma once

#include "twilio/Form.h"

#include <QByteArray>
#include <QProcess>
#include <QString>
#include <functional>
#include <sys/stat.h>

namespace sb::test {

/// Sets the process umask for the lifetime of the object (child processes inherit it).
class ScopedUmask
{
public:
    explicit ScopedUmask(mode_t mask)
        : m_old(::umask(mask))
    {
    }
    ~ScopedUmask() { ::umask(m_old); }
    ScopedUmask(const ScopedUmask&) = delete;
    ScopedUmask& operator=(const ScopedUmask&) = delete;

private:
    mode_t m_old;
};

inline const QString kTestAccountSid = QStringLiteral("AC0123456789abcdef0123456789abcdef");

/// The standard parameters of an inbound call in Twilio's voice webhook (and status callbacks).
twilio::FormParams callParams(const QString& callSid, const QString& status);

/// Appends `process`'s stdout to `collected` until `ready(collected)` holds, turning the event
/// loop meanwhile. False when the process exits without it, or after `timeoutMs`.
bool waitForOutput(QProcess& process,
                   QByteArray& collected,
                   const std::function<bool(const QByteArray&)>& ready,
                   int timeoutMs);
/// The same, until `collected` contains `needle`.
bool waitForOutput(QProcess& process, QByteArray& collected, const QByteArray& needle, int timeoutMs);

/// Waits for `process` to end, turning the event loop meanwhile (for servers the test runs on its
/// own thread). False after `timeoutMs`.
bool waitForExit(QProcess& process, int timeoutMs);

/// A loopback TCP port that was free a moment ago and that nothing listens on now.
quint16 closedLoopbackPort();

} // namespace sb::test
