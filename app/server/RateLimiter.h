// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/TokenBucket.h"

#include <QHash>
#include <QString>

namespace sb::server {

using sb::TokenBucket;

/// Per-client and global request budgets for the listener. One instance per listener; used on
/// the network thread only.
///
/// A request comes from a TCP peer (the address that connected) and counts against a client: the
/// peer itself, or the client a trusted proxy on that peer names (see GateLimits::
/// trustedClientHeader). Names cost nothing to invent, so:
/// - one peer may name at most maxNamedClientsPerPeer clients at a time; requests naming further
///   clients share a single bucket of that peer;
/// - one peer may use at most peerShareOfGlobal of the global budget (rate and burst), so a flood
///   from one peer, however many clients it names, always leaves the rest to the others;
/// - once the global budget is spent anyway (several peers flooding), a peer that had less than
///   its fair share of it over the last second (global rate / active peers) is still admitted.
///   The global budget is therefore soft: at most about twice globalRate per second;
/// - at most maxTrackedClients clients and as many peers are remembered; the least recently seen
///   is forgotten first.
class RateLimiter
{
public:
    struct Limits
    {
        double perAddressRate = 50; ///< requests per second per client
        double perAddressBurst = 100;
        double globalRate = 2000; ///< requests per second in all
        double globalBurst = 4000;
        /// At most this many clients are tracked; the least recently seen is forgotten first.
        int maxTrackedClients = 4096;
        /// At most this many clients named by a proxy header per TCP peer; further names from the
        /// same peer share one bucket, so inventing identities buys nothing.
        int maxNamedClientsPerPeer = 64;
        /// The part of the global budget one TCP peer may use (a proxy and all it names included).
        double peerShareOfGlobal = 0.5;
    };

    enum class Decision { Allowed, AddressLimited, PeerLimited, GlobalLimited };

    explicit RateLimiter(Limits limits, qint64 nowMs = 0);

    /// Decides for one request from `address` (peer and client are the same).
    Decision admit(const QString& address, qint64 nowMs, qint64* retryAfterMs = nullptr)
    {
        return admit(address, address, nowMs, retryAfterMs);
    }
    /// Decides for one request from TCP peer `peer` on behalf of `client` (the peer itself, or
    /// the client a trusted proxy on it names). On refusal, `retryAfterMs` says when to retry.
    Decision admit(const QString& peer, const QString& client, qint64 nowMs, qint64* retryAfterMs = nullptr);

    /// Forgets clients and peers idle for longer than `idleMs` (call now and then).
    void prune(qint64 nowMs, qint64 idleMs = 60000);
    qsizetype trackedAddresses() const { return m_clients.size(); }
    qsizetype trackedPeers() const { return m_peers.size(); }
    const Limits& limits() const { return m_limits; }

private:
    struct Client
    {
        TokenBucket bucket;
        QString peer; ///< non-empty: a client this peer named (counted in Peer::namedClients)
        qint64 lastMs = 0;
    };
    struct Peer
    {
        TokenBucket share; ///< this peer's part of the global budget
        int namedClients = 0;
        qint64 lastMs = 0;
        qint64 second = 0;   ///< the second `admitted` counts
        double admitted = 0; ///< admitted in that second
        double previous = 0; ///< admitted in the second before it
        double recentUse(qint64 nowMs);
        void count(qint64 nowMs);
    };

    Client& clientEntry(Peer& p, const QString& peer, const QString& client, qint64 nowMs);
    Peer& peerEntry(const QString& peer, qint64 nowMs);
    QHash<QString, Client>::iterator forgetClient(QHash<QString, Client>::iterator it);
    int activePeers(qint64 nowMs);

    Limits m_limits;
    TokenBucket m_global;
    QHash<QString, Client> m_clients;
    QHash<QString, Peer> m_peers;
    int m_activePeers = 1;
    qint64 m_activePeersAtMs = -1;
};

} // namespace sb::server
