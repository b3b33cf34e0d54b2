// SPDX-License-Identifier: GPL-3.0-or-later
// Writing webhook and callback parameters as Twilio sends them (WebhookParams.h, toFormParams()).
#include "twilio/WebhookParams.h"

#include <QLocale>
#include <algorithm>

namespace sb::twilio {
namespace {

QString formatDouble(double value)
{
    return QString::number(value, 'g', QLocale::FloatingPointShortest);
}

void put(FormParams& out, QLatin1String name, const QString& value)
{
    out.append({QString(name), value});
}

void putOptional(FormParams& out, const QString& name, const std::optional<QString>& value)
{
    if (value)
        out.append({name, *value});
}

void putOptional(FormParams& out, QLatin1String name, const std::optional<QString>& value)
{
    putOptional(out, QString(name), value);
}

template <typename Int> void putInteger(FormParams& out, QLatin1String name, const std::optional<Int>& value)
{
    if (value)
        out.append({QString(name), QString::number(*value)});
}

void putDouble(FormParams& out, QLatin1String name, const std::optional<double>& value)
{
    if (value)
        out.append({QString(name), formatDouble(*value)});
}

void putBool(FormParams& out, QLatin1String name, const std::optional<bool>& value)
{
    if (value)
        out.append({QString(name), *value ? QStringLiteral("true") : QStringLiteral("false")});
}

void putGeo(FormParams& out, QLatin1String party, const GeoInfo& geo)
{
    putOptional(out, party + QStringLiteral("City"), geo.city);
    putOptional(out, party + QStringLiteral("State"), geo.state);
    putOptional(out, party + QStringLiteral("Zip"), geo.zip);
    putOptional(out, party + QStringLiteral("Country"), geo.country);
}

void putCallParams(FormParams& out, const CallParams& call)
{
    put(out, QLatin1String("CallSid"), call.callSid);
    put(out, QLatin1String("AccountSid"), call.accountSid);
    put(out, QLatin1String("From"), call.from);
    put(out, QLatin1String("To"), call.to);
    put(out, QLatin1String("CallStatus"), toWireString(call.callStatus));
    put(out, QLatin1String("ApiVersion"), call.apiVersion);
    put(out, QLatin1String("Direction"), toWireString(call.direction));
    putOptional(out, QLatin1String("Caller"), call.caller);
    putOptional(out, QLatin1String("Called"), call.called);
    putOptional(out, QLatin1String("ForwardedFrom"), call.forwardedFrom);
    putOptional(out, QLatin1String("CallerName"), call.callerName);
    putOptional(out, QLatin1String("ParentCallSid"), call.parentCallSid);
    putOptional(out, QLatin1String("CallToken"), call.callToken);
    putGeo(out, QLatin1String("From"), call.fromGeo);
    putGeo(out, QLatin1String("To"), call.toGeo);
    putGeo(out, QLatin1String("Caller"), call.callerGeo);
    putGeo(out, QLatin1String("Called"), call.calledGeo);
}

/// Sorts the modelled parameters by name and appends the extras unchanged.
FormParams finish(FormParams typed, const FormParams& extra)
{
    std::stable_sort(
        typed.begin(), typed.end(), [](const QPair<QString, QString>& a, const QPair<QString, QString>& b) {
            return a.first < b.first;
        });
    typed.append(extra);
    return typed;
}

} // namespace

FormParams toFormParams(const CallParams& call)
{
    FormParams typed;
    putCallParams(typed, call);
    return finish(std::move(typed), {});
}

FormParams toFormParams(const VoiceRequest& request)
{
    FormParams typed;
    putCallParams(typed, request.call);
    putInteger(typed, QLatin1String("ErrorCode"), request.errorCode);
    putOptional(typed, QLatin1String("ErrorUrl"), request.errorUrl);
    return finish(std::move(typed), request.extra);
}

FormParams toFormParams(const CallStatusCallback& callback)
{
    FormParams typed;
    putCallParams(typed, callback.call);
    if (callback.timestamp)
        put(typed, QLatin1String("Timestamp"), formatRfc2822(*callback.timestamp));
    putOptional(typed, QLatin1String("CallbackSource"), callback.callbackSource);
    putInteger(typed, QLatin1String("SequenceNumber"), callback.sequenceNumber);
    putInteger(typed, QLatin1String("CallDuration"), callback.callDuration);
    putInteger(typed, QLatin1String("Duration"), callback.duration);
    putInteger(typed, QLatin1String("SipResponseCode"), callback.sipResponseCode);
    putOptional(typed, QLatin1String("RecordingUrl"), callback.recordingUrl);
    putOptional(typed, QLatin1String("RecordingSid"), callback.recordingSid);
    putInteger(typed, QLatin1String("RecordingDuration"), callback.recordingDuration);
    putOptional(typed, QLatin1String("StirStatus"), callback.stirStatus);
    return finish(std::move(typed), callback.extra);
}

FormParams toFormParams(const RecordActionRequest& request)
{
    FormParams typed;
    putCallParams(typed, request.call);
    put(typed, QLatin1String("RecordingUrl"), request.recordingUrl);
    putInteger(typed, QLatin1String("RecordingDuration"), request.recordingDuration);
    putOptional(typed, QLatin1String("Digits"), request.digits);
    putOptional(typed, QLatin1String("RecordingSid"), request.recordingSid);
    return finish(std::move(typed), request.extra);
}

FormParams toFormParams(const GatherActionRequest& request)
{
    FormParams typed;
    putCallParams(typed, request.call);
    putOptional(typed, QLatin1String("Digits"), request.digits);
    putOptional(typed, QLatin1String("SpeechResult"), request.speechResult);
    putDouble(typed, QLatin1String("Confidence"), request.confidence);
    return finish(std::move(typed), request.extra);
}

FormParams toFormParams(const RecordingStatusCallback& callback)
{
    FormParams typed;
    put(typed, QLatin1String("AccountSid"), callback.accountSid);
    put(typed, QLatin1String("CallSid"), callback.callSid);
    put(typed, QLatin1String("RecordingSid"), callback.recordingSid);
    put(typed, QLatin1String("RecordingStatus"), toWireString(callback.status));
    putOptional(typed, QLatin1String("RecordingUrl"), callback.recordingUrl);
    putInteger(typed, QLatin1String("RecordingDuration"), callback.recordingDuration);
    putInteger(typed, QLatin1String("RecordingChannels"), callback.recordingChannels);
    putOptional(typed, QLatin1String("RecordingSource"), callback.recordingSource);
    putOptional(typed, QLatin1String("RecordingStartTime"), callback.recordingStartTime);
    putOptional(typed, QLatin1String("RecordingTrack"), callback.recordingTrack);
    putInteger(typed, QLatin1String("ErrorCode"), callback.errorCode);
    return finish(std::move(typed), callback.extra);
}

FormParams toFormParams(const StreamStatusCallback& callback)
{
    FormParams typed;
    put(typed, QLatin1String("AccountSid"), callback.accountSid);
    put(typed, QLatin1String("CallSid"), callback.callSid);
    put(typed, QLatin1String("StreamSid"), callback.streamSid);
    put(typed, QLatin1String("StreamEvent"), toWireString(callback.event));
    putOptional(typed, QLatin1String("StreamName"), callback.streamName);
    putOptional(typed, QLatin1String("StreamError"), callback.streamError);
    if (callback.timestamp)
        put(typed, QLatin1String("Timestamp"), formatIso8601(*callback.timestamp, 6));
    return finish(std::move(typed), callback.extra);
}

FormParams toFormParams(const TranscriptionCallback& callback)
{
    FormParams typed;
    put(typed, QLatin1String("AccountSid"), callback.accountSid);
    put(typed, QLatin1String("CallSid"), callback.callSid);
    put(typed, QLatin1String("TranscriptionSid"), callback.transcriptionSid);
    put(typed, QLatin1String("TranscriptionEvent"), toWireString(callback.event));
    if (callback.timestamp)
        put(typed, QLatin1String("Timestamp"), formatIso8601(*callback.timestamp, 3));
    putInteger(typed, QLatin1String("SequenceId"), callback.sequenceId);
    putOptional(typed, QLatin1String("ProviderConfiguration"), callback.providerConfiguration);
    putOptional(typed, QLatin1String("TranscriptionEngine"), callback.transcriptionEngine);
    putOptional(typed, QLatin1String("Name"), callback.name);
    if (callback.track)
        put(typed, QLatin1String("Track"), toWireString(*callback.track));
    putOptional(typed, QLatin1String("InboundTrackLabel"), callback.inboundTrackLabel);
    putOptional(typed, QLatin1String("OutboundTrackLabel"), callback.outboundTrackLabel);
    putBool(typed, QLatin1String("PartialResults"), callback.partialResults);
    putOptional(typed, QLatin1String("LanguageCode"), callback.languageCode);
    if (callback.data)
        put(typed, QLatin1String("TranscriptionData"), toJsonString(*callback.data));
    putBool(typed, QLatin1String("Final"), callback.isFinal);
    putDouble(typed, QLatin1String("Stability"), callback.stability);
    putOptional(typed, QLatin1String("TranscriptionProviderData"), callback.transcriptionProviderData);
    putInteger(typed, QLatin1String("TranscriptionErrorCode"), callback.errorCode);
    putOptional(typed, QLatin1String("TranscriptionError"), callback.errorMessage);
    return finish(std::move(typed), callback.extra);
}

} // namespace sb::twilio
