// SPDX-License-Identifier: GPL-3.0-or-later
// Measures G.711 mu-law decode/encode of 20 ms Media Streams frames (160 bytes) and the cost of
// appending one frame to a WavWriter. Prints figures; asserts nothing.
// Run: build/bench/bench_mulaw [frames]   (default 200000 frames = 66 minutes of audio)
#include "audio/MuLaw.h"
#include "audio/WavWriter.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <array>
#include <cstdio>
#include <vector>

using namespace sb::audio;

namespace {

constexpr qsizetype kFrame = mulaw::kFrameBytes;
constexpr int kDistinctFrames = 64; // cycle through several frames so the input is not one cache line

/// 100 000 frames/s = 1000 calls x 2 tracks x 50 frames/s, the design load of the network thread.
constexpr double kDesignFramesPerSecond = 100000.0;

void report(const char* what, qint64 nanos, qint64 frames)
{
    const double nsPerFrame = double(nanos) / double(frames);
    std::printf("  %-38s %9.1f ns/frame  %11.0f frames/s  %5.2f%% of a core at design load\n",
                what,
                nsPerFrame,
                1e9 / nsPerFrame,
                nsPerFrame * kDesignFramesPerSecond / 1e7);
}

qint64 benchWriter(const QString& path,
                   int flushIntervalMs,
                   bool muLaw,
                   const std::vector<uint8_t>& codes,
                   const std::vector<int16_t>& pcm,
                   qint64 frames)
{
    WavWriter writer;
    WavWriter::Options options;
    options.flushIntervalMs = flushIntervalMs;
    options.replaceExisting = true;
    if (!writer.open(path, options)) {
        std::printf("  cannot open %s: %s\n", qPrintable(path), qPrintable(writer.errorString()));
        return -1;
    }
    QElapsedTimer timer;
    timer.start();
    for (qint64 i = 0; i < frames; ++i) {
        const size_t off = size_t(i % kDistinctFrames) * size_t(kFrame);
        const bool ok =
            muLaw ? writer.appendMuLaw(codes.data() + off, kFrame) : writer.append(pcm.data() + off, kFrame);
        if (!ok) {
            std::printf("  write failed: %s\n", qPrintable(writer.errorString()));
            return -1;
        }
    }
    const qint64 nanos = timer.nsecsElapsed();
    writer.close();
    return nanos;
}

} // namespace

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    const qint64 frames = argc > 1 ? QByteArray(argv[1]).toLongLong() : 200000;

    std::vector<uint8_t> codes(size_t(kFrame * kDistinctFrames));
    quint32 seed = 12345;
    for (uint8_t& c : codes) {
        seed = seed * 1664525u + 1013904223u;
        c = uint8_t(seed >> 24);
    }
    std::vector<int16_t> pcm(codes.size());
    mulaw::decode(codes.data(), qsizetype(codes.size()), pcm.data());
    std::array<int16_t, kFrame> out{};
    std::array<uint8_t, kFrame> encoded{};

    std::printf("bench_mulaw: %lld frames of %lld bytes (20 ms at 8 kHz); design load %.0f frames/s\n",
                static_cast<long long>(frames),
                static_cast<long long>(kFrame),
                kDesignFramesPerSecond);

    QElapsedTimer timer;
    qint64 sink = 0;
    timer.start();
    for (qint64 i = 0; i < frames; ++i) {
        mulaw::decode(codes.data() + size_t(i % kDistinctFrames) * size_t(kFrame), kFrame, out.data());
        sink += out[size_t(i % kFrame)];
    }
    const qint64 decodeNs = timer.nsecsElapsed();

    timer.restart();
    for (qint64 i = 0; i < frames; ++i) {
        mulaw::encode(pcm.data() + size_t(i % kDistinctFrames) * size_t(kFrame), kFrame, encoded.data());
        sink += encoded[size_t(i % kFrame)];
    }
    const qint64 encodeNs = timer.nsecsElapsed();

    report("decode (table lookup)", decodeNs, frames);
    std::printf("  %-38s %9.1f MB/s of mu-law in\n", "", double(frames * kFrame) / (double(decodeNs) / 1e9) / 1e6);
    report("encode", encodeNs, frames);

    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("bench.wav"));
    const qint64 writerFrames = qMin<qint64>(frames, 100000); // 33 minutes, 32 MB per run
    struct Case
    {
        const char* name;
        int intervalMs;
        bool muLaw;
    };
    const Case cases[] = {
        {"WAV append PCM, flush every 200 ms", 200, false},
        {"WAV appendMuLaw, flush every 200 ms", 200, true},
        {"WAV appendMuLaw, flush every 1 s", 1000, true},
        {"WAV appendMuLaw, flush every frame", 0, true},
    };
    for (const Case& c : cases) {
        const qint64 nanos = benchWriter(path, c.intervalMs, c.muLaw, codes, pcm, writerFrames);
        if (nanos > 0)
            report(c.name, nanos, writerFrames);
    }
    std::printf("  (checksum %lld)\n", static_cast<long long>(sink));
    return 0;
}
