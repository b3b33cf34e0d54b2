// SPDX-License-Identifier: GPL-3.0-or-later
#include "sim/CallDriver.h"

#include "sim/Playout.h"
#include "sim/SimAudio.h"
#include "twilio/MediaMessages.h"
#include "twilio/Signature.h"
#include "twilio/WebhookParams.h"

#include <QDateTime>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTemporaryDir>
#include <QTimer>
#include <QUuid>
#include <QWebSocket>
#include <algorithm>
#include <cmath>
#include <variant>

namespace sb::sim {
namespace {

using twilio::FormParams;

constexpr qsizetype kFrameBytes = 160; // 20 ms of 8 kHz mu-law

QByteArray frameAt(const QByteArray& audio, qint64 index)
{
    QByteArray frame = audio.mid(qsizetype(index) * kFrameBytes, kFrameBytes);
    if (frame.size() < kFrameBytes)
        frame.append(kFrameBytes - frame.size(), kMuLawSilence);
    return frame;
}

QString withoutFragment(const QString& url)
{
    const qsizetype hash = url.indexOf(QLatin1Char('#'));
    return hash >= 0 ? url.left(hash) : url;
}

QDateTime nowUtc()
{
    return QDateTime::currentDateTimeUtc();
}

/// Media fetched for <Play>, as mu-law; empty when it cannot be decoded.
QByteArray decodeMedia(const QByteArray& contentType, const QByteArray& body)
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

qint64 digitsMs(const QString& digits)
{
    qint64 ms = 0;
    for (QChar c : digits)
        ms += c == QLatin1Char('w') ? 500 : c == QLatin1Char('W') ? 1000 : 100;
    return ms;
}

} // namespace

struct CallDriver::Stream
{
    StreamSpec spec;
    StreamReport report;
    QWebSocket* socket = nullptr;
    QTimer* connectTimer = nullptr;
    bool connected = false;
    bool started = false;
    bool stopped = false;
    bool closedByApp = false;
    bool failed = false;
    bool warnedInvalid = false;
    bool warnedBinary = false;
    qint64 sequence = 0;
    qint64 chunks[2] = {0, 0};
    qint64 startCallMs = 0;
    PlayoutQueue playout;
    std::function<void(Stream*)> onOpen;

