// SPDX-License-Identifier: GPL-3.0-or-later
// Reading webhook and callback parameters (WebhookParams.h, parse…()).
#include "twilio/WebhookEnums.h"
#include "twilio/WebhookParams.h"
#include "twilio/WebhookText.h"

#include <QList>
#include <cstddef>

namespace sb::twilio {
namespace {

using namespace detail;

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
