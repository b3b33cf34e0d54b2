// SPDX-License-Identifier: GPL-3.0-or-later
#include "audio/Levels.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace sb::audio {

namespace {
constexpr double kFullScale = 32768.0;

double toDb(double magnitude) noexcept
{
    if (magnitude <= 0.0)
        return kSilenceFloorDb;
    return std::max(kSilenceFloorDb, 20.0 * std::log10(magnitude / kFullScale));
}
} // namespace

FrameLevels measureLevels(const int16_t* samples, qsizetype count) noexcept
{
    FrameLevels levels;
    if (!samples || count <= 0)
        return levels;
    double sum = 0.0;
    int peak = 0;
    for (qsizetype i = 0; i < count; ++i) {
        const int s = samples[i];
        sum += double(s) * s;
        peak = std::max(peak, std::abs(s));
    }
    levels.rmsDb = toDb(std::sqrt(sum / double(count)));
    levels.peakDb = toDb(peak);
    return levels;
}

double rmsDbfs(const int16_t* samples, qsizetype count) noexcept
{
    return measureLevels(samples, count).rmsDb;
}

double peakDbfs(const int16_t* samples, qsizetype count) noexcept
{
    return measureLevels(samples, count).peakDb;
}

VoiceActivityDetector::VoiceActivityDetector()
    : VoiceActivityDetector(Options{})
{
}

VoiceActivityDetector::VoiceActivityDetector(const Options& options)
    : m_options(options)
{
}

void VoiceActivityDetector::reset() noexcept
{
    m_floorDb = kSilenceFloorDb;
    m_levelDb = kSilenceFloorDb;
    m_quietMs = 0.0;
    m_started = false;
    m_active = false;
}

bool VoiceActivityDetector::process(const int16_t* samples, qsizetype count) noexcept
{
    if (!samples || count <= 0 || m_options.sampleRate <= 0)
        return m_active;
    const double frameMs = 1000.0 * double(count) / m_options.sampleRate;
    m_levelDb = rmsDbfs(samples, count);
    if (!m_started) {
        m_floorDb = m_levelDb;
        m_started = true;
    } else if (m_levelDb < m_floorDb) {
        m_floorDb = m_levelDb;
    } else {
        m_floorDb = std::min(m_levelDb, m_floorDb + m_options.floorRiseDbPerSecond * frameMs / 1000.0);
    }

    const bool loudEnough = m_levelDb >= m_options.minSpeechDb;
    if (!m_active) {
        if (loudEnough && m_levelDb >= m_floorDb + m_options.onsetMarginDb) {
            m_active = true;
            m_quietMs = 0.0;
        }
    } else if (loudEnough && m_levelDb >= m_floorDb + m_options.holdMarginDb) {
        m_quietMs = 0.0;
    } else {
        m_quietMs += frameMs;
        if (m_quietMs > m_options.hangoverMs + 1e-6)
            m_active = false;
    }
    return m_active;
}

} // namespace sb::audio
