// SPDX-License-Identifier: GPL-3.0-or-later
// Parsing one Media Streams text frame into a typed message (MediaMessages.h).
#include "twilio/MediaMessageReader.h"
#include "twilio/MediaMessages.h"
#include "twilio/StrictJson.h"

#include <QSet>
#include <initializer_list>

namespace sb::twilio {
namespace {

using detail::JsonNode;
using detail::JsonReader;
using detail::JsonType;
using detail::MessageReader;
using detail::readPayload;
using detail::shortened;
using detail::typeName;

Error unknownEvent(const QString& event, const char* why)
{
    return detail::mediaError(MediaError::UnknownEvent,
                              QStringLiteral("unknown event \"") + shortened(event) + QStringLiteral("\"") +
                                  QString::fromLatin1(why));
}

// ---- Twilio → app -----------------------------------------------------------------------
// Each parser reads its members in wire order. MessageReader keeps the first error and turns
// every later call into a no-op, so the code reads straight down.

Result<TwilioMessage> finishTwilio(MessageReader& reader, TwilioMessage message, const ParseOptions& options)
{
    if (reader.error)
        return *reader.error;
    if (std::optional<Error> mismatch = checkStreamSid(message, options.expectedStreamSid))
        return *mismatch;
    return message;
}

Result<TwilioMessage> parseConnected(MessageReader& r, const ParseOptions& options)
{
    ConnectedMessage m;
    const QLatin1String top;
    r.allowOnly(0, top, {QLatin1String("event"), QLatin1String("protocol"), QLatin1String("version")});
    r.string(0, QLatin1String("protocol"), top, m.protocol);
    r.string(0, QLatin1String("version"), top, m.version);
    return finishTwilio(r, std::move(m), options);
}

void readCustomParameters(MessageReader& r, int start, CustomParameters& out)
{
    const QLatin1String path("start");
    const int index = r.find(start, QLatin1String("customParameters"), path);
    if (index < 0)
        return; // absent, or an error is already recorded
    const JsonReader& json = r.json();
    const JsonNode& object = json.node(index);
    if (object.type == JsonType::Null)
        return;
    if (object.type != JsonType::Object) {
        r.wrongType(index, QLatin1String("customParameters"), path, QLatin1String("an object"));
        return;
    }
    QSet<QString> seen;
    for (int i = object.firstChild; i >= 0; i = json.node(i).nextSibling) {
        const JsonNode& n = json.node(i);
        const QString name = json.key(n);
        if (seen.contains(name)) {
            r.fail(MediaError::DuplicateField,
                   QStringLiteral("start.customParameters has \"") + shortened(name) +
                       QStringLiteral("\" more than once"));
            return;
        }
        seen.insert(name);
        QString value;
        switch (n.type) {
        case JsonType::String:
            value = json.string(n);
            break;
        case JsonType::Number:
            value = QString::fromLatin1(json.span(n));
            break;
        case JsonType::Bool:
            value = n.boolValue ? QStringLiteral("true") : QStringLiteral("false");
            break;
        case JsonType::Null:
        case JsonType::Array:
        case JsonType::Object:
            r.fail(MediaError::WrongType,
                   QStringLiteral("start.customParameters[\"") + shortened(name) +
                       QStringLiteral("\"] must be a string, got ") + typeName(n.type));
            return;
        }
        out.append({name, value});
    }
}

void readTracks(MessageReader& r, int start, QList<MediaTrack>& out)
{
    const int index = r.require(start, QLatin1String("tracks"), QLatin1String("start"), JsonType::Array);
    if (index < 0)
        return;
    const JsonReader& json = r.json();
    out.clear();
    for (int i = json.node(index).firstChild; i >= 0; i = json.node(i).nextSibling) {
        const JsonNode& n = json.node(i);
        if (n.type != JsonType::String) {
            r.fail(MediaError::WrongType,
                   QStringLiteral("entries of 'start.tracks' must be strings, got ") + typeName(n.type));
            return;
        }
        const std::optional<MediaTrack> track = mediaTrackFromString(json.string(n));
        if (!track) {
            r.fail(MediaError::InvalidValue,
                   QStringLiteral("unknown track \"") + shortened(json.string(n)) +
                       QStringLiteral("\" in 'start.tracks' (expected inbound or outbound)"));
            return;
        }
        out.append(*track);
    }
}

Result<TwilioMessage> parseStart(MessageReader& r, const ParseOptions& options)
{
    StartMessage m;
    const QLatin1String top;
    const QLatin1String startPath("start");
    const QLatin1String formatPath("start.mediaFormat");
    r.allowOnly(
        0,
        top,
        {QLatin1String("event"), QLatin1String("sequenceNumber"), QLatin1String("start"), QLatin1String("streamSid")});
    r.counter(0, QLatin1String("sequenceNumber"), top, m.sequenceNumber);
    const int start = r.require(0, QLatin1String("start"), top, JsonType::Object);
    r.allowOnly(start,
                startPath,
                {QLatin1String("accountSid"),
                 QLatin1String("streamSid"),
                 QLatin1String("callSid"),
                 QLatin1String("tracks"),
                 QLatin1String("customParameters"),
                 QLatin1String("mediaFormat")});
    r.string(start, QLatin1String("accountSid"), startPath, m.accountSid);
    // start.streamSid is in every capture; tolerate its absence, but not a disagreement (checked below).
    QString innerStreamSid;
    if (r.find(start, QLatin1String("streamSid"), startPath) >= 0)
        r.string(start, QLatin1String("streamSid"), startPath, innerStreamSid);
    r.string(start, QLatin1String("callSid"), startPath, m.callSid);
    readTracks(r, start, m.tracks);
    readCustomParameters(r, start, m.customParameters);
    const int format = r.require(start, QLatin1String("mediaFormat"), startPath, JsonType::Object);
    r.allowOnly(
        format, formatPath, {QLatin1String("encoding"), QLatin1String("sampleRate"), QLatin1String("channels")});
    r.string(format, QLatin1String("encoding"), formatPath, m.mediaFormat.encoding);
    r.integer(format, QLatin1String("sampleRate"), formatPath, 1, 1'000'000, m.mediaFormat.sampleRate);
    r.integer(format, QLatin1String("channels"), formatPath, 1, 64, m.mediaFormat.channels);
    r.stringLike(0, QLatin1String("streamSid"), top, options.expectedStreamSid, m.streamSid);
    if (!r.error && !innerStreamSid.isNull() && innerStreamSid != m.streamSid) {
        r.fail(MediaError::InvalidValue,
               QStringLiteral("start.streamSid \"") + shortened(innerStreamSid) +
                   QStringLiteral("\" differs from streamSid \"") + shortened(m.streamSid) + QStringLiteral("\""));
    }
    return finishTwilio(r, std::move(m), options);
}

Result<TwilioMessage> parseTwilioMedia(MessageReader& r, const ParseOptions& options)
{
    MediaMessage m;
    const QLatin1String top;
    const QLatin1String path("media");
    r.allowOnly(
        0,
        top,
        {QLatin1String("event"), QLatin1String("sequenceNumber"), QLatin1String("media"), QLatin1String("streamSid")});
    r.counter(0, QLatin1String("sequenceNumber"), top, m.sequenceNumber);
    const int media = r.require(0, path, top, JsonType::Object);
    r.allowOnly(media,
                path,
                {QLatin1String("track"), QLatin1String("chunk"), QLatin1String("timestamp"), QLatin1String("payload")});
    const int track = r.require(media, QLatin1String("track"), path, JsonType::String);
    if (track >= 0) {
        const JsonReader& json = r.json();
        const JsonNode& trackNode = json.node(track);
        if (json.stringEquals(trackNode, QLatin1String("inbound"))) {
            m.track = MediaTrack::Inbound;
        } else if (json.stringEquals(trackNode, QLatin1String("outbound"))) {
            m.track = MediaTrack::Outbound;
        } else {
            r.fail(MediaError::InvalidValue,
                   QStringLiteral("unknown track \"") + shortened(json.string(trackNode)) +
                       QStringLiteral("\" in 'media.track' (expected inbound or outbound)"));
        }
    }
    r.counter(media, QLatin1String("chunk"), path, m.chunk);
    r.counter(media, QLatin1String("timestamp"), path, m.timestamp);
    readPayload(r, media, path, m.payload);
    r.stringLike(0, QLatin1String("streamSid"), top, options.expectedStreamSid, m.streamSid);
    return finishTwilio(r, std::move(m), options);
}

Result<TwilioMessage> parseDtmf(MessageReader& r, const ParseOptions& options)
{
    DtmfMessage m;
    const QLatin1String top;
    const QLatin1String path("dtmf");
    r.allowOnly(
        0,
        top,
        {QLatin1String("event"), QLatin1String("streamSid"), QLatin1String("sequenceNumber"), QLatin1String("dtmf")});
    r.stringLike(0, QLatin1String("streamSid"), top, options.expectedStreamSid, m.streamSid);
    r.counter(0, QLatin1String("sequenceNumber"), top, m.sequenceNumber);
    const int dtmf = r.require(0, path, top, JsonType::Object);
    r.allowOnly(dtmf, path, {QLatin1String("track"), QLatin1String("digit")});
    // dtmf.track is always "inbound_track"; tolerate its absence.
    if (r.find(dtmf, QLatin1String("track"), path) >= 0)
        r.string(dtmf, QLatin1String("track"), path, m.track);
    r.string(dtmf, QLatin1String("digit"), path, m.digit);
    return finishTwilio(r, std::move(m), options);
}

Result<TwilioMessage> parseTwilioMark(MessageReader& r, const ParseOptions& options)
{
    MarkMessage m;
    const QLatin1String top;
    const QLatin1String path("mark");
    r.allowOnly(
        0,
        top,
        {QLatin1String("event"), QLatin1String("sequenceNumber"), QLatin1String("streamSid"), QLatin1String("mark")});
    r.counter(0, QLatin1String("sequenceNumber"), top, m.sequenceNumber);
    r.stringLike(0, QLatin1String("streamSid"), top, options.expectedStreamSid, m.streamSid);
    const int mark = r.require(0, path, top, JsonType::Object);
    r.allowOnly(mark, path, {QLatin1String("name")});
    r.string(mark, QLatin1String("name"), path, m.name);
    return finishTwilio(r, std::move(m), options);
}

Result<TwilioMessage> parseStop(MessageReader& r, const ParseOptions& options)
{
    StopMessage m;
    const QLatin1String top;
    const QLatin1String path("stop");
    r.allowOnly(
        0,
        top,
        {QLatin1String("event"), QLatin1String("sequenceNumber"), QLatin1String("stop"), QLatin1String("streamSid")});
    r.counter(0, QLatin1String("sequenceNumber"), top, m.sequenceNumber);
    const int stop = r.require(0, path, top, JsonType::Object);
    r.allowOnly(stop, path, {QLatin1String("accountSid"), QLatin1String("callSid")});
    r.string(stop, QLatin1String("accountSid"), path, m.accountSid);
    r.string(stop, QLatin1String("callSid"), path, m.callSid);
    r.stringLike(0, QLatin1String("streamSid"), top, options.expectedStreamSid, m.streamSid);
    return finishTwilio(r, std::move(m), options);
}

// ---- App → Twilio -----------------------------------------------------------------------

Result<AppMessage> finishApp(MessageReader& reader, AppMessage message, const ParseOptions& options)
{
    if (reader.error)
        return *reader.error;
    if (std::optional<Error> mismatch = checkStreamSid(message, options.expectedStreamSid))
        return *mismatch;
    return message;
}

Result<AppMessage> parseAppMedia(MessageReader& r, const ParseOptions& options)
{
    AppMediaMessage m;
    const QLatin1String top;
    const QLatin1String path("media");
    r.allowOnly(0, top, {QLatin1String("event"), QLatin1String("streamSid"), QLatin1String("media")});
    r.stringLike(0, QLatin1String("streamSid"), top, options.expectedStreamSid, m.streamSid);
    const int media = r.require(0, path, top, JsonType::Object);
    r.allowOnly(media, path, {QLatin1String("payload")});
    readPayload(r, media, path, m.payload);
    return finishApp(r, std::move(m), options);
}

Result<AppMessage> parseAppMark(MessageReader& r, const ParseOptions& options)
{
    AppMarkMessage m;
    const QLatin1String top;
    const QLatin1String path("mark");
    r.allowOnly(0, top, {QLatin1String("event"), QLatin1String("streamSid"), QLatin1String("mark")});
    r.stringLike(0, QLatin1String("streamSid"), top, options.expectedStreamSid, m.streamSid);
    const int mark = r.require(0, path, top, JsonType::Object);
    r.allowOnly(mark, path, {QLatin1String("name")});
    r.string(mark, QLatin1String("name"), path, m.name);
    return finishApp(r, std::move(m), options);
}

Result<AppMessage> parseClear(MessageReader& r, const ParseOptions& options)
{
    ClearMessage m;
    const QLatin1String top;
    r.allowOnly(0, top, {QLatin1String("event"), QLatin1String("streamSid")});
    r.stringLike(0, QLatin1String("streamSid"), top, options.expectedStreamSid, m.streamSid);
    return finishApp(r, std::move(m), options);
}

bool rejectUnknown(const ParseOptions& options, bool defaultReject)
{
    switch (options.unknownFields) {
    case ParseOptions::UnknownFields::Ignore:
        return false;
    case ParseOptions::UnknownFields::Reject:
        return true;
    case ParseOptions::UnknownFields::Default:
        break;
    }
    return defaultReject;
}

} // namespace

// =============================================================================================
// Parsing

Result<TwilioMessage> parseTwilioMessage(QByteArrayView utf8, const ParseOptions& options)
{
    JsonReader json(utf8);
    const bool parsed = json.parse();
    int eventIndex = -1;
    if (std::optional<Error> error = detail::readEnvelope(json, utf8, parsed, eventIndex))
        return *error;
    MessageReader reader(json, rejectUnknown(options, false));
    const JsonNode& event = json.node(eventIndex);
    if (json.stringEquals(event, QLatin1String("media")))
        return parseTwilioMedia(reader, options);
    if (json.stringEquals(event, QLatin1String("start")))
        return parseStart(reader, options);
    if (json.stringEquals(event, QLatin1String("connected")))
        return parseConnected(reader, options);
    if (json.stringEquals(event, QLatin1String("mark")))
        return parseTwilioMark(reader, options);
    if (json.stringEquals(event, QLatin1String("dtmf")))
        return parseDtmf(reader, options);
    if (json.stringEquals(event, QLatin1String("stop")))
        return parseStop(reader, options);
    if (json.stringEquals(event, QLatin1String("clear")))
        return unknownEvent(json.string(event), " from Twilio: 'clear' is only sent by the app");
    return unknownEvent(json.string(event), "");
}

Result<TwilioMessage> parseTwilioMessage(QStringView text, const ParseOptions& options)
{
    return parseTwilioMessage(QByteArrayView(text.toUtf8()), options);
}

Result<AppMessage> parseAppMessage(QByteArrayView utf8, const ParseOptions& options)
{
    JsonReader json(utf8);
    const bool parsed = json.parse();
    int eventIndex = -1;
    if (std::optional<Error> error = detail::readEnvelope(json, utf8, parsed, eventIndex))
        return *error;
    MessageReader reader(json, rejectUnknown(options, true));
    const JsonNode& event = json.node(eventIndex);
    if (json.stringEquals(event, QLatin1String("media")))
        return parseAppMedia(reader, options);
    if (json.stringEquals(event, QLatin1String("mark")))
        return parseAppMark(reader, options);
    if (json.stringEquals(event, QLatin1String("clear")))
        return parseClear(reader, options);
    if (json.stringEquals(event, QLatin1String("dtmf")))
        return unknownEvent(json.string(event), " from the app: sending DTMF over a stream is not supported");
    for (const char* twilioOnly : {"connected", "start", "stop"}) {
        if (json.stringEquals(event, QLatin1String(twilioOnly)))
            return unknownEvent(json.string(event), " from the app: it is only sent by Twilio");
    }
    return unknownEvent(json.string(event), "");
}

Result<AppMessage> parseAppMessage(QStringView text, const ParseOptions& options)
{
    return parseAppMessage(QByteArrayView(text.toUtf8()), options);
}

} // namespace sb::twilio
