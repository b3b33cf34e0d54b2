// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/Result.h"
#include "twilio/Form.h"
#include "twilio/Sid.h"
#include "twilio/TwilioDates.h"

#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <QStringView>
#include <optional>

/// Typed views of the form parameters Twilio sends to webhooks and callbacks
/// (app/twilio/PROTOCOL.md §1.2, §2.3, §4.5, §4.6, §6.1, §6.2, §8), plus the date formats Twilio uses.
///
/// Every request type has a `parse…()` function (FormParams → struct, or an Error naming the
/// offending parameter) and a `toFormParams()` overload (struct → FormParams, what a simulator
/// sends). Parsing is deliberately lenient where Twilio is known to vary:
/// - parameters that are not modelled are kept, in wire order, in the struct's `extra` list
///   (Twilio adds parameters without notice); repeats of a modelled parameter also land there;
/// - optional parameters are `std::optional`; an optional *numeric*, boolean or timestamp parameter
///   sent with an empty value is treated as absent (Twilio sends empty strings for unknown data);
/// - required parameters must be present; values are validated only where the format is documented.
namespace sb::twilio {

// ---------------------------------------------------------------------------------------------
// Error codes

/// `Error::code` when a required parameter is absent. The message names the parameter.
inline constexpr QLatin1String kErrorMissingParameter{"webhook.missing-parameter"};
/// `Error::code` when a parameter is present but malformed (bad SID, unknown enum value, bad number,
/// unparseable timestamp, invalid nested JSON). The message names the parameter and quotes the value.
inline constexpr QLatin1String kErrorInvalidParameter{"webhook.invalid-parameter"};

// ---------------------------------------------------------------------------------------------
// Enumerations. Each has toWireString() (the exact wire text) and a `…FromString()` that returns
// std::nullopt for anything that is not one of the documented values (case-sensitive). The name
// is not toString() on purpose: QTest finds toString() by argument-dependent lookup and expects
// it to return char*.

/// `CallStatus` (§1.2, §2.2).
enum class CallStatus { Queued, Initiated, Ringing, InProgress, Completed, Busy, Failed, NoAnswer, Canceled };
QString toWireString(CallStatus status);
std::optional<CallStatus> callStatusFromString(QStringView text);
/// True for the statuses the `completed` event reports: completed, busy, failed, no-answer, canceled.
bool isTerminal(CallStatus status);

/// `Direction`: `inbound`, `outbound-api` (REST-created), `outbound-dial` (`<Dial>` child leg).
enum class CallDirection { Inbound, OutboundApi, OutboundDial };
QString toWireString(CallDirection direction);
std::optional<CallDirection> callDirectionFromString(QStringView text);

/// `StreamEvent` on stream status callbacks (§4.6).
enum class StreamEvent { Started, Stopped, Error };
QString toWireString(StreamEvent event);
std::optional<StreamEvent> streamEventFromString(QStringView text);

/// `RecordingStatus` on recording status callbacks (§6.2), plus the REST resource's `status`
/// values (§6.3) so the REST stand-in can share the enum.
enum class RecordingStatus { InProgress, Paused, Stopped, Processing, Completed, Absent, Failed, Deleted };
QString toWireString(RecordingStatus status);
std::optional<RecordingStatus> recordingStatusFromString(QStringView text);

/// `TranscriptionEvent` on real-time transcription callbacks (§8).
enum class TranscriptionEvent { Started, Content, Stopped, Error };
QString toWireString(TranscriptionEvent event);
std::optional<TranscriptionEvent> transcriptionEventFromString(QStringView text);

/// `Track` on real-time transcription callbacks: `inbound_track`, `outbound_track`, `both_tracks`.
enum class TranscriptionTrack { Inbound, Outbound, Both };
QString toWireString(TranscriptionTrack track);
std::optional<TranscriptionTrack> transcriptionTrackFromString(QStringView text);

// ---------------------------------------------------------------------------------------------
// Standard call parameters

/// Geographic lookup fields for one party (`<Party>City`, `<Party>State`, `<Party>Zip`,
/// `<Party>Country`); each is only present when Twilio has data, and may be present but empty.
struct GeoInfo
{
    std::optional<QString> city;
    std::optional<QString> state;
    std::optional<QString> zip;
    std::optional<QString> country;

