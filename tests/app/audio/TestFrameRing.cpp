// SPDX-License-Identifier: GPL-3.0-or-later
// FrameRing: order, bound (oldest dropped and counted), wrap-around of the indices, and one
// producer and one consumer thread at full speed (every frame arrives intact, in order, or is
// counted as dropped).
#include "audio/FrameRing.h"

#include <QtTest>
#include <atomic>
#include <thread>

using namespace sb::audio;

namespace {

LiveFrame frame(uint32_t sequence)
{
    LiveFrame f;
    f.sequence = sequence;
    f.timestampMs = int64_t(sequence) * 20;
    f.arrivalMs = int64_t(sequence) * 20 + 3;
    f.track = uint8_t(sequence & 1);
    for (int i = 0; i < LiveFrame::kSamples; ++i)
        f.pcm[size_t(i)] = int16_t((sequence * 31 + uint32_t(i)) & 0x7fff);
    return f;
}

bool intact(const LiveFrame& f)
{
    if (f.timestampMs != int64_t(f.sequence) * 20 || f.arrivalMs != f.timestampMs + 3 || f.track != (f.sequence & 1))
        return false;
    for (int i = 0; i < LiveFrame::kSamples; ++i) {
        if (f.pcm[size_t(i)] != int16_t((f.sequence * 31 + uint32_t(i)) & 0x7fff))
            return false;
    }
    return true;
}

} // namespace

class TestFrameRing : public QObject
{
    Q_OBJECT

private slots:
    void emptyPopsNothing()
    {
        FrameRing ring(8);
        LiveFrame out;
        QVERIFY(!ring.pop(out));
        QCOMPARE(ring.size(), 0);
        QCOMPARE(ring.dropped(), uint64_t(0));
    }

    void keepsOrder()
    {
        FrameRing ring(8);
        for (uint32_t s = 1; s <= 5; ++s)
            QVERIFY(ring.push(frame(s)));
        QCOMPARE(ring.size(), 5);
        LiveFrame out;
        for (uint32_t s = 1; s <= 5; ++s) {
            QVERIFY(ring.pop(out));
            QCOMPARE(out.sequence, s);
            QVERIFY(intact(out));
        }
        QVERIFY(!ring.pop(out));
    }

    void fullRingDropsTheOldest()
    {
        FrameRing ring(4);
        for (uint32_t s = 1; s <= 10; ++s)
            QVERIFY(ring.push(frame(s)));
        QCOMPARE(ring.size(), 4);
        QCOMPARE(ring.dropped(), uint64_t(6));
        LiveFrame out;
        for (uint32_t s = 7; s <= 10; ++s) {
            QVERIFY(ring.pop(out));
            QCOMPARE(out.sequence, s); // the newest four, oldest first
        }
        QVERIFY(!ring.pop(out));
    }

    void wrapsAroundManyTimes()
    {
        // Capacity 3: the indices pass the slot count hundreds of times, with and without overflow.
        FrameRing ring(3);
        LiveFrame out;
        uint32_t s = 0;
        uint64_t expectedDrops = 0;
        for (int round = 0; round < 500; ++round) {
            const int pushes = round % 4 == 3 ? 5 : 2; // every fourth round overflows by two
            for (int k = 0; k < pushes; ++k)
                QVERIFY(ring.push(frame(++s)));
            expectedDrops += uint64_t(qMax(0, pushes - 3));
            const uint32_t first = s - uint32_t(qMin(pushes, 3)) + 1; // the newest ones survive
            for (uint32_t want = first; want <= s; ++want) {
                QVERIFY(ring.pop(out));
                QCOMPARE(out.sequence, want);
                QVERIFY(intact(out));
            }
            QVERIFY(!ring.pop(out));
        }
        QCOMPARE(ring.dropped(), expectedDrops);
    }

    void oneProducerOneConsumer()
    {
        FrameRing ring(16);
        constexpr uint32_t kFrames = 200000;
        std::atomic<bool> done{false};
        uint64_t received = 0;
        bool ordered = true;
        bool whole = true;
        std::thread consumer([&] {
            LiveFrame out;
            uint32_t last = 0;
            for (;;) {
                const bool finished = done.load();
                while (ring.pop(out)) {
                    ordered = ordered && out.sequence > last;
                    whole = whole && intact(out);
                    last = out.sequence;
                    ++received;
                }
                if (finished)
                    return;
                std::this_thread::yield();
            }
        });
        for (uint32_t s = 1; s <= kFrames; ++s)
            ring.push(frame(s));
        done.store(true);
        consumer.join();
        QVERIFY(ordered);
        QVERIFY(whole);
        QCOMPARE(received + ring.dropped(), uint64_t(kFrames));
    }
};

QTEST_APPLESS_MAIN(TestFrameRing)
#include "TestFrameRing.moc"
