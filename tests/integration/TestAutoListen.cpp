// SPDX-License-Identifier: GPL-3.0-or-later
// Live listening through a real audio server: the real binary with --auto-listen plays a call's
// Media Stream on the default output, a PulseAudio null sink (tests/support/with-audio.sh), and
// parec records the sink's monitor. The call sends 440 Hz for 1 s then 880 Hz for 1 s; the
// recording must hold exactly that: the 440 run, then the 880 run, with no silent window between
// or inside them. And it follows the newest live call as calls start and end.
#include "AudioTestSupport.h"
#include "HeadlessApp.h"
#include "audio/MuLaw.h"
#include "twilio/MediaMessages.h"
#include "twilio/Signature.h"

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QWebSocket>
#include <QtTest>
#include <cmath>
#include <numbers>

using namespace sb;
using namespace sb::test;

namespace {

const QString kAccount = QStringLiteral("AC0123456789abcdef0123456789abcdef");
const QString kCall = QStringLiteral("CA%1").arg(41, 32, 16, QLatin1Char('0'));
const QString kStream = QStringLiteral("MZ%1").arg(41, 32, 16, QLatin1Char('0'));

constexpr int kRate = 8000;
constexpr int kWindow = 400; ///< 50 ms analysis windows: 440 and 880 Hz fall on whole bins
/// A tone window: its tone's amplitude at least kMinTone (about −30 dBFS; the tone is sent at
/// −6 dBFS and reaches the mono recording at about −10 dBFS after the pan and PulseAudio's
/// downmix) and at least 12 dB over the other tone. A silent window: RMS below kSilentRms
/// (about −50 dBFS).
constexpr double kMinTone = 1000.0;
constexpr double kToneOverOther = 4.0;
constexpr double kSilentRms = 100.0;

/// Amplitude of the `hz` component of `n` samples (Goertzel).
double toneAmplitude(const int16_t* s, int n, double hz)
{
    const double power = test::goertzelPower(s, size_t(n), hz, kRate);
    return 2.0 * std::sqrt(std::max(power, 0.0)) / n;
}

/// One letter per 50 ms window of the recording: 'a' 440 Hz, 'b' 880 Hz, '.' silence, '?' other.
QString classify(const QByteArray& raw)
{
    const auto* s = reinterpret_cast<const int16_t*>(raw.constData());
    const qsizetype windows = raw.size() / 2 / kWindow;
    QString out;
    for (qsizetype w = 0; w < windows; ++w) {
        const int16_t* x = s + w * kWindow;
        double energy = 0.0;
        for (int i = 0; i < kWindow; ++i)
            energy += double(x[i]) * x[i];
        const double rms = std::sqrt(energy / kWindow);
        const double a = toneAmplitude(x, kWindow, 440.0);
        const double b = toneAmplitude(x, kWindow, 880.0);
        if (rms < kSilentRms)
            out += QLatin1Char('.');
        else if (a >= kMinTone && a >= kToneOverOther * b)
            out += QLatin1Char('a');
        else if (b >= kMinTone && b >= kToneOverOther * a)
            out += QLatin1Char('b');
        else
            out += QLatin1Char('?');
    }
    return out;
}

/// 20 ms mu-law frames: `silence` frames of silence, 1 s of 440 Hz, 1 s of 880 Hz, `silence`
/// frames of silence. Both tones at half of full scale, phase-continuous.
QList<QByteArray> tonePattern(int silence)
{
    QList<QByteArray> frames;
    const QByteArray quiet(160, char(0xff)); // mu-law 0xFF is 0
    for (int i = 0; i < silence; ++i)
        frames << quiet;
    double phase = 0.0;
    for (const double hz : {440.0, 880.0}) {
        for (int f = 0; f < 50; ++f) {
            std::vector<int16_t> pcm(160);
            for (int16_t& v : pcm) {
                v = int16_t(std::lrint(16384.0 * std::sin(phase)));
                phase += 2.0 * std::numbers::pi * hz / kRate;
            }
            frames << audio::mulaw::encode(std::span<const int16_t>(pcm));
        }
    }
    for (int i = 0; i < silence; ++i)
        frames << quiet;
    return frames;
}

} // namespace

