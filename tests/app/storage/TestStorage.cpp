// SPDX-License-Identifier: GPL-3.0-or-later
// sb::storage::Storage, the single writer, against real SQLite files: ordering across threads,
// signals only after commit, flush/close, WAL readers, failures, and a SIGKILLed writer process.
//
// The crash test re-runs this executable as the writer: with SB_STORAGE_TEST_CHILD=<file> set,
// initMain() runs childWriter() instead of the tests (see killedWriterLeavesEveryReportedRow).
#include "StorageTestSupport.h"
#include "storage/Database.h"
#include "storage/HistoryQueries.h"
#include "storage/Storage.h"

#include <QCoreApplication>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>
#include <QtTest>
#include <cstdio>
#include <mutex>

using namespace sb::storage;
using namespace sb::storage::test;
using sb::Result;

namespace {

const char* const kChildEnv = "SB_STORAGE_TEST_CHILD";
const QString kChildCall = QStringLiteral("CAchild");

/// The crash-test writer: appends events (and other writes) as fast as it can and prints
/// "committed <seq>" for every event whose eventStored signal arrived, i.e. after its commit.
int childWriter(const QString& file)
{
    Storage storage;
    const Result<int> opened = storage.open(file);
    if (!opened) {
        std::fprintf(stderr, "child: %s\n", qPrintable(opened.error().message));
        return 3;
    }
    QObject::connect(&storage, &Storage::eventStored, [](const CallEvent& event) {
        std::printf("committed %lld\n", static_cast<long long>(event.detail.value(QStringLiteral("seq")).toInteger()));
        std::fflush(stdout);
    });
    storage.upsertCall(sampleCall(kChildCall));
    storage.upsertStream(sampleStream(QStringLiteral("MZchild"), kChildCall));
    qint64 seq = 0;
    QTimer pump;
    QObject::connect(&pump, &QTimer::timeout, [&] {
        if (storage.stats().pending > 2000)
            return;
        for (int i = 0; i < 50; ++i) {
            storage.appendEvent(sampleEvent(kChildCall, QStringLiteral("media.mark"), {{QStringLiteral("seq"), seq}}));
            storage.updateTrackStats(sampleStats(QStringLiteral("MZchild"), QStringLiteral("inbound"), seq));
            if (seq % 10 == 0)
                storage.appendWebhook(sampleWebhook(QStringLiteral("/status"), kChildCall));
            ++seq;
        }
    });
    pump.start(0);
    std::printf("ready\n");
    std::fflush(stdout);
    return QCoreApplication::exec();
}

StreamRecord storedStream()
{
    return sampleStream(QStringLiteral("MZ1"), QStringLiteral("CA1"));
}

} // namespace

class TestStorage : public QObject
{
    Q_OBJECT

public:
    static void initMain()
    {
        if (!qEnvironmentVariableIsSet(kChildEnv))
            return;
        int code = 0;
        {
            int argc = 1;
            char name[] = "storage-child";
            char* argv[] = {name, nullptr};
            QCoreApplication app(argc, argv);
            code = childWriter(qEnvironmentVariable(kChildEnv));
        }
        std::exit(code);
    }

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    QString path() const { return m_dir->filePath(QStringLiteral("data/switchboard.sqlite")); }

    static StorageOptions quiet()
    {
        StorageOptions options;
        options.busyTimeoutMs = 5000;
        return options;
    }

