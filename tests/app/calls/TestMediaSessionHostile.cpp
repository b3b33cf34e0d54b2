// SPDX-License-Identifier: GPL-3.0-or-later
// Media sessions against a hostile or broken sender, over a real WebSocket on loopback: media
// timestamps that jump far ahead or back, a capture that reaches its size limit, a second
// connection presenting a live stream's credentials, how far the WAV on disk may lag behind, and
// the protocol slips that are reported once per stream.
#include "TestSupport.h"
#include "audio/MuLaw.h"
#include "audio/WavFile.h"
#include "calls/CallRegistry.h"
#include "calls/MediaSession.h"
#include "server/Listener.h"
#include "twilio/MediaMessages.h"
#include "twilio/Signature.h"

#include <QFileInfo>
#include <QPointer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QWebSocket>
#include <QtTest>

using namespace sb;
using namespace sb::calls;

namespace {

const QString kCall = QStringLiteral("CAfedcba9876543210fedcba9876543210");
const QString kOtherCall = QStringLiteral("CA0000000000000000000000000000000f");
const QString kStream = QStringLiteral("MZ00112233445566778899aabbccddeeff");
const QByteArray kToken = QByteArrayLiteral("0123456789abcdef0123456789abcdef");

twilio::MediaMessage frame(qint64 sequence, qint64 timestamp, char fill, qsizetype bytes = 160)
{
    twilio::MediaMessage m;
    m.sequenceNumber = sequence;
    m.streamSid = kStream;
    m.track = twilio::MediaTrack::Inbound;
    m.chunk = sequence;
    m.timestamp = timestamp;
    m.payload = QByteArray(bytes, fill);
    return m;
}

int16_t level(char c)
{
    return audio::mulaw::decodeSample(uint8_t(c));
}

} // namespace

class TestMediaSessionHostile : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<server::Listener> m_listener;
    std::unique_ptr<CallRegistry> m_registry;
    std::unique_ptr<QSignalSpy> m_events;
    QList<QPointer<MediaSession>> m_sessions;
    std::vector<std::unique_ptr<QWebSocket>> m_clients;
    MediaLimits m_limits;

    void setUp(const QString& flow = QStringLiteral("assistant"))
    {
        m_sessions.clear();
        m_clients.clear();
        m_registry = std::make_unique<CallRegistry>(FlowLibrary::load(), flow);
        m_registry->setTokenGenerator([] { return kToken; });
        m_events = std::make_unique<QSignalSpy>(m_registry.get(), &CallRegistry::eventRecorded);
        m_listener = std::make_unique<server::Listener>(server::ListenerConfig{});
        m_listener->setTokenSource([] { return QByteArrayLiteral("auth"); });
        QVERIFY(m_listener->start().ok());
        m_registry->setUrls(m_listener->publicUrl(), m_listener->streamUrl());
        connect(m_listener.get(), &server::Listener::mediaSocketAccepted, this, [this](QWebSocket* socket) {
            m_sessions.append(new MediaSession(socket, m_registry.get(), m_dir.path(), m_limits, m_listener.get()));
        });
        for (const QString& sid : {kCall, kOtherCall}) {
            webhook::WebhookRequest voice;
            voice.route = webhook::Route::Voice;
            voice.params = sb::test::callParams(sid, QStringLiteral("ringing"));
            QCOMPARE(m_registry->handle(voice).status, 200);
        }
        m_events->clear(); // only what the media sessions record
    }

    /// Opens one more client connection; returns its index.
    int connectClient()
    {
        auto client = std::make_unique<QWebSocket>();
        QNetworkRequest request{QUrl(m_listener->streamUrl())};
        request.setRawHeader("X-Twilio-Signature", twilio::signature::compute("auth", m_listener->streamUrl()));
        QSignalSpy connected(client.get(), &QWebSocket::connected);
        client->open(request);
        if (!connected.wait(5000))
            return -1;
        m_clients.push_back(std::move(client));
        const int index = int(m_clients.size()) - 1;
        if (!QTest::qWaitFor([&] { return m_sessions.size() > index; }, 5000))
            return -1;
        return index;
    }

    void sendStart(int client)
    {
        twilio::StartMessage start;
        start.streamSid = kStream;
        start.accountSid = QStringLiteral("AC0123456789abcdef0123456789abcdef");
        start.callSid = kCall;
        start.customParameters = {{QStringLiteral("callToken"), QString::fromLatin1(kToken)}};
        send(client, twilio::toJson(twilio::ConnectedMessage{}));
        send(client, twilio::toJson(start));
    }

    /// One client, bound.
    MediaSession* startOne()
    {
        const int client = connectClient();
        if (client != 0)
            return nullptr;
        sendStart(0);
        if (!QTest::qWaitFor([&] { return m_sessions[0] && m_sessions[0]->isBound(); }, 5000))
            return nullptr;
        return m_sessions[0];
    }

    void send(int client, const QByteArray& json)
    {
        m_clients[size_t(client)]->sendTextMessage(QString::fromUtf8(json));
    }

    QList<CallEvent> events(const QString& kind) const
    {
        QList<CallEvent> found;
        for (const QList<QVariant>& args : *m_events) {
            const CallEvent e = args[0].value<CallEvent>();
            if (e.kind == kind)
                found << e;
        }
        return found;
    }

    QStringList warnings() const
    {
        QStringList problems;
        for (const CallEvent& e : events(QStringLiteral("stream.protocol-warning")))
            problems << e.detail.value(QLatin1String("problem")).toString();
        return problems;
    }

