// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/Result.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringView>
#include <optional>
#include <variant>

/// Media Streams WebSocket message codec (app/twilio/PROTOCOL.md §5): typed messages for both
/// directions, a parser for one text frame, and a serialiser that writes compact JSON with the
/// members in the order of Twilio's captured traffic.
///
/// Parsing uses a small built-in JSON reader that keeps member order, detects duplicate keys,
/// validates UTF-8, limits nesting, and decodes the base64 payload straight from the frame bytes.
/// Parsing a media frame allocates once (the audio) when the streamSid matches
/// ParseOptions::expectedStreamSid, whose string is then shared, and twice otherwise.
namespace sb::twilio {

// ---------------------------------------------------------------------------------------------
// Errors

/// Twilio's warning for a binary WebSocket frame (§9): "undecodable message", once per stream.
inline constexpr int kTwilioErrorUndecodableMessage = 31950;
/// Twilio's warning for an invalid text message (§9): bad JSON, unknown event, missing or extra
/// field, wrong streamSid — once per stream.
inline constexpr int kTwilioErrorInvalidMessage = 31951;

/// Why a frame was rejected. Each reason has a stable `Error::code` (mediaErrorCode()) and maps to
/// a Twilio error number (twilioErrorCode()).
enum class MediaError {
    InvalidJson,     ///< not JSON: syntax error, invalid UTF-8, nesting too deep, empty frame
    NotAnObject,     ///< valid JSON whose top level is not an object
    MissingField,    ///< a required member is absent
    WrongType,       ///< wrong JSON type (null included), or a malformed/out-of-range numeric string
    InvalidValue,    ///< a member has the right type but a value outside the protocol (unknown track…)
    UnknownEvent,    ///< `event` is not one this direction of the protocol uses
    UnexpectedField, ///< a member the protocol does not define (only with UnknownFields::Reject)
    DuplicateField,  ///< the same member name twice in one object
    InvalidPayload,  ///< `media.payload` is not valid base64
    WrongStreamSid,  ///< `streamSid` differs from ParseOptions::expectedStreamSid
    BinaryFrame,     ///< a binary WebSocket frame (see binaryFrameError())
};

/// The stable `Error::code` string for a reason, e.g. `media-stream.missing-field`.
QString mediaErrorCode(MediaError reason);
/// The reason behind an `Error::code` produced by this codec, or nullopt for any other code.
std::optional<MediaError> mediaErrorFromCode(QStringView code);
/// 31950 for BinaryFrame, 31951 for every other reason.
int twilioErrorCode(MediaError reason);
/// twilioErrorCode() of an Error produced by this codec; 0 when the error is not from this codec.
int twilioErrorCode(const Error& error);
/// The Error a server reports when it receives a binary frame (maps to 31950).
Error binaryFrameError();

// ---------------------------------------------------------------------------------------------
// Messages

/// `media.track` and the entries of `start.tracks`.
enum class MediaTrack { Inbound, Outbound };
QString toWireString(MediaTrack track);
std::optional<MediaTrack> mediaTrackFromString(QStringView text);

/// `start.customParameters`: the `<Parameter>` name/value pairs, in message order.
using CustomParameters = QList<QPair<QString, QString>>;

/// `start.mediaFormat`. Twilio always sends these three values.
struct MediaFormat
{
    QString encoding = QStringLiteral("audio/x-mulaw");
    int sampleRate = 8000;
    int channels = 1;

    bool operator==(const MediaFormat&) const = default;
};

/// Twilio → app: the first frame; carries no streamSid or sequenceNumber.
struct ConnectedMessage
{
    QString protocol = QStringLiteral("Call");
    QString version = QStringLiteral("1.0.0");

    bool operator==(const ConnectedMessage&) const = default;
};

/// Twilio → app: stream metadata, once, right after `connected`. The top-level `streamSid` and
/// `start.streamSid` must agree; both are written from `streamSid`.
struct StartMessage
{
    qint64 sequenceNumber = 1;
    QString streamSid;
    QString accountSid;
    QString callSid;
    QList<MediaTrack> tracks{MediaTrack::Inbound};
    CustomParameters customParameters; ///< empty when the message had `{}`, null or no member
    MediaFormat mediaFormat;

    /// The value of a custom parameter, or a null QString when absent.
    QString customParameter(QStringView name) const;
    bool operator==(const StartMessage&) const = default;
};

/// Twilio → app: one chunk of call audio.
struct MediaMessage
{
    qint64 sequenceNumber = 0;
    QString streamSid;
    MediaTrack track = MediaTrack::Inbound;
    qint64 chunk = 1;     ///< `media.chunk`, from 1
    qint64 timestamp = 0; ///< `media.timestamp`, milliseconds since the stream started
    QByteArray payload;   ///< raw G.711 µ-law bytes (any length; 160 = 20 ms in captured traffic)

    /// Audio duration at 8000 bytes/s, in milliseconds (rounded down).
    qint64 durationMs() const { return payload.size() / 8; }
    bool operator==(const MediaMessage&) const = default;
};

/// Twilio → app: a key press (bidirectional streams only).
struct DtmfMessage
{
    qint64 sequenceNumber = 0;
    QString streamSid;
    QString track = QStringLiteral("inbound_track"); ///< always `inbound_track` in Twilio's traffic
    QString digit;                                   ///< `0-9`, `*`, `#` (not validated)

