// SPDX-License-Identifier: GPL-3.0-or-later
#include "server/ConnectionGate.h"

#include "common/Logging.h"

#include <QTcpSocket>
#include <QTimer>
#include <memory>

#ifdef Q_OS_UNIX
#include <sys/socket.h>
#endif

namespace sb::server {
namespace {

constexpr char kInspectingProperty[] = "sb_gate_inspecting";
constexpr char kTimerProperty[] = "sb_gate_timer";
constexpr char kUpgradedProperty[] = "sb_gate_upgraded";
constexpr char kTargetProperty[] = "sb_gate_target";
constexpr char kOverCapProperty[] = "sb_gate_over_cap";
constexpr char kHalfClosedProperty[] = "sb_gate_half_closed";

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 400:
        return "Bad Request";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 411:
        return "Length Required";
    case 413:
        return "Content Too Large";
    case 415:
        return "Unsupported Media Type";
    case 426:
        return "Upgrade Required";
    case 429:
        return "Too Many Requests";
    case 431:
        return "Request Header Fields Too Large";
    case 503:
        return "Service Unavailable";
    default:
        return "Error";
    }
}

/// The key a client address counts under: IPv4 (also when mapped into IPv6) as is, IPv6 per /64
/// (one customer's network: its addresses cost nothing to change).
QString addressKey(const QHostAddress& address)
{
    bool isV4 = false;
    const quint32 v4 = address.toIPv4Address(&isV4);
    if (isV4)
        return QHostAddress(v4).toString();
    if (address.protocol() != QAbstractSocket::IPv6Protocol || address.isLoopback())
        return address.toString();
    Q_IPV6ADDR bytes = address.toIPv6Address();
    for (int i = 8; i < 16; ++i)
        bytes[i] = 0;
    return QHostAddress(bytes).toString() + QStringLiteral("/64");
}

bool isHealthCheck(const HttpHead& head)
{
    return head.path() == "/health" && (head.method == "GET" || head.method == "HEAD");
}

/// Writes a short plain-text response (no lingering: see ConnectionGate::reject for that).
void writeResponse(
    QTcpSocket* socket, int status, const QByteArray& reason, qint64 retryAfterMs, const QByteArray& extraHeaders)
{
    QByteArray body = reason + '\n';
    QByteArray out = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status) + "\r\n";
    out += "Content-Type: text/plain; charset=utf-8\r\nConnection: close\r\n";
    if (retryAfterMs >= 0)
        out += "Retry-After: " + QByteArray::number(qMax<qint64>(1, (retryAfterMs + 999) / 1000)) + "\r\n";
    out += extraHeaders;
    out += "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
    socket->write(out);
}

} // namespace

QByteArray trustedClientHeaderFor(const QString& tunnelSpec, const QString& behindProxy)
{
    if (!behindProxy.trimmed().isEmpty())
        return behindProxy.trimmed().toLatin1();
    // Only the tunnels the app starts itself: the header is theirs to set, and a remote client's
    // own copy of it is replaced (cloudflared) or followed by the real address (ngrok).
    const QString kind = tunnelSpec.trimmed().section(QLatin1Char(':'), 0, 0).toLower();
    if (kind == QLatin1String("cloudflared"))
        return "Cf-Connecting-Ip";
    if (kind == QLatin1String("ngrok"))
        return "X-Forwarded-For";
    return QByteArray(); // command:, url:, none: nobody known sets a header we could trust
}

ConnectionGate::ConnectionGate(GateLimits limits, QObject* parent)
    : QTcpServer(parent)
    , m_limits(limits)
    , m_rate(limits.rate, 0)
{
    m_clock.start();
    auto* pruner = new QTimer(this);
    connect(pruner, &QTimer::timeout, this, [this] { m_rate.prune(nowMs()); });
    pruner->start(30000);
}

void ConnectionGate::reject(
    QTcpSocket* socket, int status, const QByteArray& reason, qint64 retryAfterMs, const QByteArray& extraHeaders) const
{
    socket->setProperty(kUpgradedProperty, false); // answered here: the gate deletes it on disconnect
    writeResponse(socket, status, reason, retryAfterMs, extraHeaders);
    closeGracefully(socket);
}

