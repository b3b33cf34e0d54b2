// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtGlobal>
#include <cstdint>

struct SpeexResamplerState_;

namespace sb::audio {

/// Sample-rate conversion of 16-bit mono PCM: call audio from 8 kHz up to the device rate (48000 or
/// 44100 Hz) for playback, and microphone audio from the device rate down to 8 kHz for talk-back.
/// A thin RAII owner of one libspeexdsp resampler (speex_resampler_*, a windowed-sinc polyphase
/// filter); speexdsp is linked privately and none of its headers leak out of this one.
///
/// Quality: speexdsp's scale 0 (fastest) .. 10 (best); 3 is its VoIP preset, 4 its default.
/// kDefaultQuality = 5 keeps a 1 kHz tone within 0.1 dB and costs well under 1% of a core for one
/// 8 kHz ↔ 48 kHz stream. The filter delays the audio by inputLatency() input samples (at quality 5
/// from 8 kHz: 40 samples, 5 ms); the first output samples are that filter's start-up from
/// silence, not dropped (a continuous stream stays continuous).
///
/// Stream model: process() consumes as much input as fits the output, keeps the filter state, and
/// can be called with chunks of any size (e.g. one 160-sample Media Streams frame at a time); the
/// total output of N input samples is N × outputRate / inputRate, rounded, ± 1 sample.
///
/// Threading and real time: not thread-safe; an instance belongs to one thread (the audio thread).
/// The constructor allocates the filter; process() and reset() do not allocate, lock or make system
/// calls. Moving is not supported (the audio thread holds a pointer); create one per stream.
class Resampler
{
public:
    static constexpr int kDefaultQuality = 5;
    static constexpr int kMinRate = 1000;
    static constexpr int kMaxRate = 384000;

    /// Rates in Hz within [kMinRate, kMaxRate], quality 0 .. 10. On invalid arguments or an
    /// allocation failure the resampler is not valid: isValid() is false and process() produces
    /// nothing.
    Resampler(int inputRate, int outputRate, int quality = kDefaultQuality);
    ~Resampler();
    Resampler(const Resampler&) = delete;
    Resampler& operator=(const Resampler&) = delete;

    bool isValid() const noexcept { return m_state != nullptr; }
    int inputRate() const noexcept { return m_inputRate; }
    int outputRate() const noexcept { return m_outputRate; }
    int quality() const noexcept { return m_quality; }

    /// Filter delay in input samples (0 when not valid).
    int inputLatency() const noexcept;

    /// Output samples that `inputCount` input samples can produce at most: a safe size for `out`.
    qsizetype maxOutput(qsizetype inputCount) const noexcept;

    struct Processed
    {
        qsizetype consumed = 0; ///< input samples used (all of them when `out` was large enough)
        qsizetype produced = 0; ///< samples written to `out`
    };

    /// Resamples up to `inputCount` samples from `in` into `out` (room for `outputCapacity`
    /// samples). `in` and `out` must not overlap. Input that did not fit is not consumed: the
    /// caller offers it again with the next call.
    Processed process(const int16_t* in, qsizetype inputCount, int16_t* out, qsizetype outputCapacity) noexcept;

    /// Forgets the filter history (e.g. at the start of a new call): the next output starts from
    /// silence again.
    void reset() noexcept;

private:
    SpeexResamplerState_* m_state = nullptr;
    int m_inputRate = 0;
    int m_outputRate = 0;
    int m_quality = 0;
};

} // namespace sb::audio
