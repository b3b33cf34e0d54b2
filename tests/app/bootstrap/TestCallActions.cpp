// SPDX-License-Identifier: GPL-3.0-or-later
// Operator actions and reconciliation over a real core (listener on loopback, SQLite in a temp
// folder) and the real REST stand-in on loopback: what the stand-in stores is what Twilio was
// asked to do, and every outcome is said in words and stored as a call event.
#include "RestApiTestSupport.h"
#include "TestSupport.h"
#include "bootstrap/CallActions.h"
#include "bootstrap/Core.h"
#include "storage/Records.h"
#include "twilio/Form.h"
#include "twilio/Signature.h"

#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QtTest>

using namespace sb;
using namespace sb::restapi;
using namespace sb::restapi::testing;

namespace {

QString sid(int n)
{
    return QStringLiteral("CA%1").arg(n, 32, 16, QLatin1Char('0'));
}

/// A signed voice webhook to the core's listener, as Twilio sends it when a call comes in.
int postVoice(quint16 port, const QString& callSid)
{
    const QString url = QStringLiteral("http://127.0.0.1:%1/voice").arg(port);
    const twilio::FormParams params = sb::test::callParams(callSid, QStringLiteral("ringing"));
    QNetworkAccessManager nam;
    QNetworkRequest request{QUrl(url)};
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/x-www-form-urlencoded"));
    request.setRawHeader("X-Twilio-Signature", twilio::signature::compute(kToken.toUtf8(), url, params));
    QNetworkReply* reply = nam.post(request, twilio::encodeFormBody(params));
    QSignalSpy finished(reply, &QNetworkReply::finished);
    if (!finished.wait(10000))
        return 0;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    reply->deleteLater();
    return status;
}

struct Outcome
{
    bool ok = false;
    QString message;
};

/// Waits for the action `id` to finish.
Outcome waitFor(bootstrap::CallActions* actions, int id)
{
    QSignalSpy spy(actions, &bootstrap::CallActions::finished);
    for (int round = 0; round < 40; ++round) {
        for (const QList<QVariant>& args : std::as_const(spy)) {
            if (args.at(0).toInt() == id)
                return Outcome{args.at(3).toBool(), args.at(4).toString()};
        }
        spy.wait(500);
    }
    return Outcome{false, QStringLiteral("(no answer)")};
}

} // namespace

