// SPDX-License-Identifier: GPL-3.0-or-later
#include "audio/Resampler.h"

#include <algorithm>
#include <limits>
#include <speex/speex_resampler.h>

namespace sb::audio {

Resampler::Resampler(int inputRate, int outputRate, int quality)
    : m_inputRate(inputRate)
    , m_outputRate(outputRate)
    , m_quality(quality)
{
    const auto rateOk = [](int rate) { return rate >= kMinRate && rate <= kMaxRate; };
    if (!rateOk(inputRate) || !rateOk(outputRate) || quality < 0 || quality > 10)
        return;
    int error = RESAMPLER_ERR_SUCCESS;
    m_state = speex_resampler_init(1, spx_uint32_t(inputRate), spx_uint32_t(outputRate), quality, &error);
    if (error != RESAMPLER_ERR_SUCCESS && m_state) {
        speex_resampler_destroy(m_state);
        m_state = nullptr;
    }
}

Resampler::~Resampler()
{
    if (m_state)
        speex_resampler_destroy(m_state);
}

int Resampler::inputLatency() const noexcept
{
    return m_state ? speex_resampler_get_input_latency(m_state) : 0;
}

qsizetype Resampler::maxOutput(qsizetype inputCount) const noexcept
{
    if (!m_state || inputCount <= 0)
        return 0;
    return (inputCount * m_outputRate + m_inputRate - 1) / m_inputRate + 1;
}

Resampler::Processed
Resampler::process(const int16_t* in, qsizetype inputCount, int16_t* out, qsizetype outputCapacity) noexcept
{
    Processed result;
    if (!m_state || inputCount <= 0 || outputCapacity <= 0)
        return result;
    constexpr qsizetype kMaxChunk = std::numeric_limits<spx_uint32_t>::max() / 2;
    auto inLen = spx_uint32_t(std::min(inputCount, kMaxChunk));
    auto outLen = spx_uint32_t(std::min(outputCapacity, kMaxChunk));
    if (speex_resampler_process_int(m_state, 0, in, &inLen, out, &outLen) != RESAMPLER_ERR_SUCCESS)
        return result;
    result.consumed = qsizetype(inLen);
    result.produced = qsizetype(outLen);
    return result;
}

void Resampler::reset() noexcept
{
    if (m_state)
        speex_resampler_reset_mem(m_state);
}

} // namespace sb::audio
