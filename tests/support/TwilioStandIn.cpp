// SPDX-License-Identifier: GPL-3.0-or-later
#include "TwilioStandIn.h"

namespace sbtest {

QByteArray basicAuth(const QString& user, const QByteArray& password)
{
    return QByteArray("Basic ") + QByteArray(user.toUtf8() + ':' + password).toBase64();
}

quint16 TwilioStandIn::start()
{
    m_server.route(
        QStringLiteral("/2010-04-01/Accounts/<arg>"), [this](const QString& file, const QHttpServerRequest& req) {
            ++requests;
            lastAuthorization = req.value("Authorization");
            const QString sid = file.endsWith(QLatin1String(".json")) ? file.chopped(5) : file;
            const QByteArray expectToken = sbtest::basicAuth(accountSid, authToken);
            const QByteArray expectKey = sbtest::basicAuth(apiKeySid, apiKeySecret);
            const QByteArray auth = req.value("Authorization");
            const bool userIsAccount = auth == expectToken;
            const bool userIsKey = auth == expectKey;
            if (!userIsAccount && !userIsKey)
                return json(
                    QJsonObject{
                        {QStringLiteral("code"), 20003},
                        {QStringLiteral("detail"), QStringLiteral("Your AccountSid or AuthToken was incorrect.")},
                        {QStringLiteral("message"), QStringLiteral("Authentication Error - No credentials provided")},
                        {QStringLiteral("more_info"), QStringLiteral("https://www.twilio.com/docs/errors/20003")},
                        {QStringLiteral("status"), 401}},
                    QHttpServerResponder::StatusCode::Unauthorized);
            if (sid != accountSid)
                return json(
                    QJsonObject{
                        {QStringLiteral("code"), 20404},
                        {QStringLiteral("message"),
                         QStringLiteral("The requested resource /2010-04-01/Accounts/%1.json was not found").arg(sid)},
                        {QStringLiteral("more_info"), QStringLiteral("https://www.twilio.com/docs/errors/20404")},
                        {QStringLiteral("status"), 404}},
                    QHttpServerResponder::StatusCode::NotFound);
            return json(QJsonObject{{QStringLiteral("sid"), accountSid},
                                    {QStringLiteral("friendly_name"), QStringLiteral("Stand-in account")},
                                    {QStringLiteral("status"), QStringLiteral("active")},
                                    {QStringLiteral("type"), QStringLiteral("Full")},
                                    {QStringLiteral("owner_account_sid"), accountSid}},
                        QHttpServerResponder::StatusCode::Ok);
        });
    return m_server.listen(QHostAddress::LocalHost, 0);
}

QHttpServerResponse TwilioStandIn::json(const QJsonObject& o, QHttpServerResponder::StatusCode code)
{
    return QHttpServerResponse(
        QByteArrayLiteral("application/json"), QJsonDocument(o).toJson(QJsonDocument::Compact), code);
}

} // namespace sbtest
