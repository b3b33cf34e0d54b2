// SPDX-License-Identifier: GPL-3.0-or-later
// JitterBuffer: a simulated network and playout clock (one pull per 20 ms tick, pushes before the
// pull of their tick) checks ordering, duplicates, concealment, adaptation, resets and drift.
#include "audio/JitterBuffer.h"

#include <QtTest>
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <new>
#include <numbers>
#include <vector>

using namespace sb::audio;

// Counts every C++ heap allocation while g_counting is set (the real-time contract: none on push/pull).
namespace {
std::atomic<bool> g_counting{false};
std::atomic<int> g_allocations{0};
} // namespace

void* operator new(std::size_t size)
{
    if (g_counting.load(std::memory_order_relaxed))
        g_allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(size ? size : 1))
        return p;
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept
{
    std::free(p);
}
void operator delete(void* p, std::size_t) noexcept
{
    std::free(p);
}

namespace {
using Frame = std::array<int16_t, JitterBuffer::kFrameSamples>;
constexpr int kN = JitterBuffer::kFrameSamples;
constexpr int64_t kTs0 = 52; // the first captured Twilio timestamp

/// Frame k of a continuous 300 Hz tone (period 80/3 samples), amplitude 8000.
Frame toneFrame(int k)
{
    Frame f{};
    for (int i = 0; i < kN; ++i) {
        const double n = double(k) * kN + i;
        f[size_t(i)] = int16_t(std::lrint(8000.0 * std::sin(2.0 * std::numbers::pi * 300.0 * n / 8000.0)));
    }
    return f;
}

int64_t tsOf(int k)
{
    return kTs0 + 20 * int64_t(k);
}

void pushFrame(JitterBuffer& jb, int k, int64_t arrivalMs)
{
    const Frame f = toneFrame(k);
    jb.push(uint32_t(k + 2), tsOf(k), f.data(), arrivalMs);
}

Frame pullFrame(JitterBuffer& jb, int tick)
{
    Frame out{};
    out.fill(12345);
    jb.pull(out.data(), 20 * int64_t(tick));
    return out;
}

QByteArray at(int tick)
{
    return "tick " + QByteArray::number(tick);
}

bool isSilent(const Frame& f)
{
    return std::all_of(f.begin(), f.end(), [](int16_t s) { return s == 0; });
}

int maxStep(const std::vector<int16_t>& s)
{
    int step = 0;
    for (size_t i = 1; i < s.size(); ++i)
        step = std::max(step, std::abs(int(s[i]) - int(s[i - 1])));
    return step;
}
} // namespace

class TestJitterBuffer : public QObject
{
    Q_OBJECT

private slots:
    void inOrderStreamPlaysExactlyAfterTheInitialDepth()
    {
        JitterBuffer jb;
        QVERIFY(isSilent(pullFrame(jb, -1))); // nothing yet
        for (int t = 0; t < 200; ++t) {
            pushFrame(jb, t, 20 * t);
            const Frame out = pullFrame(jb, t);
            if (t == 0)
                QVERIFY2(isSilent(out), "first 20 ms: below the 40 ms start depth");
            else
                QVERIFY2(out == toneFrame(t - 1), at(t).constData());
        }
        const auto s = jb.stats();
        QCOMPARE(s.received, 200u);
        QCOMPARE(s.played, 199u);
        QCOMPARE(s.concealed + s.inserted + s.driftDropped + s.lateDropped + s.duplicates, 0u);
        QCOMPARE(s.targetMs, 40);
        QCOMPARE(s.depthMs, 20);
    }

    void reorderingWithinTheDepthIsUndoneBitExactly()
    {
        // Frames travel in swapped pairs: 1,0 at tick 1; 3,2 at tick 3; ...
        JitterBuffer jb;
        for (int t = 0; t < 200; ++t) {
            if (t % 2 == 1) {
                pushFrame(jb, t, 20 * t);
                pushFrame(jb, t - 1, 20 * t);
            }
            const Frame out = pullFrame(jb, t);
            if (t == 0)
                QVERIFY(isSilent(out));
            else
                QVERIFY2(out == toneFrame(t - 1), at(t).constData());
        }
        const auto s = jb.stats();
        QCOMPARE(s.played, 199u);
        QCOMPARE(s.concealed + s.inserted + s.driftDropped + s.lateDropped, 0u);
        QCOMPARE(s.targetMs, 40); // a 20 ms spread needs one frame plus one
    }

