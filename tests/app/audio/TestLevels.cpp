// SPDX-License-Identifier: GPL-3.0-or-later
// Levels: dBFS of known signals; the voice activity detector on synthetic speech-like bursts over
// noise, on steady noise and on a background that steps up.
#include "audio/Levels.h"

#include <QtTest>
#include <cmath>
#include <numbers>
#include <vector>

using namespace sb::audio;

namespace {
constexpr int kN = 160; // 20 ms at 8 kHz

struct Noise
{
    uint32_t state = 12345;
    /// Uniform white noise of the given RMS (uniform on [-a, a] has RMS a / sqrt(3)).
    int16_t next(double rms)
    {
        state = state * 1664525u + 1013904223u;
        const double u = double(state >> 8) / double(1u << 24) * 2.0 - 1.0;
        return int16_t(std::lrint(u * rms * std::sqrt(3.0)));
    }
};

double dbToRms(double db)
{
    return 32768.0 * std::pow(10.0, db / 20.0);
}

/// A 20 ms frame: noise at `noiseDb` RMS, plus (when `voiced`) a 150 Hz buzz with harmonics and a
/// 4 Hz syllable envelope at about `voiceDb` RMS.
std::vector<int16_t> frame(Noise& noise, int index, double noiseDb, bool voiced, double voiceDb = -20.0)
{
    std::vector<int16_t> f(kN);
    const double noiseRms = dbToRms(noiseDb);
    const double voiceAmp = dbToRms(voiceDb) * std::sqrt(2.0) / 0.9;
    for (int i = 0; i < kN; ++i) {
        const double t = (double(index) * kN + i) / 8000.0;
        double v = 0.0;
        if (voiced) {
            const double envelope = 0.6 + 0.4 * std::sin(2.0 * std::numbers::pi * 4.0 * t);
            for (int h = 1; h <= 4; ++h)
                v += std::sin(2.0 * std::numbers::pi * 150.0 * h * t) / h;
            v *= voiceAmp * envelope / 1.5;
        }
        f[size_t(i)] = int16_t(std::clamp(std::lrint(v) + noise.next(noiseRms), -32768L, 32767L));
    }
    return f;
}
} // namespace

class TestLevels : public QObject
{
    Q_OBJECT

private slots:
    void fullScaleSine()
    {
        std::vector<int16_t> s(kN);
        for (int i = 0; i < kN; ++i) // 1 kHz: 20 whole periods per frame
            s[size_t(i)] = int16_t(std::lrint(32767.0 * std::sin(2.0 * std::numbers::pi * 1000.0 * i / 8000.0)));
        const FrameLevels l = measureLevels(s.data(), kN);
        QVERIFY2(std::abs(l.rmsDb - (-3.0103)) < 0.005, QByteArray::number(l.rmsDb).constData());
        QVERIFY2(std::abs(l.peakDb) < 0.001, QByteArray::number(l.peakDb).constData());
        QCOMPARE(rmsDbfs(s.data(), kN), l.rmsDb);
        QCOMPARE(peakDbfs(s.data(), kN), l.peakDb);
    }

    void knownLevels()
    {
        std::vector<int16_t> s(kN, int16_t(-32768));
        QCOMPARE(peakDbfs(s.data(), kN), 0.0);
        QCOMPARE(rmsDbfs(s.data(), kN), 0.0);         // full-scale square wave / DC
        std::fill(s.begin(), s.end(), int16_t(3277)); // 0.1 of full scale: -20 dB
        QVERIFY(std::abs(rmsDbfs(s.data(), kN) + 20.0) < 0.01);
        std::fill(s.begin(), s.end(), int16_t(0));
        s[7] = 1; // one LSB: peak -90.3 dBFS, RMS far below the floor
        QVERIFY(std::abs(peakDbfs(s.data(), kN) + 90.309) < 0.01);
        QCOMPARE(rmsDbfs(s.data(), kN), kSilenceFloorDb);
    }

    void silenceIsTheFloor()
    {
        const std::vector<int16_t> s(kN, 0);
        const FrameLevels l = measureLevels(s.data(), kN);
        QCOMPARE(l.rmsDb, kSilenceFloorDb);
        QCOMPARE(l.peakDb, kSilenceFloorDb);
        QCOMPARE(measureLevels(nullptr, 0).rmsDb, kSilenceFloorDb);
        VoiceActivityDetector vad;
        for (int k = 0; k < 100; ++k)
            QVERIFY(!vad.process(s.data(), kN));
        QCOMPARE(vad.noiseFloorDb(), kSilenceFloorDb);
    }