private slots:
    void init() { m_limits = MediaLimits{}; }

    void cleanup()
    {
        m_clients.clear();
        m_listener.reset();
        m_events.reset();
        m_registry.reset();
    }

    void aHugeTimestampJumpIsADiscontinuityNotHoursOfSilence()
    {
        setUp();
        MediaSession* session = startOne();
        QVERIFY(session);
        send(0, twilio::toJson(frame(2, 52, 'a')));
        send(0, twilio::toJson(frame(3, 999999999999999999, 'b'))); // the largest timestamp the parser takes
        send(0, twilio::toJson(frame(4, 72, 'c')));                 // the sender's clock is back to normal
        send(0, twilio::toJson(frame(5, 86400000 + 92, 'd')));      // one day later, a second after start
        send(0, twilio::toJson(frame(6, 86400000 + 112, 'e')));     // ... and carrying on from there
        QTRY_COMPARE(session->stats(twilio::MediaTrack::Inbound).frames, 5);
        const TrackStats s = session->stats(twilio::MediaTrack::Inbound);
        // Nothing was filled in: each frame follows the one before in the file.
        QCOMPARE(s.samplesWritten, 5 * 160);
        QCOMPARE(s.missingMs, 0);
        QCOMPARE(s.late, 0);
        // Reported once per track, with the jump it saw first.
        const QList<CallEvent> jumps = events(QStringLiteral("stream.discontinuity"));
        QCOMPARE(jumps.size(), 1);
        QCOMPARE(jumps[0].callSid, kCall);
        QCOMPARE(jumps[0].detail.value(QLatin1String("track")).toString(), QStringLiteral("inbound"));
        QCOMPARE(jumps[0].detail.value(QLatin1String("jump_ms")).toInteger(), 999999999999999999 - 72);
        QCOMPARE(jumps[0].detail.value(QLatin1String("filled_ms")).toInteger(), 0);
        QCOMPARE(session->discontinuities(twilio::MediaTrack::Inbound), 3);

        session->finish(QStringLiteral("test"));
        QVERIFY(QFileInfo(s.wavPath).size() < 64 * 1024);
        const auto wav = audio::readWav(s.wavPath);
        QVERIFY(wav.ok());
        QCOMPARE(wav->samples.size(), 5 * 160);
        for (int i = 0; i < 5; ++i)
            QCOMPARE(wav->samples[i * 160], level(char('a' + i)));
    }

    void gapsWithinWallClockTimeAreStillFilled()
    {
        setUp();
        MediaSession* session = startOne();
        QVERIFY(session);
        // 3 s missing, sent at once: more than the wall clock has seen, but within the lead the
        // limits allow, so it is an ordinary gap.
        QVERIFY(m_limits.maxTimestampLeadMs > 3000);
        send(0, twilio::toJson(frame(2, 0, 'a')));
        send(0, twilio::toJson(frame(3, 3020, 'b')));
        QTRY_COMPARE(session->stats(twilio::MediaTrack::Inbound).frames, 2);
        const TrackStats s = session->stats(twilio::MediaTrack::Inbound);
        QCOMPARE(s.missingMs, 3000);
        QCOMPARE(s.samplesWritten, (3020 + 20) * 8);
        QVERIFY(events(QStringLiteral("stream.discontinuity")).isEmpty());
    }

    void aCaptureStopsAtItsSizeLimitAndSaysSoOnce()
    {
        m_limits.maxWavDataBytes = 5 * 320; // five frames
        setUp();
        MediaSession* session = startOne();
        QVERIFY(session);
        for (int i = 0; i < 8; ++i)
            send(0, twilio::toJson(frame(2 + i, 20 * i, char('a' + i))));
        QTRY_COMPARE(session->stats(twilio::MediaTrack::Inbound).frames, 8);
        const QList<CallEvent> stopped = events(QStringLiteral("stream.capture-stopped"));
        QCOMPARE(stopped.size(), 1);
        QCOMPARE(stopped[0].detail.value(QLatin1String("code")).toString(), QStringLiteral("audio.wav.too_large"));
        QCOMPARE(stopped[0].detail.value(QLatin1String("track")).toString(), QStringLiteral("inbound"));
        // The file is complete and valid up to the limit, even before the stream ends.
        const TrackStats s = session->stats(twilio::MediaTrack::Inbound);
        const auto wav = audio::readWav(s.wavPath);
        QVERIFY(wav.ok());
        QVERIFY(wav->info.headerConsistent());
        QCOMPARE(wav->samples.size(), 5 * 160);
        QCOMPARE(wav->samples[4 * 160], level('e'));
    }

    void theWavOnDiskIsLessThan100MsBehind()
    {
        setUp();
        MediaSession* session = startOne();
        QVERIFY(session);
        const QString path = session->stats(twilio::MediaTrack::Inbound).wavPath;
        for (int i = 0; i < 25; ++i) {
            send(0, twilio::toJson(frame(2 + i, 20 * i, 'a')));
            QTRY_COMPARE(session->stats(twilio::MediaTrack::Inbound).frames, i + 1);
            // What a kill -9 now would keep: the bytes the OS has.
            const qint64 onDisk = (QFileInfo(path).size() - audio::kWavHeaderBytes) / 2;
            const qint64 accepted = qint64(i + 1) * 160;
            QVERIFY2(
                accepted - onDisk < 100 * 8,
                qPrintable(
                    QStringLiteral("after %1 frames: %2 of %3 samples on disk").arg(i + 1).arg(onDisk).arg(accepted)));
        }
    }

    void aSecondConnectionForALiveStreamIsRefusedAndTheFirstIsUntouched()
    {
        setUp();
        MediaSession* first = startOne();
        QVERIFY(first);
        send(0, twilio::toJson(frame(2, 0, 'a')));
        send(0, twilio::toJson(frame(3, 20, 'b')));
        QTRY_COMPARE(first->stats(twilio::MediaTrack::Inbound).frames, 2);

        const int second = connectClient();
        QCOMPARE(second, 1);
        QSignalSpy closed(m_clients[1].get(), &QWebSocket::disconnected);
        sendStart(1);
        send(1, twilio::toJson(frame(2, 0, 'x')));
        QVERIFY(closed.wait(5000));
        QCOMPARE(m_clients[1]->closeCode(), QWebSocketProtocol::CloseCodePolicyViolated);
        QVERIFY2(m_clients[1]->closeReason().contains(QLatin1String("already")),
                 qPrintable(m_clients[1]->closeReason()));
        const QList<CallEvent> rejected = events(QStringLiteral("stream.rejected"));
        QCOMPARE(rejected.size(), 1);
        QCOMPARE(rejected[0].callSid, kCall);
        QVERIFY(events(QStringLiteral("stream.closed")).isEmpty());

        // The first stream carries on, and its file holds exactly its own audio.
        QVERIFY(first->isBound());
        QCOMPARE(m_registry->find(kCall)->state, CallState::Streaming);
        send(0, twilio::toJson(frame(4, 40, 'c')));
        QTRY_COMPARE(first->stats(twilio::MediaTrack::Inbound).frames, 3);
        const QString path = first->stats(twilio::MediaTrack::Inbound).wavPath;
        first->finish(QStringLiteral("test"));
        const auto wav = audio::readWav(path);
        QVERIFY(wav.ok());
        QCOMPARE(wav->samples.size(), 3 * 160);
        QCOMPARE(wav->samples[0], level('a'));
        QCOMPARE(wav->samples[160], level('b'));
        QCOMPARE(wav->samples[320], level('c'));
    }

    void protocolSlipsAreReportedOncePerStream()
    {
        setUp();
        const int client = connectClient();
        QCOMPARE(client, 0);
        // Media before start: dropped, and reported on the call once the stream binds.
        send(0, twilio::toJson(frame(2, 0, 'z')));
        send(0, twilio::toJson(frame(3, 20, 'z')));
        QTRY_COMPARE(m_sessions[0]->malformedMessages(), 2);
        sendStart(0);
        QTRY_VERIFY(m_sessions[0]->isBound());
        MediaSession* session = m_sessions[0];

        // A frame that is not 20 ms: kept (Twilio promises no size) and reported once.
        send(0, twilio::toJson(frame(4, 0, 'a', 100)));
        send(0, twilio::toJson(frame(5, 20, 'b', 200)));
        // A "digit" of ten keys: dropped and reported once.
        twilio::DtmfMessage dtmf;
        dtmf.streamSid = kStream;
        dtmf.digit = QStringLiteral("0123456789");
        dtmf.sequenceNumber = 6;
        send(0, twilio::toJson(dtmf));
        dtmf.digit = QStringLiteral("##");
        dtmf.sequenceNumber = 7;
        send(0, twilio::toJson(dtmf));
        dtmf.digit = QStringLiteral("5");
        dtmf.sequenceNumber = 8;
        send(0, twilio::toJson(dtmf));
        // A stop naming another call: ignored (the stream goes on) and reported once.
        twilio::StopMessage stop;
        stop.streamSid = kStream;
        stop.accountSid = QStringLiteral("AC0123456789abcdef0123456789abcdef");
        stop.callSid = kOtherCall;
        stop.sequenceNumber = 9;
        send(0, twilio::toJson(stop));
        stop.sequenceNumber = 10;
        send(0, twilio::toJson(stop));
        send(0, twilio::toJson(frame(11, 40, 'c')));
        QTRY_COMPARE(session->stats(twilio::MediaTrack::Inbound).frames, 3);
        QTRY_COMPARE(warnings().size(), 4);
        QStringList problems = warnings();
        problems.sort();
        QCOMPARE(problems,
                 (QStringList{QStringLiteral("dtmf-digit"),
                              QStringLiteral("frame-size"),
                              QStringLiteral("media-before-start"),
                              QStringLiteral("stop-call")}));
        for (const CallEvent& e : events(QStringLiteral("stream.protocol-warning"))) {
            QCOMPARE(e.callSid, kCall);
            QCOMPARE(e.detail.value(QLatin1String("stream_sid")).toString(), kStream);
            QVERIFY(!e.detail.value(QLatin1String("reason")).toString().isEmpty());
        }
        // The frames of odd sizes were written as they came; only the valid digit is an event.
        const TrackStats s = session->stats(twilio::MediaTrack::Inbound);
        QCOMPARE(s.bytes, 100 + 200 + 160);
        const QList<CallEvent> digits = events(QStringLiteral("dtmf"));
        QCOMPARE(digits.size(), 1);
        QCOMPARE(digits[0].detail.value(QLatin1String("digit")).toString(), QStringLiteral("5"));
        QVERIFY(session->isBound());
        QVERIFY(events(QStringLiteral("stream.stop")).isEmpty());
        // Nothing reached the other call.
        for (const QList<QVariant>& args : *m_events)
            QCOMPARE(args[0].value<CallEvent>().callSid, kCall);

        // The real stop still ends the stream.
        stop.callSid = kCall;
        stop.sequenceNumber = 12;
        send(0, twilio::toJson(stop));
        QTRY_COMPARE(events(QStringLiteral("stream.stop")).size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestMediaSessionHostile)
#include "TestMediaSessionHostile.moc"
