// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/TokenBucket.h"

#include <QHash>
#include <QString>

namespace sb::server {

using sb::TokenBucket;

/// Per-address and global request budgets for the listener. One instance per listener; used on
/// the network thread only.
class RateLimiter
{
public:
    struct Limits
    {
        double perAddressRate = 50; ///< requests per second per remote address
        double perAddressBurst = 100;
        double globalRate = 2000; ///< requests per second in all
        double globalBurst = 4000;
    };

    enum class Decision { Allowed, AddressLimited, GlobalLimited };

    explicit RateLimiter(Limits limits, qint64 nowMs = 0);

    /// Decides for one request from `address`. On refusal, `retryAfterMs` says when to retry.
    Decision admit(const QString& address, qint64 nowMs, qint64* retryAfterMs = nullptr);

    /// Forgets addresses idle for longer than `idleMs` (call now and then).
    void prune(qint64 nowMs, qint64 idleMs = 60000);
    qsizetype trackedAddresses() const { return m_perAddress.size(); }
    const Limits& limits() const { return m_limits; }

private:
    Limits m_limits;
    TokenBucket m_global;
    QHash<QString, TokenBucket> m_perAddress;
};

} // namespace sb::server