    void duplicatesAreDroppedAndCounted()
    {
        JitterBuffer jb;
        for (int t = 0; t < 100; ++t) {
            pushFrame(jb, t, 20 * t);
            pushFrame(jb, t, 20 * t + 1); // straight duplicate, still buffered
            if (t >= 3)
                pushFrame(jb, t - 3, 20 * t); // old duplicate, already played
            const Frame out = pullFrame(jb, t);
            if (t > 0)
                QVERIFY2(out == toneFrame(t - 1), at(t).constData());
        }
        const auto s = jb.stats();
        QCOMPARE(s.received, 100u + 100u + 97u);
        QCOMPARE(s.duplicates, 197u);
        QCOMPARE(s.lateDropped, 0u);
        QCOMPARE(s.played, 99u);
    }

    void lateFrameIsDroppedAndCounted()
    {
        JitterBuffer jb;
        for (int t = 0; t < 50; ++t) {
            if (t != 20)
                pushFrame(jb, t, 20 * t);
            if (t == 25)
                pushFrame(jb, 20, 20 * t); // 100 ms late: its slot was concealed
            pullFrame(jb, t);
        }
        const auto s = jb.stats();
        QCOMPARE(s.lateDropped, 1u);
        QCOMPARE(s.concealed, 1u);
        QCOMPARE(s.duplicates, 0u);
    }

    void lostFrameIsConcealedWithoutAClick()
    {
        JitterBuffer jb;
        std::vector<int16_t> played;
        std::vector<int16_t> sent;
        constexpr int kLost = 20;
        for (int t = 0; t < 60; ++t) {
            const Frame f = toneFrame(t);
            sent.insert(sent.end(), f.begin(), f.end());
            if (t != kLost)
                pushFrame(jb, t, 20 * t);
            const Frame out = pullFrame(jb, t);
            if (t > 0)
                played.insert(played.end(), out.begin(), out.end());
            if (t == kLost + 1) { // frame 20's slot: the repetition fades out
                QVERIFY(!isSilent(out));
                QVERIFY(std::abs(out.back()) <= 1);
            }
            if (t == kLost + 2) // frame 21 fades in from zero over 10 ms
                QVERIFY(std::abs(out[0]) < 200 && std::equal(out.begin() + 80, out.end(), toneFrame(21).begin() + 80));
            if (t >= kLost + 3) // and then it is bit-exact again
                QVERIFY2(out == toneFrame(t - 1), at(t).constData());
        }
        const auto s = jb.stats();
        QCOMPARE(s.concealed, 1u);
        QCOMPARE(s.played, 58u);
        // No step between neighbouring samples more than 10% above the tone's own largest step
        // (8000 * 2 sin(pi * 300 / 8000) = 1882).
        const int natural = maxStep(sent);
        QVERIFY(natural > 1800 && natural < 1900);
        const int worst = maxStep(played);
        QVERIFY2(worst <= natural * 11 / 10,
                 QByteArray(QByteArray::number(worst) + " vs " + QByteArray::number(natural)).constData());
    }

    void burstAfterSilencePlaysWithoutLossAndRaisesTheTarget()
    {
        JitterBuffer jb;
        int maxTarget = 0;
        int maxTargetFall = 0;
        std::vector<int> targets;
        for (int t = 0; t < 400; ++t) {
            if (t < 50 || t >= 60) {
                if (t == 60) // 200 ms of nothing, then frames 50 .. 59 at once, then the stream goes on
                    for (int k = 50; k < 60; ++k)
                        pushFrame(jb, k, 20 * t);
                pushFrame(jb, t, 20 * t);
            }
            pullFrame(jb, t);
            maxTarget = std::max(maxTarget, jb.stats().targetMs);
            targets.push_back(jb.stats().targetMs);
            if (t >= 50) // over any second
                maxTargetFall = std::max(maxTargetFall, targets[size_t(t - 50)] - targets[size_t(t)]);
            QVERIFY(jb.stats().depthMs <= 240);
        }
        const auto s = jb.stats();
        QCOMPARE(s.received, 400u);
        QCOMPARE(s.lateDropped, 0u);
        QCOMPARE(s.overflowDropped, 0u);
        QCOMPARE(s.played + s.driftDropped, s.received - uint64_t(s.depthMs / 20)); // every frame used
        QVERIFY(s.concealed <= 10);                                                 // the 200 ms hole
        QCOMPARE(maxTarget, 120);
        // Once the burst has left the 2 s window the target falls back, one frame per second.
        QCOMPARE(s.targetMs, 40);
        QVERIFY(maxTargetFall <= 20);
        QVERIFY(s.driftDropped >= 1); // the extra latency is worked off again
        QVERIFY(s.depthMs <= s.targetMs + 20);
    }