void ConnectionGate::closeGracefully(QTcpSocket* socket) const
{
    // Closing a socket whose client is still sending makes the kernel answer with a reset, and a
    // reset can destroy the response before the client has read it. So, as RFC 9112 §9.6 advises:
    // send the response, half-close (no more writing), and read and drop what still comes until
    // the client closes too, or for at most lingerMs / lingerBytes.
    auto dropped = std::make_shared<qint64>(0);
    const qint64 maxBytes = m_limits.lingerBytes;
    auto drop = [socket, dropped, maxBytes] {
        const qint64 n = socket->bytesAvailable();
        *dropped += n;
        socket->skip(n);
        if (*dropped > maxBytes) {
            socket->abort();
            socket->deleteLater();
        }
    };
    connect(socket, &QTcpSocket::readyRead, socket, drop);
    auto halfClose = [socket] {
        if (socket->bytesToWrite() > 0 || socket->property(kHalfClosedProperty).toBool() ||
            socket->state() != QAbstractSocket::ConnectedState)
            return;
        socket->setProperty(kHalfClosedProperty, true);
#ifdef Q_OS_UNIX
        ::shutdown(int(socket->socketDescriptor()), SHUT_WR);
#else
        socket->disconnectFromHost(); // no half-close here: close once written
#endif
    };
    connect(socket, &QTcpSocket::bytesWritten, socket, halfClose);
    QTimer::singleShot(m_limits.lingerMs, socket, [socket] {
        socket->abort();
        socket->deleteLater();
    });
    socket->flush();
    halfClose();
    drop();
}

QByteArray ConnectionGate::rawTarget(const QTcpSocket* socket)
{
    return socket->property(kTargetProperty).toByteArray();
}

bool ConnectionGate::isTrustedProxy(const QHostAddress& peer) const
{
    return !m_limits.trustedClientHeader.isEmpty() && peer.isLoopback();
}

int ConnectionGate::countAs(QTcpSocket* socket, const QString& client)
{
    m_countedAs.insert(socket, client);
    return ++m_openPerAddress[client];
}

void ConnectionGate::uncount(QObject* socket)
{
    const auto counted = m_countedAs.constFind(socket);
    if (counted == m_countedAs.constEnd())
        return;
    auto it = m_openPerAddress.find(*counted);
    if (it != m_openPerAddress.end() && --(*it) <= 0)
        m_openPerAddress.erase(it);
    m_countedAs.erase(counted);
}

void ConnectionGate::incomingConnection(qintptr handle)
{
    auto* socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(handle)) {
        delete socket;
        return;
    }
    const QHostAddress peer = socket->peerAddress();
    ++m_open;
    // Counted until the socket object is gone, whoever owns it by then (gate, QHttpServer or a
    // QWebSocket after an upgrade).
    connect(socket, &QObject::destroyed, this, [this, socket] {
        --m_open;
        uncount(socket);
    });
    connect(socket, &QTcpSocket::disconnected, this, [socket] {
        if (!socket->property(kUpgradedProperty).toBool())
            socket->deleteLater();
    });
    // A proxy on this machine carries many clients: its connections are counted per client once
    // the head names it (inspect()). Any other peer is the client.
    int perClient = 0;
    if (!isTrustedProxy(peer))
        perClient = countAs(socket, addressKey(peer));
    const int reserve = qMax(0, m_limits.connectionReserve);
    if (m_open > m_limits.maxConnections + reserve || perClient > m_limits.maxConnectionsPerAddress + reserve) {
        // Beyond the reserve too: shed at once, without lingering (that would hold even more).
        socket->setProperty(kUpgradedProperty, false);
        const bool global = m_open > m_limits.maxConnections + reserve;
        const int status = global ? 503 : 429;
        const QByteArray reason = global ? "too many open connections" : "too many open connections from this client";
        emit rejected(peer.toString(), QByteArray(), QByteArray(), status, reason);
        writeResponse(socket, status, reason, 1000, QByteArray());
        socket->disconnectFromHost();
        return;
    }
    // Within the reserve: read the head, but answer only a health check (see connectionReserve).
    int overCap = 0;
    if (m_open > m_limits.maxConnections)
        overCap = 503;
    else if (perClient > m_limits.maxConnectionsPerAddress)
        overCap = 429;
    socket->setProperty(kOverCapProperty, overCap);

    socket->setProperty(kInspectingProperty, true);
    auto* timer = new QTimer(socket);
    timer->setSingleShot(true);
    connect(timer, &QTimer::timeout, this, [this, socket] {
        if (socket->property(kInspectingProperty).toBool())
            refuse(socket, 408, "request not received in time");
    });
    timer->start(overCap ? qMin(m_limits.requestTimeoutMs, m_limits.reserveTimeoutMs) : m_limits.requestTimeoutMs);
    socket->setProperty(kTimerProperty, QVariant::fromValue(static_cast<QObject*>(timer)));
    connect(socket, &QTcpSocket::readyRead, this, [this, socket] { inspect(socket); });
    if (socket->bytesAvailable() > 0)
        inspect(socket);
}

