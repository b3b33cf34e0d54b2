// SPDX-License-Identifier: GPL-3.0-or-later
// The real executable against hostile media streams: a frame whose timestamp jumps a day or
// an eon ahead beside a healthy call (the listener keeps answering, SIGTERM still stops it, the
// WAV stays small), and a kill -9 mid-stream after which the restart rebuilds the stream's
// statistics from what its WAV proves.
#include "HeadlessApp.h"
#include "audio/MuLaw.h"
#include "audio/WavFile.h"
#include "twilio/MediaMessages.h"
#include "twilio/Signature.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QWebSocket>
#include <QtTest>

using namespace sb;
using namespace sb::test;

namespace {

const QString kAccount = QStringLiteral("AC0123456789abcdef0123456789abcdef");

QString callSid(int n)
{
    return QStringLiteral("CA%1").arg(n, 32, 16, QLatin1Char('0'));
}

QString streamSid(int n)
{
    return QStringLiteral("MZ%1").arg(n, 32, 16, QLatin1Char('0'));
}

/// 20 ms of mu-law whose bytes say which frame it is.
QByteArray frameAudio(qsizetype i)
{
    QByteArray a(160, '\0');
    for (qsizetype k = 0; k < a.size(); ++k)
        a[k] = char((i * 7 + k) & 0xff);
    return a;
}

/// Twilio's side of one Media Stream.
class Stream
{
public:
    bool open(const QString& url)
    {
        QNetworkRequest request{QUrl(url)};
        request.setRawHeader("X-Twilio-Signature", twilio::signature::compute(kAuthToken, url));
        QSignalSpy connected(&m_socket, &QWebSocket::connected);
        m_socket.open(request);
        return connected.wait(10000);
    }
    void send(const QByteArray& json) { m_socket.sendTextMessage(QString::fromUtf8(json)); }
    void start(const QString& call, const QString& sid, const QString& token)
    {
        m_call = call;
        m_sid = sid;
        send(twilio::toJson(twilio::ConnectedMessage{}));
        twilio::StartMessage start;
        start.streamSid = sid;
        start.accountSid = kAccount;
        start.callSid = call;
        start.customParameters = {{QStringLiteral("callToken"), token}};
        send(twilio::toJson(start));
    }
    void media(qsizetype index, qint64 timestamp)
    {
        twilio::MediaMessage m;
        m.sequenceNumber = ++m_sequence;
        m.streamSid = m_sid;
        m.track = twilio::MediaTrack::Inbound;
        m.chunk = index + 1;
        m.timestamp = timestamp;
        m.payload = frameAudio(index);
        send(twilio::toJson(m));
    }
    /// Frames [from, to) at their own time line, paced under the stream's rate limit.
    void frames(qsizetype from, qsizetype to)
    {
        for (qsizetype i = from; i < to; ++i) {
            media(i, 52 + i * 20);
            if (i % 50 == 49)
                QTest::qWait(200); // pacing, not waiting for a condition
        }
    }
    void stop()
    {
        twilio::StopMessage m;
        m.sequenceNumber = ++m_sequence;
        m.streamSid = m_sid;
        m.accountSid = kAccount;
        m.callSid = m_call;
        send(twilio::toJson(m));
    }
    bool waitClosed(int ms = 30000)
    {
        return QTest::qWaitFor([&] { return m_socket.state() == QAbstractSocket::UnconnectedState; }, ms);
    }

private:
    QWebSocket m_socket;
    QString m_call;
    QString m_sid;
    qint64 m_sequence = 1;
};

QString answer(const HeadlessApp& app, const QString& sid)
{
    const HttpResult voice =
        postSigned(app.baseUrl() + QStringLiteral("/voice"), callParams(sid, QStringLiteral("ringing")), kAuthToken);
    return voice.status == 200 ? twimlParameter(voice.body, QStringLiteral("callToken")) : QString();
}

QByteArray health(quint16 port)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(5000))
        return {};
    socket.write("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    QByteArray reply;
    QElapsedTimer t;
    t.start();
    while (!reply.contains("\r\n\r\n") && t.elapsed() < 5000) {
        socket.waitForReadyRead(100);
        reply += socket.readAll();
    }
    return reply;
}

} // namespace

