// SPDX-License-Identifier: GPL-3.0-or-later
// The listener over real loopback sockets: routing, signatures, limits, and the WebSocket upgrade.
#include "ListenerTestBase.h"
#include "TestSupport.h"
#include "server/Listener.h"
#include "twilio/Form.h"
#include "twilio/Signature.h"

#include <QJsonDocument>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QWebSocket>
#include <QtTest>
#include <tuple>

using namespace sb;
using namespace sb::server;
using namespace sbtest;

namespace {

const QByteArray kToken = QByteArrayLiteral("test-auth-token-0123456789abcdef");

} // namespace

class TestListener : public sbtest::ListenerTestBase
{
    Q_OBJECT

public:
    TestListener()
        : ListenerTestBase(
              kToken, QByteArrayLiteral("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Say>hi</Say></Response>"))
    {
    }

private slots:
    void init()
    {
        ListenerConfig config;
        config.gate.requestTimeoutMs = 400;
        config.gate.rate.perAddressBurst = 1000;
        config.gate.rate.perAddressRate = 1000;
        startListener(config);
    }
    void cleanup() { m_listener.reset(); }

    void healthAnswersOk()
    {
        const RawResponse r = exchange(port(), "GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, QByteArray("{\"status\":\"ok\"}\n"));
        QCOMPARE(r.header("Connection"), QByteArray("close"));
    }

    void unknownPathIs404AndWrongMethodIs405()
    {
        QCOMPARE(exchange(port(), "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n").status, 404);
        const RawResponse r = exchange(port(), "DELETE /voice HTTP/1.1\r\nHost: x\r\n\r\n");
        QCOMPARE(r.status, 405);
        QCOMPARE(r.header("Allow"), QByteArray("GET, POST"));
        QCOMPARE(exchange(port(), "POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n").status, 405);
        QVERIFY(m_handled.isEmpty());
    }

    void signedVoiceWebhookReachesTheHandler()
    {
        const twilio::FormParams params = voiceParams();
        const QByteArray body = twilio::encodeFormBody(params);
        const QByteArray sig = twilio::signature::compute(kToken, m_publicUrl + QStringLiteral("/voice"), params);
        const RawResponse r = exchange(port(), post("/voice", body, sig));
        QCOMPARE(r.status, 200);
        QVERIFY(r.body.contains("<Say>hi</Say>"));
        QCOMPARE(r.header("Content-Type"), QByteArray("text/xml"));
        QCOMPARE(m_handled.size(), 1);
        QCOMPARE(m_handled[0].route, Route::Voice);
        QCOMPARE(twilio::formValue(m_handled[0].params, u"FromCity"), QStringLiteral("SAN FRANCISCO"));
        QTRY_COMPARE(m_logged.size(), 1);
        QCOMPARE(m_logged[0].signatureVerdict, QStringLiteral("valid"));
        QCOMPARE(m_logged[0].callSid, QStringLiteral("CAfedcba9876543210fedcba9876543210"));
        QCOMPARE(m_logged[0].status, 200);
        QCOMPARE(m_logged[0].requestBody, body);
    }

    void signedGetWithQueryIsAccepted()
    {
        const QByteArray query = twilio::encodeFormBody(voiceParams());
        const QByteArray sig =
            twilio::signature::compute(kToken, m_publicUrl + QStringLiteral("/status?") + QString::fromLatin1(query));
        const RawResponse r = exchange(
            port(), "GET /status?" + query + " HTTP/1.1\r\nHost: x\r\nX-Twilio-Signature: " + sig + "\r\n\r\n");
        QCOMPARE(r.status, 200);
        QCOMPARE(m_handled.size(), 1);
        QCOMPARE(twilio::formValue(m_handled[0].params, u"CallStatus"), QStringLiteral("ringing"));
    }