void ConnectionGate::inspect(QTcpSocket* socket)
{
    if (!socket->property(kInspectingProperty).toBool())
        return;
    const QByteArray data = socket->peek(qMin<qint64>(socket->bytesAvailable(), m_limits.maxHeadBytes + 1));
    const HeadParse parsed = parseHttpHead(data, m_limits.maxHeadBytes);
    switch (parsed.status) {
    case HeadStatus::Incomplete:
        return;
    case HeadStatus::TooLarge:
        refuse(socket, 431, parsed.problem);
        return;
    case HeadStatus::Malformed:
        refuse(socket, 400, "malformed request: " + parsed.problem);
        return;
    case HeadStatus::Complete:
        break;
    }
    const HttpHead& head = parsed.head;
    const QHostAddress peer = socket->peerAddress();
    const QString client = clientIdentity(peer, head);
    int overCap = socket->property(kOverCapProperty).toInt();
    if (!m_countedAs.contains(socket) && countAs(socket, client) > m_limits.maxConnectionsPerAddress && !overCap)
        overCap = 429;
    if (overCap && !isHealthCheck(head)) {
        refuse(socket,
               overCap,
               overCap == 503 ? "too many open connections" : "too many open connections from this client",
               &head,
               1000);
        return;
    }
    qint64 retryAfter = 0;
    const RateLimiter::Decision decision = m_rate.admit(addressKey(peer), client, nowMs(), &retryAfter);
    if (decision != RateLimiter::Decision::Allowed) {
        const QByteArray why =
            decision == RateLimiter::Decision::AddressLimited ? "rate limit for this address exceeded"
            : decision == RateLimiter::Decision::PeerLimited  ? "rate limit for requests from this peer exceeded"
                                                              : "listener rate limit exceeded";
        refuse(socket, 429, why, &head, retryAfter);
        return;
    }
    if (head.isChunked()) {
        refuse(socket, 411, "chunked bodies are not accepted; send Content-Length", &head);
        return;
    }
    const qint64 length = head.contentLength();
    if (length > m_limits.maxBodyBytes) {
        refuse(socket,
               413,
               "body of " + QByteArray::number(length) + " bytes exceeds the limit of " +
                   QByteArray::number(m_limits.maxBodyBytes),
               &head);
        return;
    }
    socket->setProperty(kTargetProperty, head.target);
    if (head.isWebSocketUpgrade()) {
        release(socket);
        socket->setProperty(kUpgradedProperty, true); // its new owner deletes it
        emit webSocketRequested(socket, head);
        return;
    }
    if (socket->bytesAvailable() < head.headSize + length) {
        // Wait for the rest of the body; the timer bounds how long.
        disconnect(socket, &QTcpSocket::readyRead, this, nullptr);
        connect(socket, &QTcpSocket::readyRead, this, [this, socket, need = head.headSize + length] {
            if (socket->property(kInspectingProperty).toBool() && socket->bytesAvailable() >= need) {
                release(socket);
                addPendingConnection(socket); // emits pendingConnectionAvailable (Qt >= 6.4)
                QMetaObject::invokeMethod(socket, &QTcpSocket::readyRead, Qt::QueuedConnection);
            }
        });
        return;
    }
    release(socket);
    addPendingConnection(socket);
    // QHttpServer reads on readyRead; the whole request is already buffered, so wake it up.
    QMetaObject::invokeMethod(socket, &QTcpSocket::readyRead, Qt::QueuedConnection);
}

QString ConnectionGate::clientIdentity(const QHostAddress& peer, const HttpHead& head) const
{
    if (!isTrustedProxy(peer))
        return addressKey(peer);
    // The last occurrence: a proxy that appends or sets the header puts its own value last.
    QByteArray value = head.lastHeader(m_limits.trustedClientHeader);
    if (m_limits.trustedClientHeader.compare("X-Forwarded-For", Qt::CaseInsensitive) == 0) {
        // Only the entry the proxy appended; earlier entries come from the client.
        value = value.mid(value.lastIndexOf(',') + 1);
    } else if (value.contains(',')) {
        value.clear(); // a single-address header with a list in it: not the proxy's
    }
    value = value.trimmed();
    QHostAddress client;
    if (!value.isEmpty() && client.setAddress(QString::fromLatin1(value)))
        return QStringLiteral("fwd:") + addressKey(client);
    return addressKey(peer); // no usable name: the proxy itself
}

void ConnectionGate::release(QTcpSocket* socket)
{
    socket->setProperty(kInspectingProperty, false);
    if (auto* timer = qobject_cast<QTimer*>(socket->property(kTimerProperty).value<QObject*>())) {
        timer->stop();
        timer->deleteLater();
    }
    disconnect(socket, &QTcpSocket::readyRead, this, nullptr);
}

void ConnectionGate::refuse(
    QTcpSocket* socket, int status, const QByteArray& reason, const HttpHead* head, qint64 retryAfterMs)
{
    release(socket);
    const QString address = socket->peerAddress().toString();
    emit rejected(address, head ? head->method : QByteArray(), head ? head->target : QByteArray(), status, reason);
    reject(socket, status, reason, retryAfterMs);
}

} // namespace sb::server
