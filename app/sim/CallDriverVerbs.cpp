// SPDX-License-Identifier: GPL-3.0-or-later
// One method per TwiML verb: what the simulated call does for each Step the interpreter yields.
#include "sim/CallDriver.h"
#include "sim/CallDriverInternal.h"
#include "sim/StreamPeer.h"

#include <QJsonArray>
#include <QJsonObject>

namespace sb::sim {

using twilio::FormParams;

void CallDriver::runStep(const Step& step)
{
    switch (step.kind) {
    case Step::Kind::Say:
    case Step::Kind::Play:
    case Step::Kind::Pause:
        runPrompt(step.prompt, [this] { runNext(); });
        return;
    case Step::Kind::Gather:
        runGather(step);
        return;
    case Step::Kind::Record:
        runRecord(step);
        return;
    case Step::Kind::StartStream:
    case Step::Kind::ConnectStream:
        runStream(step);
        return;
    case Step::Kind::StopStream:
        runStopStream(step);
        return;
    case Step::Kind::StartTranscription:
        runStartTranscription(step);
        return;
    case Step::Kind::StopTranscription:
        runStopTranscription(step);
        return;
    case Step::Kind::Redirect:
        runRedirect(step);
        return;
    case Step::Kind::Dial:
        runDial(step);
        return;
    case Step::Kind::Hangup:
        runHangup();
        return;
    case Step::Kind::Reject:
        runReject(step);
        return;
    case Step::Kind::Skip:
        note(QStringLiteral("skip"), step.note);
        runNext();
        return;
    case Step::Kind::Fail:
        issue(step.errorCode, true, step.note, m_interpreter.documentUrl());
        finishCall(QStringLiteral("completed"), QStringLiteral("application error %1").arg(step.errorCode));
        return;
    case Step::Kind::End:
        finishCall(QStringLiteral("completed"), step.note);
        return;
    }
}

void CallDriver::runGather(const Step& step)
{
    runPrompts(step.prompts, [this, step] {
        if (m_ending)
            return;
        QString result = step.digits.isEmpty() ? QString() : QStringLiteral("digits %1").arg(step.digits);
        if (!step.speechResult.isEmpty())
            result = QStringLiteral("speech \"%1\"").arg(step.speechResult);
        note(QStringLiteral("gather"),
             QStringLiteral("input %1: %2%3")
                 .arg(step.gatherInput, result.isEmpty() ? step.note : result)
                 .arg(step.fetch ? QStringLiteral(" -> ") + step.fetch->url : QStringLiteral(" -> next verb")),
             QJsonObject{{QStringLiteral("digits"), step.digits},
                         {QStringLiteral("speech"), step.speechResult},
                         {QStringLiteral("listen_ms"), step.listenMs}});
        if (!step.speechResult.isEmpty() && !step.partialResultCallback.isEmpty()) {
            FormParams params = callParams();
            params += {{QStringLiteral("UnstableSpeechResult"), step.speechResult},
                       {QStringLiteral("StableSpeechResult"), step.speechResult},
                       {QStringLiteral("SequenceNumber"), QStringLiteral("1")}};
            enqueueCallback(Callback{QStringLiteral("partial-result"),
                                     step.partialResultCallback,
                                     step.partialResultCallbackMethod,
                                     params});
        }
        runSpan(step.listenMs, step.audio, {}, [this, step] {
            afterListening(step.audio);
            continueWith(step.fetch);
        });
    });
}

void CallDriver::runRecord(const Step& step)
{
    Step s = step;
    if (s.recordingSid.isEmpty())
        s.recordingSid = newSid(QLatin1String("RE"));
    note(QStringLiteral("record"),
         s.recordingDurationSeconds > 0
             ? QStringLiteral("%1 (%2 s%3)")
                   .arg(s.recordingSid)
                   .arg(s.recordingDurationSeconds)
                   .arg(s.digits.isEmpty() ? QString() : QStringLiteral(", ended by key ") + s.digits)
             : QStringLiteral("nothing recorded -> next verb"),
         QJsonObject{{QStringLiteral("recording_sid"), s.recordingSid},
                     {QStringLiteral("duration"), s.recordingDurationSeconds},
                     {QStringLiteral("listen_ms"), s.listenMs}});
    recordingCallback(s, QStringLiteral("in-progress"));
    runSpan(s.listenMs, s.audio, {}, [this, s] {
        afterListening(s.audio);
        if (s.recordingDurationSeconds == 0) {
            recordingCallback(s, QStringLiteral("absent"));
            runNext();
            return;
        }
        m_report.recordings.append(
            RecordingReport{s.recordingSid, s.recordingUrl, s.recordingDurationSeconds, s.audio});
        continueWith(s.fetch); // the action is requested at once; the file is "ready" after
        recordingCallback(s, QStringLiteral("completed"));
    });
}

void CallDriver::runStream(const Step& step)
{
    if (step.stream.errorCode) {
        issue(step.stream.errorCode, false, step.stream.error, step.stream.url);
        if (!step.stream.statusCallback.isEmpty()) {
            auto failed = std::make_unique<Stream>();
            failed->spec = step.stream;
            failed->report.streamSid = newSid(QLatin1String("MZ"));
            failed->report.errorCode = step.stream.errorCode;
            streamCallback(failed.get(), twilio::StreamEvent::Error, step.stream.error);
        }
        runNext();
        return;
    }
    if (step.stream.insecureScheme)
        issue(31922,
              false,
              QStringLiteral("ws:// stream URL: allowed by the simulator, Twilio needs wss://"),
              step.stream.url);
    if (step.kind == Step::Kind::StartStream) {
        openStream(step.stream, [this](Stream*) { runNext(); });
        return;
    }
    openStream(step.stream, [this, step](Stream* s) { afterConnectStream(step, s); });
}

/// `<Connect><Stream>` once the socket is open (or failed): the caller talks, sends any digits left,
/// waits for the app to close the stream, then the call continues at the action URL.
void CallDriver::afterConnectStream(const Step& step, Stream* s)
{
    auto afterConnect = [this, step] {
        if (!step.connectAction.isEmpty())
            fetchDocument(Fetch{step.connectAction, step.connectMethod, {}}, false);
        else
            runNext();
    };
    if (!s->live()) {
        afterConnect();
        return;
    }
    const QByteArray audio = m_caller.takeAudio(m_caller.remainingAudio());
    auto closed = [s] { return !s->live(); };
    runSpan(
        audio.size() / kMuLawBytesPerMs,
        audio,
        {},
        [this, s, audio, afterConnect, closed] {
            afterListening(audio);
            if (s->live()) {
                for (QChar digit : m_caller.remainingDigits()) {
                    twilio::DtmfMessage d;
                    d.digit = digit;
                    s->send(d);
                    ++s->report.dtmfSent;
                    note(QStringLiteral("stream.dtmf"), QStringLiteral("digit %1").arg(digit));
                }
                m_caller.digitPos = m_caller.script.digits.size();
            }
            runSpan(
                m_config.lingerMs,
                {},
                {},
                [this, s, afterConnect] {
                    if (s->live()) {
                        finishCall(QStringLiteral("completed"),
                                   QStringLiteral("the caller hung up (the app kept the stream open)"));
                        return;
                    }
                    afterConnect();
                },
                closed);
        },
        closed);
}

void CallDriver::runStopStream(const Step& step)
{
    if (Stream* s = findStream(step.stopName))
        stopStream(s, QStringLiteral("<Stop><Stream>"));
    else
        note(QStringLiteral("skip"), QStringLiteral("<Stop><Stream>: no running stream '%1'").arg(step.stopName));
    runNext();
}

void CallDriver::runStartTranscription(const Step& step)
{
    Transcription t;
    t.spec = step.transcription;
    t.sid = newSid(QLatin1String("GT"));
    note(QStringLiteral("transcription.start"),
         QStringLiteral("%1 %2 -> %3").arg(t.sid, t.spec.track, t.spec.statusCallbackUrl));
    m_transcriptions.push_back(t);
    transcriptionCallback(m_transcriptions.back(), twilio::TranscriptionEvent::Started);
    runNext();
}

void CallDriver::runStopTranscription(const Step& step)
{
    for (Transcription& t : m_transcriptions) {
        if (!t.stopped && (step.stopName.isEmpty() || t.spec.name == step.stopName)) {
            t.stopped = true;
            note(QStringLiteral("transcription.stop"), t.sid);
            transcriptionCallback(t, twilio::TranscriptionEvent::Stopped);
        }
    }
    runNext();
}

void CallDriver::runRedirect(const Step& step)
{
    note(QStringLiteral("redirect"), QStringLiteral("%1 %2").arg(step.fetch->method, step.fetch->url));
    fetchDocument(*step.fetch, false);
}

void CallDriver::runDial(const Step& step)
{
    note(QStringLiteral("dial"),
         QStringLiteral("%1: %2 (%3)")
             .arg(step.dialTargets.join(QStringLiteral(", ")), step.dialStatus, step.dialCallSid),
         QJsonObject{{QStringLiteral("targets"), QJsonArray::fromStringList(step.dialTargets)},
                     {QStringLiteral("dial_call_status"), step.dialStatus},
                     {QStringLiteral("dial_call_sid"), step.dialCallSid}});
    runSpan(step.listenMs, {}, {}, [this, step] { continueWith(step.fetch); });
}

void CallDriver::runHangup()
{
    note(QStringLiteral("hangup"), QStringLiteral("<Hangup>"));
    finishCall(QStringLiteral("completed"), QStringLiteral("<Hangup>"));
}

void CallDriver::runReject(const Step& step)
{
    note(QStringLiteral("reject"), QStringLiteral("<Reject reason=\"%1\">").arg(step.note));
    finishCall(step.note == QLatin1String("busy") ? QStringLiteral("busy") : QStringLiteral("no-answer"),
               QStringLiteral("<Reject>"));
}

} // namespace sb::sim
