// SPDX-License-Identifier: GPL-3.0-or-later
// The listener under hostile clients, over real loopback sockets: forged forwarding headers,
// connection floods, clients that keep sending after a refusal, percent-encoded paths and
// WebSocket handshakes that QWebSocketServer would refuse.
#include "ListenerTestBase.h"
#include "TestSupport.h"
#include "server/Listener.h"
#include "server/RateLimiter.h"
#include "twilio/Form.h"
#include "twilio/Signature.h"

#include <QSignalSpy>
#include <QTcpSocket>
#include <QWebSocket>
#include <QtTest>
#include <memory>
#include <tuple>
#include <vector>

using namespace sb;
using namespace sb::server;
using namespace sbtest;

namespace {

const QByteArray kToken = QByteArrayLiteral("test-auth-token-0123456789abcdef");
const QByteArray kHealth = QByteArrayLiteral("GET /health HTTP/1.1\r\nHost: x\r\n");

/// A client that sends `head`, then keeps sending `bodyBytes` bytes in 64 KiB pieces whatever
/// the server answers, reading as it goes (as curl or Node do with a large upload).
RawResponse uploadWhileReading(quint16 port, const QByteArray& head, qint64 bodyBytes)
{
    QTcpSocket socket;
    QByteArray received;
    qint64 sent = 0;
    const QByteArray piece(64 * 1024, 'a');
    auto pump = [&] {
        while (sent < bodyBytes && socket.state() == QAbstractSocket::ConnectedState &&
               socket.bytesToWrite() < 2 * piece.size()) {
            const qint64 n = qMin<qint64>(piece.size(), bodyBytes - sent);
            socket.write(piece.constData(), n);
            sent += n;
        }
    };
    QObject::connect(&socket, &QTcpSocket::readyRead, [&] { received += socket.readAll(); });
    QObject::connect(&socket, &QTcpSocket::connected, [&] {
        socket.write(head);
        pump();
    });
    QObject::connect(&socket, &QTcpSocket::bytesWritten, pump);
    socket.connectToHost(QHostAddress::LocalHost, port);
    std::ignore = QTest::qWaitFor([&] { return socket.state() == QAbstractSocket::UnconnectedState; }, 15000);
    received += socket.readAll();
    return parseRawResponse(received);
}

/// Opens `count` connections from `from` that send `bytes` (possibly nothing) and stay open.
struct HeldConnections
{
    std::vector<std::unique_ptr<QTcpSocket>> sockets;
    QByteArray received;
    int answered() const
    {
        int n = 0;
        for (const auto& s : sockets)
            n += s->property("answered").toBool() ? 1 : 0;
        return n;
    }
    int connected() const
    {
        int n = 0;
        for (const auto& s : sockets)
            n += s->state() == QAbstractSocket::ConnectedState && s->bytesToWrite() == 0 ? 1 : 0;
        return n;
    }
    void open(quint16 port, int count, const QByteArray& bytes, const QHostAddress& from = QHostAddress())
    {
        for (int i = 0; i < count; ++i) {
            auto socket = std::make_unique<QTcpSocket>();
            QTcpSocket* s = socket.get();
            if (!from.isNull())
                s->bind(from);
            QObject::connect(s, &QTcpSocket::readyRead, s, [s] {
                s->readAll();
                s->setProperty("answered", true);
            });
            if (!bytes.isEmpty())
                QObject::connect(s, &QTcpSocket::connected, s, [s, bytes] { s->write(bytes); });
            s->connectToHost(QHostAddress::LocalHost, port);
            sockets.push_back(std::move(socket));
        }
    }
};

} // namespace

class TestListenerHardening : public sbtest::ListenerTestBase
{
    Q_OBJECT

public:
    TestListenerHardening()
        : ListenerTestBase(kToken, QByteArrayLiteral("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>"))
    {
    }

private slots:
    void cleanup() { m_listener.reset(); }