    void badSignaturesAre403AndNeverReachTheHandler_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<QString>("verdict");
        const twilio::FormParams params = voiceParams();
        const QByteArray body = twilio::encodeFormBody(params);
        const QByteArray good = twilio::signature::compute(kToken, m_publicUrl + QStringLiteral("/voice"), params);
        QByteArray tampered = body;
        tampered.replace("ringing", "completed");
        QTest::newRow("missing") << post("/voice", body, QByteArray()) << QStringLiteral("missing-signature");
        QTest::newRow("tampered body") << post("/voice", tampered, good) << QStringLiteral("mismatch");
        QTest::newRow("other route") << post("/status", body, good) << QStringLiteral("mismatch");
        QTest::newRow("garbage") << post("/voice", body, "not base64 at all") << QStringLiteral("mismatch");
        const QByteArray otherToken =
            twilio::signature::compute("wrong-token", m_publicUrl + QStringLiteral("/voice"), params);
        QTest::newRow("wrong token") << post("/voice", body, otherToken) << QStringLiteral("mismatch");
    }
    void badSignaturesAre403AndNeverReachTheHandler()
    {
        QFETCH(QByteArray, request);
        QFETCH(QString, verdict);
        const RawResponse r = exchange(port(), request);
        QCOMPARE(r.status, 403);
        QVERIFY(r.body.startsWith("Twilio signature check failed"));
        QVERIFY(m_handled.isEmpty());
        QTRY_COMPARE(m_logged.size(), 1);
        QCOMPARE(m_logged[0].signatureVerdict, verdict);
        QVERIFY(!m_logged[0].note.isEmpty());
    }

    void refusedSignaturesAreDiagnosedWithTheTokenAtHand_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<QString>("cause");
        QTest::addColumn<QString>("signedUrl");
        const twilio::FormParams params = voiceParams();
        const QByteArray body = twilio::encodeFormBody(params);
        // The raw client's Host header is example.invalid: Twilio called that URL.
        const QString hostUrl = QStringLiteral("https://example.invalid/voice");
        const QByteArray forHost = twilio::signature::compute(kToken, hostUrl, params);
        const QByteArray noQuery = twilio::signature::compute(kToken, m_publicUrl + QStringLiteral("/voice"), params);
        const QByteArray otherToken =
            twilio::signature::compute("wrong-token", m_publicUrl + QStringLiteral("/voice"), params);
        QTest::newRow("host URL") << post("/voice", body, forHost) << QStringLiteral("wrong-public-url") << hostUrl;
        QTest::newRow("query added") << post("/voice?x=1", body, noQuery) << QStringLiteral("proxy-rewrote")
                                     << m_publicUrl + QStringLiteral("/voice");
        QTest::newRow("wrong token") << post("/voice", body, otherToken) << QStringLiteral("wrong-token-or-body")
                                     << QString();
        QTest::newRow("missing") << post("/voice", body, QByteArray()) << QStringLiteral("missing-signature")
                                 << QString();
    }
    void refusedSignaturesAreDiagnosedWithTheTokenAtHand()
    {
        QFETCH(QByteArray, request);
        QFETCH(QString, cause);
        QFETCH(QString, signedUrl);
        QCOMPARE(exchange(port(), request).status, 403);
        QTRY_COMPARE(m_logged.size(), 1);
        const QJsonObject diagnosis = m_logged[0].signatureDiagnosis;
        QCOMPARE(diagnosis.value(QLatin1String("cause")).toString(), cause);
        QCOMPARE(diagnosis.value(QLatin1String("signed_url")).toString(), signedUrl);
        QCOMPARE(m_logged[0].note, diagnosis.value(QLatin1String("summary")).toString());
        QVERIFY(diagnosis.value(QLatin1String("expected_url"))
                    .toString()
                    .startsWith(m_publicUrl + QStringLiteral("/voice")));
        // Nothing in it would let a reader forge a request: no token, no signature.
        const QByteArray json = QJsonDocument(diagnosis).toJson();
        QVERIFY(!json.contains(kToken));
        QVERIFY(
            !json.contains(twilio::signature::compute(kToken, m_publicUrl + QStringLiteral("/voice"), voiceParams())));
    }

    void turningValidationOffIsExplicitAndLogged()
    {
        ListenerConfig config;
        config.validateSignatures = false;
        startListener(config);
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("signature validation is OFF")));
        const RawResponse r = exchange(port(), post("/voice", twilio::encodeFormBody(voiceParams()), QByteArray()));
        QCOMPARE(r.status, 200);
        QCOMPARE(m_handled.size(), 1);
        QTRY_COMPARE(m_logged.size(), 1);
        QCOMPARE(m_logged[0].signatureVerdict, QStringLiteral("not-checked"));
    }

    void wrongContentTypeIs415()
    {
        const RawResponse r = exchange(port(), post("/voice", "<xml/>", "x", "text/xml"));
        QCOMPARE(r.status, 415);
        QVERIFY(m_handled.isEmpty());
    }

    void oversizedBodyIs413BeforeItIsRead()
    {
        // Only the head is sent: the gate answers from Content-Length without waiting for 2 MB.
        const RawResponse r = exchange(port(),
                                       "POST /voice HTTP/1.1\r\nHost: x\r\nContent-Type: "
                                       "application/x-www-form-urlencoded\r\nContent-Length: 2097152\r\n\r\n");
        QCOMPARE(r.status, 413);
        QVERIFY(r.body.contains("exceeds the limit"));
        QVERIFY(m_handled.isEmpty());
    }

    void chunkedBodyIs411()
    {
        const RawResponse r = exchange(
            port(), "POST /voice HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
        QCOMPARE(r.status, 411);
    }

    void hugeHeadIs431()
    {
        const RawResponse r = exchange(port(), "GET /health HTTP/1.1\r\nX-Big: " + QByteArray(20000, 'a') + "\r\n\r\n");
        QCOMPARE(r.status, 431);
    }

    void malformedHeadsAre400_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::newRow("no version") << QByteArray("GET /health\r\n\r\n");
        QTest::newRow("bad header") << QByteArray("GET /health HTTP/1.1\r\nno colon here\r\n\r\n");
        QTest::newRow("bad length") << QByteArray("POST /voice HTTP/1.1\r\nContent-Length: abc\r\n\r\n");
        QTest::newRow("two lengths") << QByteArray(
            "POST /voice HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n");
        QTest::newRow("absolute form") << QByteArray("GET http://x/health HTTP/1.1\r\n\r\n");
        QTest::newRow("binary") << QByteArray("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", 16);
    }
    void malformedHeadsAre400()
    {
        QFETCH(QByteArray, request);
        QCOMPARE(exchange(port(), request).status, 400);
        QVERIFY(m_handled.isEmpty());
    }

    void slowClientsAre408()
    {
        // Half a head, then silence: the gate gives up after requestTimeoutMs (400 ms here).
        QElapsedTimer t;
        t.start();
        const RawResponse r = exchange(port(), "POST /voice HTTP/1.1\r\nHost: x\r\n");
        QCOMPARE(r.status, 408);
        QVERIFY(t.elapsed() >= 350);
        // Head complete, body never finishes.
        const RawResponse partial = exchange(port(),
                                             "POST /voice HTTP/1.1\r\nHost: x\r\nContent-Type: "
                                             "application/x-www-form-urlencoded\r\nContent-Length: 50\r\n\r\nabc");
        QCOMPARE(partial.status, 408);
        QVERIFY(m_handled.isEmpty());
    }

    void floodFromOneAddressDoesNotStarveAnother()
    {
        ListenerConfig config;
        config.gate.rate.perAddressBurst = 5;
        config.gate.rate.perAddressRate = 1;
        startListener(config);
        const QHostAddress flooder(QStringLiteral("127.0.0.2"));
        int ok = 0;
        int limited = 0;
        int retryAfter = 0;
        QElapsedTimer clock;
        clock.start();
        for (int i = 0; i < 20; ++i) {
            const RawResponse r = exchange(port(), "GET /health HTTP/1.1\r\nHost: x\r\n\r\n", flooder);
            if (r.status == 200) {
                ++ok;
            } else if (r.status == 429) {
                ++limited;
                retryAfter = qMax(retryAfter, r.header("Retry-After").toInt());
            }
        }
        // The burst of 5, plus what the 1/s rate refilled while the flood ran (a slow machine).
        const int refilled = int(clock.elapsed() / 1000) + 1;
        QVERIFY2(ok >= 5 && ok <= 5 + refilled,
                 qPrintable(QStringLiteral("%1 allowed in %2 ms").arg(ok).arg(clock.elapsed())));
        QCOMPARE(ok + limited, 20);
        QVERIFY(retryAfter >= 1);
        // Another address still gets through at once.
        QCOMPARE(exchange(port(), "GET /health HTTP/1.1\r\nHost: x\r\n\r\n", QHostAddress(QStringLiteral("127.0.0.3")))
                     .status,
                 200);
        // The flood is logged, but throttled to one entry per address and status per second.
        int logged429 = 0;
        for (const auto& e : m_logged)
            logged429 += e.status == 429 ? 1 : 0;
        QVERIFY(logged429 >= 1 && logged429 <= 3);
    }

    void forwardedClientsThroughATunnelAreLimitedSeparately()
    {
        ListenerConfig config;
        config.gate.rate.perAddressBurst = 3;
        config.gate.rate.perAddressRate = 0.5;
        config.gate.trustedClientHeader = "X-Forwarded-For"; // as when the app runs ngrok
        startListener(config);
        auto via = [this](const QByteArray& header) {
            return exchange(port(), "GET /health HTTP/1.1\r\nHost: x\r\n" + header + "\r\n\r\n").status;
        };
        // Three requests per forwarded client; a fourth from the same client is limited...
        for (int i = 0; i < 3; ++i)
            QCOMPARE(via("X-Forwarded-For: 198.51.100.7"), 200);
        QCOMPARE(via("X-Forwarded-For: 198.51.100.7"), 429);
        // ...while another caller behind the same tunnel still gets through.
        QCOMPARE(via("X-Forwarded-For: 198.51.100.8"), 200);
        // Only the entry the tunnel appended counts: a forged first entry does not help.
        QCOMPARE(via("X-Forwarded-For: 192.0.2.1, 198.51.100.7"), 429);
        // Garbage is ignored (falls back to the loopback peer, which has its own budget).
        QCOMPARE(via("X-Forwarded-For: not-an-address"), 200);
        // The same through cloudflared, which names the client in Cf-Connecting-Ip.
        config.gate.trustedClientHeader = "Cf-Connecting-Ip";
        startListener(config);
        for (int i = 0; i < 3; ++i)
            QCOMPARE(via("Cf-Connecting-Ip: 198.51.100.7"), 200);
        QCOMPARE(via("Cf-Connecting-Ip: 198.51.100.7"), 429);
        QCOMPARE(via("Cf-Connecting-Ip: 203.0.113.9"), 200);
    }

    void plainGetOnStreamIs426()
    {
        const RawResponse r = exchange(port(), "GET /stream HTTP/1.1\r\nHost: x\r\n\r\n");
        QCOMPARE(r.status, 426);
    }

    void signedWebSocketUpgradeIsAccepted()
    {
        QList<QWebSocket*> accepted;
        connect(m_listener.get(), &Listener::mediaSocketAccepted, this, [&](QWebSocket* s) {
            accepted.append(s);
            connect(s, &QWebSocket::textMessageReceived, s, [s](const QString& m) {
                s->sendTextMessage(QStringLiteral("echo:") + m);
            });
        });
        QCOMPARE(m_listener->streamUrl(), QStringLiteral("wss://abc-def.trycloudflare.com/stream"));
        QNetworkRequest request(QUrl(QStringLiteral("ws://127.0.0.1:%1/stream").arg(port())));
        request.setRawHeader("X-Twilio-Signature", twilio::signature::compute(kToken, m_listener->streamUrl()));
        QWebSocket client;
        QSignalSpy connected(&client, &QWebSocket::connected);
        QSignalSpy messages(&client, &QWebSocket::textMessageReceived);
        client.open(request);
        QVERIFY(connected.wait(5000));
        client.sendTextMessage(QStringLiteral("{\"event\":\"connected\"}"));
        QVERIFY(messages.wait(5000));
        QCOMPARE(messages.at(0).at(0).toString(), QStringLiteral("echo:{\"event\":\"connected\"}"));
        QCOMPARE(accepted.size(), 1);
        client.close();
        QTRY_COMPARE(accepted[0]->state(), QAbstractSocket::UnconnectedState);
        qDeleteAll(accepted);
    }

    void unsignedWebSocketUpgradeIs403()
    {
        int accepted = 0;
        connect(m_listener.get(), &Listener::mediaSocketAccepted, this, [&](QWebSocket* s) {
            ++accepted;
            s->deleteLater();
        });
        const RawResponse r =
            exchange(port(),
                     "GET /stream HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                     "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                     "X-Twilio-Signature: AAAAAAAAAAAAAAAAAAAAAAAAAAA=\r\n\r\n");
        QCOMPARE(r.status, 403);
        QCOMPARE(accepted, 0);
        QTRY_VERIFY(!m_logged.isEmpty());
        QCOMPARE(m_logged.last().signatureVerdict, QStringLiteral("mismatch"));
    }

    void busyPortIsAClearError()
    {
        ListenerConfig config;
        config.port = port();
        Listener second(config);
        const auto result = second.start();
        QVERIFY(!result.ok());
        QVERIFY(result.error().message.contains(QString::number(port())));
    }
};

QTEST_GUILESS_MAIN(TestListener)
#include "TestListener.moc"