    bool isEmpty() const { return !city && !state && !zip && !country; }
    bool operator==(const GeoInfo&) const = default;
};

/// The standard parameters on every call-processing request: voice webhook, status callbacks,
/// `action` URLs, redirects (§1.2). Defaults are what a simulator's first inbound webhook sends.
struct CallParams
{
    QString callSid;    ///< `CallSid`, required, `CA` + 32 hex
    QString accountSid; ///< `AccountSid`, required, `AC` + 32 hex
    QString from;       ///< `From`, required (E.164, `client:…`, `sip:…`, `anonymous`…; may be empty)
    QString to;         ///< `To`, required (may be empty)
    CallStatus callStatus = CallStatus::Ringing;       ///< `CallStatus`, required
    QString apiVersion = QStringLiteral("2010-04-01"); ///< `ApiVersion`, required, not checked
    CallDirection direction = CallDirection::Inbound;  ///< `Direction`, required
    std::optional<QString> caller;                     ///< `Caller` (= From)
    std::optional<QString> called;                     ///< `Called` (= To)
    std::optional<QString> forwardedFrom;              ///< `ForwardedFrom`
    std::optional<QString> callerName;                 ///< `CallerName`
    std::optional<QString> parentCallSid;              ///< `ParentCallSid`, `CA…` when present
    std::optional<QString> callToken;                  ///< `CallToken`, opaque
    GeoInfo fromGeo;                                   ///< `FromCity`, `FromState`, `FromZip`, `FromCountry`
    GeoInfo toGeo;                                     ///< `ToCity`…
    GeoInfo callerGeo;                                 ///< `CallerCity`…
    GeoInfo calledGeo;                                 ///< `CalledCity`…

    bool operator==(const CallParams&) const = default;
};

// ---------------------------------------------------------------------------------------------
// Request types

/// A voice webhook request (incoming call → VoiceUrl, and `<Redirect>` targets), §1.2. Also used
/// for `VoiceFallbackUrl` requests, which add `ErrorCode`/`ErrorUrl` (§1.4).
struct VoiceRequest
{
    CallParams call;
    std::optional<int> errorCode;    ///< `ErrorCode` (fallback requests only)
    std::optional<QString> errorUrl; ///< `ErrorUrl` (fallback requests only)
    FormParams extra;                ///< every other parameter, in wire order

    bool operator==(const VoiceRequest&) const = default;
};

/// A call status callback (§2.3). `Timestamp`, `CallbackSource` and `SequenceNumber` are optional
/// because number-level StatusCallbacks (§2.1) are not documented to carry them.
struct CallStatusCallback
{
    CallParams call;
    std::optional<QDateTime> timestamp;      ///< `Timestamp`, RFC 2822, UTC, whole seconds
    std::optional<QString> callbackSource;   ///< `CallbackSource`, normally `call-progress-events`
    std::optional<qint64> sequenceNumber;    ///< `SequenceNumber`, 0, 1, 2… per call
    std::optional<qint64> callDuration;      ///< `CallDuration`, seconds (terminal events)
    std::optional<qint64> duration;          ///< `Duration`, billed **minutes** (completed only)
    std::optional<int> sipResponseCode;      ///< `SipResponseCode`, 100..699 (terminal events)
    std::optional<QString> recordingUrl;     ///< `RecordingUrl` (calls created with Record=true)
    std::optional<QString> recordingSid;     ///< `RecordingSid`, `RE…` when present
    std::optional<qint64> recordingDuration; ///< `RecordingDuration`, seconds
    std::optional<QString> stirStatus;       ///< `StirStatus`, `A`/`B`/`C`
    FormParams extra;

