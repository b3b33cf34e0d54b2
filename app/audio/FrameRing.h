// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>

namespace sb::audio {

/// One 20 ms Media Streams frame on its way from the network thread to the audio thread: decoded
/// 8 kHz PCM plus what the jitter buffer needs to place it.
struct LiveFrame
{
    static constexpr int kSamples = 160;
    uint32_t generation = 0; ///< which listening session pushed it (stale ones are dropped)
    uint8_t track = 0;       ///< 0 inbound, 1 outbound
    uint32_t sequence = 0;   ///< Media Streams sequenceNumber
    int64_t timestampMs = 0; ///< media timestamp
    int64_t arrivalMs = 0;   ///< receiver's monotonic clock at arrival
    std::array<int16_t, kSamples> pcm{};
};

/// A bounded lock-free single-producer/single-consumer ring of LiveFrames.
///
/// Order: frames come out in the order they were pushed. Bounded: at most capacity() frames are
/// held; a push into a full ring drops the oldest frame (counted in dropped()), so a consumer that
/// stalls hears the newest audio when it comes back, never stale audio. In the rare case that the
/// consumer is in the middle of copying exactly the slot the producer must reuse, the new frame is
/// dropped instead (also counted): the two never touch the same slot at once.
///
/// Threading and real time: push() from one thread (the network thread), pop() from one other
/// thread (the audio thread); dropped() and size() from any thread (approximate while both run).
/// Memory is allocated in the constructor only; push() and pop() never allocate, lock or make
/// system calls, and each finishes in a bounded number of steps (a failed claim retries only when
/// the producer dropped that very frame meanwhile).
class FrameRing
{
public:
    /// `capacity` frames (at least 2).
    explicit FrameRing(int capacity);
    ~FrameRing();
    FrameRing(const FrameRing&) = delete;
    FrameRing& operator=(const FrameRing&) = delete;

    /// Producer: copies `frame` in. Returns false when the new frame itself was dropped.
    bool push(const LiveFrame& frame) noexcept;
    /// Consumer: the oldest frame into `out`; false when empty.
    bool pop(LiveFrame& out) noexcept;

    int capacity() const noexcept { return m_capacity; }
    int size() const noexcept;
    uint64_t dropped() const noexcept { return m_dropped.load(std::memory_order_relaxed); }

private:
    static constexpr uint64_t kNotReading = ~uint64_t(0);

    std::unique_ptr<LiveFrame[]> m_slots;
    const int m_capacity;
    std::atomic<uint64_t> m_head{0};              ///< next index to write (producer)
    std::atomic<uint64_t> m_tail{0};              ///< next index to read (consumer; producer drops)
    std::atomic<uint64_t> m_reading{kNotReading}; ///< index the consumer is copying
    std::atomic<uint64_t> m_dropped{0};
};

} // namespace sb::audio
