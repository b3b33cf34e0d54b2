// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Module-internal: the queue shared by Storage (any thread) and its worker (storage thread).

#include "storage/Database.h"
#include "storage/Records.h"
#include "storage/Storage.h"

#include <QDeadlineTimer>
#include <QHash>
#include <QObject>
#include <QSqlError>
#include <QSqlQuery>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <variant>
#include <vector>

namespace sb::storage {

using WriteOp = std::
    variant<CallRecord, CallEvent, StreamRecord, StreamTrackStats, WebhookLogEntry, TranscriptSegment, RecordingRecord>;

struct QueuedWrite
{
    quint64 ticket = 0; ///< position in call order, 1, 2, 3, ...
    WriteOp op;
    bool superseded = false; ///< a newer track-stats snapshot of the same track is queued
};

/// Waits on `condition` (with `lock` held) until notified or `deadline` passes; false on timeout.
inline bool
waitUntil(std::condition_variable& condition, std::unique_lock<std::mutex>& lock, const QDeadlineTimer& deadline)
{
    if (deadline.isForever()) {
        condition.wait(lock);
        return true;
    }
    return condition.wait_until(lock, deadline.deadline<std::chrono::steady_clock>()) == std::cv_status::no_timeout;
}

/// State shared between the façade and the worker. Everything below `mutex` is guarded by it.
struct StorageShared
{
    // Set before the worker starts; read-only afterwards.
    QString path;
    StorageOptions options;

    // The standard library's mutex and condition variables rather than Qt's: ThreadSanitizer
    // intercepts every lock and unlock of these, whereas QWaitCondition unlocks a QMutex inside the
    // (uninstrumented) Qt library, which the sanitizer then reports as a double lock.
    mutable std::mutex mutex;
    std::condition_variable workAvailable; ///< worker sleeps on it: queue not empty, or stopping
    std::condition_variable progress;      ///< open()/flush() sleep on it: doneTicket moved, open done, worker exited
    std::condition_variable abandoned;     ///< a retry back-off sleeps on it: close() gave up waiting
    std::deque<QueuedWrite> queue;
    quint64 nextTicket = 1;
    quint64 doneTicket = 0; ///< every write with ticket <= doneTicket is committed or reported
    bool accepting = false; ///< public methods queue writes (false before open and from close on)
    bool stopping = false;  ///< worker: exit once the queue is empty
    bool abandon = false;   ///< worker: report everything still queued as storage.shutdown
    bool openDone = false;
    bool workerExited = false;
    std::optional<Error> openError;
    int schemaVersion = 0;
    QHash<QString, quint64> pendingStats; ///< "streamSid/track" -> ticket of its queued snapshot
    qint64 lastEventId = 0;
    qint64 lastWebhookId = 0;
    qint64 lastTranscriptId = 0;
    StorageStats stats;
};

/// Owns the only writing connection. Created, used and destroyed on the storage thread
/// (inside Storage's thread function); its signals are relayed to Storage by queued connections.
class StorageWorker : public QObject
{
    Q_OBJECT

public:
    explicit StorageWorker(StorageShared& shared);
    ~StorageWorker() override;

    /// Opens and migrates the database, prepares statements, reads the id counters.
    Result<int> open();
    /// Takes writes off the queue until asked to stop and the queue is empty.
    void run();

signals:
    void callStored(const sb::storage::CallRecord& call);
    void eventStored(const sb::storage::CallEvent& event);
    void streamStored(const sb::storage::StreamRecord& stream);
    void trackStatsStored(const sb::storage::StreamTrackStats& stats);
    void webhookStored(const sb::storage::WebhookLogEntry& entry);
    void transcriptStored(const sb::storage::TranscriptSegment& segment);
    void recordingStored(const sb::storage::RecordingRecord& recording);
    void writeFailed(const sb::storage::WriteFailure& failure);

private:
    struct Statements;
    struct Failure
    {
        QSqlError error;
    };

    void process(std::vector<QueuedWrite>& batch);
    void commitOrReport(const std::vector<WriteOp*>& ops, bool mayReplaySingly);
    std::optional<Failure> tryCommit(const std::vector<WriteOp*>& ops);
    bool apply(WriteOp& op);
    /// Sets call.createdAt to the stored value (see CallRecord::createdAt).
    bool apply(CallRecord& call);
    bool apply(const CallEvent& event);
    bool apply(const StreamRecord& stream);
    bool apply(const StreamTrackStats& stats);
    bool apply(const WebhookLogEntry& entry);
    bool apply(const TranscriptSegment& segment);
    bool apply(const RecordingRecord& recording);
    bool ensureCall(const QString& callSid, const QDateTime& at);
    bool run(QSqlQuery& query);
    void emitStored(const WriteOp& op);
    /// Counts and signals a failed write; `log`: also one warning line (callers log summaries).
    void report(const WriteOp& op, const Error& error, int attempts, bool log);
    /// Sleeps before a retry; false if close() asked to give up meanwhile.
    bool backOff(int delayMs);

    StorageShared& m_shared;
    std::unique_ptr<Database> m_db;
    std::unique_ptr<Statements> m_statements; // destroyed before m_db (declared after it)
    QSqlError m_lastError;
    // Counters of the batch in progress, published with doneTicket.
    quint64 m_committed = 0;
    quint64 m_failed = 0;
    quint64 m_transactions = 0;
    int m_largestBatch = 0;
};

/// "streamSid/track": the identity of a track-stats snapshot.
QString statsKey(const StreamTrackStats& stats);
/// "upsertCall", "appendEvent", ... for a write.
QString operationName(const WriteOp& op);
/// WriteFailure::key of a write: the SID it is about ("CA…", "MZ…/inbound", "RE…", "webhook 42").
QString writeKey(const WriteOp& op);
/// What a write is about, for messages: "CA…", "MZ…/inbound", "webhook 42", "event 7 (dtmf) of CA…".
QString describeWrite(const WriteOp& op);

} // namespace sb::storage
