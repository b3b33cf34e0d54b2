// SPDX-License-Identifier: GPL-3.0-or-later
// The Twilio simulator end to end: every built-in flow round-tripped against the real
// `switchboard --headless` (signed webhooks, Media Streams, callbacks, then `calls show` to see
// what the app stored); the `switchboard simulate` command line; and a webhook server built on
// Twilio's official helper library (tests/oracle/validator-server.js) whose validator must accept
// our signatures, HTTP and WebSocket, and refuse tampered ones, plus Twilio's error codes for
// misbehaving servers and load mode.
#include "HeadlessApp.h"
#include "sim/CallDriver.h"
#include "sim/LoadRunner.h"
#include "twilio/Signature.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSet>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>
#include <algorithm>
#include <tuple>

using namespace sb;
using namespace sb::test;

namespace {

const QByteArray kNodeToken = QByteArrayLiteral("node-validator-token-9876543210abcdef");

/// tests/oracle/validator-server.js, fed its token on stdin.
class NodeServer
{
public:
    ~NodeServer()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(5000);
        }
    }
    bool start()
    {
        m_process.setWorkingDirectory(QStringLiteral(SB_ORACLE_DIR));
        m_process.start(QStringLiteral(SB_NODE_EXECUTABLE), {QStringLiteral("validator-server.js")});
        if (!m_process.waitForStarted(10000))
            return false;
        m_process.write(kNodeToken + '\n');
        std::ignore = QTest::qWaitFor(
            [&] {
                pump();
                return m_port != 0 || m_process.state() == QProcess::NotRunning;
            },
            60000);
        return m_port != 0;
    }
    QString url(const QString& path) const { return QStringLiteral("http://127.0.0.1:%1%2").arg(m_port).arg(path); }
    /// JSON lines logged so far.
    QList<QJsonObject> lines()
    {
        pump();
        return m_lines;
    }
    /// Forgets the lines logged so far, including those of every request answered before.
    [[nodiscard]] bool clear()
    {
        if (!sync())
            return false;
        m_lines.clear();
        return true;
    }
    /// Returns once every line of the requests answered so far has been read: the server logs a
    /// request before answering it, so once the line of a later marker request is in, so are they.
    [[nodiscard]] bool sync()
    {
        const QString marker = QString::number(++m_syncCount);
        QNetworkAccessManager manager;
        QNetworkReply* reply = manager.get(QNetworkRequest(QUrl(url(QStringLiteral("/sync/") + marker))));
        QSignalSpy done(reply, &QNetworkReply::finished);
        const bool answered = reply->isFinished() || done.wait(30000);
        reply->deleteLater();
        return answered && QTest::qWaitFor(
                               [&] {
                                   pump();
                                   return m_syncSeen.contains(marker);
                               },
                               30000);
    }
    QString errors() { return QString::fromUtf8(m_process.readAllStandardError()); }
    /// Waits until a line satisfies `match`.
    bool waitFor(const std::function<bool(const QJsonObject&)>& match, int ms = 30000)
    {
        return QTest::qWaitFor(
            [&] {
                const QList<QJsonObject> sofar = lines();
                return std::any_of(sofar.begin(), sofar.end(), match);
            },
            ms);
    }

private:
    void pump()
    {
        m_buffer += m_process.readAllStandardOutput();
        qsizetype nl;
        while ((nl = m_buffer.indexOf('\n')) >= 0) {
            const QByteArray line = m_buffer.left(nl);
            m_buffer.remove(0, nl + 1);
            if (line.startsWith("listening ")) {
                m_port = quint16(line.mid(10).toUInt());
                continue;
            }
            const QJsonObject o = QJsonDocument::fromJson(line).object();
            if (o.contains(QLatin1String("sync")))
                m_syncSeen.insert(o.value(QLatin1String("sync")).toString());
            else
                m_lines << o;
        }
    }
    QProcess m_process;
    QByteArray m_buffer;
    quint16 m_port = 0;
    QList<QJsonObject> m_lines;
    int m_syncCount = 0;
    QSet<QString> m_syncSeen;
};

