// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "server/HttpHead.h"
#include "server/RateLimiter.h"

#include <QElapsedTimer>
#include <QHash>
#include <QTcpServer>

class QTcpSocket;

namespace sb::server {

/// Limits enforced before a request reaches QHttpServer or QWebSocketServer.
struct GateLimits
{
    qsizetype maxHeadBytes = 16 * 1024;
    qint64 maxBodyBytes = 1024 * 1024; ///< Twilio's webhook bodies are a few kB
    int requestTimeoutMs = 10000;      ///< head and body must arrive within this (slow clients: 408)
    /// Open connections per client. Through a tunnel every Twilio connection comes from the tunnel
    /// process on loopback, so this is generous; request rates are limited per forwarded client.
    int maxConnectionsPerAddress = 2048;
    int maxConnections = 8192;
    RateLimiter::Limits rate;
    /// For requests from a loopback peer (a tunnel on this machine), rate-limit by the client the
    /// tunnel names: `Cf-Connecting-Ip` (cloudflared), else the last `X-Forwarded-For` entry (the
    /// one the tunnel appended; earlier entries come from the client and may be forged).
    bool trustLoopbackForwardedFor = true;
};

/// The listening socket of the listener. Every new connection is held here until its whole
/// request (head and body) has arrived and passed the limits, so a slow or hostile client never
/// reaches the HTTP parser: oversize bodies get 413, chunked bodies 411, over-long heads 431,
/// malformed heads 400, slow clients 408, floods 429 with Retry-After. A complete plain request is
/// then handed to QHttpServer (addPendingConnection); a WebSocket upgrade is announced through
/// webSocketRequested() with the socket still unread, for the listener to check and hand over.
///
/// Lives on the network thread; every socket it creates lives there too.
class ConnectionGate : public QTcpServer
{
    Q_OBJECT

public:
    explicit ConnectionGate(GateLimits limits, QObject* parent = nullptr);

    const GateLimits& limits() const { return m_limits; }
    qint64 nowMs() const { return m_clock.elapsed(); }

    /// Answers a request the gate held (or any raw socket) with a short plain-text response and
    /// closes the connection.
    static void reject(QTcpSocket* socket, int status, const QByteArray& reason, qint64 retryAfterMs = -1);

signals:
    /// A complete WebSocket upgrade request. The receiver takes the socket (still unread: the
    /// handshake is in its buffer) and must either hand it to a QWebSocketServer or reject() it.
    void webSocketRequested(QTcpSocket* socket, const sb::server::HttpHead& head);
    /// A request the gate answered itself (status >= 400), for the log.
    void rejected(const QString& address,
                  const QByteArray& method,
                  const QByteArray& target,
                  int status,
                  const QByteArray& reason);

protected:
    void incomingConnection(qintptr handle) override;

private:
    void inspect(QTcpSocket* socket);
    QString clientIdentity(QTcpSocket* socket, const HttpHead& head) const;
    void release(QTcpSocket* socket);
    void refuse(QTcpSocket* socket,
                int status,
                const QByteArray& reason,
                const HttpHead* head = nullptr,
                qint64 retryAfterMs = -1);

    GateLimits m_limits;
    RateLimiter m_rate;
    QElapsedTimer m_clock;
    QHash<QString, int> m_openPerAddress;
    int m_open = 0;
};

} // namespace sb::server
