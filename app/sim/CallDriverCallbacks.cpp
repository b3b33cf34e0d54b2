// SPDX-License-Identifier: GPL-3.0-or-later
// Status, recording, stream and transcription callbacks: queued and sent one at a time, in order.
#include "sim/CallDriver.h"
#include "sim/CallDriverInternal.h"
#include "sim/StreamPeer.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace sb::sim {

using detail::nowUtc;

void CallDriver::enqueueCallback(Callback callback)
{
    m_callbacks.push_back(std::move(callback));
    pumpCallbacks();
}

void CallDriver::pumpCallbacks()
{
    if (m_callbackBusy || m_callbacks.empty())
        return;
    Callback c = std::move(m_callbacks.front());
    m_callbacks.pop_front();
    m_callbackBusy = true;
    http(c.method, c.url, c.params, [this, c](const HttpResponse& r) {
        m_callbackBusy = false;
        ++m_report.callbacks;
        const char* key = c.kind == QLatin1String("status")          ? "CallStatus"
                          : c.kind == QLatin1String("recording")     ? "RecordingStatus"
                          : c.kind == QLatin1String("stream-status") ? "StreamEvent"
                          : c.kind == QLatin1String("transcription") ? "TranscriptionEvent"
                                                                     : "UnstableSpeechResult";
        const QString event = twilio::formValue(c.params, QString::fromLatin1(key));
        note(QStringLiteral("callback"),
             QStringLiteral("%1 %2 %3 -> %4 (%5 ms)")
                 .arg(c.kind, event, c.url)
                 .arg(r.errorCode ? QStringLiteral("error %1").arg(r.errorCode) : QString::number(r.status))
                 .arg(r.elapsedMs),
             QJsonObject{{QStringLiteral("callback"), c.kind},
                         {QStringLiteral("event"), event},
                         {QStringLiteral("url"), c.url},
                         {QStringLiteral("status"), r.status}});
        if (r.errorCode)
            issue(r.errorCode, false, c.kind + QStringLiteral(" callback: ") + r.error, c.url);
        pumpCallbacks();
        maybeComplete();
    });
}

void CallDriver::statusCallback(const QString& event, const QString& callStatus)
{
    if (m_config.statusCallback.isEmpty() || !m_config.statusEvents.contains(event))
        return;
    twilio::CallStatusCallback cb;
    cb.call = *twilio::parseCallParams(callParams());
    cb.call.callStatus = twilio::callStatusFromString(callStatus).value_or(twilio::CallStatus::Completed);
    cb.timestamp = nowUtc();
    cb.callbackSource = QStringLiteral("call-progress-events");
    cb.sequenceNumber = m_statusSequence++;
    if (twilio::isTerminal(cb.call.callStatus)) {
        const qint64 seconds = (m_callMs + 999) / 1000;
        cb.callDuration = seconds;
        if (cb.call.callStatus == twilio::CallStatus::Completed) {
            cb.duration = (seconds + 59) / 60;
            cb.sipResponseCode = 200;
        } else if (cb.call.callStatus == twilio::CallStatus::Busy) {
            cb.sipResponseCode = 486;
        } else if (cb.call.callStatus == twilio::CallStatus::NoAnswer) {
            cb.sipResponseCode = 487;
        }
    }
    enqueueCallback(Callback{QStringLiteral("status"),
                             m_config.statusCallback,
                             m_config.statusCallbackMethod.toUpper(),
                             twilio::toFormParams(cb)});
}

