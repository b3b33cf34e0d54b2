// SPDX-License-Identifier: GPL-3.0-or-later
// PlayoutDevice without a device: frames pushed into the feed's ring come out of readData() as
// 48 kHz stereo, inbound left of centre and outbound right; frames of an older listen() are not
// played; levels and voice activity are published; every read is filled whole.
#include "listen/PlayoutDevice.h"

#include <QtTest>
#include <cmath>
#include <numbers>

using namespace sb;
using namespace sb::listen;

namespace {

audio::LiveFrame toneFrame(uint32_t generation, int track, uint32_t index, double hz, double amplitude)
{
    audio::LiveFrame f;
    f.generation = generation;
    f.track = uint8_t(track);
    f.sequence = index + 1;
    f.timestampMs = int64_t(index) * 20;
    f.arrivalMs = int64_t(index) * 20;
    for (int i = 0; i < audio::LiveFrame::kSamples; ++i) {
        const double t = (double(index) * 160 + i) / 8000.0;
        f.pcm[size_t(i)] = int16_t(std::lrint(amplitude * std::sin(2.0 * std::numbers::pi * hz * t)));
    }
    return f;
}

QAudioFormat stereo48k()
{
    QAudioFormat format;
    format.setSampleRate(48000);
    format.setChannelCount(2);
    format.setSampleFormat(QAudioFormat::Int16);
    return format;
}

/// RMS of one channel of interleaved stereo.
double channelRms(const QByteArray& bytes, int channel)
{
    const auto* s = reinterpret_cast<const int16_t*>(bytes.constData());
    const qsizetype frames = bytes.size() / 4;
    double sum = 0.0;
    for (qsizetype i = 0; i < frames; ++i)
        sum += double(s[2 * i + channel]) * s[2 * i + channel];
    return frames > 0 ? std::sqrt(sum / double(frames)) : 0.0;
}

} // namespace

class TestPlayoutDevice : public QObject
{
    Q_OBJECT

private slots:
    void silenceWhenNothingArrived()
    {
        auto feed = std::make_shared<LiveFeed>();
        PlayoutDevice device(feed, stereo48k());
        QVERIFY(device.open(QIODevice::ReadOnly | QIODevice::Unbuffered));
        const QByteArray out = device.read(48000 * 4 / 10); // 100 ms
        QCOMPARE(out.size(), 48000 * 4 / 10);
        QCOMPARE(channelRms(out, 0), 0.0);
        QVERIFY(feed->ticks.load() >= 5);
    }

    void playsTheListenedCallPannedAndMeasured()
    {
        auto feed = std::make_shared<LiveFeed>();
        feed->generation = 7;
        PlayoutDevice device(feed, stereo48k());
        QVERIFY(device.open(QIODevice::ReadOnly | QIODevice::Unbuffered));
        // A stale frame of an earlier listen() is never played.
        feed->ring.push(toneFrame(6, 1, 0, 1000.0, 20000.0));
        QByteArray out;
        for (uint32_t i = 0; i < 40; ++i) { // 800 ms of inbound tone, read at the device's pace
            feed->ring.push(toneFrame(7, 0, i, 440.0, 16000.0));
            out += device.read(48 * 20 * 4);
        }
        // The jitter buffer waits for its target depth, then plays: the last 300 ms are tone.
        const QByteArray tail = out.right(48 * 300 * 4);
        const double left = channelRms(tail, 0);
        const double right = channelRms(tail, 1);
        // Inbound is panned half left: cos(π/8) ≈ 0.924 left, sin(π/8) ≈ 0.383 right of the
        // tone's RMS (16000/√2 ≈ 11314).
        QVERIFY2(std::abs(left - 11314 * 0.924) < 600, qPrintable(QString::number(left)));
        QVERIFY2(std::abs(right - 11314 * 0.383) < 400, qPrintable(QString::number(right)));
        QVERIFY(feed->meters[0].rmsDb.load() > -10.0f);
        QVERIFY(feed->meters[0].talking.load());
        QCOMPARE(feed->meters[1].rmsDb.load(), -96.0f); // outbound: the stale frame was dropped
    }

    void anyReadSizeIsFilledWhole()
    {
        auto feed = std::make_shared<LiveFeed>();
        PlayoutDevice device(feed, stereo48k());
        QVERIFY(device.open(QIODevice::ReadOnly | QIODevice::Unbuffered));
        for (const qint64 size : {4, 44, 4000, 3840, 12, 100000})
            QCOMPARE(device.read(size).size(), size);
        QCOMPARE(device.read(3).size(), 0); // less than one stereo frame (unbuffered: no read-ahead)
    }

    void otherFormatsAreConverted()
    {
        auto feed = std::make_shared<LiveFeed>();
        QAudioFormat mono44;
        mono44.setSampleRate(44100);
        mono44.setChannelCount(1);
        mono44.setSampleFormat(QAudioFormat::Float);
        PlayoutDevice device(feed, mono44);
        QVERIFY(device.open(QIODevice::ReadOnly | QIODevice::Unbuffered));
        QByteArray out;
        for (uint32_t i = 0; i < 40; ++i) {
            feed->ring.push(toneFrame(0, 1, i, 440.0, 16000.0));
            out += device.read(882 * 4);
        }
        const auto* f = reinterpret_cast<const float*>(out.constData());
        float peak = 0.0f;
        for (qsizetype i = out.size() / 4 - 4410; i < out.size() / 4; ++i)
            peak = std::max(peak, std::abs(f[i]));
        // Outbound at (cos + sin)(π/8) / 2 ≈ 0.653 of 16000/32768 in the mono average.
        QVERIFY2(std::abs(peak - 0.653f * 16000.0f / 32768.0f) < 0.03f, qPrintable(QString::number(peak)));
    }
};

QTEST_APPLESS_MAIN(TestPlayoutDevice)
#include "TestPlayoutDevice.moc"
