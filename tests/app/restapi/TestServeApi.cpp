// SPDX-License-Identifier: GPL-3.0-or-later
// `switchboard simulate --serve-api` as a process: token from stdin, the ready line, a seed folder,
// HTTP answers, usage errors, and a clean exit on SIGTERM.
#include "RestApiTestSupport.h"
#include "TestSupport.h"
#include "restapi/RestApiJson.h"
#include "restapi/RestApiMedia.h"

#include <QJsonArray>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>
#include <csignal>

using namespace sb;
using namespace sb::restapi;
using namespace sb::restapi::testing;

class TestServeApi : public QObject
{
    Q_OBJECT

private slots:
    void servesSeededRecordingsAndStopsOnSigterm()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        RecordingRecord src;
        src.samples = tone(2400, 1);
        QFile wav(dir.filePath(QStringLiteral("hello.wav")));
        QVERIFY(wav.open(QIODevice::WriteOnly));
        wav.write(recordingWav(src, 1));
        wav.close();

        QProcess proc;
        proc.start(QStringLiteral(SB_SWITCHBOARD_EXECUTABLE),
                   {QStringLiteral("simulate"),
                    QStringLiteral("--serve-api"),
                    QStringLiteral("--account-sid"),
                    kAccount,
                    QStringLiteral("--api-key-sid"),
                    kKeySid,
                    QStringLiteral("--auth-token-stdin"),
                    QStringLiteral("--port"),
                    QStringLiteral("0"),
                    QStringLiteral("--seed-dir"),
                    dir.path(),
                    QStringLiteral("--phone-number"),
                    QStringLiteral("+15005550006")});
        QVERIFY(proc.waitForStarted(10000));
        proc.write(kToken.toUtf8() + '\n' + kKeySecret.toUtf8() + '\n');
        proc.closeWriteChannel();
        QByteArray out;
        const QRegularExpression ready(QStringLiteral("serving Twilio REST API on (http://127\\.0\\.0\\.1:\\d+)\n"));
        QRegularExpressionMatch m;
        const bool started = sb::test::waitForOutput(
            proc,
            out,
            [&](const QByteArray& sofar) {
                m = ready.match(QString::fromUtf8(sofar));
                return m.hasMatch();
            },
            60000);
        QVERIFY2(started, QByteArray(out + proc.readAllStandardError()).constData());
        const QString base = m.captured(1) + accountPath(kAccount);

        QNetworkAccessManager nam;
        const HttpReply list = http(nam, "GET", base + QStringLiteral("/Recordings.json"), basic(kKeySid, kKeySecret));
        QCOMPARE(list.status, 200);
        const QJsonArray recs = list.json().value(QStringLiteral("recordings")).toArray();
        QCOMPARE(recs.size(), 1);
        const QString sid = recs.at(0).toObject().value(QStringLiteral("sid")).toString();
        const HttpReply media = http(nam, "GET", base + QStringLiteral("/Recordings/") + sid + QStringLiteral(".wav"));
        QCOMPARE(media.status, 200);
        QCOMPARE(media.body, recordingWav(src, 1));
        QCOMPARE(http(nam, "GET", base + QStringLiteral("/IncomingPhoneNumbers.json?PhoneNumber=%2B15005550006"))
                     .json()
                     .value(QStringLiteral("incoming_phone_numbers"))
                     .toArray()
                     .size(),
                 1);
        QCOMPARE(
            http(nam, "GET", base + QStringLiteral("/Recordings.json"), basic(kAccount, QStringLiteral("x"))).status,
            401);

        ::kill(pid_t(proc.processId()), SIGTERM);
        QVERIFY(sb::test::waitForExit(proc, 30000));
        QCOMPARE(proc.exitStatus(), QProcess::NormalExit);
        QCOMPARE(proc.exitCode(), 0);
        // The token never appears in what the process printed.
        out += proc.readAllStandardOutput();
        QVERIFY(!out.contains(kToken.toUtf8()));
    }

    void usageErrors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("exitCode");
        QTest::newRow("no token flag") << QStringList{QStringLiteral("--account-sid"), kAccount} << 2;
        QTest::newRow("bad sid") << QStringList{QStringLiteral("--account-sid"),
                                                QStringLiteral("AC1"),
                                                QStringLiteral("--auth-token-stdin")}
                                 << 2;
        QTest::newRow("unknown option") << QStringList{QStringLiteral("--bogus")} << 2;
        QTest::newRow("empty stdin") << QStringList{QStringLiteral("--account-sid"),
                                                    kAccount,
                                                    QStringLiteral("--auth-token-stdin")}
                                     << 1;
        QTest::newRow("missing seed") << QStringList{QStringLiteral("--account-sid"),
                                                     kAccount,
                                                     QStringLiteral("--auth-token-stdin"),
                                                     QStringLiteral("--seed"),
                                                     QStringLiteral("/nonexistent/seed.json")}
                                      << 1;
    }

    void usageErrors()
    {
        QFETCH(QStringList, args);
        QFETCH(int, exitCode);
        QProcess proc;
        proc.start(QStringLiteral(SB_SWITCHBOARD_EXECUTABLE),
                   QStringList{QStringLiteral("simulate"), QStringLiteral("--serve-api")} + args);
        QVERIFY(proc.waitForStarted(10000));
        if (QTest::currentDataTag() == QByteArray("missing seed"))
            proc.write("token\n");
        proc.closeWriteChannel();
        QVERIFY(proc.waitForFinished(10000));
        QCOMPARE(proc.exitCode(), exitCode);
        QVERIFY(!proc.readAllStandardError().trimmed().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestServeApi)
#include "TestServeApi.moc"
