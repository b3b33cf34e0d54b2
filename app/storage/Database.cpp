// SPDX-License-Identifier: GPL-3.0-or-later
#include "storage/Database.h"

#include "storage/PrivateFiles.h"
#include "storage/StorageLog.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>
#include <atomic>

namespace sb::storage {
namespace {

const QByteArray kSqliteMagic("SQLite format 3\0", 16);

QList<Migration> buildMigrations()
{
    QList<Migration> list;
    // Version 1: the first shipped schema. Times are INTEGER milliseconds since the Unix epoch
    // (UTC); NULL means unknown. JSON columns hold compact JSON text.
    list.append(Migration{
        1,
        QStringLiteral("calls, events, streams, track stats, webhook log, transcripts, recordings"),
        {
            QStringLiteral("CREATE TABLE calls ("
                           " call_sid TEXT PRIMARY KEY NOT NULL,"
                           " account_sid TEXT NOT NULL DEFAULT '',"
                           " parent_call_sid TEXT NOT NULL DEFAULT '',"
                           " from_address TEXT NOT NULL DEFAULT '',"
                           " to_address TEXT NOT NULL DEFAULT '',"
                           " direction TEXT NOT NULL DEFAULT '',"
                           " status TEXT NOT NULL DEFAULT '',"
                           " flow TEXT NOT NULL DEFAULT '',"
                           " created_at INTEGER NOT NULL,"
                           " answered_at INTEGER,"
                           " ended_at INTEGER,"
                           " duration_seconds INTEGER,"
                           " last_status_sequence INTEGER NOT NULL DEFAULT -1,"
                           " error_code TEXT NOT NULL DEFAULT '',"
                           " error_message TEXT NOT NULL DEFAULT '')"),
            QStringLiteral("CREATE INDEX calls_by_created ON calls (created_at)"),
            QStringLiteral("CREATE TABLE call_events ("
                           " id INTEGER PRIMARY KEY,"
                           " call_sid TEXT NOT NULL REFERENCES calls (call_sid) ON DELETE CASCADE,"
                           " at INTEGER NOT NULL,"
                           " kind TEXT NOT NULL,"
                           " detail TEXT NOT NULL DEFAULT '{}')"),
            QStringLiteral("CREATE INDEX call_events_by_call ON call_events (call_sid, id)"),
            QStringLiteral("CREATE TABLE streams ("
                           " stream_sid TEXT PRIMARY KEY NOT NULL,"
                           " call_sid TEXT NOT NULL REFERENCES calls (call_sid) ON DELETE CASCADE,"
                           " name TEXT NOT NULL DEFAULT '',"
                           " tracks TEXT NOT NULL DEFAULT '[]',"
                           " bidirectional INTEGER NOT NULL DEFAULT 0 CHECK (bidirectional IN (0, 1)),"
                           " custom_parameters TEXT NOT NULL DEFAULT '{}',"
                           " encoding TEXT NOT NULL DEFAULT '',"
                           " sample_rate INTEGER NOT NULL DEFAULT 0,"
                           " channels INTEGER NOT NULL DEFAULT 0,"
                           " started_at INTEGER,"
                           " stopped_at INTEGER,"
                           " status TEXT NOT NULL DEFAULT '',"
                           " error TEXT NOT NULL DEFAULT '')"),
            QStringLiteral("CREATE INDEX streams_by_call ON streams (call_sid, started_at)"),
            QStringLiteral("CREATE TABLE stream_tracks ("
                           " stream_sid TEXT NOT NULL REFERENCES streams (stream_sid) ON DELETE CASCADE,"
                           " track TEXT NOT NULL,"
                           " frames INTEGER NOT NULL DEFAULT 0,"
                           " bytes INTEGER NOT NULL DEFAULT 0,"
                           " gaps INTEGER NOT NULL DEFAULT 0,"
                           " missing_frames INTEGER NOT NULL DEFAULT 0,"
                           " reordered INTEGER NOT NULL DEFAULT 0,"
                           " duplicates INTEGER NOT NULL DEFAULT 0,"
                           " late_frames INTEGER NOT NULL DEFAULT 0,"
                           " wav_path TEXT NOT NULL DEFAULT '',"
                           " PRIMARY KEY (stream_sid, track)) WITHOUT ROWID"),
            QStringLiteral("CREATE TABLE webhook_log ("
                           " id INTEGER PRIMARY KEY AUTOINCREMENT,"
                           " at INTEGER NOT NULL,"
                           " remote_address TEXT NOT NULL DEFAULT '',"
                           " method TEXT NOT NULL DEFAULT '',"
                           " path TEXT NOT NULL DEFAULT '',"
                           " query TEXT NOT NULL DEFAULT '',"
                           " request_headers TEXT NOT NULL DEFAULT '[]',"
                           " request_body BLOB NOT NULL DEFAULT x'',"
                           " status INTEGER NOT NULL DEFAULT 0,"
                           " response_headers TEXT NOT NULL DEFAULT '[]',"
                           " response_body BLOB NOT NULL DEFAULT x'',"
                           " duration_micros INTEGER NOT NULL DEFAULT 0,"
                           " signature_verdict TEXT NOT NULL DEFAULT '',"
                           " call_sid TEXT NOT NULL DEFAULT '',"
                           " replay_of INTEGER REFERENCES webhook_log (id) ON DELETE SET NULL,"
                           " note TEXT NOT NULL DEFAULT '')"),
            QStringLiteral("CREATE INDEX webhook_log_by_call ON webhook_log (call_sid, id)"),
            QStringLiteral("CREATE INDEX webhook_log_by_replay ON webhook_log (replay_of)"),
            QStringLiteral("CREATE TABLE transcript_segments ("
                           " id INTEGER PRIMARY KEY,"
                           " call_sid TEXT NOT NULL REFERENCES calls (call_sid) ON DELETE CASCADE,"
                           " at INTEGER NOT NULL,"
                           " track TEXT NOT NULL DEFAULT '',"
                           " source TEXT NOT NULL DEFAULT '',"
                           " text TEXT NOT NULL DEFAULT '',"
                           " is_final INTEGER NOT NULL DEFAULT 1 CHECK (is_final IN (0, 1)),"
                           " confidence REAL,"
                           " sequence INTEGER NOT NULL DEFAULT -1)"),
            QStringLiteral("CREATE INDEX transcript_segments_by_call ON transcript_segments (call_sid, at, id)"),
            QStringLiteral("CREATE TABLE recordings ("
                           " recording_sid TEXT PRIMARY KEY NOT NULL,"
                           " call_sid TEXT NOT NULL DEFAULT '',"
                           " url TEXT NOT NULL DEFAULT '',"
                           " status TEXT NOT NULL DEFAULT '',"
                           " duration_seconds INTEGER,"
                           " channels INTEGER NOT NULL DEFAULT 0,"
                           " source TEXT NOT NULL DEFAULT '',"
                           " local_path TEXT NOT NULL DEFAULT '',"
                           " created_at INTEGER NOT NULL,"
                           " downloaded_at INTEGER,"
                           " error TEXT NOT NULL DEFAULT '')"),
            QStringLiteral("CREATE INDEX recordings_by_call ON recordings (call_sid, created_at)"),
        }});
    // Version 2: the call registry's own state (our state machine, not Twilio's CallStatus), the
    // per-call stream token (so a restarted app can still bind the call's streams) and the
    // number of <Record> chunks answered.
    list.append(Migration{
        2,
        QStringLiteral("call state, stream token and chunk count for crash recovery"),
        {
            QStringLiteral("ALTER TABLE calls ADD COLUMN state TEXT NOT NULL DEFAULT ''"),
            QStringLiteral("ALTER TABLE calls ADD COLUMN stream_token TEXT NOT NULL DEFAULT ''"),
            QStringLiteral("ALTER TABLE calls ADD COLUMN chunks INTEGER NOT NULL DEFAULT 0"),
            QStringLiteral("CREATE INDEX calls_live ON calls (ended_at) WHERE ended_at IS NULL"),
        },
    });
    // Version 3: why a refused signature was refused, computed by the listener while it had the
    // token (the stored log keeps no signature, so it cannot be worked out later).
    list.append(Migration{
        3,
        QStringLiteral("signature diagnosis of refused webhooks"),
        {
            QStringLiteral("ALTER TABLE webhook_log ADD COLUMN signature_diagnosis TEXT NOT NULL DEFAULT '{}'"),
        },
    });
    return list;
}

QString nextConnectionName(const QString& purpose)
{
    static std::atomic<quint64> counter{0};
    return QStringLiteral("sb.storage.%1.%2").arg(purpose).arg(counter.fetch_add(1) + 1);
}

/// Removes a Qt SQL connection once no QSqlDatabase handle to it is left in this scope.
void dropConnection(const QString& name)
{
    {
        QSqlDatabase db = QSqlDatabase::database(name, false);
        if (db.isValid())
            db.close();
    }
    QSqlDatabase::removeDatabase(name);
}

Error openError(const QString& code, const QString& path, const QString& reason)
{
    return makeError(code, QStringLiteral("cannot open %1: %2").arg(QDir::toNativeSeparators(path), reason));
}

Result<bool> validateMigrations(const QList<Migration>& migrations)
{
    for (int i = 0; i < migrations.size(); ++i) {
        if (migrations.at(i).version != i + 1)
            return makeError(QStringLiteral("storage.bad-migrations"),
                             QStringLiteral("migration %1 has version %2; versions must run 1, 2, 3, ...")
                                 .arg(i)
                                 .arg(migrations.at(i).version));
    }
    return true;
}

} // namespace

QString databaseFileName()
{
    return QStringLiteral("switchboard.sqlite");
}

QString databasePath(const QString& dataDir)
{
    return QDir(dataDir).filePath(databaseFileName());
}

const QList<Migration>& schemaMigrations()
{
    static const QList<Migration> migrations = buildMigrations();
    return migrations;
}

int latestSchemaVersion()
{
    return schemaMigrations().size();
}

int sqliteResultCode(const QSqlError& error)
{
    bool ok = false;
    const int code = error.nativeErrorCode().toInt(&ok);
    return ok ? (code & 0xff) : -1;
}

bool isTransient(const QSqlError& error)
{
    const int code = sqliteResultCode(error);
    return code == 5 /* SQLITE_BUSY */ || code == 6 /* SQLITE_LOCKED */;
}

sb::Error sqlError(const QSqlError& error, const QString& context)
{
    QString code;
    switch (sqliteResultCode(error)) {
    case 5: // SQLITE_BUSY
    case 6: // SQLITE_LOCKED
        code = QStringLiteral("storage.busy");
        break;
    case 8: // SQLITE_READONLY
        code = QStringLiteral("storage.read-only");
        break;
    case 10: // SQLITE_IOERR
        code = QStringLiteral("storage.io-error");
        break;
    case 11: // SQLITE_CORRUPT
    case 26: // SQLITE_NOTADB
        code = QStringLiteral("storage.corrupt");
        break;
    case 13: // SQLITE_FULL
        code = QStringLiteral("storage.disk-full");
        break;
    case 19: // SQLITE_CONSTRAINT
        code = QStringLiteral("storage.constraint");
        break;
    default:
        code = QStringLiteral("storage.sql-error");
        break;
    }
    QString reason = error.databaseText();
    if (reason.isEmpty())
        reason = error.driverText();
    if (reason.isEmpty())
        reason = QStringLiteral("unknown SQLite error");
    return makeError(code, context + QStringLiteral(": ") + reason);
}

Result<std::unique_ptr<Database>> Database::open(const QString& path, const DatabaseOptions& options)
{
    const QList<Migration>& migrations = options.migrations ? *options.migrations : schemaMigrations();
    if (Result<bool> valid = validateMigrations(migrations); !valid)
        return valid.error();

    const QFileInfo info(path);
    if (info.exists() && !info.isFile())
        return openError(QStringLiteral("storage.open-failed"), path, QStringLiteral("it is not a regular file"));
    if (options.mode == OpenMode::ReadOnly && !info.exists())
        return openError(QStringLiteral("storage.not-found"), path, QStringLiteral("no such file"));

    // Never hand a foreign file to SQLite in read-write mode: check the header ourselves first.
    // An empty file is a valid (new) SQLite database.
    if (info.exists() && info.size() > 0) {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            return openError(QStringLiteral("storage.open-failed"), path, file.errorString());
        const QByteArray header = file.read(100);
        if (header.size() < 100 || !header.startsWith(kSqliteMagic))
            return openError(QStringLiteral("storage.not-a-database"),
                             path,
                             QStringLiteral("the file is not an SQLite database (it was left untouched)"));
    }
    if (options.mode == OpenMode::ReadWrite) {
        if (!info.exists() && !makePrivateFolder(info.absolutePath()))
            return openError(
                QStringLiteral("storage.open-failed"),
                path,
                QStringLiteral("cannot create the folder %1").arg(QDir::toNativeSeparators(info.absolutePath())));
        // SQLite creates -wal and -shm with the mode of the database file: make that 0600 before
        // SQLite sees it (created empty with 0600, or narrowed if an older version made it 0644).
        // A file we cannot narrow (someone else's, shared with us) is still opened, with a warning.
        if (!info.exists() && !createPrivateFile(info.absoluteFilePath()))
            return openError(QStringLiteral("storage.open-failed"),
                             path,
                             QStringLiteral("cannot create it with owner-only permissions"));
        for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
            const QString file = info.absoluteFilePath() + QLatin1String(suffix);
            if (QFileInfo::exists(file) && !makeFilePrivate(file))
                qCWarning(lcStorage).noquote()
                    << "cannot make" << QDir::toNativeSeparators(file) << "readable by its owner only";
        }
    }