    std::unique_ptr<HistoryQueries> reader()
    {
        auto history = HistoryQueries::open(path());
        if (!history) {
            qWarning("%s", qPrintable(history.error().message));
            return nullptr;
        }
        return std::move(history).value();
    }

private slots:
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
    }

    void storesEveryKindAndSignalsOnlyAfterCommit()
    {
        Storage storage;
        const Result<int> opened = storage.open(path());
        QVERIFY2(opened.ok(), qPrintable(opened.ok() ? QString() : opened.error().message));
        QCOMPARE(*opened, latestSchemaVersion());
        QVERIFY(storage.isOpen());
        auto history = reader();
        QVERIFY(history);
        RawConnection raw(path(), QStringLiteral("QSQLITE_OPEN_READONLY"));

        // Each slot reads its row back through a separate connection: the signal must come
        // after the commit, so the row is always there.
        QStringList seen;
        QStringList missing;
        const auto check = [&](const QString& what, const QString& sql) {
            seen.append(what);
            if (raw.scalar(sql).toInt() != 1)
                missing.append(what);
        };
        CallRecord storedCall;
        CallEvent storedEvent;
        WebhookLogEntry storedWebhook;
        connect(&storage, &Storage::callStored, this, [&](const CallRecord& r) {
            storedCall = r;
            check(QStringLiteral("call"),
                  QStringLiteral("SELECT count(*) FROM calls WHERE call_sid = '%1' AND status = '%2'")
                      .arg(r.callSid, r.status));
        });
        connect(&storage, &Storage::eventStored, this, [&](const CallEvent& r) {
            storedEvent = r;
            check(QStringLiteral("event"), QStringLiteral("SELECT count(*) FROM call_events WHERE id = %1").arg(r.id));
        });
        connect(&storage, &Storage::streamStored, this, [&](const StreamRecord& r) {
            check(QStringLiteral("stream"),
                  QStringLiteral("SELECT count(*) FROM streams WHERE stream_sid = '%1'").arg(r.streamSid));
        });
        connect(&storage, &Storage::trackStatsStored, this, [&](const StreamTrackStats& r) {
            check(QStringLiteral("stats"),
                  QStringLiteral("SELECT count(*) FROM stream_tracks WHERE stream_sid = '%1' AND frames = %2")
                      .arg(r.streamSid)
                      .arg(r.frames));
        });
        connect(&storage, &Storage::webhookStored, this, [&](const WebhookLogEntry& r) {
            storedWebhook = r;
            check(QStringLiteral("webhook"),
                  QStringLiteral("SELECT count(*) FROM webhook_log WHERE id = %1").arg(r.id));
        });
        connect(&storage, &Storage::transcriptStored, this, [&](const TranscriptSegment& r) {
            check(QStringLiteral("transcript"),
                  QStringLiteral("SELECT count(*) FROM transcript_segments WHERE id = %1").arg(r.id));
        });
        connect(&storage, &Storage::recordingStored, this, [&](const RecordingRecord& r) {
            check(QStringLiteral("recording"),
                  QStringLiteral("SELECT count(*) FROM recordings WHERE recording_sid = '%1'").arg(r.recordingSid));
        });
        QSignalSpy failures(&storage, &Storage::writeFailed);

        const CallRecord call = sampleCall(QStringLiteral("CA1"));
        storage.upsertCall(call);
        const qint64 eventId = storage.appendEvent(sampleEvent(
            QStringLiteral("CA1"), QStringLiteral("dtmf"), {{QStringLiteral("digit"), QStringLiteral("7")}}));
        storage.upsertStream(storedStream());
        storage.updateTrackStats(sampleStats(QStringLiteral("MZ1"), QStringLiteral("inbound"), 250));
        const qint64 webhookId = storage.appendWebhook(sampleWebhook(QStringLiteral("/voice"), QStringLiteral("CA1")));
        const qint64 transcriptId =
            storage.appendTranscript(sampleTranscript(QStringLiteral("CA1"), QStringLiteral("hello"), 9));
        storage.upsertRecording(sampleRecording(QStringLiteral("RE1"), QStringLiteral("CA1")));
        QVERIFY(eventId > 0);
        QVERIFY(webhookId > 0);
        QVERIFY(transcriptId > 0);

        QTRY_COMPARE_WITH_TIMEOUT(seen.size(), 7, 10000);
        QCOMPARE(missing, QStringList());
        QCOMPARE(seen,
                 (QStringList{QStringLiteral("call"),
                              QStringLiteral("event"),
                              QStringLiteral("stream"),
                              QStringLiteral("stats"),
                              QStringLiteral("webhook"),
                              QStringLiteral("transcript"),
                              QStringLiteral("recording")}));
        QCOMPARE(failures.size(), 0);
        QCOMPARE(storedCall, call);
        QCOMPARE(storedEvent.id, eventId);
        QCOMPARE(storedWebhook.id, webhookId);

        // What the signal carried is exactly what a reader gets back.
        const Result<CallDetail> detail = history->callDetail(QStringLiteral("CA1"));
        QVERIFY(detail.ok());
        QCOMPARE(detail->call, storedCall);
        QCOMPARE(detail->events.size(), 1);
        QCOMPARE(detail->events.first(), storedEvent);
        const Result<WebhookLogEntry> entry = history->webhookEntry(webhookId);
        QVERIFY(entry.ok());
        QCOMPARE(*entry, storedWebhook);

        const StorageStats stats = storage.stats();
        QCOMPARE(stats.queued, 7u);
        QCOMPARE(stats.committed, 7u);
        QCOMPARE(stats.failed, 0u);
        QCOMPARE(stats.pending, 0);
    }

    void upsertReplacesWithoutLosingChildRows()
    {
        Storage storage;
        QVERIFY(storage.open(path()).ok());
        // Events first: a placeholder call row appears and keeps the events valid.
        storage.appendEvent(sampleEvent(QStringLiteral("CA9"), QStringLiteral("webhook.voice")));
        storage.appendTranscript(sampleTranscript(QStringLiteral("CA9"), QStringLiteral("first words"), 3));
        storage.upsertStream(sampleStream(QStringLiteral("MZ9"), QStringLiteral("CA9")));
        storage.updateTrackStats(sampleStats(QStringLiteral("MZ9"), QStringLiteral("inbound"), 10));
        QVERIFY(storage.flush());
        auto history = reader();
        QVERIFY(history);
        Result<CallDetail> stub = history->callDetail(QStringLiteral("CA9"));
        QVERIFY(stub.ok());
        QCOMPARE(stub->call.status, QString());
        QCOMPARE(stub->call.createdAt, at(5, 250));

        // Now the full record, twice (an update): events, streams and stats must survive.
        CallRecord call = sampleCall(QStringLiteral("CA9"));
        storage.upsertCall(call);
        call.status = QStringLiteral("completed");
        call.endedAt = at(90);
        call.durationSeconds = 88;
        storage.upsertCall(call);
        StreamRecord stream = sampleStream(QStringLiteral("MZ9"), QStringLiteral("CA9"));
        stream.status = QStringLiteral("stopped");
        stream.stoppedAt = at(89);
        storage.upsertStream(stream);
        QVERIFY(storage.flush());

        const Result<CallDetail> detail = history->callDetail(QStringLiteral("CA9"));
        QVERIFY(detail.ok());
        QCOMPARE(detail->call, call);
        QCOMPARE(detail->events.size(), 1);
        QCOMPARE(detail->transcripts.size(), 1);
        QCOMPARE(detail->streams.size(), 1);
        QCOMPARE(detail->streams.first().stream, stream);
        QCOMPARE(detail->streams.first().tracks.size(), 1);
        QCOMPARE(detail->streams.first().tracks.first().frames, 10);
    }

    void createdAtKeepsTheEarliestFirstSeenTime()
    {
        Storage storage;
        QVERIFY(storage.open(path()).ok());
        QSignalSpy calls(&storage, &Storage::callStored);
        const auto lastStored = [&] { return calls.last().first().value<CallRecord>().createdAt; };

        CallRecord fresh = sampleCall(QStringLiteral("CAnow"));
        fresh.createdAt = QDateTime();
        const QDateTime before = QDateTime::currentDateTimeUtc().addMSecs(-1);
        storage.upsertCall(fresh); // new call, no time given: now
        QTRY_COMPARE(calls.size(), 1);
        QVERIFY(lastStored() >= before && lastStored() <= QDateTime::currentDateTimeUtc());

        storage.appendEvent(sampleEvent(QStringLiteral("CA1"), QStringLiteral("early"))); // placeholder at(5, 250)
        CallRecord call = sampleCall(QStringLiteral("CA1"), at(10));
        storage.upsertCall(call); // later than the placeholder: the placeholder's time stays
        QTRY_COMPARE(calls.size(), 2);
        QCOMPARE(lastStored(), at(5, 250));
        call.createdAt = at(0);
        storage.upsertCall(call); // earlier: taken
        QTRY_COMPARE(calls.size(), 3);
        QCOMPARE(lastStored(), at(0));
        call.createdAt = QDateTime();
        call.status = QStringLiteral("completed");
        storage.upsertCall(call); // null: unchanged
        QTRY_COMPARE(calls.size(), 4);
        QCOMPARE(lastStored(), at(0));
        QCOMPARE(calls.last().first().value<CallRecord>().status, QStringLiteral("completed"));

        auto history = reader();
        QVERIFY(history);
        QCOMPARE(history->callDetail(QStringLiteral("CA1"))->call.createdAt, at(0));
    }

    void writesFromSeveralThreadsArriveInCallOrder()
    {
        Storage storage;
        QVERIFY(storage.open(path()).ok());
        constexpr int kThreads = 6;
        constexpr int kPerThread = 400;
        std::mutex order;
        qint64 global = 0;
        QList<QPair<qint64, qint64>> idBySequence; // (global sequence, returned id)
        std::vector<std::unique_ptr<QThread>> threads;
        for (int t = 0; t < kThreads; ++t) {
            threads.emplace_back(QThread::create([&, t] {
                const QString callSid = QStringLiteral("CAthread%1").arg(t);
                for (int i = 0; i < kPerThread; ++i) {
                    // Every other write takes the global order lock, so the global call order of
                    // those writes is known; the others race freely (only per-thread order is known).
                    if (i % 2 == 0) {
                        const std::lock_guard<std::mutex> guard(order);
                        const qint64 sequence = global++;
                        const qint64 id = storage.appendEvent(
                            sampleEvent(callSid,
                                        QStringLiteral("ordered"),
                                        {{QStringLiteral("i"), i}, {QStringLiteral("global"), sequence}}));
                        idBySequence.append({sequence, id});
                    } else {
                        storage.appendEvent(sampleEvent(callSid, QStringLiteral("free"), {{QStringLiteral("i"), i}}));
                    }
                    if (i % 50 == 0)
                        storage.updateTrackStats(sampleStats(QStringLiteral("MZnone"), QStringLiteral("inbound"), i));
                }
            }));
        }
        QSignalSpy failures(&storage, &Storage::writeFailed);
        for (auto& thread : threads)
            thread->start();
        for (auto& thread : threads)
            QVERIFY(thread->wait(60000));
        QVERIFY(storage.flush(30000));

        RawConnection raw(path(), QStringLiteral("QSQLITE_OPEN_READONLY"));
        QCOMPARE(raw.scalar(QStringLiteral("SELECT count(*) FROM call_events")).toInt(), kThreads * kPerThread);
        // Per thread: ids increase with the thread's own order.
        for (int t = 0; t < kThreads; ++t) {
            QSqlQuery q(raw.db());
            QVERIFY(q.exec(
                QStringLiteral("SELECT detail FROM call_events WHERE call_sid = 'CAthread%1' ORDER BY id").arg(t)));
            int expected = 0;
            while (q.next()) {
                const QJsonObject detail = QJsonDocument::fromJson(q.value(0).toString().toUtf8()).object();
                QCOMPARE(detail.value(QStringLiteral("i")).toInt(), expected);
                ++expected;
            }
            QCOMPARE(expected, kPerThread);
        }
        // Globally: the serialised writes were stored in exactly their call order, with the
        // ids that appendEvent returned.
        QSqlQuery q(raw.db());
        QVERIFY(q.exec(QStringLiteral("SELECT id, detail FROM call_events WHERE kind = 'ordered' ORDER BY id")));
        qint64 expected = 0;
        while (q.next()) {
            const QJsonObject detail = QJsonDocument::fromJson(q.value(1).toString().toUtf8()).object();
            QCOMPARE(detail.value(QStringLiteral("global")).toInteger(), expected);
            QCOMPARE(q.value(0).toLongLong(), idBySequence.at(expected).second);
            ++expected;
        }
        QCOMPARE(expected, qint64(kThreads * kPerThread / 2));
        // The stats writes named a stream that was never stored: each failed alone, reported.
        QTRY_VERIFY(failures.size() >= 1);
        QCOMPARE(storage.stats().committed, quint64(kThreads * kPerThread));
    }

    void flushAndCloseLoseNothing()
    {
        constexpr int kEvents = 5000;
        {
            Storage storage;
            QVERIFY(storage.open(path()).ok());
            storage.upsertCall(sampleCall(QStringLiteral("CA1")));
            storage.upsertStream(storedStream());
            for (int i = 0; i < kEvents; ++i) {
                storage.appendEvent(
                    sampleEvent(QStringLiteral("CA1"), QStringLiteral("mark"), {{QStringLiteral("i"), i}}));
                storage.updateTrackStats(sampleStats(QStringLiteral("MZ1"), QStringLiteral("inbound"), i + 1));
                if (i % 100 == 0)
                    storage.appendWebhook(sampleWebhook(QStringLiteral("/status"), QStringLiteral("CA1")));
            }
            // close() straight away, with most writes still queued.
            QVERIFY(storage.close(30000));
            QVERIFY(!storage.isOpen());
            const StorageStats stats = storage.stats();
            QCOMPARE(stats.failed, 0u);
            QCOMPARE(stats.pending, 0);
            QCOMPARE(stats.committed + stats.superseded, stats.queued);
            QVERIFY(stats.transactions < stats.committed); // the backlog was batched
            QVERIFY(storage.close());                      // idempotent
        }
        {
            RawConnection raw(path(), QStringLiteral("QSQLITE_OPEN_READONLY"));
            QCOMPARE(raw.scalar(QStringLiteral("SELECT count(*) FROM call_events")).toInt(), kEvents);
            QCOMPARE(raw.scalar(QStringLiteral("SELECT count(*) FROM webhook_log")).toInt(), kEvents / 100);
            QCOMPARE(raw.scalar(QStringLiteral("SELECT frames FROM stream_tracks")).toInt(), kEvents);
        }

        // The destructor closes too; and a reopened Storage continues the id sequences.
        qint64 lastId = 0;
        {
            auto storage = std::make_unique<Storage>();
            QVERIFY(storage->open(path()).ok());
            lastId = storage->appendEvent(sampleEvent(QStringLiteral("CA1"), QStringLiteral("after-reopen")));
            QCOMPARE(lastId, qint64(kEvents + 1));
            QCOMPARE(storage->appendWebhook(sampleWebhook(QStringLiteral("/voice"), QString())),
                     qint64(kEvents / 100 + 1));
        }
        RawConnection raw(path(), QStringLiteral("QSQLITE_OPEN_READONLY"));
        QCOMPARE(raw.scalar(QStringLiteral("SELECT kind FROM call_events WHERE id = %1").arg(lastId)).toString(),
                 QStringLiteral("after-reopen"));
    }

    void flushFromTheOwningThreadDoesNotDeadlockAndSignalsFollow()
    {
        Storage storage;
        QVERIFY(storage.open(path()).ok());
        QSignalSpy stored(&storage, &Storage::eventStored);
        for (int i = 0; i < 100; ++i)
            storage.appendEvent(sampleEvent(QStringLiteral("CA1"), QStringLiteral("mark")));
        QVERIFY(storage.flush(10000));
        // Committed already; the signals are queued to this thread and arrive when it spins.
        RawConnection raw(path(), QStringLiteral("QSQLITE_OPEN_READONLY"));
        QCOMPARE(raw.scalar(QStringLiteral("SELECT count(*) FROM call_events")).toInt(), 100);
        QTRY_COMPARE(stored.size(), 100);
        QVERIFY(storage.flush(0)); // nothing pending: true at once
    }

    void readerSeesCommittedDataWhileWriterRuns()
    {
        Storage storage;
        QVERIFY(storage.open(path()).ok());
        storage.upsertCall(sampleCall(QStringLiteral("CA1")));
        QVERIFY(storage.flush());

        // A reader holding a snapshot open does not block the writer (WAL)...
        RawConnection snapshot(path(), QStringLiteral("QSQLITE_OPEN_READONLY"));
        QCOMPARE(snapshot.exec(QStringLiteral("BEGIN")), QString());
        QCOMPARE(snapshot.scalar(QStringLiteral("SELECT count(*) FROM call_events")).toInt(), 0);
        for (int i = 0; i < 200; ++i)
            storage.appendEvent(sampleEvent(QStringLiteral("CA1"), QStringLiteral("mark")));
        QVERIFY(storage.flush(5000));
        QCOMPARE(storage.stats().failed, 0u);
        // ...keeps its consistent snapshot, and sees the commits once it starts a new one.
        QCOMPARE(snapshot.scalar(QStringLiteral("SELECT count(*) FROM call_events")).toInt(), 0);
        QCOMPARE(snapshot.exec(QStringLiteral("COMMIT")), QString());
        QCOMPARE(snapshot.scalar(QStringLiteral("SELECT count(*) FROM call_events")).toInt(), 200);

        // While the writer streams, a HistoryQueries reader never goes backwards and catches up.
        auto history = reader();
        QVERIFY(history);
        QThread* producer = QThread::create([&storage] {
            for (int i = 0; i < 3000; ++i)
                storage.appendEvent(sampleEvent(QStringLiteral("CA1"), QStringLiteral("mark")));
        });
        producer->start();
        int last = 0;
        int observations = 0;
        while (!producer->isFinished() || last < 3200) {
            const Result<QList<CallSummary>> calls = history->listCalls();
            QVERIFY2(calls.ok(), qPrintable(calls.ok() ? QString() : calls.error().message));
            const int now = calls->first().eventCount;
            QVERIFY(now >= last);
            last = now;
            ++observations;
            // Spacing between observations while the producer writes, not a wait for a condition.
            if (!producer->isFinished() || last < 3200)
                QTest::qWait(1);
            QVERIFY(observations < 100000);
        }
        producer->wait();
        delete producer;
        QCOMPARE(last, 3200);
    }

    void killedWriterLeavesEveryReportedRow()
    {
        QProcess child;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QString::fromLatin1(kChildEnv), path());
        child.setProcessEnvironment(env);
        child.setProgram(QCoreApplication::applicationFilePath());
        child.start();
        QVERIFY(child.waitForStarted());

        QByteArray output;
        QSet<qint64> reported;
        const auto collect = [&] {
            output += child.readAllStandardOutput();
            qsizetype end = 0;
            while ((end = output.indexOf('\n')) >= 0) {
                const QByteArray line = output.left(end);
                output.remove(0, end + 1);
                if (line.startsWith("committed "))
                    reported.insert(line.mid(10).toLongLong());
            }
        };
        QDeadlineTimer deadline(60000);
        while (reported.size() < 3000 && !deadline.hasExpired() && child.state() == QProcess::Running) {
            child.waitForReadyRead(1000);
            collect();
        }
        QVERIFY2(reported.size() >= 3000, child.readAllStandardError().constData());

        // Another process sees the child's commits while it is still writing.
        {
            auto history = reader();
            QVERIFY(history);
            const qint64 seenBefore = reported.size();
            const Result<QList<CallSummary>> calls = history->listCalls();
            QVERIFY(calls.ok());
            QVERIFY(calls->first().eventCount >= seenBefore);
        }

        child.kill(); // SIGKILL, mid-write
        QVERIFY(child.waitForFinished(10000));
        QCOMPARE(child.exitStatus(), QProcess::CrashExit);
        collect();

        // The file opens (recovering the WAL), is sound, and holds every reported row, in order.
        {
            auto db = Database::open(path());
            QVERIFY2(db.ok(), qPrintable(db.ok() ? QString() : db.error().message));
            QVERIFY((*db)->quickCheck().ok());
        }
        RawConnection raw(path(), QStringLiteral("QSQLITE_OPEN_READONLY"));
        QSqlQuery q(raw.db());
        QVERIFY(q.exec(QStringLiteral("SELECT detail FROM call_events WHERE call_sid = 'CAchild' ORDER BY id")));
        qint64 expected = 0;
        while (q.next()) {
            const QJsonObject detail = QJsonDocument::fromJson(q.value(0).toString().toUtf8()).object();
            QCOMPARE(detail.value(QStringLiteral("seq")).toInteger(), expected); // no holes, no reordering
            ++expected;
        }
        const qint64 maxReported = *std::max_element(reported.cbegin(), reported.cend());
        qInfo("child reported %lld committed events before SIGKILL; the file holds %lld",
              static_cast<long long>(maxReported + 1),
              static_cast<long long>(expected));
        QVERIFY2(
            expected > maxReported,
            qPrintable(QStringLiteral("stored %1 events, child reported up to %2").arg(expected).arg(maxReported)));
        QCOMPARE(qint64(reported.size()), maxReported + 1);

        // The dead writer's lock file is taken over, and writing continues after its last id.
        Storage storage;
        const Result<int> reopened = storage.open(path());
        QVERIFY2(reopened.ok(), qPrintable(reopened.ok() ? QString() : reopened.error().message));
        QCOMPARE(storage.appendEvent(sampleEvent(kChildCall, QStringLiteral("recovered"))), expected + 1);
        QVERIFY(storage.flush());
        QCOMPARE(storage.stats().failed, 0u);
    }

    void failedWriteIsReportedAloneAndLaterWritesAreStored()
    {
        Storage storage;
        QVERIFY(storage.open(path()).ok());
        QSignalSpy failures(&storage, &Storage::writeFailed);
        QSignalSpy stored(&storage, &Storage::eventStored);
        storage.upsertCall(sampleCall(QStringLiteral("CA1")));
        // One bad write in the middle of a batch: stats for a stream that was never stored.
        for (int i = 0; i < 20; ++i)
            storage.appendEvent(sampleEvent(QStringLiteral("CA1"), QStringLiteral("before")));
        storage.updateTrackStats(sampleStats(QStringLiteral("MZmissing"), QStringLiteral("inbound"), 1));
        for (int i = 0; i < 20; ++i)
            storage.appendEvent(sampleEvent(QStringLiteral("CA1"), QStringLiteral("after")));
        QVERIFY(storage.flush());
        QTRY_COMPARE(failures.size(), 1);
        const WriteFailure failure = failures.first().first().value<WriteFailure>();
        QCOMPARE(failure.operation, QStringLiteral("updateTrackStats"));
        QCOMPARE(failure.key, QStringLiteral("MZmissing/inbound"));
        QCOMPARE(failure.error.code, QStringLiteral("storage.constraint"));
        QVERIFY2(failure.error.message.contains(QStringLiteral("MZmissing")), qPrintable(failure.error.message));
        QCOMPARE(failure.attempts, 1);
        QTRY_COMPARE(stored.size(), 40);
        RawConnection raw(path(), QStringLiteral("QSQLITE_OPEN_READONLY"));
        QCOMPARE(raw.scalar(QStringLiteral("SELECT count(*) FROM call_events")).toInt(), 40);
        QCOMPARE(storage.stats().failed, 1u);
        QCOMPARE(storage.stats().committed, 41u);
    }

    void invalidAndLateWritesAreRefusedWithAReport()
    {
        Storage storage;
        QSignalSpy failures(&storage, &Storage::writeFailed);
        // Not open yet.
        QCOMPARE(storage.appendEvent(sampleEvent(QStringLiteral("CA1"), QStringLiteral("early"))), 0);
        QVERIFY(storage.open(path()).ok());
        CallEvent noCall = sampleEvent(QString(), QStringLiteral("dtmf"));
        QCOMPARE(storage.appendEvent(noCall), 0);
        storage.upsertCall(CallRecord{});
        storage.updateTrackStats(StreamTrackStats{});
        QVERIFY(storage.close());
        QCOMPARE(storage.appendWebhook(sampleWebhook(QStringLiteral("/voice"), QString())), 0);
        QTRY_COMPARE(failures.size(), 5);
        const QStringList codes{failures.at(0).first().value<WriteFailure>().error.code,
                                failures.at(1).first().value<WriteFailure>().error.code,
                                failures.at(2).first().value<WriteFailure>().error.code,
                                failures.at(3).first().value<WriteFailure>().error.code,
                                failures.at(4).first().value<WriteFailure>().error.code};
        QCOMPARE(codes,
                 (QStringList{QStringLiteral("storage.closed"),
                              QStringLiteral("storage.invalid"),
                              QStringLiteral("storage.invalid"),
                              QStringLiteral("storage.invalid"),
                              QStringLiteral("storage.closed")}));
        QCOMPARE(failures.at(1).first().value<WriteFailure>().operation, QStringLiteral("appendEvent"));
        QCOMPARE(storage.stats().failed, 5u);
    }

    void diskFullIsReportedAndSmallerWritesContinue()
    {
        {
            auto db = Database::open(path());
            QVERIFY(db.ok());
        }
        int pages = 0;
        {
            RawConnection raw(path());
            pages = raw.scalar(QStringLiteral("PRAGMA page_count")).toInt();
        }
        StorageOptions options = quiet();
        options.extraPragmas = {QStringLiteral("PRAGMA max_page_count = %1").arg(pages + 16)};
        Storage storage;
        QVERIFY(storage.open(path(), options).ok());
        QSignalSpy failures(&storage, &Storage::writeFailed);
        QSignalSpy webhooks(&storage, &Storage::webhookStored);
        WebhookLogEntry huge = sampleWebhook(QStringLiteral("/recording"), QStringLiteral("CA1"));
        huge.requestBody = QByteArray(512 * 1024, 'r');
        const qint64 hugeId = storage.appendWebhook(huge);
        const qint64 smallId = storage.appendWebhook(sampleWebhook(QStringLiteral("/status"), QStringLiteral("CA1")));
        QVERIFY(storage.flush());
        QTRY_COMPARE(failures.size(), 1);
        const WriteFailure failure = failures.first().first().value<WriteFailure>();
        QCOMPARE(failure.error.code, QStringLiteral("storage.disk-full"));
        QCOMPARE(failure.key, QStringLiteral("webhook %1").arg(hugeId));
        QTRY_COMPARE(webhooks.size(), 1);
        QCOMPARE(webhooks.first().first().value<WebhookLogEntry>().id, smallId);
        QVERIFY(storage.isOpen());
    }

    void readOnlyDatabaseIsReportedInWordsAndNothingIsLost()
    {
        {
            Storage setup;
            QVERIFY(setup.open(path()).ok());
            setup.upsertCall(sampleCall(QStringLiteral("CA1")));
        }
        // The file turned read-only under the writer (a remount, a permissions change): SQLite's
        // query_only refuses every write the same way, whoever runs the test (root included).
        StorageOptions options = quiet();
        options.extraPragmas = {QStringLiteral("PRAGMA query_only = ON")};
        Storage storage;
        const Result<int> opened = storage.open(path(), options);
        QVERIFY2(opened.ok(), qPrintable(opened.ok() ? QString() : opened.error().message));
        QSignalSpy failures(&storage, &Storage::writeFailed);
        storage.appendEvent(sampleEvent(QStringLiteral("CA1"), QStringLiteral("refused")));
        QVERIFY(storage.flush(10000));
        QTRY_COMPARE(failures.size(), 1);
        const WriteFailure failure = failures.first().first().value<WriteFailure>();
        QCOMPARE(failure.error.code, QStringLiteral("storage.read-only"));
        QVERIFY2(failure.error.message.contains(QLatin1String("read")), qPrintable(failure.error.message));
        QCOMPARE(failure.attempts, 1); // not transient: no retries
        QVERIFY(storage.isOpen());
        storage.close();
        // What was there before is intact and readable.
        RawConnection raw(path(), QStringLiteral("QSQLITE_OPEN_READONLY"));
        QCOMPARE(raw.scalar(QStringLiteral("PRAGMA integrity_check")).toString(), QStringLiteral("ok"));
        QCOMPARE(raw.scalar(QStringLiteral("SELECT count(*) FROM calls")).toInt(), 1);
        QCOMPARE(raw.scalar(QStringLiteral("SELECT count(*) FROM call_events WHERE kind = 'refused'")).toInt(), 0);
    }

    void busyDatabaseIsRetriedThenReported()
    {
        {
            Storage setup;
            QVERIFY(setup.open(path()).ok());
            setup.upsertCall(sampleCall(QStringLiteral("CA1")));
        }
        StorageOptions options;
        options.busyTimeoutMs = 20;
        options.maxRetries = 2;
        options.retryDelayMs = 10;
        Storage storage;
        QVERIFY(storage.open(path(), options).ok());
        QSignalSpy failures(&storage, &Storage::writeFailed);
        QSignalSpy stored(&storage, &Storage::eventStored);

        {
            // Another process holds the write lock past every retry: the write is reported.
            RawConnection holder(path());
            QCOMPARE(holder.exec(QStringLiteral("BEGIN IMMEDIATE")), QString());
            storage.appendEvent(sampleEvent(QStringLiteral("CA1"), QStringLiteral("blocked")));
            QVERIFY(storage.flush(10000));
            QTRY_COMPARE(failures.size(), 1);
            const WriteFailure failure = failures.first().first().value<WriteFailure>();
            QCOMPARE(failure.error.code, QStringLiteral("storage.busy"));
            QCOMPARE(failure.attempts, 3);
            QCOMPARE(storage.stats().retries, 2u);
            QCOMPARE(holder.exec(QStringLiteral("ROLLBACK")), QString());
        }
        // The lock is gone: the next write goes through.
        storage.appendEvent(sampleEvent(QStringLiteral("CA1"), QStringLiteral("unblocked")));
        QVERIFY(storage.flush());
        QTRY_COMPARE(stored.size(), 1);

        // A lock released while the writer is backing off costs nothing.
        StorageOptions patient = options;
        patient.maxRetries = 1000;
        Storage second;
        storage.close();
        QVERIFY(second.open(path(), patient).ok());
        QSignalSpy secondFailures(&second, &Storage::writeFailed);
        {
            RawConnection holder(path());
            QCOMPARE(holder.exec(QStringLiteral("BEGIN IMMEDIATE")), QString());
            second.appendEvent(sampleEvent(QStringLiteral("CA1"), QStringLiteral("waited")));
            QTRY_VERIFY(second.stats().retries >= 2);
            QCOMPARE(holder.exec(QStringLiteral("COMMIT")), QString());
        }
        QVERIFY(second.flush(10000));
        QCOMPARE(second.stats().failed, 0u);
        QCOMPARE(secondFailures.size(), 0);
        RawConnection raw(path(), QStringLiteral("QSQLITE_OPEN_READONLY"));
        QCOMPARE(raw.scalar(QStringLiteral("SELECT count(*) FROM call_events WHERE kind = 'waited'")).toInt(), 1);
    }

    void closeGivesUpOnTimeAndReportsWhatIsLeft()
    {
        {
            Storage setup;
            QVERIFY(setup.open(path()).ok());
            setup.upsertCall(sampleCall(QStringLiteral("CA1")));
        }
        StorageOptions options;
        options.busyTimeoutMs = 50;
        options.maxRetries = 1000000;
        options.retryDelayMs = 50;
        Storage storage;
        QVERIFY(storage.open(path(), options).ok());
        RawConnection holder(path());
        QCOMPARE(holder.exec(QStringLiteral("BEGIN IMMEDIATE")), QString());
        for (int i = 0; i < 10; ++i)
            storage.appendEvent(sampleEvent(QStringLiteral("CA1"), QStringLiteral("stuck")));
        QElapsedTimer timer;
        timer.start();
        QVERIFY(!storage.close(300));     // bounded: gives up, does not hang
        QVERIFY(timer.elapsed() < 15000); // the lock is never released: only the bound ends close()
        QCOMPARE(storage.stats().failed, 10u);
        QCOMPARE(storage.stats().committed, 0u);
        QCOMPARE(holder.exec(QStringLiteral("ROLLBACK")), QString());
    }

    void trackStatsSnapshotsAreCoalescedWhileQueued()
    {
        Storage storage;
        QVERIFY(storage.open(path()).ok());
        storage.upsertCall(sampleCall(QStringLiteral("CA1")));
        storage.upsertStream(storedStream());
        QVERIFY(storage.flush());
        QSignalSpy statsStored(&storage, &Storage::trackStatsStored);
        QSignalSpy events(&storage, &Storage::eventStored);

        // Hold the write lock so the queue fills up behind a write the worker is waiting on.
        RawConnection holder(path());
        QCOMPARE(holder.exec(QStringLiteral("BEGIN IMMEDIATE")), QString());
        storage.appendEvent(sampleEvent(QStringLiteral("CA1"), QStringLiteral("first")));
        QTRY_COMPARE(storage.stats().pending, 0); // the worker took it and waits for the lock
        for (int i = 1; i <= 100; ++i) {
            storage.updateTrackStats(sampleStats(QStringLiteral("MZ1"), QStringLiteral("inbound"), i));
            storage.updateTrackStats(sampleStats(QStringLiteral("MZ1"), QStringLiteral("outbound"), 1000 + i));
            if (i == 50)
                storage.appendEvent(sampleEvent(QStringLiteral("CA1"), QStringLiteral("middle")));
        }
        QCOMPARE(storage.stats().superseded, 198u);
        QCOMPARE(holder.exec(QStringLiteral("ROLLBACK")), QString());
        QVERIFY(storage.flush());

        QTRY_COMPARE(events.size(), 2);
        QTRY_COMPARE(statsStored.size(), 2);
        QCOMPARE(statsStored.at(0).first().value<StreamTrackStats>().frames, 100);
        QCOMPARE(statsStored.at(1).first().value<StreamTrackStats>().frames, 1100);
        RawConnection raw(path(), QStringLiteral("QSQLITE_OPEN_READONLY"));
        QCOMPARE(raw.column(QStringLiteral("SELECT frames FROM stream_tracks ORDER BY track")),
                 (QStringList{QStringLiteral("100"), QStringLiteral("1100")}));

        // Without coalescing every snapshot is written.
        StorageOptions keepAll;
        keepAll.coalesceTrackStats = false;
        storage.close();
        Storage exact;
        QVERIFY(exact.open(path(), keepAll).ok());
        QSignalSpy exactStored(&exact, &Storage::trackStatsStored);
        for (int i = 1; i <= 50; ++i)
            exact.updateTrackStats(sampleStats(QStringLiteral("MZ1"), QStringLiteral("inbound"), i));
        QVERIFY(exact.flush());
        QTRY_COMPARE(exactStored.size(), 50);
        QCOMPARE(exact.stats().superseded, 0u);
    }

    void secondWriterOnTheSameFileIsRefused()
    {
        Storage first;
        QVERIFY(first.open(path()).ok());
        Storage second;
        const Result<int> refused = second.open(path());
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().code, QStringLiteral("storage.in-use"));
        QVERIFY(refused.error().message.contains(QString::number(QCoreApplication::applicationPid())));
        QVERIFY(!second.isOpen());
        const Result<int> again = first.open(path());
        QVERIFY(!again.ok());
        QCOMPARE(again.error().code, QStringLiteral("storage.already-open"));
        first.close();
        Storage third;
        QVERIFY(third.open(path()).ok());
    }

    void openErrorsAreReportedAndReleaseTheLock()
    {
        QVERIFY(QDir().mkpath(QFileInfo(path()).absolutePath()));
        {
            QFile f(path());
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(QByteArray("plain text, not SQLite\n").repeated(10));
        }
        for (int attempt = 0; attempt < 2; ++attempt) {
            Storage storage;
            const Result<int> opened = storage.open(path());
            QVERIFY(!opened.ok());
            QCOMPARE(opened.error().code, QStringLiteral("storage.not-a-database")); // never "in-use"
            QVERIFY(!storage.isOpen());
            QVERIFY(storage.flush(0));
        }
        QVERIFY(!QFileInfo::exists(path() + QStringLiteral(".lock")));
    }
};

QTEST_GUILESS_MAIN(TestStorage)
#include "TestStorage.moc"
