// SPDX-License-Identifier: GPL-3.0-or-later
#include "audio/JitterBuffer.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace sb::audio {

namespace {
constexpr int kHalfFrameMs = JitterBuffer::kFrameMs / 2;
constexpr int kMinPeriod = 20;  // 400 Hz at 8 kHz
constexpr int kMaxPeriod = 160; // 50 Hz
constexpr int kPeriodWindow = 80;
constexpr double kDepthAverageWeight = 1.0 / 32.0;
constexpr int kTargetFallPushes = 50; // one frame of target per second
constexpr double kCorrectionMarginMs = 15.0;

int16_t toSample(float value) noexcept
{
    return static_cast<int16_t>(std::clamp(std::lrint(value), -32768L, 32767L));
}

bool keyLess(int64_t ts1, uint32_t seq1, int64_t ts2, uint32_t seq2) noexcept
{
    return ts1 < ts2 || (ts1 == ts2 && seq1 < seq2);
}
} // namespace

JitterBuffer::JitterBuffer()
    : m_slots(std::make_unique<Slot[]>(kCapacityFrames))
{
    clearBuffer();
}

JitterBuffer::~JitterBuffer() = default;

void JitterBuffer::clearBuffer() noexcept
{
    m_count = 0;
    m_freeCount = kCapacityFrames;
    for (int i = 0; i < kCapacityFrames; ++i)
        m_free[static_cast<size_t>(i)] = kCapacityFrames - 1 - i;
}

void JitterBuffer::reset() noexcept
{
    clearBuffer();
    m_playing = false;
    m_playedCount = 0;
    m_playedNext = 0;
    m_delayCount = 0;
    m_delayNext = 0;
    m_pushesSinceTargetChange = 0;
    m_synthActive = false;
    m_underrunPulls = 0;
}

void JitterBuffer::removeHead() noexcept
{
    m_free[static_cast<size_t>(m_freeCount++)] = m_order[0];
    std::memmove(m_order.data(), m_order.data() + 1, sizeof(int) * static_cast<size_t>(m_count - 1));
    --m_count;
}

void JitterBuffer::rememberPlayed(const Slot& slot) noexcept
{
    m_played[static_cast<size_t>(m_playedNext)] = Key{slot.timestampMs, slot.sequence};
    m_playedNext = (m_playedNext + 1) % kPlayedHistory;
    m_playedCount = std::min(m_playedCount + 1, kPlayedHistory);
}

bool JitterBuffer::wasPlayed(int64_t timestampMs, uint32_t sequence) const noexcept
{
    for (int i = 0; i < m_playedCount; ++i) {
        const Key& key = m_played[static_cast<size_t>(i)];
        if (key.timestampMs == timestampMs && key.sequence == sequence)
            return true;
    }
    return false;
}

void JitterBuffer::noteArrival(int64_t timestampMs, int64_t arrivalMs) noexcept
{
    m_delays[static_cast<size_t>(m_delayNext)] = arrivalMs - timestampMs;
    m_delayNext = (m_delayNext + 1) % kJitterWindow;
    m_delayCount = std::min(m_delayCount + 1, kJitterWindow);
    if (m_delayCount < 10)
        return;
    const auto n = static_cast<size_t>(m_delayCount);
    std::copy_n(m_delays.begin(), n, m_scratch.begin());
    const int64_t lowest = *std::min_element(m_scratch.begin(), m_scratch.begin() + static_cast<long>(n));
    const auto p95 = m_scratch.begin() + static_cast<long>((n - 1) * 95 / 100);
    std::nth_element(m_scratch.begin(), p95, m_scratch.begin() + static_cast<long>(n));
    const int64_t spread = *p95 - lowest;
    const int64_t frames = (spread + kFrameMs - 1) / kFrameMs;
    const int desired = static_cast<int>(std::clamp<int64_t>((frames + 1) * kFrameMs, kMinTargetMs, kMaxTargetMs));
    if (desired >= m_targetMs) {
        m_targetMs = desired;
        m_pushesSinceTargetChange = 0;
    } else if (++m_pushesSinceTargetChange >= kTargetFallPushes) {
        m_targetMs -= kFrameMs;
        m_pushesSinceTargetChange = 0;
    }
}

