// SPDX-License-Identifier: GPL-3.0-or-later
#include "audio/FrameRing.h"

#include <algorithm>

namespace sb::audio {

FrameRing::FrameRing(int capacity)
    : m_slots(std::make_unique<LiveFrame[]>(size_t(std::max(capacity, 2))))
    , m_capacity(std::max(capacity, 2))
{
}

FrameRing::~FrameRing() = default;

bool FrameRing::push(const LiveFrame& frame) noexcept
{
    const uint64_t head = m_head.load(std::memory_order_relaxed);
    const uint64_t capacity = uint64_t(m_capacity);
    uint64_t tail = m_tail.load();
    // Full: drop the oldest frame by moving the tail on. On failure `tail` is reloaded (the
    // consumer took a frame, so there may be room now).
    while (head - tail >= capacity) {
        if (m_tail.compare_exchange_weak(tail, tail + 1)) {
            m_dropped.fetch_add(1, std::memory_order_relaxed);
            break;
        }
    }
    // The slot about to be written held index head - capacity: never overwrite it mid-copy.
    if (head >= capacity && m_reading.load() == head - capacity) {
        m_dropped.fetch_add(1, std::memory_order_relaxed);
        return false;
    }
    m_slots[size_t(head % capacity)] = frame;
    m_head.store(head + 1, std::memory_order_release);
    return true;
}

bool FrameRing::pop(LiveFrame& out) noexcept
{
    for (;;) {
        uint64_t tail = m_tail.load();
        if (tail == m_head.load(std::memory_order_acquire))
            return false;
        // Announce the copy before claiming, so a producer that sees the claim also sees this.
        m_reading.store(tail);
        if (!m_tail.compare_exchange_strong(tail, tail + 1)) {
            m_reading.store(kNotReading);
            continue; // the producer dropped this frame meanwhile: take the next
        }
        out = m_slots[size_t(tail % uint64_t(m_capacity))];
        m_reading.store(kNotReading);
        return true;
    }
}

int FrameRing::size() const noexcept
{
    const uint64_t head = m_head.load(std::memory_order_acquire);
    const uint64_t tail = m_tail.load(std::memory_order_acquire);
    return head > tail ? int(std::min<uint64_t>(head - tail, uint64_t(m_capacity))) : 0;
}

} // namespace sb::audio
