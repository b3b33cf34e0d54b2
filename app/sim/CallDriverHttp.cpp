// SPDX-License-Identifier: GPL-3.0-or-later
// Twilio's HTTP fetch rules for webhooks, callbacks and <Play> media (app/twilio/PROTOCOL.md §1.4, §1.5).
#include "sim/CallDriver.h"
#include "sim/CallDriverInternal.h"
#include "sim/StreamPeer.h"
#include "twilio/Signature.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTimer>
#include <QUuid>
#include <algorithm>

namespace sb::sim {

using twilio::FormParams;

QString detail::withoutFragment(const QString& url)
{
    const qsizetype hash = url.indexOf(QLatin1Char('#'));
    return hash >= 0 ? url.left(hash) : url;
}

FormParams CallDriver::callParams() const
{
    twilio::CallParams p;
    p.callSid = m_config.callSid;
    p.accountSid = m_config.accountSid;
    p.from = m_config.from;
    p.to = m_config.to;
    p.caller = m_config.from;
    p.called = m_config.to;
    p.direction = twilio::CallDirection::Inbound;
    p.callStatus = m_answered ? twilio::CallStatus::InProgress : twilio::CallStatus::Ringing;
    return twilio::toFormParams(p);
}

ConnectionOverrides parseConnectionOverrides(const QString& url)
{
    ConnectionOverrides o;
    const qsizetype hash = url.indexOf(QLatin1Char('#'));
    if (hash < 0)
        return o;
    for (const QString& pair : url.mid(hash + 1).split(QLatin1Char('&'), Qt::SkipEmptyParts)) {
        const qsizetype eq = pair.indexOf(QLatin1Char('='));
        if (eq <= 0)
            continue;
        const QString key = pair.left(eq);
        const QString value = pair.mid(eq + 1);
        bool ok = false;
        const int n = value.toInt(&ok);
        if (key == QLatin1String("ct") && ok)
            o.connectTimeoutMs = std::clamp(n, 100, 10000);
        else if (key == QLatin1String("rt") && ok)
            o.readTimeoutMs = std::clamp(n, 100, 15000);
        else if (key == QLatin1String("tt") && ok)
            o.totalTimeoutMs = std::clamp(n, 100, 15000);
        else if (key == QLatin1String("rc") && ok)
            o.retries = std::clamp(n, 0, 5);
        else if (key == QLatin1String("rp"))
            o.retryPolicy = value.split(QLatin1Char(','), Qt::SkipEmptyParts);
    }
    return o;
}

void CallDriver::http(
    const QString& method, const QString& url, const FormParams& params, HttpDone done, int redirectsLeft)
{
    auto delivery = std::make_shared<Delivery>();
    delivery->overrides = parseConnectionOverrides(url);
    delivery->idempotencyToken = QUuid::createUuid().toByteArray(QUuid::WithoutBraces);
    delivery->clock.start();
    httpAttempt(method, url, params, std::move(done), redirectsLeft, delivery);
}

void CallDriver::httpAttempt(const QString& method,
                             const QString& url,
                             const FormParams& params,
                             HttpDone done,
                             int redirectsLeft,
                             std::shared_ptr<Delivery> delivery)
{
    ++delivery->attempt;
    const bool get = method == QLatin1String("GET");
    QString target = detail::withoutFragment(url);
    QByteArray body;
    if (get) {
        if (!params.isEmpty())
            target += (target.contains(QLatin1Char('?')) ? QLatin1Char('&') : QLatin1Char('?')) +
                      QString::fromLatin1(twilio::encodeFormBody(params));
    } else {
        body = twilio::encodeFormBody(params);
    }
    const QUrl qurl(target);
    const QString scheme = qurl.scheme().toLower();
    if (!qurl.isValid() || qurl.host().isEmpty() ||
        (scheme != QLatin1String("http") && scheme != QLatin1String("https"))) {
        HttpResponse r;
        r.url = url;
        r.errorCode = 11100;
        r.error = QStringLiteral("invalid URL '%1'").arg(url);
        QTimer::singleShot(0, this, [done, r] { done(r); });
        return;
    }
    QNetworkRequest request(qurl);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    request.setRawHeader("User-Agent", "TwilioProxy/1.1");
    request.setRawHeader("I-Twilio-Idempotency-Token", delivery->idempotencyToken);
    if (!get)
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/x-www-form-urlencoded"));
    if (!m_config.authToken.isNull()) {
        const QString signedUrl = twilio::signature::signingUrl(QString::fromUtf8(qurl.toEncoded()));
        request.setRawHeader("X-Twilio-Signature",
                             twilio::signature::compute(m_config.authToken, signedUrl, get ? FormParams{} : params));
    }
    QNetworkReply* reply = get ? m_network->get(request) : m_network->post(request, body);
    auto clock = std::make_shared<QElapsedTimer>();
    clock->start();
    auto timedOut = std::make_shared<bool>(false);
    auto* timer = new QTimer(reply);
    timer->setSingleShot(true);
    connect(timer, &QTimer::timeout, reply, [reply, timedOut] {
        *timedOut = true;
        reply->abort();
    });
    // Each attempt gets the read timeout, within what is left of the delivery's total (and never
    // more than the configured ceiling).
    const qint64 left = qint64(delivery->overrides.totalTimeoutMs) - delivery->clock.elapsed();
    const int attemptMs = int(std::max<qint64>(
        1, std::min<qint64>({qint64(delivery->overrides.readTimeoutMs), left, qint64(m_config.timeoutMs)})));
    timer->start(attemptMs);
    connect(reply, &QNetworkReply::finished, this, [=, this] {
        reply->deleteLater();
        HttpResponse r;
        r.url = detail::withoutFragment(url);
        r.elapsedMs = clock->elapsed();
        r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        r.contentType = reply->rawHeader("Content-Type");
        r.body = *timedOut ? QByteArray() : reply->readAll();
        if (*timedOut) {
            r.errorCode = 11205;
            r.error = QStringLiteral("no response within %1 ms").arg(attemptMs);
        } else if (r.status == 0) {
            switch (reply->error()) {
            case QNetworkReply::HostNotFoundError:
                r.errorCode = 11210;
                break;
            case QNetworkReply::ConnectionRefusedError:
            case QNetworkReply::TimeoutError:
            case QNetworkReply::TemporaryNetworkFailureError:
            case QNetworkReply::NetworkSessionFailedError:
                r.errorCode = 11205;
                break;
            case QNetworkReply::SslHandshakeFailedError:
                r.errorCode = 11220;
                break;
            case QNetworkReply::ProtocolFailure:
            case QNetworkReply::ProtocolUnknownError:
                r.errorCode = 11206;
                break;
            default:
                r.errorCode = 11200;
                break;
            }
            r.error = reply->errorString();
        } else if (r.status == 301 || r.status == 302 || r.status == 303 || r.status == 307 || r.status == 308) {
            const QUrl location(QString::fromUtf8(reply->rawHeader("Location")).trimmed());
            if (!location.isValid() || location.isEmpty()) {
                r.errorCode = 11200;
                r.error = QStringLiteral("HTTP %1 without a Location").arg(r.status);
            } else if (redirectsLeft <= 0) {
                r.errorCode = 11215;
                r.error = QStringLiteral("more than 10 redirects");
            } else {
                const QString next = qurl.resolved(location).toString();
                const QString nextMethod = r.status == 303 ? QStringLiteral("GET") : method;
                note(QStringLiteral("redirect.http"),
                     QStringLiteral("HTTP %1 -> %2").arg(r.status).arg(next),
                     QJsonObject{{QStringLiteral("status"), r.status}, {QStringLiteral("location"), next}});
                http(nextMethod,
                     next,
                     nextMethod == QLatin1String("GET") ? FormParams{} : params,
                     done,
                     redirectsLeft - 1);
                return;
            }
        } else if (r.status < 200 || r.status >= 300) {
            r.errorCode = 11200;
            r.error = QStringLiteral("HTTP %1 %2 (11217: the server answered with an error status)")
                          .arg(r.status)
                          .arg(reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString());
        }
        // Twilio's retry rule: only the failure kinds in the policy, up to rc more attempts, while
        // the total budget lasts. Partial responses are never retried.
        QString kind;
        if (*timedOut)
            kind = QStringLiteral("rt");
        else if (r.status == 0 && (reply->error() == QNetworkReply::ConnectionRefusedError ||
                                   reply->error() == QNetworkReply::SslHandshakeFailedError))
            kind = QStringLiteral("ct");
        else if (r.status >= 400 && r.status < 500)
            kind = QStringLiteral("4xx");
        else if (r.status >= 500)
            kind = QStringLiteral("5xx");
        if (!kind.isEmpty() && delivery->attempt <= delivery->overrides.retries &&
            delivery->overrides.retriesOn(kind) && delivery->clock.elapsed() < delivery->overrides.totalTimeoutMs) {
            note(QStringLiteral("http.retry"),
                 QStringLiteral("%1 failed (%2), retrying (attempt %3)").arg(r.url, kind).arg(delivery->attempt + 1),
                 QJsonObject{{QStringLiteral("kind"), kind},
                             {QStringLiteral("attempt"), delivery->attempt + 1},
                             {QStringLiteral("url"), r.url}});
            httpAttempt(method, url, params, done, redirectsLeft, delivery);
            return;
        }
        done(r);
    });
}

} // namespace sb::sim
