// SPDX-License-Identifier: GPL-3.0-or-later
#include "bootstrap/WebhookReplay.h"

#include "storage/Redaction.h"
#include "twilio/Signature.h"
#include "webhook/Webhook.h"

namespace sb::bootstrap {
namespace {

QString stripSlash(QString base)
{
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    return base;
}

QByteArray contentTypeOf(const storage::WebhookLogEntry& entry)
{
    for (const auto& [name, value] : entry.requestHeaders) {
        if (name.compare("Content-Type", Qt::CaseInsensitive) == 0)
            return value;
    }
    return QByteArray();
}

bool isForm(const storage::WebhookLogEntry& entry)
{
    return entry.method == QLatin1String("POST") &&
           contentTypeOf(entry).split(';').constFirst().trimmed().toLower() == "application/x-www-form-urlencoded";
}

} // namespace

QNetworkRequest ReplayRequest::toNetworkRequest() const
{
    QNetworkRequest request(target);
    for (const auto& [name, value] : headers)
        request.setRawHeader(name, value);
    return request;
}

bool replaySignedByDefault(const storage::WebhookLogEntry& entry)
{
    return entry.signatureVerdict == QLatin1String("valid");
}

twilio::FormParams loggedParams(const storage::WebhookLogEntry& entry)
{
    if (entry.method == QLatin1String("GET"))
        return twilio::parseFormBody(entry.query.toUtf8());
    return isForm(entry) ? twilio::parseFormBody(entry.requestBody) : twilio::FormParams{};
}

ReplayRequest buildReplay(const storage::WebhookLogEntry& entry,
                          const QString& targetBase,
                          const QString& signedBase,
                          const QByteArray& token,
                          const ReplayEdits* edits,
                          const QByteArray& tag)
{
    ReplayRequest out;
    out.method = entry.method;
    QString path = entry.path;
    QString query = entry.query;
    out.body = entry.requestBody;
    const bool form = isForm(entry);
    const bool get = entry.method == QLatin1String("GET");
    if (edits) {
        if (edits->path && !edits->path->isEmpty())
            path = edits->path->startsWith(QLatin1Char('/')) ? *edits->path : QLatin1Char('/') + *edits->path;
        if (edits->query)
            query = *edits->query;
        if (edits->params) {
            if (get)
                query = QString::fromUtf8(twilio::encodeFormBody(*edits->params));
            else if (form)
                out.body = twilio::encodeFormBody(*edits->params);
        }
    }
    const QString target = path + (query.isEmpty() ? QString() : QLatin1Char('?') + query);
    out.target = QUrl(stripSlash(targetBase) + target, QUrl::TolerantMode);
    out.signedUrl = stripSlash(signedBase) + target;

    static const QList<QByteArray> skipped{"host",
                                           "content-length",
                                           "connection",
                                           "transfer-encoding",
                                           "accept-encoding",
                                           "x-twilio-signature",
                                           QByteArray(webhook::kReplayOfHeader).toLower(),
                                           QByteArray(kReplayTagHeader).toLower()};
    for (const auto& [name, value] : entry.requestHeaders) {
        if (!skipped.contains(name.toLower()) && value != storage::kRedacted)
            out.headers.append({name, value});
    }
    if (!token.isEmpty()) {
        // Sign again what Twilio signs: the URL, plus a form's parameters (a GET's are in the URL).
        const twilio::FormParams params = form ? twilio::parseFormBody(out.body) : twilio::FormParams{};
        out.headers.append({"X-Twilio-Signature", twilio::signature::compute(token, out.signedUrl, params)});
        out.isSigned = true;
    }
    out.headers.append({webhook::kReplayOfHeader, QByteArray::number(entry.id)});
    if (!tag.isEmpty())
        out.headers.append({kReplayTagHeader, tag});
    return out;
}

} // namespace sb::bootstrap
