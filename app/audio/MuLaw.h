// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <array>
#include <bit>
#include <cstdint>
#include <span>

/// G.711 mu-law (ITU-T G.711 §A, the North American / Japanese companding law) between 8-bit codes
/// and 16-bit linear PCM. This is the format of Twilio Media Streams: 8 kHz, mono, one byte per
/// sample, 160 bytes per 20 ms frame.
///
/// Everything here is a pure function over caller-owned memory: no allocation (except the
/// QByteArray/QList conveniences), no locks, no shared mutable state. Safe on any thread.
///
/// Scale: G.711 defines mu-law on a 14-bit magnitude scale; these functions work on that scale
/// shifted left by two bits (the usual 16-bit convention), so decoded values lie in
/// [-32124, 32124] and are all multiples of 4.
///
/// Zero codes: 0xFF is "+0" and 0x7F is "-0"; both decode to 0 and encode(0) yields 0xFF, so
/// encodeSample(decodeSample(0x7F)) == 0xFF. Every other code round-trips exactly. No "zero code
/// suppression" (the old T1 rule of never emitting 0x00) is applied: 0x00 is a valid G.711 code.
namespace sb::audio::mulaw {

inline constexpr int kSampleRate = 8000;      ///< Twilio Media Streams sample rate (Hz)
inline constexpr qsizetype kFrameBytes = 160; ///< one 20 ms Media Streams frame at 8 kHz
inline constexpr int kFrameMs = 20;
inline constexpr int16_t kMaxDecoded = 32124; ///< magnitude of the largest decoded value
/// Largest input magnitude that is not clipped by encodeSample(); larger values encode like this.
inline constexpr int kClip = 32635;
inline constexpr int kBias = 0x84; ///< 33 on the 14-bit scale, shifted to 16 bits

/// Decodes one code by arithmetic (kDecodeTable is built from it; the bulk decode uses the table).
constexpr int16_t decodeSample(uint8_t code) noexcept
{
    const int inverted = ~code & 0xFF; // codes are transmitted with all bits inverted
    const int exponent = (inverted >> 4) & 0x07;
    const int mantissa = inverted & 0x0F;
    const int magnitude = (((mantissa << 3) + kBias) << exponent) - kBias;
    return static_cast<int16_t>((inverted & 0x80) ? -magnitude : magnitude);
}

namespace detail {
constexpr std::array<int16_t, 256> makeDecodeTable() noexcept
{
    std::array<int16_t, 256> table{};
    for (int code = 0; code < 256; ++code)
        table[static_cast<std::size_t>(code)] = decodeSample(static_cast<uint8_t>(code));
    return table;
}
} // namespace detail

/// Code → 16-bit PCM for all 256 codes, built at compile time.
inline constexpr std::array<int16_t, 256> kDecodeTable = detail::makeDecodeTable();

/// Encodes one 16-bit sample (G.711 segment/mantissa quantisation, round to the nearest level,
/// clipping at ±kClip). For |x| <= kClip, |decodeSample(encodeSample(x)) - x| is at most half the
/// quantisation step of x's segment (4 << segment, i.e. 4 .. 512).
constexpr uint8_t encodeSample(int16_t sample) noexcept
{
    int value = sample;
    int sign = 0;
    if (value < 0) {
        value = -value; // int, so -32768 is fine
        sign = 0x80;
    }
    if (value > kClip)
        value = kClip;
    value += kBias; // now in [0x84, 0x7FFF]
    // Segment = how far the highest set bit lies above bit 7 (value >= 0x80 always holds).
    const int exponent = static_cast<int>(std::bit_width(static_cast<unsigned>(value) >> 8));
    const int mantissa = (value >> (exponent + 3)) & 0x0F;
    return static_cast<uint8_t>(~(sign | (exponent << 4) | mantissa) & 0xFF);
}

/// Decodes `n` codes from `in` into `out` (which must hold `n` samples). Allocation-free; this is
/// the hot path for every Media Streams frame. `in` and `out` must not overlap.
void decode(const uint8_t* in, qsizetype n, int16_t* out) noexcept;

/// Decodes min(in.size(), out.size()) codes; returns how many were decoded.
qsizetype decode(std::span<const uint8_t> in, std::span<int16_t> out) noexcept;

/// Convenience (allocates): decodes a whole payload, e.g. a base64-decoded Media Streams frame.
QList<int16_t> decode(QByteArrayView in);

/// Encodes `n` samples from `in` into `out` (which must hold `n` bytes). Allocation-free.
void encode(const int16_t* in, qsizetype n, uint8_t* out) noexcept;

/// Encodes min(in.size(), out.size()) samples; returns how many were encoded.
qsizetype encode(std::span<const int16_t> in, std::span<uint8_t> out) noexcept;

/// Convenience (allocates): encodes samples into a payload ready for base64 (simulator side).
QByteArray encode(std::span<const int16_t> in);

} // namespace sb::audio::mulaw
