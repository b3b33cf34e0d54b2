// SPDX-License-Identifier: GPL-3.0-or-later
// What the history keeps private: file modes of the database and its companions whatever the
// umask, the narrowing of a data folder left by an older version, and the webhook log without
// stream tokens and signatures (in the SQLite file, in webhookStored, and when read back).
#include "StorageTestSupport.h"
#include "TestSupport.h"
#include "storage/HistoryQueries.h"
#include "storage/PrivateFiles.h"
#include "storage/Redaction.h"
#include "storage/Storage.h"

#include <QDir>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>
#include <sys/stat.h>

using namespace sb::storage;
using namespace sb::storage::test;
using sb::test::ScopedUmask;

namespace {

const QByteArray kToken = "0123456789abcdef0123456789abcdef";
const QByteArray kSignature = "Vr3oZ1mH3Qy1b2c3d4e5f6g7h8I=";

int modeOf(const QString& path)
{
    struct stat st
    {
    };
    if (::lstat(QFile::encodeName(path).constData(), &st) != 0)
        return -1;
    return int(st.st_mode & 07777);
}

QByteArray voiceTwiml(const QByteArray& token)
{
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Start><Stream url=\"wss://x.example/stream\">"
           "<Parameter name=\"flow\" value=\"demo\"/><Parameter name=\"callToken\" value=\"" +
           token + "\"/></Stream></Start><Pause length=\"60\"/></Response>";
}

/// A /voice exchange as the listener logs it: signed request, TwiML with the stream token.
WebhookLogEntry secretWebhook()
{
    WebhookLogEntry w = sampleWebhook(QStringLiteral("/voice"), QStringLiteral("CA1"));
    w.requestHeaders = {
        {"Host", "abc.trycloudflare.com"}, {"x-twilio-signature", kSignature}, {"Authorization", "Basic dXNlcjpwYXNz"}};
    w.responseBody = voiceTwiml(kToken);
    return w;
}

QString leaks(const WebhookLogEntry& e)
{
    QByteArray text = e.requestBody + e.responseBody;
    for (const auto& [name, value] : e.requestHeaders + e.responseHeaders)
        text += name + ": " + value + '\n';
    QStringList found;
    if (text.contains(kToken))
        found << QStringLiteral("token");
    if (text.contains(kSignature))
        found << QStringLiteral("signature");
    if (text.contains("dXNlcjpwYXNz"))
        found << QStringLiteral("authorization");
    return found.join(QLatin1Char(','));
}

} // namespace

class TestPrivacy : public QObject
{
    Q_OBJECT

private slots:
    void twimlTokensAreRedactedWhereverTheyStand()
    {
        QCOMPARE(redactTwiml(voiceTwiml(kToken)), voiceTwiml("[redacted]"));
        // value before name, single quotes, spaces around '='
        QCOMPARE(redactTwiml("<Parameter value='" + kToken + "' name = 'callToken' />"),
                 QByteArray("<Parameter value='[redacted]' name = 'callToken' />"));
        // other parameters and bodies that are not TwiML pass through byte for byte
        const QByteArray other = "<Parameter name=\"flow\" value=\"callToken\"/>";
        QCOMPARE(redactTwiml(other), other);
        const QByteArray binary("\xff\xfe callToken \x00\x01", 16);
        QCOMPARE(redactTwiml(binary), binary);
        // idempotent
        QCOMPARE(redactTwiml(redactTwiml(voiceTwiml(kToken))), voiceTwiml("[redacted]"));
        QVERIFY(isSecretHeader("X-Twilio-Signature"));
        QVERIFY(isSecretHeader("x-twilio-signature"));
        QVERIFY(!isSecretHeader("X-Twilio-Idempotency-Token"));
    }

