// SPDX-License-Identifier: GPL-3.0-or-later
// Shared helpers for the storage tests: sample records and a plain Qt SQL connection that checks
// the file independently of sb::storage::Database.
#pragma once

#include "storage/Records.h"

#include <QCryptographicHash>
#include <QFile>
#include <QJsonArray>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>
#include <QtTest>
#include <atomic>

namespace sb::storage::test {

QDateTime at(qint64 secondsAfterBase, int millis = 0);

CallRecord sampleCall(const QString& sid, const QDateTime& createdAt = at(0));

CallEvent sampleEvent(const QString& callSid, const QString& kind, const QJsonObject& detail = {});

StreamRecord sampleStream(const QString& streamSid, const QString& callSid);

StreamTrackStats sampleStats(const QString& streamSid, const QString& track, qint64 frames);

WebhookLogEntry sampleWebhook(const QString& path, const QString& callSid, int status = 200);

TranscriptSegment sampleTranscript(const QString& callSid, const QString& text, qint64 second);

RecordingRecord sampleRecording(const QString& recordingSid, const QString& callSid);

QByteArray fileDigest(const QString& path);

/// A plain QSQLITE connection, independent of sb::storage::Database. Use on one thread.
class RawConnection
{
public:
    explicit RawConnection(const QString& path, const QString& options = {});
    ~RawConnection();
    RawConnection(const RawConnection&) = delete;
    RawConnection& operator=(const RawConnection&) = delete;

    bool isOpen() const { return m_open; }
    QSqlDatabase db() const { return QSqlDatabase::database(m_name, false); }

    /// Runs a statement; returns an empty string on success, else the error text.
    QString exec(const QString& sql) const;
    QVariant scalar(const QString& sql) const;
    QStringList column(const QString& sql) const;

private:
    QString m_name;
    bool m_open = false;
};

/// A readable description of a database's schema (tables with their columns, foreign keys and
/// indexes), for comparing a migrated file with a fresh one.
QStringList schemaSnapshot(const QString& path);

} // namespace sb::storage::test
