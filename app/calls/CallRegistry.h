// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "calls/Flow.h"
#include "calls/FlowLibrary.h"
#include "webhook/Webhook.h"

#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QSet>
#include <deque>
#include <functional>

namespace sb::calls {

/// The console's view of a call. Twilio's own status is kept in `twilioStatus`. EndedUnknown
/// (`ended-unknown`) is final: the call went quiet and nobody could say how it ended
/// (reconciliation without the REST API, see reconcile()).
enum class CallState { Ringing, InProgress, Streaming, Completed, Failed, EndedUnknown };
QString stateName(CallState state);
std::optional<CallState> callStateFromString(QStringView text);
bool isTerminal(CallState state);

struct Call
{
    QString callSid;
    QString accountSid;
    QString from;
    QString to;
    QString direction;
    CallState state = CallState::Ringing;
    QString twilioStatus; ///< last CallStatus Twilio reported (completed, busy, no-answer...)
    QString flow;
    QByteArray token; ///< per-call token the media stream must present
    QDateTime createdAt;
    QDateTime answeredAt;
    QDateTime endedAt;
    qint64 durationSeconds = -1;
    qint64 lastStatusSequence = -1;
    int chunks = 0; ///< <Record> chunks received (chunked/hybrid)
    QSet<QString> activeStreams;
    /// When anything last arrived for the call (webhook, callback, stream event), on the
    /// registry's clock; not stored.
    qint64 lastActivityMs = 0;
};

/// Something that happened to a call, in arrival order. `kind` names are stable (stored and
/// shown): webhook.voice, status.<CallStatus>, call.reconciled, status.stale, recording.<status>, chunk,
/// transcription.<event>, stream-status.<event>, stream.start, stream.stop, dtmf, mark,
/// stream.rejected, stream.closed, and from media sessions stream.invalid-message,
/// stream.protocol-warning, stream.discontinuity, stream.capture-stopped (see MediaSession).
struct CallEvent
{
    QString callSid;
    QDateTime at;
    QString kind;
    QJsonObject detail;
};

/// How long finished calls stay in memory. Storage keeps every call for good; the registry only
/// needs a call while Twilio may still send callbacks for it.
struct CallRetention
{
    /// A finished call (Completed or Failed, with no stream open) stays whole in memory this long
    /// after it finished, so late and repeated callbacks are handled exactly as before it ended.
    qint64 finishedMs = 60 * 1000;
    /// Then it is evicted and only a tombstone remains (its SID, newest status SequenceNumber and
    /// chunk count: about 150 bytes instead of a whole call), for this long and at most
    /// maxTombstones of them (the oldest go first). After that, a callback for it is treated like
    /// one for a call never seen (as after a restart).
    qint64 tombstoneMs = 24LL * 3600 * 1000;
    int maxTombstones = 100000;
};

/// The call registry: the per-call state machine fed by webhooks (through handle()) and by media
/// sessions. It tolerates Twilio's out-of-order and repeated callbacks: status callbacks older
/// than the newest seen SequenceNumber are recorded but change nothing, states never move
/// backwards, and a terminal state is final. Webhooks for calls it has never seen (for example
/// after a restart) create the call. Every change is announced by callChanged() and every event
/// by eventRecorded(), in order, for storage to persist.
///
/// Finished calls are evicted from memory some time after they ended (CallRetention); the
/// webhooks and stream events that arrive for an evicted call are still answered (200, empty
/// TwiML: the call is over) and recorded as events (eventRecorded), with status callbacks still
/// checked against the newest SequenceNumber (status.stale), but they neither bring the call back
/// nor announce it again (callChanged), so the stored call row stays as it was when it ended.
/// Evictions happen as webhooks arrive (each one sweeps what is due, in the order calls ended).
///
/// Lives on the network thread (it answers webhooks synchronously).
class CallRegistry : public QObject
{
    Q_OBJECT

public:
    using TokenGenerator = std::function<QByteArray()>;
    /// Milliseconds on a monotonic clock (tests pass their own).
    using Clock = std::function<qint64()>;

    explicit CallRegistry(FlowLibrary flows, QString activeFlow, QObject* parent = nullptr);

    /// Answers one webhook that already passed the listener's checks. A replay (replayOf > 0) is
    /// answered as a dry run: the same reply, but no call changes and no signal is emitted.
    webhook::WebhookReply handle(const webhook::WebhookRequest& request);

