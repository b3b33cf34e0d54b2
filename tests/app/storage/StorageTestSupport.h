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

inline QDateTime at(qint64 secondsAfterBase, int millis = 0)
{
    // 2024-05-01T12:00:00.000Z
    return QDateTime::fromMSecsSinceEpoch(1714564800000LL + secondsAfterBase * 1000 + millis, Qt::UTC);
}

inline CallRecord sampleCall(const QString& sid, const QDateTime& createdAt = at(0))
{
    CallRecord c;
    c.callSid = sid;
    c.accountSid = QStringLiteral("AC0123456789abcdef0123456789abcdef");
    c.from = QStringLiteral("+14155550123");
    c.to = QStringLiteral("+15005550006");
    c.direction = QStringLiteral("inbound");
    c.status = QStringLiteral("in-progress");
    c.flow = QStringLiteral("echo");
    c.createdAt = createdAt;
    c.answeredAt = createdAt.addMSecs(1500);
    c.lastStatusSequence = 1;
    return c;
}

inline CallEvent sampleEvent(const QString& callSid, const QString& kind, const QJsonObject& detail = {})
{
    CallEvent e;
    e.callSid = callSid;
    e.kind = kind;
    e.at = at(5, 250);
    e.detail = detail;
    return e;
}

inline StreamRecord sampleStream(const QString& streamSid, const QString& callSid)
{
    StreamRecord s;
    s.streamSid = streamSid;
    s.callSid = callSid;
    s.name = QStringLiteral("operator-listen");
    s.tracks = {QStringLiteral("inbound"), QStringLiteral("outbound")};
    s.bidirectional = true;
    s.customParameters = QJsonObject{{QStringLiteral("token"), QStringLiteral("t-123")}};
    s.encoding = QStringLiteral("audio/x-mulaw");
    s.sampleRate = 8000;
    s.channels = 1;
    s.startedAt = at(2);
    s.status = QStringLiteral("started");
    return s;
}

inline StreamTrackStats sampleStats(const QString& streamSid, const QString& track, qint64 frames)
{
    StreamTrackStats t;
    t.streamSid = streamSid;
    t.track = track;
    t.frames = frames;
    t.bytes = frames * 160;
    t.gaps = 2;
    t.missingFrames = 5;
    t.reordered = 1;
    t.duplicates = 3;
    t.lateFrames = 4;
    t.wavPath = QStringLiteral("/data/audio/") + streamSid + QLatin1Char('-') + track + QStringLiteral(".wav");
    return t;
}

inline WebhookLogEntry sampleWebhook(const QString& path, const QString& callSid, int status = 200)
{
    WebhookLogEntry w;
    w.at = at(1, 5);
    w.remoteAddress = QStringLiteral("127.0.0.1");
    w.method = QStringLiteral("POST");
    w.path = path;
    w.query = QStringLiteral("a=1");
    w.requestHeaders = {{"Host", "abc.trycloudflare.com"}, {"X-Twilio-Signature", "c2lnbmF0dXJl"}};
    w.requestBody = "CallSid=" + callSid.toLatin1() + "&CallStatus=ringing";
    w.status = status;
    w.responseHeaders = {{"Content-Type", "text/xml"}};
    w.responseBody = "<Response><Say>hi</Say></Response>";
    w.durationMicros = 1250;
    w.signatureVerdict = QStringLiteral("valid");
    w.callSid = callSid;
    return w;
}

inline TranscriptSegment sampleTranscript(const QString& callSid, const QString& text, qint64 second)
{
    TranscriptSegment t;
    t.callSid = callSid;
    t.at = at(second);
    t.track = QStringLiteral("inbound");
    t.source = QStringLiteral("twilio-rtt");
    t.text = text;
    t.isFinal = true;
    t.confidence = 0.875;
    t.sequence = second;
    return t;
}