    // Finding 1: forwarding headers are trusted only when configured, and only the one named.
    void forwardingHeadersAreIgnoredUnlessATrustedProxyIsConfigured()
    {
        ListenerConfig config;
        config.gate.rate.perAddressBurst = 3;
        config.gate.rate.perAddressRate = 0.01;
        startListener(config);
        const QHostAddress peer(QStringLiteral("127.0.0.2"));
        QList<int> statuses;
        for (int i = 0; i < 6; ++i) {
            const QByteArray header = i % 2 ? "X-Forwarded-For: 198.51.100." : "Cf-Connecting-Ip: 198.51.100.";
            statuses << exchange(port(), kHealth + header + QByteArray::number(i + 1) + "\r\n\r\n", peer).status;
        }
        // One peer, one budget of 3, whatever the requests claim.
        QCOMPARE(statuses, (QList<int>{200, 200, 200, 429, 429, 429}));
    }

    void onlyTheConfiguredHeaderNamesTheClient()
    {
        ListenerConfig config;
        config.gate.rate.perAddressBurst = 1;
        config.gate.rate.perAddressRate = 0.01;
        config.gate.trustedClientHeader = "Cf-Connecting-Ip";
        startListener(config);
        // cloudflared's header tells its clients apart...
        QCOMPARE(exchange(port(), kHealth + "Cf-Connecting-Ip: 198.51.100.1\r\n\r\n").status, 200);
        QCOMPARE(exchange(port(), kHealth + "Cf-Connecting-Ip: 198.51.100.2\r\n\r\n").status, 200);
        QCOMPARE(exchange(port(), kHealth + "Cf-Connecting-Ip: 198.51.100.2\r\n\r\n").status, 429);
        // ...but X-Forwarded-For is not the tunnel's header: it counts against the peer itself.
        QCOMPARE(exchange(port(), kHealth + "X-Forwarded-For: 198.51.100.3\r\n\r\n").status, 200);
        QCOMPARE(exchange(port(), kHealth + "X-Forwarded-For: 198.51.100.4\r\n\r\n").status, 429);
    }

    void xForwardedForTrustsOnlyTheLastEntry()
    {
        ListenerConfig config;
        config.gate.rate.perAddressBurst = 1;
        config.gate.rate.perAddressRate = 0.01;
        config.gate.trustedClientHeader = "X-Forwarded-For";
        startListener(config);
        QCOMPARE(exchange(port(), kHealth + "X-Forwarded-For: 198.51.100.7\r\n\r\n").status, 200);
        // A forged first entry does not make a new client: the proxy appended the last one.
        QCOMPARE(exchange(port(), kHealth + "X-Forwarded-For: 192.0.2.1, 198.51.100.7\r\n\r\n").status, 429);
        QCOMPARE(exchange(port(), kHealth + "X-Forwarded-For: 198.51.100.7, 198.51.100.8\r\n\r\n").status, 200);
    }

    void forgedIdentitiesCannotStarveAnotherClient()
    {
        ListenerConfig config;
        config.gate.rate.perAddressBurst = 30;
        config.gate.rate.perAddressRate = 1;
        config.gate.rate.globalBurst = 50;
        config.gate.rate.globalRate = 0.01; // the burst is all there is while the test runs
        config.gate.trustedClientHeader = "Cf-Connecting-Ip";
        startListener(config);
        const QHostAddress flooder(QStringLiteral("127.0.0.2"));
        const QHostAddress victim(QStringLiteral("127.0.0.3"));
        int victimOk = 0;
        int flooderOk = 0;
        for (int i = 0; i < 100; ++i) {
            // A new client named in every request, so no per-client budget ever runs out.
            const QByteArray forged = "Cf-Connecting-Ip: 10.0.0." + QByteArray::number(i + 1);
            flooderOk += exchange(port(), kHealth + forged + "\r\n\r\n", flooder).status == 200 ? 1 : 0;
            if (i % 5 == 4)
                victimOk += exchange(port(), kHealth + "\r\n", victim).status == 200 ? 1 : 0;
        }
        // The flooder got at most its peer's half of the global budget; the victim everything.
        QVERIFY2(flooderOk <= 25, qPrintable(QString::number(flooderOk)));
        QCOMPARE(victimOk, 20);
    }

