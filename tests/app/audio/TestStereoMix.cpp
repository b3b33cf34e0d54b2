// SPDX-License-Identifier: GPL-3.0-or-later
// StereoMix: equal-power pan, gain in dB, mute with a one-frame ramp, saturation instead of wrap.
#include "audio/StereoMix.h"

#include <QtTest>
#include <cmath>
#include <numbers>
#include <vector>

using namespace sb::audio;

namespace {
constexpr int kN = 160;
using Settings = StereoMix::TrackSettings;

std::vector<int16_t> tone(double hz, double amplitude)
{
    std::vector<int16_t> s(kN);
    for (int i = 0; i < kN; ++i)
        s[size_t(i)] = int16_t(std::lrint(amplitude * std::sin(2.0 * std::numbers::pi * hz * i / 8000.0)));
    return s;
}

std::vector<int16_t> mixOnce(StereoMix& m, const int16_t* in, const int16_t* out)
{
    std::vector<int16_t> stereo(2 * kN, 12345);
    m.mix(in, out, kN, stereo.data());
    return stereo;
}
} // namespace

class TestStereoMix : public QObject
{
    Q_OBJECT

private slots:
    void defaultsPutBothTracksInTheCentre()
    {
        StereoMix m;
        const auto a = tone(1000, 20000);
        const auto st = mixOnce(m, a.data(), nullptr);
        for (int i = 0; i < kN; ++i) {
            const int expected = int(std::lrint(a[size_t(i)] / std::sqrt(2.0)));
            QVERIFY(std::abs(st[size_t(2 * i)] - expected) <= 1);
            QVERIFY(std::abs(st[size_t(2 * i + 1)] - expected) <= 1);
        }
        QCOMPARE(m.clippedSamples(), 0u);
    }

    void hardPanSeparatesTheTracksBitExactly()
    {
        StereoMix m;
        m.setTrack(StereoMix::Track::Inbound, Settings{0.0, false, -1.0});
        m.setTrack(StereoMix::Track::Outbound, Settings{0.0, false, 1.0});
        const auto a = tone(1000, 30000);
        const auto b = tone(300, -25000);
        mixOnce(m, a.data(), b.data()); // the ramp from the centre
        const auto st = mixOnce(m, a.data(), b.data());
        for (int i = 0; i < kN; ++i) {
            QCOMPARE(st[size_t(2 * i)], a[size_t(i)]);
            QCOMPARE(st[size_t(2 * i + 1)], b[size_t(i)]);
        }
    }

    void panIsEqualPower_data()
    {
        QTest::addColumn<double>("pan");
        for (double p : {-1.0, -0.5, 0.0, 0.3, 0.75, 1.0})
            QTest::newRow(QByteArray::number(p).constData()) << p;
    }
    void panIsEqualPower()
    {
        QFETCH(double, pan);
        StereoMix m;
        m.setTrack(StereoMix::Track::Inbound, Settings{0.0, false, pan});
        const std::vector<int16_t> dc(kN, 20000);
        mixOnce(m, dc.data(), nullptr);
        const auto st = mixOnce(m, dc.data(), nullptr);
        const double l = st[0] / 20000.0;
        const double r = st[1] / 20000.0;
        QVERIFY2(std::abs(l * l + r * r - 1.0) < 2e-4, QByteArray::number(l * l + r * r).constData());
        const double theta = (pan + 1.0) * std::numbers::pi / 4.0;
        QVERIFY(std::abs(l - std::cos(theta)) < 1e-4);
        QVERIFY(std::abs(r - std::sin(theta)) < 1e-4);
    }

    void gainIsInDecibels()
    {
        StereoMix m;
        m.setTrack(StereoMix::Track::Inbound, Settings{-20.0, false, -1.0});
        const std::vector<int16_t> dc(kN, 30000);
        mixOnce(m, dc.data(), nullptr);
        const auto st = mixOnce(m, dc.data(), nullptr);
        QCOMPARE(st[0], int16_t(3000)); // -20 dB is a tenth
        m.setTrack(StereoMix::Track::Inbound, Settings{StereoMix::kMinGainDb, false, -1.0});
        mixOnce(m, dc.data(), nullptr);
        QCOMPARE(mixOnce(m, dc.data(), nullptr)[0], int16_t(0));
    }

    void muteRampsOverOneFrameThenIsSilent()
    {
        StereoMix m;
        m.setTrack(StereoMix::Track::Inbound, Settings{0.0, false, -1.0});
        const std::vector<int16_t> dc(kN, 16000);
        mixOnce(m, dc.data(), nullptr);
        QCOMPARE(mixOnce(m, dc.data(), nullptr)[0], int16_t(16000));
        m.setTrack(StereoMix::Track::Inbound, Settings{0.0, true, -1.0});
        const auto ramp = mixOnce(m, dc.data(), nullptr);
        // Left channel falls linearly, by 100 per sample, and ends at zero: no click.
        QCOMPARE(ramp[0], int16_t(15900));
        for (int i = 1; i < kN; ++i)
            QVERIFY(std::abs((ramp[size_t(2 * i - 2)] - ramp[size_t(2 * i)]) - 100) <= 1);
        QCOMPARE(ramp[size_t(2 * (kN - 1))], int16_t(0));
        const auto muted = mixOnce(m, dc.data(), nullptr);
        QVERIFY(std::all_of(muted.begin(), muted.end(), [](int16_t s) { return s == 0; }));
    }

    void loudSumSaturatesInsteadOfWrapping()
    {
        StereoMix m;
        m.setTrack(StereoMix::Track::Inbound, Settings{6.0, false, 0.0});
        m.setTrack(StereoMix::Track::Outbound, Settings{6.0, false, 0.0});
        const std::vector<int16_t> plus(kN, 32767);
        const std::vector<int16_t> minus(kN, -32768);
        mixOnce(m, plus.data(), plus.data());
        auto st = mixOnce(m, plus.data(), plus.data());
        QVERIFY(std::all_of(st.begin(), st.end(), [](int16_t s) { return s == 32767; }));
        st = mixOnce(m, minus.data(), minus.data());
        QVERIFY(std::all_of(st.begin(), st.end(), [](int16_t s) { return s == -32768; }));
        QVERIFY(m.clippedSamples() >= 2u * 2u * kN);
    }

    void tracksAddUp()
    {
        StereoMix m;
        m.setTrack(StereoMix::Track::Inbound, Settings{0.0, false, -1.0});
        m.setTrack(StereoMix::Track::Outbound, Settings{0.0, false, -1.0});
        const std::vector<int16_t> a(kN, 1000);
        const std::vector<int16_t> b(kN, -300);
        mixOnce(m, a.data(), b.data());
        const auto st = mixOnce(m, a.data(), b.data());
        QCOMPARE(st[0], int16_t(700));
        QCOMPARE(st[1], int16_t(0));
    }
};

QTEST_GUILESS_MAIN(TestStereoMix)
#include "TestStereoMix.moc"
