// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "audio/FrameRing.h"

#include <array>
#include <atomic>
#include <cstdint>

namespace sb::listen {

/// What the network thread, the audio thread and the main thread of live listening share, all of
/// it lock-free: the frame ring (network → audio), the listening generation (main → audio: a new
/// listen() starts afresh) and the per-track levels (audio → main).
///
/// Owned through a std::shared_ptr by LivePlayback, its audio device and the tap the network side
/// holds, so whichever lets go last frees it.
struct LiveFeed
{
    static constexpr int kRingFrames = 128; ///< 1.28 s of both tracks

    struct TrackMeter
    {
        std::atomic<float> rmsDb{-96.0f};
        std::atomic<float> peakDb{-96.0f};
        std::atomic<bool> talking{false};
    };

    audio::FrameRing ring{kRingFrames};
    /// Bumped by each listen()/stop(); frames carry the generation they were pushed under, and the
    /// audio thread plays only the current one's.
    std::atomic<uint32_t> generation{0};
    std::array<TrackMeter, 2> meters;   ///< inbound, outbound
    std::atomic<uint64_t> ticks{0};     ///< 20 ms frames rendered by the audio thread
    std::atomic<uint64_t> badFrames{0}; ///< frames not 160 samples long (not played)
};

} // namespace sb::listen
