// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Measuring test audio (header-only).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numbers>

namespace sb::test {

/// The Goertzel filter's raw power at `hz` over `n` samples at `rate` Hz: for a sine of amplitude
/// A at that frequency it is about (A n / 2)^2. Callers scale it (per-sample power, amplitude).
inline double goertzelPower(const int16_t* s, size_t n, double hz, int rate)
{
    const double w = 2.0 * std::numbers::pi * hz / rate;
    const double c = 2.0 * std::cos(w);
    double s1 = 0.0;
    double s2 = 0.0;
    for (size_t i = 0; i < n; ++i) {
        const double s0 = s[i] + c * s1 - s2;
        s2 = s1;
        s1 = s0;
    }
    return s1 * s1 + s2 * s2 - c * s1 * s2;
}

} // namespace sb::test
