// SPDX-License-Identifier: GPL-3.0-or-later
// Drives the real `switchboard credentials ...` against a real gnome-keyring (with-keyring.sh),
// then proves the token leaks nowhere: not to stdout/stderr, not to any file under the private
// HOME/XDG/TMPDIR folders or the data folder, not to /proc/<pid>/cmdline or /proc/<pid>/environ.
#include "KeyringTestSupport.h"
#include "TestSupport.h"
#include "TwilioStandIn.h"
#include "twilio/Form.h"
#include "twilio/Signature.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

namespace {
struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};
} // namespace

class TestCredentialsCli : public QObject
{
    Q_OBJECT

    sbtest::TwilioStandIn twilio;
    quint16 port = 0;
    QByteArray allOutput; // every byte any run printed

    Run run(const QStringList& args, const QByteArray& input = {})
    {
        QProcess proc;
        proc.start(QStringLiteral(SB_SWITCHBOARD_EXECUTABLE), QStringList{QStringLiteral("credentials")} + args);
        Run r;
        if (!proc.waitForStarted(10000))
            return r;
        proc.write(input);
        proc.closeWriteChannel();
        // The stand-in server runs on this thread: keep the event loop turning while waiting.
        if (!sb::test::waitForExit(proc, 60000)) {
            proc.kill();
            proc.waitForFinished(10000);
            return r;
        }
        r.exitCode = proc.exitStatus() == QProcess::NormalExit ? proc.exitCode() : -1;
        r.out = proc.readAllStandardOutput();
        r.err = proc.readAllStandardError();
        allOutput += r.out + r.err;
        return r;
    }

    static QStringList procEntriesContaining(qint64 pid, const QByteArray& secret)
    {
        QStringList hits;
        for (const char* entry : {"cmdline", "environ"}) {
            QFile f(QStringLiteral("/proc/%1/%2").arg(pid).arg(QLatin1String(entry)));
            if (!f.open(QIODevice::ReadOnly))
                hits << QStringLiteral("%1 (unreadable)").arg(QLatin1String(entry));
            else if (f.readAll().contains(secret))
                hits << QLatin1String(entry);
        }
        return hits;
    }

    /// Runs `--headless` for a moment (token on stdin if asked) and checks /proc while it listens.
    void runHeadless(const QString& dataDir, bool tokenOnStdin)
    {
        QProcess proc;
        QStringList args{QStringLiteral("--headless"),
                         QStringLiteral("--data-dir"),
                         dataDir,
                         QStringLiteral("--port"),
                         QStringLiteral("0")};
        if (tokenOnStdin)
            args << QStringLiteral("--auth-token-stdin");
        proc.start(QStringLiteral(SB_SWITCHBOARD_EXECUTABLE), args);
        QVERIFY(proc.waitForStarted(10000));
        if (tokenOnStdin)
            proc.write(twilio.authToken + '\n');
        QByteArray out;
        QVERIFY2(sb::test::waitForOutput(proc, out, "listening on", 60000), out.constData());
        const QStringList hits = procEntriesContaining(proc.processId(), twilio.authToken);
        QVERIFY2(hits.isEmpty(), qPrintable(hits.join(QLatin1Char(' '))));
        proc.terminate();
        QVERIFY(proc.waitForFinished(20000));
        allOutput += out + proc.readAllStandardOutput() + proc.readAllStandardError();
        QCOMPARE(proc.exitCode(), 0);
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(!sbtest::keyringRoot().isEmpty(), "run me through tests/support/with-keyring.sh");
        port = twilio.start();
        QVERIFY(port != 0);
    }

    void helpAndUsage()
    {
        QCOMPARE(run({QStringLiteral("--help")}).exitCode, 0);
        const Run noAction = run({});
        QCOMPARE(noAction.exitCode, 2);
        // The shared usage error (cli::usageError): the problem, then where the help is; no more.
        QCOMPARE(noAction.err.count('\n'), 2);
        QVERIFY2(noAction.err.startsWith("switchboard credentials: missing action"), noAction.err.constData());
        QVERIFY2(noAction.err.contains("\nTry 'switchboard credentials --help'"), noAction.err.constData());
        QCOMPARE(run({QStringLiteral("frobnicate")}).exitCode, 2);
        QCOMPARE(run({QStringLiteral("set"), QStringLiteral("--account-sid"), QStringLiteral("AC123")}).exitCode, 2);
        // A secret on the command line is refused, not stored.
        const Run argvToken = run({QStringLiteral("set"),
                                   QStringLiteral("--account-sid"),
                                   twilio.accountSid,
                                   QStringLiteral("deadbeefdeadbeefdeadbeefdeadbeef")});
        QCOMPARE(argvToken.exitCode, 2);
        QVERIFY(argvToken.err.contains("stdin"));
        QCOMPARE(run({QStringLiteral("show"), QStringLiteral("--auth-token"), QStringLiteral("x")}).exitCode, 2);
    }

