// SPDX-License-Identifier: GPL-3.0-or-later
// The real executable, headless on a free loopback port, driven over real HTTP and WebSocket
// the way Twilio drives it: signed and tampered webhooks, a stream of real speech checked
// sample for sample in the stored WAV, floods and malformed input, and a kill -9 mid-call
// followed by a restart that recovers the call and its audio.
#include "HeadlessApp.h"
#include "audio/MuLaw.h"
#include "audio/WavFile.h"
#include "restapi/RestApiServer.h"
#include "restapi/RestApiStore.h"
#include "twilio/MediaMessages.h"
#include "twilio/Signature.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QWebSocket>
#include <QtTest>
#include <tuple>

using namespace sb;
using namespace sb::test;

namespace {

const QString kStreamSid = QStringLiteral("MZ00112233445566778899aabbccddeeff");
const QString kAccount = QStringLiteral("AC0123456789abcdef0123456789abcdef");

QString callSid(int n)
{
    return QStringLiteral("CA%1").arg(n, 32, 16, QLatin1Char('0'));
}

/// Twilio's side of one Media Stream.
class StreamClient
{
public:
    bool open(const QString& url, const QString& signedUrl, const QByteArray& token)
    {
        QNetworkRequest request{QUrl(url)};
        request.setRawHeader("X-Twilio-Signature", twilio::signature::compute(token, signedUrl));
        request.setRawHeader("User-Agent", "Twilio.TmeWs/1.0");
        QSignalSpy connected(&m_socket, &QWebSocket::connected);
        m_socket.open(request);
        return connected.wait(10000);
    }
    void send(const QByteArray& json) { m_socket.sendTextMessage(QString::fromUtf8(json)); }
    void start(const QString& call, const QString& streamSid, const QString& token, bool bothTracks)
    {
        send(twilio::toJson(twilio::ConnectedMessage{}));
        twilio::StartMessage start;
        start.streamSid = streamSid;
        start.accountSid = kAccount;
        start.callSid = call;
        start.tracks = bothTracks ? QList<twilio::MediaTrack>{twilio::MediaTrack::Inbound, twilio::MediaTrack::Outbound}
                                  : QList<twilio::MediaTrack>{twilio::MediaTrack::Inbound};
        start.customParameters = {{QStringLiteral("callToken"), token},
                                  {QStringLiteral("flow"), QStringLiteral("appointment")}};
        send(twilio::toJson(start));
        m_sequence = 1;
        m_streamSid = streamSid;
    }
    /// Sends `audio` as 20 ms frames on `track`, paced so the stream's rate limit is respected.
    void media(const QByteArray& audio, twilio::MediaTrack track, qsizetype from = 0, qsizetype to = -1)
    {
        const qsizetype frames = (audio.size() + 159) / 160;
        if (to < 0)
            to = frames;
        for (qsizetype i = from; i < to; ++i) {
            twilio::MediaMessage m;
            m.sequenceNumber = ++m_sequence;
            m.streamSid = m_streamSid;
            m.track = track;
            m.chunk = i + 1;
            m.timestamp = 52 + i * 20;
            m.payload = audio.mid(i * 160, 160);
            send(twilio::toJson(m));
            // Pacing, not waiting for a condition: ~5x real time keeps under the stream's rate limit.
            if (i % 50 == 49)
                QTest::qWait(200);
        }
    }
    void dtmf(const QString& digit)
    {
        twilio::DtmfMessage m;
        m.sequenceNumber = ++m_sequence;
        m.streamSid = m_streamSid;
        m.digit = digit;
        send(twilio::toJson(m));
    }
    void stop(const QString& call)
    {
        twilio::StopMessage m;
        m.sequenceNumber = ++m_sequence;
        m.streamSid = m_streamSid;
        m.accountSid = kAccount;
        m.callSid = call;
        send(twilio::toJson(m));
    }
    bool waitClosed(int ms = 30000)
    {
        return QTest::qWaitFor([&] { return m_socket.state() == QAbstractSocket::UnconnectedState; }, ms);
    }
    QWebSocket& socket() { return m_socket; }

private:
    QWebSocket m_socket;
    qint64 m_sequence = 0;
    QString m_streamSid;
};

QJsonObject trackOf(const QJsonObject& call, const QString& track)
{
    for (const QJsonValue& s : call.value(QLatin1String("streams")).toArray()) {
        for (const QJsonValue& t : s.toObject().value(QLatin1String("track_stats")).toArray()) {
            if (t.toObject().value(QLatin1String("track")).toString() == track)
                return t.toObject();
        }
    }
    return {};
}

/// Writes raw bytes and returns everything the server answers before closing.
QByteArray rawRequest(quint16 port, const QByteArray& bytes, const QHostAddress& from = QHostAddress())
{
    QTcpSocket socket;
    if (!from.isNull())
        socket.bind(from);
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(5000))
        return {};
    socket.write(bytes);
    QByteArray answer;
    QElapsedTimer t;
    t.start();
    while (socket.state() == QAbstractSocket::ConnectedState && t.elapsed() < 5000) {
        socket.waitForReadyRead(100);
        answer += socket.readAll();
    }
    return answer + socket.readAll();
}