QStringList callbackEvents(const sim::CallReport& report, const QString& kind)
{
    QStringList events;
    for (const sim::TimelineEntry& e : report.entries(QStringLiteral("callback"))) {
        if (e.data.value(QLatin1String("callback")).toString() == kind)
            events << e.data.value(QLatin1String("event")).toString();
    }
    return events;
}

QString issuesText(const sim::CallReport& r)
{
    return r.toText();
}

} // namespace

class TestSimulate : public QObject
{
    Q_OBJECT

    QByteArray m_speech;
    NodeServer m_node;

    sim::CallConfig baseConfig() const
    {
        sim::CallConfig c;
        c.caller.audio = m_speech;
        c.caller.speech = QStringLiteral("I would like an appointment next Tuesday");
        c.messagesPerSecond = 380; // the listener allows 400/s
        c.lingerMs = 1000;
        c.apiBase = QStringLiteral("http://127.0.0.1:1/api");
        return c;
    }

private slots:
    void initTestCase()
    {
        QString error;
        m_speech = speechMuLaw(QStringLiteral("I would like an appointment next Tuesday."), &error);
        QVERIFY2(!m_speech.isEmpty(), qPrintable(error));
        QVERIFY2(m_node.start(),
                 qPrintable(QStringLiteral("node validator server did not start (npm ci --prefix "
                                           "tests/oracle): ") +
                            m_node.errors()));
    }

    void flowsRoundTripAgainstOurListener_data()
    {
        QTest::addColumn<QString>("flow");
        QTest::newRow("appointment (realtime)") << QStringLiteral("appointment");
        QTest::newRow("chunked") << QStringLiteral("chunked");
        QTest::newRow("hybrid") << QStringLiteral("hybrid");
        QTest::newRow("assistant") << QStringLiteral("assistant");
    }
    void flowsRoundTripAgainstOurListener()
    {
        QFETCH(QString, flow);
        QTemporaryDir dir;
        HeadlessApp app(dir.path(), {QStringLiteral("--flow"), flow});
        QVERIFY2(app.start(), qPrintable(app.output()));

        sim::CallConfig config = baseConfig();
        config.url = app.baseUrl() + QStringLiteral("/voice");
        config.authToken = kAuthToken;
        config.statusCallback = app.baseUrl() + QStringLiteral("/status");
        config.statusEvents = {QStringLiteral("initiated"),
                               QStringLiteral("ringing"),
                               QStringLiteral("answered"),
                               QStringLiteral("completed")};
        const sim::CallReport report = sim::CallDriver::run(config, 60000);
        QVERIFY2(report.ok(), qPrintable(issuesText(report)));
        QCOMPARE(report.finalStatus, QStringLiteral("completed"));
        for (int code : report.issueCodes())
            QVERIFY2(code == 31922, qPrintable(issuesText(report))); // only "ws:// instead of wss://"
        // Call status callbacks in Twilio's order, every one accepted.
        QCOMPARE(callbackEvents(report, QStringLiteral("status")),
                 (QStringList{QStringLiteral("initiated"),
                              QStringLiteral("ringing"),
                              QStringLiteral("in-progress"),
                              QStringLiteral("completed")}));
        for (const sim::TimelineEntry& e : report.entries(QStringLiteral("callback")))
            QVERIFY2(e.data.value(QLatin1String("status")).toInt() / 100 == 2, qPrintable(e.summary));

        QVERIFY(app.waitForLine(report.callSid + QStringLiteral(" status.completed")));
        const QJsonObject call = showCallJson(dir.path(), report.callSid);
        QCOMPARE(call.value(QLatin1String("state")).toString(), QStringLiteral("completed"));
        QCOMPARE(call.value(QLatin1String("flow")).toString(), flow);
        const QStringList kinds = eventKinds(call);
        QVERIFY2(kinds.contains(QStringLiteral("webhook.voice")), qPrintable(kinds.join(QLatin1Char(' '))));

        if (flow != QLatin1String("chunked")) {
            QCOMPARE(report.streams.size(), 1);
            const sim::StreamReport& s = report.streams.first();
            QCOMPARE(s.errorCode, 0);
            QVERIFY(s.inboundFrames > 50);
            QCOMPARE(s.bidirectional, flow == QLatin1String("assistant"));
            QCOMPARE(s.closedBy, QStringLiteral("simulator"));
            QVERIFY2(kinds.contains(QStringLiteral("stream.start")), qPrintable(kinds.join(QLatin1Char(' '))));
            QVERIFY(kinds.contains(QStringLiteral("stream.stop")));
            const QJsonArray streams = call.value(QLatin1String("streams")).toArray();
            QCOMPARE(streams.size(), 1);
            QCOMPARE(streams.at(0).toObject().value(QLatin1String("stream_sid")).toString(), s.streamSid);
            qint64 frames = 0;
            for (const QJsonValue& t : streams.at(0).toObject().value(QLatin1String("track_stats")).toArray())
                frames += t.toObject().value(QLatin1String("frames")).toInteger();
            QVERIFY2(frames > 0, qPrintable(QString::fromUtf8(QJsonDocument(streams).toJson())));
            QCOMPARE(callbackEvents(report, QStringLiteral("stream-status")),
                     (QStringList{QStringLiteral("stream-started"), QStringLiteral("stream-stopped")}));
        }
        if (flow == QLatin1String("appointment")) {
            QCOMPARE(report.streams.first().outboundFrames, report.streams.first().inboundFrames); // both_tracks
            QCOMPARE(callbackEvents(report, QStringLiteral("transcription")),
                     (QStringList{QStringLiteral("transcription-started"),
                                  QStringLiteral("transcription-content"),
                                  QStringLiteral("transcription-stopped")}));
            QVERIFY(kinds.contains(QStringLiteral("transcription.transcription-content")));
        }
        if (flow == QLatin1String("chunked") || flow == QLatin1String("hybrid")) {
            QVERIFY2(!report.recordings.isEmpty(), qPrintable(issuesText(report)));
            QCOMPARE(report.recordings.first().mulaw, m_speech); // the whole clip, recorded
            QVERIFY(report.recordingWavs().value(report.recordings.first().recordingSid).startsWith("RIFF"));
            QVERIFY(report.documents >= 2);
            QVERIFY(call.value(QLatin1String("chunks")).toInt() >= 1);
            QVERIFY(callbackEvents(report, QStringLiteral("recording")).contains(QStringLiteral("completed")));
            QVERIFY(kinds.contains(QStringLiteral("recording.completed")));
        }
        if (flow == QLatin1String("assistant"))
            QCOMPARE(report.spoken.first(), QStringLiteral("Connecting you now."));
        QCOMPARE(app.terminate(), 0);
    }

