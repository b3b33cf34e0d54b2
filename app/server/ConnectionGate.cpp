// SPDX-License-Identifier: GPL-3.0-or-later
#include "server/ConnectionGate.h"

#include "common/Logging.h"

#include <QTcpSocket>
#include <QTimer>

namespace sb::server {
namespace {

constexpr char kInspectingProperty[] = "sb_gate_inspecting";
constexpr char kTimerProperty[] = "sb_gate_timer";
constexpr char kUpgradedProperty[] = "sb_gate_upgraded";

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

} // namespace

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

void ConnectionGate::reject(QTcpSocket* socket, int status, const QByteArray& reason, qint64 retryAfterMs)
{
    socket->setProperty(kUpgradedProperty, false); // answered here: the gate deletes it on disconnect
    QByteArray body = reason + '\n';
    QByteArray out = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status) + "\r\n";
    out += "Content-Type: text/plain; charset=utf-8\r\nConnection: close\r\n";
    if (retryAfterMs >= 0)
        out += "Retry-After: " + QByteArray::number(qMax<qint64>(1, (retryAfterMs + 999) / 1000)) + "\r\n";
    out += "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
    socket->write(out);
    socket->disconnectFromHost();
}

void ConnectionGate::incomingConnection(qintptr handle)
{
    auto* socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(handle)) {
        delete socket;
        return;
    }
    const QString address = socket->peerAddress().toString();
    ++m_open;
    int& perAddress = m_openPerAddress[address];
    ++perAddress;
    // Counted until the socket object is gone, whoever owns it by then (gate, QHttpServer or a
    // QWebSocket after an upgrade).
    connect(socket, &QObject::destroyed, this, [this, address] {
        --m_open;
        auto it = m_openPerAddress.find(address);
        if (it != m_openPerAddress.end() && --(*it) <= 0)
            m_openPerAddress.erase(it);
    });
    connect(socket, &QTcpSocket::disconnected, this, [socket] {
        if (!socket->property(kUpgradedProperty).toBool())
            socket->deleteLater();
    });
    if (m_open > m_limits.maxConnections) {
        refuse(socket, 503, "too many open connections", nullptr, 1000);
        return;
    }
    if (perAddress > m_limits.maxConnectionsPerAddress) {
        refuse(socket, 429, "too many open connections from this address", nullptr, 1000);
        return;
    }

    socket->setProperty(kInspectingProperty, true);
    auto* timer = new QTimer(socket);
    timer->setSingleShot(true);
    connect(timer, &QTimer::timeout, this, [this, socket] {
        if (socket->property(kInspectingProperty).toBool())
            refuse(socket, 408, "request not received in time");
    });
    timer->start(m_limits.requestTimeoutMs);
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
    qint64 retryAfter = 0;
    const RateLimiter::Decision decision = m_rate.admit(clientIdentity(socket, head), nowMs(), &retryAfter);
    if (decision != RateLimiter::Decision::Allowed) {
        refuse(socket,
               429,
               decision == RateLimiter::Decision::AddressLimited ? "rate limit for this address exceeded"
                                                                 : "listener rate limit exceeded",
               &head,
               retryAfter);
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

QString ConnectionGate::clientIdentity(QTcpSocket* socket, const HttpHead& head) const
{
    const QHostAddress peer = socket->peerAddress();
    if (!m_limits.trustLoopbackForwardedFor || !peer.isLoopback())
        return peer.toString();
    QByteArray forwarded = head.header("Cf-Connecting-Ip").trimmed();
    if (forwarded.isEmpty()) {
        const QByteArray list = head.header("X-Forwarded-For");
        const qsizetype comma = list.lastIndexOf(',');
        forwarded = (comma < 0 ? list : list.mid(comma + 1)).trimmed();
    }
    QHostAddress client;
    if (!forwarded.isEmpty() && client.setAddress(QString::fromLatin1(forwarded)))
        return QStringLiteral("fwd:") + client.toString();
    return peer.toString();
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
