// SPDX-License-Identifier: GPL-3.0-or-later
#include "credentials/AccountCheck.h"

#include "credentials/SecretBytes.h"

#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkRequest>
#include <QPointer>
#include <QTimer>
#include <QUrl>
#include <memory>
#include <optional>

namespace sb::credentials {
namespace {

QString twilioDetail(const QByteArray& body)
{
    const QJsonObject o = QJsonDocument::fromJson(body).object();
    if (o.isEmpty())
        return {};
    QString text;
    if (o.contains(QLatin1String("code")))
        text = QStringLiteral("Twilio error %1").arg(o.value(QLatin1String("code")).toInteger());
    const QString message = o.value(QLatin1String("message")).toString();
    const QString detail = o.value(QLatin1String("detail")).toString();
    for (const QString& part : {message, detail}) {
        if (!part.isEmpty())
            text += (text.isEmpty() ? QString() : QStringLiteral(": ")) + part.left(200);
    }
    return text;
}

Error networkError(QNetworkReply::NetworkError code, const QString& errorString, const QUrl& url)
{
    const QString where = url.host() + (url.port() > 0 ? QStringLiteral(":%1").arg(url.port()) : QString());
    QString what;
    switch (code) {
    case QNetworkReply::ConnectionRefusedError:
        what = QStringLiteral("connection refused by %1 (is the REST base URL right and the server up?)").arg(where);
        break;
    case QNetworkReply::HostNotFoundError:
        what = QStringLiteral("host %1 not found (DNS): check the REST base URL and the network").arg(url.host());
        break;
    case QNetworkReply::SslHandshakeFailedError:
    case QNetworkReply::InsecureRedirectError:
        what = QStringLiteral("TLS handshake with %1 failed (%2): check the system clock, proxy and CA "
                              "certificates")
                   .arg(where, errorString);
        break;
    case QNetworkReply::RemoteHostClosedError:
        what = QStringLiteral("%1 closed the connection before answering").arg(where);
        break;
    case QNetworkReply::NetworkSessionFailedError:
    case QNetworkReply::TemporaryNetworkFailureError:
    case QNetworkReply::UnknownNetworkError:
        what = QStringLiteral("the network is unreachable (%1)").arg(errorString);
        break;
    default:
        what = QStringLiteral("%1 (%2)").arg(errorString, where);
        break;
    }
    return makeError(QStringLiteral("check.network"), QStringLiteral("network problem: ") + what);
}

} // namespace

Result<AccountInfo> interpretAccountResponse(
    int httpStatus, const QByteArray& body, const QString& accountSid, const QString& username, bool usedApiKey)
{
    const QString detail = twilioDetail(body);
    const QString suffix = detail.isEmpty() ? QString() : QStringLiteral(" [%1]").arg(detail);
    if (httpStatus == 200) {
        const QJsonObject o = QJsonDocument::fromJson(body).object();
        AccountInfo info;
        info.sid = o.value(QLatin1String("sid")).toString();
        info.friendlyName = o.value(QLatin1String("friendly_name")).toString();
        info.status = o.value(QLatin1String("status")).toString();
        info.type = o.value(QLatin1String("type")).toString();
        if (info.sid != accountSid)
            return makeError(QStringLiteral("check.bad-response"),
                             QStringLiteral("the server answered 200 but not with account %1: is the REST base URL "
                                            "a Twilio API?")
                                 .arg(accountSid));
        return info;
    }
    if (httpStatus == 401) {
        const QString hint =
            usedApiKey
                ? QStringLiteral("the API key %1 or its secret is wrong, or the key was deleted or belongs to "
                                 "another account: run `switchboard credentials set` with the right values")
                      .arg(username)
                : QStringLiteral("the auth token is wrong for account %1 (or the account SID is wrong): copy both "
                                 "from the Twilio Console and run `switchboard credentials set` again")
                      .arg(accountSid);
        return makeError(QStringLiteral("check.unauthorized"),
                         QStringLiteral("authentication failed (HTTP 401): ") + hint + suffix);
    }
    if (httpStatus == 403)
        return makeError(QStringLiteral("check.forbidden"),
                         QStringLiteral("access denied (HTTP 403): these credentials may not read account %1 (a "
                                        "restricted API key, or a subaccount of another parent)")
                                 .arg(accountSid) +
                             suffix);
    if (httpStatus == 404)
        return makeError(QStringLiteral("check.not-found"),
                         QStringLiteral("no such account (HTTP 404): account %1 does not exist or is not visible to "
                                        "these credentials; check the account SID")
                                 .arg(accountSid) +
                             suffix);
    return makeError(QStringLiteral("check.http"),
                     QStringLiteral("unexpected HTTP %1 from the REST API").arg(httpStatus) + suffix);
}

void checkAccount(QNetworkAccessManager* manager,
                  const AccountCheckRequest& request,
                  QObject* context,
                  std::function<void(Result<AccountInfo>)> done)
{
    const QUrl url(request.baseUrl + QStringLiteral("/2010-04-01/Accounts/") + request.accountSid +
                   QStringLiteral(".json"));
    QNetworkRequest req(url);
    req.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    req.setRawHeader("Accept", "application/json");
    QByteArray credentials = request.username.toUtf8() + ':' + request.password;
    QByteArray header = "Basic " + credentials.toBase64();
    // Qt gets its own copy: wiping ours must not blank the header Qt is about to send.
    req.setRawHeader("Authorization", QByteArray(header.constData(), header.size()));
    wipe(credentials);
    wipe(header);

    QNetworkReply* reply = manager->get(req);
    auto settled = std::make_shared<bool>(false);
    auto* timer = new QTimer(reply);
    timer->setSingleShot(true);
    const bool usedApiKey = request.username.startsWith(QLatin1String("SK"));
    const QString accountSid = request.accountSid;
    const QString username = request.username;
    const int timeoutMs = request.timeoutMs;
    QPointer<QObject> ctx(context);
    auto finish = [ctx, done, settled](Result<AccountInfo> r) {
        if (*settled)
            return;
        *settled = true;
        if (ctx)
            done(std::move(r));
    };
    QObject::connect(timer, &QTimer::timeout, reply, [reply, finish, url, timeoutMs] {
        finish(makeError(QStringLiteral("check.timeout"),
                         QStringLiteral("network problem: %1 did not answer within %2 ms")
                             .arg(url.host() + (url.port() > 0 ? QStringLiteral(":%1").arg(url.port()) : QString()))
                             .arg(timeoutMs)));
        reply->abort();
    });
    QObject::connect(reply, &QNetworkReply::finished, reply, [reply, finish, url, accountSid, username, usedApiKey] {
        reply->deleteLater();
        const QVariant status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
        if (!status.isValid()) {
            finish(networkError(reply->error(), reply->errorString(), url));
            return;
        }
        const int code = status.toInt();
        if (code >= 300 && code < 400) {
            finish(makeError(QStringLiteral("check.http"),
                             QStringLiteral("the REST API answered with a redirect (HTTP %1 to %2); redirects are not "
                                            "followed so credentials stay with the configured host: fix the REST base "
                                            "URL")
                                 .arg(code)
                                 .arg(reply->header(QNetworkRequest::LocationHeader).toUrl().toString())));
            return;
        }
        finish(interpretAccountResponse(code, reply->readAll(), accountSid, username, usedApiKey));
    });
    timer->start(timeoutMs);
}

Result<AccountInfo> checkAccountBlocking(const AccountCheckRequest& request)
{
    QNetworkAccessManager manager;
    QEventLoop loop;
    std::optional<Result<AccountInfo>> out;
    checkAccount(&manager, request, &loop, [&out, &loop](Result<AccountInfo> r) {
        out.emplace(std::move(r));
        loop.quit();
    });
    if (!out)
        loop.exec(QEventLoop::ExcludeUserInputEvents);
    return std::move(*out);
}

} // namespace sb::credentials