void JitterBuffer::push(uint32_t sequenceNumber, int64_t timestampMs, const int16_t* pcm, int64_t arrivalMs) noexcept
{
    ++m_stats.received;
    if (m_playing) {
        if (timestampMs < m_playTs - kHalfFrameMs) {
            if (wasPlayed(timestampMs, sequenceNumber))
                ++m_stats.duplicates;
            else
                ++m_stats.lateDropped;
            return;
        }
        if (timestampMs > m_playTs + kResetAfterMs) {
            reset();
            ++m_stats.resets;
        }
    }
    int pos = m_count;
    for (int i = 0; i < m_count; ++i) {
        const Slot& slot = m_slots[static_cast<size_t>(m_order[static_cast<size_t>(i)])];
        if (slot.timestampMs == timestampMs && slot.sequence == sequenceNumber) {
            ++m_stats.duplicates;
            return;
        }
        if (pos == m_count && keyLess(timestampMs, sequenceNumber, slot.timestampMs, slot.sequence))
            pos = i;
    }
    if (m_count == kCapacityFrames) {
        const Slot& oldest = m_slots[static_cast<size_t>(m_order[0])];
        if (m_playing)
            m_playTs = std::max(m_playTs, oldest.timestampMs + kFrameMs);
        removeHead();
        ++m_stats.overflowDropped;
        pos = std::max(pos - 1, 0);
    }
    const int index = m_free[static_cast<size_t>(--m_freeCount)];
    Slot& slot = m_slots[static_cast<size_t>(index)];
    slot.timestampMs = timestampMs;
    slot.sequence = sequenceNumber;
    std::memcpy(slot.pcm.data(), pcm, sizeof(int16_t) * kFrameSamples);
    std::memmove(m_order.data() + pos + 1, m_order.data() + pos, sizeof(int) * static_cast<size_t>(m_count - pos));
    m_order[static_cast<size_t>(pos)] = index;
    ++m_count;
    noteArrival(timestampMs, arrivalMs);
}

void JitterBuffer::appendHistory(const int16_t* frame) noexcept
{
    std::memmove(m_history.data(), m_history.data() + kFrameSamples, sizeof(int16_t) * kFrameSamples);
    std::memcpy(m_history.data() + kFrameSamples, frame, sizeof(int16_t) * kFrameSamples);
}

int JitterBuffer::findPeriod() const noexcept
{
    const int16_t* x = m_history.data() + kHistorySamples - kPeriodWindow;
    double energyX = 0.0;
    for (int n = 0; n < kPeriodWindow; ++n)
        energyX += double(x[n]) * x[n];
    int best = kMaxPeriod;
    double bestScore = -2.0;
    for (int period = kMinPeriod; period <= kMaxPeriod; ++period) {
        const int16_t* y = x - period;
        double cross = 0.0;
        double energyY = 0.0;
        for (int n = 0; n < kPeriodWindow; ++n) {
            cross += double(x[n]) * y[n];
            energyY += double(y[n]) * y[n];
        }
        const double denominator = std::sqrt(energyX * energyY);
        const double score = denominator > 0.0 ? cross / denominator : 0.0;
        if (score > bestScore + 1e-9) {
            bestScore = score;
            best = period;
        }
    }
    return best;
}

void JitterBuffer::synthesize(int16_t* out, bool fadeOut) noexcept
{
    float startGain = 1.0f;
    if (m_synthActive) {
        startGain = m_synthEndGain;
    } else {
        m_period = findPeriod();
        m_synthPos = 0;
        m_synthActive = true;
    }
    const int16_t* period = m_history.data() + kHistorySamples - m_period;
    float gain = startGain;
    for (int i = 0; i < kFrameSamples; ++i) {
        gain = fadeOut ? startGain * (1.0f - float(i + 1) / kFrameSamples) : startGain;
        out[i] = toSample(float(period[m_synthPos]) * gain);
        m_synthPos = (m_synthPos + 1) % m_period;
    }
    m_synthEndGain = gain;
}