/// Writes one of the stand-in tunnel's control files (see fake-cloudflared.sh).
bool writeTunnelControl(const QTemporaryDir& dir, const QString& name, const QString& content)
{
    QFile file(dir.filePath(name));
    if (!file.open(QIODevice::WriteOnly))
        return false;
    return file.write(content.toUtf8()) == content.toUtf8().size();
}

QList<int16_t> decoded(const QByteArray& mulaw)
{
    return audio::mulaw::decode(QByteArrayView(mulaw));
}

} // namespace

class TestHeadless : public QObject
{
    Q_OBJECT

    QByteArray m_speech;
    QByteArray m_agent;

private slots:
    void initTestCase()
    {
        QString error;
        m_speech =
            speechMuLaw(QStringLiteral("I would like an appointment next Tuesday at ten in the morning."), &error);
        QVERIFY2(!m_speech.isEmpty(),
                 qPrintable(error + QStringLiteral(" (the test command installs espeak-ng and sox)")));
        m_agent = speechMuLaw(QStringLiteral("Thanks for calling. When would you like your appointment?"), &error);
        QVERIFY2(!m_agent.isEmpty(), qPrintable(error));
        // Whole frames only, so the expected WAV is exactly the decoded input.
        m_speech.truncate(m_speech.size() / 160 * 160);
        m_agent.truncate(m_agent.size() / 160 * 160);
        QVERIFY(m_speech.size() >= 160 * 100);
    }

