// SPDX-License-Identifier: GPL-3.0-or-later
#include "server/RateLimiter.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace sb::server {
namespace {

constexpr qint64 kWindowMs = 1000;      ///< fair shares are measured over about this long
constexpr qint64 kActivePeerMs = 2000;  ///< a peer counts as active this long after a request
constexpr qint64 kRecountEveryMs = 100; ///< how stale the active-peer count may be
const QString kOverflowSuffix = QStringLiteral("|more-names");

/// Removes the least recently seen sixteenth of `table` (at least one entry), so a full table
/// costs one pass per many insertions rather than one per insertion.
template <typename Table, typename Forget> void evictOldest(Table& table, Forget forget)
{
    std::vector<qint64> seen;
    seen.reserve(size_t(table.size()));
    for (auto it = table.cbegin(); it != table.cend(); ++it)
        seen.push_back(it->lastMs);
    if (seen.empty())
        return;
    const auto cut = seen.begin() + qsizetype(seen.size() / 16);
    std::nth_element(seen.begin(), cut, seen.end());
    const qint64 threshold = *cut;
    qsizetype budget = qMax<qsizetype>(1, qsizetype(seen.size() / 16));
    for (auto it = table.begin(); it != table.end() && budget > 0;) {
        if (it->lastMs <= threshold) {
            it = forget(it);
            --budget;
        } else {
            ++it;
        }
    }
}

} // namespace

double RateLimiter::Peer::recentUse(qint64 nowMs)
{
    const qint64 now = nowMs / kWindowMs;
    if (now != second) {
        previous = now == second + 1 ? admitted : 0;
        admitted = 0;
        second = now;
    }
    // A sliding window: the part of the previous second still inside the last kWindowMs.
    const double inPrevious = 1.0 - double(nowMs % kWindowMs) / double(kWindowMs);
    return admitted + previous * inPrevious;
}

void RateLimiter::Peer::count(qint64 nowMs)
{
    recentUse(nowMs); // rolls the window
    admitted += 1;
}

RateLimiter::RateLimiter(Limits limits, qint64 nowMs)
    : m_limits(limits)
    , m_global(limits.globalRate, limits.globalBurst, nowMs)
{
}

RateLimiter::Peer& RateLimiter::peerEntry(const QString& peer, qint64 nowMs)
{
    auto it = m_peers.find(peer);
    if (it == m_peers.end()) {
        if (m_peers.size() >= qMax(1, m_limits.maxTrackedClients))
            evictOldest(m_peers, [this](auto oldest) { return m_peers.erase(oldest); });
        const double share = std::clamp(m_limits.peerShareOfGlobal, 0.0, 1.0);
        Peer created;
        created.share = TokenBucket(m_limits.globalRate * share, qMax(1.0, m_limits.globalBurst * share), nowMs);
        it = m_peers.insert(peer, created);
        it->second = nowMs / kWindowMs;
    }
    it->lastMs = nowMs;
    return *it;
}

QHash<QString, RateLimiter::Client>::iterator RateLimiter::forgetClient(QHash<QString, Client>::iterator it)
{
    if (!it->peer.isEmpty()) {
        auto peer = m_peers.find(it->peer);
        if (peer != m_peers.end())
            peer->namedClients = qMax(0, peer->namedClients - 1);
    }
    return m_clients.erase(it);
}

RateLimiter::Client& RateLimiter::clientEntry(Peer& p, const QString& peer, const QString& client, qint64 nowMs)
{
    auto it = m_clients.find(client);
    if (it == m_clients.end()) {
        QString key = client;
        QString namedBy;
        if (client != peer) {
            if (p.namedClients >= m_limits.maxNamedClientsPerPeer)
                key = peer + kOverflowSuffix; // one more name from this peer: its shared bucket
            else
                namedBy = peer;
        }
        it = m_clients.find(key);
        if (it == m_clients.end()) {
            if (m_clients.size() >= qMax(1, m_limits.maxTrackedClients))
                evictOldest(m_clients, [this](auto oldest) { return forgetClient(oldest); });
            it = m_clients.insert(
                key, Client{TokenBucket(m_limits.perAddressRate, m_limits.perAddressBurst, nowMs), namedBy, nowMs});
            if (!namedBy.isEmpty())
                ++p.namedClients;
        }
    }
    it->lastMs = nowMs;
    return *it;
}

int RateLimiter::activePeers(qint64 nowMs)
{
    if (m_activePeersAtMs < 0 || nowMs - m_activePeersAtMs >= kRecountEveryMs) {
        int active = 0;
        for (const Peer& p : std::as_const(m_peers))
            active += nowMs - p.lastMs <= kActivePeerMs ? 1 : 0;
        m_activePeers = qMax(1, active);
        m_activePeersAtMs = nowMs;
    }
    return m_activePeers;
}

RateLimiter::Decision RateLimiter::admit(const QString& peer, const QString& client, qint64 nowMs, qint64* retryAfterMs)
{
    // Both references stay valid: clientEntry() adds and removes clients, never peers.
    Peer& counted = peerEntry(peer, nowMs);
    Client& c = clientEntry(counted, peer, client, nowMs);
    // The client's own budget first, so one flooding client exhausts only its own bucket.
    if (!c.bucket.take(nowMs, retryAfterMs))
        return Decision::AddressLimited;
    // Then the peer's part of the global budget: whatever it names, one peer never drains it all.
    if (!counted.share.take(nowMs, retryAfterMs))
        return Decision::PeerLimited;
    if (m_global.take(nowMs, retryAfterMs)) {
        counted.count(nowMs);
        return Decision::Allowed;
    }
    // The global budget is spent. A peer still below its fair share of it gets through anyway,
    // so whoever spent it (whatever clients it named) cannot starve the others.
    const double fairShare = m_limits.globalRate * double(kWindowMs) / 1000.0 / activePeers(nowMs);
    if (counted.recentUse(nowMs) + 1 <= fairShare) {
        counted.count(nowMs);
        return Decision::Allowed;
    }
    return Decision::GlobalLimited;
}

void RateLimiter::prune(qint64 nowMs, qint64 idleMs)
{
    for (auto it = m_clients.begin(); it != m_clients.end();) {
        if (nowMs - it->lastMs > idleMs)
            it = forgetClient(it);
        else
            ++it;
    }
    for (auto it = m_peers.begin(); it != m_peers.end();) {
        if (nowMs - it->lastMs > idleMs && it->namedClients == 0)
            it = m_peers.erase(it);
        else
            ++it;
    }
}

} // namespace sb::server
