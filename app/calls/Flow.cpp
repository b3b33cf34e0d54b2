// SPDX-License-Identifier: GPL-3.0-or-later
#include "calls/Flow.h"

#include "twilio/TwimlBuilder.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

namespace sb::calls {
namespace {

using namespace sb::twilio;

Error flowError(const QString& source, const QString& message, int line = 0, int column = 0)
{
    return makeError(QStringLiteral("invalid-flow"), source + QStringLiteral(": ") + message, line, column);
}

void lineAndColumn(const QByteArray& text, int offset, int* line, int* column)
{
    *line = 1;
    *column = 1;
    for (int i = 0; i < offset && i < text.size(); ++i) {
        if (text.at(i) == '\n') {
            ++*line;
            *column = 1;
        } else {
            ++*column;
        }
    }
}

const QStringList& knownKeys()
{
    static const QStringList keys{QStringLiteral("name"),
                                  QStringLiteral("description"),
                                  QStringLiteral("mode"),
                                  QStringLiteral("greeting"),
                                  QStringLiteral("voice"),
                                  QStringLiteral("language"),
                                  QStringLiteral("goodbye"),
                                  QStringLiteral("listenSeconds"),
                                  QStringLiteral("streamTrack"),
                                  QStringLiteral("realtimeTranscription"),
                                  QStringLiteral("chunkSeconds"),
                                  QStringLiteral("silenceSeconds"),
                                  QStringLiteral("maxChunks"),
                                  QStringLiteral("chunkReply"),
                                  QStringLiteral("playBeep")};
    return keys;
}

SayAttributes sayAttributes(const Flow& flow)
{
    SayAttributes a;
    if (!flow.voice.isEmpty())
        a.voice = flow.voice;
    if (!flow.language.isEmpty() && flow.language != QLatin1String("en-US"))
        a.language = flow.language;
    return a;
}

Stream callStream(const Flow& flow, const FlowContext& context, bool bidirectional)
{
    StreamAttributes a;
    a.url = context.streamUrl;
    a.name = QStringLiteral("%1-%2").arg(modeName(flow.mode), context.callSid.right(8));
    a.track = bidirectional ? QStringLiteral("inbound_track") : flow.streamTrack;
    a.statusCallback = context.publicUrl + QStringLiteral("/stream-status");
    Stream stream(a);
    stream.parameter(QString::fromLatin1(kCallTokenParameter), context.callToken);
    stream.parameter(QStringLiteral("flow"), flow.name);
    return stream;
}

RecordAttributes recordAttributes(const Flow& flow, const FlowContext& context)
{
    RecordAttributes a;
    a.action = context.publicUrl + QStringLiteral("/process-voice");
    a.maxLength = flow.chunkSeconds;
    a.timeout = flow.silenceSeconds;
    a.playBeep = flow.playBeep;
    a.recordingStatusCallback = context.publicUrl + QStringLiteral("/recording");
    a.recordingStatusCallbackEvent =
        QStringList{QStringLiteral("in-progress"), QStringLiteral("completed"), QStringLiteral("absent")};
    return a;
}

void sayIfAny(VoiceResponse& r, const Flow& flow, const QString& text)
{
    if (!text.isEmpty())
        r.say(text, sayAttributes(flow));
}

} // namespace

QString modeName(FlowMode mode)
{
    switch (mode) {
    case FlowMode::Realtime:
        return QStringLiteral("realtime");
    case FlowMode::Chunked:
        return QStringLiteral("chunked");
    case FlowMode::Hybrid:
        return QStringLiteral("hybrid");
    case FlowMode::Assistant:
        return QStringLiteral("assistant");
    }
    return QString();
}

Result<Flow> parseFlow(const QByteArray& json, const QString& sourcePath)
{
    QJsonParseError parseError{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        int line = 0;
        int column = 0;
        lineAndColumn(json, parseError.offset, &line, &column);
        return flowError(sourcePath,
                         QStringLiteral("line %1, column %2: %3").arg(line).arg(column).arg(parseError.errorString()),
                         line,
                         column);
    }
    if (!doc.isObject())
        return flowError(sourcePath, QStringLiteral("the document must be a JSON object"));
    const QJsonObject o = doc.object();
    for (auto it = o.begin(); it != o.end(); ++it) {
        if (!knownKeys().contains(it.key()))
            return flowError(sourcePath,
                             QStringLiteral("unknown field \"%1\" (known: %2)")
                                 .arg(it.key(), knownKeys().join(QStringLiteral(", "))));
    }

    Flow flow;
    flow.sourcePath = sourcePath;
    auto text = [&](const char* key, QString* out, bool required) -> std::optional<Error> {
        const QJsonValue v = o.value(QLatin1String(key));
        if (v.isUndefined()) {
            if (required)
                return flowError(sourcePath, QStringLiteral("missing required field \"%1\"").arg(QLatin1String(key)));
            return std::nullopt;
        }
        if (!v.isString())
            return flowError(sourcePath, QStringLiteral("\"%1\" must be a string").arg(QLatin1String(key)));
        *out = v.toString();
        return std::nullopt;
    };
    auto integer = [&](const char* key, int* out, int min, int max) -> std::optional<Error> {
        const QJsonValue v = o.value(QLatin1String(key));
        if (v.isUndefined())
            return std::nullopt;
        const double d = v.toDouble(-1e18);
        if (!v.isDouble() || d != double(qint64(d)) || d < min || d > max)
            return flowError(sourcePath,
                             QStringLiteral("\"%1\" must be a whole number from %2 to %3")
                                 .arg(QLatin1String(key))
                                 .arg(min)
                                 .arg(max));
        *out = int(d);
        return std::nullopt;
    };
    auto boolean = [&](const char* key, bool* out) -> std::optional<Error> {
        const QJsonValue v = o.value(QLatin1String(key));
        if (v.isUndefined())
            return std::nullopt;
        if (!v.isBool())
            return flowError(sourcePath, QStringLiteral("\"%1\" must be true or false").arg(QLatin1String(key)));
        *out = v.toBool();
        return std::nullopt;
    };

    QString mode;
    for (auto problem : {text("name", &flow.name, true),
                         text("description", &flow.description, false),
                         text("mode", &mode, true),
                         text("greeting", &flow.greeting, false),
                         text("voice", &flow.voice, false),
                         text("language", &flow.language, false),
                         text("goodbye", &flow.goodbye, false),
                         text("streamTrack", &flow.streamTrack, false),
                         text("chunkReply", &flow.chunkReply, false),
                         integer("listenSeconds", &flow.listenSeconds, 1, 14400),
                         integer("chunkSeconds", &flow.chunkSeconds, 2, 3600),
                         integer("silenceSeconds", &flow.silenceSeconds, 0, 60),
                         integer("maxChunks", &flow.maxChunks, 1, 100),
                         boolean("realtimeTranscription", &flow.realtimeTranscription),
                         boolean("playBeep", &flow.playBeep)}) {
        if (problem)
            return *problem;
    }
    static const QRegularExpression namePattern(QStringLiteral("^[a-z0-9][a-z0-9-]{0,63}$"));
    if (!namePattern.match(flow.name).hasMatch())
        return flowError(
            sourcePath,
            QStringLiteral("\"name\" must be 1-64 characters of a-z, 0-9 and '-', got \"%1\"").arg(flow.name));
    if (mode == QLatin1String("realtime"))
        flow.mode = FlowMode::Realtime;
    else if (mode == QLatin1String("chunked"))
        flow.mode = FlowMode::Chunked;
    else if (mode == QLatin1String("hybrid"))
        flow.mode = FlowMode::Hybrid;
    else if (mode == QLatin1String("assistant"))
        flow.mode = FlowMode::Assistant;
    else
        return flowError(
            sourcePath,
            QStringLiteral("\"mode\" must be realtime, chunked, hybrid or assistant, got \"%1\"").arg(mode));
    static const QStringList tracks{
        QStringLiteral("inbound_track"), QStringLiteral("outbound_track"), QStringLiteral("both_tracks")};
    if (!tracks.contains(flow.streamTrack))
        return flowError(sourcePath,
                         QStringLiteral("\"streamTrack\" must be inbound_track, outbound_track or both_tracks"));
    if (flow.mode == FlowMode::Assistant && o.contains(QLatin1String("streamTrack")) &&
        flow.streamTrack != QLatin1String("inbound_track"))
        return flowError(sourcePath,
                         QStringLiteral("an assistant flow streams inbound_track only (Twilio error 31941 otherwise)"));
    if (flow.greeting.isEmpty() && flow.mode != FlowMode::Assistant)
        return flowError(sourcePath, QStringLiteral("\"greeting\" is required: the caller must hear what to do"));
    return flow;
}

QByteArray voiceTwiml(const Flow& flow, const FlowContext& context)
{
    VoiceResponse r;
    switch (flow.mode) {
    case FlowMode::Realtime: {
        Start start;
        start.stream(callStream(flow, context, false));
        r.start(start);
        if (flow.realtimeTranscription) {
            TranscriptionAttributes t;
            t.statusCallbackUrl = context.publicUrl + QStringLiteral("/transcription");
            t.languageCode = flow.language;
            Start transcription;
            transcription.transcription(Transcription(t));
            r.start(transcription);
        }
        sayIfAny(r, flow, flow.greeting);
        PauseAttributes pause;
        pause.length = flow.listenSeconds;
        r.pause(pause);
        sayIfAny(r, flow, flow.goodbye);
        r.hangup();
        break;
    }
    case FlowMode::Chunked:
        sayIfAny(r, flow, flow.greeting);
        r.record(recordAttributes(flow, context));
        break;
    case FlowMode::Hybrid: {
        Start start;
        start.stream(callStream(flow, context, false));
        r.start(start);
        sayIfAny(r, flow, flow.greeting);
        r.record(recordAttributes(flow, context));
        break;
    }
    case FlowMode::Assistant: {
        sayIfAny(r, flow, flow.greeting);
        Connect connect;
        connect.stream(callStream(flow, context, true));
        r.connect(connect);
        sayIfAny(r, flow, flow.goodbye);
        break;
    }
    }
    return r.toXml();
}

QByteArray chunkTwiml(const Flow& flow, const FlowContext& context)
{
    VoiceResponse r;
    if (flow.mode != FlowMode::Chunked && flow.mode != FlowMode::Hybrid) {
        sayIfAny(r, flow, flow.goodbye);
        r.hangup();
        return r.toXml();
    }
    if (context.chunkIndex >= flow.maxChunks) {
        sayIfAny(r, flow, flow.goodbye);
        r.hangup();
        return r.toXml();
    }
    sayIfAny(r, flow, flow.chunkReply);
    r.record(recordAttributes(flow, context));
    return r.toXml();
}

QByteArray emptyTwiml()
{
    return VoiceResponse().toXml();
}

} // namespace sb::calls
