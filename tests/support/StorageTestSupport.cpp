// SPDX-License-Identifier: GPL-3.0-or-later
#include "StorageTestSupport.h"

#include <QCryptographicHash>
#include <QFile>
#include <QSqlError>
#include <QSqlQuery>
#include <atomic>

namespace sb::storage::test {

QDateTime at(qint64 secondsAfterBase, int millis)
{
    // 2024-05-01T12:00:00.000Z
    return QDateTime::fromMSecsSinceEpoch(1714564800000LL + secondsAfterBase * 1000 + millis, Qt::UTC);
}

CallRecord sampleCall(const QString& sid, const QDateTime& createdAt)
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

CallEvent sampleEvent(const QString& callSid, const QString& kind, const QJsonObject& detail)
{
    CallEvent e;
    e.callSid = callSid;
    e.kind = kind;
    e.at = at(5, 250);
    e.detail = detail;
    return e;
}

StreamRecord sampleStream(const QString& streamSid, const QString& callSid)
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

StreamTrackStats sampleStats(const QString& streamSid, const QString& track, qint64 frames)
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

WebhookLogEntry sampleWebhook(const QString& path, const QString& callSid, int status)
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

TranscriptSegment sampleTranscript(const QString& callSid, const QString& text, qint64 second)
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

RecordingRecord sampleRecording(const QString& recordingSid, const QString& callSid)
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

QByteArray fileDigest(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256);
}

namespace {
std::atomic<int> g_connectionCounter{0};
} // namespace

RawConnection::RawConnection(const QString& path, const QString& options)
    : m_name(QStringLiteral("raw-test-%1").arg(g_connectionCounter.fetch_add(1)))
{
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_name);
    db.setDatabaseName(path);
    db.setConnectOptions(options);
    m_open = db.open();
}

RawConnection::~RawConnection()
{
    {
        QSqlDatabase db = QSqlDatabase::database(m_name, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(m_name);
}

QString RawConnection::exec(const QString& sql) const
{
    QSqlQuery q(db());
    if (!q.exec(sql))
        return q.lastError().text() + QStringLiteral(" [") + q.lastError().nativeErrorCode() + QLatin1Char(']');
    return {};
}

QVariant RawConnection::scalar(const QString& sql) const
{
    QSqlQuery q(db());
    if (!q.exec(sql) || !q.next())
        return {};
    return q.value(0);
}

QStringList RawConnection::column(const QString& sql) const
{
    QStringList out;
    QSqlQuery q(db());
    if (!q.exec(sql))
        return {q.lastError().text()};
    while (q.next())
        out.append(q.value(0).toString());
    return out;
}

QStringList schemaSnapshot(const QString& path)
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
