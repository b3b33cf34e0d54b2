// SPDX-License-Identifier: GPL-3.0-or-later
// The real executable started with the umask of a typical desktop (022): its data folder and
// every file in it are readable by their owner only, files left by an older version are
// narrowed at start-up, and the stored webhook log keeps no stream token and no signature
// (checked in the SQLite file itself, through HistoryQueries and through `webhooks show --json`),
// while `webhooks replay` still gets a valid request accepted.
#include "HeadlessApp.h"
#include "StorageTestSupport.h"
#include "storage/HistoryQueries.h"
#include "twilio/MediaMessages.h"
#include "twilio/Signature.h"

#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QWebSocket>
#include <QtTest>
#include <sys/stat.h>

using namespace sb;
using namespace sb::test;

namespace {

const QString kStreamSid = QStringLiteral("MZ00112233445566778899aabbccddee01");
const QString kAccount = QStringLiteral("AC0123456789abcdef0123456789abcdef");

QString callSid(int n)
{
    return QStringLiteral("CA%1").arg(n, 32, 16, QLatin1Char('0'));
}

/// Permission bits of `path` (-1 if it does not exist).
int modeOf(const QString& path)
{
    struct stat st
    {
    };
    if (::lstat(QFile::encodeName(path).constData(), &st) != 0)
        return -1;
    return int(st.st_mode & 07777);
}

QString octal(int mode)
{
    return QStringLiteral("0%1").arg(mode, 0, 8);
}

bool writeFile(const QString& path, const QByteArray& content, int mode)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(content) != content.size())
        return false;
    f.close();
    return ::chmod(QFile::encodeName(path).constData(), mode_t(mode)) == 0;
}

/// One short Media Stream for `sid`: connected, start (with the call's token), 50 frames, stop.
bool streamOnce(const HeadlessApp& app, const QString& sid, const QString& token)
{
    QWebSocket socket;
    QNetworkRequest request{QUrl(app.streamUrl())};
    request.setRawHeader("X-Twilio-Signature", twilio::signature::compute(kAuthToken, app.streamUrl()));
    QSignalSpy connected(&socket, &QWebSocket::connected);
    socket.open(request);
    if (!connected.wait(10000))
        return false;
    auto send = [&socket](const QByteArray& json) { socket.sendTextMessage(QString::fromUtf8(json)); };
    send(twilio::toJson(twilio::ConnectedMessage{}));
    twilio::StartMessage start;
    start.streamSid = kStreamSid;
    start.accountSid = kAccount;
    start.callSid = sid;
    start.tracks = {twilio::MediaTrack::Inbound};
    start.customParameters = {{QStringLiteral("callToken"), token}};
    send(twilio::toJson(start));
    qint64 sequence = 1;
    for (int i = 0; i < 50; ++i) {
        twilio::MediaMessage m;
        m.sequenceNumber = ++sequence;
        m.streamSid = kStreamSid;
        m.track = twilio::MediaTrack::Inbound;
        m.chunk = i + 1;
        m.timestamp = 20 * i;
        m.payload = QByteArray(160, char(0xFF));
        send(twilio::toJson(m));
    }
    twilio::StopMessage stop;
    stop.sequenceNumber = ++sequence;
    stop.streamSid = kStreamSid;
    stop.accountSid = kAccount;
    stop.callSid = sid;
    send(twilio::toJson(stop));
    return QTest::qWaitFor([&] { return socket.state() == QAbstractSocket::UnconnectedState; }, 30000);
}

} // namespace

