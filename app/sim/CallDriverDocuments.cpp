// SPDX-License-Identifier: GPL-3.0-or-later
// Fetching TwiML documents and acting on the response (audio, plain text, TwiML, failures).
#include "sim/CallDriver.h"
#include "sim/CallDriverInternal.h"
#include "sim/SimAudio.h"
#include "sim/StreamPeer.h"

#include <QFile>
#include <QJsonArray>
#include <QTemporaryDir>

namespace sb::sim {

using twilio::FormParams;

QByteArray detail::decodeMedia(const QByteArray& contentType, const QByteArray& body)
{
    const QByteArray ct = contentType.split(';').value(0).trimmed().toLower();
    if (ct == "audio/ulaw" || ct == "audio/basic" || ct == "audio/x-mulaw")
        return body;
    QTemporaryDir dir;
    if (!dir.isValid())
        return {};
    QString suffix = QStringLiteral("bin");
    if (body.startsWith("RIFF"))
        suffix = QStringLiteral("wav");
    else if (ct == "audio/mpeg" || ct == "audio/mp3")
        suffix = QStringLiteral("mp3");
    else if (ct.contains("aif"))
        suffix = QStringLiteral("aiff");
    else if (ct.contains("gsm"))
        suffix = QStringLiteral("gsm");
    const QString path = dir.filePath(QStringLiteral("media.") + suffix);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(body) != body.size())
        return {};
    file.close();
    auto audio = loadCallerAudio(path);
    return audio.ok() ? audio.value() : QByteArray();
}

void CallDriver::fetchDocument(const Fetch& fetch, bool voiceWebhook)
{
    if (m_ending)
        return;
    if (m_report.documents >= m_config.maxDocuments) {
        issue(0,
              true,
              QStringLiteral("simulator limit: more than %1 TwiML documents in one call").arg(m_config.maxDocuments));
        finishCall(QStringLiteral("completed"), QStringLiteral("too many documents"));
        return;
    }
    ++m_report.documents;
    FormParams params = callParams();
    params += fetch.params;
    http(fetch.method, fetch.url, params, [this, fetch, voiceWebhook](const HttpResponse& r) {
        onDocument(fetch, voiceWebhook, r);
    });
}

void CallDriver::onDocument(const Fetch& fetch, bool voiceWebhook, const HttpResponse& r)
{
    if (m_ending)
        return;
    m_report.webhookLatencyMs << r.elapsedMs;
    QJsonObject data{{QStringLiteral("method"), fetch.method},
                     {QStringLiteral("url"), fetch.url},
                     {QStringLiteral("status"), r.status},
                     {QStringLiteral("elapsed_ms"), r.elapsedMs},
                     {QStringLiteral("bytes"), qint64(r.body.size())},
                     {QStringLiteral("content_type"), QString::fromLatin1(r.contentType)},
                     {QStringLiteral("voice_webhook"), voiceWebhook}};
    QStringList sent;
    for (const auto& p : fetch.params)
        sent << p.first + QLatin1Char('=') + p.second;
    if (!sent.isEmpty())
        data.insert(QStringLiteral("params"), QJsonArray::fromStringList(sent));
    if (r.errorCode) {
        note(QStringLiteral("webhook"),
             QStringLiteral("%1 %2 -> failed (%3 ms)").arg(fetch.method, fetch.url).arg(r.elapsedMs),
             data);
        documentFailed(fetch, r.errorCode, r.error);
        return;
    }
    note(QStringLiteral("webhook"),
         QStringLiteral("%1 %2%3 -> %4 %5, %6 bytes, %7 ms")
             .arg(fetch.method,
                  fetch.url,
                  sent.isEmpty() ? QString() : QStringLiteral(" [") + sent.join(QLatin1Char(' ')) + QLatin1Char(']'))
             .arg(r.status)
             .arg(QString::fromLatin1(r.contentType))
             .arg(r.body.size())
             .arg(r.elapsedMs),
         data);
    if (r.body.size() > twilio::kMaxTwimlBodyBytes) {
        documentFailed(
            fetch, 11750, QStringLiteral("the response is %1 bytes; Twilio accepts at most 64 kB").arg(r.body.size()));
        return;
    }
    const QString contentType = QString::fromLatin1(r.contentType).section(QLatin1Char(';'), 0, 0).trimmed().toLower();
    auto answer = [this] {
        if (!m_answered) {
            m_answered = true;
            statusCallback(QStringLiteral("answered"), QStringLiteral("in-progress"));
        }
    };
    if (contentType.startsWith(QLatin1String("audio/"))) {
        answer();
        QByteArray audio = detail::decodeMedia(r.contentType, r.body);
        const qint64 ms = audio.isEmpty() ? 1000 : audio.size() / kMuLawBytesPerMs;
        note(QStringLiteral("play"),
             QStringLiteral("the response is audio (%1): played, then hang up").arg(contentType));
        runSpan(ms, {}, audio, [this] {
            finishCall(QStringLiteral("completed"), QStringLiteral("audio response played"));
        });
        return;
    }
    const bool xml = contentType == QLatin1String("text/xml") || contentType == QLatin1String("application/xml") ||
                     contentType == QLatin1String("text/html");
    const bool plain = contentType == QLatin1String("text/plain");
    if (!xml && !plain) {
        documentFailed(fetch,
                       12300,
                       contentType.isEmpty()
                           ? QStringLiteral("the response has no Content-Type")
                           : QStringLiteral("Content-Type '%1' is not TwiML or audio").arg(contentType));
        return;
    }
    QList<twilio::TwimlIssue> issues;
    const auto fatal = m_interpreter.loadBody(r.body, r.url, &issues);
    if (fatal) {
        if (plain) {
            answer();
            const QString text = QString::fromUtf8(r.body).trimmed();
            m_report.spoken << text;
            note(QStringLiteral("say"), QStringLiteral("text/plain response read aloud, then hang up"));
            runSpan(estimatedSpeechMs(text), {}, {}, [this] {
                finishCall(QStringLiteral("completed"), QStringLiteral("plain text response read"));
            });
            return;
        }
        documentFailed(fetch, fatal->code, fatal->toString());
        return;
    }
    for (const twilio::TwimlIssue& i : issues) {
        if (i.code == 31922 || i.code == 31923 || i.code == 31941)
            continue; // reported by the stream step, which knows whether the simulator runs it
        issue(i.code, false, i.toString(), r.url);
    }
    answer();
    runNext();
}

void CallDriver::documentFailed(const Fetch& fetch, int code, const QString& message)
{
    const bool fallback = !m_config.fallbackUrl.isEmpty() && !m_usedFallback;
    issue(code, !fallback, message, fetch.url);
    if (fallback) {
        m_usedFallback = true;
        Fetch f;
        f.url = m_config.fallbackUrl;
        f.method = m_config.fallbackMethod.toUpper();
        f.params = {{QStringLiteral("ErrorCode"), QString::number(code)}, {QStringLiteral("ErrorUrl"), fetch.url}};
        fetchDocument(f, false);
        return;
    }
    finishCall(QStringLiteral("completed"), QStringLiteral("application error %1").arg(code));
}

void CallDriver::continueWith(const std::optional<Fetch>& fetch)
{
    if (fetch)
        fetchDocument(*fetch, false);
    else
        runNext();
}

void CallDriver::runNext()
{
    if (m_ending)
        return;
    runStep(m_interpreter.next(m_caller));
}

} // namespace sb::sim
