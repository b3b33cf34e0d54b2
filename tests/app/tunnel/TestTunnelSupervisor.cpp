// SPDX-License-Identifier: GPL-3.0-or-later
// Supervision of tunnel programs, driven with stand-ins (fake/*.sh) that print what cloudflared
// and ngrok print and die, hang or change URL on command. Everything runs on the test thread.
#include "tunnel/TunnelSupervisor.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHttpServer>
#include <QHttpServerResponse>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace sb::tunnel;

namespace {

QString fakePath(const char* name)
{
    // SB_TEST_DATA_DIR is tests/data (which may not exist yet): resolve lexically.
    return QDir::cleanPath(QStringLiteral(SB_TEST_DATA_DIR "/../app/tunnel/fake/") + QLatin1String(name));
}

struct Event
{
    TunnelState state;
    QString reason;
    int restartInMs;
};

/// Records every state change of a supervisor, with the status at that moment.
struct Recorder
{
    QList<Event> events;
    explicit Recorder(TunnelSupervisor& sup)
    {
        QObject::connect(&sup, &TunnelSupervisor::stateChanged, &sup, [this, &sup](TunnelState s, const QString& r) {
            events.append({s, r, sup.status().restartInMs});
        });
    }
    QList<TunnelState> states() const
    {
        QList<TunnelState> out;
        for (const Event& e : events)
            out.append(e.state);
        return out;
    }
    QList<int> restartDelays() const
    {
        QList<int> out;
        for (const Event& e : events)
            if (e.state == TunnelState::Restarting)
                out.append(e.restartInMs);
        return out;
    }
    int count(TunnelState s) const { return states().count(s); }
};

bool processAlive(qint64 pid)
{
    // A reaped process has no /proc entry; a zombie would still have one, but QProcess reaps.
    return pid > 0 && QFileInfo::exists(QStringLiteral("/proc/%1").arg(pid));
}

/// Serves /health (toggleable) and ngrok's /api/tunnels on 127.0.0.1.
class LocalServer
{
public:
    bool healthy = true;
    QByteArray tunnelsJson = "{\"tunnels\":[]}";
    int healthHits = 0;

    LocalServer()
    {
        m_server.route(QStringLiteral("/health"), [this] {
            ++healthHits;
            if (!healthy)
                return QHttpServerResponse(
                    "application/json", "{\"status\":\"down\"}", QHttpServerResponse::StatusCode::InternalServerError);
            return QHttpServerResponse("application/json", "{\"status\":\"ok\"}\n");
        });
        m_server.route(QStringLiteral("/api/tunnels"),
                       [this] { return QHttpServerResponse("application/json", tunnelsJson); });
        m_port = m_server.listen(QHostAddress::LocalHost, 0);
    }
    quint16 port() const { return m_port; }
    QString url() const { return QStringLiteral("http://127.0.0.1:%1").arg(m_port); }

private:
    QHttpServer m_server;
    quint16 m_port = 0;
};

/// The stand-ins' control directory ($FAKE_TUNNEL_DIR).
class FakeDir
{
public:
    FakeDir() { qputenv("FAKE_TUNNEL_DIR", m_dir.path().toUtf8()); }
    void write(const QString& name, const QByteArray& content)
    {
        QFile f(m_dir.filePath(name));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(content);
    }
    QByteArray read(const QString& name) const
    {
        QFile f(m_dir.filePath(name));
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }
    int runs() const { return read(QStringLiteral("runs")).trimmed().toInt(); }

private:
    QTemporaryDir m_dir;
};

/// Small times so a whole restart cycle takes well under a second.
TunnelConfig fast(TunnelConfig c)
{
    c.initialBackoffMs = 100;
    c.maxBackoffMs = 400;
    c.stableAfterMs = 10000;
    c.urlTimeoutMs = 5000;
    c.terminateGraceMs = 500;
    c.healthIntervalMs = 0;
    c.ngrokApi = QUrl();
    return c;
}

} // namespace

