// SPDX-License-Identifier: GPL-3.0-or-later
// A local stand-in for GET /2010-04-01/Accounts/{AC}.json that answers like Twilio (app/twilio/PROTOCOL.md
// §6.4): 200 with the account, 401 code 20003, 404 code 20404. Lives on the test's main thread.
#pragma once

#include <QHttpServer>
#include <QHttpServerResponse>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpServer>

namespace sbtest {

QByteArray basicAuth(const QString& user, const QByteArray& password);

class TwilioStandIn
{
public:
    QString accountSid = QStringLiteral("AC0123456789abcdef0123456789abcdef");
    QByteArray authToken = "abcdef0123456789abcdef0123456789";
    QString apiKeySid = QStringLiteral("SKfedcba9876543210fedcba9876543210");
    QByteArray apiKeySecret = "api-key-secret-value";
    QByteArray lastAuthorization;
    int requests = 0;

    /// Listens on a free loopback port; returns it (0 on failure).
    quint16 start();

    QString baseUrl(quint16 port) const { return QStringLiteral("http://127.0.0.1:%1").arg(port); }

private:
    static QHttpServerResponse json(const QJsonObject& o, QHttpServerResponder::StatusCode code);

    QHttpServer m_server;
};

} // namespace sbtest
