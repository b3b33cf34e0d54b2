// SPDX-License-Identifier: GPL-3.0-or-later
// `credentials check` logic against a local stand-in that answers like Twilio's REST API.
#include "KeyringTestSupport.h"
#include "TestSupport.h"
#include "TwilioStandIn.h"
#include "credentials/AccountCheck.h"

#include <QElapsedTimer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QtTest>

using namespace sb::credentials;

class TestAccountCheck : public QObject
{
    Q_OBJECT

    sbtest::TwilioStandIn twilio;
    quint16 port = 0;

    AccountCheckRequest request(const QString& user, const QByteArray& password, const QString& sid = {})
    {
        AccountCheckRequest r;
        r.baseUrl = twilio.baseUrl(port);
        r.accountSid = sid.isEmpty() ? twilio.accountSid : sid;
        r.username = user;
        r.password = password;
        r.timeoutMs = 5000;
        return r;
    }

private slots:
    void initTestCase()
    {
        port = twilio.start();
        QVERIFY(port != 0);
    }

    void rightTokenIsAccepted()
    {
        const auto r = checkAccountBlocking(request(twilio.accountSid, twilio.authToken));
        QVERIFY2(r.ok(), qPrintable(sbtest::why(r)));
        QCOMPARE(r.value().sid, twilio.accountSid);
        QCOMPARE(r.value().friendlyName, QStringLiteral("Stand-in account"));
        QCOMPARE(r.value().status, QStringLiteral("active"));
        QCOMPARE(twilio.lastAuthorization, sbtest::basicAuth(twilio.accountSid, twilio.authToken));
    }

    void apiKeyIsAccepted()
    {
        const auto r = checkAccountBlocking(request(twilio.apiKeySid, twilio.apiKeySecret));
        QVERIFY2(r.ok(), qPrintable(sbtest::why(r)));
        QCOMPARE(twilio.lastAuthorization, sbtest::basicAuth(twilio.apiKeySid, twilio.apiKeySecret));
    }

    void wrongTokenSays401()
    {
        const auto r = checkAccountBlocking(request(twilio.accountSid, "wrong-token-value"));
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, QStringLiteral("check.unauthorized"));
        QVERIFY(r.error().message.contains(QLatin1String("HTTP 401")));
        QVERIFY(r.error().message.contains(QLatin1String("auth token is wrong")));
        QVERIFY(r.error().message.contains(QLatin1String("20003")));
        QVERIFY(!r.error().message.contains(QLatin1String("wrong-token-value")));
    }

    void wrongApiKeySecretNamesTheKey()
    {
        const auto r = checkAccountBlocking(request(twilio.apiKeySid, "nope"));
        QCOMPARE(r.error().code, QStringLiteral("check.unauthorized"));
        QVERIFY(r.error().message.contains(twilio.apiKeySid));
    }

    void unknownAccountSays404()
    {
        // Authenticated with the API key, asking for an account it cannot see.
        const auto r = checkAccountBlocking(
            request(twilio.apiKeySid, twilio.apiKeySecret, QStringLiteral("ACffffffffffffffffffffffffffffffff")));
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, QStringLiteral("check.not-found"));
        QVERIFY(r.error().message.contains(QLatin1String("no such account")));
        QVERIFY(r.error().message.contains(QLatin1String("20404")));
    }

    void connectionRefusedIsANetworkProblem()
    {
        const quint16 closed = sb::test::closedLoopbackPort();
        QVERIFY(closed != 0);
        auto req = request(twilio.accountSid, twilio.authToken);
        req.baseUrl = QStringLiteral("http://127.0.0.1:%1").arg(closed);
        const auto r = checkAccountBlocking(req);
        QCOMPARE(r.error().code, QStringLiteral("check.network"));
        QVERIFY(r.error().message.contains(QLatin1String("connection refused")));
    }

    void unknownHostIsADnsProblem()
    {
        auto req = request(twilio.accountSid, twilio.authToken);
        req.baseUrl = QStringLiteral("http://no-such-host.invalid");
        const auto r = checkAccountBlocking(req);
        QCOMPARE(r.error().code, QStringLiteral("check.network"));
        QVERIFY(r.error().message.contains(QLatin1String("DNS")));
    }

    void silentServerTimesOut()
    {
        QTcpServer silent; // accepts and never answers
        QVERIFY(silent.listen(QHostAddress::LocalHost, 0));
        QList<QTcpSocket*> held;
        connect(&silent, &QTcpServer::newConnection, this, [&] { held << silent.nextPendingConnection(); });
        auto req = request(twilio.accountSid, twilio.authToken);
        req.baseUrl = QStringLiteral("http://127.0.0.1:%1").arg(silent.serverPort());
        req.timeoutMs = 500;
        QElapsedTimer t;
        t.start();
        const auto r = checkAccountBlocking(req);
        QCOMPARE(r.error().code, QStringLiteral("check.timeout"));
        QVERIFY(r.error().message.contains(QLatin1String("did not answer within 500 ms")));
        QVERIFY(t.elapsed() < 15000); // the silent server never answers: only the timeout ends the wait
    }

    void interpretsTwilioShapes()
    {
        const auto other = interpretAccountResponse(500, "{\"code\":20500,\"message\":\"Internal\"}", {}, {}, false);
        QCOMPARE(other.error().code, QStringLiteral("check.http"));
        QVERIFY(other.error().message.contains(QLatin1String("20500")));
        const auto wrongBody = interpretAccountResponse(200, "<html/>", QStringLiteral("AC1"), {}, false);
        QCOMPARE(wrongBody.error().code, QStringLiteral("check.bad-response"));
    }
};

QTEST_GUILESS_MAIN(TestAccountCheck)
#include "TestAccountCheck.moc"
