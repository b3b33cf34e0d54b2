// SPDX-License-Identifier: GPL-3.0-or-later
// sb::storage::Database against real SQLite files: settings, schema, migrations, refusals.
#include "StorageTestSupport.h"
#include "storage/Database.h"
#include "storage/HistoryQueries.h"

#include <QDir>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

using namespace sb::storage;
using namespace sb::storage::test;
using sb::Result;

namespace {

// The schema of version 1 exactly as it shipped, frozen here on purpose: if migration 1 is ever
// edited, frozenVersion1FixtureOpensAndMatches fails. New schema versions add a migration (and a
// frozen fixture of the version they replace) instead.
const char* const kVersion1Schema[] = {
    "CREATE TABLE calls ( call_sid TEXT PRIMARY KEY NOT NULL, account_sid TEXT NOT NULL DEFAULT '',"
    " parent_call_sid TEXT NOT NULL DEFAULT '', from_address TEXT NOT NULL DEFAULT '', to_address TEXT NOT NULL"
    " DEFAULT '', direction TEXT NOT NULL DEFAULT '', status TEXT NOT NULL DEFAULT '', flow TEXT NOT NULL DEFAULT '',"
    " created_at INTEGER NOT NULL, answered_at INTEGER, ended_at INTEGER, duration_seconds INTEGER,"
    " last_status_sequence INTEGER NOT NULL DEFAULT -1, error_code TEXT NOT NULL DEFAULT '', error_message TEXT NOT"
    " NULL DEFAULT '')",
    "CREATE INDEX calls_by_created ON calls (created_at)",
    "CREATE TABLE call_events ( id INTEGER PRIMARY KEY, call_sid TEXT NOT NULL REFERENCES calls (call_sid) ON DELETE"
    " CASCADE, at INTEGER NOT NULL, kind TEXT NOT NULL, detail TEXT NOT NULL DEFAULT '{}')",
    "CREATE INDEX call_events_by_call ON call_events (call_sid, id)",
    "CREATE TABLE streams ( stream_sid TEXT PRIMARY KEY NOT NULL, call_sid TEXT NOT NULL REFERENCES calls (call_sid)"
    " ON DELETE CASCADE, name TEXT NOT NULL DEFAULT '', tracks TEXT NOT NULL DEFAULT '[]', bidirectional INTEGER NOT"
    " NULL DEFAULT 0 CHECK (bidirectional IN (0, 1)), custom_parameters TEXT NOT NULL DEFAULT '{}', encoding TEXT"
    " NOT NULL DEFAULT '', sample_rate INTEGER NOT NULL DEFAULT 0, channels INTEGER NOT NULL DEFAULT 0, started_at"
    " INTEGER, stopped_at INTEGER, status TEXT NOT NULL DEFAULT '', error TEXT NOT NULL DEFAULT '')",
    "CREATE INDEX streams_by_call ON streams (call_sid, started_at)",
    "CREATE TABLE stream_tracks ( stream_sid TEXT NOT NULL REFERENCES streams (stream_sid) ON DELETE CASCADE, track"
    " TEXT NOT NULL, frames INTEGER NOT NULL DEFAULT 0, bytes INTEGER NOT NULL DEFAULT 0, gaps INTEGER NOT NULL"
    " DEFAULT 0, missing_frames INTEGER NOT NULL DEFAULT 0, reordered INTEGER NOT NULL DEFAULT 0, duplicates INTEGER"
    " NOT NULL DEFAULT 0, late_frames INTEGER NOT NULL DEFAULT 0, wav_path TEXT NOT NULL DEFAULT '', PRIMARY KEY"
    " (stream_sid, track)) WITHOUT ROWID",
    "CREATE TABLE webhook_log ( id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, remote_address TEXT NOT"
    " NULL DEFAULT '', method TEXT NOT NULL DEFAULT '', path TEXT NOT NULL DEFAULT '', query TEXT NOT NULL DEFAULT"
    " '', request_headers TEXT NOT NULL DEFAULT '[]', request_body BLOB NOT NULL DEFAULT x'', status INTEGER NOT"
    " NULL DEFAULT 0, response_headers TEXT NOT NULL DEFAULT '[]', response_body BLOB NOT NULL DEFAULT x'',"
    " duration_micros INTEGER NOT NULL DEFAULT 0, signature_verdict TEXT NOT NULL DEFAULT '', call_sid TEXT NOT"
    " NULL DEFAULT '', replay_of INTEGER REFERENCES webhook_log (id) ON DELETE SET NULL, note TEXT NOT NULL"
    " DEFAULT '')",
    "CREATE INDEX webhook_log_by_call ON webhook_log (call_sid, id)",
    "CREATE INDEX webhook_log_by_replay ON webhook_log (replay_of)",
    "CREATE TABLE transcript_segments ( id INTEGER PRIMARY KEY, call_sid TEXT NOT NULL REFERENCES calls (call_sid)"
    " ON DELETE CASCADE, at INTEGER NOT NULL, track TEXT NOT NULL DEFAULT '', source TEXT NOT NULL DEFAULT '', text"
    " TEXT NOT NULL DEFAULT '', is_final INTEGER NOT NULL DEFAULT 1 CHECK (is_final IN (0, 1)), confidence REAL,"
    " sequence INTEGER NOT NULL DEFAULT -1)",
    "CREATE INDEX transcript_segments_by_call ON transcript_segments (call_sid, at, id)",
    "CREATE TABLE recordings ( recording_sid TEXT PRIMARY KEY NOT NULL, call_sid TEXT NOT NULL DEFAULT '', url TEXT"
    " NOT NULL DEFAULT '', status TEXT NOT NULL DEFAULT '', duration_seconds INTEGER, channels INTEGER NOT NULL"
    " DEFAULT 0, source TEXT NOT NULL DEFAULT '', local_path TEXT NOT NULL DEFAULT '', created_at INTEGER NOT NULL,"
    " downloaded_at INTEGER, error TEXT NOT NULL DEFAULT '')",
    "CREATE INDEX recordings_by_call ON recordings (call_sid, created_at)",
};

// Rows written by a version-1 Switchboard (synthetic data).
const char* const kVersion1Rows[] = {
    "INSERT INTO calls (call_sid, account_sid, from_address, to_address, direction, status, flow, created_at,"
    " answered_at, ended_at, duration_seconds, last_status_sequence) VALUES ('CAv1', 'AC1', '+14155550100',"
    " '+15005550006', 'inbound', 'completed', 'echo', 1714564800000, 1714564801000, 1714564860000, 59, 3)",
    "INSERT INTO call_events (id, call_sid, at, kind, detail) VALUES (1, 'CAv1', 1714564800100, 'webhook.voice', '{}')",
    "INSERT INTO call_events (id, call_sid, at, kind, detail) VALUES (2, 'CAv1', 1714564830000, 'dtmf',"
    " '{\"digit\":\"5\"}')",
    "INSERT INTO streams (stream_sid, call_sid, tracks, encoding, sample_rate, channels, started_at, stopped_at,"
    " status) VALUES ('MZv1', 'CAv1', '[\"inbound\"]', 'audio/x-mulaw', 8000, 1, 1714564802000, 1714564860000,"
    " 'stopped')",
    "INSERT INTO stream_tracks (stream_sid, track, frames, bytes, gaps, wav_path) VALUES ('MZv1', 'inbound', 2900,"
    " 464000, 1, '/d/audio/MZv1-inbound.wav')",
    "INSERT INTO webhook_log (at, method, path, status, call_sid, signature_verdict) VALUES (1714564800050, 'POST',"
    " '/voice', 200, 'CAv1', 'valid')",
    "INSERT INTO transcript_segments (id, call_sid, at, track, source, text) VALUES (1, 'CAv1', 1714564810000,"
    " 'inbound', 'local', 'hello there')",
    "INSERT INTO recordings (recording_sid, call_sid, status, duration_seconds, created_at) VALUES ('REv1', 'CAv1',"
    " 'completed', 58, 1714564861000)",
};

QList<Migration> firstMigrations(int count)
{
    return schemaMigrations().mid(0, count);
}

Migration syntheticStep(int version, const QStringList& statements)
{
    return Migration{version, QStringLiteral("test step %1").arg(version), statements};
}

} // namespace

