// SPDX-License-Identifier: GPL-3.0-or-later
// Media sessions over a real WebSocket on loopback: binding, per-track statistics and the
// time-aligned WAV capture, and outbound media/mark/clear on bidirectional streams only.
#include "TestSupport.h"
#include "audio/MuLaw.h"
#include "audio/WavFile.h"
#include "calls/CallRegistry.h"
#include "calls/MediaSession.h"
#include "server/Listener.h"
#include "twilio/Form.h"
#include "twilio/MediaMessages.h"
#include "twilio/Signature.h"

#include <QPointer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QWebSocket>
#include <QtTest>

using namespace sb;
using namespace sb::calls;

namespace {

const QString kCall = QStringLiteral("CAfedcba9876543210fedcba9876543210");
const QString kStream = QStringLiteral("MZ00112233445566778899aabbccddeeff");
const QByteArray kToken = QByteArrayLiteral("0123456789abcdef0123456789abcdef");

twilio::MediaMessage
frame(qint64 sequence, qint64 timestamp, char fill, twilio::MediaTrack track = twilio::MediaTrack::Inbound)
{
    twilio::MediaMessage m;
    m.sequenceNumber = sequence;
    m.streamSid = kStream;
    m.track = track;
    m.chunk = sequence;
    m.timestamp = timestamp;
    m.payload = QByteArray(160, fill);
    return m;
}

} // namespace

class TestMediaSession : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<server::Listener> m_listener;
    std::unique_ptr<CallRegistry> m_registry;
    QList<MediaSession*> m_sessions;
    QList<QPointer<QWebSocket>> m_serverSockets;
    std::unique_ptr<QWebSocket> m_client;
    QStringList m_received;

    void setUp(const QString& flow)
    {
        m_sessions.clear();
        m_serverSockets.clear();
        m_received.clear();
        m_registry = std::make_unique<CallRegistry>(FlowLibrary::load(), flow);
        m_registry->setTokenGenerator([] { return kToken; });
        m_listener = std::make_unique<server::Listener>(server::ListenerConfig{});
        m_listener->setTokenSource([] { return QByteArrayLiteral("auth"); });
        QVERIFY(m_listener->start().ok());
        m_registry->setUrls(m_listener->publicUrl(), m_listener->streamUrl());
        connect(m_listener.get(), &server::Listener::mediaSocketAccepted, this, [this](QWebSocket* socket) {
            m_serverSockets.append(socket);
            m_sessions.append(
                new MediaSession(socket, m_registry.get(), m_dir.path(), MediaLimits{}, m_listener.get()));
        });
        webhook::WebhookRequest voice;
        voice.route = webhook::Route::Voice;
        voice.params = sb::test::callParams(kCall, QStringLiteral("ringing"));
        QCOMPARE(m_registry->handle(voice).status, 200);

        m_client = std::make_unique<QWebSocket>();
        connect(m_client.get(), &QWebSocket::textMessageReceived, this, [this](const QString& m) { m_received << m; });
        QNetworkRequest request{QUrl(m_listener->streamUrl())};
        request.setRawHeader("X-Twilio-Signature", twilio::signature::compute("auth", m_listener->streamUrl()));
        QSignalSpy connected(m_client.get(), &QWebSocket::connected);
        m_client->open(request);
        QVERIFY(connected.wait(5000));
    }

    void start(bool bothTracks)
    {
        twilio::StartMessage start;
        start.streamSid = kStream;
        start.accountSid = QStringLiteral("AC0123456789abcdef0123456789abcdef");
        start.callSid = kCall;
        if (bothTracks)
            start.tracks = {twilio::MediaTrack::Inbound, twilio::MediaTrack::Outbound};
        start.customParameters = {{QStringLiteral("callToken"), QString::fromLatin1(kToken)}};
        send(twilio::toJson(twilio::ConnectedMessage{}));
        send(twilio::toJson(start));
        QTRY_COMPARE(m_sessions.size(), 1);
        QTRY_VERIFY(m_sessions[0]->isBound());
    }

    void send(const QByteArray& json) { m_client->sendTextMessage(QString::fromUtf8(json)); }

