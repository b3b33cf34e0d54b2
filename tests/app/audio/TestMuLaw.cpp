// SPDX-License-Identifier: GPL-3.0-or-later
// G.711 mu-law: known values from the ITU-T G.711 tables (16-bit scale = 14-bit values x 4),
// exhaustive round-trip properties over every code and every 16-bit sample.
#include "audio/MuLaw.h"

#include <QtTest>
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <numbers>
#include <vector>

using namespace sb::audio;

namespace {
constexpr int segmentOf(uint8_t code)
{
    return ((~code) >> 4) & 0x07;
}

// Compile-time use is part of the contract (the table is constexpr).
static_assert(mulaw::kDecodeTable[0x00] == -32124);
static_assert(mulaw::decodeSample(0x80) == 32124);
static_assert(mulaw::encodeSample(0) == 0xFF);
} // namespace

class TestMuLaw : public QObject
{
    Q_OBJECT

private slots:
    void decodesKnownCodes_data()
    {
        QTest::addColumn<int>("code");
        QTest::addColumn<int>("expected");
        QTest::newRow("0x00 most negative") << 0x00 << -32124;
        QTest::newRow("0x01") << 0x01 << -31100;
        QTest::newRow("0x0F last of segment 7") << 0x0F << -16764;
        QTest::newRow("0x10 first of segment 6") << 0x10 << -15996;
        QTest::newRow("0x70 first of segment 0") << 0x70 << -120;
        QTest::newRow("0x7E smallest negative step") << 0x7E << -8;
        QTest::newRow("0x7F negative zero") << 0x7F << 0;
        QTest::newRow("0x80 most positive") << 0x80 << 32124;
        QTest::newRow("0xDF segment 2 start") << 0xDF << 396;
        QTest::newRow("0xEF segment 1 start (G.711 33)") << 0xEF << 132;
        QTest::newRow("0xF0 segment 0 top (G.711 30)") << 0xF0 << 120;
        QTest::newRow("0xFE smallest positive step") << 0xFE << 8;
        QTest::newRow("0xFF positive zero") << 0xFF << 0;
    }
    void decodesKnownCodes()
    {
        QFETCH(int, code);
        QFETCH(int, expected);
        QCOMPARE(int(mulaw::decodeSample(uint8_t(code))), expected);
        QCOMPARE(int(mulaw::kDecodeTable[size_t(code)]), expected);
    }

    void decodedValuesAreTheG711ReconstructionLevels()
    {
        // G.711 Table 2a on the 14-bit scale: segment s, step m gives ((33 + 2m) << s) - 33.
        for (int code = 0; code < 256; ++code) {
            const int inverted = ~code & 0xFF;
            const int s = (inverted >> 4) & 7;
            const int m = inverted & 15;
            const int level = ((33 + 2 * m) << s) - 33;
            const int expected = (inverted & 0x80) ? -4 * level : 4 * level;
            QCOMPARE(int(mulaw::decodeSample(uint8_t(code))), expected);
        }
    }

    void decodeIsSignSymmetricAndMonotonic()
    {
        for (int code = 0; code < 128; ++code) {
            QCOMPARE(mulaw::decodeSample(uint8_t(code)), int16_t(-mulaw::decodeSample(uint8_t(code | 0x80))));
            if (code > 0) {
                QVERIFY2(mulaw::decodeSample(uint8_t(code)) > mulaw::decodeSample(uint8_t(code - 1)),
                         qPrintable(QString::number(code)));
            }
        }
    }

    void bulkDecodeMatchesSingleSample()
    {
        std::vector<uint8_t> codes(256 * 3);
        for (size_t i = 0; i < codes.size(); ++i)
            codes[i] = uint8_t((i * 7) & 0xFF);
        std::vector<int16_t> out(codes.size(), 12345);
        mulaw::decode(codes.data(), qsizetype(codes.size()), out.data());
        for (size_t i = 0; i < codes.size(); ++i)
            QCOMPARE(out[i], mulaw::decodeSample(codes[i]));

        const QByteArray bytes(reinterpret_cast<const char*>(codes.data()), qsizetype(codes.size()));
        const QList<int16_t> list = mulaw::decode(bytes);
        QCOMPARE(list.size(), bytes.size());
        for (qsizetype i = 0; i < list.size(); ++i)
            QCOMPARE(list[i], out[size_t(i)]);
    }