    void longGapResetsCleanly()
    {
        JitterBuffer jb;
        for (int t = 0; t < 300; ++t) {
            const bool sending = t < 50 || t >= 150; // 2 s of nothing
            if (sending)
                pushFrame(jb, t, 20 * t);
            const Frame out = pullFrame(jb, t);
            if (t >= 52 && t < 151)
                QVERIFY2(isSilent(out), at(t).constData());
            if (t >= 151)
                QVERIFY2(out == toneFrame(t - 1), at(t).constData());
        }
        const auto s = jb.stats();
        QCOMPARE(s.resets, 1u);
        QCOMPARE(s.lateDropped, 0u);
        QVERIFY(s.concealed >= 49 && s.concealed <= 51); // 1 s of underrun before the reset
    }

    void timestampJumpResets()
    {
        JitterBuffer jb;
        for (int t = 0; t < 100; ++t) {
            const int k = t < 50 ? t : t + 250; // media time jumps 5 s ahead
            pushFrame(jb, k, 20 * t);
            const Frame out = pullFrame(jb, t);
            if (t > 51)
                QVERIFY2(out == toneFrame(k - 1), at(t).constData());
        }
        QCOMPARE(jb.stats().resets, 1u);
        QCOMPARE(jb.stats().lateDropped, 0u);
    }

    void capacityIsNeverExceeded()
    {
        JitterBuffer jb;
        for (int k = 0; k < 80; ++k)
            pushFrame(jb, k, 0);
        auto s = jb.stats();
        QCOMPARE(s.depthMs, 1000);
        QCOMPARE(s.overflowDropped, 30u);
        const Frame out = pullFrame(jb, 0);
        QVERIFY(out == toneFrame(30)); // the oldest were dropped
    }

    void pushAndPullNeverAllocate()
    {
        JitterBuffer jb; // allocates here, once
        g_allocations = 0;
        g_counting = true;
        for (int t = 0; t < 500; ++t) { // loss, reordering, duplicates, a burst and an overflow
            if (t % 7 != 3 && (t < 200 || t >= 215))
                pushFrame(jb, t, 20 * t);
            if (t % 5 == 0)
                pushFrame(jb, t, 20 * t);
            if (t == 215)
                for (int k = 200; k < 215; ++k)
                    pushFrame(jb, k, 20 * t);
            if (t == 400)
                for (int k = 401; k < 470; ++k)
                    pushFrame(jb, k, 20 * t);
            pullFrame(jb, t);
        }
        g_counting = false;
        QCOMPARE(g_allocations.load(), 0);
        QVERIFY(jb.stats().concealed > 0 && jb.stats().duplicates > 0 && jb.stats().overflowDropped > 0);
    }

    void clockDriftKeepsTheDepthBounded_data()
    {
        QTest::addColumn<double>("interval"); // sender's frame interval in receiver milliseconds
        QTest::newRow("sender 1% fast") << 19.8;
        QTest::newRow("sender 1% slow") << 20.2;
    }
    void clockDriftKeepsTheDepthBounded()
    {
        QFETCH(double, interval);
        JitterBuffer jb;
        double nextPush = 0.0;
        int k = 0;
        int maxDepth = 0;
        for (int64_t ms = 0; ms < 60000; ++ms) {
            while (nextPush <= double(ms)) {
                pushFrame(jb, k++, ms);
                nextPush += interval;
            }
            if (ms % 20 == 0) {
                pullFrame(jb, int(ms / 20));
                if (ms > 1000)
                    maxDepth = std::max(maxDepth, jb.stats().depthMs);
            }
        }
        const auto s = jb.stats();
        qInfo("frames %d played %llu dropped %llu inserted %llu concealed %llu max depth %d target %d",
              k,
              static_cast<unsigned long long>(s.played),
              static_cast<unsigned long long>(s.driftDropped),
              static_cast<unsigned long long>(s.inserted),
              static_cast<unsigned long long>(s.concealed),
              maxDepth,
              s.targetMs);
        QCOMPARE(s.lateDropped, 0u);
        QCOMPARE(s.overflowDropped, 0u);
        QVERIFY(maxDepth <= 100);
        QVERIFY(s.targetMs <= 60);
        // 60 s at 1% is 30 frames to work off or to make up.
        QCOMPARE(s.concealed, 0u); // corrected before the buffer runs dry
        if (interval < 20.0) {
            QVERIFY(s.driftDropped >= 25 && s.driftDropped <= 35);
            QCOMPARE(s.inserted, 0u);
        } else {
            QVERIFY(s.inserted >= 25 && s.inserted <= 35);
            QCOMPARE(s.driftDropped, 0u);
        }
    }
};

QTEST_GUILESS_MAIN(TestJitterBuffer)
#include "TestJitterBuffer.moc"