private slots:
    void cleanup()
    {
        m_client.reset();
        m_listener.reset();
        m_registry.reset();
    }

    void gapsDuplicatesAndLateFramesAreCountedAndTheWavStaysAligned()
    {
        setUp(QStringLiteral("appointment"));
        QSignalSpy events(m_registry.get(), &CallRegistry::eventRecorded);
        start(false);
        MediaSession* session = m_sessions[0];
        QVERIFY(!session->isBidirectional());
        send(twilio::toJson(frame(2, 52, 'a')));  // 0 ms
        send(twilio::toJson(frame(3, 72, 'b')));  // 20 ms
        send(twilio::toJson(frame(3, 72, 'b')));  // duplicate sequence number: dropped
        send(twilio::toJson(frame(5, 132, 'd'))); // 80 ms: 40 ms missing (frame 4 lost... for now)
        send(twilio::toJson(frame(4, 92, 'c')));  // frame 4 arrives after 5: reordered, too late for the file
        send(twilio::toJson(frame(6, 152, 'e'))); // 100 ms
        QTRY_COMPARE(session->stats(twilio::MediaTrack::Inbound).frames, 5);
        const TrackStats s = session->stats(twilio::MediaTrack::Inbound);
        QCOMPARE(s.duplicates, 1);
        QCOMPARE(s.reordered, 1);
        QCOMPARE(s.late, 1);
        QCOMPARE(s.gaps, 1);
        QCOMPARE(s.missingMs, 40);
        QCOMPARE(s.samplesWritten, 6 * 160); // 0..120 ms: 4 frames + 2 frames of silence
        session->finish(QStringLiteral("test"));

        // The call's timeline hears of the loss: the gap at once, the late frame (within the same
        // second) when the stream finishes; nothing is counted twice.
        QList<QJsonObject> losses;
        for (const QList<QVariant>& e : std::as_const(events)) {
            if (e[0].value<CallEvent>().kind == QLatin1String("stream.loss"))
                losses << e[0].value<CallEvent>().detail;
        }
        QCOMPARE(losses.size(), 2);
        QCOMPARE(losses[0].value(QLatin1String("gaps")).toInteger(), 1);
        QCOMPARE(losses[0].value(QLatin1String("missing_ms")).toInteger(), 40);
        QCOMPARE(losses[0].value(QLatin1String("late_frames")).toInteger(), 0);
        QCOMPARE(losses[0].value(QLatin1String("track")).toString(), QStringLiteral("inbound"));
        QCOMPARE(losses[0].value(QLatin1String("at_ms")).toInteger(), 80);
        QCOMPARE(losses[1].value(QLatin1String("gaps")).toInteger(), 0);
        QCOMPARE(losses[1].value(QLatin1String("late_frames")).toInteger(), 1);

        const auto wav = audio::readWav(s.wavPath);
        QVERIFY(wav.ok());
        QCOMPARE(wav->samples.size(), 6 * 160);
        auto level = [](char c) { return audio::mulaw::decodeSample(uint8_t(c)); };
        QCOMPARE(wav->samples[0], level('a'));
        QCOMPARE(wav->samples[160], level('b'));
        QCOMPARE(wav->samples[2 * 160], int16_t(0)); // the gap is silence
        QCOMPARE(wav->samples[3 * 160], int16_t(0));
        QCOMPARE(wav->samples[4 * 160], level('d'));
        QCOMPARE(wav->samples[5 * 160], level('e'));
    }

    void unidirectionalStreamsCannotSendAudio()
    {
        setUp(QStringLiteral("appointment"));
        start(true);
        QVERIFY(!m_sessions[0]->sendAudio(QByteArray(160, '\x7f')));
        QVERIFY(!m_sessions[0]->sendMark(QStringLiteral("m1")));
        QVERIFY(!m_sessions[0]->sendClear());
        // A marker sent on the same socket afterwards arrives after anything the session sent.
        QVERIFY(!m_serverSockets.isEmpty() && m_serverSockets[0]);
        m_serverSockets[0]->sendTextMessage(QStringLiteral("marker"));
        QTRY_VERIFY_WITH_TIMEOUT(!m_received.isEmpty(), 30000);
        QCOMPARE(m_received, QStringList{QStringLiteral("marker")});
    }

    void bidirectionalStreamsSendMediaMarkAndClear()
    {
        setUp(QStringLiteral("assistant"));
        start(false);
        MediaSession* session = m_sessions[0];
        QVERIFY(session->isBidirectional());
        const QByteArray audio(800, '\x55');
        QVERIFY(session->sendAudio(audio));
        QVERIFY(session->sendMark(QStringLiteral("reply-1")));
        QVERIFY(session->sendClear());
        QTRY_COMPARE(m_received.size(), 3);
        const auto media = twilio::parseAppMessage(QStringView(m_received[0]));
        QVERIFY(media.ok());
        const auto* m = std::get_if<twilio::AppMediaMessage>(&media.value());
        QVERIFY(m);
        QCOMPARE(m->streamSid, kStream);
        QCOMPARE(m->payload, audio);
        const auto mark = twilio::parseAppMessage(QStringView(m_received[1]));
        QVERIFY(mark.ok());
        QCOMPARE(std::get<twilio::AppMarkMessage>(mark.value()).name, QStringLiteral("reply-1"));
        const auto clear = twilio::parseAppMessage(QStringView(m_received[2]));
        QVERIFY(clear.ok());
        QVERIFY(std::holds_alternative<twilio::ClearMessage>(clear.value()));

        // Twilio echoes the mark and sends DTMF (bidirectional only): both become call events.
        QSignalSpy events(m_registry.get(), &CallRegistry::eventRecorded);
        twilio::MarkMessage echo;
        echo.sequenceNumber = 2;
        echo.streamSid = kStream;
        echo.name = QStringLiteral("reply-1");
        send(twilio::toJson(echo));
        twilio::DtmfMessage digit;
        digit.sequenceNumber = 3;
        digit.streamSid = kStream;
        digit.digit = QStringLiteral("7");
        send(twilio::toJson(digit));
        QTRY_COMPARE(events.size(), 2);
        QCOMPARE(events[0][0].value<CallEvent>().kind, QStringLiteral("mark"));
        QCOMPARE(events[1][0].value<CallEvent>().detail.value(QLatin1String("digit")).toString(), QStringLiteral("7"));
    }

    void mediaBeforeStartIsReportedAndNeverBinds()
    {
        setUp(QStringLiteral("appointment"));
        QTRY_COMPARE(m_sessions.size(), 1);
        // Media before start is counted as malformed (reported once) and binds nothing.
        send(twilio::toJson(frame(2, 0, 'a')));
        QTRY_COMPARE(m_sessions[0]->malformedMessages(), 1);
        QVERIFY(!m_sessions[0]->isBound());
    }
};

QTEST_GUILESS_MAIN(TestMediaSession)
#include "TestMediaSession.moc"