    bool operator==(const CallStatusCallback&) const = default;
};

/// The request to a `<Record action>` URL (§6.1).
struct RecordActionRequest
{
    CallParams call;
    QString recordingUrl;                    ///< `RecordingUrl`, required (no extension)
    std::optional<qint64> recordingDuration; ///< `RecordingDuration`, seconds, pre-trim
    std::optional<QString> digits;           ///< `Digits`: the key that ended it, or `hangup`
    std::optional<QString> recordingSid;     ///< `RecordingSid` (undocumented; `RE…` when present)
    FormParams extra;

    /// True when `Digits` is `hangup`, i.e. the caller hung up during the recording.
    bool endedByHangup() const { return digits && *digits == QLatin1String("hangup"); }
    bool operator==(const RecordActionRequest&) const = default;
};

/// The request to a `<Gather action>` URL (§4.5).
struct GatherActionRequest
{
    CallParams call;
    std::optional<QString> digits;       ///< `Digits`, without the finish key
    std::optional<QString> speechResult; ///< `SpeechResult`
    std::optional<double> confidence;    ///< `Confidence`, 0.0..1.0
    FormParams extra;

    bool operator==(const GatherActionRequest&) const = default;
};

/// A `recordingStatusCallback` request (§6.2). Standard call parameters, if Twilio sends them,
/// end up in `extra`.
struct RecordingStatusCallback
{
    QString accountSid;                                  ///< `AccountSid`, required
    QString callSid;                                     ///< `CallSid`, required (parent leg on two-leg calls)
    QString recordingSid;                                ///< `RecordingSid`, required, `RE…`
    RecordingStatus status = RecordingStatus::Completed; ///< `RecordingStatus`, required
    std::optional<QString> recordingUrl;                 ///< `RecordingUrl` (no extension)
    std::optional<qint64> recordingDuration;             ///< `RecordingDuration`, seconds
    std::optional<int> recordingChannels;                ///< `RecordingChannels`, 1 or 2
    std::optional<QString> recordingSource;              ///< `RecordingSource`, e.g. `RecordVerb`
    std::optional<QString> recordingStartTime;           ///< `RecordingStartTime`, raw (format unconfirmed)
    std::optional<QString> recordingTrack;               ///< `RecordingTrack`: inbound/outbound/both
    std::optional<int> errorCode;                        ///< `ErrorCode` (absent/failed recordings)
    FormParams extra;

    /// `recordingStartTime` read as RFC 2822, else ISO 8601; nullopt when absent or unreadable.
    std::optional<QDateTime> recordingStartDateTime() const;
    bool operator==(const RecordingStatusCallback&) const = default;
};

/// A `<Stream statusCallback>` request (§4.6).
struct StreamStatusCallback
{
    QString accountSid;                       ///< `AccountSid`, required
    QString callSid;                          ///< `CallSid`, required
    QString streamSid;                        ///< `StreamSid`, required, non-empty; format not checked (may be a UUID)
    StreamEvent event = StreamEvent::Started; ///< `StreamEvent`, required
    std::optional<QString> streamName;        ///< `StreamName` (defaults to the StreamSid at Twilio)
    std::optional<QString> streamError;       ///< `StreamError` (stream-error only)
    std::optional<QDateTime> timestamp;       ///< `Timestamp`, ISO 8601 (milliseconds kept)
    FormParams extra;

    bool operator==(const StreamStatusCallback&) const = default;
};

/// The JSON object carried as a string in `TranscriptionData` (§8).
struct TranscriptionData
{
    QString transcript;               ///< `transcript`, required string
    std::optional<double> confidence; ///< `confidence` (only when partialResults=false)
    QJsonObject other;                ///< any other members, kept as received

