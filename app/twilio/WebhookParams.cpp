// SPDX-License-Identifier: GPL-3.0-or-later
#include "twilio/WebhookParams.h"

#include "twilio/WebhookText.h"

#include <QJsonDocument>
#include <QJsonParseError>
#include <QJsonValue>
#include <QList>
#include <QLocale>
#include <QVarLengthArray>
#include <algorithm>
#include <cmath>
#include <cstddef>

namespace sb::twilio {
namespace {

using detail::isAsciiDigit;
using detail::quoted;

// ---------------------------------------------------------------------------------------------
// Enum tables

template <typename E> struct EnumEntry
{
    E value;
    QLatin1String text;
};

constexpr EnumEntry<CallStatus> kCallStatuses[] = {
    {CallStatus::Queued, QLatin1String("queued")},
    {CallStatus::Initiated, QLatin1String("initiated")},
    {CallStatus::Ringing, QLatin1String("ringing")},
    {CallStatus::InProgress, QLatin1String("in-progress")},
    {CallStatus::Completed, QLatin1String("completed")},
    {CallStatus::Busy, QLatin1String("busy")},
    {CallStatus::Failed, QLatin1String("failed")},
    {CallStatus::NoAnswer, QLatin1String("no-answer")},
    {CallStatus::Canceled, QLatin1String("canceled")},
};

constexpr EnumEntry<CallDirection> kCallDirections[] = {
    {CallDirection::Inbound, QLatin1String("inbound")},
    {CallDirection::OutboundApi, QLatin1String("outbound-api")},
    {CallDirection::OutboundDial, QLatin1String("outbound-dial")},
};

constexpr EnumEntry<StreamEvent> kStreamEvents[] = {
    {StreamEvent::Started, QLatin1String("stream-started")},
    {StreamEvent::Stopped, QLatin1String("stream-stopped")},
    {StreamEvent::Error, QLatin1String("stream-error")},
};

constexpr EnumEntry<RecordingStatus> kRecordingStatuses[] = {
    {RecordingStatus::InProgress, QLatin1String("in-progress")},
    {RecordingStatus::Paused, QLatin1String("paused")},
    {RecordingStatus::Stopped, QLatin1String("stopped")},
    {RecordingStatus::Processing, QLatin1String("processing")},
    {RecordingStatus::Completed, QLatin1String("completed")},
    {RecordingStatus::Absent, QLatin1String("absent")},
    {RecordingStatus::Failed, QLatin1String("failed")},
    {RecordingStatus::Deleted, QLatin1String("deleted")},
};

constexpr EnumEntry<TranscriptionEvent> kTranscriptionEvents[] = {
    {TranscriptionEvent::Started, QLatin1String("transcription-started")},
    {TranscriptionEvent::Content, QLatin1String("transcription-content")},
    {TranscriptionEvent::Stopped, QLatin1String("transcription-stopped")},
    {TranscriptionEvent::Error, QLatin1String("transcription-error")},
};

constexpr EnumEntry<TranscriptionTrack> kTranscriptionTracks[] = {
    {TranscriptionTrack::Inbound, QLatin1String("inbound_track")},
    {TranscriptionTrack::Outbound, QLatin1String("outbound_track")},
    {TranscriptionTrack::Both, QLatin1String("both_tracks")},
};

template <typename E, std::size_t N> QString enumToString(const EnumEntry<E> (&table)[N], E value)
{
    for (const EnumEntry<E>& entry : table) {
        if (entry.value == value)
            return QString(entry.text);
    }
    return QString();
}

template <typename E, std::size_t N> std::optional<E> enumFromString(const EnumEntry<E> (&table)[N], QStringView text)
{
    for (const EnumEntry<E>& entry : table) {
        if (text == entry.text)
            return entry.value;
    }
    return std::nullopt;
}

template <typename E, std::size_t N> QString enumChoices(const EnumEntry<E> (&table)[N])
{
    QString out;
    for (const EnumEntry<E>& entry : table) {
        if (!out.isEmpty())
            out += QStringLiteral(", ");
        out += entry.text;
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// Small scalar parsers

/// Strict decimal integer: optional '-', 1..18 ASCII digits, nothing else (no spaces, no '+').
bool parseInteger(QStringView text, qint64& out)
{
    qsizetype i = 0;
    bool negative = false;
    if (!text.isEmpty() && text.front() == QLatin1Char('-')) {
        negative = true;
        i = 1;
    }
    const qsizetype digits = text.size() - i;
    if (digits < 1 || digits > 18)
        return false;
    qint64 value = 0;
    for (; i < text.size(); ++i) {
        if (!isAsciiDigit(text.at(i)))
            return false;
        value = value * 10 + (text.at(i).unicode() - u'0');
    }
    out = negative ? -value : value;
    return true;
}

/// Strict decimal number: ASCII digits, sign, '.', exponent only; must be finite.
bool parseNumber(QStringView text, double& out)
{
    if (text.isEmpty() || text.size() > 64)
        return false;
    bool sawDigit = false;
    for (const QChar c : text) {
        const char16_t u = c.unicode();
        if (isAsciiDigit(c))
            sawDigit = true;
        else if (u != u'.' && u != u'-' && u != u'+' && u != u'e' && u != u'E')
            return false;
    }
    if (!sawDigit)
        return false;
    bool ok = false;
    const double value = text.toDouble(&ok);
    if (!ok || !std::isfinite(value))
        return false;
    out = value;
    return true;
}

// ---------------------------------------------------------------------------------------------
// Parameter reader: takes parameters by name, validates them, records the first error and
// remembers which entries were consumed so the rest can be kept in `extra`.

class ParamReader
{
public:
    explicit ParamReader(const FormParams& params)
        : m_params(params)
        , m_used(params.size(), false)
    {
    }

    bool failed() const { return m_error.has_value(); }
    const Error& error() const { return *m_error; }

    /// The first occurrence of `name` (later repeats stay in rest()).
    std::optional<QString> optional(const QString& name)
    {
        for (qsizetype i = 0; i < m_params.size(); ++i) {
            if (!m_used[i] && m_params[i].first == name) {
                m_used[i] = true;
                return m_params[i].second;
            }
        }
        return std::nullopt;
    }

    QString required(const QString& name)
    {
        std::optional<QString> value = optional(name);
        if (!value) {
            missing(name);
            return QString();
        }
        return *value;
    }

    QString requiredNonEmpty(const QString& name)
    {
        const std::optional<QString> value = optional(name);
        if (!value)
            missing(name);
        else if (value->isEmpty())
            invalid(name, *value, QStringLiteral("must not be empty"));
        return value.value_or(QString());
    }

    QString requiredSid(const QString& name, QLatin1String prefix)
    {
        const std::optional<QString> value = optional(name);
        if (!value) {
            missing(name);
            return QString();
        }
        checkSid(name, *value, prefix);
        return *value;
    }

    std::optional<QString> optionalSid(const QString& name, QLatin1String prefix)
    {
        std::optional<QString> value = optional(name);
        if (value)
            checkSid(name, *value, prefix);
        return value;
    }

    template <typename E, std::size_t N> E requiredEnum(const QString& name, const EnumEntry<E> (&table)[N], E fallback)
    {
        const std::optional<QString> value = optional(name);
        if (!value) {
            missing(name);
            return fallback;
        }
        return checkEnum(name, *value, table).value_or(fallback);
    }

    template <typename E, std::size_t N>
    std::optional<E> optionalEnum(const QString& name, const EnumEntry<E> (&table)[N])
    {
        const std::optional<QString> value = optional(name);
        if (!value || value->isEmpty())
            return std::nullopt;
        return checkEnum(name, *value, table);
    }

    std::optional<qint64> optionalInteger(const QString& name, qint64 min, qint64 max)
    {
        const std::optional<QString> value = optional(name);
        if (!value || value->isEmpty())
            return std::nullopt;
        qint64 number = 0;
        if (!parseInteger(*value, number)) {
            invalid(name, *value, QStringLiteral("is not an integer"));
            return std::nullopt;
        }
        if (number < min || number > max) {
            invalid(name,
                    *value,
                    QStringLiteral("is out of range (%1..%2)").arg(QString::number(min), QString::number(max)));
            return std::nullopt;
        }
        return number;
    }

    std::optional<int> optionalInt(const QString& name, int min, int max)
    {
        const std::optional<qint64> value = optionalInteger(name, min, max);
        if (!value)
            return std::nullopt;
        return static_cast<int>(*value);
    }

    std::optional<double> optionalFraction(const QString& name)
    {
        const std::optional<QString> value = optional(name);
        if (!value || value->isEmpty())
            return std::nullopt;
        double number = 0;
        if (!parseNumber(*value, number)) {
            invalid(name, *value, QStringLiteral("is not a number"));
            return std::nullopt;
        }
        if (number < 0.0 || number > 1.0) {
            invalid(name, *value, QStringLiteral("is out of range (0.0..1.0)"));
            return std::nullopt;
        }
        return number;
    }

    std::optional<bool> optionalBool(const QString& name)
    {
        const std::optional<QString> value = optional(name);
        if (!value || value->isEmpty())
            return std::nullopt;
        if (value->compare(QLatin1String("true"), Qt::CaseInsensitive) == 0)
            return true;
        if (value->compare(QLatin1String("false"), Qt::CaseInsensitive) == 0)
            return false;
        invalid(name, *value, QStringLiteral("is not a boolean (expected true or false)"));
        return std::nullopt;
    }

    std::optional<QDateTime> optionalDate(const QString& name, Result<QDateTime> (*parse)(QStringView))
    {
        const std::optional<QString> value = optional(name);
        if (!value || value->isEmpty())
            return std::nullopt;
        Result<QDateTime> parsed = parse(*value);
        if (!parsed.ok()) {
            fail(makeError(QString(kErrorInvalidParameter),
                           QStringLiteral("parameter '") + name + QStringLiteral("': ") + parsed.error().message));
            return std::nullopt;
        }
        return parsed.value();
    }

    std::optional<TranscriptionData> optionalTranscriptionData(const QString& name, bool isRequired)
    {
        const std::optional<QString> value = optional(name);
        if (!value) {
            if (isRequired)
                missing(name);
            return std::nullopt;
        }
        Result<TranscriptionData> parsed = parseTranscriptionData(*value);
        if (!parsed.ok()) {
            fail(parsed.error());
            return std::nullopt;
        }
        return std::move(parsed).value();
    }

    /// Everything not consumed, in wire order.
    FormParams rest() const
    {
        FormParams out;
        for (qsizetype i = 0; i < m_params.size(); ++i) {
            if (!m_used[i])
                out.append(m_params[i]);
        }
        return out;
    }

    void fail(Error error)
    {
        if (!m_error)
            m_error = std::move(error);
    }

    void missing(const QString& name)
    {
        fail(makeError(QString(kErrorMissingParameter),
                       QStringLiteral("missing required parameter '") + name + QLatin1Char('\'')));
    }

    void invalid(const QString& name, QStringView value, const QString& why)
    {
        fail(makeError(QString(kErrorInvalidParameter),
                       QStringLiteral("parameter '") + name + QStringLiteral("' has an invalid value ") +
                           quoted(value) + QStringLiteral(": ") + why));
    }

private:
    void checkSid(const QString& name, const QString& value, QLatin1String prefix)
    {
        if (!isValidSid(value, prefix))
            invalid(name, value, QStringLiteral("expected '") + prefix + QStringLiteral("' followed by 32 hex digits"));
    }

    template <typename E, std::size_t N>
    std::optional<E> checkEnum(const QString& name, const QString& value, const EnumEntry<E> (&table)[N])
    {
        const std::optional<E> parsed = enumFromString(table, value);
        if (!parsed)
            invalid(name, value, QStringLiteral("expected one of ") + enumChoices(table));
        return parsed;
    }

    const FormParams& m_params;
    QList<bool> m_used;
    std::optional<Error> m_error;
};

void readGeo(ParamReader& reader, QLatin1String party, GeoInfo& geo)
{
    geo.city = reader.optional(party + QStringLiteral("City"));
    geo.state = reader.optional(party + QStringLiteral("State"));
    geo.zip = reader.optional(party + QStringLiteral("Zip"));
    geo.country = reader.optional(party + QStringLiteral("Country"));
}

void readCallParams(ParamReader& reader, CallParams& call)
{
    call.callSid = reader.requiredSid(QStringLiteral("CallSid"), QLatin1String("CA"));
    call.accountSid = reader.requiredSid(QStringLiteral("AccountSid"), QLatin1String("AC"));
    call.from = reader.required(QStringLiteral("From"));
    call.to = reader.required(QStringLiteral("To"));
    call.callStatus = reader.requiredEnum(QStringLiteral("CallStatus"), kCallStatuses, CallStatus::Ringing);
    call.apiVersion = reader.required(QStringLiteral("ApiVersion"));
    call.direction = reader.requiredEnum(QStringLiteral("Direction"), kCallDirections, CallDirection::Inbound);
    call.caller = reader.optional(QStringLiteral("Caller"));
    call.called = reader.optional(QStringLiteral("Called"));
    call.forwardedFrom = reader.optional(QStringLiteral("ForwardedFrom"));
    call.callerName = reader.optional(QStringLiteral("CallerName"));
    call.parentCallSid = reader.optionalSid(QStringLiteral("ParentCallSid"), QLatin1String("CA"));
    call.callToken = reader.optional(QStringLiteral("CallToken"));
    readGeo(reader, QLatin1String("From"), call.fromGeo);
    readGeo(reader, QLatin1String("To"), call.toGeo);
    readGeo(reader, QLatin1String("Caller"), call.callerGeo);
    readGeo(reader, QLatin1String("Called"), call.calledGeo);
}

constexpr qint64 kMaxCount = 999'999'999'999'999'999LL; // 18 digits, what parseInteger accepts

} // namespace

// ---------------------------------------------------------------------------------------------
// Enums

QString toWireString(CallStatus status)
{
    return enumToString(kCallStatuses, status);
}

std::optional<CallStatus> callStatusFromString(QStringView text)
{
    return enumFromString(kCallStatuses, text);
}

bool isTerminal(CallStatus status)
{
    switch (status) {
    case CallStatus::Completed:
    case CallStatus::Busy:
    case CallStatus::Failed:
    case CallStatus::NoAnswer:
    case CallStatus::Canceled:
        return true;
    case CallStatus::Queued:
    case CallStatus::Initiated:
    case CallStatus::Ringing:
    case CallStatus::InProgress:
        return false;
    }
    return false;
}

QString toWireString(CallDirection direction)
{
    return enumToString(kCallDirections, direction);
}

std::optional<CallDirection> callDirectionFromString(QStringView text)
{
    return enumFromString(kCallDirections, text);
}

QString toWireString(StreamEvent event)
{
    return enumToString(kStreamEvents, event);
}

std::optional<StreamEvent> streamEventFromString(QStringView text)
{
    return enumFromString(kStreamEvents, text);
}

QString toWireString(RecordingStatus status)
{
    return enumToString(kRecordingStatuses, status);
}

std::optional<RecordingStatus> recordingStatusFromString(QStringView text)
{
    return enumFromString(kRecordingStatuses, text);
}

QString toWireString(TranscriptionEvent event)
{
    return enumToString(kTranscriptionEvents, event);
}

std::optional<TranscriptionEvent> transcriptionEventFromString(QStringView text)
{
    return enumFromString(kTranscriptionEvents, text);
}

QString toWireString(TranscriptionTrack track)
{
    return enumToString(kTranscriptionTracks, track);
}

std::optional<TranscriptionTrack> transcriptionTrackFromString(QStringView text)
{
    return enumFromString(kTranscriptionTracks, text);
}

// ---------------------------------------------------------------------------------------------
// TranscriptionData

Result<TranscriptionData> parseTranscriptionData(QStringView json)
{
    const auto fail = [](const QString& why) {
        return makeError(QString(kErrorInvalidParameter), QStringLiteral("parameter 'TranscriptionData' ") + why);
    };
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json.toUtf8(), &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return fail(QStringLiteral("is not valid JSON: ") + parseError.errorString() + QStringLiteral(" at offset ") +
                    QString::number(parseError.offset));
    if (!doc.isObject())
        return fail(QStringLiteral("is not a JSON object"));
    QJsonObject object = doc.object();

    TranscriptionData data;
    const QJsonValue transcript = object.value(QLatin1String("transcript"));
    if (transcript.isUndefined())
        return fail(QStringLiteral("has no 'transcript' member"));
    if (!transcript.isString())
        return fail(QStringLiteral("member 'transcript' is not a string"));
    data.transcript = transcript.toString();

    const QJsonValue confidence = object.value(QLatin1String("confidence"));
    if (confidence.isDouble()) {
        data.confidence = confidence.toDouble();
    } else if (confidence.isString()) {
        double value = 0;
        if (!parseNumber(confidence.toString(), value))
            return fail(QStringLiteral("member 'confidence' is not a number"));
        data.confidence = value;
    } else if (!confidence.isUndefined() && !confidence.isNull()) {
        return fail(QStringLiteral("member 'confidence' is not a number"));
    }
    if (data.confidence && !std::isfinite(*data.confidence))
        return fail(QStringLiteral("member 'confidence' is not finite"));

    object.remove(QLatin1String("transcript"));
    object.remove(QLatin1String("confidence"));
    data.other = object;
    return data;
}

QString toJsonString(const TranscriptionData& data)
{
    // QJsonObject sorts its keys, so serialise one member at a time to keep Twilio's order.
    const auto member = [](const QString& key, const QJsonValue& value) {
        const QByteArray one = QJsonDocument(QJsonObject{{key, value}}).toJson(QJsonDocument::Compact);
        return QString::fromUtf8(one.mid(1, one.size() - 2));
    };
    QStringList members;
    members << member(QStringLiteral("transcript"), data.transcript);
    if (data.confidence)
        members << member(QStringLiteral("confidence"), *data.confidence);
    for (auto it = data.other.begin(); it != data.other.end(); ++it)
        members << member(it.key(), it.value());
    return QLatin1Char('{') + members.join(QLatin1Char(',')) + QLatin1Char('}');
}

std::optional<QDateTime> RecordingStatusCallback::recordingStartDateTime() const
{
    if (!recordingStartTime)
        return std::nullopt;
    if (Result<QDateTime> rfc = parseRfc2822(*recordingStartTime); rfc.ok())
        return rfc.value();
    if (Result<QDateTime> iso = parseIso8601(*recordingStartTime); iso.ok())
        return iso.value();
    return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// Parsers

Result<CallParams> parseCallParams(const FormParams& params)
{
    ParamReader reader(params);
    CallParams call;
    readCallParams(reader, call);
    if (reader.failed())
        return reader.error();
    return call;
}

Result<VoiceRequest> parseVoiceRequest(const FormParams& params)
{
    ParamReader reader(params);
    VoiceRequest request;
    readCallParams(reader, request.call);
    request.errorCode = reader.optionalInt(QStringLiteral("ErrorCode"), 0, 999999);
    request.errorUrl = reader.optional(QStringLiteral("ErrorUrl"));
    if (reader.failed())
        return reader.error();
    request.extra = reader.rest();
    return request;
}

Result<CallStatusCallback> parseCallStatusCallback(const FormParams& params)
{
    ParamReader reader(params);
    CallStatusCallback callback;
    readCallParams(reader, callback.call);
    callback.timestamp = reader.optionalDate(QStringLiteral("Timestamp"), &parseRfc2822);
    callback.callbackSource = reader.optional(QStringLiteral("CallbackSource"));
    callback.sequenceNumber = reader.optionalInteger(QStringLiteral("SequenceNumber"), 0, kMaxCount);
    callback.callDuration = reader.optionalInteger(QStringLiteral("CallDuration"), 0, kMaxCount);
    callback.duration = reader.optionalInteger(QStringLiteral("Duration"), 0, kMaxCount);
    callback.sipResponseCode = reader.optionalInt(QStringLiteral("SipResponseCode"), 100, 699);
    callback.recordingUrl = reader.optional(QStringLiteral("RecordingUrl"));
    callback.recordingSid = reader.optionalSid(QStringLiteral("RecordingSid"), QLatin1String("RE"));
    callback.recordingDuration = reader.optionalInteger(QStringLiteral("RecordingDuration"), -1, kMaxCount);
    callback.stirStatus = reader.optional(QStringLiteral("StirStatus"));
    if (reader.failed())
        return reader.error();
    callback.extra = reader.rest();
    return callback;
}

Result<RecordActionRequest> parseRecordActionRequest(const FormParams& params)
{
    ParamReader reader(params);
    RecordActionRequest request;
    readCallParams(reader, request.call);
    request.recordingUrl = reader.required(QStringLiteral("RecordingUrl"));
    request.recordingDuration = reader.optionalInteger(QStringLiteral("RecordingDuration"), -1, kMaxCount);
    request.digits = reader.optional(QStringLiteral("Digits"));
    request.recordingSid = reader.optionalSid(QStringLiteral("RecordingSid"), QLatin1String("RE"));
    if (reader.failed())
        return reader.error();
    request.extra = reader.rest();
    return request;
}

Result<GatherActionRequest> parseGatherActionRequest(const FormParams& params)
{
    ParamReader reader(params);
    GatherActionRequest request;
    readCallParams(reader, request.call);
    request.digits = reader.optional(QStringLiteral("Digits"));
    request.speechResult = reader.optional(QStringLiteral("SpeechResult"));
    request.confidence = reader.optionalFraction(QStringLiteral("Confidence"));
    if (reader.failed())
        return reader.error();
    request.extra = reader.rest();
    return request;
}

Result<RecordingStatusCallback> parseRecordingStatusCallback(const FormParams& params)
{
    ParamReader reader(params);
    RecordingStatusCallback callback;
    callback.accountSid = reader.requiredSid(QStringLiteral("AccountSid"), QLatin1String("AC"));
    callback.callSid = reader.requiredSid(QStringLiteral("CallSid"), QLatin1String("CA"));
    callback.recordingSid = reader.requiredSid(QStringLiteral("RecordingSid"), QLatin1String("RE"));
    callback.status =
        reader.requiredEnum(QStringLiteral("RecordingStatus"), kRecordingStatuses, RecordingStatus::Completed);
    callback.recordingUrl = reader.optional(QStringLiteral("RecordingUrl"));
    callback.recordingDuration = reader.optionalInteger(QStringLiteral("RecordingDuration"), -1, kMaxCount);
    callback.recordingChannels = reader.optionalInt(QStringLiteral("RecordingChannels"), 1, 2);
    callback.recordingSource = reader.optional(QStringLiteral("RecordingSource"));
    callback.recordingStartTime = reader.optional(QStringLiteral("RecordingStartTime"));
    callback.recordingTrack = reader.optional(QStringLiteral("RecordingTrack"));
    callback.errorCode = reader.optionalInt(QStringLiteral("ErrorCode"), 0, 999999);
    if (reader.failed())
        return reader.error();
    callback.extra = reader.rest();
    return callback;
}

Result<StreamStatusCallback> parseStreamStatusCallback(const FormParams& params)
{
    ParamReader reader(params);
    StreamStatusCallback callback;
    callback.accountSid = reader.requiredSid(QStringLiteral("AccountSid"), QLatin1String("AC"));
    callback.callSid = reader.requiredSid(QStringLiteral("CallSid"), QLatin1String("CA"));
    callback.streamSid = reader.requiredNonEmpty(QStringLiteral("StreamSid"));
    callback.event = reader.requiredEnum(QStringLiteral("StreamEvent"), kStreamEvents, StreamEvent::Started);
    callback.streamName = reader.optional(QStringLiteral("StreamName"));
    callback.streamError = reader.optional(QStringLiteral("StreamError"));
    callback.timestamp = reader.optionalDate(QStringLiteral("Timestamp"), &parseIso8601);
    if (reader.failed())
        return reader.error();
    callback.extra = reader.rest();
    return callback;
}

Result<TranscriptionCallback> parseTranscriptionCallback(const FormParams& params)
{
    ParamReader reader(params);
    TranscriptionCallback callback;
    callback.accountSid = reader.requiredSid(QStringLiteral("AccountSid"), QLatin1String("AC"));
    callback.callSid = reader.requiredSid(QStringLiteral("CallSid"), QLatin1String("CA"));
    callback.transcriptionSid = reader.requiredSid(QStringLiteral("TranscriptionSid"), QLatin1String("GT"));
    callback.event =
        reader.requiredEnum(QStringLiteral("TranscriptionEvent"), kTranscriptionEvents, TranscriptionEvent::Content);
    callback.timestamp = reader.optionalDate(QStringLiteral("Timestamp"), &parseIso8601);
    callback.sequenceId = reader.optionalInteger(QStringLiteral("SequenceId"), 0, kMaxCount);
    callback.providerConfiguration = reader.optional(QStringLiteral("ProviderConfiguration"));
    callback.transcriptionEngine = reader.optional(QStringLiteral("TranscriptionEngine"));
    callback.name = reader.optional(QStringLiteral("Name"));
    callback.track = reader.optionalEnum(QStringLiteral("Track"), kTranscriptionTracks);
    callback.inboundTrackLabel = reader.optional(QStringLiteral("InboundTrackLabel"));
    callback.outboundTrackLabel = reader.optional(QStringLiteral("OutboundTrackLabel"));
    callback.partialResults = reader.optionalBool(QStringLiteral("PartialResults"));
    callback.languageCode = reader.optional(QStringLiteral("LanguageCode"));
    const bool isContent = !reader.failed() && callback.event == TranscriptionEvent::Content;
    callback.data = reader.optionalTranscriptionData(QStringLiteral("TranscriptionData"), isContent);
    callback.isFinal = reader.optionalBool(QStringLiteral("Final"));
    callback.stability = reader.optionalFraction(QStringLiteral("Stability"));
    callback.transcriptionProviderData = reader.optional(QStringLiteral("TranscriptionProviderData"));
    callback.errorCode = reader.optionalInt(QStringLiteral("TranscriptionErrorCode"), 0, 999999);
    callback.errorMessage = reader.optional(QStringLiteral("TranscriptionError"));
    if (reader.failed())
        return reader.error();
    callback.extra = reader.rest();
    return callback;
}

} // namespace sb::twilio
