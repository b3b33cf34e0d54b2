// SPDX-License-Identifier: GPL-3.0-or-later
#include "bootstrap/CallsApi.h"

#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

namespace sb::bootstrap {

QNetworkReply*
sendCallRequest(QNetworkAccessManager& nam, const RestAccount& account, const QString& callSid, const QByteArray& form)
{
    QUrl url = account.apiBase;
    QString base = url.path();
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    url.setPath(base + QStringLiteral("/2010-04-01/Accounts/%1/Calls/%2.json").arg(account.accountSid, callSid));
    QNetworkRequest request(url);
    QByteArray credentials = account.accountSid.toUtf8() + ':' + account.authToken();
    QByteArray header = "Basic " + credentials.toBase64();
    request.setRawHeader("Authorization", header);
    credentials.fill('\0');
    header.fill('\0');
    request.setRawHeader("Accept", "application/json");
    request.setTransferTimeout(account.timeoutMs);
    if (form.isEmpty())
        return nam.get(request);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/x-www-form-urlencoded"));
    return nam.post(request, form);
}

namespace {

QString networkFailure(QNetworkReply* reply, const RestAccount& account)
{
    const QString host = account.apiBase.host();
    switch (reply->error()) {
    case QNetworkReply::ConnectionRefusedError:
        return QStringLiteral("Cannot reach Twilio at %1: connection refused").arg(host);
    case QNetworkReply::HostNotFoundError:
        return QStringLiteral("Cannot reach Twilio: host %1 not found").arg(host);
    case QNetworkReply::TimeoutError:
    case QNetworkReply::OperationCanceledError: // the transfer timeout aborts the reply
        return QStringLiteral("No answer from Twilio within %1 s").arg((account.timeoutMs + 999) / 1000);
    case QNetworkReply::SslHandshakeFailedError:
        return QStringLiteral("Secure connection to %1 failed: %2").arg(host, reply->errorString());
    case QNetworkReply::RemoteHostClosedError:
        return QStringLiteral("Twilio at %1 closed the connection without an answer").arg(host);
    default:
        return QStringLiteral("Network error talking to Twilio at %1: %2").arg(host, reply->errorString());
    }
}

QString twilioFailure(int httpStatus, int code, const QString& message)
{
    if (code == 20003 || (code == 0 && httpStatus == 401))
        return QStringLiteral("Authentication failed: check the account SID and auth token (%1)")
            .arg(code ? code : 401);
    if (code == 20404 || (code == 0 && httpStatus == 404))
        return QStringLiteral("No such call (%1)").arg(code ? code : 404);
    if (code == 21220)
        return QStringLiteral("Twilio refused: the call is not in progress (21220)");
    if (code == 32018)
        return QStringLiteral("Twilio refused: the message is too long (32018)");
    if (code != 0)
        return message.isEmpty() ? QStringLiteral("Twilio refused the request (%1)").arg(code)
                                 : QStringLiteral("Twilio refused: %1 (%2)").arg(message).arg(code);
    return QStringLiteral("Twilio answered HTTP %1").arg(httpStatus);
}

} // namespace

RestOutcome readOutcome(QNetworkReply* reply, const RestAccount& account)
{
    RestOutcome out;
    out.httpStatus = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (out.httpStatus == 0) {
        out.message = networkFailure(reply, account);
        return out;
    }
    const QJsonObject json = QJsonDocument::fromJson(reply->readAll()).object();
    if (out.httpStatus >= 200 && out.httpStatus < 300) {
        out.ok = true;
        out.resource = json;
        return out;
    }
    out.twilioCode = json.value(QLatin1String("code")).toInt();
    QString message = json.value(QLatin1String("message")).toString();
    if (const QString detail = json.value(QLatin1String("detail")).toString(); !detail.isEmpty())
        message += QStringLiteral(": ") + detail;
    out.message = twilioFailure(out.httpStatus, out.twilioCode, message.trimmed());
    return out;
}

} // namespace sb::bootstrap
