// SPDX-License-Identifier: GPL-3.0-or-later
#include "twilio/WebhookParams.h"

#include "twilio/WebhookEnums.h"
#include "twilio/WebhookText.h"

#include <QJsonDocument>
#include <QJsonParseError>
#include <QJsonValue>
#include <cmath>

namespace sb::twilio {

using namespace detail;

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

} // namespace sb::twilio