    void aCallIsAnsweredStreamedStoredAndListed()
    {
        QTemporaryDir dir;
        HeadlessApp app(dir.path());
        QVERIFY2(app.start(), qPrintable(app.output()));
        const QString sid = callSid(1);

        const HttpResult voice = postSigned(
            app.baseUrl() + QStringLiteral("/voice"), callParams(sid, QStringLiteral("ringing")), kAuthToken);
        QCOMPARE(voice.status, 200);
        const QString token = twimlParameter(voice.body, QStringLiteral("callToken"));
        QCOMPARE(token.size(), 32);
        QCOMPARE(twimlStreamUrl(voice.body), app.streamUrl());

        StreamClient stream;
        QVERIFY(stream.open(app.streamUrl(), app.streamUrl(), kAuthToken));
        stream.start(sid, kStreamSid, token, true);
        stream.media(m_speech, twilio::MediaTrack::Inbound);
        stream.media(m_agent, twilio::MediaTrack::Outbound);
        stream.dtmf(QStringLiteral("5"));
        stream.stop(sid);
        QVERIFY(stream.waitClosed());

        twilio::FormParams completed = callParams(sid, QStringLiteral("completed"));
        completed.append({QStringLiteral("CallDuration"), QStringLiteral("12")});
        completed.append({QStringLiteral("SequenceNumber"), QStringLiteral("3")});
        QCOMPARE(postSigned(app.baseUrl() + QStringLiteral("/status"), completed, kAuthToken).status, 200);
        QVERIFY2(app.waitForLine(sid + QStringLiteral(" status.completed")), qPrintable(app.output()));
        QVERIFY(app.waitForLine(QStringLiteral(" dtmf ")));
        QCOMPARE(app.terminate(), 0);
        QVERIFY(app.output().contains(QLatin1String("stopped")));
        // Every write was committed: storage reports nothing failed.
        QStringList storageProblems;
        for (const QString& line : app.output().split(QLatin1Char('\n'))) {
            if (line.startsWith(QLatin1String("storage: ")) || line.contains(QLatin1String(" failed: ")))
                storageProblems << line;
        }
        QVERIFY2(storageProblems.isEmpty(), qPrintable(storageProblems.join(QLatin1Char('\n'))));

        // The stored WAVs hold the streamed speech sample for sample.
        const QJsonObject call = showCallJson(dir.path(), sid);
        QCOMPARE(call.value(QLatin1String("call_sid")).toString(), sid);
        QCOMPARE(call.value(QLatin1String("state")).toString(), QStringLiteral("completed"));
        QCOMPARE(call.value(QLatin1String("duration_seconds")).toInt(), 12);
        for (const auto& [track, audio] :
             {std::pair{QStringLiteral("inbound"), m_speech}, std::pair{QStringLiteral("outbound"), m_agent}}) {
            const QJsonObject stats = trackOf(call, track);
            QCOMPARE(stats.value(QLatin1String("frames")).toInt(), int(audio.size() / 160));
            QCOMPARE(stats.value(QLatin1String("gaps")).toInt(), 0);
            QCOMPARE(stats.value(QLatin1String("duplicates")).toInt(), 0);
            const auto wav = audio::readWav(stats.value(QLatin1String("wav_path")).toString());
            QVERIFY2(wav.ok(), qPrintable(wav.ok() ? QString() : wav.error().message));
            QVERIFY(wav->info.headerConsistent());
            QCOMPARE(wav->samples, decoded(audio));
        }

        // The list shows it, and the events are in order.
        const CommandResult list = runSwitchboard({QStringLiteral("calls"),
                                                   QStringLiteral("list"),
                                                   QStringLiteral("--json"),
                                                   QStringLiteral("--data-dir"),
                                                   dir.path()});
        QCOMPARE(list.exitCode, 0);
        const QJsonArray calls = QJsonDocument::fromJson(list.out).object().value(QLatin1String("calls")).toArray();
        QCOMPARE(calls.size(), 1);
        QStringList kinds;
        for (const QJsonValue& e : call.value(QLatin1String("events")).toArray())
            kinds << e.toObject().value(QLatin1String("kind")).toString();
        QCOMPARE(kinds.first(), QStringLiteral("webhook.voice"));
        QVERIFY(kinds.indexOf(QStringLiteral("stream.start")) < kinds.indexOf(QStringLiteral("dtmf")));
        QVERIFY(kinds.indexOf(QStringLiteral("dtmf")) < kinds.indexOf(QStringLiteral("stream.stop")));
        QCOMPARE(kinds.last(), QStringLiteral("status.completed"));
    }

    void tamperedAndUnsignedWebhooksNeverReachTheRegistry()
    {
        QTemporaryDir dir;
        HeadlessApp app(dir.path());
        QVERIFY2(app.start(), qPrintable(app.output()));
        QCOMPARE(postSigned(app.baseUrl() + QStringLiteral("/voice"),
                            callParams(callSid(2), QStringLiteral("ringing")),
                            "wrong-token")
                     .status,
                 403);
        QCOMPARE(postSigned(app.baseUrl() + QStringLiteral("/voice"),
                            callParams(callSid(3), QStringLiteral("ringing")),
                            QByteArray())
                     .status,
                 403);
        // Signed for another URL (the signature is bound to the public URL and path).
        QCOMPARE(postSigned(app.baseUrl() + QStringLiteral("/voice"),
                            callParams(callSid(4), QStringLiteral("ringing")),
                            kAuthToken,
                            app.baseUrl() + QStringLiteral("/status"))
                     .status,
                 403);
        // A valid one still works.
        QCOMPARE(postSigned(app.baseUrl() + QStringLiteral("/voice"),
                            callParams(callSid(5), QStringLiteral("ringing")),
                            kAuthToken)
                     .status,
                 200);
        // A malformed but signed one gets a clear 400 and creates nothing.
        twilio::FormParams broken = callParams(callSid(6), QStringLiteral("ringing"));
        broken.removeIf([](const auto& p) { return p.first == QLatin1String("AccountSid"); });
        const HttpResult bad = postSigned(app.baseUrl() + QStringLiteral("/voice"), broken, kAuthToken);
        QCOMPARE(bad.status, 400);
        QVERIFY(bad.body.contains("AccountSid"));
        QCOMPARE(app.terminate(), 0);
        const CommandResult list = runSwitchboard({QStringLiteral("calls"),
                                                   QStringLiteral("list"),
                                                   QStringLiteral("--json"),
                                                   QStringLiteral("--data-dir"),
                                                   dir.path()});
        const QJsonArray calls = QJsonDocument::fromJson(list.out).object().value(QLatin1String("calls")).toArray();
        QCOMPARE(calls.size(), 1);
        QCOMPARE(calls[0].toObject().value(QLatin1String("call_sid")).toString(), callSid(5));
    }

