// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/Result.h"
#include "storage/Records.h"

#include <QObject>
#include <QString>
#include <QStringList>
#include <memory>

class QLockFile;
class QThread;

namespace sb::storage {

class StorageWorker;
struct StorageShared;

struct StorageOptions
{
    /// Per statement: how long to wait for a lock another process holds before SQLITE_BUSY.
    int busyTimeoutMs = 5000;
    /// At most this many queued writes are committed in one transaction. Writes queued while a
    /// transaction runs are taken together next time, so under load one commit (one fsync of the
    /// WAL at checkpoints) covers many writes; when idle each write is its own transaction.
    int maxBatchSize = 256;
    /// A transaction that failed with SQLITE_BUSY/LOCKED is tried again this many times, after
    /// retryDelayMs, doubling each time (at most 5 s apart), before its writes are reported as failed.
    int maxRetries = 3;
    int retryDelayMs = 100;
    /// A track-stats snapshot still waiting in the queue is dropped when a newer snapshot of the
    /// same stream track is queued (the newer one is queued at the end, so what is applied is
    /// still in call order, and the last snapshot always wins). Counted in StorageStats::superseded.
    bool coalesceTrackStats = true;
    /// How long open() waits for the storage thread to open and migrate the database.
    int openTimeoutMs = 60000;
    /// Take `<file>.lock` (QLockFile) so a second Switchboard cannot write to the same file.
    /// A lock left by a crashed process is taken over.
    bool lockFile = true;
    /// Extra statements for the writing connection (tests: "PRAGMA max_page_count = N").
    QStringList extraPragmas;
};

/// Counters since open(); a consistent snapshot.
struct StorageStats
{
    quint64 queued = 0;     ///< writes accepted by the public methods
    quint64 committed = 0;  ///< writes committed (their *Stored signal was emitted)
    quint64 failed = 0;     ///< writes reported through writeFailed (including refused ones)
    quint64 superseded = 0; ///< track-stats snapshots replaced by a newer one before being written
    quint64 transactions = 0;
    quint64 retries = 0; ///< transactions tried again after SQLITE_BUSY/LOCKED
    int largestBatch = 0;
    int pending = 0; ///< writes waiting in the queue right now
};

/// The single writer of the history database: a façade, usable from any thread, in front of a
/// worker that owns the only writing SQLite connection on its own thread ("storage thread").
///
/// Threading: the Storage object itself lives on the thread that created it (the owning thread,
/// normally the main thread); its *signals* are emitted there, through queued connections from
/// the worker, so connect to it like any object of that thread. The write methods may be
/// called from any thread at any time; they only copy the record into a queue and return.
/// Call open() and close() on the owning thread, and stop the producing threads before
/// destroying the Storage. One Storage opens one file once; to reopen, make a new Storage.
///
/// Ordering: writes are applied strictly in the order the calls happened (one queue, one writer).
/// Every write is committed before its *Stored signal is emitted, so a slot that reads the
/// database (HistoryQueries, another process) finds the row: "stored before shown".
///
/// Appended rows get their ids here, at call time, from the same counter the database uses;
/// the returned id is the id of the row once committed (and the id in the *Stored signal).
/// If the write fails, that id is simply never used.
///
/// Writes that fail are reported once each through writeFailed() with an sb::Error whose code is
/// one of `storage.busy` (locked by another process past the retries), `storage.disk-full`,
/// `storage.io-error`, `storage.read-only`, `storage.corrupt`, `storage.constraint` (e.g. track
/// stats for a stream never stored), `storage.invalid` (a record without its key),
/// `storage.closed` (written before open() or after close()), `storage.shutdown` (still queued when close() ran out
/// of time), or `storage.sql-error`. A failure affects only the writes of that transaction (a
/// batch that fails for one bad write is replayed write by write); later writes are still tried.
/// Nothing throws and nothing is dropped without a report.
///
/// Referential integrity: events, streams and transcript segments need their call row; if the
/// call was not stored yet, a placeholder call row (only the SID and the time) is created, and a
/// later upsertCall fills it. Track stats need their stream (upsertStream first).
class Storage : public QObject
{
    Q_OBJECT

public:
    explicit Storage(QObject* parent = nullptr);
    /// close() with the default timeout, if still open.
    ~Storage() override;

    /// Opens (creating and migrating) the database file on the storage thread and waits until it
    /// is ready. Returns the schema version. Errors: those of Database::open, plus `storage.in-use`
    /// (another process holds the lock file) and `storage.already-open`.
    Result<int> open(const QString& path, const StorageOptions& options = {});
    bool isOpen() const;
    QString path() const { return m_path; }

    /// Inserts the call or replaces every column of the stored one (createdAt: see CallRecord).
    void upsertCall(const CallRecord& call);
    /// Appends an event; returns its id (0 if the write was refused at once).
    qint64 appendEvent(const CallEvent& event);
    /// Inserts the stream or replaces every column of the stored one.
    void upsertStream(const StreamRecord& stream);
    /// Inserts or replaces the snapshot of one stream track (see StorageOptions::coalesceTrackStats).
    void updateTrackStats(const StreamTrackStats& stats);
    /// Appends a webhook exchange; returns its id (0 if refused), usable at once as a replayOf.
    qint64 appendWebhook(const WebhookLogEntry& entry);
    /// Appends a transcript segment; returns its id (0 if refused).
    qint64 appendTranscript(const TranscriptSegment& segment);
    /// Inserts the recording or replaces every column of the stored one.
    void upsertRecording(const RecordingRecord& recording);

    /// Blocks until every write queued before this call is committed or reported failed, or the
    /// timeout passes; true if it got there. Safe on any thread, including the owning thread
    /// (the worker never waits for it). Signals of those writes are delivered later, when the
    /// owning thread's event loop runs.
    bool flush(int timeoutMs = 10000);
    /// Refuses new writes, flushes (bounded by timeoutMs), stops the storage thread and closes the
    /// database. Writes still queued when the time is up are reported as `storage.shutdown`.
    /// Returns true if everything queued was committed or reported. The write in progress, if
    /// any, may add up to one busy timeout. Idempotent. Used on SIGTERM shutdown.
    bool close(int timeoutMs = 10000);

    StorageStats stats() const;

signals:
    void callStored(const sb::storage::CallRecord& call);
    void eventStored(const sb::storage::CallEvent& event);
    void streamStored(const sb::storage::StreamRecord& stream);
    void trackStatsStored(const sb::storage::StreamTrackStats& stats);
    void webhookStored(const sb::storage::WebhookLogEntry& entry);
    void transcriptStored(const sb::storage::TranscriptSegment& segment);
    void recordingStored(const sb::storage::RecordingRecord& recording);
    /// A write was not stored (see the class comment for the error codes).
    void writeFailed(const sb::storage::WriteFailure& failure);

private:
    template <typename Record> qint64 enqueue(Record record);
    void runWorker();

    std::shared_ptr<StorageShared> m_shared;
    std::unique_ptr<QThread> m_thread;
    std::unique_ptr<QLockFile> m_lock;
    QString m_path;
};

} // namespace sb::storage
