// SPDX-License-Identifier: GPL-3.0-or-later
#include "common/TokenBucket.h"

#include <algorithm>
#include <cmath>

namespace sb {

TokenBucket::TokenBucket(double ratePerSecond, double burst, qint64 nowMs)
    : m_rate(ratePerSecond)
    , m_burst(burst)
    , m_tokens(burst)
    , m_lastMs(nowMs)
{
}

void TokenBucket::refill(qint64 nowMs)
{
    if (nowMs > m_lastMs) {
        m_tokens = std::min(m_burst, m_tokens + double(nowMs - m_lastMs) * m_rate / 1000.0);
        m_lastMs = nowMs;
    }
}

bool TokenBucket::take(qint64 nowMs, qint64* retryAfterMs)
{
    refill(nowMs);
    if (m_tokens >= 1.0) {
        m_tokens -= 1.0;
        return true;
    }
    if (retryAfterMs) {
        *retryAfterMs = m_rate > 0 ? qint64(std::ceil((1.0 - m_tokens) * 1000.0 / m_rate)) : qint64(60000);
    }
    return false;
}

} // namespace sb