    void webhookLogIsSearchableAndReplayable()
    {
        QTemporaryDir dir;
        HeadlessApp app(dir.path());
        QVERIFY2(app.start(), qPrintable(app.output()));
        const QString sid = callSid(11);
        QCOMPARE(
            postSigned(app.baseUrl() + QStringLiteral("/voice"), callParams(sid, QStringLiteral("ringing")), kAuthToken)
                .status,
            200);
        QCOMPARE(postSigned(app.baseUrl() + QStringLiteral("/voice"),
                            callParams(callSid(12), QStringLiteral("ringing")),
                            "bad")
                     .status,
                 403);
        const QStringList dataDir{QStringLiteral("--data-dir"), dir.path()};
        auto listJson = [&](const QStringList& extra) {
            QJsonArray hooks;
            // Storage commits asynchronously: wait until the entries are there.
            std::ignore = QTest::qWaitFor(
                [&] {
                    const CommandResult r = runSwitchboard(
                        QStringList{QStringLiteral("webhooks"), QStringLiteral("list"), QStringLiteral("--json")} +
                        extra + dataDir);
                    hooks = QJsonDocument::fromJson(r.out).object().value(QLatin1String("webhooks")).toArray();
                    return !hooks.isEmpty();
                },
                30000);
            return hooks;
        };
        const QJsonArray found = listJson({QStringLiteral("--search"), sid});
        QCOMPARE(found.size(), 1);
        const QJsonObject original = found[0].toObject();
        QCOMPARE(original.value(QLatin1String("status")).toInt(), 200);
        QCOMPARE(original.value(QLatin1String("signature_verdict")).toString(), QStringLiteral("valid"));
        const QJsonArray refused = listJson({QStringLiteral("--errors")});
        QCOMPARE(refused.size(), 1);
        QCOMPARE(refused[0].toObject().value(QLatin1String("status")).toInt(), 403);

        const QString id = QString::number(original.value(QLatin1String("id")).toInteger());
        const CommandResult shown =
            runSwitchboard(QStringList{QStringLiteral("webhooks"), QStringLiteral("show"), id} + dataDir);
        QCOMPARE(shown.exitCode, 0);
        QVERIFY(shown.out.contains("> POST /voice"));
        QVERIFY(shown.out.contains("<Stream "));

        // The log keeps no signature; replay signs a request that was valid again with the auth
        // token, so the listener accepts it again.
        const CommandResult replay = runSwitchboard(QStringList{QStringLiteral("webhooks"),
                                                                QStringLiteral("replay"),
                                                                id,
                                                                QStringLiteral("--url"),
                                                                app.baseUrl(),
                                                                QStringLiteral("--auth-token-stdin")} +
                                                        dataDir,
                                                    kAuthToken + '\n');
        QVERIFY2(replay.exitCode == 0, replay.err.constData());
        QVERIFY(replay.out.contains("-> 200"));
        const QString refusedId = QString::number(refused[0].toObject().value(QLatin1String("id")).toInteger());
        // A refused one is never laundered: even with the token at hand it goes out unsigned.
        const CommandResult replayBad = runSwitchboard(QStringList{QStringLiteral("webhooks"),
                                                                   QStringLiteral("replay"),
                                                                   refusedId,
                                                                   QStringLiteral("--url"),
                                                                   app.baseUrl(),
                                                                   QStringLiteral("--auth-token-stdin")} +
                                                           dataDir,
                                                       kAuthToken + '\n');
        QCOMPARE(replayBad.exitCode, 1);
        QVERIFY(replayBad.out.contains("-> 403"));
        const auto sawReplay = [&] {
            for (const QJsonValue& v : listJson({QStringLiteral("--search"), sid})) {
                if (v.toObject().value(QLatin1String("replay_of")).toInteger() == id.toLongLong())
                    return true;
            }
            return false;
        };
        QVERIFY(QTest::qWaitFor(sawReplay, 30000));
        QCOMPARE(runSwitchboard(
                     QStringList{QStringLiteral("webhooks"), QStringLiteral("show"), QStringLiteral("99999")} + dataDir)
                     .exitCode,
                 1);
        QCOMPARE(runSwitchboard(QStringList{QStringLiteral("webhooks"), QStringLiteral("frob")} + dataDir).exitCode, 2);
        QCOMPARE(app.terminate(), 0);
    }

