// SPDX-License-Identifier: GPL-3.0-or-later
#include "storage/Redaction.h"

#include <QRegularExpression>

namespace sb::storage {
namespace {

HeaderList redactHeaders(HeaderList headers)
{
    for (auto& [name, value] : headers) {
        if (isSecretHeader(name) && value != kRedacted)
            value = kRedacted;
    }
    return headers;
}

} // namespace

bool isSecretHeader(const QByteArray& name)
{
    static const QByteArray names[] = {
        "authorization", "proxy-authorization", "cookie", "set-cookie", "x-twilio-signature"};
    const QByteArray lower = name.trimmed().toLower();
    for (const QByteArray& secret : names) {
        if (lower == secret)
            return true;
    }
    return false;
}

QByteArray redactTwiml(const QByteArray& body)
{
    if (!body.contains(kStreamTokenParameter))
        return body; // the common case, and every body that is not TwiML with a stream
    // One <Parameter ...> tag at a time; inside it, the value attribute when the name is ours.
    static const QRegularExpression tag(QStringLiteral(R"(<Parameter\b[^>]*>)"));
    static const QRegularExpression name(
        QStringLiteral(R"(\bname\s*=\s*(["'])%1\1)").arg(QLatin1String(kStreamTokenParameter)));
    static const QRegularExpression value(QStringLiteral(R"((\bvalue\s*=\s*)(["'])[^"']*\2)"));
    const QString text = QString::fromUtf8(body);
    if (text.toUtf8() != body)
        return body; // not text: leave it as it is
    QString out;
    out.reserve(text.size());
    qsizetype done = 0;
    for (auto it = tag.globalMatch(text); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        QString t = m.captured(0);
        if (!name.match(t).hasMatch())
            continue;
        t.replace(value, QStringLiteral(R"(\1\2%1\2)").arg(QLatin1String(kRedacted)));
        out += QStringView(text).mid(done, m.capturedStart(0) - done);
        out += t;
        done = m.capturedEnd(0);
    }
    if (done == 0)
        return body;
    out += QStringView(text).mid(done);
    return out.toUtf8();
}

WebhookLogEntry redactWebhookEntry(WebhookLogEntry entry)
{
    entry.requestHeaders = redactHeaders(std::move(entry.requestHeaders));
    entry.responseHeaders = redactHeaders(std::move(entry.responseHeaders));
    entry.requestBody = redactTwiml(entry.requestBody);
    entry.responseBody = redactTwiml(entry.responseBody);
    return entry;
}

} // namespace sb::storage