    void commandLine()
    {
        const CommandResult help = runSwitchboard({QStringLiteral("simulate"), QStringLiteral("--help")});
        QCOMPARE(help.exitCode, 0);
        for (const char* option : {"--url",
                                   "--auth-token-stdin",
                                   "--no-signature",
                                   "--audio",
                                   "--digits",
                                   "--speech",
                                   "--realtime",
                                   "--calls",
                                   "--stagger-ms",
                                   "--json",
                                   "--api-base",
                                   "--status-events"})
            QVERIFY2(help.out.contains(option), option);
        const CommandResult noUrl = runSwitchboard({QStringLiteral("simulate"), QStringLiteral("--no-signature")});
        QCOMPARE(noUrl.exitCode, 2);
        QVERIFY(noUrl.err.contains("--url is required"));
        const CommandResult noToken =
            runSwitchboard({QStringLiteral("simulate"), QStringLiteral("--url"), m_node.url(QStringLiteral("/voice"))});
        QCOMPARE(noToken.exitCode, 2);
        const CommandResult badNumber = runSwitchboard({QStringLiteral("simulate"),
                                                        QStringLiteral("--no-signature"),
                                                        QStringLiteral("--url"),
                                                        m_node.url(QStringLiteral("/voice")),
                                                        QStringLiteral("--calls"),
                                                        QStringLiteral("zero")});
        QCOMPARE(badNumber.exitCode, 2);

        // A real run: token on stdin, JSON report on stdout, exit 0.
        QProcess p;
        const QString sid = QStringLiteral("CA0000000000000000000000000000abcd");
        p.start(QStringLiteral(SB_SWITCHBOARD_EXECUTABLE),
                {QStringLiteral("simulate"),
                 QStringLiteral("--url"),
                 m_node.url(QStringLiteral("/connected")),
                 QStringLiteral("--auth-token-stdin"),
                 QStringLiteral("--json"),
                 QStringLiteral("--no-tts"),
                 QStringLiteral("--call-sid"),
                 sid});
        QVERIFY(p.waitForStarted());
        p.write(kNodeToken + '\n');
        p.closeWriteChannel();
        QVERIFY(p.waitForFinished(30000));
        QCOMPARE(p.exitCode(), 0);
        const QJsonObject o = QJsonDocument::fromJson(p.readAllStandardOutput()).object();
        QCOMPARE(o.value(QLatin1String("call_sid")).toString(), sid);
        QCOMPARE(o.value(QLatin1String("ok")).toBool(), true);
        QCOMPARE(o.value(QLatin1String("spoken")).toArray().at(0).toString(), QStringLiteral("Goodbye"));

        // The wrong token: the official validator refuses it, the call fails with 11200, exit 1.
        QProcess bad;
        bad.start(QStringLiteral(SB_SWITCHBOARD_EXECUTABLE),
                  {QStringLiteral("simulate"),
                   QStringLiteral("--url"),
                   m_node.url(QStringLiteral("/connected")),
                   QStringLiteral("--auth-token-stdin"),
                   QStringLiteral("--no-tts")});
        QVERIFY(bad.waitForStarted());
        bad.write("not-the-token\n");
        bad.closeWriteChannel();
        QVERIFY(bad.waitForFinished(30000));
        QCOMPARE(bad.exitCode(), 1);
        QVERIFY(bad.readAllStandardOutput().contains("error 11200"));
    }

