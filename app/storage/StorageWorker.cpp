// SPDX-License-Identifier: GPL-3.0-or-later
#include "storage/StorageWorker.h"

#include "storage/PrivateFiles.h"
#include "storage/SqlValues.h"
#include "storage/StorageLog.h"

#include <QDeadlineTimer>
#include <algorithm>
#include <limits>
#include <mutex>

namespace sb::storage {
namespace {

template <class... Ts> struct Overloaded : Ts...
{
    using Ts::operator()...;
};
template <class... Ts> Overloaded(Ts...) -> Overloaded<Ts...>;

} // namespace

QString statsKey(const StreamTrackStats& stats)
{
    return stats.streamSid + QLatin1Char('/') + stats.track;
}

QString operationName(const WriteOp& op)
{
    return std::visit(Overloaded{
                          [](const CallRecord&) { return QStringLiteral("upsertCall"); },
                          [](const CallEvent&) { return QStringLiteral("appendEvent"); },
                          [](const StreamRecord&) { return QStringLiteral("upsertStream"); },
                          [](const StreamTrackStats&) { return QStringLiteral("updateTrackStats"); },
                          [](const WebhookLogEntry&) { return QStringLiteral("appendWebhook"); },
                          [](const TranscriptSegment&) { return QStringLiteral("appendTranscript"); },
                          [](const RecordingRecord&) { return QStringLiteral("upsertRecording"); },
                      },
                      op);
}

QString writeKey(const WriteOp& op)
{
    return std::visit(Overloaded{
                          [](const CallRecord& r) { return r.callSid; },
                          [](const CallEvent& r) { return r.callSid; },
                          [](const StreamRecord& r) { return r.streamSid; },
                          [](const StreamTrackStats& r) { return statsKey(r); },
                          [](const WebhookLogEntry& r) { return QStringLiteral("webhook %1").arg(r.id); },
                          [](const TranscriptSegment& r) { return r.callSid; },
                          [](const RecordingRecord& r) { return r.recordingSid; },
                      },
                      op);
}

QString describeWrite(const WriteOp& op)
{
    return std::visit(
        Overloaded{
            [](const CallRecord& r) { return QStringLiteral("call %1").arg(r.callSid); },
            [](const CallEvent& r) {
                return QStringLiteral("event %1 (%2) of call %3").arg(r.id).arg(r.kind, r.callSid);
            },
            [](const StreamRecord& r) { return QStringLiteral("stream %1 of call %2").arg(r.streamSid, r.callSid); },
            [](const StreamTrackStats& r) {
                return QStringLiteral("%1 track statistics of stream %2").arg(r.track, r.streamSid);
            },
            [](const WebhookLogEntry& r) { return QStringLiteral("webhook log entry %1 (%2)").arg(r.id).arg(r.path); },
            [](const TranscriptSegment& r) {
                return QStringLiteral("transcript segment %1 of call %2").arg(r.id).arg(r.callSid);
            },
            [](const RecordingRecord& r) { return QStringLiteral("recording %1").arg(r.recordingSid); },
        },
        op);
}

struct StorageWorker::Statements
{
    explicit Statements(const QSqlDatabase& db)
        : begin(db)
        , commit(db)
        , rollback(db)
        , callUpsert(db)
        , callStub(db)
        , eventInsert(db)
        , streamUpsert(db)
        , statsUpsert(db)
        , webhookInsert(db)
        , transcriptInsert(db)
        , recordingUpsert(db)
    {
    }

