// SPDX-License-Identifier: GPL-3.0-or-later
#include "audio/MuLaw.h"

#include <algorithm>

namespace sb::audio::mulaw {

static_assert(kDecodeTable[0x00] == -kMaxDecoded);
static_assert(kDecodeTable[0x80] == kMaxDecoded);
static_assert(kDecodeTable[0xFF] == 0 && kDecodeTable[0x7F] == 0);
static_assert(encodeSample(0) == 0xFF);
static_assert(encodeSample(kMaxDecoded) == 0x80 && encodeSample(-kMaxDecoded) == 0x00);
static_assert(encodeSample(32767) == 0x80 && encodeSample(-32768) == 0x00);

void decode(const uint8_t* in, qsizetype n, int16_t* out) noexcept
{
    // A table lookup per byte; the compiler unrolls this into independent loads.
    const int16_t* table = kDecodeTable.data();
    for (qsizetype i = 0; i < n; ++i)
        out[i] = table[in[i]];
}

qsizetype decode(std::span<const uint8_t> in, std::span<int16_t> out) noexcept
{
    const qsizetype n = static_cast<qsizetype>(std::min(in.size(), out.size()));
    decode(in.data(), n, out.data());
    return n;
}

QList<int16_t> decode(QByteArrayView in)
{
    QList<int16_t> out(in.size());
    decode(reinterpret_cast<const uint8_t*>(in.data()), in.size(), out.data());
    return out;
}

void encode(const int16_t* in, qsizetype n, uint8_t* out) noexcept
{
    for (qsizetype i = 0; i < n; ++i)
        out[i] = encodeSample(in[i]);
}

qsizetype encode(std::span<const int16_t> in, std::span<uint8_t> out) noexcept
{
    const qsizetype n = static_cast<qsizetype>(std::min(in.size(), out.size()));
    encode(in.data(), n, out.data());
    return n;
}

QByteArray encode(std::span<const int16_t> in)
{
    QByteArray out(static_cast<qsizetype>(in.size()), Qt::Uninitialized);
    encode(in.data(), out.size(), reinterpret_cast<uint8_t*>(out.data()));
    return out;
}

} // namespace sb::audio::mulaw