    void officialValidatorAcceptsEverySignature()
    {
        QVERIFY(m_node.clear());
        sim::CallConfig config = baseConfig();
        config.url = m_node.url(QStringLiteral("/voice"));
        config.authToken = kNodeToken;
        config.statusCallback = m_node.url(QStringLiteral("/status"));
        config.statusEvents = {QStringLiteral("ringing"), QStringLiteral("answered"), QStringLiteral("completed")};
        config.caller.digits = QStringLiteral("123");
        config.synthesizeSpeech = false;
        config.lingerMs = 5000;
        const sim::CallReport report = sim::CallDriver::run(config, 60000);
        QVERIFY2(report.ok(), qPrintable(issuesText(report)));
        QVERIFY(m_node.waitFor([](const QJsonObject& o) {
            return o.value(QLatin1String("path")) == QLatin1String("/uni") && o.contains(QLatin1String("stream"));
        }));

        QSet<QString> paths;
        QJsonObject uni;
        QJsonObject bidi;
        for (const QJsonObject& o : m_node.lines()) {
            const QString path = o.value(QLatin1String("path")).toString();
            if (o.contains(QLatin1String("stream"))) {
                (path == QLatin1String("/uni") ? uni : bidi) = o;
                continue;
            }
            const QString callSid =
                o.value(QLatin1String("params")).toObject().value(QLatin1String("CallSid")).toString();
            if (!callSid.isEmpty() && callSid != report.callSid)
                continue; // another test's request
            QVERIFY2(o.value(QLatin1String("valid")).toBool(),
                     qPrintable(QString::fromUtf8(QJsonDocument(o).toJson())));
            paths.insert(path + (o.value(QLatin1String("upgrade")).toBool() ? QStringLiteral("#ws") : QString()));
            const QJsonObject params = o.value(QLatin1String("params")).toObject();
            if (path == QLatin1String("/gather"))
                QCOMPARE(params.value(QLatin1String("Digits")).toString(), QStringLiteral("123"));
            if (path == QLatin1String("/record")) {
                QVERIFY(params.value(QLatin1String("RecordingUrl"))
                            .toString()
                            .startsWith(QLatin1String("http://127.0.0.1:1/api/2010-04-01/Accounts/")));
                QCOMPARE(params.value(QLatin1String("CallStatus")).toString(), QStringLiteral("in-progress"));
            }
            if (path == QLatin1String("/voice")) {
                QCOMPARE(params.value(QLatin1String("CallStatus")).toString(), QStringLiteral("ringing"));
                QCOMPARE(params.value(QLatin1String("Direction")).toString(), QStringLiteral("inbound"));
                QCOMPARE(params.value(QLatin1String("Caller")).toString(),
                         params.value(QLatin1String("From")).toString());
                QCOMPARE(params.value(QLatin1String("ApiVersion")).toString(), QStringLiteral("2010-04-01"));
            }
            if (path == QLatin1String("/uni") || path == QLatin1String("/bidi"))
                QCOMPARE(o.value(QLatin1String("userAgent")).toString(), QStringLiteral("Twilio.TmeWs/1.0"));
        }
        for (const char* expected : {"/voice",
                                     "/gather",
                                     "/record",
                                     "/connected",
                                     "/status",
                                     "/recording-status",
                                     "/stream-status",
                                     "/uni#ws",
                                     "/bidi#ws"})
            QVERIFY2(paths.contains(QString::fromLatin1(expected)), expected);

        // Unidirectional, both tracks: Twilio's message order and counters.
        QCOMPARE(uni.value(QLatin1String("events")).toArray().first().toString(), QStringLiteral("connected"));
        QCOMPARE(uni.value(QLatin1String("events")).toArray().at(1).toString(), QStringLiteral("start"));
        QCOMPARE(uni.value(QLatin1String("events")).toArray().last().toString(), QStringLiteral("stop"));
        QCOMPARE(uni.value(QLatin1String("tracks")).toArray(),
                 (QJsonArray{QStringLiteral("inbound"), QStringLiteral("outbound")}));
        QCOMPARE(uni.value(QLatin1String("customParameters")).toObject(),
                 (QJsonObject{{QStringLiteral("k"), QStringLiteral("v")}}));
        QCOMPARE(uni.value(QLatin1String("mediaFormat")).toObject().value(QLatin1String("sampleRate")).toInt(), 8000);
        QVERIFY(uni.value(QLatin1String("sequenceOk")).toBool());
        QVERIFY(uni.value(QLatin1String("chunksOk")).toBool());
        QVERIFY(uni.value(QLatin1String("media")).toObject().value(QLatin1String("inbound")).toInt() > 100);

        // Bidirectional: the mark is echoed after its audio played; clear echoes the pending one.
        QCOMPARE(bidi.value(QLatin1String("marks")).toArray(),
                 (QJsonArray{QStringLiteral("played"), QStringLiteral("cleared")}));
        QVERIFY(bidi.value(QLatin1String("sequenceOk")).toBool());
        QVERIFY(!bidi.value(QLatin1String("events")).toArray().contains(QStringLiteral("stop"))); // the app closed it
        QCOMPARE(report.streams.size(), 2);
        const sim::StreamReport& b = report.streams.at(1);
        QVERIFY(b.bidirectional);
        QCOMPARE(b.receivedAudio.size(), 16000);
        QCOMPARE(b.marksEchoed, 2);
        QCOMPARE(b.clears, 1);
        QCOMPARE(b.closedBy, QStringLiteral("app"));
        QCOMPARE(report.spoken.last(), QStringLiteral("Goodbye"));
        QCOMPARE(report.recordings.size(), 1);
        QVERIFY(callbackEvents(report, QStringLiteral("recording")).contains(QStringLiteral("completed")));
    }