    void setShowCheckClear()
    {
        const Run set = run({QStringLiteral("set"),
                             QStringLiteral("--account-sid"),
                             twilio.accountSid,
                             QStringLiteral("--base-url"),
                             twilio.baseUrl(port)},
                            twilio.authToken + '\n');
        QVERIFY2(set.exitCode == 0, set.err.constData());

        const Run show = run({QStringLiteral("show")});
        QCOMPARE(show.exitCode, 0);
        QVERIFY(show.out.contains(twilio.accountSid.toUtf8()));
        QVERIFY(show.out.contains("auth token:     ********"));

        const Run json = run({QStringLiteral("show"), QStringLiteral("--json")});
        QCOMPARE(json.exitCode, 0);
        const QJsonObject o = QJsonDocument::fromJson(json.out).object();
        QCOMPARE(o.value(QLatin1String("profile")).toString(), QStringLiteral("default"));
        QCOMPARE(o.value(QLatin1String("authTokenStored")).toBool(), true);
        QCOMPARE(o.value(QLatin1String("authToken")).toString(), QStringLiteral("********"));
        QCOMPARE(o.value(QLatin1String("baseUrl")).toString(), twilio.baseUrl(port));

        const Run check = run({QStringLiteral("check")});
        QVERIFY2(check.exitCode == 0, check.err.constData());
        QVERIFY(check.out.startsWith(QByteArray(QByteArray("ok: account ") + twilio.accountSid.toUtf8())));
        QCOMPARE(twilio.lastAuthorization, sbtest::basicAuth(twilio.accountSid, twilio.authToken));

        // A second profile with an API key: check authenticates with the key.
        const Run setKey = run({QStringLiteral("set"),
                                QStringLiteral("--profile"),
                                QStringLiteral("sub"),
                                QStringLiteral("--account-sid"),
                                twilio.accountSid,
                                QStringLiteral("--api-key-sid"),
                                twilio.apiKeySid,
                                QStringLiteral("--base-url"),
                                twilio.baseUrl(port)},
                               QByteArray("another-token-for-sub\n") + twilio.apiKeySecret + '\n');
        QVERIFY2(setKey.exitCode == 0, setKey.err.constData());
        const Run checkKey = run({QStringLiteral("check"), QStringLiteral("--profile"), QStringLiteral("sub")});
        QVERIFY2(checkKey.exitCode == 0, checkKey.err.constData());
        QCOMPARE(twilio.lastAuthorization, sbtest::basicAuth(twilio.apiKeySid, twilio.apiKeySecret));
        const Run list = run({QStringLiteral("list")});
        QVERIFY(list.out.contains("* default"));
        QVERIFY(list.out.contains("  sub"));

        // Wrong token: a clear 401 message, exit 1, one line.
        QCOMPARE(run({QStringLiteral("set"),
                      QStringLiteral("--profile"),
                      QStringLiteral("bad"),
                      QStringLiteral("--account-sid"),
                      twilio.accountSid,
                      QStringLiteral("--base-url"),
                      twilio.baseUrl(port)},
                     "0000000000000000000000000000000x\n")
                     .exitCode,
                 0);
        const Run bad = run({QStringLiteral("check"), QStringLiteral("--profile"), QStringLiteral("bad")});
        QCOMPARE(bad.exitCode, 1);
        QVERIFY(bad.err.contains("HTTP 401"));
        QCOMPARE(bad.err.count('\n'), 1);

        // No token on stdin: refused.
        const Run empty = run({QStringLiteral("set"),
                               QStringLiteral("--profile"),
                               QStringLiteral("e"),
                               QStringLiteral("--account-sid"),
                               twilio.accountSid},
                              "");
        QCOMPARE(empty.exitCode, 1);

        const Run clear = run({QStringLiteral("clear"), QStringLiteral("--profile"), QStringLiteral("sub")});
        QCOMPARE(clear.exitCode, 0);
        const Run gone = run({QStringLiteral("show"), QStringLiteral("--profile"), QStringLiteral("sub")});
        QCOMPARE(gone.exitCode, 1);
        QVERIFY(gone.err.contains("no profile 'sub'"));
    }