inline RecordingRecord sampleRecording(const QString& recordingSid, const QString& callSid)
{
    RecordingRecord r;
    r.recordingSid = recordingSid;
    r.callSid = callSid;
    r.url = QStringLiteral("https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/") + recordingSid;
    r.status = QStringLiteral("completed");
    r.durationSeconds = 42;
    r.channels = 2;
    r.source = QStringLiteral("RecordVerb");
    r.createdAt = at(60);
    return r;
}

inline QByteArray fileDigest(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256);
}

/// A plain QSQLITE connection, independent of sb::storage::Database. Use on one thread.
class RawConnection
{
public:
    explicit RawConnection(const QString& path, const QString& options = {})
        : m_name(QStringLiteral("raw-test-%1").arg(counter().fetch_add(1)))
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_name);
        db.setDatabaseName(path);
        db.setConnectOptions(options);
        m_open = db.open();
    }
    ~RawConnection()
    {
        {
            QSqlDatabase db = QSqlDatabase::database(m_name, false);
            db.close();
        }
        QSqlDatabase::removeDatabase(m_name);
    }
    RawConnection(const RawConnection&) = delete;
    RawConnection& operator=(const RawConnection&) = delete;

    bool isOpen() const { return m_open; }
    QSqlDatabase db() const { return QSqlDatabase::database(m_name, false); }

    /// Runs a statement; returns an empty string on success, else the error text.
    QString exec(const QString& sql) const
    {
        QSqlQuery q(db());
        if (!q.exec(sql))
            return q.lastError().text() + QStringLiteral(" [") + q.lastError().nativeErrorCode() + QLatin1Char(']');
        return {};
    }
    QVariant scalar(const QString& sql) const
    {
        QSqlQuery q(db());
        if (!q.exec(sql) || !q.next())
            return {};
        return q.value(0);
    }
    QStringList column(const QString& sql) const
    {
        QStringList out;
        QSqlQuery q(db());
        if (!q.exec(sql))
            return {q.lastError().text()};
        while (q.next())
            out.append(q.value(0).toString());
        return out;
    }

private:
    static std::atomic<int>& counter()
    {
        static std::atomic<int> c{0};
        return c;
    }
    QString m_name;
    bool m_open = false;
};

/// A readable description of a database's schema (tables with their columns, foreign keys and
/// indexes), for comparing a migrated file with a fresh one.
inline QStringList schemaSnapshot(const QString& path)
{
    RawConnection raw(path, QStringLiteral("QSQLITE_OPEN_READONLY"));
    QStringList out;
    const QStringList tables = raw.column(QStringLiteral(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"));
    for (const QString& table : tables) {
        QSqlQuery info(raw.db());
        info.exec(QStringLiteral("PRAGMA table_info(%1)").arg(table));
        while (info.next())
            out.append(QStringLiteral("%1.%2 %3 notnull=%4 default=%5 pk=%6")
                           .arg(table,
                                info.value(1).toString(),
                                info.value(2).toString(),
                                info.value(3).toString(),
                                info.value(4).toString(),
                                info.value(5).toString()));
        QSqlQuery fks(raw.db());
        fks.exec(QStringLiteral("PRAGMA foreign_key_list(%1)").arg(table));
        while (fks.next())
            out.append(QStringLiteral("%1 fk %2 -> %3.%4 on delete %5")
                           .arg(table,
                                fks.value(3).toString(),
                                fks.value(2).toString(),
                                fks.value(4).toString(),
                                fks.value(6).toString()));
    }
    QSqlQuery indexes(raw.db());
    indexes.exec(QStringLiteral("SELECT name, tbl_name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
                                " ORDER BY name"));
    while (indexes.next()) {
        QStringList columns;
        QSqlQuery cols(raw.db());
        cols.exec(QStringLiteral("PRAGMA index_info(%1)").arg(indexes.value(0).toString()));
        while (cols.next())
            columns.append(cols.value(2).toString());
        out.append(QStringLiteral("index %1 on %2 (%3)")
                       .arg(indexes.value(0).toString(), indexes.value(1).toString(), columns.join(QLatin1Char(','))));
    }
    return out;
}

} // namespace sb::storage::test
