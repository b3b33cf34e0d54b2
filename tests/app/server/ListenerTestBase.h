// SPDX-License-Identifier: GPL-3.0-or-later
// The listener suites' shared fixture: a real Listener on a free loopback port whose handler
// records every request it is handed and answers fixed TwiML, and whose log is recorded too.
#pragma once

#include "server/Listener.h"

#include <QtTest>
#include <memory>

namespace sbtest {

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