    void storedAndAnnouncedWebhooksHoldNoSecrets()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("switchboard.sqlite"));
        Storage storage;
        QVERIFY(storage.open(path).ok());
        QSignalSpy stored(&storage, &Storage::webhookStored);
        const qint64 id = storage.appendWebhook(secretWebhook());
        QVERIFY(storage.flush());
        QVERIFY(stored.wait(5000) || stored.size() == 1);
        const auto announced = stored.at(0).at(0).value<WebhookLogEntry>();
        QVERIFY2(leaks(announced).isEmpty(), qPrintable(leaks(announced)));

        RawConnection raw(path, QStringLiteral("QSQLITE_OPEN_READONLY"));
        const QStringList row = raw.column(
            QStringLiteral("SELECT request_headers || response_body FROM webhook_log WHERE id = %1").arg(id));
        QCOMPARE(row.size(), 1);
        QVERIFY2(!row[0].contains(QLatin1String(kToken)), qPrintable(row[0]));
        QVERIFY2(!row[0].contains(QLatin1String(kSignature)), qPrintable(row[0]));
        QVERIFY(row[0].contains(QLatin1String("[redacted]")));
        // What replay and the inspector need stays: the header is there, the TwiML is intact.
        QVERIFY(row[0].contains(QLatin1String("x-twilio-signature")));
        QVERIFY(row[0].contains(QLatin1String("<Parameter name=\"flow\" value=\"demo\"/>")));
    }

    void rowsOfAnOlderVersionAreShownWithoutSecrets()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("switchboard.sqlite"));
        {
            Storage storage;
            QVERIFY(storage.open(path).ok());
            storage.appendWebhook(sampleWebhook(QStringLiteral("/voice"), QStringLiteral("CA1")));
            QVERIFY(storage.close());
        }
        {
            // An older version stored them as they came.
            RawConnection raw(path);
            QCOMPARE(
                raw.exec(
                    QStringLiteral("UPDATE webhook_log SET response_body = CAST('%1' AS BLOB),"
                                   " request_headers = '[[\"X-Twilio-Signature\",\"%2\"]]'")
                        .arg(QString::fromLatin1(voiceTwiml(kToken)).replace(QLatin1Char('\''), QStringLiteral("''")),
                             QString::fromLatin1(kSignature))),
                QString());
        }
        auto history = HistoryQueries::open(path);
        QVERIFY(history.ok());
        const auto list = history.value()->webhookLog();
        QVERIFY(list.ok());
        QCOMPARE(list->size(), 1);
        const auto entry = history.value()->webhookEntry(list->at(0).id);
        QVERIFY(entry.ok());
        QVERIFY2(leaks(entry.value()).isEmpty(), qPrintable(leaks(entry.value())));
        QVERIFY(entry->responseBody.contains("[redacted]"));
    }

    void databaseFilesArePrivateWhateverTheUmask()
    {
        ScopedUmask desktop(022);
        QTemporaryDir dir;
        const QString folder = dir.filePath(QStringLiteral("new-folder"));
        const QString path = folder + QStringLiteral("/switchboard.sqlite");
        Storage storage;
        QVERIFY(storage.open(path).ok());
        storage.appendWebhook(sampleWebhook(QStringLiteral("/voice"), QStringLiteral("CA1")));
        QVERIFY(storage.flush());
        QCOMPARE(modeOf(folder), 0700);
        for (const QString& suffix :
             {QString(), QStringLiteral("-wal"), QStringLiteral("-shm"), QStringLiteral(".lock")})
            QVERIFY2(modeOf(path + suffix) == 0600,
                     qPrintable(QStringLiteral("%1: 0%2").arg(suffix).arg(modeOf(path + suffix), 0, 8)));
        QVERIFY(storage.close());
    }

    void anExistingDatabaseIsNarrowedWhenOpened()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("switchboard.sqlite"));
        {
            Storage storage;
            QVERIFY(storage.open(path).ok());
            QVERIFY(storage.close());
        }
        QVERIFY(::chmod(QFile::encodeName(path).constData(), 0644) == 0);
        ScopedUmask desktop(022);
        Storage storage;
        QVERIFY(storage.open(path).ok());
        QVERIFY(storage.flush());
        QCOMPARE(modeOf(path), 0600);
        QCOMPARE(modeOf(path + QStringLiteral("-wal")), 0600);
    }

    void aFolderOfAnOlderVersionIsNarrowedAndOthersFilesAreLeftAlone()
    {
        ScopedUmask desktop(022);
        QTemporaryDir dir;
        const QString data = dir.filePath(QStringLiteral("data"));
        QVERIFY(QDir().mkpath(data + QStringLiteral("/audio/CA1")));
        auto touch = [](const QString& p) {
            QFile f(p);
            return f.open(QIODevice::WriteOnly) && f.write("x") == 1;
        };
        QVERIFY(touch(data + QStringLiteral("/audio/CA1/in.wav")));
        QVERIFY(touch(data + QStringLiteral("/switchboard.sqlite")));
        QVERIFY(touch(data + QStringLiteral("/state.json")));
        QVERIFY(touch(data + QStringLiteral("/theirs.txt")));
        QCOMPARE(modeOf(data + QStringLiteral("/theirs.txt")), 0644);
        const auto report = preparePrivateFolder(data,
                                                 {QStringLiteral("audio"), QStringLiteral("recordings")},
                                                 {QStringLiteral("switchboard.sqlite*"), QStringLiteral("*.json")});
        QVERIFY(report.ok());
        QCOMPARE(report->created, 1);   // recordings
        QCOMPARE(report->tightened, 4); // audio/CA1, in.wav, the database, state.json
        QCOMPARE(modeOf(data), 0700);
        QCOMPARE(modeOf(data + QStringLiteral("/audio")), 0700);
        QCOMPARE(modeOf(data + QStringLiteral("/recordings")), 0700);
        QCOMPARE(modeOf(data + QStringLiteral("/audio/CA1")), 0700);
        QCOMPARE(modeOf(data + QStringLiteral("/audio/CA1/in.wav")), 0600);
        QCOMPARE(modeOf(data + QStringLiteral("/switchboard.sqlite")), 0600);
        QCOMPARE(modeOf(data + QStringLiteral("/state.json")), 0600);
        QCOMPARE(modeOf(data + QStringLiteral("/theirs.txt")), 0644);
    }
};

QTEST_GUILESS_MAIN(TestPrivacy)
#include "TestPrivacy.moc"