void JitterBuffer::outputReal(const int16_t* pcm, int16_t* out) noexcept
{
    if (m_synthActive) {
        const int16_t* period = m_history.data() + kHistorySamples - m_period;
        for (int i = 0; i < kFadeInSamples; ++i) {
            const float w = float(i + 1) / kFadeInSamples;
            const float synthetic = float(period[m_synthPos]) * m_synthEndGain;
            m_synthPos = (m_synthPos + 1) % m_period;
            out[i] = toSample(float(pcm[i]) * w + synthetic * (1.0f - w));
        }
        std::memcpy(out + kFadeInSamples, pcm + kFadeInSamples, sizeof(int16_t) * (kFrameSamples - kFadeInSamples));
        m_synthActive = false;
    } else if (out != pcm) {
        std::memcpy(out, pcm, sizeof(int16_t) * kFrameSamples);
    }
    appendHistory(pcm);
}

void JitterBuffer::pull(int16_t* out, int64_t nowMs) noexcept
{
    (void)nowMs;
    if (!m_playing) {
        if (m_count == 0 || m_count * kFrameMs < m_targetMs) {
            std::fill_n(out, kFrameSamples, int16_t(0));
            return;
        }
        m_playing = true;
        m_playTs = m_slots[static_cast<size_t>(m_order[0])].timestampMs;
        m_avgDepthMs = m_count * kFrameMs;
        m_pullsSinceCorrection = 0;
        m_underrunPulls = 0;
        m_synthActive = false;
    }
    ++m_pullsSinceCorrection;
    const int depthMs = m_count * kFrameMs;
    m_avgDepthMs += (depthMs - m_avgDepthMs) * kDepthAverageWeight;

    if (m_count == 0) {
        if (++m_underrunPulls * kFrameMs > kResetAfterMs) {
            reset();
            ++m_stats.resets;
            std::fill_n(out, kFrameSamples, int16_t(0));
            return;
        }
        synthesize(out, true);
        ++m_stats.concealed;
        return;
    }
    m_underrunPulls = 0;

    const Slot& head = m_slots[static_cast<size_t>(m_order[0])];
    if (head.timestampMs >= m_playTs + kHalfFrameMs) {
        synthesize(out, true);
        ++m_stats.concealed;
        m_playTs += kFrameMs;
        return;
    }

    if (m_pullsSinceCorrection >= kCorrectionHoldPulls) {
        const Slot* next = m_count >= 2 ? &m_slots[static_cast<size_t>(m_order[1])] : nullptr;
        const bool nextFollows = next && next->timestampMs < head.timestampMs + kFrameMs + kHalfFrameMs;
        if (nextFollows && depthMs > m_targetMs && m_avgDepthMs > m_targetMs + kCorrectionMarginMs) {
            std::array<int16_t, kFrameSamples> mixed{};
            for (int i = 0; i < kFrameSamples; ++i) {
                const float w = float(i + 1) / kFrameSamples;
                mixed[static_cast<size_t>(i)] = toSample(float(head.pcm[static_cast<size_t>(i)]) * (1.0f - w) +
                                                         float(next->pcm[static_cast<size_t>(i)]) * w);
            }
            outputReal(mixed.data(), out);
            m_playTs = next->timestampMs + kFrameMs;
            rememberPlayed(head);
            rememberPlayed(*next);
            removeHead();
            removeHead();
            ++m_stats.played;
            ++m_stats.driftDropped;
            m_avgDepthMs -= kFrameMs;
            m_pullsSinceCorrection = 0;
            return;
        }
        if (depthMs < m_targetMs && m_avgDepthMs < m_targetMs - kCorrectionMarginMs) {
            synthesize(out, false);
            ++m_stats.inserted;
            m_avgDepthMs += kFrameMs;
            m_pullsSinceCorrection = 0;
            return;
        }
    }

    outputReal(head.pcm.data(), out);
    m_playTs = head.timestampMs + kFrameMs;
    rememberPlayed(head);
    removeHead();
    ++m_stats.played;
}

JitterBuffer::Stats JitterBuffer::stats() const noexcept
{
    Stats s = m_stats;
    s.depthMs = m_count * kFrameMs;
    s.targetMs = m_targetMs;
    return s;
}

} // namespace sb::audio
