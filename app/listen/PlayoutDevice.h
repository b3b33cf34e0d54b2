// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "audio/JitterBuffer.h"
#include "audio/Levels.h"
#include "audio/Resampler.h"
#include "audio/StereoMix.h"
#include "listen/LiveFeed.h"

#include <QAudioFormat>
#include <QIODevice>
#include <array>
#include <memory>
#include <vector>

namespace sb::listen {

/// The pull side of live listening: a read-only sequential QIODevice that a QAudioSink in pull
/// mode reads from, so the device's pace drives playout. Each time its 20 ms output is used up it
/// renders the next one: drains the LiveFeed ring into one JitterBuffer per track (frames of the
/// current generation only; a new generation resets buffers, resamplers and detectors), pulls one
/// 160-sample frame from each, measures it (Levels: dBFS and voice activity, published to the
/// feed's atomics), resamples each track from 8 kHz to the sink's rate (Resampler), mixes them to
/// stereo (StereoMix: inbound left of centre, outbound right of centre) and converts to the sink's
/// format (Int16, Int32, Float or UInt8; one channel gets the average, channels past two get
/// silence). readData() always fills the whole request: silence when nothing is buffered.
///
/// Open it ReadOnly | Unbuffered (QIODevice would otherwise read 16 KiB ahead, adding latency).
///
/// Threading and real time: lives on the audio thread with its QAudioSink. All buffers are
/// allocated in the constructor; readData() never allocates, locks or makes system calls.
class PlayoutDevice : public QIODevice
{
    Q_OBJECT

public:
    PlayoutDevice(std::shared_ptr<LiveFeed> feed, const QAudioFormat& format, QObject* parent = nullptr);
    ~PlayoutDevice() override;

    bool isSequential() const override { return true; }
    qint64 bytesAvailable() const override;
    const QAudioFormat& format() const { return m_format; }

protected:
    qint64 readData(char* data, qint64 maxSize) override;
    qint64 writeData(const char*, qint64) override { return -1; }

private:
    void renderTick() noexcept;
    void startGeneration(uint32_t generation) noexcept;
    void writeFrames(char* out, qsizetype frames) noexcept;

    static constexpr int kTracks = 2;
    std::shared_ptr<LiveFeed> m_feed;
    QAudioFormat m_format;
    int m_bytesPerFrame = 0;
    uint32_t m_generation = 0;
    std::array<std::unique_ptr<audio::JitterBuffer>, kTracks> m_jitter;
    std::array<std::unique_ptr<audio::Resampler>, kTracks> m_resamplers;
    std::array<audio::VoiceActivityDetector, kTracks> m_vad;
    audio::StereoMix m_mix;
    audio::LiveFrame m_frame;
    std::array<std::array<int16_t, audio::LiveFrame::kSamples>, kTracks> m_pcm8{};
    std::array<std::vector<int16_t>, kTracks> m_upsampled;
    std::vector<int16_t> m_stereo; ///< the rendered 20 ms, interleaved L R at the sink's rate
    qsizetype m_stereoFrames = 0;
    qsizetype m_stereoPos = 0;
};

} // namespace sb::listen