    bool live() const { return started && !stopped && !closedByApp; }
};

CallConfig CallDriver::withDefaults(CallConfig config)
{
    auto sid = [&config](QLatin1String prefix) { return config.newSid ? config.newSid(prefix) : randomSid(prefix); };
    if (config.accountSid.isEmpty())
        config.accountSid = sid(QLatin1String("AC"));
    if (config.callSid.isEmpty())
        config.callSid = sid(QLatin1String("CA"));
    return config;
}

InterpreterConfig CallDriver::interpreterConfig(const CallConfig& config)
{
    InterpreterConfig ic;
    ic.accountSid = config.accountSid;
    ic.apiBase = config.apiBase;
    ic.newSid = config.newSid;
    ic.dial = config.dial;
    return ic;
}

CallDriver::CallDriver(CallConfig config, QObject* parent)
    : QObject(parent)
    , m_config(withDefaults(std::move(config)))
    , m_interpreter(interpreterConfig(m_config))
{
    m_caller.script = m_config.caller;
    m_network = new QNetworkAccessManager(this);
    m_tickTimer = new QTimer(this);
    m_tickTimer->setTimerType(Qt::PreciseTimer);
    connect(m_tickTimer, &QTimer::timeout, this, &CallDriver::onTick);
    m_report.callSid = m_config.callSid;
    m_report.accountSid = m_config.accountSid;
    m_report.url = m_config.url;
    m_report.from = m_config.from;
    m_report.to = m_config.to;
}

CallDriver::~CallDriver()
{
    for (auto& s : m_streams) {
        if (s->socket)
            s->socket->abort();
    }
}

QString CallDriver::newSid(QLatin1String prefix) const
{
    return m_config.newSid ? m_config.newSid(prefix) : randomSid(prefix);
}

void CallDriver::note(const QString& kind, const QString& summary, const QJsonObject& data)
{
    TimelineEntry e;
    e.atMs = m_wall.isValid() ? m_wall.elapsed() : 0;
    e.callMs = m_callMs;
    e.kind = kind;
    e.summary = summary;
    e.data = data;
    m_report.timeline.append(e);
    emit entryAdded(e);
}

void CallDriver::issue(int code, bool fatal, const QString& message, const QString& url)
{
    SimIssue i;
    i.code = code;
    i.fatal = fatal;
    i.message = message;
    i.url = url;
    i.atMs = m_wall.isValid() ? m_wall.elapsed() : 0;
    m_report.issues.append(i);
    note(fatal ? QStringLiteral("error") : QStringLiteral("warning"),
         QStringLiteral("%1: %2").arg(code).arg(message),
         QJsonObject{{QStringLiteral("code"), code}, {QStringLiteral("url"), url}});
}

void CallDriver::start()
{
    if (m_started)
        return;
    m_started = true;
    m_wall.start();
    note(QStringLiteral("call.start"),
         QStringLiteral("%1 %2 -> %3, %4 %5")
             .arg(m_config.callSid, m_config.from, m_config.to, m_config.method, m_config.url),
         QJsonObject{{QStringLiteral("call_sid"), m_config.callSid},
                     {QStringLiteral("signed"), !m_config.authToken.isNull()},
                     {QStringLiteral("realtime"), m_config.realtime}});
    statusCallback(QStringLiteral("initiated"), QStringLiteral("initiated"));
    statusCallback(QStringLiteral("ringing"), QStringLiteral("ringing"));
    fetchDocument(Fetch{m_config.url, m_config.method.toUpper(), {}}, true);
}

void CallDriver::hangUp()
{
    if (!m_started) {
        m_started = true;
        m_wall.start();
    }
    finishCall(QStringLiteral("completed"), QStringLiteral("the caller hung up"));
}

CallReport CallDriver::run(CallConfig config, int wallTimeoutMs)
{
    CallDriver driver(std::move(config));
    QEventLoop loop;
    QObject::connect(&driver, &CallDriver::finished, &loop, &QEventLoop::quit);
    QTimer guard;
    guard.setSingleShot(true);
    QObject::connect(&guard, &QTimer::timeout, &driver, &CallDriver::hangUp);
    guard.start(wallTimeoutMs);
    driver.start();
    if (!driver.isFinished())
        loop.exec();
    return driver.report();
}

// ---------------------------------------------------------------------------------------------
// HTTP

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
    QString target = withoutFragment(url);
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
        r.url = withoutFragment(url);
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

// ---------------------------------------------------------------------------------------------
// Documents

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
        QByteArray audio = decodeMedia(r.contentType, r.body);
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

void CallDriver::runPrompts(QList<Prompt> prompts, std::function<void()> then)
{
    if (prompts.isEmpty()) {
        then();
        return;
    }
    const Prompt first = prompts.takeFirst();
    runPrompt(first, [this, prompts, then] { runPrompts(prompts, then); });
}

void CallDriver::runPrompt(const Prompt& p, std::function<void()> then)
{
    const int loops = p.loop <= 0 ? 1000 : p.loop;
    switch (p.kind) {
    case Prompt::Kind::Say: {
        QByteArray audio;
        QString error;
        if (m_config.synthesizeSpeech && speechSynthesisAvailable())
            audio = synthesizeSpeech(p.text, p.language, &error);
        const qint64 once = audio.isEmpty() ? estimatedSpeechMs(p.text) : audio.size() / kMuLawBytesPerMs;
        m_report.spoken << p.text;
        note(QStringLiteral("say"),
             QStringLiteral("\"%1\" (%2 ms%3%4)")
                 .arg(p.text)
                 .arg(once * loops)
                 .arg(audio.isEmpty() ? QStringLiteral(", text only") : QStringLiteral(", espeak-ng"))
                 .arg(loops > 1 ? QStringLiteral(", %1 times").arg(loops) : QString()),
             QJsonObject{{QStringLiteral("text"), p.text},
                         {QStringLiteral("voice"), p.voice},
                         {QStringLiteral("language"), p.language},
                         {QStringLiteral("loop"), loops},
                         {QStringLiteral("ms"), once * loops}});
        runSpan(once * loops, {}, audio.repeated(std::min(loops, 10)), then);
        return;
    }
    case Prompt::Kind::Pause: {
        QByteArray heard;
        const bool listening = anyLiveStream() || std::any_of(m_transcriptions.begin(),
                                                              m_transcriptions.end(),
                                                              [](const Transcription& t) { return !t.stopped; });
        if (listening)
            heard = m_caller.takeAudio(qsizetype(p.pauseMs * kMuLawBytesPerMs));
        note(QStringLiteral("pause"),
             QStringLiteral("%1 ms%2").arg(p.pauseMs).arg(
                 heard.isEmpty() ? QString()
                                 : QStringLiteral(", the caller speaks %1 ms").arg(heard.size() / kMuLawBytesPerMs)),
             QJsonObject{{QStringLiteral("ms"), p.pauseMs}});
        runSpan(p.pauseMs, heard, {}, [this, heard, then] {
            afterListening(heard);
            then();
        });
        return;
    }
    case Prompt::Kind::Play:
        break;
    }
    if (p.url.isEmpty()) {
        note(QStringLiteral("play"),
             QStringLiteral("digits %1").arg(p.digits),
             QJsonObject{{QStringLiteral("digits"), p.digits}});
        runSpan(digitsMs(p.digits), {}, {}, then);
        return;
    }
    http(QStringLiteral("GET"), p.url, {}, [this, p, loops, then](const HttpResponse& r) {
        if (m_ending)
            return;
        if (r.errorCode) {
            issue(r.errorCode, false, QStringLiteral("<Play> media: ") + r.error, p.url);
            then();
            return;
        }
        const QByteArray audio = decodeMedia(r.contentType, r.body);
        const qint64 once = audio.isEmpty() ? 1000 : audio.size() / kMuLawBytesPerMs;
        note(QStringLiteral("play"),
             QStringLiteral("%1 (%2, %3 ms%4)")
                 .arg(p.url, QString::fromLatin1(r.contentType))
                 .arg(once * loops)
                 .arg(audio.isEmpty() ? QStringLiteral(", not decodable: 1 s assumed") : QString()),
             QJsonObject{{QStringLiteral("url"), p.url}, {QStringLiteral("ms"), once * loops}});
        runSpan(once * loops + digitsMs(p.digits), {}, audio.repeated(std::min(loops, 10)), then);
    });
}

void CallDriver::afterListening(const QByteArray& heard)
{
    if (heard.isEmpty() || m_caller.script.speech.isEmpty() || m_transcribedSpeech)
        return;
    bool sent = false;
    for (Transcription& t : m_transcriptions) {
        if (!t.stopped && t.spec.track != QLatin1String("outbound_track")) {
            transcriptionCallback(t, twilio::TranscriptionEvent::Content, m_caller.script.speech);
            sent = true;
        }
    }
    m_transcribedSpeech = sent;
}

void CallDriver::runStep(const Step& step)
{
    switch (step.kind) {
    case Step::Kind::Say:
    case Step::Kind::Play:
    case Step::Kind::Pause:
        runPrompt(step.prompt, [this] { runNext(); });
        return;
    case Step::Kind::Gather:
        runPrompts(step.prompts, [this, step] {
            if (m_ending)
                return;
            QString result = step.digits.isEmpty() ? QString() : QStringLiteral("digits %1").arg(step.digits);
            if (!step.speechResult.isEmpty())
                result = QStringLiteral("speech \"%1\"").arg(step.speechResult);
            note(QStringLiteral("gather"),
                 QStringLiteral("input %1: %2%3")
                     .arg(step.gatherInput, result.isEmpty() ? step.note : result)
                     .arg(step.fetch ? QStringLiteral(" -> ") + step.fetch->url : QStringLiteral(" -> next verb")),
                 QJsonObject{{QStringLiteral("digits"), step.digits},
                             {QStringLiteral("speech"), step.speechResult},
                             {QStringLiteral("listen_ms"), step.listenMs}});
            if (!step.speechResult.isEmpty() && !step.partialResultCallback.isEmpty()) {
                FormParams params = callParams();
                params += {{QStringLiteral("UnstableSpeechResult"), step.speechResult},
                           {QStringLiteral("StableSpeechResult"), step.speechResult},
                           {QStringLiteral("SequenceNumber"), QStringLiteral("1")}};
                enqueueCallback(Callback{QStringLiteral("partial-result"),
                                         step.partialResultCallback,
                                         step.partialResultCallbackMethod,
                                         params});
            }
            runSpan(step.listenMs, step.audio, {}, [this, step] {
                afterListening(step.audio);
                continueWith(step.fetch);
            });
        });
        return;
    case Step::Kind::Record: {
        Step s = step;
        if (s.recordingSid.isEmpty())
            s.recordingSid = newSid(QLatin1String("RE"));
        note(QStringLiteral("record"),
             s.recordingDurationSeconds > 0
                 ? QStringLiteral("%1 (%2 s%3)")
                       .arg(s.recordingSid)
                       .arg(s.recordingDurationSeconds)
                       .arg(s.digits.isEmpty() ? QString() : QStringLiteral(", ended by key ") + s.digits)
                 : QStringLiteral("nothing recorded -> next verb"),
             QJsonObject{{QStringLiteral("recording_sid"), s.recordingSid},
                         {QStringLiteral("duration"), s.recordingDurationSeconds},
                         {QStringLiteral("listen_ms"), s.listenMs}});
        recordingCallback(s, QStringLiteral("in-progress"));
        runSpan(s.listenMs, s.audio, {}, [this, s] {
            afterListening(s.audio);
            if (s.recordingDurationSeconds == 0) {
                recordingCallback(s, QStringLiteral("absent"));
                runNext();
                return;
            }
            m_report.recordings.append(
                RecordingReport{s.recordingSid, s.recordingUrl, s.recordingDurationSeconds, s.audio});
            continueWith(s.fetch); // the action is requested at once; the file is "ready" after
            recordingCallback(s, QStringLiteral("completed"));
        });
        return;
    }
    case Step::Kind::StartStream:
    case Step::Kind::ConnectStream: {
        if (step.stream.errorCode) {
            issue(step.stream.errorCode, false, step.stream.error, step.stream.url);
            if (!step.stream.statusCallback.isEmpty()) {
                auto failed = std::make_unique<Stream>();
                failed->spec = step.stream;
                failed->report.streamSid = newSid(QLatin1String("MZ"));
                failed->report.errorCode = step.stream.errorCode;
                streamCallback(failed.get(), twilio::StreamEvent::Error, step.stream.error);
            }
            runNext();
            return;
        }
        if (step.stream.insecureScheme)
            issue(31922,
                  false,
                  QStringLiteral("ws:// stream URL: allowed by the simulator, Twilio needs wss://"),
                  step.stream.url);
        if (step.kind == Step::Kind::StartStream) {
            openStream(step.stream, [this](Stream*) { runNext(); });
            return;
        }
        openStream(step.stream, [this, step](Stream* s) {
            auto afterConnect = [this, step] {
                if (!step.connectAction.isEmpty())
                    fetchDocument(Fetch{step.connectAction, step.connectMethod, {}}, false);
                else
                    runNext();
            };
            if (!s->live()) {
                afterConnect();
                return;
            }
            const QByteArray audio = m_caller.takeAudio(m_caller.remainingAudio());
            auto closed = [s] { return !s->live(); };
            runSpan(
                audio.size() / kMuLawBytesPerMs,
                audio,
                {},
                [this, s, audio, afterConnect, closed] {
                    afterListening(audio);
                    if (s->live()) {
                        for (QChar digit : m_caller.remainingDigits()) {
                            twilio::DtmfMessage d;
                            d.sequenceNumber = ++s->sequence;
                            d.streamSid = s->report.streamSid;
                            d.digit = digit;
                            sendStreamJson(s, twilio::toJson(d));
                            ++s->report.dtmfSent;
                            note(QStringLiteral("stream.dtmf"), QStringLiteral("digit %1").arg(digit));
                        }
                        m_caller.digitPos = m_caller.script.digits.size();
                    }
                    runSpan(
                        m_config.lingerMs,
                        {},
                        {},
                        [this, s, afterConnect] {
                            if (s->live()) {
                                finishCall(QStringLiteral("completed"),
                                           QStringLiteral("the caller hung up (the app kept the stream open)"));
                                return;
                            }
                            afterConnect();
                        },
                        closed);
                },
                closed);
        });
        return;
    }
    case Step::Kind::StopStream:
        if (Stream* s = findStream(step.stopName))
            stopStream(s, QStringLiteral("<Stop><Stream>"));
        else
            note(QStringLiteral("skip"), QStringLiteral("<Stop><Stream>: no running stream '%1'").arg(step.stopName));
        runNext();
        return;
    case Step::Kind::StartTranscription: {
        Transcription t;
        t.spec = step.transcription;
        t.sid = newSid(QLatin1String("GT"));
        note(QStringLiteral("transcription.start"),
             QStringLiteral("%1 %2 -> %3").arg(t.sid, t.spec.track, t.spec.statusCallbackUrl));
        m_transcriptions.push_back(t);
        transcriptionCallback(m_transcriptions.back(), twilio::TranscriptionEvent::Started);
        runNext();
        return;
    }
    case Step::Kind::StopTranscription:
        for (Transcription& t : m_transcriptions) {
            if (!t.stopped && (step.stopName.isEmpty() || t.spec.name == step.stopName)) {
                t.stopped = true;
                note(QStringLiteral("transcription.stop"), t.sid);
                transcriptionCallback(t, twilio::TranscriptionEvent::Stopped);
            }
        }
        runNext();
        return;
    case Step::Kind::Redirect:
        note(QStringLiteral("redirect"), QStringLiteral("%1 %2").arg(step.fetch->method, step.fetch->url));
        fetchDocument(*step.fetch, false);
        return;
    case Step::Kind::Dial:
        note(QStringLiteral("dial"),
             QStringLiteral("%1: %2 (%3)")
                 .arg(step.dialTargets.join(QStringLiteral(", ")), step.dialStatus, step.dialCallSid),
             QJsonObject{{QStringLiteral("targets"), QJsonArray::fromStringList(step.dialTargets)},
                         {QStringLiteral("dial_call_status"), step.dialStatus},
                         {QStringLiteral("dial_call_sid"), step.dialCallSid}});
        runSpan(step.listenMs, {}, {}, [this, step] { continueWith(step.fetch); });
        return;
    case Step::Kind::Hangup:
        note(QStringLiteral("hangup"), QStringLiteral("<Hangup>"));
        finishCall(QStringLiteral("completed"), QStringLiteral("<Hangup>"));
        return;
    case Step::Kind::Reject: {
        note(QStringLiteral("reject"), QStringLiteral("<Reject reason=\"%1\">").arg(step.note));
        finishCall(step.note == QLatin1String("busy") ? QStringLiteral("busy") : QStringLiteral("no-answer"),
                   QStringLiteral("<Reject>"));
        return;
    }
    case Step::Kind::Skip:
        note(QStringLiteral("skip"), step.note);
        runNext();
        return;
    case Step::Kind::Fail:
        issue(step.errorCode, true, step.note, m_interpreter.documentUrl());
        finishCall(QStringLiteral("completed"), QStringLiteral("application error %1").arg(step.errorCode));
        return;
    case Step::Kind::End:
        finishCall(QStringLiteral("completed"), step.note);
        return;
    }
}

// ---------------------------------------------------------------------------------------------
// Time and media

bool CallDriver::anyLiveStream() const
{
    return std::any_of(m_streams.begin(), m_streams.end(), [](const auto& s) { return s->live(); });
}

qsizetype CallDriver::messagesPerTick() const
{
    qsizetype n = 0;
    for (const auto& s : m_streams) {
        if (s->live())
            n += s->spec.tracks().size();
    }
    return std::max<qsizetype>(1, n);
}

void CallDriver::runSpan(
    qint64 ms, QByteArray inbound, QByteArray outbound, std::function<void()> then, std::function<bool()> until)
{
    if (m_ending)
        return;
    ms = std::max<qint64>(0, ms);
    bool clipped = false;
    const qint64 allowed = m_config.maxDurationMs - m_callMs;
    if (ms > allowed) {
        ms = std::max<qint64>(0, allowed);
        clipped = true;
    }
    auto finish = [this, clipped, then] {
        if (m_ending)
            return;
        if (clipped)
            finishCall(QStringLiteral("completed"), QStringLiteral("the caller hung up (maximum call duration)"));
        else
            then();
    };
    if (!anyLiveStream()) {
        m_callMs += ms;
        QTimer::singleShot(m_config.realtime ? int(std::min<qint64>(ms, INT_MAX)) : 0, this, finish);
        return;
    }
    m_span = std::make_unique<Span>();
    m_span->ticks = (ms + 19) / 20;
    m_span->inbound = std::move(inbound);
    m_span->outbound = std::move(outbound);
    m_span->until = std::move(until);
    m_span->then = finish;
    m_span->clipped = clipped;
    m_span->tokens = double(messagesPerTick()); // the first tick goes at once
    m_span->clock.start();
    m_tickTimer->start(m_config.realtime ? 20 : 5);
    onTick();
}

void CallDriver::onTick()
{
    if (!m_span) {
        m_tickTimer->stop();
        return;
    }
    Span& s = *m_span;
    const qint64 now = s.clock.elapsed();
    qint64 due = 0;
    const bool live = anyLiveStream();
    if (!live && !m_config.realtime) {
        due = s.ticks - s.done; // nobody listens: no need to pace
    } else if (m_config.realtime) {
        due = now / 20 + 1 - s.done;
    } else {
        const double perTick = double(messagesPerTick());
        const double rate = std::max(1, m_config.messagesPerSecond);
        s.tokens += double(now - s.lastMs) * rate / 1000.0;
        s.lastMs = now;
        s.tokens = std::min(s.tokens, std::max(rate / 4.0, perTick));
        due = qint64(s.tokens / perTick);
        s.tokens -= double(due) * perTick;
    }
    bool stop = false;
    for (qint64 i = 0; i < due && s.done < s.ticks; ++i) {
        if (s.until && s.until()) {
            stop = true;
            break;
        }
        sendTick(frameAt(s.inbound, s.done), frameAt(s.outbound, s.done));
        ++s.done;
        m_callMs += 20;
    }
    if (s.until && s.until())
        stop = true;
    if (stop || s.done >= s.ticks) {
        m_tickTimer->stop();
        const std::unique_ptr<Span> finished = std::move(m_span);
        finished->then();
    }
}

void CallDriver::sendTick(const QByteArray& inbound, const QByteArray& outboundSay)
{
    QByteArray outbound = outboundSay;
    if (!m_config.outboundAudio.isEmpty()) {
        outbound = frameAt(m_config.outboundAudio.mid(m_outboundPos, kFrameBytes), 0);
        m_outboundPos += kFrameBytes;
    }
    for (auto& owned : m_streams) {
        Stream* s = owned.get();
        if (!s->live())
            continue;
        for (twilio::MediaTrack track : s->spec.tracks()) {
            twilio::MediaMessage m;
            m.sequenceNumber = ++s->sequence;
            m.streamSid = s->report.streamSid;
            m.track = track;
            const int index = track == twilio::MediaTrack::Inbound ? 0 : 1;
            m.chunk = ++s->chunks[index];
            m.timestamp = m_callMs - s->startCallMs;
            m.payload = track == twilio::MediaTrack::Inbound ? inbound : outbound;
            sendStreamJson(s, twilio::toJson(m));
            if (index == 0)
                ++s->report.inboundFrames;
            else
                ++s->report.outboundFrames;
        }
        if (s->spec.bidirectional) {
            const PlayoutQueue::Advance played = s->playout.advance(20);
            for (const QString& name : played.marks) {
                twilio::MarkMessage mark;
                mark.sequenceNumber = ++s->sequence;
                mark.streamSid = s->report.streamSid;
                mark.name = name;
                sendStreamJson(s, twilio::toJson(mark));
                ++s->report.marksEchoed;
                note(QStringLiteral("stream.mark"), QStringLiteral("echo \"%1\" (played)").arg(name));
            }
        }
    }
}

void CallDriver::sendStreamJson(Stream* stream, const QByteArray& json)
{
    if (stream->socket && stream->connected)
        stream->socket->sendTextMessage(QString::fromUtf8(json));
}

void CallDriver::openStream(const StreamSpec& spec, std::function<void(Stream*)> then)
{
    auto owned = std::make_unique<Stream>();
    Stream* s = owned.get();
    m_streams.push_back(std::move(owned));
    s->spec = spec;
    s->onOpen = std::move(then);
    s->report.streamSid = newSid(QLatin1String("MZ"));
    s->report.name = spec.name;
    s->report.url = spec.url;
    s->report.track = spec.track;
    s->report.bidirectional = spec.bidirectional;
    s->socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    s->connectTimer = new QTimer(s->socket);
    s->connectTimer->setSingleShot(true);

    auto opened = [this, s] {
        s->connectTimer->stop();
        if (auto cb = std::move(s->onOpen)) {
            s->onOpen = nullptr;
            QTimer::singleShot(0, this, [cb, s] { cb(s); });
        }
    };
    auto fail = [this, s, opened](int code, const QString& why) {
        if (s->failed || s->connected)
            return;
        s->failed = true;
        s->report.errorCode = code;
        issue(code, false, QStringLiteral("stream %1: %2").arg(s->report.streamSid, why), s->spec.url);
        streamCallback(s, twilio::StreamEvent::Error, why);
        opened();
    };

    connect(s->connectTimer, &QTimer::timeout, this, [s, fail] {
        fail(31901, QStringLiteral("no WebSocket connection within the timeout"));
        s->socket->abort();
    });
    connect(s->socket, &QWebSocket::connected, this, [this, s, opened] {
        if (m_ending || s->failed) {
            s->socket->close();
            return;
        }
        s->connected = true;
        sendStreamJson(s, twilio::toJson(twilio::ConnectedMessage{}));
        twilio::StartMessage start;
        start.sequenceNumber = ++s->sequence;
        start.streamSid = s->report.streamSid;
        start.accountSid = m_config.accountSid;
        start.callSid = m_config.callSid;
        start.tracks = s->spec.tracks();
        start.customParameters = s->spec.parameters;
        sendStreamJson(s, twilio::toJson(start));
        s->started = true;
        s->startCallMs = m_callMs;
        QStringList params;
        for (const auto& p : s->spec.parameters)
            params << p.first;
        note(QStringLiteral("stream.start"),
             QStringLiteral("%1 %2 %3 %4 (parameters: %5)")
                 .arg(s->report.streamSid,
                      s->spec.bidirectional ? QStringLiteral("bidirectional") : QStringLiteral("unidirectional"),
                      s->spec.track,
                      s->spec.url,
                      params.join(QStringLiteral(", "))),
             QJsonObject{{QStringLiteral("stream_sid"), s->report.streamSid},
                         {QStringLiteral("track"), s->spec.track},
                         {QStringLiteral("bidirectional"), s->spec.bidirectional}});
        streamCallback(s, twilio::StreamEvent::Started);
        opened();
    });
    connect(s->socket,
            qOverload<QAbstractSocket::SocketError>(&QWebSocket::error),
            this,
            [s, fail](QAbstractSocket::SocketError error) {
                const QString why = s->socket->errorString();
                if (s->connected)
                    return;
                int code = 31920;
                if (error == QAbstractSocket::SocketTimeoutError)
                    code = 31901;
                else if (error == QAbstractSocket::ConnectionRefusedError &&
                         !why.contains(QLatin1String("status code")))
                    code = 31902;
                else if (error == QAbstractSocket::HostNotFoundError)
                    code = 31902;
                fail(code, why);
            });
    connect(
        s->socket, &QWebSocket::textMessageReceived, this, [this, s](const QString& text) { onStreamText(s, text); });
    connect(s->socket, &QWebSocket::binaryMessageReceived, this, [this, s](const QByteArray&) {
        ++s->report.appMessages;
        if (!s->warnedBinary) {
            s->warnedBinary = true;
            issue(twilio::kTwilioErrorUndecodableMessage,
                  false,
                  QStringLiteral("stream %1: the app sent a binary frame").arg(s->report.streamSid),
                  s->spec.url);
        }
    });
    connect(s->socket, &QWebSocket::disconnected, this, [this, s, fail] {
        if (!s->connected) {
            fail(31920, QStringLiteral("the WebSocket closed during the handshake: %1").arg(s->socket->errorString()));
            maybeComplete();
            return;
        }
        if (s->started && !s->stopped && !s->closedByApp) {
            s->closedByApp = true;
            s->report.closedBy = QStringLiteral("app");
            const QStringList marks = s->playout.clear();
            note(QStringLiteral("stream.closed-by-app"),
                 QStringLiteral("%1 closed by the app (code %2)")
                     .arg(s->report.streamSid)
                     .arg(int(s->socket->closeCode())),
                 QJsonObject{{QStringLiteral("stream_sid"), s->report.streamSid},
                             {QStringLiteral("unplayed_marks"), qint64(marks.size())}});
            streamCallback(s, twilio::StreamEvent::Stopped);
        }
        maybeComplete();
    });

    QNetworkRequest request{QUrl(spec.url)};
    request.setRawHeader("User-Agent", "Twilio.TmeWs/1.0");
    if (!m_config.authToken.isNull())
        request.setRawHeader("X-Twilio-Signature",
                             twilio::signature::compute(m_config.authToken, withoutFragment(spec.url)));
    note(QStringLiteral("stream.open"),
         QStringLiteral("%1 %2").arg(
             spec.bidirectional ? QStringLiteral("<Connect><Stream>") : QStringLiteral("<Start><Stream>"), spec.url));
    s->connectTimer->start(m_config.connectTimeoutMs);
    s->socket->open(request);
}

void CallDriver::onStreamText(Stream* s, const QString& text)
{
    ++s->report.appMessages;
    if (!s->spec.bidirectional) {
        if (!s->warnedInvalid) {
            s->warnedInvalid = true;
            issue(twilio::kTwilioErrorInvalidMessage,
                  false,
                  QStringLiteral("stream %1: message on a unidirectional stream ignored").arg(s->report.streamSid),
                  s->spec.url);
        }
        return;
    }
    twilio::ParseOptions options;
    options.expectedStreamSid = s->report.streamSid;
    const auto parsed = twilio::parseAppMessage(QStringView(text), options);
    if (!parsed.ok()) {
        if (!s->warnedInvalid) {
            s->warnedInvalid = true;
            issue(twilio::kTwilioErrorInvalidMessage,
                  false,
                  QStringLiteral("stream %1: %2").arg(s->report.streamSid, parsed.error().message),
                  s->spec.url);
        }
        return;
    }
    auto echo = [this, s](const QStringList& marks, const QString& why) {
        for (const QString& name : marks) {
            twilio::MarkMessage mark;
            mark.sequenceNumber = ++s->sequence;
            mark.streamSid = s->report.streamSid;
            mark.name = name;
            sendStreamJson(s, twilio::toJson(mark));
            ++s->report.marksEchoed;
            note(QStringLiteral("stream.mark"), QStringLiteral("echo \"%1\" (%2)").arg(name, why));
        }
    };
    if (const auto* media = std::get_if<twilio::AppMediaMessage>(&parsed.value())) {
        if (s->report.receivedAudio.isEmpty())
            note(QStringLiteral("stream.media-received"),
                 QStringLiteral("%1: the app started sending audio").arg(s->report.streamSid));
        s->report.receivedAudio += media->payload;
        s->playout.pushAudio(media->payload);
    } else if (const auto* mark = std::get_if<twilio::AppMarkMessage>(&parsed.value())) {
        echo(s->playout.pushMark(mark->name), QStringLiteral("nothing queued"));
    } else if (std::holds_alternative<twilio::ClearMessage>(parsed.value())) {
        ++s->report.clears;
        note(QStringLiteral("stream.clear"),
             QStringLiteral("%1: %2 bytes of queued audio dropped")
                 .arg(s->report.streamSid)
                 .arg(s->playout.queuedBytes()));
        echo(s->playout.clear(), QStringLiteral("cleared"));
    }
}

void CallDriver::stopStream(Stream* s, const QString& why)
{
    if (!s->started || s->stopped || s->closedByApp)
        return;
    twilio::StopMessage stop;
    stop.sequenceNumber = ++s->sequence;
    stop.streamSid = s->report.streamSid;
    stop.accountSid = m_config.accountSid;
    stop.callSid = m_config.callSid;
    sendStreamJson(s, twilio::toJson(stop));
    s->stopped = true;
    s->report.closedBy = QStringLiteral("simulator");
    note(QStringLiteral("stream.stop"),
         QStringLiteral("%1 (%2; %3 inbound, %4 outbound frames)")
             .arg(s->report.streamSid, why)
             .arg(s->report.inboundFrames)
             .arg(s->report.outboundFrames));
    streamCallback(s, twilio::StreamEvent::Stopped);
    s->socket->close(QWebSocketProtocol::CloseCodeNormal);
}

CallDriver::Stream* CallDriver::findStream(const QString& nameOrUrl) const
{
    for (const auto& s : m_streams) {
        if (s->live() && !s->spec.bidirectional && (s->spec.name == nameOrUrl || s->spec.url == nameOrUrl))
            return s.get();
    }
    return nullptr;
}

// ---------------------------------------------------------------------------------------------
// Callbacks

void CallDriver::enqueueCallback(Callback callback)
{
    m_callbacks.push_back(std::move(callback));
    pumpCallbacks();
}

void CallDriver::pumpCallbacks()
{
    if (m_callbackBusy || m_callbacks.empty())
        return;
    Callback c = std::move(m_callbacks.front());
    m_callbacks.pop_front();
    m_callbackBusy = true;
    http(c.method, c.url, c.params, [this, c](const HttpResponse& r) {
        m_callbackBusy = false;
        ++m_report.callbacks;
        const char* key = c.kind == QLatin1String("status")          ? "CallStatus"
                          : c.kind == QLatin1String("recording")     ? "RecordingStatus"
                          : c.kind == QLatin1String("stream-status") ? "StreamEvent"
                          : c.kind == QLatin1String("transcription") ? "TranscriptionEvent"
                                                                     : "UnstableSpeechResult";
        const QString event = twilio::formValue(c.params, QString::fromLatin1(key));
        note(QStringLiteral("callback"),
             QStringLiteral("%1 %2 %3 -> %4 (%5 ms)")
                 .arg(c.kind, event, c.url)
                 .arg(r.errorCode ? QStringLiteral("error %1").arg(r.errorCode) : QString::number(r.status))
                 .arg(r.elapsedMs),
             QJsonObject{{QStringLiteral("callback"), c.kind},
                         {QStringLiteral("event"), event},
                         {QStringLiteral("url"), c.url},
                         {QStringLiteral("status"), r.status}});
        if (r.errorCode)
            issue(r.errorCode, false, c.kind + QStringLiteral(" callback: ") + r.error, c.url);
        pumpCallbacks();
        maybeComplete();
    });
}

void CallDriver::statusCallback(const QString& event, const QString& callStatus)
{
    if (m_config.statusCallback.isEmpty() || !m_config.statusEvents.contains(event))
        return;
    twilio::CallStatusCallback cb;
    cb.call = *twilio::parseCallParams(callParams());
    cb.call.callStatus = twilio::callStatusFromString(callStatus).value_or(twilio::CallStatus::Completed);
    cb.timestamp = nowUtc();
    cb.callbackSource = QStringLiteral("call-progress-events");
    cb.sequenceNumber = m_statusSequence++;
    if (twilio::isTerminal(cb.call.callStatus)) {
        const qint64 seconds = (m_callMs + 999) / 1000;
        cb.callDuration = seconds;
        if (cb.call.callStatus == twilio::CallStatus::Completed) {
            cb.duration = (seconds + 59) / 60;
            cb.sipResponseCode = 200;
        } else if (cb.call.callStatus == twilio::CallStatus::Busy) {
            cb.sipResponseCode = 486;
        } else if (cb.call.callStatus == twilio::CallStatus::NoAnswer) {
            cb.sipResponseCode = 487;
        }
    }
    enqueueCallback(Callback{QStringLiteral("status"),
                             m_config.statusCallback,
                             m_config.statusCallbackMethod.toUpper(),
                             twilio::toFormParams(cb)});
}

void CallDriver::recordingCallback(const Step& step, const QString& status)
{
    const RecordSpec& r = step.record;
    if (r.recordingStatusCallback.isEmpty() || !r.recordingStatusCallbackEvents.contains(status))
        return;
    twilio::RecordingStatusCallback cb;
    cb.accountSid = m_config.accountSid;
    cb.callSid = m_config.callSid;
    cb.recordingSid = step.recordingSid;
    cb.status = twilio::recordingStatusFromString(status).value_or(twilio::RecordingStatus::Completed);
    cb.recordingUrl = step.recordingUrl.isEmpty()
                          ? m_config.apiBase + QStringLiteral("/2010-04-01/Accounts/") + m_config.accountSid +
                                QStringLiteral("/Recordings/") + step.recordingSid
                          : step.recordingUrl;
    if (status == QLatin1String("completed"))
        cb.recordingDuration = step.recordingDurationSeconds;
    cb.recordingChannels = 1;
    cb.recordingSource = QStringLiteral("RecordVerb");
    cb.recordingStartTime = twilio::formatRfc2822(nowUtc());
    cb.recordingTrack = QStringLiteral("inbound");
    enqueueCallback(Callback{QStringLiteral("recording"),
                             r.recordingStatusCallback,
                             r.recordingStatusCallbackMethod,
                             twilio::toFormParams(cb)});
}

void CallDriver::streamCallback(Stream* s, twilio::StreamEvent event, const QString& error)
{
    if (s->spec.statusCallback.isEmpty())
        return;
    twilio::StreamStatusCallback cb;
    cb.accountSid = m_config.accountSid;
    cb.callSid = m_config.callSid;
    cb.streamSid = s->report.streamSid;
    cb.event = event;
    cb.streamName = s->spec.name.isEmpty() ? s->report.streamSid : s->spec.name;
    if (!error.isEmpty())
        cb.streamError = error;
    cb.timestamp = nowUtc();
    enqueueCallback(Callback{QStringLiteral("stream-status"),
                             s->spec.statusCallback,
                             s->spec.statusCallbackMethod,
                             twilio::toFormParams(cb)});
}

void CallDriver::transcriptionCallback(Transcription& t, twilio::TranscriptionEvent event, const QString& transcript)
{
    if (t.spec.statusCallbackUrl.isEmpty())
        return;
    twilio::TranscriptionCallback cb;
    cb.accountSid = m_config.accountSid;
    cb.callSid = m_config.callSid;
    cb.transcriptionSid = t.sid;
    cb.event = event;
    cb.timestamp = nowUtc();
    cb.sequenceId = ++t.sequence;
    switch (event) {
    case twilio::TranscriptionEvent::Started: {
        const QJsonObject provider{{QStringLiteral("profanityFilter"), QStringLiteral("true")},
                                   {QStringLiteral("speechModel"), t.spec.speechModel},
                                   {QStringLiteral("enableAutomaticPunctuation"), QStringLiteral("true")}};
        cb.providerConfiguration = QString::fromUtf8(QJsonDocument(provider).toJson(QJsonDocument::Compact));
        cb.transcriptionEngine = t.spec.engine;
        cb.name = t.spec.name;
        cb.track = twilio::transcriptionTrackFromString(t.spec.track).value_or(twilio::TranscriptionTrack::Both);
        if (!t.spec.inboundTrackLabel.isEmpty())
            cb.inboundTrackLabel = t.spec.inboundTrackLabel;
        if (!t.spec.outboundTrackLabel.isEmpty())
            cb.outboundTrackLabel = t.spec.outboundTrackLabel;
        cb.partialResults = t.spec.partialResults;
        cb.languageCode = t.spec.languageCode;
        break;
    }
    case twilio::TranscriptionEvent::Content: {
        cb.languageCode = t.spec.languageCode;
        cb.track = twilio::TranscriptionTrack::Inbound;
        twilio::TranscriptionData data;
        data.transcript = transcript;
        if (!t.spec.partialResults)
            data.confidence = m_caller.script.speechConfidence;
        cb.data = data;
        cb.isFinal = true;
        if (t.spec.partialResults)
            cb.stability = 0.9;
        break;
    }
    case twilio::TranscriptionEvent::Stopped:
    case twilio::TranscriptionEvent::Error:
        break;
    }
    enqueueCallback(Callback{QStringLiteral("transcription"),
                             t.spec.statusCallbackUrl,
                             t.spec.statusCallbackMethod,
                             twilio::toFormParams(cb)});
}

// ---------------------------------------------------------------------------------------------
// End of call

void CallDriver::finishCall(const QString& status, const QString& reason)
{
    if (m_ending)
        return;
    m_ending = true;
    m_inFinish = true; // closing sockets may report synchronously; complete only at the end
    m_tickTimer->stop();
    m_span.reset();
    for (auto& s : m_streams)
        stopStream(s.get(), reason);
    for (Transcription& t : m_transcriptions) {
        if (!t.stopped) {
            t.stopped = true;
            transcriptionCallback(t, twilio::TranscriptionEvent::Stopped);
        }
    }
    m_report.finalStatus = status;
    m_report.callDurationMs = m_callMs;
    note(QStringLiteral("call.end"),
         QStringLiteral("%1: %2").arg(status, reason),
         QJsonObject{{QStringLiteral("status"), status}});
    statusCallback(QStringLiteral("completed"), status);
    // Sockets that do not finish their closing handshake in time are dropped.
    QTimer::singleShot(2000, this, [this] {
        for (auto& s : m_streams) {
            if (s->socket && s->socket->state() != QAbstractSocket::UnconnectedState)
                s->socket->abort();
        }
        maybeComplete();
    });
    m_inFinish = false;
    maybeComplete();
}

void CallDriver::maybeComplete()
{
    if (!m_ending || m_inFinish || m_finished || m_callbackBusy || !m_callbacks.empty())
        return;
    for (const auto& s : m_streams) {
        if (s->socket && s->socket->state() != QAbstractSocket::UnconnectedState)
            return;
    }
    m_finished = true;
    m_report.streams.clear();
    for (const auto& s : m_streams)
        m_report.streams.append(s->report);
    m_report.wallMs = m_wall.isValid() ? m_wall.elapsed() : 0;
    emit finished(m_report);
}

} // namespace sb::sim