    void officialValidatorRefusesTamperedSignatures()
    {
        // The simulator with another token: 403 from the validator, 11200 in the report.
        QVERIFY(m_node.clear());
        sim::CallConfig config = baseConfig();
        config.url = m_node.url(QStringLiteral("/voice"));
        config.authToken = QByteArrayLiteral("some-other-token");
        const sim::CallReport report = sim::CallDriver::run(config, 30000);
        QVERIFY(!report.ok());
        QVERIFY(report.hasIssue(11200));
        QVERIFY(m_node.waitFor([](const QJsonObject& o) {
            return o.value(QLatin1String("path")) == QLatin1String("/voice") &&
                   !o.value(QLatin1String("valid")).toBool();
        }));

        // A request signed with the right token, then one parameter changed in transit.
        twilio::FormParams params =
            callParams(QStringLiteral("CA0123456789abcdef0123456789abcdef"), QStringLiteral("completed"));
        const QString url = m_node.url(QStringLiteral("/status"));
        const QByteArray signature = twilio::signature::compute(kNodeToken, url, params);
        QCOMPARE(post(url, params, signature), 204);
        params[0].second += QLatin1Char('x');
        QCOMPARE(post(url, params, signature), 403);
        QCOMPARE(post(url, params, QByteArray()), 400);
    }