    void spanDecodeStopsAtTheShorterBuffer()
    {
        const uint8_t codes[4] = {0x00, 0x80, 0xFF, 0x7E};
        int16_t out[3] = {1, 1, 1};
        QCOMPARE(mulaw::decode(std::span<const uint8_t>(codes), std::span<int16_t>(out)), qsizetype(3));
        QCOMPARE(out[0], int16_t(-32124));
        QCOMPARE(out[1], int16_t(32124));
        QCOMPARE(out[2], int16_t(0));

        int16_t wide[6] = {7, 7, 7, 7, 7, 7};
        QCOMPARE(mulaw::decode(std::span<const uint8_t>(codes), std::span<int16_t>(wide)), qsizetype(4));
        QCOMPARE(wide[3], int16_t(-8));
        QCOMPARE(wide[4], int16_t(7)); // untouched beyond the input
    }

    void decodesSilentMediaStreamsFrame()
    {
        // Twilio sends silence as 160 bytes of 0xFF: base64 "////...//w==".
        const QByteArray payload = QByteArray::fromBase64(QByteArray(212, '/') + QByteArrayLiteral("/w=="));
        QCOMPARE(payload.size(), mulaw::kFrameBytes);
        const QList<int16_t> pcm = mulaw::decode(payload);
        QCOMPARE(pcm.size(), mulaw::kFrameBytes);
        QVERIFY(std::all_of(pcm.cbegin(), pcm.cend(), [](int16_t s) { return s == 0; }));
    }

    void encodesKnownValues_data()
    {
        QTest::addColumn<int>("sample");
        QTest::addColumn<int>("expected");
        QTest::newRow("0") << 0 << 0xFF;
        QTest::newRow("+3 rounds to zero") << 3 << 0xFF;
        QTest::newRow("+4 first decision level") << 4 << 0xFE;
        QTest::newRow("-1 is negative zero") << -1 << 0x7F;
        QTest::newRow("-3 is negative zero") << -3 << 0x7F;
        QTest::newRow("-4") << -4 << 0x7E;
        QTest::newRow("+123 top of segment 0") << 123 << 0xF0;
        QTest::newRow("+124 G.711 decision 31") << 124 << 0xEF;
        QTest::newRow("+132") << 132 << 0xEF;
        QTest::newRow("+1000") << 1000 << 0xCE;
        QTest::newRow("-1000") << -1000 << 0x4E;
        QTest::newRow("+32124 max level") << 32124 << 0x80;
        QTest::newRow("+32635 clip level") << 32635 << 0x80;
        QTest::newRow("+32767 clipped") << 32767 << 0x80;
        QTest::newRow("-32768 clipped") << -32768 << 0x00;
    }
    void encodesKnownValues()
    {
        QFETCH(int, sample);
        QFETCH(int, expected);
        QCOMPARE(int(mulaw::encodeSample(int16_t(sample))), expected);
    }

    void everyCodeRoundTripsExceptNegativeZero()
    {
        for (int code = 0; code < 256; ++code) {
            const uint8_t again = mulaw::encodeSample(mulaw::decodeSample(uint8_t(code)));
            if (code == 0x7F)
                QCOMPARE(int(again), 0xFF); // both zero codes decode to 0; encode(0) is +0
            else
                QCOMPARE(int(again), code);
        }
    }

