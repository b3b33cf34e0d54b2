// SPDX-License-Identifier: GPL-3.0-or-later
#include "twilio/MediaMessages.h"

#include "twilio/JsonWriter.h"
#include "twilio/MediaMessageReader.h"

namespace sb::twilio {
namespace {

using detail::JsonWriter;

template <typename... Ts> struct Overloaded : Ts...
{
    using Ts::operator()...;
};
template <typename... Ts> Overloaded(Ts...) -> Overloaded<Ts...>;

} // namespace

// =============================================================================================
// Errors

QString mediaErrorCode(MediaError reason)
{
    switch (reason) {
    case MediaError::InvalidJson:
        return QStringLiteral("media-stream.invalid-json");
    case MediaError::NotAnObject:
        return QStringLiteral("media-stream.not-an-object");
    case MediaError::MissingField:
        return QStringLiteral("media-stream.missing-field");
    case MediaError::WrongType:
        return QStringLiteral("media-stream.wrong-type");
    case MediaError::InvalidValue:
        return QStringLiteral("media-stream.invalid-value");
    case MediaError::UnknownEvent:
        return QStringLiteral("media-stream.unknown-event");
    case MediaError::UnexpectedField:
        return QStringLiteral("media-stream.unexpected-field");
    case MediaError::DuplicateField:
        return QStringLiteral("media-stream.duplicate-field");
    case MediaError::InvalidPayload:
        return QStringLiteral("media-stream.invalid-payload");
    case MediaError::WrongStreamSid:
        return QStringLiteral("media-stream.wrong-stream-sid");
    case MediaError::BinaryFrame:
        return QStringLiteral("media-stream.binary-frame");
    }
    return QString();
}

std::optional<MediaError> mediaErrorFromCode(QStringView code)
{
    constexpr MediaError all[] = {MediaError::InvalidJson,
                                  MediaError::NotAnObject,
                                  MediaError::MissingField,
                                  MediaError::WrongType,
                                  MediaError::InvalidValue,
                                  MediaError::UnknownEvent,
                                  MediaError::UnexpectedField,
                                  MediaError::DuplicateField,
                                  MediaError::InvalidPayload,
                                  MediaError::WrongStreamSid,
                                  MediaError::BinaryFrame};
    for (const MediaError reason : all) {
        if (code == mediaErrorCode(reason))
            return reason;
    }
    return std::nullopt;
}

int twilioErrorCode(MediaError reason)
{
    return reason == MediaError::BinaryFrame ? kTwilioErrorUndecodableMessage : kTwilioErrorInvalidMessage;
}

int twilioErrorCode(const Error& error)
{
    const std::optional<MediaError> reason = mediaErrorFromCode(error.code);
    return reason ? twilioErrorCode(*reason) : 0;
}

Error binaryFrameError()
{
    return detail::mediaError(MediaError::BinaryFrame,
                              QStringLiteral("binary WebSocket frames are not part of the Media Streams protocol; "
                                             "messages must be JSON text frames"));
}

// =============================================================================================
// Messages

QString toWireString(MediaTrack track)
{
    return track == MediaTrack::Inbound ? QStringLiteral("inbound") : QStringLiteral("outbound");
}

std::optional<MediaTrack> mediaTrackFromString(QStringView text)
{
    if (text == QLatin1String("inbound"))
        return MediaTrack::Inbound;
    if (text == QLatin1String("outbound"))
        return MediaTrack::Outbound;
    return std::nullopt;
}

QString StartMessage::customParameter(QStringView name) const
{
    for (const auto& [key, value] : customParameters) {
        if (key == name)
            return value;
    }
    return QString();
}

QString eventName(const TwilioMessage& message)
{
    return std::visit(Overloaded{[](const ConnectedMessage&) { return QStringLiteral("connected"); },
                                 [](const StartMessage&) { return QStringLiteral("start"); },
                                 [](const MediaMessage&) { return QStringLiteral("media"); },
                                 [](const DtmfMessage&) { return QStringLiteral("dtmf"); },
                                 [](const MarkMessage&) { return QStringLiteral("mark"); },
                                 [](const StopMessage&) { return QStringLiteral("stop"); }},
                      message);
}

QString eventName(const AppMessage& message)
{
    return std::visit(Overloaded{[](const AppMediaMessage&) { return QStringLiteral("media"); },
                                 [](const AppMarkMessage&) { return QStringLiteral("mark"); },
                                 [](const ClearMessage&) { return QStringLiteral("clear"); }},
                      message);
}

QString streamSidOf(const TwilioMessage& message)
{
    return std::visit(
        Overloaded{[](const ConnectedMessage&) { return QString(); }, [](const auto& m) { return m.streamSid; }},
        message);
}

QString streamSidOf(const AppMessage& message)
{
    return std::visit([](const auto& m) { return m.streamSid; }, message);
}

std::optional<Error> checkStreamSid(const TwilioMessage& message, QStringView expected)
{
    if (std::holds_alternative<ConnectedMessage>(message))
        return std::nullopt;
    return detail::streamSidMismatch(streamSidOf(message), expected);
}

std::optional<Error> checkStreamSid(const AppMessage& message, QStringView expected)
{
    return detail::streamSidMismatch(streamSidOf(message), expected);
}

// =============================================================================================
// Building

QByteArray toJson(const ConnectedMessage& message)
{
    JsonWriter w(64);
    w.beginObject();
    w.key("event");
    w.latin1(QLatin1String("connected"));
    w.key("protocol");
    w.string(message.protocol);
    w.key("version");
    w.string(message.version);
    w.endObject();
    return w.take();
}

QByteArray toJson(const StartMessage& message)
{
    JsonWriter w(384);
    w.beginObject();
    w.key("event");
    w.latin1(QLatin1String("start"));
    w.key("sequenceNumber");
    w.numericString(message.sequenceNumber);
    w.key("start");
    w.beginObject();
    w.key("accountSid");
    w.string(message.accountSid);
    w.key("streamSid");
    w.string(message.streamSid);
    w.key("callSid");
    w.string(message.callSid);
    w.key("tracks");
    w.beginArray();
    for (const MediaTrack track : message.tracks) {
        w.element();
        w.string(toWireString(track));
    }
    w.endArray();
    w.key("customParameters");
    w.beginObject();
    for (const auto& [name, value] : message.customParameters) {
        w.key(name);
        w.string(value);
    }
    w.endObject();
    w.key("mediaFormat");
    w.beginObject();
    w.key("encoding");
    w.string(message.mediaFormat.encoding);
    w.key("sampleRate");
    w.number(message.mediaFormat.sampleRate);
    w.key("channels");
    w.number(message.mediaFormat.channels);
    w.endObject();
    w.endObject();
    w.key("streamSid");
    w.string(message.streamSid);
    w.endObject();
    return w.take();
}

QByteArray toJson(const MediaMessage& message)
{
    JsonWriter w(160 + (message.payload.size() + 2) / 3 * 4);
    w.beginObject();
    w.key("event");
    w.latin1(QLatin1String("media"));
    w.key("sequenceNumber");
    w.numericString(message.sequenceNumber);
    w.key("media");
    w.beginObject();
    w.key("track");
    w.string(toWireString(message.track));
    w.key("chunk");
    w.numericString(message.chunk);
    w.key("timestamp");
    w.numericString(message.timestamp);
    w.key("payload");
    w.base64(message.payload);
    w.endObject();
    w.key("streamSid");
    w.string(message.streamSid);
    w.endObject();
    return w.take();
}

QByteArray toJson(const DtmfMessage& message)
{
    JsonWriter w(128);
    w.beginObject();
    w.key("event");
    w.latin1(QLatin1String("dtmf"));
    w.key("streamSid");
    w.string(message.streamSid);
    w.key("sequenceNumber");
    w.numericString(message.sequenceNumber);
    w.key("dtmf");
    w.beginObject();
    w.key("track");
    w.string(message.track);
    w.key("digit");
    w.string(message.digit);
    w.endObject();
    w.endObject();
    return w.take();
}

QByteArray toJson(const MarkMessage& message)
{
    JsonWriter w(128 + message.name.size());
    w.beginObject();
    w.key("event");
    w.latin1(QLatin1String("mark"));
    w.key("sequenceNumber");
    w.numericString(message.sequenceNumber);
    w.key("streamSid");
    w.string(message.streamSid);
    w.key("mark");
    w.beginObject();
    w.key("name");
    w.string(message.name);
    w.endObject();
    w.endObject();
    return w.take();
}

QByteArray toJson(const StopMessage& message)
{
    JsonWriter w(192);
    w.beginObject();
    w.key("event");
    w.latin1(QLatin1String("stop"));
    w.key("sequenceNumber");
    w.numericString(message.sequenceNumber);
    w.key("stop");
    w.beginObject();
    w.key("accountSid");
    w.string(message.accountSid);
    w.key("callSid");
    w.string(message.callSid);
    w.endObject();
    w.key("streamSid");
    w.string(message.streamSid);
    w.endObject();
    return w.take();
}

QByteArray toJson(const TwilioMessage& message)
{
    return std::visit([](const auto& m) { return toJson(m); }, message);
}

QByteArray toJson(const AppMediaMessage& message)
{
    JsonWriter w(96 + (message.payload.size() + 2) / 3 * 4);
    w.beginObject();
    w.key("event");
    w.latin1(QLatin1String("media"));
    w.key("streamSid");
    w.string(message.streamSid);
    w.key("media");
    w.beginObject();
    w.key("payload");
    w.base64(message.payload);
    w.endObject();
    w.endObject();
    return w.take();
}

QByteArray toJson(const AppMarkMessage& message)
{
    JsonWriter w(96 + message.name.size());
    w.beginObject();
    w.key("event");
    w.latin1(QLatin1String("mark"));
    w.key("streamSid");
    w.string(message.streamSid);
    w.key("mark");
    w.beginObject();
    w.key("name");
    w.string(message.name);
    w.endObject();
    w.endObject();
    return w.take();
}

QByteArray toJson(const ClearMessage& message)
{
    JsonWriter w(80);
    w.beginObject();
    w.key("event");
    w.latin1(QLatin1String("clear"));
    w.key("streamSid");
    w.string(message.streamSid);
    w.endObject();
    return w.take();
}

QByteArray toJson(const AppMessage& message)
{
    return std::visit([](const auto& m) { return toJson(m); }, message);
}

} // namespace sb::twilio
