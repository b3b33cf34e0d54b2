// SPDX-License-Identifier: GPL-3.0-or-later
#include "bootstrap/RecordMapping.h"

#include "storage/TranscriptEvents.h"

namespace sb::bootstrap {

storage::WebhookLogEntry toRecord(const server::WebhookExchange& e)
{
    storage::WebhookLogEntry r;
    r.at = e.receivedAt;
    r.remoteAddress = e.remoteAddress;
    r.method = QString::fromLatin1(e.method);
    r.path = QString::fromUtf8(e.path);
    r.query = QString::fromUtf8(e.query);
    r.requestHeaders = e.requestHeaders;
    r.requestBody = e.requestBody;
    r.status = e.status;
    r.responseHeaders = e.responseHeaders;
    r.responseBody = e.responseBody;
    r.durationMicros = e.durationMicros;
    r.signatureVerdict = e.signatureVerdict;
    r.callSid = e.callSid;
    r.note = e.note;
    r.replayOf = e.replayOf;
    r.signatureDiagnosis = e.signatureDiagnosis;
    return r;
}

storage::CallRecord toRecord(const calls::Call& c)
{
    storage::CallRecord r;
    r.callSid = c.callSid;
    r.accountSid = c.accountSid;
    r.from = c.from;
    r.to = c.to;
    r.direction = c.direction;
    r.status = c.twilioStatus;
    r.state = calls::stateName(c.state);
    r.streamToken = QString::fromLatin1(c.token);
    r.flow = c.flow;
    r.createdAt = c.createdAt;
    r.answeredAt = c.answeredAt;
    r.endedAt = c.endedAt;
    r.durationSeconds = int(c.durationSeconds);
    r.lastStatusSequence = int(c.lastStatusSequence);
    r.chunks = c.chunks;
    return r;
}

calls::Call fromRecord(const storage::CallRecord& r)
{
    calls::Call c;
    c.callSid = r.callSid;
    c.accountSid = r.accountSid;
    c.from = r.from;
    c.to = r.to;
    c.direction = r.direction;
    c.twilioStatus = r.status;
    c.state = calls::callStateFromString(r.state).value_or(calls::CallState::InProgress);
    c.token = r.streamToken.toLatin1();
    c.flow = r.flow;
    c.createdAt = r.createdAt;
    c.answeredAt = r.answeredAt;
    c.endedAt = r.endedAt;
    c.durationSeconds = r.durationSeconds;
    c.lastStatusSequence = r.lastStatusSequence;
    c.chunks = r.chunks;
    return c;
}

storage::CallEvent toRecord(const calls::CallEvent& e)
{
    storage::CallEvent r;
    r.callSid = e.callSid;
    r.at = e.at;
    r.kind = e.kind;
    r.detail = e.detail;
    return r;
}

storage::StreamTrackStats toRecord(const calls::TrackStats& s)
{
    storage::StreamTrackStats r;
    r.streamSid = s.streamSid;
    r.track = s.track;
    r.frames = s.frames;
    r.bytes = s.bytes;
    r.gaps = s.gaps;
    r.missingFrames = (s.missingMs + 19) / 20; // in 20 ms frames, Twilio's cadence
    r.reordered = s.reordered;
    r.duplicates = s.duplicates;
    r.lateFrames = s.late;
    r.wavPath = s.wavPath;
    return r;
}

storage::StreamRecord streamRecordFrom(const calls::MediaSession& session, const QString& status, const QString& error)
{
    const twilio::StartMessage& start = session.startMessage();
    storage::StreamRecord r;
    r.streamSid = start.streamSid;
    r.callSid = start.callSid;
    for (twilio::MediaTrack t : start.tracks)
        r.tracks << twilio::toWireString(t);
    r.bidirectional = session.isBidirectional();
    for (const auto& [name, value] : start.customParameters) {
        if (name != QLatin1String(calls::kCallTokenParameter))
            r.customParameters.insert(name, value);
    }
    r.encoding = start.mediaFormat.encoding;
    r.sampleRate = start.mediaFormat.sampleRate;
    r.channels = start.mediaFormat.channels;
    r.startedAt = session.startedAt();
    if (status != QLatin1String("started"))
        r.stoppedAt = QDateTime::currentDateTimeUtc();
    r.status = status;
    r.error = error;
    return r;
}

std::optional<storage::TranscriptSegment> transcriptFrom(const calls::CallEvent& e)
{
    return storage::transcriptSegmentFrom(e.kind, e.callSid, e.at, e.detail);
}

std::optional<storage::RecordingRecord> recordingFrom(const calls::CallEvent& e)
{
    if (!e.kind.startsWith(QLatin1String("recording.")))
        return std::nullopt;
    storage::RecordingRecord r;
    r.recordingSid = e.detail.value(QLatin1String("recording_sid")).toString();
    if (r.recordingSid.isEmpty())
        return std::nullopt;
    r.callSid = e.callSid;
    r.url = e.detail.value(QLatin1String("url")).toString();
    r.status = e.detail.value(QLatin1String("status")).toString();
    r.durationSeconds = e.detail.value(QLatin1String("duration")).toInt(-1);
    r.channels = e.detail.value(QLatin1String("channels")).toInt(0);
    r.source = e.detail.value(QLatin1String("source")).toString();
    r.createdAt = e.at;
    return r;
}

} // namespace sb::bootstrap