class TestHeadlessMedia : public QObject
{
    Q_OBJECT

private slots:
    void aTimestampJumpNeitherStallsTheListenerNorFillsTheDisk()
    {
        QTemporaryDir dir;
        HeadlessApp app(dir.path());
        QVERIFY2(app.start(), qPrintable(app.output()));
        const QString good = callSid(21);
        const QString hostile = callSid(22);
        const QString goodToken = answer(app, good);
        const QString hostileToken = answer(app, hostile);
        QVERIFY(!goodToken.isEmpty() && !hostileToken.isEmpty());

        Stream healthy;
        QVERIFY(healthy.open(app.streamUrl()));
        healthy.start(good, streamSid(21), goodToken);
        healthy.frames(0, 50);

        Stream jumper;
        QVERIFY(jumper.open(app.streamUrl()));
        jumper.start(hostile, streamSid(22), hostileToken);
        jumper.media(0, 52);
        jumper.media(1, 999999999999999999);
        jumper.media(2, 86400000);
        jumper.media(3, 86400020);

        // The network thread is free: the healthy call streams on and the listener answers.
        healthy.frames(50, 150);
        QVERIFY(health(app.port()).startsWith("HTTP/1.1 200"));
        QVERIFY2(app.waitForLine(hostile + QStringLiteral(" stream.discontinuity")), qPrintable(app.output()));
        healthy.stop();
        jumper.stop();
        QVERIFY(healthy.waitClosed());
        QVERIFY(jumper.waitClosed());
        QVERIFY(app.waitForLine(good + QStringLiteral(" stream.closed")));
        QCOMPARE(app.terminate(), 0);

        const QString hostileWav =
            QDir(dir.path()).filePath(QStringLiteral("audio/%1/%2-inbound.wav").arg(hostile, streamSid(22)));
        QVERIFY2(QFileInfo(hostileWav).size() < 1024 * 1024, qPrintable(QString::number(QFileInfo(hostileWav).size())));
        const auto jumped = audio::readWav(hostileWav);
        QVERIFY(jumped.ok());
        QCOMPARE(jumped->samples.size(), 4 * 160);

        const auto wav = audio::readWav(
            QDir(dir.path()).filePath(QStringLiteral("audio/%1/%2-inbound.wav").arg(good, streamSid(21))));
        QVERIFY(wav.ok());
        QByteArray sent;
        for (int i = 0; i < 150; ++i)
            sent += frameAudio(i);
        QCOMPARE(wav->samples, audio::mulaw::decode(QByteArrayView(sent)));
        QVERIFY(eventKinds(showCallJson(dir.path(), hostile)).contains(QStringLiteral("stream.discontinuity")));
        QVERIFY(!eventKinds(showCallJson(dir.path(), good)).contains(QStringLiteral("stream.discontinuity")));
    }

    void afterACrashTheStreamsStatisticsComeFromItsWav()
    {
        QTemporaryDir dir;
        const QString sid = callSid(23);
        const qsizetype sent = 120;
        {
            HeadlessApp app(dir.path());
            QVERIFY2(app.start(), qPrintable(app.output()));
            const QString token = answer(app, sid);
            QVERIFY(!token.isEmpty());
            Stream stream;
            QVERIFY(stream.open(app.streamUrl()));
            stream.start(sid, streamSid(23), token);
            stream.frames(0, sent);
            QVERIFY(app.waitForLine(QStringLiteral(" stream.start ")));
            // Kill once everything sent has reached the WAV.
            const QString capture =
                QDir(dir.path()).filePath(QStringLiteral("audio/%1/%2-inbound.wav").arg(sid, streamSid(23)));
            const qint64 bytes = audio::kWavHeaderBytes + qint64(sent) * 160 * 2;
            QVERIFY(QTest::qWaitFor([&] { return QFileInfo(capture).size() >= bytes; }, 30000));
            app.kill();
        }
        HeadlessApp app(dir.path());
        QVERIFY2(app.start(), qPrintable(app.output()));
        QVERIFY(app.output().contains(QLatin1String("recovery: 1 live call(s) restored")));
        QCOMPARE(app.terminate(), 0);

        const QJsonObject call = showCallJson(dir.path(), sid);
        QCOMPARE(call.value(QLatin1String("state")).toString(), QStringLiteral("in-progress"));
        const QJsonArray streams = call.value(QLatin1String("streams")).toArray();
        QCOMPARE(streams.size(), 1);
        const QJsonObject stream = streams[0].toObject();
        QCOMPARE(stream.value(QLatin1String("status")).toString(), QStringLiteral("interrupted"));
        const QJsonArray tracks = stream.value(QLatin1String("track_stats")).toArray();
        QCOMPARE(tracks.size(), 1);
        const QJsonObject inbound = tracks[0].toObject();
        QCOMPARE(inbound.value(QLatin1String("frames")).toInteger(), sent);
        QCOMPARE(inbound.value(QLatin1String("bytes")).toInteger(), sent * 160);
        QCOMPARE(inbound.value(QLatin1String("audio_seconds")).toDouble(), double(sent) * 0.02);
    }
};

QTEST_GUILESS_MAIN(TestHeadlessMedia)
#include "TestHeadlessMedia.moc"
