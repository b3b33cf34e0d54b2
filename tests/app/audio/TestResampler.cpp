// SPDX-License-Identifier: GPL-3.0-or-later
// Resampler: a 1 kHz tone keeps its frequency (Goertzel power and zero crossings) and level through
// 8 kHz <-> 48 kHz / 44.1 kHz, fed frame by frame; output length follows the ratio.
#include "AudioTestSupport.h"
#include "audio/Resampler.h"

#include <QtTest>
#include <cmath>
#include <numbers>
#include <vector>

using namespace sb::audio;

namespace {
std::vector<int16_t> tone(double hz, int rate, int count, double amplitude)
{
    std::vector<int16_t> s(size_t(count), 0);
    for (int n = 0; n < count; ++n)
        s[size_t(n)] = int16_t(std::lrint(amplitude * std::sin(2.0 * std::numbers::pi * hz * n / rate)));
    return s;
}

double rms(const int16_t* s, size_t n)
{
    double sum = 0.0;
    for (size_t i = 0; i < n; ++i)
        sum += double(s[i]) * s[i];
    return std::sqrt(sum / double(n));
}

/// Power at `hz` (Goertzel), normalised so a sine of amplitude A gives A^2/4.
double goertzel(const int16_t* s, size_t n, double hz, int rate)
{
    return sb::test::goertzelPower(s, n, hz, rate) / (double(n) * double(n));
}

int zeroCrossings(const int16_t* s, size_t n)
{
    int crossings = 0;
    for (size_t i = 1; i < n; ++i)
        if ((s[i - 1] < 0) != (s[i] < 0))
            ++crossings;
    return crossings;
}

/// Resamples `in` in chunks of `chunk` input samples, as a frame-driven caller would.
std::vector<int16_t> run(Resampler& r, const std::vector<int16_t>& in, int chunk)
{
    std::vector<int16_t> out;
    std::vector<int16_t> buffer(size_t(r.maxOutput(chunk)));
    for (size_t pos = 0; pos < in.size();) {
        const qsizetype n = std::min<qsizetype>(chunk, qsizetype(in.size() - pos));
        const auto done = r.process(in.data() + pos, n, buffer.data(), qsizetype(buffer.size()));
        if (done.consumed == 0 && done.produced == 0)
            break;
        pos += size_t(done.consumed);
        out.insert(out.end(), buffer.begin(), buffer.begin() + done.produced);
    }
    return out;
}
} // namespace

class TestResampler : public QObject
{
    Q_OBJECT

private slots:
    void toneKeepsFrequencyAndLevel_data()
    {
        QTest::addColumn<int>("inRate");
        QTest::addColumn<int>("outRate");
        QTest::newRow("8k -> 48k (playback)") << 8000 << 48000;
        QTest::newRow("8k -> 44.1k (playback)") << 8000 << 44100;
        QTest::newRow("48k -> 8k (microphone)") << 48000 << 8000;
        QTest::newRow("44.1k -> 8k (microphone)") << 44100 << 8000;
    }
    void toneKeepsFrequencyAndLevel()
    {
        QFETCH(int, inRate);
        QFETCH(int, outRate);
        Resampler r(inRate, outRate);
        QVERIFY(r.isValid());
        QCOMPARE(r.quality(), Resampler::kDefaultQuality);
        const int seconds = 2;
        const std::vector<int16_t> in = tone(1000.0, inRate, inRate * seconds, 10000.0);
        const std::vector<int16_t> out = run(r, in, inRate / 50); // 20 ms per call

        // Length follows the ratio (the filter delays the audio, it does not hold samples back).
        const double expected = double(in.size()) * outRate / inRate;
        QVERIFY2(std::abs(double(out.size()) - expected) <= 2.0,
                 QByteArray::number(qulonglong(out.size())).constData());

        // Steady state: skip the first 100 ms (filter start-up), look at one whole second.
        const size_t skip = size_t(outRate / 10);
        const size_t n = size_t(outRate);
        QVERIFY(out.size() >= skip + n);
        const int16_t* s = out.data() + skip;
        const double levelDb = 20.0 * std::log10(rms(s, n) / rms(in.data(), in.size()));
        QVERIFY2(std::abs(levelDb) < 1.0, QByteArray::number(levelDb).constData());
        QVERIFY2(std::abs(levelDb) < 0.1, QByteArray::number(levelDb).constData()); // in fact much closer
        const int crossings = zeroCrossings(s, n); // 1000 periods in one second: 2000 ± the window's edges
        QVERIFY2(std::abs(crossings - 2000) <= 2, QByteArray::number(crossings).constData());
        const double at1k = goertzel(s, n, 1000.0, outRate);
        QVERIFY(std::abs(10.0 * std::log10(at1k / (10000.0 * 10000.0 / 4.0))) < 1.0);
        for (double other : {900.0, 1100.0, 2000.0, 3000.0})
            QVERIFY2(goertzel(s, n, other, outRate) < at1k * 1e-4, QByteArray::number(other).constData());
    }

    void latencyIsAsDocumented()
    {
        QCOMPARE(Resampler(8000, 48000).inputLatency(), 40); // 5 ms at quality 5
        QCOMPARE(Resampler(48000, 8000).inputLatency(), 240);
    }

    void arbitraryChunksGiveTheSameAudio()
    {
        const std::vector<int16_t> in = tone(440.0, 8000, 8000, 12000.0);
        Resampler whole(8000, 48000);
        Resampler pieces(8000, 48000);
        const std::vector<int16_t> a = run(whole, in, 8000);
        const std::vector<int16_t> b = run(pieces, in, 37);
        const size_t n = std::min(a.size(), b.size());
        QVERIFY(n > 47000);
        for (size_t i = 0; i < n; ++i)
            QVERIFY(std::abs(int(a[i]) - int(b[i])) <= 1);
    }

    void smallOutputBufferConsumesOnlyWhatFits()
    {
        Resampler r(8000, 48000);
        const std::vector<int16_t> in = tone(1000.0, 8000, 160, 10000.0);
        int16_t out[60];
        const auto done = r.process(in.data(), 160, out, 60);
        QVERIFY(done.consumed > 0 && done.consumed < 160);
        QVERIFY(done.produced <= 60);
    }

    void resetStartsFromSilence()
    {
        Resampler r(8000, 48000);
        const std::vector<int16_t> in = tone(1000.0, 8000, 160, 10000.0);
        std::vector<int16_t> first(size_t(r.maxOutput(160)));
        std::vector<int16_t> second(first.size());
        const auto a = r.process(in.data(), 160, first.data(), qsizetype(first.size()));
        r.reset();
        const auto b = r.process(in.data(), 160, second.data(), qsizetype(second.size()));
        QCOMPARE(a.produced, b.produced);
        QVERIFY(first == second);
    }

    void invalidArgumentsGiveAnInvalidResampler()
    {
        Resampler zero(0, 48000);
        QVERIFY(!zero.isValid());
        Resampler badQuality(8000, 48000, 11);
        QVERIFY(!badQuality.isValid());
        int16_t in[4] = {1, 2, 3, 4};
        int16_t out[32];
        const auto done = zero.process(in, 4, out, 32);
        QCOMPARE(done.consumed, 0);
        QCOMPARE(done.produced, 0);
        QCOMPARE(zero.maxOutput(160), 0);
    }
};

QTEST_GUILESS_MAIN(TestResampler)
#include "TestResampler.moc"