    void headlessChecksSignaturesWithTheKeychainToken()
    {
        const Run set =
            run({QStringLiteral("set"), QStringLiteral("--account-sid"), twilio.accountSid}, twilio.authToken + '\n');
        QVERIFY2(set.exitCode == 0, set.err.constData());
        QTemporaryDir data(sbtest::keyringRoot() + QStringLiteral("/appdata-XXXXXX"));
        QVERIFY(data.isValid());
        data.setAutoRemove(false); // searched by tokenIsNowhere
        QProcess proc;
        proc.start(QStringLiteral(SB_SWITCHBOARD_EXECUTABLE),
                   {QStringLiteral("--headless"),
                    QStringLiteral("--data-dir"),
                    data.path(),
                    QStringLiteral("--port"),
                    QStringLiteral("0")});
        QVERIFY(proc.waitForStarted(10000));
        QByteArray out;
        QVERIFY2(sb::test::waitForOutput(proc, out, "listening on", 60000), out.constData());
        const QByteArray err = proc.readAllStandardError();
        QVERIFY2(!err.contains("no auth token"), err.constData());
        static const QRegularExpression re(QStringLiteral("listening on [^ ]+:(\\d+) "));
        const QString listenerPort = re.match(QString::fromUtf8(out)).captured(1);
        QVERIFY(!listenerPort.isEmpty());

        // A webhook signed with the stored token passes; one signed with another token does not.
        const QString url = QStringLiteral("http://127.0.0.1:%1/voice").arg(listenerPort);
        const QByteArray body =
            "AccountSid=" + twilio.accountSid.toUtf8() +
            "&ApiVersion=2010-04-01&CallSid=CA0123456789abcdef0123456789abcdef&CallStatus=ringing&Direction=inbound"
            "&From=%2B14155550123&To=%2B15005550006";
        auto post = [&](const QByteArray& token) {
            const QByteArray signature = sb::twilio::signature::compute(token, url, sb::twilio::parseFormBody(body));
            QNetworkAccessManager manager;
            QNetworkRequest request{QUrl(url)};
            request.setHeader(QNetworkRequest::ContentTypeHeader,
                              QByteArrayLiteral("application/x-www-form-urlencoded"));
            request.setRawHeader("X-Twilio-Signature", signature);
            QNetworkReply* reply = manager.post(request, body);
            QSignalSpy done(reply, &QNetworkReply::finished);
            done.wait(10000);
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            reply->deleteLater();
            return status;
        };
        QCOMPARE(post(twilio.authToken), 200);
        QCOMPARE(post(QByteArrayLiteral("some-other-token")), 403);
        proc.terminate();
        QVERIFY(proc.waitForFinished(20000));
        allOutput += out + err + proc.readAllStandardOutput() + proc.readAllStandardError();
        QCOMPARE(proc.exitCode(), 0);
        QCOMPARE(run({QStringLiteral("clear")}).exitCode, 0);
    }

    void headlessLeaksNothing()
    {
        QTemporaryDir data(sbtest::keyringRoot() + QStringLiteral("/appdata-XXXXXX"));
        QVERIFY(data.isValid());
        data.setAutoRemove(false); // searched below; the harness removes the whole root
        runHeadless(data.path(), true);
        runHeadless(data.path(), false);
    }

    void tokenIsNowhere()
    {
        for (const QByteArray& form : sbtest::secretForms(twilio.authToken))
            QVERIFY2(!allOutput.contains(form), "the token appeared in the output of a command");
        QVERIFY(!allOutput.contains(twilio.apiKeySecret));
        int scanned = 0;
        const QStringList hits = sbtest::filesContaining({sbtest::keyringRoot()}, twilio.authToken, &scanned);
        QVERIFY2(hits.isEmpty(), qPrintable(hits.join(QLatin1Char(' '))));
        const QStringList keyHits = sbtest::filesContaining({sbtest::keyringRoot()}, twilio.apiKeySecret);
        QVERIFY2(keyHits.isEmpty(), qPrintable(keyHits.join(QLatin1Char(' '))));
        // The search really covered what the app wrote: settings, keyring, data folder.
        QVERIFY(QFile::exists(sbtest::keyringRoot() + QStringLiteral("/config/switchboard/switchboard.conf")));
        QVERIFY(scanned >= 3);
    }
};

QTEST_GUILESS_MAIN(TestCredentialsCli)
#include "TestCredentialsCli.moc"