class TestDataPrivacy : public QObject
{
    Q_OBJECT

private slots:
    void dataFolderAndEveryFileArePrivateWhateverTheUmask()
    {
        QTemporaryDir base;
        QVERIFY(base.isValid());
        const QString data = base.filePath(QStringLiteral("data"));
        // What an older version left with umask 022: 0755 folders and 0644 files.
        QVERIFY(QDir().mkpath(data + QStringLiteral("/audio/CAold")));
        QVERIFY(QDir().mkpath(data + QStringLiteral("/flows")));
        for (const QString& dir :
             QStringList{data, data + QStringLiteral("/audio"), data + QStringLiteral("/audio/CAold")})
            QVERIFY(::chmod(QFile::encodeName(dir).constData(), 0755) == 0);
        const QString oldWav = data + QStringLiteral("/audio/CAold/old.wav");
        const QString stateFile = data + QStringLiteral("/tunnel-phone-numbers.json");
        const QString unrelated = data + QStringLiteral("/notes-of-the-user.txt");
        QVERIFY(writeFile(oldWav, QByteArray(44, '\0'), 0644));
        QVERIFY(writeFile(stateFile, "{}", 0644));
        QVERIFY(writeFile(unrelated, "mine", 0644));

        ScopedUmask desktop(022);
        HeadlessApp app(data);
        QVERIFY2(app.start(), qPrintable(app.output()));
        const QString sid = callSid(1);
        const HttpResult voice = postSigned(
            app.baseUrl() + QStringLiteral("/voice"), callParams(sid, QStringLiteral("ringing")), kAuthToken);
        QCOMPARE(voice.status, 200);
        QVERIFY(streamOnce(app, sid, twimlParameter(voice.body, QStringLiteral("callToken"))));
        QCOMPARE(postSigned(app.baseUrl() + QStringLiteral("/status"),
                            callParams(sid, QStringLiteral("completed")),
                            kAuthToken)
                     .status,
                 200);
        QVERIFY2(app.waitForLine(sid + QStringLiteral(" status.completed")), qPrintable(app.output()));
        QVERIFY2(app.waitForLine(QStringLiteral(" stream.stop ")), qPrintable(app.output()));

        // While it runs: the folder, the database with its WAL, shared memory and lock file.
        const QString db = data + QStringLiteral("/switchboard.sqlite");
        QStringList wrong;
        auto expect = [&wrong](const QString& path, int mode) {
            if (modeOf(path) != mode)
                wrong << QStringLiteral("%1 is %2, expected %3").arg(path, octal(modeOf(path)), octal(mode));
        };
        for (const QString& dir : QStringList{data,
                                              data + QStringLiteral("/audio"),
                                              data + QStringLiteral("/recordings"),
                                              data + QStringLiteral("/flows"),
                                              data + QStringLiteral("/audio/CAold")})
            expect(dir, 0700);
        for (const QString& suffix :
             {QString(), QStringLiteral("-wal"), QStringLiteral("-shm"), QStringLiteral(".lock")})
            expect(db + suffix, 0600);
        expect(oldWav, 0600);
        expect(stateFile, 0600);
        int wavs = 0;
        QDirIterator it(
            data + QStringLiteral("/audio"), {QStringLiteral("*.wav")}, QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = it.next();
            ++wavs;
            expect(path, 0600);
            QString dir = QFileInfo(path).absolutePath();
            for (; dir.size() > data.size(); dir = QFileInfo(dir).absolutePath())
                expect(dir, 0700);
        }
        QVERIFY2(wavs >= 2, qPrintable(QStringLiteral("%1 WAV files").arg(wavs))); // the old one and the call's
        // A file of someone else in a folder the user chose is left as it was.
        expect(unrelated, 0644);
        QVERIFY2(wrong.isEmpty(), qPrintable(wrong.join(QLatin1Char('\n'))));
        QCOMPARE(app.terminate(), 0);
        QCOMPARE(modeOf(db), 0600);
    }