    void steadyNoiseNeverTriggers_data()
    {
        QTest::addColumn<double>("noiseDb");
        QTest::newRow("-60 dBFS") << -60.0;
        QTest::newRow("-40 dBFS") << -40.0;
        QTest::newRow("-20 dBFS (loud fan)") << -20.0;
    }
    void steadyNoiseNeverTriggers()
    {
        QFETCH(double, noiseDb);
        Noise noise;
        VoiceActivityDetector vad;
        for (int k = 0; k < 500; ++k) { // 10 s
            const auto f = frame(noise, k, noiseDb, false);
            QVERIFY2(!vad.process(f.data(), kN), QByteArray::number(k).constData());
        }
        QVERIFY(std::abs(vad.noiseFloorDb() - noiseDb) < 2.0);
    }

    void speechBurstsSwitchOnAndOffAfterTheHangover()
    {
        // 1 s of noise at -50 dBFS, then three bursts of 600 ms at about -20 dBFS, 1 s apart.
        Noise noise;
        VoiceActivityDetector vad;
        int k = 0;
        for (; k < 50; ++k) {
            const auto f = frame(noise, k, -50.0, false);
            QVERIFY(!vad.process(f.data(), kN));
        }
        for (int burst = 0; burst < 3; ++burst) {
            for (int j = 0; j < 30; ++j, ++k) {
                const auto f = frame(noise, k, -50.0, true);
                QVERIFY2(vad.process(f.data(), kN), QByteArray::number(k).constData()); // on from the first frame
            }
            for (int j = 1; j <= 50; ++j, ++k) {
                const auto f = frame(noise, k, -50.0, false);
                const bool active = vad.process(f.data(), kN);
                // 300 ms hangover: on through the 15th quiet frame, off from the 16th.
                QVERIFY2(active == (j <= 15), QByteArray::number(j).constData());
            }
            QVERIFY(vad.noiseFloorDb() < -48.0);
        }
    }

    void quietSpeechOverSilenceNeedsTheAbsoluteGate()
    {
        // Hiss at -70 dBFS after digital silence: 26 dB above the floor, but below minSpeechDb.
        Noise noise;
        VoiceActivityDetector vad;
        const std::vector<int16_t> zeros(kN, 0);
        for (int k = 0; k < 10; ++k)
            vad.process(zeros.data(), kN);
        for (int k = 10; k < 60; ++k) {
            const auto f = frame(noise, k, -70.0, false);
            QVERIFY(!vad.process(f.data(), kN));
        }
    }

    void louderBackgroundIsLearnt()
    {
        Noise noise;
        VoiceActivityDetector vad;
        int k = 0;
        for (; k < 100; ++k) {
            const auto f = frame(noise, k, -60.0, false);
            vad.process(f.data(), kN);
        }
        // The background steps up by 20 dB: taken for speech at first, learnt after about
        // (20 - 6) / 5 = 2.8 s plus the 300 ms hangover (155 frames).
        int lastActive = -1;
        for (int j = 0; j < 250; ++j, ++k) {
            const auto f = frame(noise, k, -40.0, false);
            if (vad.process(f.data(), kN))
                lastActive = j;
        }
        QVERIFY(lastActive >= 0);
        QVERIFY2(lastActive >= 145 && lastActive <= 165, QByteArray::number(lastActive).constData());
        QVERIFY(std::abs(vad.noiseFloorDb() + 40.0) < 2.0);
    }

    void resetForgetsTheFloor()
    {
        Noise noise;
        VoiceActivityDetector vad;
        const auto loud = frame(noise, 0, -20.0, false);
        vad.process(loud.data(), kN);
        QVERIFY(vad.noiseFloorDb() > -25.0);
        vad.reset();
        QCOMPARE(vad.noiseFloorDb(), kSilenceFloorDb);
        QVERIFY(!vad.isActive());
    }
};

QTEST_GUILESS_MAIN(TestLevels)
#include "TestLevels.moc"
