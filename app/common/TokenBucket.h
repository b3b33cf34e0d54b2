// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtGlobal>

namespace sb {

/// Classic token bucket: `rate` tokens per second, at most `burst` stored. Time is passed in
/// (monotonic milliseconds) so tests control it.
class TokenBucket
{
public:
    TokenBucket() = default;
    TokenBucket(double ratePerSecond, double burst, qint64 nowMs);

    /// Takes one token if available. Otherwise returns false and sets `retryAfterMs` to the wait
    /// until the next token.
    bool take(qint64 nowMs, qint64* retryAfterMs = nullptr);
    qint64 lastUsedMs() const { return m_lastMs; }

private:
    void refill(qint64 nowMs);

    double m_rate = 0;
    double m_burst = 0;
    double m_tokens = 0;
    qint64 m_lastMs = 0;
};

} // namespace sb
