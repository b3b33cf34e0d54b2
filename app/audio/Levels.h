// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtGlobal>
#include <cstdint>

/// Signal levels of 16-bit PCM frames (meters) and a voice activity detector (talking indicators).
///
/// dBFS: 0 dBFS is a sample magnitude of 32768, for peak and RMS alike, so a full-scale sine reads
/// 0 dBFS peak and −3.01 dBFS RMS. Anything quieter than kSilenceFloorDb, digital silence included,
/// reads kSilenceFloorDb (16-bit audio cannot go meaningfully lower).
///
/// Threading and real time: the functions are pure and safe on any thread. A VoiceActivityDetector
/// belongs to one thread. Nothing here allocates, locks or makes system calls.
namespace sb::audio {

inline constexpr double kSilenceFloorDb = -96.0;

struct FrameLevels
{
    double rmsDb = kSilenceFloorDb;
    double peakDb = kSilenceFloorDb;
};

/// RMS level of `count` samples in dBFS, floored at kSilenceFloorDb (also for count <= 0).
double rmsDbfs(const int16_t* samples, qsizetype count) noexcept;
/// Largest magnitude of `count` samples in dBFS, floored at kSilenceFloorDb.
double peakDbfs(const int16_t* samples, qsizetype count) noexcept;
/// Both, in one pass (a meter calls this once per 20 ms frame).
FrameLevels measureLevels(const int16_t* samples, qsizetype count) noexcept;

/// Energy-based voice activity with an adaptive noise floor, hysteresis and hangover.
///
/// Per frame (normally 20 ms), with L the frame's RMS in dBFS:
/// - Noise floor F: the first frame sets it; afterwards it falls at once to any quieter frame and
///   rises by at most floorRiseDbPerSecond, so it tracks the quiet between words and follows a
///   louder background within a few seconds.
/// - Onset: L ≥ F + onsetMarginDb and L ≥ minSpeechDb (so faint hiss over digital silence is not
///   speech) switches on at once.
/// - While on: frames with L ≥ F + holdMarginDb (a lower threshold: hysteresis) keep it on; after
///   the last such frame it stays on for hangoverMs more, then switches off. With the defaults and
///   20 ms frames it goes off on the 16th quiet frame, 300 ms after the speech ended.
/// Steady noise (at any level) never switches it on; a background that jumps up by D dB (more than
/// onsetMarginDb) reads as speech for about (D − holdMarginDb) / floorRiseDbPerSecond seconds plus
/// the hangover: 3.1 s for 20 dB with the defaults.
class VoiceActivityDetector
{
public:
    struct Options
    {
        int sampleRate = 8000;
        double onsetMarginDb = 9.0;
        double holdMarginDb = 6.0;
        double minSpeechDb = -55.0;
        double floorRiseDbPerSecond = 5.0;
        int hangoverMs = 300;
    };

    VoiceActivityDetector();
    explicit VoiceActivityDetector(const Options& options);

    /// Feeds one frame; returns whether voice is active after it.
    bool process(const int16_t* samples, qsizetype count) noexcept;

    bool isActive() const noexcept { return m_active; }
    double noiseFloorDb() const noexcept { return m_floorDb; }
    double lastLevelDb() const noexcept { return m_levelDb; }
    const Options& options() const noexcept { return m_options; }
    /// Back to the state of a new detector.
    void reset() noexcept;

private:
    Options m_options;
    double m_floorDb = kSilenceFloorDb;
    double m_levelDb = kSilenceFloorDb;
    double m_quietMs = 0.0; ///< time since the last frame above the hold threshold while active
    bool m_started = false;
    bool m_active = false;
};

} // namespace sb::audio
