// SPDX-License-Identifier: GPL-3.0-or-later
// `switchboard simulate`: plays Twilio's side of one or many calls against a webhook URL.
#include "cli/CommandLine.h"
#include "cli/Output.h"
#include "cli/SecretInput.h"
#include "common/Version.h"
#include "sim/CallDriver.h"
#include "sim/LoadRunner.h"
#include "sim/SimAudio.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QUrl>
#include <cstdio>

namespace sb::cli {
namespace {

const QLatin1String kCommand("simulate");

bool isHttpUrl(const QString& text)
{
    const QUrl url(text, QUrl::StrictMode);
    const QString scheme = url.scheme().toLower();
    return url.isValid() && !url.host().isEmpty() &&
           (scheme == QLatin1String("http") || scheme == QLatin1String("https"));
}

bool saveFile(const QString& path, const QByteArray& bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(bytes) == bytes.size();
}

} // namespace

int runSimulateCommand(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    auto option = [&parser](const char* name, const char* description, const char* valueName = nullptr) {
        QCommandLineOption o(QString::fromLatin1(name), QString::fromLatin1(description));
        if (valueName)
            o.setValueName(QString::fromLatin1(valueName));
        parser.addOption(o);
        return o;
    };
    const auto help =
        QCommandLineOption({QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show this help and exit."));
    parser.addOption(help);
    const auto url = option("url", "Voice URL to call (required), http:// or https://.", "URL");
    const auto method = option("method", "HTTP method of the voice URL: POST (default) or GET.", "METHOD");
    const auto fallbackUrl =
        option("fallback-url", "VoiceFallbackUrl, requested with ErrorCode/ErrorUrl on failure.", "URL");
    const auto fallbackMethod = option("fallback-method", "Method of the fallback URL (default POST).", "METHOD");
    const auto tokenStdin =
        option("auth-token-stdin",
               "Read the Twilio auth token from the first line of stdin and sign every request "
               "(X-Twilio-Signature) with it. The token is never taken from argv or the environment.");
    const auto noSignature =
        option("no-signature", "Send no X-Twilio-Signature header (local testing only; Twilio always signs).");
    const auto from = option("from", "Caller number (default +14155550123).", "NUMBER");
    const auto to = option("to", "Called number (default +15005550006).", "NUMBER");
    const auto accountSid = option("account-sid", "AccountSid to send (default: random AC...).", "SID");
    const auto callSid =
        option("call-sid", "CallSid to send (default: random CA...; load mode: random per call).", "SID");
    const auto audio = option("audio",
                              "What the caller says: a WAV (any rate; resampled to 8 kHz with sox) or raw .ulaw "
                              "file. Used by <Record>, <Gather> speech and the inbound track of streams.",
                              "FILE");
    const auto outboundAudio = option("outbound-audio",
                                      "Audio for the outbound track of streams (what the far end hears) instead of "
                                      "the <Say>/<Play> audio. WAV or raw .ulaw.",
                                      "FILE");
    const auto repeatAudio = option("repeat-audio", "Every <Record>/<Gather>/stream hears --audio from its start.");
    const auto digits = option("digits",
                               "Keys the caller presses, in order (<Gather>, <Record finishOnKey>, dtmf "
                               "messages on bidirectional streams), e.g. 1234#.",
                               "KEYS");
    const auto speech =
        option("speech", "Words the caller says: <Gather> SpeechResult and transcription text.", "TEXT");
    const auto realtime = option("realtime", "Pace everything in real time (default: as fast as allowed).");
    const auto rate =
        option("rate", "As-fast-as-allowed pacing: stream messages per second per call (default 350).", "N");
    const auto statusCallback = option("status-callback", "Call status callback URL.", "URL");
    const auto statusCallbackMethod = option("status-callback-method", "Its method (default POST).", "METHOD");
    const auto statusEvents =
        option("status-events", "Comma list of initiated,ringing,answered,completed (default completed).", "LIST");
    const auto calls = option("calls", "Load mode: number of concurrent calls (default 1).", "N");
    const auto stagger = option("stagger-ms", "Load mode: delay between call starts (default 100).", "MS");
    const auto json = option("json", "Print the report as JSON on stdout (default: a readable timeline).");
    const auto timeoutMs = option("timeout-ms", "Total time per HTTP request (default 15000, Twilio's limit).", "MS");
    const auto maxDuration =
        option("max-duration-s", "The caller hangs up after this much call time (default 14400).", "S");
    const auto linger = option("linger-ms",
                               "Call time to wait for the app to close a <Connect><Stream> after the caller's "
                               "audio ends, before the caller hangs up (default 5000).",
                               "MS");
    const auto apiBase = option("api-base", "Base of RecordingUrl (default https://api.twilio.com).", "URL");
    const auto noTts = option("no-tts", "Do not synthesise <Say> with espeak-ng (the text is recorded only).");
    const auto dialStatus =
        option("dial-status", "<Dial> outcome: completed (default), busy, no-answer, failed.", "STATUS");
    const auto dialDuration = option("dial-duration-s", "<Dial> talk time when answered (default 5).", "S");
    const auto saveAudio = option("save-audio",
                                  "Write recordings (RE....wav) and audio received on bidirectional streams "
                                  "(MZ...-received.wav) to this folder.",
                                  "DIR");

    if (!parser.parse(QStringList{QStringLiteral("simulate")} + arguments))
        return usageError(kCommand, parser.errorText());
    if (parser.isSet(help)) {
        QString text = parser.helpText();
        text = text.mid(text.indexOf(QLatin1Char('\n')) + 1);
        printText(
            QStringLiteral("Usage: %1 simulate --url URL (--auth-token-stdin | --no-signature) [options]\n"
                           "Plays Twilio's side of a call against any webhook URL: signed voice webhook, TwiML "
                           "verbs, Media Streams, callbacks.\nExit codes: 0 every call ok, 1 a call failed (Twilio "
                           "error), 2 usage.\n")
                .arg(QLatin1String(kAppName)) +
            text);
        return kExitOk;
    }
    if (!parser.positionalArguments().isEmpty())
        return usageError(kCommand,
                          QStringLiteral("unexpected argument '%1'").arg(parser.positionalArguments().constFirst()));

    sim::CallConfig config;
    config.url = parser.value(url);
    if (config.url.isEmpty())
        return usageError(kCommand, QStringLiteral("--url is required"));
    if (!isHttpUrl(config.url))
        return usageError(kCommand, QStringLiteral("--url '%1': expected an http:// or https:// URL").arg(config.url));
    auto methodOf = [&](const QCommandLineOption& o, QString* out) -> bool {
        if (!parser.isSet(o))
            return true;
        *out = parser.value(o).toUpper();
        return *out == QLatin1String("POST") || *out == QLatin1String("GET");
    };
    if (!methodOf(method, &config.method) || !methodOf(fallbackMethod, &config.fallbackMethod) ||
        !methodOf(statusCallbackMethod, &config.statusCallbackMethod))
        return usageError(kCommand, QStringLiteral("methods must be POST or GET"));
    for (const auto* o : {&fallbackUrl, &statusCallback, &apiBase}) {
        if (parser.isSet(*o) && !isHttpUrl(parser.value(*o)))
            return usageError(kCommand,
                              QStringLiteral("--%1 '%2': expected an http:// or https:// URL")
                                  .arg(o->names().constFirst(), parser.value(*o)));
    }
    config.fallbackUrl = parser.value(fallbackUrl);
    config.statusCallback = parser.value(statusCallback);
    if (parser.isSet(apiBase)) {
        config.apiBase = parser.value(apiBase);
        while (config.apiBase.endsWith(QLatin1Char('/')))
            config.apiBase.chop(1);
    }
    if (parser.isSet(from))
        config.from = parser.value(from);
    if (parser.isSet(to))
        config.to = parser.value(to);
    config.accountSid = parser.value(accountSid);
    config.callSid = parser.value(callSid);
    if (!config.accountSid.isEmpty() && !twilio::isValidSid(config.accountSid, QLatin1String("AC")))
        return usageError(kCommand, QStringLiteral("--account-sid: expected AC followed by 32 hex digits"));
    if (!config.callSid.isEmpty() && !twilio::isValidSid(config.callSid, QLatin1String("CA")))
        return usageError(kCommand, QStringLiteral("--call-sid: expected CA followed by 32 hex digits"));
    if (parser.isSet(statusEvents)) {
        config.statusEvents = parser.value(statusEvents).split(QLatin1Char(','), Qt::SkipEmptyParts);
        for (QString& e : config.statusEvents) {
            e = e.trimmed();
            static const QStringList known{QStringLiteral("initiated"),
                                           QStringLiteral("ringing"),
                                           QStringLiteral("answered"),
                                           QStringLiteral("completed")};
            if (!known.contains(e))
                return usageError(kCommand, QStringLiteral("--status-events: unknown event '%1'").arg(e));
        }
    }
    auto number = [&](const QCommandLineOption& o, qint64 min, qint64 max, qint64* out) -> bool {
        if (!parser.isSet(o))
            return true;
        bool ok = false;
        const qint64 v = parser.value(o).toLongLong(&ok);
        if (!ok || v < min || v > max)
            return false;
        *out = v;
        return true;
    };
    qint64 callCount = 1;
    qint64 staggerMs = 100;
    qint64 rateValue = config.messagesPerSecond;
    qint64 timeoutValue = config.timeoutMs;
    qint64 maxDurationS = config.maxDurationMs / 1000;
    qint64 dialSeconds = config.dial.durationSeconds;
    struct Check
    {
        const QCommandLineOption* option;
        qint64 min;
        qint64 max;
        qint64* out;
    };
    for (const Check& c : {Check{&calls, 1, 10000, &callCount},
                           Check{&stagger, 0, 3600000, &staggerMs},
                           Check{&rate, 1, 100000, &rateValue},
                           Check{&timeoutMs, 1, 15000, &timeoutValue},
                           Check{&maxDuration, 1, 86400, &maxDurationS},
                           Check{&linger, 0, 3600000, &config.lingerMs},
                           Check{&dialDuration, 0, 14400, &dialSeconds}}) {
        if (!number(*c.option, c.min, c.max, c.out))
            return usageError(kCommand,
                              QStringLiteral("--%1 '%2': expected a whole number from %3 to %4")
                                  .arg(c.option->names().constFirst(), parser.value(*c.option))
                                  .arg(c.min)
                                  .arg(c.max));
    }
    config.messagesPerSecond = int(rateValue);
    config.timeoutMs = int(timeoutValue);
    config.maxDurationMs = maxDurationS * 1000;
    config.dial.durationSeconds = int(dialSeconds);
    if (parser.isSet(dialStatus)) {
        config.dial.status = parser.value(dialStatus);
        static const QStringList known{QStringLiteral("completed"),
                                       QStringLiteral("busy"),
                                       QStringLiteral("no-answer"),
                                       QStringLiteral("failed"),
                                       QStringLiteral("canceled")};
        if (!known.contains(config.dial.status))
            return usageError(kCommand,
                              QStringLiteral("--dial-status: expected completed, busy, no-answer, failed or canceled"));
    }
    config.realtime = parser.isSet(realtime);
    config.synthesizeSpeech = !parser.isSet(noTts);
    config.caller.digits = parser.value(digits);
    config.caller.speech = parser.value(speech);
    config.caller.repeatAudio = parser.isSet(repeatAudio);

    if (parser.isSet(tokenStdin) == parser.isSet(noSignature))
        return usageError(kCommand, QStringLiteral("give exactly one of --auth-token-stdin and --no-signature"));
    if (parser.isSet(tokenStdin)) {
        if (!readSecretLine(config.authToken) || config.authToken.trimmed().isEmpty())
            return fail(kCommand, QStringLiteral("--auth-token-stdin: stdin gave no token"));
    } else {
        config.authToken = QByteArray(); // null: no signature header
    }

    if (parser.isSet(audio)) {
        auto loaded = sim::loadCallerAudio(parser.value(audio));
        if (!loaded.ok())
            return fail(kCommand, loaded.error().message);
        config.caller.audio = loaded.value();
    }
    if (parser.isSet(outboundAudio)) {
        auto loaded = sim::loadCallerAudio(parser.value(outboundAudio));
        if (!loaded.ok())
            return fail(kCommand, loaded.error().message);
        config.outboundAudio = loaded.value();
    }
    const QString saveDir = parser.value(saveAudio);
    if (!saveDir.isEmpty() && !QDir().mkpath(saveDir))
        return fail(kCommand, QStringLiteral("--save-audio: cannot create %1").arg(saveDir));

    auto save = [&saveDir](const sim::CallReport& report) -> bool {
        if (saveDir.isEmpty())
            return true;
        bool ok = true;
        const auto wavs = report.recordingWavs();
        for (auto it = wavs.begin(); it != wavs.end(); ++it)
            ok = saveFile(QDir(saveDir).filePath(it.key() + QStringLiteral(".wav")), it.value()) && ok;
        for (const sim::StreamReport& s : report.streams) {
            if (!s.receivedAudio.isEmpty())
                ok = saveFile(QDir(saveDir).filePath(s.streamSid + QStringLiteral("-received.wav")),
                              sim::muLawToWav(s.receivedAudio)) &&
                     ok;
        }
        return ok;
    };

    const bool asJson = parser.isSet(json);
    const int wallLimitMs = int(std::min<qint64>(INT_MAX, config.maxDurationMs * (config.realtime ? 2 : 1) + 600000));
    if (callCount == 1) {
        const sim::CallReport report = sim::CallDriver::run(config, wallLimitMs);
        printText(asJson ? QString::fromUtf8(QJsonDocument(report.toJson()).toJson(QJsonDocument::Indented))
                         : report.toText());
        if (!save(report))
            return fail(kCommand, QStringLiteral("could not write audio to %1").arg(saveDir));
        return report.ok() ? kExitOk : kExitFailure;
    }
    const sim::LoadReport load = sim::LoadRunner::run(config, int(callCount), int(staggerMs), wallLimitMs);
    printText(asJson ? QString::fromUtf8(QJsonDocument(load.toJson()).toJson(QJsonDocument::Indented)) : load.toText());
    bool saved = true;
    for (const sim::CallReport& r : load.reports)
        saved = save(r) && saved;
    if (!saved)
        return fail(kCommand, QStringLiteral("could not write audio to %1").arg(saveDir));
    return load.failed == 0 ? kExitOk : kExitFailure;
}

} // namespace sb::cli
