// SPDX-License-Identifier: GPL-3.0-or-later
#include "storage/Storage.h"

#include "storage/PrivateFiles.h"
#include "storage/Redaction.h"
#include "storage/SqlValues.h"
#include "storage/StorageLog.h"
#include "storage/StorageWorker.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFileInfo>
#include <QLockFile>
#include <QThread>
#include <mutex>
#include <type_traits>

namespace sb::storage {
namespace {

QDateTime orNow(const QDateTime& at)
{
    return at.isValid() ? sqlvalue::normalized(at) : sqlvalue::normalized(QDateTime::currentDateTimeUtc());
}

// Each prepare() fills defaults and normalises times (UTC, milliseconds), so the record in the
// *Stored signal is exactly what a reader gets back. Returns why the record is refused, if it is.
std::optional<QString> prepare(CallRecord& r)
{
    if (r.callSid.isEmpty())
        return QStringLiteral("a call record needs its CallSid");
    r.createdAt = sqlvalue::normalized(r.createdAt); // null: decided by the worker (see CallRecord)
    r.answeredAt = sqlvalue::normalized(r.answeredAt);
    r.endedAt = sqlvalue::normalized(r.endedAt);
    r.durationSeconds = std::max(r.durationSeconds, -1);
    return std::nullopt;
}

std::optional<QString> prepare(CallEvent& r)
{
    if (r.callSid.isEmpty() || r.kind.isEmpty())
        return QStringLiteral("an event needs a CallSid and a kind");
    r.at = orNow(r.at);
    return std::nullopt;
}

std::optional<QString> prepare(StreamRecord& r)
{
    if (r.streamSid.isEmpty() || r.callSid.isEmpty())
        return QStringLiteral("a stream record needs its StreamSid and CallSid");
    r.startedAt = sqlvalue::normalized(r.startedAt);
    r.stoppedAt = sqlvalue::normalized(r.stoppedAt);
    return std::nullopt;
}

std::optional<QString> prepare(StreamTrackStats& r)
{
    if (r.streamSid.isEmpty() || r.track.isEmpty())
        return QStringLiteral("track statistics need a StreamSid and a track name");
    return std::nullopt;
}

std::optional<QString> prepare(WebhookLogEntry& r)
{
    r.at = orNow(r.at);
    r.replayOf = std::max<qint64>(r.replayOf, 0);
    return std::nullopt;
}

std::optional<QString> prepare(TranscriptSegment& r)
{
    if (r.callSid.isEmpty())
        return QStringLiteral("a transcript segment needs its CallSid");
    r.at = orNow(r.at);
    if (r.confidence < 0)
        r.confidence = -1.0;
    r.sequence = std::max<qint64>(r.sequence, -1);
    return std::nullopt;
}

std::optional<QString> prepare(RecordingRecord& r)
{
    if (r.recordingSid.isEmpty())
        return QStringLiteral("a recording record needs its RecordingSid");
    r.createdAt = orNow(r.createdAt);
    r.downloadedAt = sqlvalue::normalized(r.downloadedAt);
    r.durationSeconds = std::max(r.durationSeconds, -1);
    return std::nullopt;
}

/// Reports a write refused before it reached the queue, on the owning thread like every signal.
void refuse(Storage* storage, StorageShared& shared, const WriteOp& op, const Error& error)
{
    {
        std::unique_lock lock(shared.mutex);
        ++shared.stats.failed;
    }
    qCWarning(lcStorage).noquote() << operationName(op) << "refused:" << error.message;
    const WriteFailure failure{operationName(op), writeKey(op), error, 0};
    QMetaObject::invokeMethod(
        storage, [storage, failure] { emit storage->writeFailed(failure); }, Qt::QueuedConnection);
}

/// Waits until every write queued so far is done, or the deadline passes.
bool waitForQueued(StorageShared& shared, const QDeadlineTimer& deadline)
{
    std::unique_lock lock(shared.mutex);
    const quint64 target = shared.nextTicket - 1;
    while (shared.doneTicket < target && !shared.workerExited) {
        if (!waitUntil(shared.progress, lock, deadline))
            break;
    }
    return shared.doneTicket >= target;
}

void registerMetaTypes()
{
    qRegisterMetaType<CallRecord>();
    qRegisterMetaType<CallEvent>();
    qRegisterMetaType<StreamRecord>();
    qRegisterMetaType<StreamTrackStats>();
    qRegisterMetaType<WebhookLogEntry>();
    qRegisterMetaType<TranscriptSegment>();
    qRegisterMetaType<RecordingRecord>();
    qRegisterMetaType<WriteFailure>();
}

} // namespace

Storage::Storage(QObject* parent)
    : QObject(parent)
    , m_shared(std::make_shared<StorageShared>())
{
    registerMetaTypes();
}

Storage::~Storage()
{
    close();
}

Result<int> Storage::open(const QString& path, const StorageOptions& options)
{
    {
        std::unique_lock lock(m_shared->mutex);
        if (m_thread || m_shared->openDone)
            return makeError(QStringLiteral("storage.already-open"),
                             QStringLiteral("this Storage was already opened (on %1)").arg(m_shared->path));
    }
    const QFileInfo info(path);
    const QString absolute = info.absoluteFilePath();
    if (options.lockFile) {
        if (!makePrivateFolder(info.absolutePath()))
            return makeError(
                QStringLiteral("storage.open-failed"),
                QStringLiteral("cannot open %1: cannot create the folder %2")
                    .arg(QDir::toNativeSeparators(absolute), QDir::toNativeSeparators(info.absolutePath())));
        auto lockFile = std::make_unique<QLockFile>(absolute + QStringLiteral(".lock"));
        lockFile->setStaleLockTime(0); // only a dead owner makes the lock stale, never its age
        if (!lockFile->tryLock(0)) {
            if (lockFile->error() == QLockFile::LockFailedError) {
                qint64 pid = 0;
                QString host;
                QString application;
                lockFile->getLockInfo(&pid, &host, &application);
                return makeError(QStringLiteral("storage.in-use"),
                                 QStringLiteral("cannot open %1: another Switchboard (process %2 on %3) is using it")
                                     .arg(QDir::toNativeSeparators(absolute))
                                     .arg(pid)
                                     .arg(host));
            }
            return makeError(QStringLiteral("storage.open-failed"),
                             QStringLiteral("cannot open %1: cannot create the lock file %1.lock")
                                 .arg(QDir::toNativeSeparators(absolute)));
        }
        // QLockFile honours the umask; the lock names this process and host, keep it private too.
        makeFilePrivate(absolute + QStringLiteral(".lock"));
        m_lock = std::move(lockFile);
    }
    {
        std::unique_lock lock(m_shared->mutex);
        m_shared->path = absolute;
        m_shared->options = options;
    }

    m_thread.reset(QThread::create([this] { runWorker(); }));
    m_thread->setObjectName(QStringLiteral("sb-storage"));
    m_thread->start();

    const QDeadlineTimer deadline(options.openTimeoutMs);
    std::unique_lock lock(m_shared->mutex);
    while (!m_shared->openDone) {
        if (!waitUntil(m_shared->progress, lock, deadline))
            break;
    }
    if (!m_shared->openDone || m_shared->openError) {
        const Error error = m_shared->openDone ? *m_shared->openError
                                               : makeError(QStringLiteral("storage.open-failed"),
                                                           QStringLiteral("cannot open %1: no answer within %2 ms")
                                                               .arg(QDir::toNativeSeparators(absolute))
                                                               .arg(options.openTimeoutMs));
        m_shared->stopping = true;
        m_shared->workAvailable.notify_all();
        lock.unlock();
        m_thread->wait();
        m_thread.reset();
        m_lock.reset();
        return error;
    }
    m_shared->accepting = true;
    m_path = absolute;
    qCInfo(lcStorage) << "storage open:" << absolute << "schema version" << m_shared->schemaVersion;
    return m_shared->schemaVersion;
}

bool Storage::isOpen() const
{
    std::unique_lock lock(m_shared->mutex);
    return m_shared->accepting;
}

void Storage::runWorker()
{
    StorageShared& shared = *m_shared;
    StorageWorker worker(shared);
    // Queued: the signals reach Storage's own thread only after the commit they report.
    connect(&worker, &StorageWorker::callStored, this, &Storage::callStored, Qt::QueuedConnection);
    connect(&worker, &StorageWorker::eventStored, this, &Storage::eventStored, Qt::QueuedConnection);
    connect(&worker, &StorageWorker::streamStored, this, &Storage::streamStored, Qt::QueuedConnection);
    connect(&worker, &StorageWorker::trackStatsStored, this, &Storage::trackStatsStored, Qt::QueuedConnection);
    connect(&worker, &StorageWorker::webhookStored, this, &Storage::webhookStored, Qt::QueuedConnection);
    connect(&worker, &StorageWorker::transcriptStored, this, &Storage::transcriptStored, Qt::QueuedConnection);
    connect(&worker, &StorageWorker::recordingStored, this, &Storage::recordingStored, Qt::QueuedConnection);
    connect(&worker, &StorageWorker::writeFailed, this, &Storage::writeFailed, Qt::QueuedConnection);

    const Result<int> opened = worker.open();
    {
        std::unique_lock lock(shared.mutex);
        shared.openDone = true;
        if (opened)
            shared.schemaVersion = *opened;
        else
            shared.openError = opened.error();
        shared.progress.notify_all();
    }
    if (opened)
        worker.run();
    std::unique_lock lock(shared.mutex);
    shared.workerExited = true;
    shared.progress.notify_all();
}

template <typename Record> qint64 Storage::enqueue(Record record)
{
    StorageShared& shared = *m_shared;
    if (std::optional<QString> invalid = prepare(record)) {
        refuse(this, shared, WriteOp(std::move(record)), makeError(QStringLiteral("storage.invalid"), *invalid));
        return 0;
    }
    std::unique_lock lock(shared.mutex);
    if (!shared.accepting) {
        lock.unlock();
        refuse(this,
               shared,
               WriteOp(std::move(record)),
               makeError(QStringLiteral("storage.closed"),
                         QStringLiteral("not stored: the history database is not open")));
        return 0;
    }
    qint64 id = 0;
    if constexpr (std::is_same_v<Record, CallEvent>)
        id = record.id = ++shared.lastEventId;
    else if constexpr (std::is_same_v<Record, WebhookLogEntry>)
        id = record.id = ++shared.lastWebhookId;
    else if constexpr (std::is_same_v<Record, TranscriptSegment>)
        id = record.id = ++shared.lastTranscriptId;

    const quint64 ticket = shared.nextTicket++;
    if constexpr (std::is_same_v<Record, StreamTrackStats>) {
        if (shared.options.coalesceTrackStats) {
            const QString key = statsKey(record);
            auto it = shared.pendingStats.find(key);
            if (it != shared.pendingStats.end()) {
                // The older snapshot is still queued (the worker forgets the key when it takes it).
                shared.queue[it.value() - shared.queue.front().ticket].superseded = true;
                ++shared.stats.superseded;
                it.value() = ticket;
            } else {
                shared.pendingStats.insert(key, ticket);
            }
        }
    }
    shared.queue.push_back(QueuedWrite{ticket, WriteOp(std::move(record)), false});
    ++shared.stats.queued;
    shared.workAvailable.notify_one();
    return id;
}

void Storage::upsertCall(const CallRecord& call)
{
    enqueue(call);
}

qint64 Storage::appendEvent(const CallEvent& event)
{
    return enqueue(event);
}

void Storage::upsertStream(const StreamRecord& stream)
{
    enqueue(stream);
}

void Storage::updateTrackStats(const StreamTrackStats& stats)
{
    enqueue(stats);
}

qint64 Storage::appendWebhook(const WebhookLogEntry& entry)
{
    return enqueue(redactWebhookEntry(entry));
}

qint64 Storage::appendTranscript(const TranscriptSegment& segment)
{
    return enqueue(segment);
}

void Storage::upsertRecording(const RecordingRecord& recording)
{
    enqueue(recording);
}

bool Storage::flush(int timeoutMs)
{
    return waitForQueued(*m_shared, QDeadlineTimer(timeoutMs));
}

bool Storage::close(int timeoutMs)
{
    if (!m_thread)
        return true;
    const QDeadlineTimer deadline(timeoutMs);
    {
        std::unique_lock lock(m_shared->mutex);
        m_shared->accepting = false;
    }
    const bool complete = waitForQueued(*m_shared, deadline);
    {
        std::unique_lock lock(m_shared->mutex);
        m_shared->stopping = true;
        if (!complete) {
            m_shared->abandon = true;
            m_shared->abandoned.notify_all();
        }
        m_shared->workAvailable.notify_all();
    }
    m_thread->wait();
    m_thread.reset();
    m_lock.reset();
    const StorageStats s = stats();
    qCInfo(lcStorage) << "storage closed:" << s.committed << "writes committed," << s.failed << "failed,"
                      << s.superseded << "superseded," << s.transactions << "transactions";
    return complete;
}

StorageStats Storage::stats() const
{
    std::unique_lock lock(m_shared->mutex);
    StorageStats s = m_shared->stats;
    s.pending = int(m_shared->queue.size());
    return s;
}

} // namespace sb::storage
