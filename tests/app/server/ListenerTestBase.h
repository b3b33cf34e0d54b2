// SPDX-License-Identifier: GPL-3.0-or-later
// The listener suites' shared fixture: a real Listener on a free loopback port whose handler
// records every request it is handed and answers fixed TwiML, and whose log is recorded too;
// plus a raw HTTP client for bytes no well-behaved client would send.
#pragma once

#include "TestSupport.h"
#include "server/Listener.h"

#include <QTcpSocket>
#include <QtTest>
#include <memory>
#include <tuple>

namespace sbtest {

/// What came back on a raw connection, split at the end of the head.
struct RawResponse
{
    int status = 0;
    QByteArray head;
    QByteArray body;
    QByteArray header(const QByteArray& name) const
    {
        for (const QByteArray& line : head.split('\n')) {
            const qsizetype colon = line.indexOf(':');
            if (colon > 0 && line.left(colon).trimmed().compare(name, Qt::CaseInsensitive) == 0)
                return line.mid(colon + 1).trimmed();
        }
        return QByteArray();
    }
};

inline RawResponse parseRawResponse(const QByteArray& received)
{
    RawResponse r;
    const qsizetype end = received.indexOf("\r\n\r\n");
    r.head = end < 0 ? received : received.left(end);
    r.body = end < 0 ? QByteArray() : received.mid(end + 4);
    r.status = r.head.split('\n').value(0).split(' ').value(1).toInt();
    return r;
}

/// Sends raw bytes and collects everything until the server closes or `timeoutMs` passes (the
/// listener runs on this thread, so the event loop runs meanwhile).
inline RawResponse
exchange(quint16 port, const QByteArray& bytes, const QHostAddress& from = QHostAddress(), int timeoutMs = 10000)
{
    QTcpSocket socket;
    if (!from.isNull())
        socket.bind(from);
    socket.connectToHost(QHostAddress::LocalHost, port);
    QByteArray received;
    QObject::connect(&socket, &QTcpSocket::readyRead, [&] { received += socket.readAll(); });
    QObject::connect(&socket, &QTcpSocket::connected, [&] { socket.write(bytes); });
    std::ignore = QTest::qWaitFor([&] { return socket.state() == QAbstractSocket::UnconnectedState; }, timeoutMs);
    received += socket.readAll();
    return parseRawResponse(received);
}

/// A raw POST; `signature` null: no X-Twilio-Signature header.
inline QByteArray post(const QByteArray& path,
                       const QByteArray& body,
                       const QByteArray& signature,
                       const QByteArray& contentType = "application/x-www-form-urlencoded")
{
    QByteArray req = "POST " + path + " HTTP/1.1\r\nHost: example.invalid\r\nContent-Type: " + contentType +
                     "\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n";
    if (!signature.isNull())
        req += "X-Twilio-Signature: " + signature + "\r\n";
    return req + "\r\n" + body;
}

inline sb::twilio::FormParams voiceParams()
{
    return sb::test::callParams(QStringLiteral("CAfedcba9876543210fedcba9876543210"), QStringLiteral("ringing"));
}

class ListenerTestBase : public QObject
{
public:
    /// The auth token signatures are checked with, and the TwiML every handled webhook gets.
    ListenerTestBase(QByteArray token, QByteArray replyBody)
        : m_token(std::move(token))
        , m_replyBody(std::move(replyBody))
    {
    }

protected:
    std::unique_ptr<sb::server::Listener> m_listener;
    QList<sb::server::WebhookRequest> m_handled;
    QList<sb::server::WebhookExchange> m_logged;
    const QString m_publicUrl = QStringLiteral("https://abc-def.trycloudflare.com");

    /// Replaces any running listener with a new one on `config` (port 0 for a free one).
    void startListener(sb::server::ListenerConfig config)
    {
        m_listener.reset();
        m_handled.clear();
        m_logged.clear();
        m_listener = std::make_unique<sb::server::Listener>(config);
        m_listener->setTokenSource([token = m_token] { return token; });
        m_listener->setHandler([this](const sb::server::WebhookRequest& r) {
            m_handled.append(r);
            sb::server::WebhookReply reply;
            reply.body = m_replyBody;
            return reply;
        });
        QObject::connect(
            m_listener.get(), &sb::server::Listener::exchangeLogged, [this](const auto& e) { m_logged.append(e); });
        const auto port = m_listener->start();
        QVERIFY2(port.ok(), qPrintable(port.ok() ? QString() : port.error().message));
        m_listener->setPublicUrl(m_publicUrl);
    }

    quint16 port() const { return m_listener->port(); }

private:
    QByteArray m_token;
    QByteArray m_replyBody;
};

} // namespace sbtest