    void everythingFollowsTheTunnelsPublicUrl()
    {
        QTemporaryDir dir;
        QTemporaryDir tunnelDir;
        const QString first = QStringLiteral("https://seasonal-deck-organisms.trycloudflare.com");
        const QString second = QStringLiteral("https://another-quick-tunnel.trycloudflare.com");
        QVERIFY(writeTunnelControl(tunnelDir, QStringLiteral("url"), first));
        qputenv("FAKE_TUNNEL_DIR", tunnelDir.path().toLocal8Bit());
        const QString fake = QStringLiteral(SB_TESTS_SOURCE_DIR "/app/tunnel/fake/fake-cloudflared.sh");
        HeadlessApp app(dir.path(), {QStringLiteral("--tunnel"), QStringLiteral("cloudflared:") + fake});
        QVERIFY2(app.start(), qPrintable(app.output()));
        QVERIFY2(app.waitForLine(QStringLiteral("public URL is now ") + first), qPrintable(app.output()));

        // Twilio signs the public URL; the request itself arrives through the tunnel on loopback.
        const QString local = app.baseUrl() + QStringLiteral("/voice");
        QCOMPARE(postSigned(local, callParams(callSid(20), QStringLiteral("ringing")), kAuthToken).status, 403);
        const HttpResult voice = postSigned(
            local, callParams(callSid(21), QStringLiteral("ringing")), kAuthToken, first + QStringLiteral("/voice"));
        QCOMPARE(voice.status, 200);
        QCOMPARE(twimlStreamUrl(voice.body), QStringLiteral("wss://seasonal-deck-organisms.trycloudflare.com/stream"));
        QVERIFY(
            voice.body.contains("statusCallback=\"https://seasonal-deck-organisms.trycloudflare.com/stream-status\""));

        // The tunnel is re-created with a new URL: signatures and TwiML follow at once.
        QVERIFY(writeTunnelControl(tunnelDir, QStringLiteral("rotate"), second));
        QVERIFY2(app.waitForLine(QStringLiteral("public URL is now ") + second), qPrintable(app.output()));
        QCOMPARE(
            postSigned(
                local, callParams(callSid(22), QStringLiteral("ringing")), kAuthToken, first + QStringLiteral("/voice"))
                .status,
            403);
        const HttpResult after = postSigned(
            local, callParams(callSid(23), QStringLiteral("ringing")), kAuthToken, second + QStringLiteral("/voice"));
        QCOMPARE(after.status, 200);
        QCOMPARE(twimlStreamUrl(after.body), QStringLiteral("wss://another-quick-tunnel.trycloudflare.com/stream"));
        // The stream upgrade is checked against the new wss:// URL too.
        StreamClient stream;
        QVERIFY(stream.open(
            app.streamUrl(), QStringLiteral("wss://another-quick-tunnel.trycloudflare.com/stream"), kAuthToken));
        stream.start(callSid(23), kStreamSid, twimlParameter(after.body, QStringLiteral("callToken")), false);
        QVERIFY(app.waitForLine(callSid(23) + QStringLiteral(" stream.start")));
        stream.stop(callSid(23));
        QVERIFY(stream.waitClosed());
        QCOMPARE(app.terminate(), 0);
        qunsetenv("FAKE_TUNNEL_DIR");
        // The tunnel program was stopped with the app.
        QVERIFY(app.output().contains(QLatin1String("tunnel: ")));
    }

