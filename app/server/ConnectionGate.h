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
    /// Open connections per client: the TCP peer, or the client a trusted proxy names (see
    /// trustedClientHeader). A proxy's own connections are counted per named client once the head
    /// has arrived, so one caller behind a tunnel cannot use up the tunnel's share.
    int maxConnectionsPerAddress = 2048;
    int maxConnections = 8192;
    /// Connections beyond either cap are still read, up to this many more, but only `GET /health`
    /// (and HEAD) is answered on them (everything else: 503 or 429), so a monitor can still see the
    /// listener alive while it is full. They get at most reserveTimeoutMs to send their head.
    int connectionReserve = 64;
    int reserveTimeoutMs = 2000;
    RateLimiter::Limits rate;
    /// The header that names the real client when the request comes from a proxy on this machine
    /// (a loopback peer): `Cf-Connecting-Ip` (cloudflared sets it), `X-Forwarded-For` (its last
    /// entry: the one the proxy appended, e.g. ngrok; earlier entries come from the client and may
    /// be forged), or any other single-address header. Empty (the default): no header is trusted
    /// and every client is its TCP peer, since any program on this machine could forge them. Set it
    /// only when this app runs the tunnel itself or is told it is behind a proxy.
    QByteArray trustedClientHeader;
    /// After a refusal (4xx/5xx answered by the gate) the connection is half-closed and what the
    /// client still sends is read and dropped for at most this long and this many bytes, so the
    /// client can read why it was refused before the connection closes (RFC 9112 §9.6).
    int lingerMs = 2000;
    qint64 lingerBytes = 8 * 1024 * 1024;
};

/// The header to trust (GateLimits::trustedClientHeader) for a tunnel spec (`--tunnel`) and an
/// explicit `--behind-proxy` header: the explicit one if given, else cloudflared's
/// `Cf-Connecting-Ip` or ngrok's `X-Forwarded-For` when the app runs that tunnel, else none.
QByteArray trustedClientHeaderFor(const QString& tunnelSpec, const QString& behindProxy);

/// The listening socket of the listener. Every new connection is held here until its whole
/// request (head and body) has arrived and passed the limits, so a slow or hostile client never
/// reaches the HTTP parser: oversize bodies get 413, chunked bodies 411, over-long heads 431,
/// malformed heads 400, slow clients 408, floods 429 with Retry-After. A complete plain request is
/// then handed to QHttpServer (addPendingConnection); a WebSocket upgrade is announced through
/// webSocketRequested() with the socket still unread, for the listener to check and hand over.
///
/// Open connections are capped per client (the TCP peer, or for a trusted proxy the client its
/// header names, counted once the head has arrived) and in all; within connectionReserve beyond a
/// cap only a health check is answered, beyond that the connection is shed at once. Every refusal
/// is closed gracefully (closeGracefully()), so a client still sending reads why it was refused.
///
/// Lives on the network thread; every socket it creates lives there too.
class ConnectionGate : public QTcpServer
{
    Q_OBJECT

public:
    explicit ConnectionGate(GateLimits limits, QObject* parent = nullptr);

    const GateLimits& limits() const { return m_limits; }
    qint64 nowMs() const { return m_clock.elapsed(); }

    /// Answers a request the gate held (or any raw socket it accepted) with a short plain-text
    /// response and closes the connection gracefully (lingerMs, lingerBytes).
    void reject(QTcpSocket* socket,
                int status,
                const QByteArray& reason,
                qint64 retryAfterMs = -1,
                const QByteArray& extraHeaders = QByteArray()) const;
    /// Half-closes `socket` once its response is written, then reads and drops what the client
    /// still sends for at most lingerMs / lingerBytes before closing it.
    void closeGracefully(QTcpSocket* socket) const;
    /// The client a request counts against: the TCP peer, or the address the trusted header names
    /// when the peer is on loopback (see trustedClientHeader). IPv6 clients count per /64.
    QString clientIdentity(const QHostAddress& peer, const HttpHead& head) const;
    /// The request target exactly as received, for a socket handed to QHttpServer (QHttpServer
    /// rebuilds and normalizes the URL: `/%76oice` would read as `/voice`).
    static QByteArray rawTarget(const QTcpSocket* socket);

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
    void release(QTcpSocket* socket);
    bool isTrustedProxy(const QHostAddress& peer) const;
    int countAs(QTcpSocket* socket, const QString& client);
    void uncount(QObject* socket);
    void refuse(QTcpSocket* socket,
                int status,
                const QByteArray& reason,
                const HttpHead* head = nullptr,
                qint64 retryAfterMs = -1);

    GateLimits m_limits;
    RateLimiter m_rate;
    QElapsedTimer m_clock;
    QHash<QString, int> m_openPerAddress;       ///< open connections per client
    QHash<const QObject*, QString> m_countedAs; ///< the client each socket is counted for
    int m_open = 0;
};

} // namespace sb::server
