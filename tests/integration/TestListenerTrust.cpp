// SPDX-License-Identifier: GPL-3.0-or-later
// The real `switchboard --headless`: which forwarding header names a client is decided by how the
// app runs (no tunnel, --tunnel cloudflared, --behind-proxy), never by what a request claims.
#include "HeadlessApp.h"

#include <QFile>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QtTest>
#include <tuple>

using namespace sb;
using namespace sb::test;

namespace {

/// GET /health with `extraHeader`, from `from`; returns the status (0: no answer).
int health(quint16 port, const QByteArray& extraHeader, const QHostAddress& from = QHostAddress::LocalHost)
{
    QTcpSocket socket;
    socket.bind(from);
    QByteArray received;
    QObject::connect(&socket, &QTcpSocket::readyRead, [&] { received += socket.readAll(); });
    QObject::connect(&socket, &QTcpSocket::connected, [&] {
        socket.write("GET /health HTTP/1.1\r\nHost: x\r\n" + extraHeader + "\r\n\r\n");
    });
    socket.connectToHost(QHostAddress::LocalHost, port);
    std::ignore = QTest::qWaitFor([&] { return socket.state() == QAbstractSocket::UnconnectedState; }, 10000);
    received += socket.readAll();
    return received.split('\n').value(0).split(' ').value(1).toInt();
}

} // namespace

class TestListenerTrust : public QObject
{
    Q_OBJECT

private slots:
    void withoutAProxyEveryRequestCountsAgainstItsPeer()
    {
        QTemporaryDir dir;
        HeadlessApp app(dir.path(), {QStringLiteral("--rate-limit"), QStringLiteral("1")}); // burst 2
        QVERIFY2(app.start(), qPrintable(app.output()));
        const QHostAddress peer(QStringLiteral("127.0.0.2"));
        // Each request names a new client; without a proxy none of them is believed.
        QCOMPARE(health(app.port(), "Cf-Connecting-Ip: 198.51.100.1", peer), 200);
        QCOMPARE(health(app.port(), "X-Forwarded-For: 198.51.100.2", peer), 200);
        QCOMPARE(health(app.port(), "Cf-Connecting-Ip: 198.51.100.3", peer), 429);
        QCOMPARE(health(app.port(), "X-Forwarded-For: 198.51.100.4", peer), 429);
        QCOMPARE(app.terminate(), 0);
    }

    void behindProxyTrustsTheNamedHeaderOnly()
    {
        QTemporaryDir dir;
        HeadlessApp app(dir.path(),
                        {QStringLiteral("--rate-limit"),
                         QStringLiteral("1"),
                         QStringLiteral("--behind-proxy"),
                         QStringLiteral("X-Forwarded-For")});
        QVERIFY2(app.start(), qPrintable(app.output()));
        for (int i = 0; i < 2; ++i) {
            QCOMPARE(health(app.port(), "X-Forwarded-For: 198.51.100.1"), 200);
            QCOMPARE(health(app.port(), "X-Forwarded-For: 192.0.2.9, 198.51.100.2"), 200);
        }
        QCOMPARE(health(app.port(), "X-Forwarded-For: 198.51.100.1"), 429);
        // Cf-Connecting-Ip is not this proxy's header: the requests count against the proxy.
        QCOMPARE(health(app.port(), "Cf-Connecting-Ip: 203.0.113.1"), 200);
        QCOMPARE(health(app.port(), "Cf-Connecting-Ip: 203.0.113.2"), 200);
        QCOMPARE(health(app.port(), "Cf-Connecting-Ip: 203.0.113.3"), 429);
        QCOMPARE(app.terminate(), 0);
    }

    void theAppsOwnCloudflaredTunnelIsTrusted()
    {
        QTemporaryDir dir;
        QTemporaryDir tunnelDir;
        const QString url = QStringLiteral("https://seasonal-deck-organisms.trycloudflare.com");
        {
            QFile control(tunnelDir.filePath(QStringLiteral("url")));
            QVERIFY(control.open(QIODevice::WriteOnly));
            control.write(url.toUtf8());
        }
        qputenv("FAKE_TUNNEL_DIR", tunnelDir.path().toLocal8Bit());
        const QString fake = QStringLiteral(SB_TESTS_SOURCE_DIR "/app/tunnel/fake/fake-cloudflared.sh");
        HeadlessApp app(dir.path(),
                        {QStringLiteral("--rate-limit"),
                         QStringLiteral("1"),
                         QStringLiteral("--tunnel"),
                         QStringLiteral("cloudflared:") + fake});
        QVERIFY2(app.start(), qPrintable(app.output()));
        QVERIFY2(app.waitForLine(QStringLiteral("public URL is now ") + url), qPrintable(app.output()));
        for (int i = 0; i < 2; ++i) {
            QCOMPARE(health(app.port(), "Cf-Connecting-Ip: 198.51.100.1"), 200);
            QCOMPARE(health(app.port(), "Cf-Connecting-Ip: 198.51.100.2"), 200);
        }
        QCOMPARE(health(app.port(), "Cf-Connecting-Ip: 198.51.100.1"), 429);
        QCOMPARE(app.terminate(), 0);
        qunsetenv("FAKE_TUNNEL_DIR");
    }
};

QTEST_GUILESS_MAIN(TestListenerTrust)
#include "TestListenerTrust.moc"