    void everySampleDecodesWithinHalfAStep()
    {
        int worstInRange = 0;
        for (int x = -32768; x <= 32767; ++x) {
            const uint8_t code = mulaw::encodeSample(int16_t(x));
            const int back = mulaw::decodeSample(code);
            const int error = std::abs(back - x);
            if (std::abs(x) <= mulaw::kClip) {
                // Levels in segment s are 8 << s apart; G.711 decision levels lie halfway between.
                if (error > (4 << segmentOf(code)))
                    QFAIL(qPrintable(QStringLiteral("x=%1 -> %2, error %3").arg(x).arg(back).arg(error)));
                worstInRange = std::max(worstInRange, error);
            } else if (back != (x > 0 ? mulaw::kMaxDecoded : -mulaw::kMaxDecoded)) {
                QFAIL(qPrintable(QStringLiteral("clipped x=%1 -> %2").arg(x).arg(back)));
            }
            if ((x > 0 && back < 0) || (x < 0 && back > 0))
                QFAIL(qPrintable(QStringLiteral("sign flipped: %1 -> %2").arg(x).arg(back)));
        }
        QCOMPARE(worstInRange, 512); // half of the 1024 step of segment 7
    }

    void encodingIsMonotonicAndIdempotent()
    {
        int previous = -32768;
        for (int x = -32768; x <= 32767; ++x) {
            const uint8_t code = mulaw::encodeSample(int16_t(x));
            const int level = mulaw::decodeSample(code);
            if (level < previous)
                QFAIL(qPrintable(QStringLiteral("not monotonic at %1").arg(x)));
            previous = level;
            const uint8_t again = mulaw::encodeSample(int16_t(level));
            if (mulaw::decodeSample(again) != level)
                QFAIL(qPrintable(QStringLiteral("re-encoding changed the level at %1").arg(x)));
        }
    }

    void bulkEncodeMatchesSingleSample()
    {
        std::vector<int16_t> pcm;
        for (int x = -32768; x <= 32767; x += 37)
            pcm.push_back(int16_t(x));
        std::vector<uint8_t> out(pcm.size());
        mulaw::encode(pcm.data(), qsizetype(pcm.size()), out.data());
        const QByteArray bytes = mulaw::encode(std::span<const int16_t>(pcm));
        QCOMPARE(bytes.size(), qsizetype(pcm.size()));
        for (size_t i = 0; i < pcm.size(); ++i) {
            QCOMPARE(out[i], mulaw::encodeSample(pcm[i]));
            QCOMPARE(uint8_t(bytes[qsizetype(i)]), out[i]);
        }

        uint8_t shortOut[2] = {0, 0};
        QCOMPARE(mulaw::encode(std::span<const int16_t>(pcm), std::span<uint8_t>(shortOut)), qsizetype(2));
        QCOMPARE(shortOut[1], mulaw::encodeSample(pcm[1]));
    }

    void companderKeepsToneSnrAcrossLevels_data()
    {
        QTest::addColumn<double>("amplitude");
        QTest::newRow("-6 dBFS") << 16384.0;
        QTest::newRow("-21 dBFS") << 3000.0;
    }
    void companderKeepsToneSnrAcrossLevels()
    {
        // One second of a 1013 Hz tone (not a divisor of 8 kHz, so every phase is visited):
        // what the simulator sends. G.711 keeps the SNR near 37 dB whatever the level.
        QFETCH(double, amplitude);
        std::vector<int16_t> tone(size_t(mulaw::kSampleRate));
        for (size_t i = 0; i < tone.size(); ++i) {
            const double phase = 2.0 * std::numbers::pi * 1013.0 * double(i) / mulaw::kSampleRate;
            tone[i] = int16_t(std::lround(amplitude * std::sin(phase)));
        }
        const QByteArray encoded = mulaw::encode(std::span<const int16_t>(tone));
        QCOMPARE(encoded.size(), qsizetype(tone.size()));
        const QList<int16_t> back = mulaw::decode(encoded);
        double signal = 0, noise = 0;
        for (size_t i = 0; i < tone.size(); ++i) {
            signal += double(tone[i]) * tone[i];
            const double e = double(back[qsizetype(i)]) - tone[i];
            noise += e * e;
        }
        const double snrDb = 10.0 * std::log10(signal / noise);
        QVERIFY2(snrDb > 35.0 && snrDb < 40.0, qPrintable(QString::number(snrDb)));
    }
};

QTEST_GUILESS_MAIN(TestMuLaw)
#include "TestMuLaw.moc"