class TestCallActions : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    RestApiStore m_store;
    std::unique_ptr<RestApiServer> m_server;
    QString m_base;

    bootstrap::CoreOptions options(const QString& subdir, bool credentials = true)
    {
        bootstrap::CoreOptions o;
        o.dataDir = m_dir.filePath(subdir);
        o.port = 0;
        o.authToken = [] { return kToken.toUtf8(); };
        if (credentials) {
            o.accountSid = kAccount;
            o.apiBase = m_base;
        }
        return o;
    }

    void addLiveCall(const QString& callSid, const QString& status = QStringLiteral("in-progress"))
    {
        restapi::CallRecord call;
        call.sid = callSid;
        call.to = QStringLiteral("+15005550006");
        call.from = QStringLiteral("+14155550123");
        call.status = status;
        QVERIFY(m_store.addCall(call).ok());
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_store.setAccount(restapi::Account{kAccount, kToken});
        m_server = std::make_unique<RestApiServer>(m_store, RestApiServerConfig{});
        const auto port = m_server->start();
        QVERIFY(port.ok());
        m_base = m_server->baseUrl();
    }

    void eachActionSendsTheRightUpdateAndSaysSo()
    {
        bootstrap::Core core(options(QStringLiteral("actions")));
        QVERIFY(core.start().ok());
        bootstrap::CallActions* actions = core.callActions();
        QVERIFY(actions && actions->hasCredentials());
        QSignalSpy events(&core, &bootstrap::Core::eventStored);

        addLiveCall(sid(1));
        Outcome o = waitFor(actions, actions->hangUp(sid(1)));
        QVERIFY2(o.ok, qPrintable(o.message));
        QCOMPARE(o.message, QStringLiteral("Hung up"));
        QCOMPARE(m_store.call(sid(1))->status, QStringLiteral("completed"));

        QVERIFY(core.flowNames().contains(QStringLiteral("chunked")));
        addLiveCall(sid(2));
        o = waitFor(actions, actions->redirect(sid(2), QStringLiteral("chunked")));
        QVERIFY2(o.ok, qPrintable(o.message));
        QCOMPARE(o.message, QStringLiteral("Redirected to flow chunked"));
        QCOMPARE(m_store.call(sid(2))->url, core.publicUrl() + QStringLiteral("/voice?flow=chunked"));
        QCOMPARE(m_store.call(sid(2))->method, QStringLiteral("POST"));
        QCOMPARE(m_store.call(sid(2))->status, QStringLiteral("in-progress"));

        addLiveCall(sid(3));
        o = waitFor(actions, actions->say(sid(3), QStringLiteral("Tom & Jerry <3 will call back")));
        QVERIFY2(o.ok, qPrintable(o.message));
        QCOMPARE(m_store.call(sid(3))->twiml,
                 QStringLiteral("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Say>Tom &amp; Jerry &lt;3 will "
                                "call back</Say></Response>"));

        o = waitFor(actions, actions->play(sid(3), QStringLiteral("https://media.example/hold?a=1&b=2")));
        QVERIFY2(o.ok, qPrintable(o.message));
        QCOMPARE(m_store.call(sid(3))->twiml,
                 QStringLiteral("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Play>https://media.example/"
                                "hold?a=1&amp;b=2</Play></Response>"));

        // Every outcome is on the call's timeline.
        auto stored = [&events](const QString& callSid, const QString& kind) {
            for (const QList<QVariant>& args : std::as_const(events)) {
                const auto e = args.at(0).value<storage::CallEvent>();
                if (e.callSid == callSid && e.kind == kind)
                    return e.detail;
            }
            return QJsonObject();
        };
        QTRY_VERIFY(!stored(sid(3), QStringLiteral("operator.play")).isEmpty());
        const QJsonObject hangup = stored(sid(1), QStringLiteral("operator.hangup"));
        QCOMPARE(hangup.value(QStringLiteral("ok")).toBool(), true);
        QCOMPARE(hangup.value(QStringLiteral("result")).toString(), QStringLiteral("Hung up"));
        QCOMPARE(stored(sid(2), QStringLiteral("operator.redirect")).value(QStringLiteral("flow")).toString(),
                 QStringLiteral("chunked"));
        QCOMPARE(stored(sid(3), QStringLiteral("operator.say")).value(QStringLiteral("text")).toString(),
                 QStringLiteral("Tom & Jerry <3 will call back"));
    }

    void twilioRefusalsAreExplained()
    {
        bootstrap::Core core(options(QStringLiteral("refusals")));
        QVERIFY(core.start().ok());
        bootstrap::CallActions* actions = core.callActions();
        QSignalSpy events(&core, &bootstrap::Core::eventStored);

        Outcome o = waitFor(actions, actions->hangUp(sid(0x404)));
        QVERIFY(!o.ok);
        QCOMPARE(o.message, QStringLiteral("No such call (20404)"));

        addLiveCall(sid(0x21), QStringLiteral("completed"));
        o = waitFor(actions, actions->say(sid(0x21), QStringLiteral("hello")));
        QVERIFY(!o.ok);
        QCOMPARE(o.message, QStringLiteral("Twilio refused: the call is not in progress (21220)"));

        QTRY_VERIFY(std::any_of(events.cbegin(), events.cend(), [](const QList<QVariant>& args) {
            const auto e = args.at(0).value<storage::CallEvent>();
            return e.kind == QLatin1String("operator.say") && !e.detail.value(QStringLiteral("ok")).toBool() &&
                   e.detail.value(QStringLiteral("twilio_code")).toInt() == 21220;
        }));

        // Nothing is sent for what cannot work.
        o = waitFor(actions, actions->play(sid(0x21), QStringLiteral("not a url")));
        QCOMPARE(o.message, QStringLiteral("Not a playable URL: give an http(s):// address"));
        o = waitFor(actions, actions->say(sid(0x21), QStringLiteral("   ")));
        QCOMPARE(o.message, QStringLiteral("Nothing to say: type a message"));
    }

    void wrongTokenIsAnAuthenticationFailure()
    {
        bootstrap::CoreOptions o = options(QStringLiteral("wrong-token"));
        o.authToken = [] { return QByteArrayLiteral("not-the-token"); };
        bootstrap::Core core(o);
        QVERIFY(core.start().ok());
        addLiveCall(sid(0x401));
        const Outcome out = waitFor(core.callActions(), core.callActions()->hangUp(sid(0x401)));
        QVERIFY(!out.ok);
        QCOMPARE(out.message, QStringLiteral("Authentication failed: check the account SID and auth token (20003)"));
        QCOMPARE(m_store.call(sid(0x401))->status, QStringLiteral("in-progress"));
    }

    void unreachableApiIsANetworkErrorInWords()
    {
        bootstrap::CoreOptions o = options(QStringLiteral("down"));
        o.apiBase = QStringLiteral("http://127.0.0.1:%1").arg(sb::test::closedLoopbackPort());
        bootstrap::Core core(o);
        QVERIFY(core.start().ok());
        const Outcome out = waitFor(core.callActions(), core.callActions()->hangUp(sid(0x500)));
        QVERIFY(!out.ok);
        QCOMPARE(out.message, QStringLiteral("Cannot reach Twilio at 127.0.0.1: connection refused"));
    }

    void silentApiIsATimeoutInWords()
    {
        // Accepts connections and never answers.
        QTcpServer silent;
        QVERIFY(silent.listen(QHostAddress::LocalHost));
        bootstrap::RestAccount account;
        account.apiBase = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(silent.serverPort()));
        account.accountSid = kAccount;
        account.authToken = [] { return kToken.toUtf8(); };
        account.timeoutMs = 300;
        bootstrap::CallActions actions(
            account, [] { return QStringLiteral("https://pub.example"); }, nullptr);
        const Outcome out = waitFor(&actions, actions.redirect(sid(0x501), QStringLiteral("appointment")));
        QVERIFY(!out.ok);
        QCOMPARE(out.message, QStringLiteral("No answer from Twilio within 1 s"));
    }

    void withoutCredentialsNothingIsSent()
    {
        bootstrap::Core core(options(QStringLiteral("no-credentials"), false));
        QVERIFY(core.start().ok());
        QVERIFY(!core.callActions()->hasCredentials());
        addLiveCall(sid(0x600));
        const Outcome out = waitFor(core.callActions(), core.callActions()->hangUp(sid(0x600)));
        QVERIFY(!out.ok);
        QCOMPARE(out.message, QStringLiteral("No Twilio credentials: set them in Settings"));
        QCOMPARE(m_store.call(sid(0x600))->status, QStringLiteral("in-progress"));
    }

    void credentialsSavedWhileRunningApplyAtOnce()
    {
        // The window saves a profile: the running core takes its account and token, no restart.
        bootstrap::Core core(options(QStringLiteral("late-credentials"), false));
        QVERIFY(core.start().ok());
        QVERIFY(!core.callActions()->hasCredentials());
        core.setTwilioAccount(kAccount, m_base);
        core.setAuthToken(kToken.toUtf8());
        QVERIFY(core.callActions()->hasCredentials());
        addLiveCall(sid(0x601));
        const Outcome out = waitFor(core.callActions(), core.callActions()->hangUp(sid(0x601)));
        QVERIFY2(out.ok, qPrintable(out.message));
        QCOMPARE(m_store.call(sid(0x601))->status, QStringLiteral("completed"));
        // And back to none: nothing is sent.
        core.setTwilioAccount(QString(), QString());
        QVERIFY(!core.callActions()->hasCredentials());
    }

    void quietCallWithoutCredentialsEndsAsEndedUnknown()
    {
        bootstrap::CoreOptions o = options(QStringLiteral("reconcile-timeout"), false);
        o.reconcileAfterMs = 1000;
        bootstrap::Core core(o);
        QVERIFY(core.start().ok());
        QSignalSpy calls(&core, &bootstrap::Core::callStored);
        QSignalSpy events(&core, &bootstrap::Core::eventStored);
        QCOMPARE(postVoice(core.port(), sid(0x700)), 200);
        QTRY_VERIFY_WITH_TIMEOUT(std::any_of(calls.cbegin(),
                                             calls.cend(),
                                             [](const QList<QVariant>& args) {
                                                 return args.at(0).value<storage::CallRecord>().state ==
                                                        QLatin1String("ended-unknown");
                                             }),
                                 20000);
        QTRY_VERIFY(std::any_of(events.cbegin(), events.cend(), [](const QList<QVariant>& args) {
            const auto e = args.at(0).value<storage::CallEvent>();
            return e.kind == QLatin1String("call.reconciled") &&
                   e.detail.value(QStringLiteral("how")).toString() == QLatin1String("timeout") &&
                   e.detail.value(QStringLiteral("status")).toString() == QLatin1String("ended-unknown");
        }));
    }

    void quietCallTakesTheStatusTwilioReports()
    {
        restapi::CallRecord done;
        done.sid = sid(0x800);
        done.status = QStringLiteral("completed");
        done.durationSeconds = 42;
        QVERIFY(m_store.addCall(done).ok());
        bootstrap::CoreOptions o = options(QStringLiteral("reconcile-rest"));
        o.reconcileAfterMs = 1000;
        bootstrap::Core core(o);
        QVERIFY(core.start().ok());
        QSignalSpy calls(&core, &bootstrap::Core::callStored);
        QSignalSpy events(&core, &bootstrap::Core::eventStored);
        QCOMPARE(postVoice(core.port(), sid(0x800)), 200);
        QTRY_VERIFY_WITH_TIMEOUT(std::any_of(calls.cbegin(),
                                             calls.cend(),
                                             [](const QList<QVariant>& args) {
                                                 const auto c = args.at(0).value<storage::CallRecord>();
                                                 return c.state == QLatin1String("completed") &&
                                                        c.status == QLatin1String("completed") &&
                                                        c.durationSeconds == 42;
                                             }),
                                 20000);
        QTRY_VERIFY(std::any_of(events.cbegin(), events.cend(), [](const QList<QVariant>& args) {
            const auto e = args.at(0).value<storage::CallEvent>();
            return e.kind == QLatin1String("call.reconciled") &&
                   e.detail.value(QStringLiteral("how")).toString() == QLatin1String("rest") &&
                   e.detail.value(QStringLiteral("status")).toString() == QLatin1String("completed");
        }));
    }
};

QTEST_GUILESS_MAIN(TestCallActions)
#include "TestCallActions.moc"