class TestAutoListen : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY2(!qEnvironmentVariableIsEmpty("SB_AUDIO_SINK"), "run under tests/support/with-audio.sh");
    }

    void theNewestCallIsHeardOnTheDefaultOutputAsItHappens()
    {
        QTemporaryDir dir;
        const QString recording = dir.filePath(QStringLiteral("monitor.raw"));
        QProcess parec;
        parec.setStandardOutputFile(recording);
        parec.start(QStringLiteral("parec"),
                    {QStringLiteral("-d"),
                     qEnvironmentVariable("SB_AUDIO_SINK") + QStringLiteral(".monitor"),
                     QStringLiteral("--format=s16le"),
                     QStringLiteral("--rate=8000"),
                     QStringLiteral("--channels=1"),
                     QStringLiteral("--raw"),
                     QStringLiteral("--latency-msec=20")});
        QVERIFY2(parec.waitForStarted(10000), qPrintable(parec.errorString()));
        // A fresh null sink's monitor sends nothing for a second or two: wait until it records
        // (0.5 s of it), so that the recording covers the whole call.
        QVERIFY2(QTest::qWaitFor([&] { return QFileInfo(recording).size() >= 8000; }, 60000),
                 "the null sink's monitor records nothing");

        HeadlessApp app(dir.filePath(QStringLiteral("data")), {QStringLiteral("--auto-listen")});
        QVERIFY2(app.start(), qPrintable(app.output()));
        const HttpResult voice = postSigned(
            app.baseUrl() + QStringLiteral("/voice"), callParams(kCall, QStringLiteral("ringing")), kAuthToken);
        QCOMPARE(voice.status, 200);
        const QString token = twimlParameter(voice.body, QStringLiteral("callToken"));
        QVERIFY(!token.isEmpty());
        // The newest live call is chosen and the default output (the null sink) opened.
        QVERIFY2(app.waitForLine(QStringLiteral("audio: listening to ") + kCall), qPrintable(app.output()));
        QVERIFY2(app.waitForLine(QStringLiteral("audio: playing on")), qPrintable(app.output()));

        QWebSocket socket;
        QNetworkRequest request{QUrl(app.streamUrl())};
        request.setRawHeader("X-Twilio-Signature", twilio::signature::compute(kAuthToken, app.streamUrl()));
        QSignalSpy connected(&socket, &QWebSocket::connected);
        socket.open(request);
        QVERIFY(connected.wait(10000));
        auto send = [&socket](const QByteArray& json) { socket.sendTextMessage(QString::fromUtf8(json)); };
        send(twilio::toJson(twilio::ConnectedMessage{}));
        twilio::StartMessage start;
        start.streamSid = kStream;
        start.accountSid = kAccount;
        start.callSid = kCall;
        start.customParameters = {{QStringLiteral("callToken"), token}};
        send(twilio::toJson(start));

        // Real time, as Twilio sends it: frame i is due at i × 20 ms; the test keeps 200 ms ahead
        // so that a stalled test process never starves the jitter buffer (early frames wait there).
        const QList<QByteArray> frames = tonePattern(25);
        QElapsedTimer clock;
        clock.start();
        qint64 sequence = 1;
        for (qsizetype i = 0; i < frames.size();) {
            const qsizetype due = qMin<qsizetype>(frames.size(), clock.elapsed() / 20 + 10);
            for (; i < due; ++i) {
                twilio::MediaMessage m;
                m.sequenceNumber = ++sequence;
                m.streamSid = kStream;
                m.track = twilio::MediaTrack::Inbound;
                m.chunk = i + 1;
                m.timestamp = i * 20;
                m.payload = frames[i];
                send(twilio::toJson(m));
            }
            QTest::qWait(5); // pacing of the sender, not a wait for a condition
        }

        // Wait for the sound, not for a time: the null sink holds a second or more at first.
        QString seen;
        QVERIFY2(QTest::qWaitFor(
                     [&] {
                         QFile f(recording);
                         if (!f.open(QIODevice::ReadOnly))
                             return false;
                         seen = classify(f.readAll());
                         const qsizetype end = seen.lastIndexOf(QLatin1Char('b'));
                         return end > 0 && seen.indexOf(QStringLiteral("....."), end) > end;
                     },
                     60000),
                 qPrintable(QStringLiteral("recording: ") + seen + QStringLiteral("\n") + app.output()));

        twilio::StopMessage stop;
        stop.sequenceNumber = ++sequence;
        stop.streamSid = kStream;
        stop.accountSid = kAccount;
        stop.callSid = kCall;
        send(twilio::toJson(stop));
        parec.terminate();
        parec.waitForFinished(10000);

        // The tone sequence: 440 Hz then 880 Hz, each about 1 s (20 windows), in that order, with
        // no silent window from the first 440 Hz window to the last 880 Hz one. A window may be
        // neither tone ('?'): the one holding both, and those where the jitter buffer's drift
        // correction cross-faded two frames (the test sends 200 ms ahead, so it does so a few
        // times a second); those are sound, not gaps, and few.
        const QString why = QStringLiteral("recording (50 ms windows): ") + seen;
        qInfo().noquote() << why;
        const qsizetype first = seen.indexOf(QLatin1Char('a'));
        const qsizetype last = seen.lastIndexOf(QLatin1Char('b'));
        QVERIFY2(first >= 0 && last > first, qPrintable(why));
        const QString tones = seen.mid(first, last - first + 1);
        QVERIFY2(!tones.contains(QLatin1Char('.')), qPrintable(why));                                     // no gap
        QVERIFY2(tones.lastIndexOf(QLatin1Char('a')) < tones.indexOf(QLatin1Char('b')), qPrintable(why)); // order
        QVERIFY2(tones.count(QLatin1Char('a')) >= 16 && tones.count(QLatin1Char('a')) <= 21, qPrintable(why));
        QVERIFY2(tones.count(QLatin1Char('b')) >= 16 && tones.count(QLatin1Char('b')) <= 21, qPrintable(why));
        QVERIFY2(tones.count(QLatin1Char('?')) <= 5, qPrintable(why));
        // Around them only silence (a window on each edge may hold a tone's start or end):
        // nothing was heard that the call did not send.
        const QString before = seen.left(qMax<qsizetype>(0, first - 1));
        const QString after = seen.mid(last + 2);
        QVERIFY2(!before.isEmpty() && before.count(QLatin1Char('.')) == before.size(), qPrintable(why));
        QVERIFY2(after.size() >= 3 && after.count(QLatin1Char('.')) == after.size(), qPrintable(why));

        QCOMPARE(app.terminate(), 0);
    }

    void theNewestLiveCallIsFollowed()
    {
        QTemporaryDir dir;
        HeadlessApp app(dir.filePath(QStringLiteral("data")), {QStringLiteral("--auto-listen")});
        QVERIFY2(app.start(), qPrintable(app.output()));
        const QString older = QStringLiteral("CA%1").arg(51, 32, 16, QLatin1Char('0'));
        const QString newer = QStringLiteral("CA%1").arg(52, 32, 16, QLatin1Char('0'));
        const auto post = [&app](const QString& path, const QString& call, const QString& status) {
            return postSigned(app.baseUrl() + path, callParams(call, status), kAuthToken).status;
        };
        const QString listeningOlder = QStringLiteral("audio: listening to ") + older;
        const QString listeningNewer = QStringLiteral("audio: listening to ") + newer;

        QCOMPARE(post(QStringLiteral("/voice"), older, QStringLiteral("ringing")), 200);
        QVERIFY2(app.waitForLine(listeningOlder), qPrintable(app.output()));
        // A newer call starts: it is played.
        QCOMPARE(post(QStringLiteral("/voice"), newer, QStringLiteral("ringing")), 200);
        QVERIFY2(app.waitForLine(listeningNewer), qPrintable(app.output()));
        // It ends: back to the newest call still live.
        QCOMPARE(post(QStringLiteral("/status"), newer, QStringLiteral("completed")), 200);
        QVERIFY2(app.waitForLineCount(listeningOlder, 2), qPrintable(app.output()));
        // The last live call ends: nothing is played and the output is closed.
        QCOMPARE(post(QStringLiteral("/status"), older, QStringLiteral("completed")), 200);
        QVERIFY2(app.waitForLine(QStringLiteral("audio: not listening")), qPrintable(app.output()));
        QVERIFY2(app.waitForLine(QStringLiteral("audio: output closed")), qPrintable(app.output()));
        QCOMPARE(app.output().count(listeningNewer), 1);
        QVERIFY2(!app.output().contains(QStringLiteral("audio: error")), qPrintable(app.output()));
        QCOMPARE(app.terminate(), 0);
    }
};

QTEST_MAIN(TestAutoListen)
#include "TestAutoListen.moc"
