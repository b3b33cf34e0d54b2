// SPDX-License-Identifier: GPL-3.0-or-later
#include "listen/PlayoutDevice.h"

#include <algorithm>
#include <cstring>

namespace sb::listen {
namespace {

constexpr int kInbound = 0;
constexpr int kOutbound = 1;
constexpr double kPan = 0.5; ///< inbound half left, outbound half right: both audible on one ear

} // namespace

PlayoutDevice::PlayoutDevice(std::shared_ptr<LiveFeed> feed, const QAudioFormat& format, QObject* parent)
    : QIODevice(parent)
    , m_feed(std::move(feed))
    , m_format(format)
    , m_bytesPerFrame(format.bytesPerFrame())
{
    const int rate = format.sampleRate();
    for (int t = 0; t < kTracks; ++t) {
        m_jitter[size_t(t)] = std::make_unique<audio::JitterBuffer>();
        m_resamplers[size_t(t)] = std::make_unique<audio::Resampler>(8000, rate);
        m_upsampled[size_t(t)].resize(
            size_t(std::max<qsizetype>(m_resamplers[size_t(t)]->maxOutput(160), rate / 50 + 8)));
    }
    m_stereo.resize(2 * m_upsampled[0].size());
    m_mix.setTrack(audio::StereoMix::Track::Inbound, {0.0, false, -kPan});
    m_mix.setTrack(audio::StereoMix::Track::Outbound, {0.0, false, kPan});
    m_generation = m_feed->generation.load();
}

PlayoutDevice::~PlayoutDevice() = default;

qint64 PlayoutDevice::bytesAvailable() const
{
    // Live audio never runs out: there is always the next 20 ms (silence if nothing arrived).
    return QIODevice::bytesAvailable() + qint64(m_format.bytesForDuration(20000));
}

qint64 PlayoutDevice::readData(char* data, qint64 maxSize)
{
    if (m_bytesPerFrame <= 0)
        return -1;
    const qint64 wanted = maxSize / m_bytesPerFrame;
    qint64 done = 0;
    while (done < wanted) {
        if (m_stereoPos >= m_stereoFrames)
            renderTick();
        const qsizetype n = qsizetype(std::min<qint64>(wanted - done, m_stereoFrames - m_stereoPos));
        writeFrames(data + done * m_bytesPerFrame, n);
        m_stereoPos += n;
        done += n;
    }
    return done * m_bytesPerFrame;
}

void PlayoutDevice::startGeneration(uint32_t generation) noexcept
{
    m_generation = generation;
    for (int t = 0; t < kTracks; ++t) {
        m_jitter[size_t(t)]->reset();
        m_resamplers[size_t(t)]->reset();
        m_vad[size_t(t)].reset();
    }
}

void PlayoutDevice::renderTick() noexcept
{
    LiveFeed& feed = *m_feed;
    const uint32_t current = feed.generation.load(std::memory_order_acquire);
    if (current != m_generation)
        startGeneration(current);
    while (feed.ring.pop(m_frame)) {
        if (m_frame.generation != m_generation) {
            // A listen() newer than the one this tick started with: switch now, else stale.
            if (m_frame.generation != feed.generation.load(std::memory_order_acquire))
                continue;
            startGeneration(m_frame.generation);
        }
        const int t = m_frame.track == 0 ? kInbound : kOutbound;
        m_jitter[size_t(t)]->push(m_frame.sequence, m_frame.timestampMs, m_frame.pcm.data(), m_frame.arrivalMs);
    }
    qsizetype produced = -1;
    for (int t = 0; t < kTracks; ++t) {
        int16_t* pcm = m_pcm8[size_t(t)].data();
        m_jitter[size_t(t)]->pull(pcm, 0);
        const audio::FrameLevels levels = audio::measureLevels(pcm, audio::LiveFrame::kSamples);
        const bool talking = m_vad[size_t(t)].process(pcm, audio::LiveFrame::kSamples);
        LiveFeed::TrackMeter& meter = feed.meters[size_t(t)];
        meter.rmsDb.store(float(levels.rmsDb), std::memory_order_relaxed);
        meter.peakDb.store(float(levels.peakDb), std::memory_order_relaxed);
        meter.talking.store(talking, std::memory_order_relaxed);
        std::vector<int16_t>& up = m_upsampled[size_t(t)];
        const auto r =
            m_resamplers[size_t(t)]->process(pcm, audio::LiveFrame::kSamples, up.data(), qsizetype(up.size()));
        produced = produced < 0 ? r.produced : std::min(produced, r.produced);
    }
    if (produced <= 0) { // no valid resampler: keep time with 20 ms of silence
        produced = std::min<qsizetype>(qsizetype(m_upsampled[0].size()), m_format.sampleRate() / 50);
        std::fill(m_stereo.begin(), m_stereo.begin() + 2 * produced, int16_t(0));
    } else {
        m_mix.mix(m_upsampled[kInbound].data(), m_upsampled[kOutbound].data(), produced, m_stereo.data());
    }
    m_stereoFrames = std::max<qsizetype>(produced, 1);
    m_stereoPos = 0;
    feed.ticks.fetch_add(1, std::memory_order_relaxed);
}

void PlayoutDevice::writeFrames(char* out, qsizetype frames) noexcept
{
    const int channels = m_format.channelCount();
    const int bytesPerSample = m_format.bytesPerSample();
    const int16_t* in = m_stereo.data() + 2 * m_stereoPos;
    for (qsizetype f = 0; f < frames; ++f) {
        const int left = in[2 * f];
        const int right = in[2 * f + 1];
        for (int c = 0; c < channels; ++c) {
            int v = channels == 1 ? (left + right) / 2 : c == 0 ? left : c == 1 ? right : 0;
            char* sample = out + (f * channels + c) * bytesPerSample;
            switch (m_format.sampleFormat()) {
            case QAudioFormat::Int16: {
                const auto s = int16_t(v);
                std::memcpy(sample, &s, sizeof s);
                break;
            }
            case QAudioFormat::Int32: {
                const auto s = int32_t(v) * 65536;
                std::memcpy(sample, &s, sizeof s);
                break;
            }
            case QAudioFormat::Float: {
                const float s = float(v) / 32768.0f;
                std::memcpy(sample, &s, sizeof s);
                break;
            }
            case QAudioFormat::UInt8:
                *reinterpret_cast<uint8_t*>(sample) = uint8_t((v >> 8) + 128);
                break;
            default:
                std::memset(sample, 0, size_t(bytesPerSample));
                break;
            }
        }
    }
}

} // namespace sb::listen
