// SPDX-License-Identifier: GPL-3.0-or-later
// CallRegistry's reconciliation of calls that went quiet (declared in CallRegistry.h).
#include "calls/CallRegistry.h"
#include "twilio/WebhookParams.h"

namespace sb::calls {

QStringList CallRegistry::quietCalls(qint64 quietMs) const
{
    const qint64 now = m_clock();
    QStringList out;
    for (const Call& call : m_calls) {
        if (!isTerminal(call.state) && call.activeStreams.isEmpty() && now - call.lastActivityMs >= quietMs)
            out.append(call.callSid);
    }
    return out;
}

void CallRegistry::reconcile(const QString& callSid,
                             const QString& how,
                             const QString& twilioStatus,
                             qint64 durationSeconds,
                             const QString& note)
{
    auto it = m_calls.find(callSid);
    if (it == m_calls.end() || isTerminal(it->state) || !it->activeStreams.isEmpty())
        return;
    Call& call = it.value();
    const QString previous = stateName(call.state);
    const auto status = twilio::callStatusFromString(twilioStatus);
    if (!status) {
        setState(call, CallState::EndedUnknown);
    } else if (twilio::isTerminal(*status)) {
        setState(call, *status == twilio::CallStatus::Completed ? CallState::Completed : CallState::Failed);
        call.twilioStatus = twilioStatus;
    } else {
        call.twilioStatus = twilioStatus; // still live for Twilio: it stays live here
    }
    if (isTerminal(call.state)) {
        call.endedAt = QDateTime::currentDateTimeUtc();
        if (durationSeconds >= 0)
            call.durationSeconds = durationSeconds;
        else if (call.answeredAt.isValid() && status)
            call.durationSeconds = call.answeredAt.secsTo(call.endedAt);
    }
    QJsonObject detail{{QStringLiteral("how"), how},
                       {QStringLiteral("status"), status ? twilioStatus : QStringLiteral("ended-unknown")},
                       {QStringLiteral("previous_state"), previous}};
    if (!note.isEmpty())
        detail.insert(QStringLiteral("note"), note);
    emitEvent(callSid, QStringLiteral("call.reconciled"), detail);
    emit callChanged(call);
}

} // namespace sb::calls