    bool operator==(const TranscriptionData&) const = default;
};

/// Parses the `TranscriptionData` JSON text. `confidence` may be a number or a numeric string.
/// Errors carry kErrorInvalidParameter and mention `TranscriptionData`.
Result<TranscriptionData> parseTranscriptionData(QStringView json);

/// Compact JSON for `TranscriptionData`, members in Twilio's order: transcript, confidence, others.
QString toJsonString(const TranscriptionData& data);

/// A real-time transcription `statusCallbackUrl` request (§8). Members are grouped by the event
/// that carries them; the parser accepts any of them on any event.
struct TranscriptionCallback
{
    QString accountSid;                                     ///< `AccountSid`, required
    QString callSid;                                        ///< `CallSid`, required
    QString transcriptionSid;                               ///< `TranscriptionSid`, required, `GT…`
    TranscriptionEvent event = TranscriptionEvent::Content; ///< `TranscriptionEvent`, required
    std::optional<QDateTime> timestamp;                     ///< `Timestamp`, ISO 8601
    std::optional<qint64> sequenceId;                       ///< `SequenceId`

    // transcription-started (track and languageCode also on transcription-content)
    std::optional<QString> providerConfiguration; ///< `ProviderConfiguration`, raw JSON text
    std::optional<QString> transcriptionEngine;   ///< `TranscriptionEngine`: google/deepgram
    std::optional<QString> name;                  ///< `Name`
    std::optional<TranscriptionTrack> track;      ///< `Track`
    std::optional<QString> inboundTrackLabel;     ///< `InboundTrackLabel`
    std::optional<QString> outboundTrackLabel;    ///< `OutboundTrackLabel`
    std::optional<bool> partialResults;           ///< `PartialResults`
    std::optional<QString> languageCode;          ///< `LanguageCode`

    // transcription-content
    std::optional<TranscriptionData> data;            ///< `TranscriptionData` (required on content)
    std::optional<bool> isFinal;                      ///< `Final`
    std::optional<double> stability;                  ///< `Stability`, 0.0..1.0
    std::optional<QString> transcriptionProviderData; ///< `TranscriptionProviderData`, raw JSON text

    // transcription-error
    std::optional<int> errorCode;        ///< `TranscriptionErrorCode`, e.g. 32655
    std::optional<QString> errorMessage; ///< `TranscriptionError`, e.g. `Provider Unavailable`

    FormParams extra;

    bool operator==(const TranscriptionCallback&) const = default;
};

// ---------------------------------------------------------------------------------------------
// Parsing (FormParams → struct). Errors: kErrorMissingParameter / kErrorInvalidParameter, with the
// parameter name in the message. Only the first problem is reported.

/// Reads the standard call parameters only; everything else is ignored.
Result<CallParams> parseCallParams(const FormParams& params);
Result<VoiceRequest> parseVoiceRequest(const FormParams& params);
Result<CallStatusCallback> parseCallStatusCallback(const FormParams& params);
Result<RecordActionRequest> parseRecordActionRequest(const FormParams& params);
Result<GatherActionRequest> parseGatherActionRequest(const FormParams& params);
Result<RecordingStatusCallback> parseRecordingStatusCallback(const FormParams& params);
Result<StreamStatusCallback> parseStreamStatusCallback(const FormParams& params);
Result<TranscriptionCallback> parseTranscriptionCallback(const FormParams& params);

// ---------------------------------------------------------------------------------------------
// Building (struct → FormParams). Modelled parameters come first, sorted by name (as Twilio's
// example bodies are), followed by `extra` in its own order. Absent optionals are omitted; empty
// present optionals are sent as `Name=`. Timestamps use the format of the request type (RFC 2822
// for call status callbacks, ISO 8601 with 6 fraction digits for stream callbacks and 3 for
// transcription callbacks).

FormParams toFormParams(const CallParams& call);
FormParams toFormParams(const VoiceRequest& request);
FormParams toFormParams(const CallStatusCallback& callback);
FormParams toFormParams(const RecordActionRequest& request);
FormParams toFormParams(const GatherActionRequest& request);
FormParams toFormParams(const RecordingStatusCallback& callback);
FormParams toFormParams(const StreamStatusCallback& callback);
FormParams toFormParams(const TranscriptionCallback& callback);

} // namespace sb::twilio