class TestTunnelSupervisor : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY2(QFileInfo(fakePath("fake-cloudflared.sh")).isExecutable(), "fake-cloudflared.sh missing");
        QVERIFY2(QFileInfo(fakePath("fake-ngrok.sh")).isExecutable(), "fake-ngrok.sh missing");
    }

    void specParsing()
    {
        auto c = parseTunnelSpec(QStringLiteral("cloudflared"), 8080);
        QVERIFY(c.ok());
        QCOMPARE(c->kind, TunnelConfig::Kind::Cloudflared);
        QCOMPARE(c->program, QStringLiteral("cloudflared"));
        QCOMPARE(c->arguments,
                 QStringList({QStringLiteral("tunnel"),
                              QStringLiteral("--no-autoupdate"),
                              QStringLiteral("--url"),
                              QStringLiteral("http://127.0.0.1:8080")}));

        c = parseTunnelSpec(QStringLiteral("ngrok:/opt/ngrok/ngrok"), 5000);
        QVERIFY(c.ok());
        QCOMPARE(c->kind, TunnelConfig::Kind::Ngrok);
        QCOMPARE(c->program, QStringLiteral("/opt/ngrok/ngrok"));
        QCOMPARE(c->arguments.join(QLatin1Char(' ')), QStringLiteral("http 5000 --log stdout --log-format logfmt"));
        QCOMPARE(c->ngrokApi, QUrl(QStringLiteral("http://127.0.0.1:4040")));

        c = parseTunnelSpec(QStringLiteral("command:bore local {port} --to 'bore pub'"), 7000);
        QVERIFY(c.ok());
        QCOMPARE(c->kind, TunnelConfig::Kind::Command);
        QCOMPARE(c->program, QStringLiteral("bore"));
        QCOMPARE(
            c->arguments,
            QStringList(
                {QStringLiteral("local"), QStringLiteral("7000"), QStringLiteral("--to"), QStringLiteral("bore pub")}));
        QCOMPARE(matchUrl(c->urlPattern, QStringLiteral("listening at https://x.example.net/, ok")),
                 QStringLiteral("https://x.example.net"));

        c = parseTunnelSpec(QStringLiteral("url:https://calls.example.com/"), 0);
        QVERIFY(c.ok());
        QCOMPARE(c->kind, TunnelConfig::Kind::FixedUrl);
        QCOMPARE(c->fixedUrl, QStringLiteral("https://calls.example.com"));
        c = parseTunnelSpec(QStringLiteral("https://a.example.com"), 0);
        QVERIFY(c.ok());
        QCOMPARE(c->fixedUrl, QStringLiteral("https://a.example.com"));
        QCOMPARE(parseTunnelSpec(QStringLiteral("none"), 1)->kind, TunnelConfig::Kind::None);

        for (const char* bad : {"frp",
                                "url:ftp://x.example.com",
                                "url:https://x.example.com/?a=1",
                                "command:",
                                "url:https://user:pw@x.example.com"}) {
            const auto r = parseTunnelSpec(QLatin1String(bad), 8080);
            QVERIFY2(!r.ok(), bad);
            QCOMPARE(r.error().code, QStringLiteral("tunnel-spec"));
        }
        QVERIFY(!parseTunnelSpec(QStringLiteral("cloudflared"), 0).ok()); // port unknown
    }

    void urlDiscoveryPatterns()
    {
        const auto cf = cloudflaredUrlPattern();
        QCOMPARE(matchUrl(cf,
                          QStringLiteral("2024-01-15T10:00:01Z INF |  https://seasonal-deck-organisms-sf."
                                         "trycloudflare.com                                      |")),
                 QStringLiteral("https://seasonal-deck-organisms-sf.trycloudflare.com"));
        QVERIFY(matchUrl(cf,
                         QStringLiteral("INF ... named tunnel by following: "
                                        "https://developers.cloudflare.com/cloudflare-one/connections"))
                    .isEmpty());
        QVERIFY(matchUrl(cf,
                         QStringLiteral("ERR failed to request quick Tunnel: Post "
                                        "\"https://api.trycloudflare.com/tunnel\": dial tcp"))
                    .isEmpty());
        QVERIFY(matchUrl(cf, QStringLiteral("INF Requesting new quick Tunnel on trycloudflare.com...")).isEmpty());

        const auto ng = ngrokUrlPattern();
        QCOMPARE(matchUrl(ng,
                          QStringLiteral("t=2024-01-15T10:00:00+0000 lvl=info msg=\"started tunnel\" obj=tunnels "
                                         "name=command_line addr=http://localhost:8080 "
                                         "url=https://1a2b-3c4d.ngrok-free.app")),
                 QStringLiteral("https://1a2b-3c4d.ngrok-free.app"));
        // ngrok 2 also starts a plain-http twin; that one is not ours.
        QVERIFY(matchUrl(ng,
                         QStringLiteral("t=x lvl=info msg=\"started tunnel\" obj=tunnels name=\"command_line (http)\" "
                                        "addr=http://localhost:8080 url=http://1a2b.ngrok.io"))
                    .isEmpty());
        QVERIFY(matchUrl(ng, QStringLiteral("t=x lvl=info msg=\"update available\" url=https://ngrok.com/download"))
                    .isEmpty());

        const QByteArray api =
            "{\"tunnels\":["
            "{\"public_url\":\"https://other.ngrok-free.app\",\"proto\":\"https\",\"config\":{\"addr\":\"http://"
            "localhost:9999\"}},"
            "{\"public_url\":\"http://mine.ngrok.io\",\"proto\":\"http\",\"config\":{\"addr\":\"http://"
            "localhost:8080\"}},"
            "{\"public_url\":\"https://"
            "mine.ngrok-free.app\",\"proto\":\"https\",\"config\":{\"addr\":\"localhost:8080\"}}],"
            "\"uri\":\"/api/tunnels\"}";
        QCOMPARE(ngrokApiPublicUrl(api, 8080), QStringLiteral("https://mine.ngrok-free.app"));
        QCOMPARE(ngrokApiPublicUrl(api, 9999), QStringLiteral("https://other.ngrok-free.app"));
        QVERIFY(ngrokApiPublicUrl(api, 1234).isEmpty());
        QVERIFY(ngrokApiPublicUrl("not json", 8080).isEmpty());
        QCOMPARE(ngrokWebAddress(QStringLiteral(
                     "t=x lvl=info msg=\"starting web service\" obj=web addr=127.0.0.1:4041 allow_hosts=[]")),
                 QUrl(QStringLiteral("http://127.0.0.1:4041")));
    }

    void cloudflaredUrlFromLogAndSecretsScrubbed()
    {
        FakeDir dir;
        qputenv("TWILIO_AUTH_TOKEN", "s3cr3t-token-value");
        TunnelSupervisor sup(fast(TunnelConfig::forCloudflared(8080, fakePath("fake-cloudflared.sh"))));
        Recorder rec(sup);
        QSignalSpy urls(&sup, &TunnelSupervisor::publicUrlChanged);
        sup.start();
        qunsetenv("TWILIO_AUTH_TOKEN");
        QVERIFY(urls.wait(5000));
        QCOMPARE(urls.first().first().toString(),
                 QStringLiteral("https://seasonal-deck-organisms-1.trycloudflare.com"));
        QCOMPARE(sup.publicUrl(), urls.first().first().toString());
        QCOMPARE(sup.state(), TunnelState::Up);
        QCOMPARE(rec.states(),
                 QList<TunnelState>({TunnelState::Starting, TunnelState::WaitingForUrl, TunnelState::Up}));
        QCOMPARE(QString::fromUtf8(dir.read(QStringLiteral("argv.1"))).split(QLatin1Char('\n'), Qt::SkipEmptyParts),
                 sup.config().arguments);
        const QByteArray env = dir.read(QStringLiteral("env.1"));
        QVERIFY(env.contains("FAKE_TUNNEL_DIR="));
        QVERIFY(!env.contains("s3cr3t-token-value"));
        QVERIFY(!env.contains("TWILIO_AUTH_TOKEN"));
        const qint64 pid = sup.processId();
        QVERIFY(processAlive(pid));
        sup.stop();
        QCOMPARE(sup.state(), TunnelState::Stopped);
        QTRY_VERIFY_WITH_TIMEOUT(!processAlive(pid), 3000);
        QCOMPARE(dir.runs(), 1);
    }

    void cloudflaredUrlChangeFollows()
    {
        FakeDir dir;
        TunnelSupervisor sup(fast(TunnelConfig::forCloudflared(8080, fakePath("fake-cloudflared.sh"))));
        QSignalSpy urls(&sup, &TunnelSupervisor::publicUrlChanged);
        sup.start();
        QVERIFY(urls.wait(5000));
        dir.write(QStringLiteral("rotate"), "https://brand-new-words-here.trycloudflare.com");
        QVERIFY(urls.wait(5000));
        QCOMPARE(urls.size(), 2);
        QCOMPARE(urls.last().first().toString(), QStringLiteral("https://brand-new-words-here.trycloudflare.com"));
        QCOMPARE(sup.publicUrl(), QStringLiteral("https://brand-new-words-here.trycloudflare.com"));
        QCOMPARE(sup.state(), TunnelState::Up);
        QCOMPARE(dir.runs(), 1); // same process, no restart
    }

    void ngrokUrlFromLog()
    {
        FakeDir dir;
        TunnelSupervisor sup(fast(TunnelConfig::forNgrok(8080, fakePath("fake-ngrok.sh"))));
        QSignalSpy urls(&sup, &TunnelSupervisor::publicUrlChanged);
        QSignalSpy lines(&sup, &TunnelSupervisor::logLine);
        sup.start();
        QVERIFY(urls.wait(5000));
        QCOMPARE(urls.first().first().toString(), QStringLiteral("https://1a2b-203-0-113-1.ngrok-free.app"));
        QCOMPARE(sup.state(), TunnelState::Up);
        bool sawStarted = false;
        for (const auto& l : lines)
            sawStarted |= l.first().toString().contains(QLatin1String("msg=\"started tunnel\""));
        QVERIFY(sawStarted); // program output is passed on
        QCOMPARE(QString::fromUtf8(dir.read(QStringLiteral("argv.1"))).split(QLatin1Char('\n'), Qt::SkipEmptyParts),
                 QStringList({QStringLiteral("http"),
                              QStringLiteral("8080"),
                              QStringLiteral("--log"),
                              QStringLiteral("stdout"),
                              QStringLiteral("--log-format"),
                              QStringLiteral("logfmt")}));
    }

    void ngrokUrlFromApiFollowsAnnouncedWebAddress()
    {
        FakeDir dir;
        LocalServer api;
        QVERIFY(api.port() != 0);
        api.tunnelsJson =
            "{\"tunnels\":["
            "{\"public_url\":\"https://someone-else.ngrok-free.app\",\"proto\":\"https\",\"config\":{\"addr\":\"http://"
            "localhost:9000\"}},"
            "{\"public_url\":\"http://from-api.ngrok-free.app\",\"proto\":\"http\",\"config\":{\"addr\":\"http://"
            "localhost:8080\"}},"
            "{\"public_url\":\"https://from-api.ngrok-free.app\",\"proto\":\"https\",\"config\":{\"addr\":\"http://"
            "localhost:8080\"}}]}";
        dir.write(QStringLiteral("mode"), "api-only");
        // The configured address is wrong (port 4040 taken, say); ngrok announces the real one.
        dir.write(QStringLiteral("web"), QStringLiteral("127.0.0.1:%1").arg(api.port()).toUtf8());
        TunnelConfig c = fast(TunnelConfig::forNgrok(8080, fakePath("fake-ngrok.sh")));
        c.ngrokApi = QUrl(QStringLiteral("http://127.0.0.1:1"));
        c.ngrokApiPollMs = 100;
        TunnelSupervisor sup(c);
        QSignalSpy urls(&sup, &TunnelSupervisor::publicUrlChanged);
        sup.start();
        QVERIFY(urls.wait(5000));
        QCOMPARE(urls.first().first().toString(), QStringLiteral("https://from-api.ngrok-free.app"));
        QCOMPARE(sup.state(), TunnelState::Up);
        QVERIFY(sup.status().reason.contains(QLatin1String("ngrok API")));
    }

    void restartBackoffDoublesToMax()
    {
        FakeDir dir;
        dir.write(QStringLiteral("mode"), "die");
        TunnelSupervisor sup(fast(TunnelConfig::forCloudflared(8080, fakePath("fake-cloudflared.sh"))));
        Recorder rec(sup);
        sup.start();
        QTRY_VERIFY_WITH_TIMEOUT(rec.count(TunnelState::Restarting) >= 5, 8000);
        QCOMPARE(rec.restartDelays().mid(0, 5), QList<int>({100, 200, 400, 400, 400}));
        for (const Event& e : rec.events)
            if (e.state == TunnelState::Restarting)
                QCOMPARE(e.reason, QStringLiteral("tunnel program exited with code 1"));
        QVERIFY(sup.publicUrl().isEmpty());
        // Now it works: the next start comes up and the URL is announced.
        dir.write(QStringLiteral("mode"), "ok");
        QSignalSpy urls(&sup, &TunnelSupervisor::publicUrlChanged);
        QVERIFY(urls.wait(5000));
        QCOMPARE(sup.state(), TunnelState::Up);
        QVERIFY(sup.status().restarts >= 5);
    }

    void backoffResetsAfterStablePeriod()
    {
        // Each run is up ~0.3 s, then its connection drops (exit 2).
        FakeDir dir;
        dir.write(QStringLiteral("mode"), "exit-after-url");
        TunnelConfig c = fast(TunnelConfig::forCloudflared(8080, fakePath("fake-cloudflared.sh")));
        c.stableAfterMs = 100; // 0.3 s up counts as stable: every restart starts from the beginning
        TunnelSupervisor sup(c);
        Recorder rec(sup);
        QSignalSpy urls(&sup, &TunnelSupervisor::publicUrlChanged);
        sup.start();
        QTRY_VERIFY_WITH_TIMEOUT(rec.count(TunnelState::Restarting) >= 3, 8000);
        QCOMPARE(rec.restartDelays().mid(0, 3), QList<int>({100, 100, 100}));
        QVERIFY(urls.size() >= 2); // every quick tunnel gets a new URL, and it is followed
        QCOMPARE(urls.at(1).first().toString(), QStringLiteral("https://seasonal-deck-organisms-2.trycloudflare.com"));
        QVERIFY(rec.events.last().reason.contains(QLatin1String("code 2")) ||
                rec.events.last().state != TunnelState::Restarting);

        FakeDir dir2;
        dir2.write(QStringLiteral("mode"), "exit-after-url");
        c.stableAfterMs = 10000; // not stable: delays grow
        TunnelSupervisor sup2(c);
        Recorder rec2(sup2);
        sup2.start();
        QTRY_VERIFY_WITH_TIMEOUT(rec2.count(TunnelState::Restarting) >= 3, 8000);
        QCOMPARE(rec2.restartDelays().mid(0, 3), QList<int>({100, 200, 400}));
    }

    void hangWithoutUrlIsKilledAndRestarted()
    {
        FakeDir dir;
        dir.write(QStringLiteral("mode.1"), "hang");
        TunnelConfig c = fast(TunnelConfig::forCloudflared(8080, fakePath("fake-cloudflared.sh")));
        c.urlTimeoutMs = 600;
        TunnelSupervisor sup(c);
        Recorder rec(sup);
        QSignalSpy urls(&sup, &TunnelSupervisor::publicUrlChanged);
        sup.start();
        QTRY_VERIFY_WITH_TIMEOUT(sup.state() == TunnelState::WaitingForUrl, 3000);
        const qint64 hungPid = sup.processId();
        QVERIFY(processAlive(hungPid));
        QVERIFY(urls.wait(5000));
        QCOMPARE(urls.first().first().toString(),
                 QStringLiteral("https://seasonal-deck-organisms-2.trycloudflare.com"));
        QCOMPARE(dir.runs(), 2);
        QCOMPARE(rec.count(TunnelState::Restarting), 1);
        const Event restart = rec.events.at(rec.states().indexOf(TunnelState::Restarting));
        QVERIFY2(restart.reason.contains(QLatin1String("no public URL within 0.6 s")), qPrintable(restart.reason));
        QTRY_VERIFY_WITH_TIMEOUT(!processAlive(hungPid), 3000);
    }

    void offlineErrorUrlIsNotMistakenForTunnel()
    {
        FakeDir dir;
        dir.write(QStringLiteral("mode.1"), "offline");
        TunnelSupervisor sup(fast(TunnelConfig::forCloudflared(8080, fakePath("fake-cloudflared.sh"))));
        QSignalSpy urls(&sup, &TunnelSupervisor::publicUrlChanged);
        sup.start();
        QVERIFY(urls.wait(5000));
        // run 1 printed https://api.trycloudflare.com in its error and died; run 2 is the real one.
        QCOMPARE(urls.size(), 1);
        QCOMPARE(urls.first().first().toString(),
                 QStringLiteral("https://seasonal-deck-organisms-2.trycloudflare.com"));
    }

    void healthChecksReportAndRestart()
    {
        FakeDir dir;
        LocalServer server;
        QVERIFY(server.port() != 0);
        // Test variant: the stand-in announces the local server as its public URL.
        dir.write(QStringLiteral("url"), server.url().toUtf8());
        TunnelConfig c = fast(TunnelConfig::forCloudflared(8080, fakePath("fake-cloudflared.sh")));
        // Only the boxed URL: the "Settings: map[... url:http://127.0.0.1:8080]" line is the origin.
        c.urlPattern = QRegularExpression(QStringLiteral("\\|\\s+(http://127\\.0\\.0\\.1:\\d+)\\s+\\|"));
        c.healthIntervalMs = 150;
        c.healthFirstDelayMs = 0;
        c.healthTimeoutMs = 2000;
        c.unhealthyRestartAfter = 3;
        TunnelSupervisor sup(c);
        Recorder rec(sup);
        QSignalSpy health(&sup, &TunnelSupervisor::healthChecked);
        sup.start();
        QVERIFY(health.wait(5000));
        QCOMPARE(health.first().at(0).toBool(), true);
        QCOMPARE(sup.publicUrl(), server.url());
        QCOMPARE(sup.state(), TunnelState::Up);
        QVERIFY(server.healthHits >= 1);

        server.healthy = false;
        QTRY_VERIFY_WITH_TIMEOUT(sup.state() == TunnelState::Unhealthy, 3000);
        QVERIFY2(sup.status().reason.contains(QLatin1String("HTTP 500")), qPrintable(sup.status().reason));
        QTRY_VERIFY_WITH_TIMEOUT(rec.count(TunnelState::Restarting) == 1, 5000);
        const Event restart = rec.events.at(rec.states().indexOf(TunnelState::Restarting));
        QVERIFY2(restart.reason.startsWith(QLatin1String("unhealthy: GET /health: HTTP 500")),
                 qPrintable(restart.reason));

        server.healthy = true;
        QTRY_VERIFY_WITH_TIMEOUT(dir.runs() == 2 && sup.state() == TunnelState::Up, 5000);
        health.clear();
        QVERIFY(health.wait(3000));
        QCOMPARE(health.last().at(0).toBool(), true);
        QCOMPARE(sup.state(), TunnelState::Up);
    }

    void fixedUrlNeedsNoProcess()
    {
        LocalServer server;
        TunnelConfig c = fast(TunnelConfig::forFixedUrl(server.url() + QLatin1Char('/')));
        c.healthIntervalMs = 100;
        c.healthFirstDelayMs = 0;
        c.unhealthyRestartAfter = 1;
        TunnelSupervisor sup(c);
        Recorder rec(sup);
        QSignalSpy urls(&sup, &TunnelSupervisor::publicUrlChanged);
        sup.start();
        QCOMPARE(urls.size(), 1);
        QCOMPARE(urls.first().first().toString(), server.url());
        QCOMPARE(sup.state(), TunnelState::Up);
        QCOMPARE(sup.processId(), 0);
        server.healthy = false;
        QTRY_VERIFY_WITH_TIMEOUT(sup.state() == TunnelState::Unhealthy, 3000);
        const int hits = server.healthHits;
        QTRY_VERIFY_WITH_TIMEOUT(server.healthHits >= hits + 2, 3000);
        QCOMPARE(rec.count(TunnelState::Restarting), 0); // a typed-in URL is reported, never restarted
        server.healthy = true;
        QTRY_VERIFY_WITH_TIMEOUT(sup.state() == TunnelState::Up, 3000);
        QCOMPARE(sup.status().reason, QStringLiteral("health check ok again"));

        TunnelSupervisor bad(TunnelConfig::forFixedUrl(QStringLiteral("not a url")));
        bad.start();
        QCOMPARE(bad.state(), TunnelState::Stopped);
        QVERIFY(bad.publicUrl().isEmpty());
    }

    void missingProgramStops()
    {
        TunnelSupervisor sup(fast(TunnelConfig::forCloudflared(8080, QStringLiteral("/nonexistent/cloudflared"))));
        Recorder rec(sup);
        sup.start();
        QCOMPARE(sup.state(), TunnelState::Stopped);
        QVERIFY(rec.events.last().reason.contains(QLatin1String("not found")));
        QCOMPARE(rec.count(TunnelState::Restarting), 0);
    }

    void commandKindWithRegexAndNoRestartAfterStop()
    {
        FakeDir dir;
        qputenv("TWILIO_API_SECRET", "another-secret");
        const auto c = parseTunnelSpec(
            QStringLiteral("command:sh -c 'env > \"$FAKE_TUNNEL_DIR/cmd-env\"; echo forwarding {port} \"at "
                           "<https://my-box.example.org>\"; exec sleep 30'"),
            6123,
            QRegularExpression(QStringLiteral("forwarding \\d+ at <(https://[^>]+)>")));
        QVERIFY(c.ok());
        TunnelSupervisor sup(fast(c.value()));
        QSignalSpy urls(&sup, &TunnelSupervisor::publicUrlChanged);
        QSignalSpy states(&sup, &TunnelSupervisor::stateChanged);
        sup.start();
        qunsetenv("TWILIO_API_SECRET");
        QVERIFY(urls.wait(5000));
        QCOMPARE(urls.first().first().toString(), QStringLiteral("https://my-box.example.org"));
        QVERIFY(!dir.read(QStringLiteral("cmd-env")).contains("another-secret"));
        const qint64 pid = sup.processId();
        sup.stop();
        states.clear();
        QTRY_VERIFY_WITH_TIMEOUT(!processAlive(pid), 3000);
        QVERIFY(!states.wait(400)); // stopped means stopped: no restart after the kill
        QCOMPARE(sup.state(), TunnelState::Stopped);
    }
};

QTEST_GUILESS_MAIN(TestTunnelSupervisor)
#include "TestTunnelSupervisor.moc"