    bool operator==(const DtmfMessage&) const = default;
};

/// Twilio → app: echo of a mark the app sent, once the audio queued before it has played (or was
/// cleared).
struct MarkMessage
{
    qint64 sequenceNumber = 0;
    QString streamSid;
    QString name;

    bool operator==(const MarkMessage&) const = default;
};

/// Twilio → app: the stream ended.
struct StopMessage
{
    qint64 sequenceNumber = 0;
    QString streamSid;
    QString accountSid;
    QString callSid;

    bool operator==(const StopMessage&) const = default;
};

/// Any message Twilio sends.
using TwilioMessage = std::variant<ConnectedMessage, StartMessage, MediaMessage, DtmfMessage, MarkMessage, StopMessage>;

/// App → Twilio: audio to play (µ-law 8 kHz, no header), queued and played in order.
struct AppMediaMessage
{
    QString streamSid;
    QByteArray payload; ///< raw µ-law bytes

    bool operator==(const AppMediaMessage&) const = default;
};

/// App → Twilio: a named marker in the playback queue.
struct AppMarkMessage
{
    QString streamSid;
    QString name;

    bool operator==(const AppMarkMessage&) const = default;
};

/// App → Twilio: drop all queued audio; pending marks are echoed immediately.
struct ClearMessage
{
    QString streamSid;

    bool operator==(const ClearMessage&) const = default;
};

/// Any message the app sends.
using AppMessage = std::variant<AppMediaMessage, AppMarkMessage, ClearMessage>;

/// The wire `event` name of a message (`connected`, `start`, `media`, `dtmf`, `mark`, `stop`,
/// `clear`).
QString eventName(const TwilioMessage& message);
QString eventName(const AppMessage& message);

/// The message's streamSid (a null QString for `connected`).
QString streamSidOf(const TwilioMessage& message);
QString streamSidOf(const AppMessage& message);

// ---------------------------------------------------------------------------------------------
// Parsing

/// Options for parseTwilioMessage() and parseAppMessage().
struct ParseOptions
{
    /// What to do with members the protocol does not define.
    enum class UnknownFields {
        Default, ///< ignore them in Twilio's messages (Twilio may add some); reject them in the app's (Twilio does)
        Ignore,
        Reject,
    };

    /// When not empty, a message whose `streamSid` differs is rejected with WrongStreamSid (31951).
    /// Messages without a streamSid (`connected`) are not affected.
    QString expectedStreamSid;
    UnknownFields unknownFields = UnknownFields::Default;
};

/// Parses one text frame sent by Twilio (what the app's server receives). Numeric members
/// (`sequenceNumber`, `chunk`, `timestamp`) must be strings of 1..18 ASCII digits;
/// `mediaFormat.sampleRate`/`channels` must be JSON integers. `customParameters` may be absent,
/// null or an object whose values are strings (numbers and booleans are converted to their JSON
/// text; nested objects, arrays and null are rejected). Never throws or crashes on any input.
Result<TwilioMessage> parseTwilioMessage(QByteArrayView utf8, const ParseOptions& options = {});
Result<TwilioMessage> parseTwilioMessage(QStringView text, const ParseOptions& options = {});

/// Parses one text frame sent by the app (what Twilio — or the simulator — receives).
Result<AppMessage> parseAppMessage(QByteArrayView utf8, const ParseOptions& options = {});
Result<AppMessage> parseAppMessage(QStringView text, const ParseOptions& options = {});

/// An Error (WrongStreamSid) when `message`'s streamSid is not `expected`; nullopt when it matches
/// or the message carries no streamSid.
std::optional<Error> checkStreamSid(const TwilioMessage& message, QStringView expected);
std::optional<Error> checkStreamSid(const AppMessage& message, QStringView expected);

// ---------------------------------------------------------------------------------------------
// Building: compact JSON, members in the order of Twilio's captured messages (§5.2, §5.3).

QByteArray toJson(const ConnectedMessage& message);
QByteArray toJson(const StartMessage& message);
QByteArray toJson(const MediaMessage& message);
QByteArray toJson(const DtmfMessage& message);
QByteArray toJson(const MarkMessage& message);
QByteArray toJson(const StopMessage& message);
QByteArray toJson(const TwilioMessage& message);
QByteArray toJson(const AppMediaMessage& message);
QByteArray toJson(const AppMarkMessage& message);
QByteArray toJson(const ClearMessage& message);
QByteArray toJson(const AppMessage& message);

// ---------------------------------------------------------------------------------------------
// Base64 payload helpers (standard alphabet, as Twilio uses).

/// Decodes `base64` into `out`, reusing `out`'s capacity (no allocation once it is large enough,
/// e.g. when one buffer is reused for every frame of a call). Padding is optional; whitespace,
/// the URL-safe alphabet and misplaced `=` are rejected. On failure `out` is left empty and
/// `reason` (if given) says what is wrong.
bool decodeBase64Payload(QByteArrayView base64, QByteArray& out, QString* reason = nullptr);

/// The number of bytes decodeBase64Payload() produces for valid input of this length/padding.
qsizetype base64DecodedSize(QByteArrayView base64);

/// Standard padded base64.
QByteArray encodeBase64Payload(QByteArrayView raw);

} // namespace sb::twilio