    void oneNamingPeerGetsAtMostItsShare()
    {
        // Simulated time: 10 s of a flood naming 5 new clients per millisecond, beside a client
        // of another peer asking 10 times a second.
        RateLimiter::Limits limits;
        limits.globalRate = 100;
        limits.globalBurst = 100;
        RateLimiter limiter(limits, 0);
        int flooderOk = 0;
        int victimOk = 0;
        int n = 0;
        for (qint64 ms = 0; ms < 10000; ++ms) {
            for (int k = 0; k < 5; ++k, ++n) {
                const QString name = QStringLiteral("fwd:10.%1.%2.%3").arg(n >> 16).arg((n >> 8) & 255).arg(n & 255);
                flooderOk += limiter.admit(QStringLiteral("127.0.0.1"), name, ms) == RateLimiter::Decision::Allowed;
            }
            if (ms % 100 == 0)
                victimOk += limiter.admit(QStringLiteral("192.0.2.10"), ms) == RateLimiter::Decision::Allowed;
        }
        QCOMPARE(victimOk, 100);
        // Half the global budget: half the burst plus half the rate for 10 s.
        QVERIFY2(flooderOk <= 50 + 500 + 1, qPrintable(QString::number(flooderOk)));
        QVERIFY(limiter.trackedAddresses() <= limits.maxNamedClientsPerPeer + 2);
    }

    void theTrustedHeaderFollowsHowTheAppRuns()
    {
        QCOMPARE(trustedClientHeaderFor(QString(), QString()), QByteArray());
        QCOMPARE(trustedClientHeaderFor(QStringLiteral("cloudflared"), QString()), QByteArray("Cf-Connecting-Ip"));
        QCOMPARE(trustedClientHeaderFor(QStringLiteral("cloudflared:/opt/cf"), QString()),
                 QByteArray("Cf-Connecting-Ip"));
        QCOMPARE(trustedClientHeaderFor(QStringLiteral("ngrok"), QString()), QByteArray("X-Forwarded-For"));
        // Tunnels the app does not know set no header it could trust.
        QCOMPARE(trustedClientHeaderFor(QStringLiteral("url:https://x.example"), QString()), QByteArray());
        QCOMPARE(trustedClientHeaderFor(QStringLiteral("command:tunnel {port}"), QString()), QByteArray());
        QCOMPARE(trustedClientHeaderFor(QStringLiteral("none"), QString()), QByteArray());
        // --behind-proxy says which header, whatever the tunnel.
        QCOMPARE(trustedClientHeaderFor(QStringLiteral("url:https://x.example"), QStringLiteral("X-Real-Ip")),
                 QByteArray("X-Real-Ip"));
    }

    void theClientTableIsBounded()
    {
        RateLimiter limiter(RateLimiter::Limits{}, 0);
        for (int i = 0; i < 50000; ++i) {
            const QString address = QStringLiteral("10.%1.%2.%3").arg(i >> 16).arg((i >> 8) & 255).arg(i & 255);
            limiter.admit(address, i / 100);
        }
        QVERIFY2(limiter.trackedAddresses() <= RateLimiter::Limits{}.maxTrackedClients,
                 qPrintable(QString::number(limiter.trackedAddresses())));
    }

