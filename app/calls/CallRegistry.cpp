// SPDX-License-Identifier: GPL-3.0-or-later
#include "calls/CallRegistry.h"

#include "common/Logging.h"
#include "common/RandomToken.h"
#include "twilio/Signature.h"
#include "twilio/WebhookParams.h"

#include <QElapsedTimer>
#include <QSignalBlocker>

namespace sb::calls {
namespace {

using webhook::WebhookReply;
using webhook::WebhookRequest;

int rank(CallState s)
{
    switch (s) {
    case CallState::Ringing:
        return 0;
    case CallState::InProgress:
        return 1;
    case CallState::Streaming:
        return 1;
    case CallState::Completed:
        return 2;
    case CallState::Failed:
    case CallState::EndedUnknown:
        return 2;
    }
    return 0;
}

WebhookReply twimlReply(QByteArray body)
{
    WebhookReply reply;
    reply.body = std::move(body);
    return reply;
}

WebhookReply badRequest(const Error& error)
{
    WebhookReply reply;
    reply.status = 400;
    reply.contentType = "text/plain; charset=utf-8";
    reply.body = error.message.toUtf8() + '\n';
    return reply;
}

QDateTime nowUtc()
{
    return QDateTime::currentDateTimeUtc();
}

} // namespace

QString stateName(CallState state)
{
    switch (state) {
    case CallState::Ringing:
        return QStringLiteral("ringing");
    case CallState::InProgress:
        return QStringLiteral("in-progress");
    case CallState::Streaming:
        return QStringLiteral("streaming");
    case CallState::Completed:
        return QStringLiteral("completed");
    case CallState::Failed:
        return QStringLiteral("failed");
    case CallState::EndedUnknown:
        return QStringLiteral("ended-unknown");
    }
    return QString();
}

std::optional<CallState> callStateFromString(QStringView text)
{
    for (CallState s : {CallState::Ringing,
                        CallState::InProgress,
                        CallState::Streaming,
                        CallState::Completed,
                        CallState::Failed,
                        CallState::EndedUnknown}) {
        if (text == stateName(s))
            return s;
    }
    return std::nullopt;
}

bool isTerminal(CallState state)
{
    return state == CallState::Completed || state == CallState::Failed || state == CallState::EndedUnknown;
}

CallRegistry::CallRegistry(FlowLibrary flows, QString activeFlow, QObject* parent)
    : QObject(parent)
    , m_flows(std::move(flows))
    , m_activeFlow(std::move(activeFlow))
    , m_tokens(randomHexToken)
    , m_clock([] {
        static const QElapsedTimer started = [] {
            QElapsedTimer t;
            t.start();
            return t;
        }();
        return started.elapsed();
    })
{
    qRegisterMetaType<sb::calls::Call>();
    qRegisterMetaType<sb::calls::CallEvent>();
    if (!m_flows.find(m_activeFlow))
        m_activeFlow = QLatin1String(FlowLibrary::kDefaultFlow);
}

void CallRegistry::setUrls(const QString& publicUrl, const QString& streamUrl)
{
    m_publicUrl = publicUrl;
    m_streamUrl = streamUrl;
}

Result<QString> CallRegistry::setFlows(FlowLibrary flows, const QString& activeFlow)
{
    if (!flows.find(activeFlow))
        return makeError(QStringLiteral("unknown-flow"),
                         QStringLiteral("no flow named \"%1\" (available: %2)")
                             .arg(activeFlow, flows.names().join(QStringLiteral(", "))));
    m_flows = std::move(flows);
    m_activeFlow = activeFlow;
    return m_activeFlow;
}

void CallRegistry::restore(const QList<Call>& calls)
{
    for (const Call& call : calls) {
        if (!m_calls.contains(call.callSid)) {
            Call copy = call;
            copy.activeStreams.clear(); // their sockets died with the old process
            if (copy.state == CallState::Streaming)
                copy.state = CallState::InProgress;
            copy.lastActivityMs = m_clock(); // quiet is counted from the restart
            m_calls.insert(copy.callSid, copy);
        }
    }
}

const Call* CallRegistry::find(const QString& callSid) const
{
    auto it = m_calls.constFind(callSid);
    return it == m_calls.constEnd() ? nullptr : &it.value();
}

WebhookReply CallRegistry::handle(const WebhookRequest& request)
{
    if (request.replayOf > 0) {
        // A replay (the inspector's, or `webhooks replay`) is a dry run: it gets the answer the
        // flow gives now, but no call changes and nothing is announced, so replaying a
        // `completed` status callback for a live call leaves it live.
        const QHash<QString, Call> calls = m_calls;
        const auto finished = m_finished;
        const QHash<QString, Tombstone> evicted = m_evicted;
        const auto evictedOrder = m_evictedOrder;
        WebhookRequest original = request;
        original.replayOf = 0;
        WebhookReply reply;
        {
            const QSignalBlocker quiet(this);
            reply = handle(original);
        }
        m_calls = calls;
        m_finished = finished;
        m_evicted = evicted;
        m_evictedOrder = evictedOrder;
        return reply;
    }
    sweep();
    switch (request.route) {
    case webhook::Route::Voice:
        return onVoice(request);
    case webhook::Route::Status:
        return onStatus(request);
    case webhook::Route::Recording:
        return onRecording(request);
    case webhook::Route::ProcessVoice:
        return onProcessVoice(request);
    case webhook::Route::Transcription:
        return onTranscription(request);
    case webhook::Route::StreamStatus:
        return onStreamStatus(request);
    case webhook::Route::Health:
        break;
    }
    return twimlReply(emptyTwiml());
}

Call& CallRegistry::ensureCall(const QString& callSid, const QString& accountSid)
{
    auto it = m_calls.find(callSid);
    if (it == m_calls.end()) {
        Call call;
        call.callSid = callSid;
        call.accountSid = accountSid;
        call.createdAt = nowUtc();
        call.flow = m_activeFlow;
        call.token = m_tokens();
        call.lastActivityMs = m_clock();
        it = m_calls.insert(callSid, call);
    }
    return it.value();
}

void CallRegistry::setState(Call& call, CallState state)
{
    if (isTerminal(call.state) || rank(state) < rank(call.state))
        return;
    // Streaming is InProgress with a live stream: only streamEnded() leaves it.
    if (call.state == CallState::Streaming && state == CallState::InProgress)
        return;
    call.state = state;
    if (isTerminal(state))
        m_finished.emplace_back(m_clock(), call.callSid);
}

const Flow& CallRegistry::flowFor(const Call& call) const
{
    if (const Flow* flow = m_flows.find(call.flow))
        return *flow;
    return *m_flows.find(m_activeFlow);
}

FlowContext CallRegistry::contextFor(const Call& call) const
{
    FlowContext context;
    context.publicUrl = m_publicUrl;
    context.streamUrl = m_streamUrl;
    context.callSid = call.callSid;
    context.callToken = QString::fromLatin1(call.token);
    context.chunkIndex = call.chunks;
    return context;
}

void CallRegistry::emitEvent(const QString& callSid, const QString& kind, const QJsonObject& detail)
{
    if (auto it = m_calls.find(callSid); it != m_calls.end())
        it->lastActivityMs = m_clock();
    emit eventRecorded(CallEvent{callSid, nowUtc(), kind, detail});
}

void CallRegistry::recordEvent(const QString& callSid, const QString& kind, const QJsonObject& detail)
{
    emitEvent(callSid, kind, detail);
}

WebhookReply CallRegistry::onVoice(const WebhookRequest& request)
{
    const auto parsed = twilio::parseVoiceRequest(request.params);
    if (!parsed.ok())
        return badRequest(parsed.error());
    const twilio::CallParams& p = parsed->call;
    if (isEvicted(p.callSid)) {
        // Over and gone from memory: no new stream, no new token, nothing stored but the event.
        emitEvent(p.callSid,
                  QStringLiteral("webhook.voice"),
                  QJsonObject{{QStringLiteral("call_status"), twilio::toWireString(p.callStatus)},
                              {QStringLiteral("note"), QStringLiteral("the call had already finished")}});
        return twimlReply(emptyTwiml());
    }
    Call& call = ensureCall(p.callSid, p.accountSid);
    // `/voice?flow=NAME` (an operator's redirect) moves the call to that flow from now on.
    const QString requestedFlow = twilio::formValue(twilio::parseFormBody(request.query), u"flow");
    if (!requestedFlow.isEmpty() && m_flows.find(requestedFlow))
        call.flow = requestedFlow;
    call.from = p.from;
    call.to = p.to;
    call.direction = twilio::toWireString(p.direction);
    call.twilioStatus = twilio::toWireString(p.callStatus);
    if (twilio::isTerminal(p.callStatus)) {
        setState(call, p.callStatus == twilio::CallStatus::Completed ? CallState::Completed : CallState::Failed);
    } else {
        // Returning TwiML with verbs answers the call.
        if (!call.answeredAt.isValid())
            call.answeredAt = nowUtc();
        setState(call, CallState::InProgress);
    }
    QJsonObject detail{{QStringLiteral("from"), call.from},
                       {QStringLiteral("to"), call.to},
                       {QStringLiteral("direction"), call.direction},
                       {QStringLiteral("flow"), call.flow},
                       {QStringLiteral("call_status"), call.twilioStatus}};
    if (parsed->errorCode)
        detail.insert(QStringLiteral("error_code"), *parsed->errorCode);
    emitEvent(call.callSid, QStringLiteral("webhook.voice"), detail);
    emit callChanged(call);
    if (isTerminal(call.state))
        return twimlReply(emptyTwiml());
    return twimlReply(voiceTwiml(flowFor(call), contextFor(call)));
}

WebhookReply CallRegistry::onStatus(const WebhookRequest& request)
{
    const auto parsed = twilio::parseCallStatusCallback(request.params);
    if (!parsed.ok())
        return badRequest(parsed.error());
    const twilio::CallStatusCallback& cb = parsed.value();
    const QString status = twilio::toWireString(cb.call.callStatus);
    QJsonObject detail{{QStringLiteral("call_status"), status}};
    if (cb.sequenceNumber)
        detail.insert(QStringLiteral("sequence"), *cb.sequenceNumber);
    if (cb.callDuration)
        detail.insert(QStringLiteral("call_duration"), *cb.callDuration);
    if (cb.sipResponseCode)
        detail.insert(QStringLiteral("sip_response_code"), *cb.sipResponseCode);
    if (isEvicted(cb.call.callSid))
        return lateStatus(cb.call.callSid, status, detail, cb.sequenceNumber);
    Call& call = ensureCall(cb.call.callSid, cb.call.accountSid);
    if (call.from.isEmpty())
        call.from = cb.call.from;
    if (call.to.isEmpty())
        call.to = cb.call.to;
    if (call.direction.isEmpty())
        call.direction = twilio::toWireString(cb.call.direction);

    if (cb.sequenceNumber && *cb.sequenceNumber <= call.lastStatusSequence) {
        detail.insert(QStringLiteral("newest_sequence"), call.lastStatusSequence);
        emitEvent(call.callSid, QStringLiteral("status.stale"), detail);
        return twimlReply(emptyTwiml());
    }
    if (cb.sequenceNumber)
        call.lastStatusSequence = *cb.sequenceNumber;

    const QDateTime at = cb.timestamp.value_or(nowUtc());
    const CallState before = call.state;
    switch (cb.call.callStatus) {
    case twilio::CallStatus::Queued:
    case twilio::CallStatus::Initiated:
    case twilio::CallStatus::Ringing:
        setState(call, CallState::Ringing);
        break;
    case twilio::CallStatus::InProgress:
        if (!call.answeredAt.isValid())
            call.answeredAt = at;
        setState(call, CallState::InProgress);
        break;
    case twilio::CallStatus::Completed:
        setState(call, CallState::Completed);
        break;
    case twilio::CallStatus::Busy:
    case twilio::CallStatus::Failed:
    case twilio::CallStatus::NoAnswer:
    case twilio::CallStatus::Canceled:
        setState(call, CallState::Failed);
        break;
    }
    if (isTerminal(call.state) && !isTerminal(before)) {
        call.endedAt = at;
        call.twilioStatus = status;
        if (cb.callDuration)
            call.durationSeconds = *cb.callDuration;
        else if (call.answeredAt.isValid())
            call.durationSeconds = call.answeredAt.secsTo(at);
    } else if (!isTerminal(before)) {
        call.twilioStatus = status;
    }
    emitEvent(call.callSid, QStringLiteral("status.") + status, detail);
    emit callChanged(call);
    return twimlReply(emptyTwiml());
}

WebhookReply CallRegistry::onRecording(const WebhookRequest& request)
{
    const auto parsed = twilio::parseRecordingStatusCallback(request.params);
    if (!parsed.ok())
        return badRequest(parsed.error());
    const auto& cb = parsed.value();
    if (!isEvicted(cb.callSid))
        ensureCall(cb.callSid, cb.accountSid);
    QJsonObject detail{{QStringLiteral("recording_sid"), cb.recordingSid},
                       {QStringLiteral("status"), twilio::toWireString(cb.status)}};
    if (cb.recordingUrl)
        detail.insert(QStringLiteral("url"), *cb.recordingUrl);
    if (cb.recordingDuration)
        detail.insert(QStringLiteral("duration"), *cb.recordingDuration);
    if (cb.recordingChannels)
        detail.insert(QStringLiteral("channels"), *cb.recordingChannels);
    if (cb.recordingSource)
        detail.insert(QStringLiteral("source"), *cb.recordingSource);
    if (cb.errorCode)
        detail.insert(QStringLiteral("error_code"), *cb.errorCode);
    emitEvent(cb.callSid, QStringLiteral("recording.") + twilio::toWireString(cb.status), detail);
    return twimlReply(emptyTwiml());
}

WebhookReply CallRegistry::onProcessVoice(const WebhookRequest& request)
{
    const auto parsed = twilio::parseRecordActionRequest(request.params);
    if (!parsed.ok())
        return badRequest(parsed.error());
    const auto& action = parsed.value();
    auto evicted = m_evicted.find(action.call.callSid);
    Call* live = evicted == m_evicted.end() ? &ensureCall(action.call.callSid, action.call.accountSid) : nullptr;
    const int chunk = live ? ++live->chunks : ++evicted->chunks;
    QJsonObject detail{{QStringLiteral("chunk"), chunk}, {QStringLiteral("recording_url"), action.recordingUrl}};
    if (action.recordingDuration)
        detail.insert(QStringLiteral("duration"), *action.recordingDuration);
    if (action.digits)
        detail.insert(QStringLiteral("digits"), *action.digits);
    if (action.recordingSid)
        detail.insert(QStringLiteral("recording_sid"), *action.recordingSid);
    emitEvent(action.call.callSid, QStringLiteral("chunk"), detail);
    if (!live)
        return twimlReply(emptyTwiml()); // evicted: the call is over
    emit callChanged(*live);
    if (action.endedByHangup() || isTerminal(live->state))
        return twimlReply(emptyTwiml());
    return twimlReply(chunkTwiml(flowFor(*live), contextFor(*live)));
}

WebhookReply CallRegistry::onTranscription(const WebhookRequest& request)
{
    const auto parsed = twilio::parseTranscriptionCallback(request.params);
    if (!parsed.ok())
        return badRequest(parsed.error());
    const auto& cb = parsed.value();
    if (!isEvicted(cb.callSid))
        ensureCall(cb.callSid, cb.accountSid);
    QJsonObject detail{{QStringLiteral("transcription_sid"), cb.transcriptionSid}};
    if (cb.sequenceId)
        detail.insert(QStringLiteral("sequence"), *cb.sequenceId);
    if (cb.track)
        detail.insert(QStringLiteral("track"), twilio::toWireString(*cb.track));
    if (cb.data) {
        detail.insert(QStringLiteral("transcript"), cb.data->transcript);
        if (cb.data->confidence)
            detail.insert(QStringLiteral("confidence"), *cb.data->confidence);
    }
    if (cb.isFinal)
        detail.insert(QStringLiteral("final"), *cb.isFinal);
    if (cb.stability)
        detail.insert(QStringLiteral("stability"), *cb.stability);
    if (cb.errorCode)
        detail.insert(QStringLiteral("error_code"), *cb.errorCode);
    if (cb.errorMessage)
        detail.insert(QStringLiteral("error"), *cb.errorMessage);
    emitEvent(cb.callSid, QStringLiteral("transcription.") + twilio::toWireString(cb.event), detail);
    WebhookReply reply;
    reply.status = 204;
    return reply;
}

WebhookReply CallRegistry::onStreamStatus(const WebhookRequest& request)
{
    const auto parsed = twilio::parseStreamStatusCallback(request.params);
    if (!parsed.ok())
        return badRequest(parsed.error());
    const auto& cb = parsed.value();
    if (!isEvicted(cb.callSid))
        ensureCall(cb.callSid, cb.accountSid);
    QJsonObject detail{{QStringLiteral("stream_sid"), cb.streamSid}};
    if (cb.streamName)
        detail.insert(QStringLiteral("name"), *cb.streamName);
    if (cb.streamError)
        detail.insert(QStringLiteral("error"), *cb.streamError);
    emitEvent(cb.callSid, QStringLiteral("stream-status.") + twilio::toWireString(cb.event), detail);
    return twimlReply(emptyTwiml());
}

Result<Call> CallRegistry::bindStream(const QString& callSid, const QByteArray& token, const QString& streamSid)
{
    auto it = m_calls.find(callSid);
    if (it == m_calls.end() && isEvicted(callSid))
        return makeError(QStringLiteral("call-ended"), QStringLiteral("call %1 has ended").arg(callSid));
    if (it == m_calls.end())
        return makeError(QStringLiteral("unknown-call"), QStringLiteral("no call %1 is known").arg(callSid));
    Call& call = it.value();
    if (isTerminal(call.state))
        return makeError(QStringLiteral("call-ended"), QStringLiteral("call %1 has ended").arg(callSid));
    if (token.isEmpty() || !twilio::signature::constantTimeEquals(token, call.token))
        return makeError(QStringLiteral("bad-token"),
                         QStringLiteral("stream for %1 did not present the call's token").arg(callSid));
    // One connection per stream (app/twilio/PROTOCOL.md §5.4): a second one would take over the
    // live stream's captures.
    if (call.activeStreams.contains(streamSid))
        return makeError(QStringLiteral("stream-already-bound"),
                         QStringLiteral("stream %1 is already live on another connection").arg(streamSid));
    call.activeStreams.insert(streamSid);
    setState(call, CallState::Streaming);
    emit callChanged(call);
    return call;
}

bool CallRegistry::isBidirectional(const QString& callSid) const
{
    const Call* call = find(callSid);
    return call && flowFor(*call).mode == FlowMode::Assistant;
}

void CallRegistry::streamEnded(const QString& callSid, const QString& streamSid, const QString& reason)
{
    auto it = m_calls.find(callSid);
    if (it == m_calls.end())
        return;
    Call& call = it.value();
    if (!call.activeStreams.remove(streamSid))
        return;
    if (call.activeStreams.isEmpty() && call.state == CallState::Streaming)
        call.state = CallState::InProgress;
    emitEvent(callSid,
              QStringLiteral("stream.closed"),
              QJsonObject{{QStringLiteral("stream_sid"), streamSid}, {QStringLiteral("reason"), reason}});
    emit callChanged(call);
}

void CallRegistry::sweep()
{
    const qint64 now = m_clock();
    std::vector<QString> streaming;
    while (!m_finished.empty() && now - m_finished.front().first >= m_retention.finishedMs) {
        const QString sid = std::move(m_finished.front().second);
        m_finished.pop_front();
        auto it = m_calls.find(sid);
        if (it == m_calls.end() || !isTerminal(it->state))
            continue;
        if (!it->activeStreams.isEmpty()) {
            streaming.push_back(sid); // its media session still needs it: look again later
            continue;
        }
        m_evicted.insert(sid, Tombstone{now, it->lastStatusSequence, it->chunks});
        m_evictedOrder.emplace_back(now, sid);
        m_calls.erase(it);
    }
    for (QString& sid : streaming)
        m_finished.emplace_back(now, std::move(sid));
    while (!m_evictedOrder.empty() && (now - m_evictedOrder.front().first >= m_retention.tombstoneMs ||
                                       m_evicted.size() > qMax(0, m_retention.maxTombstones))) {
        const auto& [at, sid] = m_evictedOrder.front();
        auto it = m_evicted.find(sid);
        if (it != m_evicted.end() && it->evictedAtMs == at)
            m_evicted.erase(it);
        m_evictedOrder.pop_front();
    }
}

WebhookReply CallRegistry::lateStatus(const QString& callSid,
                                      const QString& status,
                                      QJsonObject detail,
                                      std::optional<qint64> sequence)
{
    // As for a finished call still in memory: older sequence numbers are stale, anything else is
    // recorded; the call stays as it ended (a terminal state is final).
    Tombstone& tombstone = m_evicted[callSid];
    if (sequence && *sequence <= tombstone.lastStatusSequence) {
        detail.insert(QStringLiteral("newest_sequence"), tombstone.lastStatusSequence);
        emitEvent(callSid, QStringLiteral("status.stale"), detail);
        return twimlReply(emptyTwiml());
    }
    if (sequence)
        tombstone.lastStatusSequence = *sequence;
    emitEvent(callSid, QStringLiteral("status.") + status, detail);
    return twimlReply(emptyTwiml());
}

} // namespace sb::calls