    void twilioErrorCodes_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<int>("code");
        QTest::newRow("bad content type") << QStringLiteral("/bad-type") << 12300;
        QTest::newRow("404") << QStringLiteral("/not-found") << 11200;
        QTest::newRow("malformed TwiML") << QStringLiteral("/malformed") << 12100;
        QTest::newRow("redirect loop") << QStringLiteral("/loop") << 11215;
        QTest::newRow("timeout") << QStringLiteral("/slow") << 11205;
        QTest::newRow("over 64 kB") << QStringLiteral("/big") << 11750;
        QTest::newRow("unreachable") << QString() << 11205;
    }
    void twilioErrorCodes()
    {
        QFETCH(QString, path);
        QFETCH(int, code);
        sim::CallConfig config = baseConfig();
        if (path.isEmpty()) {
            const quint16 closed = closedLoopbackPort();
            QVERIFY(closed != 0);
            config.url = QStringLiteral("http://127.0.0.1:%1/voice").arg(closed);
        } else {
            config.url = m_node.url(path);
        }
        config.timeoutMs = 800;
        const sim::CallReport report = sim::CallDriver::run(config, 30000);
        QVERIFY2(!report.ok(), qPrintable(issuesText(report)));
        QVERIFY2(report.issueCodes().first() == code, qPrintable(issuesText(report)));
        QVERIFY(report.issues.first().fatal);
        QCOMPARE(report.toJson()
                     .value(QLatin1String("issues"))
                     .toArray()
                     .at(0)
                     .toObject()
                     .value(QLatin1String("code"))
                     .toInt(),
                 code);
    }

    void fallbackUrlGetsErrorCodeAndUrl()
    {
        QVERIFY(m_node.clear());
        sim::CallConfig config = baseConfig();
        config.url = m_node.url(QStringLiteral("/not-found"));
        config.fallbackUrl = m_node.url(QStringLiteral("/connected"));
        config.authToken = kNodeToken;
        config.synthesizeSpeech = false;
        const sim::CallReport report = sim::CallDriver::run(config, 30000);
        QVERIFY2(report.ok(), qPrintable(issuesText(report))); // the fallback saved the call
        QVERIFY(report.hasIssue(11200));
        QVERIFY(m_node.waitFor([&](const QJsonObject& o) {
            const QJsonObject p = o.value(QLatin1String("params")).toObject();
            return o.value(QLatin1String("path")) == QLatin1String("/connected") &&
                   o.value(QLatin1String("valid")).toBool() &&
                   p.value(QLatin1String("ErrorCode")) == QLatin1String("11200") &&
                   p.value(QLatin1String("ErrorUrl")).toString() == config.url;
        }));
    }

    void realtimePacingTakesCallTimeAndFastModeDoesNot()
    {
        sim::CallConfig config = baseConfig();
        config.url = m_node.url(QStringLiteral("/pause"));
        config.authToken = kNodeToken;
        config.synthesizeSpeech = false;
        QElapsedTimer timer;
        timer.start();
        const sim::CallReport fast = sim::CallDriver::run(config, 30000);
        const qint64 fastMs = timer.elapsed();
        QVERIFY2(fast.ok(), qPrintable(issuesText(fast)));
        config.realtime = true;
        timer.restart();
        const sim::CallReport slow = sim::CallDriver::run(config, 30000);
        const qint64 slowMs = timer.elapsed();
        QVERIFY2(slow.ok(), qPrintable(issuesText(slow)));
        // <Pause length="2"/> is two seconds of call time: slept in real time, simulated otherwise.
        QVERIFY2(slowMs >= 1900, qPrintable(QString::number(slowMs)));
        QVERIFY2(fastMs < slowMs, qPrintable(QStringLiteral("%1 vs %2").arg(fastMs).arg(slowMs)));
    }

    void connectionOverridesDecideRetries()
    {
        // Default (rc=1, rp=ct): a 500 is not retried.
        QVERIFY(m_node.clear());
        sim::CallConfig config = baseConfig();
        config.url = m_node.url(QStringLiteral("/flaky"));
        config.authToken = kNodeToken;
        config.synthesizeSpeech = false;
        sim::CallReport report = sim::CallDriver::run(config, 30000);
        QVERIFY(!report.ok());
        QVERIFY(report.hasIssue(11200));
        QVERIFY(m_node.sync());
        int attempts = 0;
        for (const QJsonObject& o : m_node.lines())
            attempts += o.value(QLatin1String("path")) == QLatin1String("/flaky") ? 1 : 0;
        QCOMPARE(attempts, 1);

        // #rp=5xx&rc=2: retried; the fragment is not signed, and both attempts are one delivery.
        QVERIFY(m_node.clear());
        config.callSid.clear();
        config.url = m_node.url(QStringLiteral("/flaky")) + QStringLiteral("#rp=5xx&rc=2");
        report = sim::CallDriver::run(config, 30000);
        QVERIFY2(report.ok(), qPrintable(issuesText(report)));
        QVERIFY(m_node.sync());
        QList<QJsonObject> flaky;
        for (const QJsonObject& o : m_node.lines()) {
            if (o.value(QLatin1String("path")) == QLatin1String("/flaky"))
                flaky << o;
        }
        QCOMPARE(flaky.size(), 2);
        QVERIFY(flaky[0].value(QLatin1String("valid")).toBool());
        QVERIFY(flaky[1].value(QLatin1String("valid")).toBool());
        QCOMPARE(flaky[0].value(QLatin1String("idempotencyToken")), flaky[1].value(QLatin1String("idempotencyToken")));
        QCOMPARE(report.entries(QStringLiteral("http.retry")).size(), 1);
    }

    void connectionOverridesParse()
    {
        const auto none = sim::parseConnectionOverrides(QStringLiteral("https://x/voice"));
        QCOMPARE(none.retries, 1);
        QCOMPARE(none.retryPolicy, QStringList{QStringLiteral("ct")});
        QCOMPARE(none.totalTimeoutMs, 15000);
        const auto o = sim::parseConnectionOverrides(
            QStringLiteral("https://x/voice#ct=200&rt=20000&tt=50&rc=9&rp=4xx,rt&e=dublin"));
        QCOMPARE(o.connectTimeoutMs, 200);
        QCOMPARE(o.readTimeoutMs, 15000); // clamped
        QCOMPARE(o.totalTimeoutMs, 100);  // clamped
        QCOMPARE(o.retries, 5);           // clamped
        QVERIFY(o.retriesOn(QStringLiteral("4xx")) && o.retriesOn(QStringLiteral("rt")));
        QVERIFY(!o.retriesOn(QStringLiteral("ct")) && !o.retriesOn(QStringLiteral("5xx")));
        QVERIFY(sim::parseConnectionOverrides(QStringLiteral("https://x/v#rp=all")).retriesOn(QStringLiteral("5xx")));
    }

    void loadMode()
    {
        sim::CallConfig config = baseConfig();
        config.url = m_node.url(QStringLiteral("/connected"));
        config.authToken = kNodeToken;
        config.synthesizeSpeech = false;
        const sim::LoadReport load = sim::LoadRunner::run(config, 8, 10, 60000);
        QCOMPARE(load.calls, 8);
        QCOMPARE(load.succeeded, 8);
        QCOMPARE(load.failed, 0);
        QSet<QString> sids;
        for (const sim::CallReport& r : load.reports)
            sids.insert(r.callSid);
        QCOMPARE(sids.size(), 8);
        QCOMPARE(load.toJson(false)
                     .value(QLatin1String("webhook_latency_ms"))
                     .toObject()
                     .value(QLatin1String("count"))
                     .toInt(),
                 8);
    }

private:
    static int post(const QString& url, const twilio::FormParams& params, const QByteArray& signature)
    {
        QNetworkAccessManager manager;
        QNetworkRequest request{QUrl(url)};
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/x-www-form-urlencoded"));
        if (!signature.isEmpty())
            request.setRawHeader("X-Twilio-Signature", signature);
        QNetworkReply* reply = manager.post(request, twilio::encodeFormBody(params));
        QSignalSpy done(reply, &QNetworkReply::finished);
        if (!done.wait(10000))
            return -1;
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        reply->deleteLater();
        return status;
    }
};

QTEST_GUILESS_MAIN(TestSimulate)
#include "TestSimulate.moc"