void CallDriver::recordingCallback(const Step& step, const QString& status)
{
    const RecordSpec& r = step.record;
    if (r.recordingStatusCallback.isEmpty() || !r.recordingStatusCallbackEvents.contains(status))
        return;
    twilio::RecordingStatusCallback cb;
    cb.accountSid = m_config.accountSid;
    cb.callSid = m_config.callSid;
    cb.recordingSid = step.recordingSid;
    cb.status = twilio::recordingStatusFromString(status).value_or(twilio::RecordingStatus::Completed);
    cb.recordingUrl = step.recordingUrl.isEmpty()
                          ? m_config.apiBase + QStringLiteral("/2010-04-01/Accounts/") + m_config.accountSid +
                                QStringLiteral("/Recordings/") + step.recordingSid
                          : step.recordingUrl;
    if (status == QLatin1String("completed"))
        cb.recordingDuration = step.recordingDurationSeconds;
    cb.recordingChannels = 1;
    cb.recordingSource = QStringLiteral("RecordVerb");
    cb.recordingStartTime = twilio::formatRfc2822(nowUtc());
    cb.recordingTrack = QStringLiteral("inbound");
    enqueueCallback(Callback{QStringLiteral("recording"),
                             r.recordingStatusCallback,
                             r.recordingStatusCallbackMethod,
                             twilio::toFormParams(cb)});
}

void CallDriver::streamCallback(Stream* s, twilio::StreamEvent event, const QString& error)
{
    if (s->spec.statusCallback.isEmpty())
        return;
    twilio::StreamStatusCallback cb;
    cb.accountSid = m_config.accountSid;
    cb.callSid = m_config.callSid;
    cb.streamSid = s->report.streamSid;
    cb.event = event;
    cb.streamName = s->spec.name.isEmpty() ? s->report.streamSid : s->spec.name;
    if (!error.isEmpty())
        cb.streamError = error;
    cb.timestamp = nowUtc();
    enqueueCallback(Callback{QStringLiteral("stream-status"),
                             s->spec.statusCallback,
                             s->spec.statusCallbackMethod,
                             twilio::toFormParams(cb)});
}

void CallDriver::transcriptionCallback(Transcription& t, twilio::TranscriptionEvent event, const QString& transcript)
{
    if (t.spec.statusCallbackUrl.isEmpty())
        return;
    twilio::TranscriptionCallback cb;
    cb.accountSid = m_config.accountSid;
    cb.callSid = m_config.callSid;
    cb.transcriptionSid = t.sid;
    cb.event = event;
    cb.timestamp = nowUtc();
    cb.sequenceId = ++t.sequence;
    switch (event) {
    case twilio::TranscriptionEvent::Started: {
        const QJsonObject provider{{QStringLiteral("profanityFilter"), QStringLiteral("true")},
                                   {QStringLiteral("speechModel"), t.spec.speechModel},
                                   {QStringLiteral("enableAutomaticPunctuation"), QStringLiteral("true")}};
        cb.providerConfiguration = QString::fromUtf8(QJsonDocument(provider).toJson(QJsonDocument::Compact));
        cb.transcriptionEngine = t.spec.engine;
        cb.name = t.spec.name;
        cb.track = twilio::transcriptionTrackFromString(t.spec.track).value_or(twilio::TranscriptionTrack::Both);
        if (!t.spec.inboundTrackLabel.isEmpty())
            cb.inboundTrackLabel = t.spec.inboundTrackLabel;
        if (!t.spec.outboundTrackLabel.isEmpty())
            cb.outboundTrackLabel = t.spec.outboundTrackLabel;
        cb.partialResults = t.spec.partialResults;
        cb.languageCode = t.spec.languageCode;
        break;
    }
    case twilio::TranscriptionEvent::Content: {
        cb.languageCode = t.spec.languageCode;
        cb.track = twilio::TranscriptionTrack::Inbound;
        twilio::TranscriptionData data;
        data.transcript = transcript;
        if (!t.spec.partialResults)
            data.confidence = m_caller.script.speechConfidence;
        cb.data = data;
        cb.isFinal = true;
        if (t.spec.partialResults)
            cb.stability = 0.9;
        break;
    }
    case twilio::TranscriptionEvent::Stopped:
    case twilio::TranscriptionEvent::Error:
        break;
    }
    enqueueCallback(Callback{QStringLiteral("transcription"),
                             t.spec.statusCallbackUrl,
                             t.spec.statusCallbackMethod,
                             twilio::toFormParams(cb)});
}

} // namespace sb::sim
