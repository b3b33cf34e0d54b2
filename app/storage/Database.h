// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/Result.h"

#include <QList>
#include <QSqlDatabase>
#include <QString>
#include <QStringList>
#include <QVariant>
#include <memory>
#include <optional>

class QSqlError;
class QThread;

namespace sb::storage {

/// The database file inside the data folder (next to audio/ and recordings/). SQLite keeps
/// `switchboard.sqlite-wal` and `-shm` beside it while connections are open, and Storage holds
/// `switchboard.sqlite.lock` (QLockFile) while it writes.
QString databaseFileName();
/// `dataDir/switchboard.sqlite`.
QString databasePath(const QString& dataDir);

/// One step of the schema history. Applying it moves `PRAGMA user_version` from `version - 1`
/// to `version`. The statements run in order inside one transaction (one statement each:
/// QSqlQuery runs only the first statement of a string).
struct Migration
{
    int version = 0;
    QString description;
    QStringList statements;
};

/// The built-in schema history, oldest first, versions 1..latestSchemaVersion(). Never edit a
/// step that has shipped: append a new one (and keep the tests' fixture for the old schema).
const QList<Migration>& schemaMigrations();
/// The schema version this build writes and reads.
int latestSchemaVersion();
/// `PRAGMA application_id` of a Switchboard database ("SWBD"); set with the first migration.
constexpr int kApplicationId = 0x53574244;

enum class OpenMode {
    /// Creates the file (and its folder) if needed, turns on WAL and migrates to the latest
    /// schema. For the one writer (Storage) and for tests.
    ReadWrite,
    /// `QSQLITE_OPEN_READONLY`: never creates, migrates or changes the file. The schema version
    /// must be exactly the latest one this build knows. For readers in any thread or process.
    ReadOnly,
};

struct DatabaseOptions
{
    OpenMode mode = OpenMode::ReadWrite;
    /// How long a statement waits for a lock held by another connection before failing
    /// with SQLITE_BUSY (`PRAGMA busy_timeout`).
    int busyTimeoutMs = 5000;
    /// Appears in the connection name, for diagnostics ("writer", "history", ...).
    QString purpose = QStringLiteral("db");
    /// The schema history to apply (ReadWrite) or to expect (ReadOnly). Unset: schemaMigrations().
    /// Tests pass their own lists to exercise the migration machinery.
    std::optional<QList<Migration>> migrations;
    /// Extra statements run on the connection after the standard pragmas, e.g.
    /// "PRAGMA max_page_count = 64" (tests use it to provoke "disk full").
    QStringList extraPragmas;
};

/// One open SQLite connection with Switchboard's settings: WAL journal, `synchronous=NORMAL`
/// (a commit survives a crash of the process; only a power cut can lose the last ones),
/// `foreign_keys=ON`, a busy timeout, and a schema checked (and migrated) on open.
///
/// Threading: a Database is *not* thread-safe. Qt SQL connections may only be used on the thread
/// that opened them, so open, use and destroy each Database on one thread; open another one for
/// another thread (each gets a unique connection name; connections to one file work side by side).
/// Debug builds assert this in handle(). Destroy every QSqlQuery made on handle() before the
/// Database.
///
/// Errors (sb::Error::code):
/// - `storage.not-a-database`: the file exists but is not SQLite (it is left untouched);
/// - `storage.foreign-database`: an SQLite file of some other application (left untouched);
/// - `storage.schema-too-new`: written by a newer Switchboard (left untouched);
/// - `storage.schema-outdated`: ReadOnly open of an older schema (the app upgrades it when it runs);
/// - `storage.not-found`: ReadOnly open of a missing file, or a ReadOnly open of a file that
///   holds no schema yet;
/// - `storage.migration-failed`: a step failed; it was rolled back, earlier steps stay applied;
/// - `storage.open-failed`: anything else (folder not creatable, permissions, I/O).
class Database
{
public:
    static Result<std::unique_ptr<Database>> open(const QString& path, const DatabaseOptions& options = {});
    ~Database();

    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    /// The connection, for QSqlQuery. Only on the thread that opened this Database.
    QSqlDatabase handle() const;
    QString path() const { return m_path; }
    QString connectionName() const { return m_connectionName; }
    OpenMode mode() const { return m_mode; }
    /// `PRAGMA user_version` after the open (and its migrations).
    int schemaVersion() const { return m_schemaVersion; }
    /// "wal" normally; another value if the file system cannot do WAL (a warning is logged).
    QString journalMode() const { return m_journalMode; }
    QString sqliteVersion() const;

    /// Runs one statement; returns the number of rows it changed.
    Result<int> exec(const QString& sql) const;
    /// Runs one statement and returns the first column of its first row (invalid if no row).
    Result<QVariant> scalar(const QString& sql) const;
    /// `PRAGMA quick_check`: true when the file is sound, else an error carrying SQLite's report.
    Result<bool> quickCheck() const;

private:
    Database() = default;
    Result<bool> configure(const DatabaseOptions& options, const QList<Migration>& migrations);
    Result<bool> migrate(const QList<Migration>& migrations);

    QString m_path;
    QString m_connectionName;
    OpenMode m_mode = OpenMode::ReadWrite;
    int m_schemaVersion = 0;
    QString m_journalMode;
    QThread* m_thread = nullptr;
};

/// SQLite's primary result code (SQLITE_BUSY = 5, SQLITE_FULL = 13, ...) behind a QSqlError,
/// or -1 if it carries none.
int sqliteResultCode(const QSqlError& error);
/// An sb::Error for a failed statement: the code names the failure class
/// (`storage.busy`, `storage.disk-full`, `storage.io-error`, `storage.constraint`,
/// `storage.read-only`, `storage.corrupt`, `storage.sql-error`) and the message reads
/// "<context>: <SQLite's message>".
sb::Error sqlError(const QSqlError& error, const QString& context);
/// True for failures that may pass if tried again later (SQLITE_BUSY, SQLITE_LOCKED).
bool isTransient(const QSqlError& error);

} // namespace sb::storage