    if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QSQLITE")))
        return openError(QStringLiteral("storage.open-failed"),
                         path,
                         QStringLiteral("Qt's SQLite driver is missing (install libqt6sql6-sqlite)"));

    std::unique_ptr<Database> database(new Database);
    database->m_path = info.absoluteFilePath();
    database->m_mode = options.mode;
    database->m_connectionName = nextConnectionName(options.purpose);
    database->m_thread = QThread::currentThread();
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), database->m_connectionName);
        db.setDatabaseName(database->m_path);
        QString connectOptions = QStringLiteral("QSQLITE_BUSY_TIMEOUT=%1").arg(options.busyTimeoutMs);
        if (options.mode == OpenMode::ReadOnly)
            connectOptions += QStringLiteral(";QSQLITE_OPEN_READONLY");
        db.setConnectOptions(connectOptions);
        if (!db.open()) {
            const Error error = sqlError(db.lastError(), QStringLiteral("cannot open %1").arg(path));
            return makeError(QStringLiteral("storage.open-failed"), error.message);
        }
    }
    if (Result<bool> configured = database->configure(options, migrations); !configured)
        return configured.error();
    return database;
}

Database::~Database()
{
    if (!m_connectionName.isEmpty())
        dropConnection(m_connectionName);
}

QSqlDatabase Database::handle() const
{
    Q_ASSERT_X(QThread::currentThread() == m_thread,
               "sb::storage::Database::handle",
               "a Qt SQL connection may only be used on the thread that opened it");
    return QSqlDatabase::database(m_connectionName, false);
}

