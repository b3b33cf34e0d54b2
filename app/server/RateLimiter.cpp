// SPDX-License-Identifier: GPL-3.0-or-later
#include "server/RateLimiter.h"

#include <algorithm>
#include <cmath>

namespace sb::server {

RateLimiter::RateLimiter(Limits limits, qint64 nowMs)
    : m_limits(limits)
    , m_global(limits.globalRate, limits.globalBurst, nowMs)
{
}

RateLimiter::Decision RateLimiter::admit(const QString& address, qint64 nowMs, qint64* retryAfterMs)
{
    auto it = m_perAddress.find(address);
    if (it == m_perAddress.end())
        it = m_perAddress.insert(address, TokenBucket(m_limits.perAddressRate, m_limits.perAddressBurst, nowMs));
    // The address budget is checked first, so one flooding address exhausts only its own bucket
    // and never the global one that other addresses share.
    if (!it->take(nowMs, retryAfterMs))
        return Decision::AddressLimited;
    if (!m_global.take(nowMs, retryAfterMs))
        return Decision::GlobalLimited;
    return Decision::Allowed;
}

void RateLimiter::prune(qint64 nowMs, qint64 idleMs)
{
    for (auto it = m_perAddress.begin(); it != m_perAddress.end();) {
        if (nowMs - it->lastUsedMs() > idleMs)
            it = m_perAddress.erase(it);
        else
            ++it;
    }
}

} // namespace sb::server
