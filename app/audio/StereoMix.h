// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtGlobal>
#include <array>
#include <atomic>
#include <cstdint>

namespace sb::audio {

/// Mixes the two tracks of a call (inbound: the caller; outbound: what Twilio sends to the caller)
/// into interleaved 16-bit stereo (L, R, L, R, ...), each with its own gain, mute and pan.
///
/// Pan is equal-power: p in [−1 (left), +1 (right)] maps to the angle θ = (p + 1)·π/4 and the
/// channel gains cos θ (left) and sin θ (right), so cos² + sin² = 1 and the loudness does not change
/// as a track moves; the centre puts each channel at 1/√2 (−3.01 dB), hard left copies the track
/// unchanged to the left channel. Gain is in dB (clamped to [kMinGainDb, kMaxGainDb]; kMinGainDb
/// and below is silence). Mute is a gain of zero.
///
/// Clicks and clipping: a change of gain, pan or mute is reached by a linear ramp over the next
/// mix() call (one 20 ms frame), then held exactly. The sum is computed in float and saturated to
/// [−32768, 32767] (never wrapped); clippedSamples() counts the saturated output samples.
///
/// Threading and real time: the setters may be called from any thread (each track's two channel
/// gains are std::atomic<float>, lock-free; a mix() running at the same time sees the old or the
/// new value of each). mix() belongs to one thread (the audio thread) and never allocates, locks
/// or makes system calls.
class StereoMix
{
public:
    enum class Track { Inbound = 0, Outbound = 1 };
    static constexpr double kMinGainDb = -60.0;
    static constexpr double kMaxGainDb = 24.0;

    struct TrackSettings
    {
        double gainDb = 0.0;
        bool muted = false;
        double pan = 0.0; ///< −1 left .. +1 right (clamped)
    };

    StereoMix();

    void setTrack(Track track, const TrackSettings& settings) noexcept;

    /// Reads `frames` samples of each track (a null track is silence) and writes 2 × `frames`
    /// interleaved samples to `stereoOut`. The inputs and the output must not overlap.
    void mix(const int16_t* inbound, const int16_t* outbound, qsizetype frames, int16_t* stereoOut) noexcept;

    /// Output samples saturated since construction (read it from the mixing thread).
    uint64_t clippedSamples() const noexcept { return m_clipped; }

private:
    static constexpr int kCoefficients = 4; ///< inbound L, inbound R, outbound L, outbound R
    static_assert(std::atomic<float>::is_always_lock_free);

    std::array<std::atomic<float>, kCoefficients> m_target;
    std::array<float, kCoefficients> m_applied{}; ///< what the last mix() ended with
    uint64_t m_clipped = 0;
};

} // namespace sb::audio