QString Database::sqliteVersion() const
{
    const Result<QVariant> version = scalar(QStringLiteral("SELECT sqlite_version()"));
    return version ? version->toString() : QString();
}

Result<int> Database::exec(const QString& sql) const
{
    QSqlQuery query(handle());
    if (!query.exec(sql))
        return sqlError(query.lastError(), sql);
    return query.numRowsAffected();
}

Result<QVariant> Database::scalar(const QString& sql) const
{
    QSqlQuery query(handle());
    if (!query.exec(sql))
        return sqlError(query.lastError(), sql);
    if (!query.next()) {
        if (query.lastError().isValid())
            return sqlError(query.lastError(), sql);
        return QVariant();
    }
    return query.value(0);
}

Result<bool> Database::quickCheck() const
{
    QSqlQuery query(handle());
    if (!query.exec(QStringLiteral("PRAGMA quick_check")))
        return sqlError(query.lastError(), QStringLiteral("quick_check"));
    QStringList problems;
    while (query.next()) {
        const QString line = query.value(0).toString();
        if (line != QStringLiteral("ok"))
            problems.append(line);
    }
    if (!problems.isEmpty())
        return makeError(QStringLiteral("storage.corrupt"),
                         QStringLiteral("%1 is damaged: %2").arg(m_path, problems.join(QStringLiteral("; "))));
    return true;
}