    void theTwilioNumberFollowsTheTunnelAndIsRestored()
    {
        // Twilio's REST API, played by the local stand-in, with one number pointing elsewhere.
        restapi::RestApiStore store;
        store.setAccount(restapi::Account{kAccount, QString::fromLatin1(kAuthToken)});
        restapi::PhoneNumberRecord number;
        number.phoneNumber = QStringLiteral("+15005550006");
        number.voiceUrl = QStringLiteral("https://my-own-server.example/voice");
        number.statusCallback = QStringLiteral("https://my-own-server.example/status");
        const auto added = store.addPhoneNumber(number);
        QVERIFY(added.ok());
        restapi::RestApiServer api(store, restapi::RestApiServerConfig{});
        const auto apiPort = api.start();
        QVERIFY(apiPort.ok());

        QTemporaryDir dir;
        QTemporaryDir tunnelDir;
        const QString first = QStringLiteral("https://number-follows-tunnel.trycloudflare.com");
        const QString second = QStringLiteral("https://number-follows-again.trycloudflare.com");
        QVERIFY(writeTunnelControl(tunnelDir, QStringLiteral("url"), first));
        qputenv("FAKE_TUNNEL_DIR", tunnelDir.path().toLocal8Bit());
        HeadlessApp app(dir.path(),
                        {QStringLiteral("--tunnel"),
                         QStringLiteral("cloudflared:" SB_TESTS_SOURCE_DIR "/app/tunnel/fake/fake-cloudflared.sh"),
                         QStringLiteral("--update-number"),
                         QStringLiteral("+15005550006"),
                         QStringLiteral("--account-sid"),
                         kAccount,
                         QStringLiteral("--api-base"),
                         QStringLiteral("http://127.0.0.1:%1").arg(apiPort.value()),
                         QStringLiteral("--restore-number-on-exit")});
        QVERIFY2(app.start(), qPrintable(app.output()));
        auto numberNow = [&] { return store.phoneNumber(added->sid).value(); };
        QTRY_COMPARE_WITH_TIMEOUT(numberNow().voiceUrl, first + QStringLiteral("/voice"), 10000);
        QCOMPARE(numberNow().statusCallback, first + QStringLiteral("/status"));

        QVERIFY(writeTunnelControl(tunnelDir, QStringLiteral("rotate"), second));
        QTRY_COMPARE_WITH_TIMEOUT(numberNow().voiceUrl, second + QStringLiteral("/voice"), 10000);

        // Stopping restores the user's own settings, not an earlier tunnel URL.
        app.process().terminate();
        QVERIFY2(waitForExit(app.process(), 30000), qPrintable(app.output()));
        QCOMPARE(app.process().exitCode(), 0);
        QCOMPARE(numberNow().voiceUrl, QStringLiteral("https://my-own-server.example/voice"));
        QCOMPARE(numberNow().statusCallback, QStringLiteral("https://my-own-server.example/status"));
        qunsetenv("FAKE_TUNNEL_DIR");
    }

    void aQuietCallIsReconciledThroughTheRestApi()
    {
        // Twilio (the stand-in) knows the call ended; the final status callback never came.
        restapi::RestApiStore store;
        store.setAccount(restapi::Account{kAccount, QString::fromLatin1(kAuthToken)});
        restapi::CallRecord ended;
        ended.sid = callSid(0x9e);
        ended.status = QStringLiteral("completed");
        ended.durationSeconds = 7;
        QVERIFY(store.addCall(ended).ok());
        restapi::RestApiServer api(store, restapi::RestApiServerConfig{});
        const auto apiPort = api.start();
        QVERIFY(apiPort.ok());

        QTemporaryDir dir;
        HeadlessApp app(dir.path(),
                        {QStringLiteral("--account-sid"),
                         kAccount,
                         QStringLiteral("--api-base"),
                         QStringLiteral("http://127.0.0.1:%1").arg(apiPort.value()),
                         QStringLiteral("--reconcile-after"),
                         QStringLiteral("1")});
        QVERIFY2(app.start(), qPrintable(app.output()));
        QCOMPARE(postSigned(app.baseUrl() + QStringLiteral("/voice"),
                            callParams(ended.sid, QStringLiteral("ringing")),
                            kAuthToken)
                     .status,
                 200);
        QVERIFY2(app.waitForLine(QStringLiteral("call.reconciled {\"how\":\"rest\"")), qPrintable(app.output()));
        QCOMPARE(app.terminate(), 0);
        const QJsonObject call = showCallJson(dir.path(), ended.sid);
        QCOMPARE(call.value(QStringLiteral("state")).toString(), QStringLiteral("completed"));
        QCOMPARE(call.value(QStringLiteral("status")).toString(), QStringLiteral("completed"));
        QVERIFY(eventKinds(call).contains(QStringLiteral("call.reconciled")));
    }