    // Finding 2: connections are counted per trusted client, and /health stays answerable.
    void oneCallerBehindTheTunnelCannotLockOutOthers()
    {
        ListenerConfig config;
        config.gate.trustedClientHeader = "Cf-Connecting-Ip";
        config.gate.maxConnectionsPerAddress = 10;
        config.gate.requestTimeoutMs = 20000;
        startListener(config);
        // One caller holds 20 connections through the tunnel (heads sent, bodies never finished).
        HeldConnections held;
        held.open(port(),
                  20,
                  "POST /voice HTTP/1.1\r\nHost: x\r\nCf-Connecting-Ip: 198.51.100.66\r\nContent-Type: "
                  "application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nabc");
        QTRY_COMPARE_WITH_TIMEOUT(held.answered(), 10, 10000); // beyond its 10: refused
        // Twilio's request, through the same tunnel, still gets through.
        const twilio::FormParams params = voiceParams();
        const QByteArray body = twilio::encodeFormBody(params);
        const QByteArray sig = twilio::signature::compute(kToken, m_publicUrl + QStringLiteral("/voice"), params);
        QByteArray request = post("/voice", body, sig);
        request.insert(request.indexOf("\r\n") + 2, "Cf-Connecting-Ip: 203.0.113.5\r\n");
        QCOMPARE(exchange(port(), request).status, 200);
    }

    void healthIsAnsweredAtTheConnectionCaps()
    {
        ListenerConfig config;
        config.gate.maxConnections = 10;
        config.gate.requestTimeoutMs = 20000;
        startListener(config);
        HeldConnections idle;
        idle.open(port(), 10, QByteArray(), QHostAddress(QStringLiteral("127.0.0.2")));
        QTRY_COMPARE_WITH_TIMEOUT(idle.connected(), 10, 10000);
        // The cap is reached once the listener has accepted them all.
        QTRY_COMPARE_WITH_TIMEOUT(exchange(port(), "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n").status, 503, 10000);
        const RawResponse health = exchange(port(), kHealth + "\r\n");
        QCOMPARE(health.status, 200);
        QCOMPARE(health.body, QByteArray("{\"status\":\"ok\"}\n"));
        QCOMPARE(idle.answered(), 0);
    }