Result<bool> Database::configure(const DatabaseOptions& options, const QList<Migration>& migrations)
{
    const int latest = migrations.size();
    // Identify the file before changing anything in it.
    const Result<QVariant> tables = scalar(QStringLiteral("SELECT count(*) FROM sqlite_master"));
    if (!tables) {
        if (tables.error().code == QStringLiteral("storage.corrupt"))
            return openError(QStringLiteral("storage.not-a-database"), m_path, tables.error().message);
        return openError(QStringLiteral("storage.open-failed"), m_path, tables.error().message);
    }
    const Result<QVariant> appId = scalar(QStringLiteral("PRAGMA application_id"));
    const Result<QVariant> version = scalar(QStringLiteral("PRAGMA user_version"));
    if (!appId || !version)
        return openError(
            QStringLiteral("storage.open-failed"), m_path, (!appId ? appId.error() : version.error()).message);
    m_schemaVersion = version->toInt();
    const int applicationId = appId->toInt();
    if (applicationId != kApplicationId && (applicationId != 0 || m_schemaVersion != 0 || tables->toInt() > 0))
        return openError(QStringLiteral("storage.foreign-database"),
                         m_path,
                         QStringLiteral("it is an SQLite database of another application (it was left untouched)"));
    if (m_schemaVersion > latest)
        return openError(QStringLiteral("storage.schema-too-new"),
                         m_path,
                         QStringLiteral("it has schema version %1, but this Switchboard knows versions up to %2; "
                                        "use a newer Switchboard (the file was left untouched)")
                             .arg(m_schemaVersion)
                             .arg(latest));

    if (Result<int> r = exec(QStringLiteral("PRAGMA busy_timeout = %1").arg(options.busyTimeoutMs)); !r)
        return openError(QStringLiteral("storage.open-failed"), m_path, r.error().message);

    if (m_mode == OpenMode::ReadOnly) {
        if (m_schemaVersion == 0)
            return openError(QStringLiteral("storage.not-found"), m_path, QStringLiteral("it holds no history yet"));
        if (m_schemaVersion < latest)
            return openError(QStringLiteral("storage.schema-outdated"),
                             m_path,
                             QStringLiteral("it has schema version %1 and this Switchboard reads version %2; "
                                            "start the app once to upgrade it")
                                 .arg(m_schemaVersion)
                                 .arg(latest));
        const Result<QVariant> mode = scalar(QStringLiteral("PRAGMA journal_mode"));
        m_journalMode = mode ? mode->toString() : QString();
        for (const QString& pragma : options.extraPragmas) {
            if (Result<int> r = exec(pragma); !r)
                return openError(QStringLiteral("storage.open-failed"), m_path, r.error().message);
        }
        return true;
    }

    const Result<QVariant> mode = scalar(QStringLiteral("PRAGMA journal_mode = WAL"));
    if (!mode)
        return openError(QStringLiteral("storage.open-failed"), m_path, mode.error().message);
    m_journalMode = mode->toString().toLower();
    if (m_journalMode != QStringLiteral("wal"))
        qCWarning(lcStorage) << "journal mode of" << m_path << "is" << m_journalMode
                             << "(WAL unavailable on this file system): readers may block the writer";
    const QStringList pragmas{QStringLiteral("PRAGMA synchronous = NORMAL"),
                              // At most 64 MiB of WAL is kept on disk after a checkpoint.
                              QStringLiteral("PRAGMA journal_size_limit = 67108864"),
                              // Off while migrating (SQLite's advice for schema changes); checked
                              // per step with foreign_key_check, then turned on for good.
                              QStringLiteral("PRAGMA foreign_keys = OFF")};
    for (const QString& pragma : pragmas) {
        if (Result<int> r = exec(pragma); !r)
            return openError(QStringLiteral("storage.open-failed"), m_path, r.error().message);
    }
    if (Result<bool> migrated = migrate(migrations); !migrated)
        return migrated.error();
    if (Result<int> r = exec(QStringLiteral("PRAGMA foreign_keys = ON")); !r)
        return openError(QStringLiteral("storage.open-failed"), m_path, r.error().message);
    for (const QString& pragma : options.extraPragmas) {
        if (Result<int> r = exec(pragma); !r)
            return openError(QStringLiteral("storage.open-failed"), m_path, r.error().message);
    }
    return true;
}