    void malformedFramesAndFloodsHarmNoOtherCall()
    {
        QTemporaryDir dir;
        // A small webhook budget (8/s, burst 16), so the flood below is limited however slowly
        // this machine sends it; this test's own few requests from 127.0.0.1 fit in the burst.
        HeadlessApp app(dir.path(), {QStringLiteral("--rate-limit"), QStringLiteral("8")});
        QVERIFY2(app.start(), qPrintable(app.output()));
        const QString good = callSid(7);
        const QString noisy = callSid(8);
        const HttpResult v1 = postSigned(
            app.baseUrl() + QStringLiteral("/voice"), callParams(good, QStringLiteral("ringing")), kAuthToken);
        const HttpResult v2 = postSigned(
            app.baseUrl() + QStringLiteral("/voice"), callParams(noisy, QStringLiteral("ringing")), kAuthToken);
        QCOMPARE(v1.status, 200);
        QCOMPARE(v2.status, 200);

        StreamClient clean;
        QVERIFY(clean.open(app.streamUrl(), app.streamUrl(), kAuthToken));
        clean.start(good,
                    QStringLiteral("MZaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
                    twimlParameter(v1.body, QStringLiteral("callToken")),
                    false);

        StreamClient bad;
        QVERIFY(bad.open(app.streamUrl(), app.streamUrl(), kAuthToken));
        bad.start(noisy,
                  QStringLiteral("MZbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"),
                  twimlParameter(v2.body, QStringLiteral("callToken")),
                  false);
        for (const QByteArray& junk : {QByteArray("not json"),
                                       QByteArray("{\"event\":\"media\"}"),
                                       QByteArray("[]"),
                                       QByteArray("{\"event\":\"media\",\"media\":{\"payload\":\"!!!\"}}"),
                                       QByteArray(5000, '{')})
            bad.send(junk);
        bad.socket().sendBinaryMessage(QByteArray(100, '\0'));

        // A stream with the wrong token is closed with a reason; the call is untouched.
        StreamClient intruder;
        QVERIFY(intruder.open(app.streamUrl(), app.streamUrl(), kAuthToken));
        intruder.start(good, QStringLiteral("MZcccccccccccccccccccccccccccccccc"), QStringLiteral("guess"), false);
        QVERIFY(intruder.waitClosed());
        QCOMPARE(intruder.socket().closeCode(), QWebSocketProtocol::CloseCodePolicyViolated);

        // Oversized webhook and a flood from one address.
        QVERIFY(rawRequest(app.port(),
                           "POST /voice HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                           "Content-Length: 2097152\r\n\r\nCallSid=")
                    .startsWith("HTTP/1.1 413"));
        QVERIFY(rawRequest(app.port(), "GARBAGE\r\n\r\n").startsWith("HTTP/1.1 400"));
        int limited = 0;
        for (int i = 0; i < 150; ++i)
            limited += rawRequest(app.port(),
                                  "GET /health HTTP/1.1\r\nHost: x\r\n\r\n",
                                  QHostAddress(QStringLiteral("127.0.0.2")))
                           .startsWith("HTTP/1.1 429");
        QVERIFY2(limited > 0, "a flood from one address is rate limited");
        QVERIFY(rawRequest(app.port(), "GET /health HTTP/1.1\r\nHost: x\r\n\r\n").startsWith("HTTP/1.1 200"));

        // A WebSocket message flood closes only that socket.
        StreamClient flooder;
        QVERIFY(flooder.open(app.streamUrl(), app.streamUrl(), kAuthToken));
        for (int i = 0; i < 3000 && flooder.socket().state() == QAbstractSocket::ConnectedState; ++i)
            flooder.send(twilio::toJson(twilio::ConnectedMessage{}));
        QVERIFY(flooder.waitClosed());
        QCOMPARE(flooder.socket().closeCode(), QWebSocketProtocol::CloseCodePolicyViolated);
        QVERIFY(flooder.socket().closeReason().contains(QLatin1String("rate")));

        clean.media(m_speech, twilio::MediaTrack::Inbound);
        bad.media(m_speech, twilio::MediaTrack::Inbound, 0, 50);
        clean.stop(good);
        bad.stop(noisy);
        QVERIFY(clean.waitClosed());
        QVERIFY(bad.waitClosed());
        QVERIFY(app.waitForLine(good + QStringLiteral(" stream.closed")));
        QCOMPARE(app.terminate(), 0);

        const QJsonObject goodCall = showCallJson(dir.path(), good);
        const QJsonObject inbound = trackOf(goodCall, QStringLiteral("inbound"));
        QCOMPARE(inbound.value(QLatin1String("frames")).toInt(), int(m_speech.size() / 160));
        QCOMPARE(audio::readWav(inbound.value(QLatin1String("wav_path")).toString())->samples, decoded(m_speech));
        const QJsonObject noisyCall = showCallJson(dir.path(), noisy);
        QCOMPARE(trackOf(noisyCall, QStringLiteral("inbound")).value(QLatin1String("frames")).toInt(), 50);
        QStringList kinds;
        for (const QJsonValue& e : noisyCall.value(QLatin1String("events")).toArray())
            kinds << e.toObject().value(QLatin1String("kind")).toString();
        QCOMPARE(kinds.count(QStringLiteral("stream.invalid-message")), 1); // reported once per stream
        QStringList goodKinds;
        for (const QJsonValue& e : goodCall.value(QLatin1String("events")).toArray())
            goodKinds << e.toObject().value(QLatin1String("kind")).toString();
        QVERIFY(goodKinds.contains(QStringLiteral("stream.rejected")));
    }

    void killNineMidCallThenRestartRecoversCallAndAudio()
    {
        QTemporaryDir dir;
        const QString sid = callSid(10);
        QString token;
        QString wavPath;
        const qsizetype half = m_speech.size() / 160 / 2;
        {
            HeadlessApp app(dir.path());
            QVERIFY2(app.start(), qPrintable(app.output()));
            const HttpResult voice = postSigned(
                app.baseUrl() + QStringLiteral("/voice"), callParams(sid, QStringLiteral("ringing")), kAuthToken);
            QCOMPARE(voice.status, 200);
            token = twimlParameter(voice.body, QStringLiteral("callToken"));
            StreamClient stream;
            QVERIFY(stream.open(app.streamUrl(), app.streamUrl(), kAuthToken));
            stream.start(sid, kStreamSid, token, false);
            stream.media(m_speech, twilio::MediaTrack::Inbound, 0, half);
            // Kill only once the listener has taken in and flushed to the WAV all that was sent.
            QVERIFY(app.waitForLine(QStringLiteral(" stream.start ")));
            const QString capture =
                QDir(dir.path()).filePath(QStringLiteral("audio/%1/%2-inbound.wav").arg(sid, kStreamSid));
            const qint64 sentBytes = audio::kWavHeaderBytes + qint64(half) * 160 * qint64(sizeof(int16_t));
            QVERIFY2(QTest::qWaitFor([&] { return QFileInfo(capture).size() >= sentBytes; }, 30000),
                     qPrintable(QStringLiteral("%1 has %2 of %3 bytes")
                                    .arg(capture)
                                    .arg(QFileInfo(capture).size())
                                    .arg(sentBytes)));
            app.kill();
        }
        {
            HeadlessApp app(dir.path());
            QVERIFY2(app.start(), qPrintable(app.output()));
            QVERIFY(app.output().contains(QLatin1String("recovery: 1 live call(s) restored")));

            // Twilio carries on: a new stream for the same call binds with the same token.
            StreamClient again;
            QVERIFY(again.open(app.streamUrl(), app.streamUrl(), kAuthToken));
            again.start(sid, QStringLiteral("MZ99999999999999999999999999999999"), token, false);
            again.media(m_speech, twilio::MediaTrack::Inbound, half);
            again.stop(sid);
            QVERIFY(again.waitClosed());
            twilio::FormParams completed = callParams(sid, QStringLiteral("completed"));
            completed.append({QStringLiteral("CallDuration"), QStringLiteral("20")});
            QCOMPARE(postSigned(app.baseUrl() + QStringLiteral("/status"), completed, kAuthToken).status, 200);
            QVERIFY(app.waitForLine(sid + QStringLiteral(" status.completed")));
            QCOMPARE(app.terminate(), 0);
        }
        const QJsonObject call = showCallJson(dir.path(), sid);
        QCOMPARE(call.value(QLatin1String("state")).toString(), QStringLiteral("completed"));
        const QJsonArray streams = call.value(QLatin1String("streams")).toArray();
        QCOMPARE(streams.size(), 2);
        // The first capture kept everything that was sent before the crash.
        const QString firstWav =
            QDir(dir.path()).filePath(QStringLiteral("audio/%1/%2-inbound.wav").arg(sid, kStreamSid));
        const auto wav = audio::readWav(firstWav);
        QVERIFY2(wav.ok(), qPrintable(firstWav));
        QVERIFY(wav->info.headerConsistent());
        const QList<int16_t> expected = decoded(m_speech.left(half * 160));
        QCOMPARE(wav->samples, expected);
    }
};

QTEST_GUILESS_MAIN(TestHeadless)
#include "TestHeadless.moc"
