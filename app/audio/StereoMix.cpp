// SPDX-License-Identifier: GPL-3.0-or-later
#include "audio/StereoMix.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace sb::audio {

StereoMix::StereoMix()
{
    for (int track = 0; track < 2; ++track)
        setTrack(static_cast<Track>(track), TrackSettings{});
    for (int i = 0; i < kCoefficients; ++i)
        m_applied[static_cast<size_t>(i)] = m_target[static_cast<size_t>(i)].load(std::memory_order_relaxed);
}

void StereoMix::setTrack(Track track, const TrackSettings& settings) noexcept
{
    const double gainDb = std::clamp(settings.gainDb, kMinGainDb, kMaxGainDb);
    const double gain = (settings.muted || gainDb <= kMinGainDb) ? 0.0 : std::pow(10.0, gainDb / 20.0);
    const double theta = (std::clamp(settings.pan, -1.0, 1.0) + 1.0) * std::numbers::pi / 4.0;
    // cos(pi/2) is 6e-17, not 0: snap the hard-panned side to exact silence.
    const double left = settings.pan >= 1.0 ? 0.0 : std::cos(theta);
    const double right = settings.pan <= -1.0 ? 0.0 : std::sin(theta);
    const auto base = static_cast<size_t>(track == Track::Inbound ? 0 : 2);
    m_target[base].store(static_cast<float>(gain * left), std::memory_order_relaxed);
    m_target[base + 1].store(static_cast<float>(gain * right), std::memory_order_relaxed);
}

void StereoMix::mix(const int16_t* inbound, const int16_t* outbound, qsizetype frames, int16_t* stereoOut) noexcept
{
    if (frames <= 0)
        return;
    std::array<float, kCoefficients> start = m_applied;
    std::array<float, kCoefficients> step{};
    for (size_t c = 0; c < kCoefficients; ++c) {
        m_applied[c] = m_target[c].load(std::memory_order_relaxed);
        step[c] = (m_applied[c] - start[c]) / static_cast<float>(frames);
    }
    const bool ramp = step != std::array<float, kCoefficients>{};
    for (qsizetype i = 0; i < frames; ++i) {
        std::array<float, kCoefficients> g = m_applied;
        if (ramp && i + 1 < frames) {
            for (size_t c = 0; c < kCoefficients; ++c)
                g[c] = start[c] + step[c] * static_cast<float>(i + 1);
        }
        const float in = inbound ? float(inbound[i]) : 0.0f;
        const float out = outbound ? float(outbound[i]) : 0.0f;
        const float mixed[2] = {in * g[0] + out * g[2], in * g[1] + out * g[3]};
        for (int ch = 0; ch < 2; ++ch) {
            const long rounded = std::lrint(mixed[ch]);
            if (rounded > 32767 || rounded < -32768)
                ++m_clipped;
            stereoOut[2 * i + ch] = static_cast<int16_t>(std::clamp(rounded, -32768L, 32767L));
        }
    }
}

} // namespace sb::audio