Result<bool> Database::migrate(const QList<Migration>& migrations)
{
    for (const Migration& step : migrations) {
        if (step.version <= m_schemaVersion)
            continue;
        const auto fail = [&](const QString& what) -> Error {
            (void)exec(QStringLiteral("ROLLBACK"));
            return makeError(QStringLiteral("storage.migration-failed"),
                             QStringLiteral("cannot upgrade %1 to schema version %2 (%3): %4")
                                 .arg(m_path)
                                 .arg(step.version)
                                 .arg(step.description, what));
        };
        // IMMEDIATE: take the write lock now, so two processes never run the same step twice.
        if (Result<int> begun = exec(QStringLiteral("BEGIN IMMEDIATE")); !begun)
            return makeError(QStringLiteral("storage.migration-failed"), begun.error().message);
        const Result<QVariant> current = scalar(QStringLiteral("PRAGMA user_version"));
        if (!current)
            return fail(current.error().message);
        if (current->toInt() >= step.version) { // another process got there first
            m_schemaVersion = current->toInt();
            if (Result<int> done = exec(QStringLiteral("COMMIT")); !done)
                return fail(done.error().message);
            continue;
        }
        if (current->toInt() == 0) {
            if (Result<int> r = exec(QStringLiteral("PRAGMA application_id = %1").arg(kApplicationId)); !r)
                return fail(r.error().message);
        }
        for (int i = 0; i < step.statements.size(); ++i) {
            if (Result<int> r = exec(step.statements.at(i)); !r)
                return fail(QStringLiteral("statement %1: %2").arg(i + 1).arg(r.error().message));
        }
        QString violation;
        {
            QSqlQuery check(handle());
            if (!check.exec(QStringLiteral("PRAGMA foreign_key_check")))
                violation = sqlError(check.lastError(), QStringLiteral("foreign_key_check")).message;
            else if (check.next())
                violation = QStringLiteral("foreign key violation in table %1").arg(check.value(0).toString());
        }
        if (!violation.isEmpty())
            return fail(violation);
        if (Result<int> r = exec(QStringLiteral("PRAGMA user_version = %1").arg(step.version)); !r)
            return fail(r.error().message);
        if (Result<int> r = exec(QStringLiteral("COMMIT")); !r)
            return fail(r.error().message);
        qCInfo(lcStorage) << "upgraded" << m_path << "to schema version" << step.version;
        m_schemaVersion = step.version;
    }
    if (m_schemaVersion > migrations.size())
        return openError(QStringLiteral("storage.schema-too-new"),
                         m_path,
                         QStringLiteral("another process upgraded it to schema version %1, which this Switchboard "
                                        "does not know")
                             .arg(m_schemaVersion));
    return true;
}

} // namespace sb::storage
