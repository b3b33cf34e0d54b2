// SPDX-License-Identifier: GPL-3.0-or-later
#include "storage/HistoryQueries.h"

#include "storage/Redaction.h"
#include "storage/SqlValues.h"

#include <QJsonArray>
#include <QSqlError>
#include <QSqlQuery>
#include <QStringDecoder>

namespace sb::storage {
namespace {

const QString kCallColumns =
    QStringLiteral("c.call_sid, c.account_sid, c.parent_call_sid, c.from_address, c.to_address, c.direction,"
                   " c.status, c.flow, c.created_at, c.answered_at, c.ended_at, c.duration_seconds,"
                   " c.last_status_sequence, c.error_code, c.error_message, c.state, c.stream_token, c.chunks");
constexpr int kCallColumnCount = 18;

const QString kStreamColumns =
    QStringLiteral("stream_sid, call_sid, name, tracks, bidirectional, custom_parameters, encoding, sample_rate,"
                   " channels, started_at, stopped_at, status, error");

const QString kTrackColumns = QStringLiteral(
    "t.stream_sid, t.track, t.frames, t.bytes, t.gaps, t.missing_frames, t.reordered, t.duplicates, t.late_frames,"
    " t.wav_path");

const QString kTranscriptColumns =
    QStringLiteral("id, call_sid, at, track, source, text, is_final, confidence, sequence");

const QString kRecordingColumns = QStringLiteral("recording_sid, call_sid, url, status, duration_seconds, channels,"
                                                 " source, local_path, created_at, downloaded_at, error");

QString webhookColumns(bool withBodies)
{
    return QStringLiteral("id, at, remote_address, method, path, query, request_headers, %1, status,"
                          " response_headers, %2, duration_micros, signature_verdict, call_sid, replay_of, note,"
                          " signature_diagnosis")
        .arg(withBodies ? QStringLiteral("request_body") : QStringLiteral("x''"),
             withBodies ? QStringLiteral("response_body") : QStringLiteral("x''"));
}

CallRecord readCall(const QSqlQuery& q)
{
    using namespace sqlvalue;
    CallRecord r;
    r.callSid = q.value(0).toString();
    r.accountSid = q.value(1).toString();
    r.parentCallSid = q.value(2).toString();
    r.from = q.value(3).toString();
    r.to = q.value(4).toString();
    r.direction = q.value(5).toString();
    r.status = q.value(6).toString();
    r.flow = q.value(7).toString();
    r.createdAt = toTime(q.value(8));
    r.answeredAt = toTime(q.value(9));
    r.endedAt = toTime(q.value(10));
    r.durationSeconds = int(toOptionalInt(q.value(11)));
    r.lastStatusSequence = q.value(12).toInt();
    r.errorCode = q.value(13).toString();
    r.errorMessage = q.value(14).toString();
    r.state = q.value(15).toString();
    r.streamToken = q.value(16).toString();
    r.chunks = q.value(17).toInt();
    return r;
}

CallEvent readEvent(const QSqlQuery& q)
{
    CallEvent r;
    r.id = q.value(0).toLongLong();
    r.callSid = q.value(1).toString();
    r.at = sqlvalue::toTime(q.value(2));
    r.kind = q.value(3).toString();
    r.detail = sqlvalue::toJsonObject(q.value(4));
    return r;
}

StreamRecord readStream(const QSqlQuery& q)
{
    using namespace sqlvalue;
    StreamRecord r;
    r.streamSid = q.value(0).toString();
    r.callSid = q.value(1).toString();
    r.name = q.value(2).toString();
    r.tracks = toStringList(q.value(3));
    r.bidirectional = q.value(4).toInt() != 0;
    r.customParameters = toJsonObject(q.value(5));
    r.encoding = q.value(6).toString();
    r.sampleRate = q.value(7).toInt();
    r.channels = q.value(8).toInt();
    r.startedAt = toTime(q.value(9));
    r.stoppedAt = toTime(q.value(10));
    r.status = q.value(11).toString();
    r.error = q.value(12).toString();
    return r;
}

StreamTrackStats readTrack(const QSqlQuery& q)
{
    StreamTrackStats r;
    r.streamSid = q.value(0).toString();
    r.track = q.value(1).toString();
    r.frames = q.value(2).toLongLong();
    r.bytes = q.value(3).toLongLong();
    r.gaps = q.value(4).toLongLong();
    r.missingFrames = q.value(5).toLongLong();
    r.reordered = q.value(6).toLongLong();
    r.duplicates = q.value(7).toLongLong();
    r.lateFrames = q.value(8).toLongLong();
    r.wavPath = q.value(9).toString();
    return r;
}

TranscriptSegment readTranscript(const QSqlQuery& q)
{
    TranscriptSegment r;
    r.id = q.value(0).toLongLong();
    r.callSid = q.value(1).toString();
    r.at = sqlvalue::toTime(q.value(2));
    r.track = q.value(3).toString();
    r.source = q.value(4).toString();
    r.text = q.value(5).toString();
    r.isFinal = q.value(6).toInt() != 0;
    r.confidence = q.value(7).isNull() ? -1.0 : q.value(7).toDouble();
    r.sequence = q.value(8).toLongLong();
    return r;
}

RecordingRecord readRecording(const QSqlQuery& q)
{
    using namespace sqlvalue;
    RecordingRecord r;
    r.recordingSid = q.value(0).toString();
    r.callSid = q.value(1).toString();
    r.url = q.value(2).toString();
    r.status = q.value(3).toString();
    r.durationSeconds = int(toOptionalInt(q.value(4)));
    r.channels = q.value(5).toInt();
    r.source = q.value(6).toString();
    r.localPath = q.value(7).toString();
    r.createdAt = toTime(q.value(8));
    r.downloadedAt = toTime(q.value(9));
    r.error = q.value(10).toString();
    return r;
}

WebhookLogEntry readWebhook(const QSqlQuery& q)
{
    using namespace sqlvalue;
    WebhookLogEntry r;
    r.id = q.value(0).toLongLong();
    r.at = toTime(q.value(1));
    r.remoteAddress = q.value(2).toString();
    r.method = q.value(3).toString();
    r.path = q.value(4).toString();
    r.query = q.value(5).toString();
    r.requestHeaders = toHeaders(q.value(6));
    r.requestBody = q.value(7).toByteArray();
    r.status = q.value(8).toInt();
    r.responseHeaders = toHeaders(q.value(9));
    r.responseBody = q.value(10).toByteArray();
    r.durationMicros = q.value(11).toLongLong();
    r.signatureVerdict = q.value(12).toString();
    r.callSid = q.value(13).toString();
    r.replayOf = q.value(14).isNull() ? 0 : q.value(14).toLongLong();
    r.note = q.value(15).toString();
    r.signatureDiagnosis = toJsonObject(q.value(16));
    return redactWebhookEntry(std::move(r)); // rows of older versions were stored with their secrets
}

/// Prepares, binds and runs `sql`; on failure returns the error with `context`.
std::optional<Error> run(QSqlQuery& query, const QString& sql, const QVariantList& values, const QString& context)
{
    query.setForwardOnly(true);
    if (!query.prepare(sql))
        return sqlError(query.lastError(), context);
    for (int i = 0; i < values.size(); ++i)
        query.bindValue(i, values.at(i));
    if (!query.exec())
        return sqlError(query.lastError(), context);
    return std::nullopt;
}

QString likePattern(const QString& text)
{
    QString escaped;
    escaped.reserve(text.size() + 2);
    escaped += QLatin1Char('%');
    for (const QChar c : text) {
        if (c == QLatin1Char('\\') || c == QLatin1Char('%') || c == QLatin1Char('_'))
            escaped += QLatin1Char('\\');
        escaped += c;
    }
    escaped += QLatin1Char('%');
    return escaped;
}

QJsonValue optionalString(const QString& value)
{
    return value.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(value);
}

QJsonValue optionalNumber(qint64 value)
{
    return value < 0 ? QJsonValue(QJsonValue::Null) : QJsonValue(value);
}

QJsonArray headersJson(const HeaderList& headers)
{
    QJsonArray out;
    for (const auto& [name, value] : headers)
        out.append(QJsonArray{QString::fromLatin1(name), QString::fromLatin1(value)});
    return out;
}

void putBody(QJsonObject& object, const QString& key, const QByteArray& body)
{
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString text = decoder.decode(body);
    if (!decoder.hasError()) {
        object.insert(key, text);
    } else {
        object.insert(key, QJsonValue::Null);
        object.insert(key + QStringLiteral("_base64"), QString::fromLatin1(body.toBase64()));
    }
}

/// Bytes per sample of a Media Streams encoding; 0 when unknown.
int bytesPerSample(const QString& encoding)
{
    if (encoding == QStringLiteral("audio/x-mulaw") || encoding == QStringLiteral("audio/x-alaw"))
        return 1;
    if (encoding.startsWith(QStringLiteral("audio/l16"), Qt::CaseInsensitive))
        return 2;
    return 0;
}

} // namespace

HistoryQueries::HistoryQueries(std::unique_ptr<Database> db)
    : m_db(std::move(db))
{
}

Result<std::unique_ptr<HistoryQueries>> HistoryQueries::open(const QString& path, int busyTimeoutMs)
{
    DatabaseOptions options;
    options.mode = OpenMode::ReadOnly;
    options.busyTimeoutMs = busyTimeoutMs;
    options.purpose = QStringLiteral("history");
    options.extraPragmas = {QStringLiteral("PRAGMA query_only = ON")};
    Result<std::unique_ptr<Database>> db = Database::open(path, options);
    if (!db)
        return db.error();
    return std::unique_ptr<HistoryQueries>(new HistoryQueries(std::move(db).value()));
}

Result<QList<CallSummary>> HistoryQueries::listCalls(int limit, int offset) const
{
    QSqlQuery q(m_db->handle());
    const QString sql = QStringLiteral("SELECT %1,"
                                       " (SELECT count(*) FROM call_events e WHERE e.call_sid = c.call_sid),"
                                       " (SELECT count(*) FROM streams s WHERE s.call_sid = c.call_sid),"
                                       " (SELECT count(*) FROM transcript_segments t WHERE t.call_sid = c.call_sid),"
                                       " (SELECT count(*) FROM recordings r WHERE r.call_sid = c.call_sid)"
                                       " FROM calls c ORDER BY c.created_at DESC, c.rowid DESC LIMIT ? OFFSET ?")
                            .arg(kCallColumns);
    if (auto failed = run(q, sql, {limit > 0 ? limit : -1, std::max(offset, 0)}, QStringLiteral("cannot list calls")))
        return *failed;
    QList<CallSummary> out;
    while (q.next()) {
        CallSummary s;
        s.call = readCall(q);
        s.eventCount = q.value(kCallColumnCount).toInt();
        s.streamCount = q.value(kCallColumnCount + 1).toInt();
        s.transcriptSegmentCount = q.value(kCallColumnCount + 2).toInt();
        s.recordingCount = q.value(kCallColumnCount + 3).toInt();
        out.append(s);
    }
    if (q.lastError().isValid())
        return sqlError(q.lastError(), QStringLiteral("cannot list calls"));
    return out;
}

Result<QList<CallRecord>> HistoryQueries::liveCalls() const
{
    QSqlQuery q(m_db->handle());
    const QString sql =
        QStringLiteral("SELECT %1 FROM calls c WHERE c.ended_at IS NULL"
                       " AND c.state NOT IN ('completed', 'failed', 'ended-unknown') ORDER BY c.created_at")
            .arg(kCallColumns);
    if (auto failed = run(q, sql, {}, QStringLiteral("cannot list live calls")))
        return *failed;
    QList<CallRecord> out;
    while (q.next())
        out.append(readCall(q));
    if (q.lastError().isValid())
        return sqlError(q.lastError(), QStringLiteral("cannot list live calls"));
    return out;
}

Result<qint64> HistoryQueries::countCalls() const
{
    const Result<QVariant> count = m_db->scalar(QStringLiteral("SELECT count(*) FROM calls"));
    if (!count)
        return count.error();
    return count->toLongLong();
}

Result<CallDetail> HistoryQueries::callDetail(const QString& callSid) const
{
    if (Result<int> begun = m_db->exec(QStringLiteral("BEGIN")); !begun)
        return begun.error();
    CallDetail detail;
    const Result<bool> read = readDetail(callSid, detail);
    (void)m_db->exec(QStringLiteral("COMMIT")); // a read transaction: nothing to lose
    if (!read)
        return read.error();
    return detail;
}

Result<bool> HistoryQueries::readDetail(const QString& callSid, CallDetail& detail) const
{
    const QString context = QStringLiteral("cannot read call %1").arg(callSid);
    {
        QSqlQuery q(m_db->handle());
        if (auto failed = run(
                q, QStringLiteral("SELECT %1 FROM calls c WHERE c.call_sid = ?").arg(kCallColumns), {callSid}, context))
            return *failed;
        if (!q.next())
            return makeError(QStringLiteral("storage.not-found"),
                             QStringLiteral("no call %1 in the history").arg(callSid));
        detail.call = readCall(q);
    }
    {
        QSqlQuery q(m_db->handle());
        if (auto failed = run(q,
                              QStringLiteral("SELECT id, call_sid, at, kind, detail FROM call_events"
                                             " WHERE call_sid = ? ORDER BY id"),
                              {callSid},
                              context))
            return *failed;
        while (q.next())
            detail.events.append(readEvent(q));
    }
    {
        QSqlQuery q(m_db->handle());
        if (auto failed = run(q,
                              QStringLiteral("SELECT %1 FROM streams WHERE call_sid = ? ORDER BY started_at, rowid")
                                  .arg(kStreamColumns),
                              {callSid},
                              context))
            return *failed;
        while (q.next())
            detail.streams.append(StreamDetail{readStream(q), {}});
    }
    {
        QSqlQuery q(m_db->handle());
        if (auto failed =
                run(q,
                    QStringLiteral("SELECT %1 FROM stream_tracks t JOIN streams s ON s.stream_sid = t.stream_sid"
                                   " WHERE s.call_sid = ? ORDER BY t.stream_sid, t.track")
                        .arg(kTrackColumns),
                    {callSid},
                    context))
            return *failed;
        while (q.next()) {
            StreamTrackStats track = readTrack(q);
            for (StreamDetail& stream : detail.streams) {
                if (stream.stream.streamSid == track.streamSid) {
                    stream.tracks.append(track);
                    break;
                }
            }
        }
    }
    {
        QSqlQuery q(m_db->handle());
        if (auto failed = run(q,
                              QStringLiteral("SELECT %1 FROM transcript_segments WHERE call_sid = ? ORDER BY at, id")
                                  .arg(kTranscriptColumns),
                              {callSid},
                              context))
            return *failed;
        while (q.next())
            detail.transcripts.append(readTranscript(q));
    }
    {
        QSqlQuery q(m_db->handle());
        if (auto failed = run(q,
                              QStringLiteral("SELECT %1 FROM recordings WHERE call_sid = ? ORDER BY created_at, rowid")
                                  .arg(kRecordingColumns),
                              {callSid},
                              context))
            return *failed;
        while (q.next())
            detail.recordings.append(readRecording(q));
    }
    {
        QSqlQuery q(m_db->handle());
        if (auto failed =
                run(q, QStringLiteral("SELECT id FROM webhook_log WHERE call_sid = ? ORDER BY id"), {callSid}, context))
            return *failed;
        while (q.next())
            detail.webhookIds.append(q.value(0).toLongLong());
    }
    return true;
}

bool matchesWebhookFilter(const WebhookFilter& filter, const WebhookLogEntry& entry)
{
    if (!filter.text.isEmpty()) {
        // SQLite's LIKE folds ASCII case only; so does this.
        const auto contains = [&](const QByteArray& haystack) {
            return haystack.toLower().contains(filter.text.toUtf8().toLower());
        };
        if (!contains(entry.path.toUtf8()) && !contains(entry.query.toUtf8()) && !contains(entry.callSid.toUtf8()) &&
            !contains(entry.requestBody) && !contains(entry.responseBody))
            return false;
    }
    if (filter.minStatus > 0 && entry.status < filter.minStatus)
        return false;
    if (filter.maxStatus > 0 && entry.status > filter.maxStatus)
        return false;
    if (!filter.verdict.isEmpty() && entry.signatureVerdict != filter.verdict)
        return false;
    if (!filter.callSid.isEmpty() && entry.callSid != filter.callSid)
        return false;
    return filter.path.isEmpty() || entry.path == filter.path;
}

Result<QList<WebhookLogEntry>> HistoryQueries::webhookLog(const WebhookFilter& filter) const
{
    QStringList where;
    QVariantList values;
    if (!filter.text.isEmpty()) {
        const QString pattern = likePattern(filter.text);
        QStringList alternatives;
        // Bodies are BLOBs, which LIKE never matches: compare them as text.
        for (const char* column :
             {"path", "query", "call_sid", "CAST(request_body AS TEXT)", "CAST(response_body AS TEXT)"}) {
            alternatives.append(QLatin1String(column) + QStringLiteral(" LIKE ? ESCAPE '\\'"));
            values.append(pattern);
        }
        where.append(QLatin1Char('(') + alternatives.join(QStringLiteral(" OR ")) + QLatin1Char(')'));
    }
    const auto condition = [&](const QString& sql, const QVariant& value) {
        where.append(sql);
        values.append(value);
    };
    if (filter.minStatus > 0)
        condition(QStringLiteral("status >= ?"), filter.minStatus);
    if (filter.maxStatus > 0)
        condition(QStringLiteral("status <= ?"), filter.maxStatus);
    if (!filter.verdict.isEmpty())
        condition(QStringLiteral("signature_verdict = ?"), filter.verdict);
    if (!filter.callSid.isEmpty())
        condition(QStringLiteral("call_sid = ?"), filter.callSid);
    if (!filter.path.isEmpty())
        condition(QStringLiteral("path = ?"), filter.path);
    if (filter.beforeId > 0)
        condition(QStringLiteral("id < ?"), filter.beforeId);
    values.append(filter.limit > 0 ? filter.limit : -1); // SQLite: a negative LIMIT means none
    const QString sql =
        QStringLiteral("SELECT %1 FROM webhook_log %2 ORDER BY id DESC LIMIT ?")
            .arg(webhookColumns(filter.withBodies),
                 where.isEmpty() ? QString() : QStringLiteral("WHERE ") + where.join(QStringLiteral(" AND ")));
    QSqlQuery q(m_db->handle());
    if (auto failed = run(q, sql, values, QStringLiteral("cannot read the webhook log")))
        return *failed;
    QList<WebhookLogEntry> out;
    while (q.next())
        out.append(readWebhook(q));
    if (q.lastError().isValid())
        return sqlError(q.lastError(), QStringLiteral("cannot read the webhook log"));
    return out;
}

Result<WebhookLogEntry> HistoryQueries::webhookEntry(qint64 id) const
{
    QSqlQuery q(m_db->handle());
    const QString context = QStringLiteral("cannot read webhook log entry %1").arg(id);
    if (auto failed =
            run(q, QStringLiteral("SELECT %1 FROM webhook_log WHERE id = ?").arg(webhookColumns(true)), {id}, context))
        return *failed;
    if (!q.next()) {
        if (q.lastError().isValid())
            return sqlError(q.lastError(), context);
        return makeError(QStringLiteral("storage.not-found"), QStringLiteral("no webhook log entry %1").arg(id));
    }
    return readWebhook(q);
}

namespace json {

QJsonValue time(const QDateTime& at)
{
    if (!at.isValid())
        return QJsonValue::Null;
    return at.toUTC().toString(Qt::ISODateWithMs);
}

QJsonObject call(const CallRecord& r)
{
    return QJsonObject{
        {QStringLiteral("call_sid"), r.callSid},
        {QStringLiteral("account_sid"), r.accountSid},
        {QStringLiteral("parent_call_sid"), optionalString(r.parentCallSid)},
        {QStringLiteral("from"), r.from},
        {QStringLiteral("to"), r.to},
        {QStringLiteral("direction"), r.direction},
        {QStringLiteral("status"), r.status},
        {QStringLiteral("state"), optionalString(r.state)},
        {QStringLiteral("flow"), r.flow},
        {QStringLiteral("chunks"), r.chunks},
        {QStringLiteral("created_at"), time(r.createdAt)},
        {QStringLiteral("answered_at"), time(r.answeredAt)},
        {QStringLiteral("ended_at"), time(r.endedAt)},
        {QStringLiteral("duration_seconds"), optionalNumber(r.durationSeconds)},
        {QStringLiteral("last_status_sequence"), optionalNumber(r.lastStatusSequence)},
        {QStringLiteral("error_code"), optionalString(r.errorCode)},
        {QStringLiteral("error_message"), optionalString(r.errorMessage)},
    };
}

QJsonObject callSummary(const CallSummary& s)
{
    QJsonObject out = call(s.call);
    out.insert(QStringLiteral("event_count"), s.eventCount);
    out.insert(QStringLiteral("stream_count"), s.streamCount);
    out.insert(QStringLiteral("transcript_segment_count"), s.transcriptSegmentCount);
    out.insert(QStringLiteral("recording_count"), s.recordingCount);
    return out;
}

QJsonObject callList(const QList<CallSummary>& calls, qint64 total, int limit, int offset)
{
    QJsonArray items;
    for (const CallSummary& s : calls)
        items.append(callSummary(s));
    return QJsonObject{
        {QStringLiteral("calls"), items},
        {QStringLiteral("total"), total},
        {QStringLiteral("limit"), limit},
        {QStringLiteral("offset"), offset},
    };
}

QJsonObject event(const CallEvent& e)
{
    return QJsonObject{
        {QStringLiteral("id"), e.id},
        {QStringLiteral("at"), time(e.at)},
        {QStringLiteral("kind"), e.kind},
        {QStringLiteral("detail"), e.detail},
    };
}

QJsonObject trackStats(const StreamTrackStats& t, const StreamRecord& stream)
{
    QJsonValue audioSeconds = QJsonValue::Null;
    const int width = bytesPerSample(stream.encoding);
    if (width > 0 && stream.sampleRate > 0)
        audioSeconds = double(t.bytes) / (double(stream.sampleRate) * width * std::max(stream.channels, 1));
    return QJsonObject{
        {QStringLiteral("track"), t.track},
        {QStringLiteral("frames"), t.frames},
        {QStringLiteral("bytes"), t.bytes},
        {QStringLiteral("audio_seconds"), audioSeconds},
        {QStringLiteral("gaps"), t.gaps},
        {QStringLiteral("missing_frames"), t.missingFrames},
        {QStringLiteral("reordered"), t.reordered},
        {QStringLiteral("duplicates"), t.duplicates},
        {QStringLiteral("late_frames"), t.lateFrames},
        {QStringLiteral("wav_path"), optionalString(t.wavPath)},
    };
}

QJsonObject stream(const StreamDetail& d)
{
    const StreamRecord& s = d.stream;
    QJsonValue duration = QJsonValue::Null;
    if (s.startedAt.isValid() && s.stoppedAt.isValid())
        duration = double(s.startedAt.msecsTo(s.stoppedAt)) / 1000.0;
    QJsonArray tracks;
    for (const StreamTrackStats& t : d.tracks)
        tracks.append(trackStats(t, s));
    return QJsonObject{
        {QStringLiteral("stream_sid"), s.streamSid},
        {QStringLiteral("name"), s.name},
        {QStringLiteral("tracks"), QJsonArray::fromStringList(s.tracks)},
        {QStringLiteral("bidirectional"), s.bidirectional},
        {QStringLiteral("custom_parameters"), s.customParameters},
        {QStringLiteral("encoding"), s.encoding},
        {QStringLiteral("sample_rate"), s.sampleRate},
        {QStringLiteral("channels"), s.channels},
        {QStringLiteral("started_at"), time(s.startedAt)},
        {QStringLiteral("stopped_at"), time(s.stoppedAt)},
        {QStringLiteral("duration_seconds"), duration},
        {QStringLiteral("status"), s.status},
        {QStringLiteral("error"), optionalString(s.error)},
        {QStringLiteral("track_stats"), tracks},
    };
}

QJsonObject transcriptSegment(const TranscriptSegment& t)
{
    return QJsonObject{
        {QStringLiteral("id"), t.id},
        {QStringLiteral("at"), time(t.at)},
        {QStringLiteral("track"), t.track},
        {QStringLiteral("source"), t.source},
        {QStringLiteral("text"), t.text},
        {QStringLiteral("is_final"), t.isFinal},
        {QStringLiteral("confidence"), t.confidence < 0 ? QJsonValue(QJsonValue::Null) : QJsonValue(t.confidence)},
        {QStringLiteral("sequence"), optionalNumber(t.sequence)},
    };
}

QJsonObject recording(const RecordingRecord& r)
{
    return QJsonObject{
        {QStringLiteral("recording_sid"), r.recordingSid},
        {QStringLiteral("call_sid"), r.callSid},
        {QStringLiteral("url"), r.url},
        {QStringLiteral("status"), r.status},
        {QStringLiteral("duration_seconds"), optionalNumber(r.durationSeconds)},
        {QStringLiteral("channels"), r.channels > 0 ? QJsonValue(r.channels) : QJsonValue(QJsonValue::Null)},
        {QStringLiteral("source"), r.source},
        {QStringLiteral("local_path"), optionalString(r.localPath)},
        {QStringLiteral("created_at"), time(r.createdAt)},
        {QStringLiteral("downloaded_at"), time(r.downloadedAt)},
        {QStringLiteral("error"), optionalString(r.error)},
    };
}

QJsonObject callDetail(const CallDetail& d)
{
    QJsonObject out = call(d.call);
    QJsonArray events;
    for (const CallEvent& e : d.events)
        events.append(event(e));
    QJsonArray streams;
    for (const StreamDetail& s : d.streams)
        streams.append(stream(s));
    QJsonArray transcript;
    for (const TranscriptSegment& t : d.transcripts)
        transcript.append(transcriptSegment(t));
    QJsonArray recordings;
    for (const RecordingRecord& r : d.recordings)
        recordings.append(recording(r));
    QJsonArray webhooks;
    for (const qint64 id : d.webhookIds)
        webhooks.append(id);
    out.insert(QStringLiteral("events"), events);
    out.insert(QStringLiteral("streams"), streams);
    out.insert(QStringLiteral("transcript"), transcript);
    out.insert(QStringLiteral("recordings"), recordings);
    out.insert(QStringLiteral("webhook_ids"), webhooks);
    return out;
}

QJsonObject webhookEntry(const WebhookLogEntry& w, bool withBodies)
{
    QJsonObject out{
        {QStringLiteral("id"), w.id},
        {QStringLiteral("at"), time(w.at)},
        {QStringLiteral("remote_address"), w.remoteAddress},
        {QStringLiteral("method"), w.method},
        {QStringLiteral("path"), w.path},
        {QStringLiteral("query"), w.query},
        {QStringLiteral("status"), w.status},
        {QStringLiteral("duration_seconds"), double(w.durationMicros) / 1e6},
        {QStringLiteral("signature_verdict"), w.signatureVerdict},
        {QStringLiteral("call_sid"), optionalString(w.callSid)},
        {QStringLiteral("replay_of"), w.replayOf > 0 ? QJsonValue(w.replayOf) : QJsonValue(QJsonValue::Null)},
        {QStringLiteral("note"), optionalString(w.note)},
        {QStringLiteral("request_headers"), headersJson(w.requestHeaders)},
        {QStringLiteral("response_headers"), headersJson(w.responseHeaders)},
        {QStringLiteral("signature_diagnosis"),
         w.signatureDiagnosis.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(w.signatureDiagnosis)},
    };
    if (withBodies) {
        putBody(out, QStringLiteral("request_body"), w.requestBody);
        putBody(out, QStringLiteral("response_body"), w.responseBody);
    }
    return out;
}

} // namespace json
} // namespace sb::storage