    void storedWebhookLogHoldsNoTokenAndNoSignature()
    {
        QTemporaryDir dir;
        HeadlessApp app(dir.path());
        QVERIFY2(app.start(), qPrintable(app.output()));
        const QString sid = callSid(2);
        const twilio::FormParams ringing = callParams(sid, QStringLiteral("ringing"));
        const HttpResult voice = postSigned(app.baseUrl() + QStringLiteral("/voice"), ringing, kAuthToken);
        QCOMPARE(voice.status, 200);
        const QString token = twimlParameter(voice.body, QStringLiteral("callToken"));
        QCOMPARE(token.size(), 32);
        QVERIFY(streamOnce(app, sid, token));
        const twilio::FormParams completed = callParams(sid, QStringLiteral("completed"));
        QCOMPARE(postSigned(app.baseUrl() + QStringLiteral("/status"), completed, kAuthToken).status, 200);
        QVERIFY2(app.waitForLine(sid + QStringLiteral(" status.completed")), qPrintable(app.output()));
        const QList<QByteArray> signatures{
            twilio::signature::compute(kAuthToken, app.baseUrl() + QStringLiteral("/voice"), ringing),
            twilio::signature::compute(kAuthToken, app.baseUrl() + QStringLiteral("/status"), completed),
            twilio::signature::compute(kAuthToken, app.streamUrl())};
        auto leaks = [&](const QByteArray& text) {
            QStringList found;
            if (text.contains(token.toLatin1()))
                found << QStringLiteral("the stream token");
            for (const QByteArray& s : signatures) {
                if (text.contains(s))
                    found << QStringLiteral("signature ") + QString::fromLatin1(s);
            }
            return found.join(QStringLiteral(", "));
        };

        // The stored rows themselves (a plain SQLite connection, not our reader).
        const QString db = dir.filePath(QStringLiteral("switchboard.sqlite"));
        QByteArray stored;
        QVERIFY(QTest::qWaitFor(
            [&] {
                storage::test::RawConnection raw(db, QStringLiteral("QSQLITE_OPEN_READONLY"));
                stored.clear();
                QSqlQuery q(raw.db());
                if (!q.exec(QStringLiteral("SELECT request_headers, request_body, response_headers, response_body"
                                           " FROM webhook_log ORDER BY id")))
                    return false;
                int rows = 0;
                while (q.next()) {
                    ++rows;
                    for (int c = 0; c < 4; ++c)
                        stored += q.value(c).toByteArray() + '\n';
                }
                return rows >= 3; // voice, upgrade, status
            },
            30000));
        QVERIFY2(stored.contains("X-Twilio-Signature") || stored.contains("x-twilio-signature"), stored.constData());
        QVERIFY2(stored.contains("<Stream"), stored.constData());
        QVERIFY2(leaks(stored).isEmpty(), qPrintable(leaks(stored)));

        // Through HistoryQueries.
        auto history = storage::HistoryQueries::open(db);
        QVERIFY(history.ok());
        const auto entries = history.value()->webhookLog();
        QVERIFY(entries.ok());
        QVERIFY(entries->size() >= 3);
        qint64 voiceId = 0;
        for (const storage::WebhookLogEntry& e : entries.value()) {
            const auto full = history.value()->webhookEntry(e.id);
            QVERIFY(full.ok());
            QByteArray text = full->requestBody + full->responseBody;
            for (const auto& [name, value] : full->requestHeaders + full->responseHeaders)
                text += name + ": " + value + '\n';
            QVERIFY2(leaks(text).isEmpty(), qPrintable(leaks(text)));
            if (e.path == QLatin1String("/voice"))
                voiceId = e.id;
        }
        QVERIFY(voiceId > 0);

        // Through the real binary, as a user sees it.
        const QStringList dataDir{QStringLiteral("--data-dir"), dir.path()};
        const CommandResult list = runSwitchboard(
            QStringList{QStringLiteral("webhooks"), QStringLiteral("list"), QStringLiteral("--json")} + dataDir);
        QCOMPARE(list.exitCode, 0);
        QVERIFY2(leaks(list.out).isEmpty(), qPrintable(leaks(list.out)));
        for (const QJsonValue& v :
             QJsonDocument::fromJson(list.out).object().value(QLatin1String("webhooks")).toArray()) {
            const QString id = QString::number(v.toObject().value(QLatin1String("id")).toInteger());
            for (const QStringList& extra : {QStringList{QStringLiteral("--json")}, QStringList{}}) {
                const CommandResult shown = runSwitchboard(
                    QStringList{QStringLiteral("webhooks"), QStringLiteral("show"), id} + extra + dataDir);
                QCOMPARE(shown.exitCode, 0);
                QVERIFY2(leaks(shown.out).isEmpty(), qPrintable(leaks(shown.out)));
            }
        }
        const CommandResult shownVoice = runSwitchboard(QStringList{QStringLiteral("webhooks"),
                                                                    QStringLiteral("show"),
                                                                    QString::number(voiceId),
                                                                    QStringLiteral("--json")} +
                                                        dataDir);
        QVERIFY2(shownVoice.out.contains("[redacted]"), shownVoice.out.constData());

        // Replay signs the request again with the auth token (given the way the app takes it),
        // so the listener still accepts it.
        const CommandResult replay = runSwitchboard(QStringList{QStringLiteral("webhooks"),
                                                                QStringLiteral("replay"),
                                                                QString::number(voiceId),
                                                                QStringLiteral("--url"),
                                                                app.baseUrl(),
                                                                QStringLiteral("--auth-token-stdin")} +
                                                        dataDir,
                                                    kAuthToken + '\n');
        QVERIFY2(replay.exitCode == 0, QByteArray(replay.out + replay.err).constData());
        QVERIFY(replay.out.contains("-> 200"));
        QCOMPARE(app.terminate(), 0);
    }
};

QTEST_GUILESS_MAIN(TestDataPrivacy)
#include "TestDataPrivacy.moc"