    void healthIsAnsweredAtThePerClientCap()
    {
        ListenerConfig config;
        config.gate.maxConnectionsPerAddress = 5;
        config.gate.requestTimeoutMs = 20000;
        startListener(config);
        const QHostAddress peer(QStringLiteral("127.0.0.2"));
        HeldConnections idle;
        idle.open(port(), 5, QByteArray(), peer);
        QTRY_COMPARE_WITH_TIMEOUT(idle.connected(), 5, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(exchange(port(), "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n", peer).status, 429, 10000);
        QCOMPARE(exchange(port(), kHealth + "\r\n", peer).status, 200);
        // Other clients are not affected at all.
        QCOMPARE(exchange(port(), "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n").status, 404);
    }

    // Finding 3: a client still sending when it is refused reads the refusal, every time.
    void refusalsAreReadByClientsStillSending_data()
    {
        QTest::addColumn<QByteArray>("head");
        QTest::addColumn<int>("status");
        QTest::newRow("413") << QByteArray("POST /voice HTTP/1.1\r\nHost: x\r\nContent-Type: "
                                           "application/x-www-form-urlencoded\r\nContent-Length: 2097152\r\n\r\n")
                             << 413;
        QTest::newRow("411") << QByteArray("POST /voice HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
                             << 411;
        QTest::newRow("431") << QByteArray("POST /voice HTTP/1.1\r\nHost: x\r\nX-Big: ") << 431;
        QTest::newRow("429") << QByteArray("POST /voice HTTP/1.1\r\nHost: x\r\nX-Limited: yes\r\nContent-Type: "
                                           "application/x-www-form-urlencoded\r\nContent-Length: 2097152\r\n\r\n")
                             << 429;
    }
    void refusalsAreReadByClientsStillSending()
    {
        QFETCH(QByteArray, head);
        QFETCH(int, status);
        ListenerConfig config;
        if (status == 429) {
            config.gate.rate.perAddressBurst = 1;
            config.gate.rate.perAddressRate = 0.001;
        }
        startListener(config);
        if (status == 429)
            QCOMPARE(exchange(port(), kHealth + "\r\n").status, 200); // spends the only token
        for (int i = 0; i < 20; ++i) {
            const RawResponse r = uploadWhileReading(port(), head, 2 * 1024 * 1024);
            QVERIFY2(r.status == status,
                     qPrintable(QStringLiteral("run %1: got '%2'").arg(i).arg(QString::fromLatin1(r.head.left(80)))));
        }
    }

    // Finding 4: the path is checked exactly as received.
    void percentEncodedPathIsNotTheSignedPath()
    {
        startListener(ListenerConfig{});
        const twilio::FormParams params = voiceParams();
        const QByteArray body = twilio::encodeFormBody(params);
        const QByteArray sig = twilio::signature::compute(kToken, m_publicUrl + QStringLiteral("/voice"), params);
        const RawResponse r = exchange(port(), post("/%76oice", body, sig));
        QCOMPARE(r.status, 404);
        QVERIFY(m_handled.isEmpty());
        QTRY_VERIFY(!m_logged.isEmpty());
        QCOMPARE(m_logged.last().path, QByteArray("/%76oice"));
    }

    void queryIsSignedExactlyAsReceived()
    {
        startListener(ListenerConfig{});
        // %41 is an escaped 'A': Twilio signs the URL as it was configured, escapes included.
        const QByteArray query = twilio::encodeFormBody(voiceParams()) + "&Note=%41%7e";
        const QByteArray sig =
            twilio::signature::compute(kToken, m_publicUrl + QStringLiteral("/status?") + QString::fromLatin1(query));
        const RawResponse r = exchange(
            port(), "GET /status?" + query + " HTTP/1.1\r\nHost: x\r\nX-Twilio-Signature: " + sig + "\r\n\r\n");
        QCOMPARE(r.status, 200);
        QCOMPARE(m_handled.size(), 1);
        QCOMPARE(m_handled[0].query, query);
        // ...and the same request with the escape decoded is a different URL.
        QByteArray decoded = query;
        decoded.replace("%41%7e", "A~");
        const RawResponse forged = exchange(
            port(), "GET /status?" + decoded + " HTTP/1.1\r\nHost: x\r\nX-Twilio-Signature: " + sig + "\r\n\r\n");
        QCOMPARE(forged.status, 403);
    }

    // Finding 4: a refused WebSocket handshake is logged with the status actually sent.
    void refusedHandshakesAreLoggedWithTheStatusSent_data()
    {
        QTest::addColumn<QByteArray>("headers");
        QTest::addColumn<int>("status");
        QTest::newRow("no key") << QByteArray("Sec-WebSocket-Version: 13\r\n") << 400;
        QTest::newRow("short key") << QByteArray("Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: c2hvcnQ=\r\n") << 400;
        QTest::newRow("old version")
            << QByteArray("Sec-WebSocket-Version: 8\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n") << 426;
    }
    void refusedHandshakesAreLoggedWithTheStatusSent()
    {
        QFETCH(QByteArray, headers);
        QFETCH(int, status);
        startListener(ListenerConfig{});
        int accepted = 0;
        connect(m_listener.get(), &Listener::mediaSocketAccepted, this, [&](QWebSocket* s) {
            ++accepted;
            s->deleteLater();
        });
        const QByteArray sig = twilio::signature::compute(kToken, m_listener->streamUrl());
        const RawResponse r =
            exchange(port(),
                     "GET /stream HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n" + headers +
                         "X-Twilio-Signature: " + sig + "\r\n\r\n");
        QCOMPARE(r.status, status);
        if (status == 426)
            QCOMPARE(r.header("Sec-WebSocket-Version"), QByteArray("13"));
        QCOMPARE(accepted, 0);
        QTRY_VERIFY(!m_logged.isEmpty());
        QCOMPARE(m_logged.last().status, status);
    }
};

QTEST_GUILESS_MAIN(TestListenerHardening)
#include "TestListenerHardening.moc"