    /// URLs the flows put into TwiML (follow the tunnel when it changes).
    void setUrls(const QString& publicUrl, const QString& streamUrl);
    void setTokenGenerator(TokenGenerator generator) { m_tokens = std::move(generator); }
    /// Replaces the flow library (reloaded from disk) and the flow for new calls. Calls already
    /// answered keep their flow by name (the new library's version of it, or the active one if it
    /// is gone). Refused, changing nothing, when `activeFlow` is not in `flows`.
    Result<QString> setFlows(FlowLibrary flows, const QString& activeFlow);
    QString activeFlow() const { return m_activeFlow; }

    /// Puts back calls that were live when the process stopped (crash recovery).
    void restore(const QList<Call>& calls);

    /// A call in memory; null for one never seen or already evicted.
    const Call* find(const QString& callSid) const;
    QList<Call> calls() const { return m_calls.values(); }

    void setRetention(const CallRetention& retention) { m_retention = retention; }
    void setClock(Clock clock) { m_clock = std::move(clock); }
    /// Calls held in memory (live and recently finished).
    qsizetype size() const { return m_calls.size(); }
    /// Tombstones of evicted calls held in memory.
    qsizetype evictedCount() const { return m_evicted.size(); }
    /// True when the call finished and was evicted (its tombstone is still kept).
    bool isEvicted(const QString& callSid) const { return m_evicted.contains(callSid); }

    /// Media sessions: binds a stream to its call. Fails (with a reason for the close frame) when
    /// the call is unknown, over, the token does not match, or the stream is already bound and
    /// not yet ended (one live binding per stream).
    Result<Call> bindStream(const QString& callSid, const QByteArray& token, const QString& streamSid);
    /// True when the call's flow uses a bidirectional <Connect><Stream>.
    bool isBidirectional(const QString& callSid) const;
    void streamEnded(const QString& callSid, const QString& streamSid, const QString& reason);
    /// Records an event that came from a media session (dtmf, mark, stream.start...).
    void recordEvent(const QString& callSid, const QString& kind, const QJsonObject& detail);

    /// Live calls with no open stream where nothing has arrived for `quietMs` or longer
    /// (candidates for reconciliation).
    QStringList quietCalls(qint64 quietMs) const;
    /// Reconciliation of a quiet call: `twilioStatus` is what Twilio's REST API reports (`how`
    /// `rest`; a final status ends the call, a live one only counts as activity), or empty when
    /// nobody could tell (`how` `timeout`: the call ends as EndedUnknown). Records
    /// `call.reconciled` {how, status, previous_state, note (why the REST API could not tell, if given)}. Does nothing
    /// for a call that is no longer live or has a stream open again.
    void reconcile(const QString& callSid,
                   const QString& how,
                   const QString& twilioStatus,
                   qint64 durationSeconds = -1,
                   const QString& note = QString());

signals:
    void callChanged(const sb::calls::Call& call);
    void eventRecorded(const sb::calls::CallEvent& event);

private:
    webhook::WebhookReply onVoice(const webhook::WebhookRequest& request);
    webhook::WebhookReply onStatus(const webhook::WebhookRequest& request);
    webhook::WebhookReply onRecording(const webhook::WebhookRequest& request);
    webhook::WebhookReply onProcessVoice(const webhook::WebhookRequest& request);
    webhook::WebhookReply onTranscription(const webhook::WebhookRequest& request);
    webhook::WebhookReply onStreamStatus(const webhook::WebhookRequest& request);

    Call& ensureCall(const QString& callSid, const QString& accountSid);
    void setState(Call& call, CallState state);
    void emitEvent(const QString& callSid, const QString& kind, const QJsonObject& detail);
    FlowContext contextFor(const Call& call) const;
    const Flow& flowFor(const Call& call) const;
    /// Evicts finished calls and drops tombstones that are due.
    void sweep();
    webhook::WebhookReply
    lateStatus(const QString& callSid, const QString& status, QJsonObject detail, std::optional<qint64> sequence);

    struct Tombstone
    {
        qint64 evictedAtMs = 0;
        qint64 lastStatusSequence = -1;
        int chunks = 0;
    };

    FlowLibrary m_flows;
    QString m_activeFlow;
    QString m_publicUrl;
    QString m_streamUrl;
    TokenGenerator m_tokens;
    QHash<QString, Call> m_calls;
    CallRetention m_retention;
    Clock m_clock;
    /// (when it finished, SID), in the order calls finished.
    std::deque<std::pair<qint64, QString>> m_finished;
    QHash<QString, Tombstone> m_evicted;
    /// (when it was evicted, SID), oldest first.
    std::deque<std::pair<qint64, QString>> m_evictedOrder;
};

} // namespace sb::calls

Q_DECLARE_METATYPE(sb::calls::Call)
Q_DECLARE_METATYPE(sb::calls::CallEvent)