    /// Prepares every statement; on failure returns the failing statement's error.
    std::optional<Error> prepare()
    {
        const std::pair<QSqlQuery*, QString> all[] = {
            // IMMEDIATE takes the write lock at once: a busy database fails here, before any work.
            {&begin, QStringLiteral("BEGIN IMMEDIATE")},
            {&commit, QStringLiteral("COMMIT")},
            {&rollback, QStringLiteral("ROLLBACK")},
            // Never INSERT OR REPLACE: a replace deletes the row, and ON DELETE CASCADE would take
            // the call's events (or the stream's track stats) with it.
            // created_at is "first seen": the earliest of the stored and the given value; a
            // NULL given value means "now" for a new call and "unchanged" for a stored one.
            {&callUpsert,
             QStringLiteral("INSERT INTO calls (call_sid, account_sid, parent_call_sid, from_address, to_address,"
                            " direction, status, flow, created_at, answered_at, ended_at, duration_seconds,"
                            " last_status_sequence, error_code, error_message, state, stream_token, chunks)"
                            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, COALESCE(?, ?), ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                            " ON CONFLICT (call_sid) DO UPDATE SET account_sid = excluded.account_sid,"
                            " parent_call_sid = excluded.parent_call_sid, from_address = excluded.from_address,"
                            " to_address = excluded.to_address, direction = excluded.direction,"
                            " status = excluded.status, flow = excluded.flow,"
                            " created_at = MIN(calls.created_at, excluded.created_at),"
                            " answered_at = excluded.answered_at, ended_at = excluded.ended_at,"
                            " duration_seconds = excluded.duration_seconds,"
                            " last_status_sequence = excluded.last_status_sequence,"
                            " error_code = excluded.error_code, error_message = excluded.error_message,"
                            " state = excluded.state, stream_token = excluded.stream_token, chunks = excluded.chunks"
                            " RETURNING created_at")},
            {&callStub,
             QStringLiteral(
                 "INSERT INTO calls (call_sid, created_at) VALUES (?, ?) ON CONFLICT (call_sid) DO NOTHING")},
            {&eventInsert,
             QStringLiteral("INSERT INTO call_events (id, call_sid, at, kind, detail) VALUES (?, ?, ?, ?, ?)")},
            {&streamUpsert,
             QStringLiteral("INSERT INTO streams (stream_sid, call_sid, name, tracks, bidirectional, custom_parameters,"
                            " encoding, sample_rate, channels, started_at, stopped_at, status, error)"
                            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                            " ON CONFLICT (stream_sid) DO UPDATE SET call_sid = excluded.call_sid,"
                            " name = excluded.name, tracks = excluded.tracks, bidirectional = excluded.bidirectional,"
                            " custom_parameters = excluded.custom_parameters, encoding = excluded.encoding,"
                            " sample_rate = excluded.sample_rate, channels = excluded.channels,"
                            " started_at = excluded.started_at, stopped_at = excluded.stopped_at,"
                            " status = excluded.status, error = excluded.error")},
            {&statsUpsert,
             QStringLiteral("INSERT INTO stream_tracks (stream_sid, track, frames, bytes, gaps, missing_frames,"
                            " reordered, duplicates, late_frames, wav_path) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                            " ON CONFLICT (stream_sid, track) DO UPDATE SET frames = excluded.frames,"
                            " bytes = excluded.bytes, gaps = excluded.gaps, missing_frames = excluded.missing_frames,"
                            " reordered = excluded.reordered, duplicates = excluded.duplicates,"
                            " late_frames = excluded.late_frames, wav_path = excluded.wav_path")},
            {&webhookInsert,
             QStringLiteral("INSERT INTO webhook_log (id, at, remote_address, method, path, query, request_headers,"
                            " request_body, status, response_headers, response_body, duration_micros,"
                            " signature_verdict, call_sid, replay_of, note, signature_diagnosis)"
                            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")},
            {&transcriptInsert,
             QStringLiteral("INSERT INTO transcript_segments (id, call_sid, at, track, source, text, is_final,"
                            " confidence, sequence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")},
            {&recordingUpsert,
             QStringLiteral("INSERT INTO recordings (recording_sid, call_sid, url, status, duration_seconds, channels,"
                            " source, local_path, created_at, downloaded_at, error)"
                            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                            " ON CONFLICT (recording_sid) DO UPDATE SET call_sid = excluded.call_sid,"
                            " url = excluded.url, status = excluded.status,"
                            " duration_seconds = excluded.duration_seconds, channels = excluded.channels,"
                            " source = excluded.source, local_path = excluded.local_path,"
                            " created_at = excluded.created_at, downloaded_at = excluded.downloaded_at,"
                            " error = excluded.error")},
        };
        for (const auto& [query, sql] : all) {
            if (!query->prepare(sql))
                return sqlError(query->lastError(), QStringLiteral("cannot prepare \"%1\"").arg(sql.left(60)));
        }
        return std::nullopt;
    }

    QSqlQuery begin;
    QSqlQuery commit;
    QSqlQuery rollback;
    QSqlQuery callUpsert;
    QSqlQuery callStub;
    QSqlQuery eventInsert;
    QSqlQuery streamUpsert;
    QSqlQuery statsUpsert;
    QSqlQuery webhookInsert;
    QSqlQuery transcriptInsert;
    QSqlQuery recordingUpsert;
};

StorageWorker::StorageWorker(StorageShared& shared)
    : m_shared(shared)
{
}

StorageWorker::~StorageWorker()
{
    m_statements.reset();
    m_db.reset();
}

Result<int> StorageWorker::open()
{
    DatabaseOptions options;
    options.mode = OpenMode::ReadWrite;
    options.busyTimeoutMs = m_shared.options.busyTimeoutMs;
    options.purpose = QStringLiteral("writer");
    options.extraPragmas = m_shared.options.extraPragmas;
    Result<std::unique_ptr<Database>> opened = Database::open(m_shared.path, options);
    if (!opened)
        return opened.error();
    m_db = std::move(opened).value();

    const auto maxId = [this](const QString& sql) -> Result<qint64> {
        const Result<QVariant> value = m_db->scalar(sql);
        if (!value)
            return value.error();
        return value->toLongLong();
    };
    const Result<qint64> events = maxId(QStringLiteral("SELECT COALESCE(MAX(id), 0) FROM call_events"));
    const Result<qint64> transcripts = maxId(QStringLiteral("SELECT COALESCE(MAX(id), 0) FROM transcript_segments"));
    // AUTOINCREMENT: ids of deleted rows are never reused, so sqlite_sequence counts too.
    const Result<qint64> webhooks =
        maxId(QStringLiteral("SELECT MAX((SELECT COALESCE(MAX(id), 0) FROM webhook_log),"
                             " (SELECT COALESCE(MAX(seq), 0) FROM sqlite_sequence WHERE name = 'webhook_log'))"));
    for (const Result<qint64>* r : {&events, &transcripts, &webhooks}) {
        if (!*r)
            return r->error();
    }

    m_statements = std::make_unique<Statements>(m_db->handle());
    if (std::optional<Error> failed = m_statements->prepare())
        return *failed;

    std::unique_lock lock(m_shared.mutex);
    m_shared.lastEventId = *events;
    m_shared.lastTranscriptId = *transcripts;
    m_shared.lastWebhookId = *webhooks;
    return m_db->schemaVersion();
}

void StorageWorker::run()
{
    std::vector<QueuedWrite> batch;
    const int maxBatch = std::max(1, m_shared.options.maxBatchSize);
    for (;;) {
        batch.clear();
        bool abandon = false;
        {
            std::unique_lock lock(m_shared.mutex);
            while (m_shared.queue.empty() && !m_shared.stopping)
                m_shared.workAvailable.wait(lock);
            if (m_shared.queue.empty())
                break;
            abandon = m_shared.abandon;
            const int limit = abandon ? std::numeric_limits<int>::max() : maxBatch;
            int taken = 0;
            while (!m_shared.queue.empty() && taken < limit) {
                QueuedWrite write = std::move(m_shared.queue.front());
                m_shared.queue.pop_front();
                if (const auto* stats = std::get_if<StreamTrackStats>(&write.op)) {
                    const auto it = m_shared.pendingStats.constFind(statsKey(*stats));
                    if (it != m_shared.pendingStats.constEnd() && it.value() == write.ticket)
                        m_shared.pendingStats.erase(it);
                }
                if (!write.superseded)
                    ++taken;
                batch.push_back(std::move(write));
            }
        }

        if (abandon) {
            const Error error =
                makeError(QStringLiteral("storage.shutdown"),
                          QStringLiteral("not stored: the application shut down before it was written"));
            int abandoned = 0;
            for (const QueuedWrite& write : batch) {
                if (!write.superseded) {
                    report(write.op, error, 0, false);
                    ++abandoned;
                }
            }
            qCWarning(lcStorage) << abandoned << "queued writes were not stored: shutdown ran out of time";
        } else {
            process(batch);
        }

        std::unique_lock lock(m_shared.mutex);
        m_shared.doneTicket = batch.back().ticket;
        StorageStats& stats = m_shared.stats;
        stats.committed += std::exchange(m_committed, 0);
        stats.failed += std::exchange(m_failed, 0);
        stats.transactions += std::exchange(m_transactions, 0);
        stats.largestBatch = std::max(stats.largestBatch, m_largestBatch);
        m_shared.progress.notify_all();
    }
}

void StorageWorker::process(std::vector<QueuedWrite>& batch)
{
    std::vector<WriteOp*> ops;
    ops.reserve(batch.size());
    for (QueuedWrite& write : batch) {
        if (!write.superseded)
            ops.push_back(&write.op);
    }
    if (!ops.empty())
        commitOrReport(ops, true);
}

void StorageWorker::commitOrReport(const std::vector<WriteOp*>& ops, bool mayReplaySingly)
{
    int attempts = 0;
    std::optional<Failure> failure;
    for (;;) {
        ++attempts;
        failure = tryCommit(ops);
        if (!failure) {
            ++m_transactions;
            m_committed += ops.size();
            m_largestBatch = std::max(m_largestBatch, int(ops.size()));
            for (const WriteOp* op : ops)
                emitStored(*op);
            return;
        }
        if (!isTransient(failure->error) || attempts > m_shared.options.maxRetries)
            break;
        {
            std::unique_lock lock(m_shared.mutex); // published at once: a retry can take long
            ++m_shared.stats.retries;
        }
        const int delay = std::min(m_shared.options.retryDelayMs << std::min(attempts - 1, 10), 5000);
        qCDebug(lcStorage) << "database busy; retrying" << ops.size() << "writes in" << delay << "ms";
        if (!backOff(delay))
            break;
    }
    // A failure that is not about locking may come from one write alone (a constraint, say):
    // replay the batch one write per transaction so only the bad write is lost.
    if (mayReplaySingly && ops.size() > 1 && !isTransient(failure->error)) {
        for (WriteOp* op : ops)
            commitOrReport({op}, false);
        return;
    }
    for (std::size_t i = 0; i < ops.size(); ++i) {
        const Error error = sqlError(failure->error, QStringLiteral("cannot store %1").arg(describeWrite(*ops[i])));
        report(*ops[i], error, attempts, i == 0);
    }
    if (ops.size() > 1)
        qCWarning(lcStorage) << ops.size() - 1 << "more writes of that transaction were not stored either";
}

std::optional<StorageWorker::Failure> StorageWorker::tryCommit(const std::vector<WriteOp*>& ops)
{
    Statements& s = *m_statements;
    if (!s.begin.exec())
        return Failure{s.begin.lastError()};
    for (WriteOp* op : ops) {
        if (!apply(*op)) {
            const QSqlError error = m_lastError;
            // SQLite may already have rolled back (SQLITE_FULL, SQLITE_IOERR); then this fails harmlessly.
            s.rollback.exec();
            return Failure{error};
        }
    }
    if (!s.commit.exec()) {
        const QSqlError error = s.commit.lastError();
        s.rollback.exec();
        return Failure{error};
    }
    return std::nullopt;
}

bool StorageWorker::run(QSqlQuery& query)
{
    if (query.exec())
        return true;
    m_lastError = query.lastError();
    return false;
}

bool StorageWorker::apply(WriteOp& op)
{
    return std::visit([this](auto& record) { return apply(record); }, op);
}

bool StorageWorker::ensureCall(const QString& callSid, const QDateTime& at)
{
    QSqlQuery& q = m_statements->callStub;
    q.bindValue(0, callSid);
    q.bindValue(1, sqlvalue::time(at));
    return run(q);
}

bool StorageWorker::apply(CallRecord& r)
{
    using namespace sqlvalue;
    QSqlQuery& q = m_statements->callUpsert;
    q.bindValue(0, r.callSid);
    q.bindValue(1, text(r.accountSid));
    q.bindValue(2, text(r.parentCallSid));
    q.bindValue(3, text(r.from));
    q.bindValue(4, text(r.to));
    q.bindValue(5, text(r.direction));
    q.bindValue(6, text(r.status));
    q.bindValue(7, text(r.flow));
    q.bindValue(8, time(r.createdAt));
    q.bindValue(9, time(QDateTime::currentDateTimeUtc()));
    q.bindValue(10, time(r.answeredAt));
    q.bindValue(11, time(r.endedAt));
    q.bindValue(12, optionalInt(r.durationSeconds));
    q.bindValue(13, r.lastStatusSequence);
    q.bindValue(14, text(r.errorCode));
    q.bindValue(15, text(r.errorMessage));
    q.bindValue(16, text(r.state));
    q.bindValue(17, text(r.streamToken));
    q.bindValue(18, r.chunks);
    if (!run(q))
        return false;
    // RETURNING: the created_at the row now holds, for the callStored signal.
    if (q.next())
        r.createdAt = toTime(q.value(0));
    q.finish();
    return true;
}

bool StorageWorker::apply(const CallEvent& r)
{
    using namespace sqlvalue;
    if (!ensureCall(r.callSid, r.at))
        return false;
    QSqlQuery& q = m_statements->eventInsert;
    q.bindValue(0, r.id);
    q.bindValue(1, r.callSid);
    q.bindValue(2, time(r.at));
    q.bindValue(3, r.kind);
    q.bindValue(4, json(r.detail));
    return run(q);
}

bool StorageWorker::apply(const StreamRecord& r)
{
    using namespace sqlvalue;
    if (!ensureCall(r.callSid, r.startedAt.isValid() ? r.startedAt : QDateTime::currentDateTimeUtc()))
        return false;
    QSqlQuery& q = m_statements->streamUpsert;
    q.bindValue(0, r.streamSid);
    q.bindValue(1, r.callSid);
    q.bindValue(2, text(r.name));
    q.bindValue(3, json(r.tracks));
    q.bindValue(4, r.bidirectional ? 1 : 0);
    q.bindValue(5, json(r.customParameters));
    q.bindValue(6, text(r.encoding));
    q.bindValue(7, r.sampleRate);
    q.bindValue(8, r.channels);
    q.bindValue(9, time(r.startedAt));
    q.bindValue(10, time(r.stoppedAt));
    q.bindValue(11, text(r.status));
    q.bindValue(12, text(r.error));
    return run(q);
}

bool StorageWorker::apply(const StreamTrackStats& r)
{
    using namespace sqlvalue;
    QSqlQuery& q = m_statements->statsUpsert;
    q.bindValue(0, r.streamSid);
    q.bindValue(1, r.track);
    q.bindValue(2, r.frames);
    q.bindValue(3, r.bytes);
    q.bindValue(4, r.gaps);
    q.bindValue(5, r.missingFrames);
    q.bindValue(6, r.reordered);
    q.bindValue(7, r.duplicates);
    q.bindValue(8, r.lateFrames);
    q.bindValue(9, text(r.wavPath));
    // The capture was created by the audio layer with the process umask; whatever that was, the
    // file a stored row points at is the owner's only (a stat, and a chmod at most once).
    if (!r.wavPath.isEmpty())
        makeFilePrivate(r.wavPath);
    return run(q);
}

bool StorageWorker::apply(const WebhookLogEntry& r)
{
    using namespace sqlvalue;
    QSqlQuery& q = m_statements->webhookInsert;
    q.bindValue(0, r.id);
    q.bindValue(1, time(r.at));
    q.bindValue(2, text(r.remoteAddress));
    q.bindValue(3, text(r.method));
    q.bindValue(4, text(r.path));
    q.bindValue(5, text(r.query));
    q.bindValue(6, json(r.requestHeaders));
    q.bindValue(7, blob(r.requestBody));
    q.bindValue(8, r.status);
    q.bindValue(9, json(r.responseHeaders));
    q.bindValue(10, blob(r.responseBody));
    q.bindValue(11, r.durationMicros);
    q.bindValue(12, text(r.signatureVerdict));
    q.bindValue(13, text(r.callSid));
    q.bindValue(14, r.replayOf > 0 ? QVariant::fromValue<qint64>(r.replayOf) : QVariant(QMetaType::fromType<qint64>()));
    q.bindValue(15, text(r.note));
    q.bindValue(16, json(r.signatureDiagnosis));
    return run(q);
}

bool StorageWorker::apply(const TranscriptSegment& r)
{
    using namespace sqlvalue;
    if (!ensureCall(r.callSid, r.at))
        return false;
    QSqlQuery& q = m_statements->transcriptInsert;
    q.bindValue(0, r.id);
    q.bindValue(1, r.callSid);
    q.bindValue(2, time(r.at));
    q.bindValue(3, text(r.track));
    q.bindValue(4, text(r.source));
    q.bindValue(5, text(r.text));
    q.bindValue(6, r.isFinal ? 1 : 0);
    q.bindValue(7, r.confidence < 0 ? QVariant(QMetaType::fromType<double>()) : QVariant(r.confidence));
    q.bindValue(8, r.sequence);
    return run(q);
}

bool StorageWorker::apply(const RecordingRecord& r)
{
    using namespace sqlvalue;
    QSqlQuery& q = m_statements->recordingUpsert;
    q.bindValue(0, r.recordingSid);
    q.bindValue(1, text(r.callSid));
    q.bindValue(2, text(r.url));
    q.bindValue(3, text(r.status));
    q.bindValue(4, optionalInt(r.durationSeconds));
    q.bindValue(5, r.channels);
    q.bindValue(6, text(r.source));
    q.bindValue(7, text(r.localPath));
    q.bindValue(8, time(r.createdAt));
    q.bindValue(9, time(r.downloadedAt));
    q.bindValue(10, text(r.error));
    return run(q);
}

void StorageWorker::emitStored(const WriteOp& op)
{
    std::visit(Overloaded{
                   [this](const CallRecord& r) { emit callStored(r); },
                   [this](const CallEvent& r) { emit eventStored(r); },
                   [this](const StreamRecord& r) { emit streamStored(r); },
                   [this](const StreamTrackStats& r) { emit trackStatsStored(r); },
                   [this](const WebhookLogEntry& r) { emit webhookStored(r); },
                   [this](const TranscriptSegment& r) { emit transcriptStored(r); },
                   [this](const RecordingRecord& r) { emit recordingStored(r); },
               },
               op);
}

void StorageWorker::report(const WriteOp& op, const Error& error, int attempts, bool log)
{
    ++m_failed;
    if (log)
        qCWarning(lcStorage).noquote() << operationName(op) << "failed:" << error.message;
    emit writeFailed(WriteFailure{operationName(op), writeKey(op), error, attempts});
}

bool StorageWorker::backOff(int delayMs)
{
    QDeadlineTimer deadline(delayMs);
    std::unique_lock lock(m_shared.mutex);
    while (!m_shared.abandon) {
        if (!waitUntil(m_shared.abandoned, lock, deadline))
            return !m_shared.abandon;
    }
    return false;
}

} // namespace sb::storage