class TestDatabase : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<QTemporaryDir> m_dir; // a fresh folder for every test function and data row
    QString path(const QString& name = QStringLiteral("switchboard.sqlite")) const { return m_dir->filePath(name); }

private slots:
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        // Every connection must be closed and removed cleanly (no "still in use" warnings).
        QTest::failOnWarning(QRegularExpression(QStringLiteral("QSqlDatabasePrivate|still in use")));
    }

    void databasePathIsInTheDataFolder()
    {
        QCOMPARE(databasePath(QStringLiteral("/var/lib/sb")), QStringLiteral("/var/lib/sb/switchboard.sqlite"));
        QCOMPARE(latestSchemaVersion(), schemaMigrations().size());
        for (int i = 0; i < schemaMigrations().size(); ++i)
            QCOMPARE(schemaMigrations().at(i).version, i + 1);
    }

    void freshDatabaseGetsLatestSchemaAndSettings()
    {
        const QString file = m_dir->filePath(QStringLiteral("fresh/nested/switchboard.sqlite"));
        auto db = Database::open(file);
        QVERIFY2(db.ok(), qPrintable(db.ok() ? QString() : db.error().message));
        QVERIFY(QFileInfo::exists(file));
        QCOMPARE((*db)->schemaVersion(), latestSchemaVersion());
        QCOMPARE((*db)->journalMode(), QStringLiteral("wal"));
        QCOMPARE((*db)->scalar(QStringLiteral("PRAGMA journal_mode"))->toString(), QStringLiteral("wal"));
        QCOMPARE((*db)->scalar(QStringLiteral("PRAGMA foreign_keys"))->toInt(), 1);
        QCOMPARE((*db)->scalar(QStringLiteral("PRAGMA synchronous"))->toInt(), 1); // NORMAL
        QCOMPARE((*db)->scalar(QStringLiteral("PRAGMA busy_timeout"))->toInt(), 5000);
        QCOMPARE((*db)->scalar(QStringLiteral("PRAGMA user_version"))->toInt(), latestSchemaVersion());
        QCOMPARE((*db)->scalar(QStringLiteral("PRAGMA application_id"))->toInt(), kApplicationId);
        QVERIFY((*db)->quickCheck().ok());
        QVERIFY(!(*db)->sqliteVersion().isEmpty());
        RawConnection raw(file);
        const QStringList tables = raw.column(QStringLiteral(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"));
        QCOMPARE(tables,
                 (QStringList{QStringLiteral("call_events"),
                              QStringLiteral("calls"),
                              QStringLiteral("recordings"),
                              QStringLiteral("stream_tracks"),
                              QStringLiteral("streams"),
                              QStringLiteral("transcript_segments"),
                              QStringLiteral("webhook_log")}));
    }

    void reopenKeepsDataAndSchema()
    {
        {
            auto db = Database::open(path());
            QVERIFY(db.ok());
            QVERIFY((*db)->exec(QStringLiteral("INSERT INTO calls (call_sid, created_at) VALUES ('CA1', 1)")).ok());
        }
        auto again = Database::open(path());
        QVERIFY(again.ok());
        QCOMPARE((*again)->schemaVersion(), latestSchemaVersion());
        QCOMPARE((*again)->scalar(QStringLiteral("SELECT call_sid FROM calls"))->toString(), QStringLiteral("CA1"));
    }

    void foreignKeysAreEnforced()
    {
        auto db = Database::open(path());
        QVERIFY(db.ok());
        const Result<int> orphan =
            (*db)->exec(QStringLiteral("INSERT INTO call_events (call_sid, at, kind) VALUES ('CAnone', 1, 'x')"));
        QVERIFY(!orphan.ok());
        QCOMPARE(orphan.error().code, QStringLiteral("storage.constraint"));
    }

    void migratesFromEveryOlderVersion_data()
    {
        QTest::addColumn<int>("fromVersion");
        QTest::addColumn<bool>("emptyFile");
        QTest::newRow("zero-byte file") << 0 << true;
        for (int v = 0; v < latestSchemaVersion(); ++v)
            QTest::addRow("from version %d", v) << v << false;
    }

    void migratesFromEveryOlderVersion()
    {
        QFETCH(int, fromVersion);
        QFETCH(bool, emptyFile);
        const QString fresh = path(QStringLiteral("fresh.sqlite"));
        QVERIFY(Database::open(fresh).ok());

        const QString old = path(QStringLiteral("old.sqlite"));
        if (emptyFile) {
            QFile file(old);
            QVERIFY(file.open(QIODevice::WriteOnly));
        } else {
            DatabaseOptions options;
            options.migrations = firstMigrations(fromVersion);
            auto db = Database::open(old, options);
            QVERIFY2(db.ok(), qPrintable(db.ok() ? QString() : db.error().message));
            QCOMPARE((*db)->schemaVersion(), fromVersion);
            if (fromVersion >= 1) {
                for (const char* row : kVersion1Rows)
                    QVERIFY((*db)->exec(QString::fromUtf8(row)).ok());
            }
        }
        auto migrated = Database::open(old);
        QVERIFY2(migrated.ok(), qPrintable(migrated.ok() ? QString() : migrated.error().message));
        QCOMPARE((*migrated)->schemaVersion(), latestSchemaVersion());
        QVERIFY((*migrated)->quickCheck().ok());
        if (fromVersion >= 1)
            QCOMPARE((*migrated)->scalar(QStringLiteral("SELECT count(*) FROM call_events"))->toInt(), 2);
        migrated.value().reset();
        QCOMPARE(schemaSnapshot(old), schemaSnapshot(fresh));
    }

    void frozenVersion1FixtureOpensAndMatches()
    {
        // Build a version-1 file the way a version-1 Switchboard left it, without our code.
        const QString fixture = path(QStringLiteral("v1.sqlite"));
        {
            RawConnection raw(fixture);
            QVERIFY(raw.isOpen());
            QCOMPARE(raw.exec(QStringLiteral("PRAGMA journal_mode = WAL")), QString());
            for (const char* statement : kVersion1Schema)
                QCOMPARE(raw.exec(QString::fromUtf8(statement)), QString());
            for (const char* row : kVersion1Rows)
                QCOMPARE(raw.exec(QString::fromUtf8(row)), QString());
            QCOMPARE(raw.exec(QStringLiteral("PRAGMA user_version = 1")), QString());
            QCOMPARE(raw.exec(QStringLiteral("PRAGMA application_id = %1").arg(kApplicationId)), QString());
        }
        {
            auto db = Database::open(fixture);
            QVERIFY2(db.ok(), qPrintable(db.ok() ? QString() : db.error().message));
            QCOMPARE((*db)->schemaVersion(), latestSchemaVersion());
        }
        const QString fresh = path(QStringLiteral("fresh-v.sqlite"));
        QVERIFY(Database::open(fresh).ok());
        QCOMPARE(schemaSnapshot(fixture), schemaSnapshot(fresh));

        // And the rows read back through the query layer.
        auto history = HistoryQueries::open(fixture);
        QVERIFY(history.ok());
        const Result<CallDetail> detail = (*history)->callDetail(QStringLiteral("CAv1"));
        QVERIFY2(detail.ok(), qPrintable(detail.ok() ? QString() : detail.error().message));
        QCOMPARE(detail->call.status, QStringLiteral("completed"));
        QCOMPARE(detail->call.durationSeconds, 59);
        QCOMPARE(detail->events.size(), 2);
        QCOMPARE(detail->events.at(1).detail.value(QStringLiteral("digit")).toString(), QStringLiteral("5"));
        QCOMPARE(detail->streams.size(), 1);
        QCOMPARE(detail->streams.at(0).tracks.at(0).frames, 2900);
        QCOMPARE(detail->transcripts.at(0).text, QStringLiteral("hello there"));
        QCOMPARE(detail->recordings.at(0).durationSeconds, 58);
        QCOMPARE(detail->webhookIds.size(), 1);
    }

    void migrationStepsApplyInOrderAndFailedStepRollsBack()
    {
        const QString file = path(QStringLiteral("synthetic.sqlite"));
        const Migration one = syntheticStep(1, {QStringLiteral("CREATE TABLE a (x INTEGER)")});
        const Migration two = syntheticStep(2,
                                            {QStringLiteral("CREATE TABLE b (y INTEGER)"),
                                             QStringLiteral("INSERT INTO a (x) VALUES (7)"),
                                             QStringLiteral("INSERT INTO no_such_table VALUES (1)")});
        DatabaseOptions options;
        options.migrations = QList<Migration>{one, two};
        const auto failed = Database::open(file, options);
        QVERIFY(!failed.ok());
        QCOMPARE(failed.error().code, QStringLiteral("storage.migration-failed"));
        QVERIFY2(failed.error().message.contains(QStringLiteral("schema version 2")),
                 qPrintable(failed.error().message));
        QVERIFY(failed.error().message.contains(QStringLiteral("statement 3")));
        {
            RawConnection raw(file);
            QCOMPARE(raw.scalar(QStringLiteral("PRAGMA user_version")).toInt(), 1); // step 1 stays
            QCOMPARE(raw.scalar(QStringLiteral("SELECT count(*) FROM sqlite_master WHERE name = 'b'")).toInt(), 0);
            QCOMPARE(raw.scalar(QStringLiteral("SELECT count(*) FROM a")).toInt(), 0);
        }
        const Migration fixedTwo = syntheticStep(
            2, {QStringLiteral("CREATE TABLE b (y INTEGER)"), QStringLiteral("INSERT INTO a (x) VALUES (7)")});
        options.migrations = QList<Migration>{one, fixedTwo};
        const auto fixed = Database::open(file, options);
        QVERIFY(fixed.ok());
        QCOMPARE((*fixed)->schemaVersion(), 2);
        QCOMPARE((*fixed)->scalar(QStringLiteral("SELECT x FROM a"))->toInt(), 7);
    }

    void migrationThatBreaksForeignKeysIsRolledBack()
    {
        const QString file = path(QStringLiteral("fk.sqlite"));
        DatabaseOptions options;
        options.migrations =
            QList<Migration>{syntheticStep(1,
                                           {QStringLiteral("CREATE TABLE parent (id INTEGER PRIMARY KEY)"),
                                            QStringLiteral("CREATE TABLE child (p INTEGER REFERENCES parent (id))"),
                                            QStringLiteral("INSERT INTO child (p) VALUES (99)")})};
        const auto failed = Database::open(file, options);
        QVERIFY(!failed.ok());
        QCOMPARE(failed.error().code, QStringLiteral("storage.migration-failed"));
        QVERIFY(failed.error().message.contains(QStringLiteral("foreign key")));
        RawConnection raw(file);
        QCOMPARE(raw.scalar(QStringLiteral("PRAGMA user_version")).toInt(), 0);
    }

    void refusesBadMigrationList()
    {
        DatabaseOptions options;
        options.migrations = QList<Migration>{syntheticStep(2, {QStringLiteral("SELECT 1")})};
        const auto db = Database::open(path(QStringLiteral("bad.sqlite")), options);
        QVERIFY(!db.ok());
        QCOMPARE(db.error().code, QStringLiteral("storage.bad-migrations"));
    }

    void refusesDatabaseNewerThanTheApp()
    {
        {
            auto db = Database::open(path());
            QVERIFY(db.ok());
            QVERIFY((*db)->exec(QStringLiteral("PRAGMA user_version = %1").arg(latestSchemaVersion() + 1)).ok());
        }
        const QByteArray before = fileDigest(path());
        for (const OpenMode mode : {OpenMode::ReadWrite, OpenMode::ReadOnly}) {
            DatabaseOptions options;
            options.mode = mode;
            const auto db = Database::open(path(), options);
            QVERIFY(!db.ok());
            QCOMPARE(db.error().code, QStringLiteral("storage.schema-too-new"));
            QVERIFY2(db.error().message.contains(QStringLiteral("schema version %1").arg(latestSchemaVersion() + 1)),
                     qPrintable(db.error().message));
        }
        QCOMPARE(fileDigest(path()), before);
    }

    void refusesFileThatIsNotADatabase_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::newRow("text") << QByteArray("these are my notes, not a database\n").repeated(200);
        QTest::newRow("short") << QByteArray("SQLite");
        QTest::newRow("magic then garbage") << QByteArray("SQLite format 3\0", 16) + QByteArray(8192, '\xA5');
    }

    void refusesFileThatIsNotADatabase()
    {
        QFETCH(QByteArray, content);
        const QString file = path(QStringLiteral("notes.sqlite"));
        {
            QFile f(file);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(content);
        }
        for (const OpenMode mode : {OpenMode::ReadWrite, OpenMode::ReadOnly}) {
            DatabaseOptions options;
            options.mode = mode;
            const auto db = Database::open(file, options);
            QVERIFY(!db.ok());
            QVERIFY2(db.error().code == QStringLiteral("storage.not-a-database"), qPrintable(db.error().code));
            QVERIFY(db.error().message.contains(QStringLiteral("notes.sqlite")));
        }
        QFile f(file);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), content);
        QVERIFY(!QFileInfo::exists(file + QStringLiteral("-wal")));
    }

    void refusesSqliteDatabaseOfAnotherApplication()
    {
        const QString file = path(QStringLiteral("other.sqlite"));
        {
            RawConnection raw(file);
            QCOMPARE(raw.exec(QStringLiteral("CREATE TABLE notes (body TEXT)")), QString());
        }
        const QByteArray before = fileDigest(file);
        const auto db = Database::open(file);
        QVERIFY(!db.ok());
        QCOMPARE(db.error().code, QStringLiteral("storage.foreign-database"));
        QCOMPARE(fileDigest(file), before);
    }

    void readOnlyNeverCreatesOrUpgrades()
    {
        DatabaseOptions readOnly;
        readOnly.mode = OpenMode::ReadOnly;

        const QString missing = path(QStringLiteral("missing/switchboard.sqlite"));
        auto db = Database::open(missing, readOnly);
        QVERIFY(!db.ok());
        QCOMPARE(db.error().code, QStringLiteral("storage.not-found"));
        QVERIFY(!QFileInfo::exists(missing));
        QVERIFY(!QFileInfo::exists(QFileInfo(missing).absolutePath()));

        const QString empty = path(QStringLiteral("empty.sqlite"));
        {
            QFile f(empty);
            QVERIFY(f.open(QIODevice::WriteOnly));
        }
        db = Database::open(empty, readOnly);
        QVERIFY(!db.ok());
        QCOMPARE(db.error().code, QStringLiteral("storage.not-found"));
        QCOMPARE(QFileInfo(empty).size(), 0);

        const QString older = path(QStringLiteral("older.sqlite"));
        DatabaseOptions v1;
        v1.migrations = QList<Migration>{syntheticStep(1, {QStringLiteral("CREATE TABLE a (x)")})};
        QVERIFY(Database::open(older, v1).ok());
        DatabaseOptions v2ReadOnly = readOnly;
        v2ReadOnly.migrations = QList<Migration>{syntheticStep(1, {QStringLiteral("CREATE TABLE a (x)")}),
                                                 syntheticStep(2, {QStringLiteral("CREATE TABLE b (y)")})};
        db = Database::open(older, v2ReadOnly);
        QVERIFY(!db.ok());
        QCOMPARE(db.error().code, QStringLiteral("storage.schema-outdated"));
        RawConnection raw(older);
        QCOMPARE(raw.scalar(QStringLiteral("PRAGMA user_version")).toInt(), 1);
    }

    void readOnlyConnectionCannotWrite()
    {
        QVERIFY(Database::open(path()).ok());
        DatabaseOptions readOnly;
        readOnly.mode = OpenMode::ReadOnly;
        auto db = Database::open(path(), readOnly);
        QVERIFY(db.ok());
        QCOMPARE((*db)->mode(), OpenMode::ReadOnly);
        const Result<int> write =
            (*db)->exec(QStringLiteral("INSERT INTO calls (call_sid, created_at) VALUES ('x', 1)"));
        QVERIFY(!write.ok());
        QCOMPARE(write.error().code, QStringLiteral("storage.read-only"));
    }

    void connectionsHaveUniqueNamesAndAreRemoved()
    {
        QString first;
        QString second;
        {
            auto a = Database::open(path());
            auto b = Database::open(path());
            QVERIFY(a.ok() && b.ok());
            first = (*a)->connectionName();
            second = (*b)->connectionName();
            QVERIFY(first != second);
            QVERIFY(QSqlDatabase::connectionNames().contains(first));
            QVERIFY(QSqlDatabase::connectionNames().contains(second));
            // Both connections work side by side on one file.
            QVERIFY((*a)->exec(QStringLiteral("INSERT INTO calls (call_sid, created_at) VALUES ('CA2', 2)")).ok());
            QCOMPARE((*b)->scalar(QStringLiteral("SELECT count(*) FROM calls"))->toInt(), 1);
        }
        QVERIFY(!QSqlDatabase::connectionNames().contains(first));
        QVERIFY(!QSqlDatabase::connectionNames().contains(second));
    }

    void eachThreadOpensItsOwnConnection()
    {
        QVERIFY(Database::open(path()).ok());
        constexpr int kThreads = 4;
        std::vector<std::unique_ptr<QThread>> threads;
        std::atomic<int> succeeded{0};
        const QString file = path();
        for (int i = 0; i < kThreads; ++i) {
            threads.emplace_back(QThread::create([file, i, &succeeded] {
                DatabaseOptions options;
                options.purpose = QStringLiteral("thread%1").arg(i);
                auto db = Database::open(file, options);
                if (!db)
                    return;
                bool ok = true;
                for (int k = 0; k < 25 && ok; ++k)
                    ok = (*db)
                             ->exec(QStringLiteral("INSERT INTO calls (call_sid, created_at) VALUES ('CA%1-%2', 1)")
                                        .arg(i)
                                        .arg(k))
                             .ok();
                if (ok)
                    ++succeeded;
            }));
            threads.back()->start();
        }
        for (auto& thread : threads)
            QVERIFY(thread->wait(30000));
        QCOMPARE(succeeded.load(), kThreads);
        RawConnection raw(file);
        QCOMPARE(raw.scalar(QStringLiteral("SELECT count(*) FROM calls")).toInt(), kThreads * 25);
    }

    void classifiesBusyAndDiskFull()
    {
        QVERIFY(Database::open(path()).ok());
        RawConnection holder(path());
        QCOMPARE(holder.exec(QStringLiteral("BEGIN IMMEDIATE")), QString());
        DatabaseOptions impatient;
        impatient.busyTimeoutMs = 50;
        auto db = Database::open(path(), impatient);
        QVERIFY(db.ok()); // opening needs no write lock when the schema is current
        const Result<int> busy =
            (*db)->exec(QStringLiteral("INSERT INTO calls (call_sid, created_at) VALUES ('b', 1)"));
        QVERIFY(!busy.ok());
        QCOMPARE(busy.error().code, QStringLiteral("storage.busy"));
        QCOMPARE(holder.exec(QStringLiteral("ROLLBACK")), QString());

        DatabaseOptions tiny;
        const int pages = (*db)->scalar(QStringLiteral("PRAGMA page_count"))->toInt();
        tiny.extraPragmas = {QStringLiteral("PRAGMA max_page_count = %1").arg(pages + 1)};
        auto small = Database::open(path(), tiny);
        QVERIFY(small.ok());
        QString big(200000, QLatin1Char('x'));
        const Result<int> full = (*small)->exec(
            QStringLiteral("INSERT INTO calls (call_sid, created_at, error_message) VALUES ('f', 1, '%1')").arg(big));
        QVERIFY(!full.ok());
        QCOMPARE(full.error().code, QStringLiteral("storage.disk-full"));
    }

    void openFailsCleanlyWhenFolderCannotBeCreated()
    {
        const QString blocker = path(QStringLiteral("blocker"));
        {
            QFile f(blocker);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("file, not folder");
        }
        const auto db = Database::open(blocker + QStringLiteral("/switchboard.sqlite"));
        QVERIFY(!db.ok());
        QCOMPARE(db.error().code, QStringLiteral("storage.open-failed"));
    }
};

QTEST_GUILESS_MAIN(TestDatabase)
#include "TestDatabase.moc"
