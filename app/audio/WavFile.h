// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/Result.h"

#include <QList>
#include <QString>
#include <array>
#include <cstdint>

/// RIFF/WAVE facts, a tolerant reader and the start-up repair for recordings left open by a crash.
///
/// Layout written by WavWriter (the canonical 44-byte header, all integers little-endian):
///
///     0  "RIFF"  4  riffSize = 36 + dataSize   8  "WAVE"
///    12  "fmt "  16 fmtSize = 16   20 formatTag = 1 (PCM)   22 channels   24 sampleRate
///    28  byteRate   32 blockAlign   34 bitsPerSample = 16
///    36  "data"  40 dataSize   44 samples (interleaved)
///
/// The functions here are reentrant: they share no state and may run on any thread, but two of them
/// must not work on the same file at once, nor on a file a WavWriter still has open.
namespace sb::audio {

inline constexpr qsizetype kWavHeaderBytes = 44;
/// Largest data chunk a RIFF file can describe (riffSize = 36 + dataSize must fit in 32 bits).
inline constexpr qint64 kMaxWavDataBytes = qint64(0xFFFFFFFFu) - 36;

inline constexpr quint16 kWavFormatPcm = 0x0001;
inline constexpr quint16 kWavFormatMuLaw = 0x0007;
inline constexpr quint16 kWavFormatExtensible = 0xFFFE;

/// What a "fmt " chunk says.
struct WavFormat
{
    quint16 formatTag = kWavFormatPcm; ///< for WAVE_FORMAT_EXTENSIBLE: the sub-format's tag
    int channels = 1;
    int sampleRate = 8000;
    int bitsPerSample = 16;
    int blockAlign = 2; ///< bytes per sample frame (all channels), as stored in the file

    bool isPcm16() const { return formatTag == kWavFormatPcm && bitsPerSample == 16; }
    bool isMuLaw() const { return formatTag == kWavFormatMuLaw && bitsPerSample == 8; }
    bool operator==(const WavFormat&) const = default;
};

/// The canonical 44-byte header for 16-bit PCM with the given sizes. `dataBytes` must be at most
/// kMaxWavDataBytes. Allocation-free.
std::array<char, kWavHeaderBytes> makeWavHeader(int sampleRate, int channels, quint32 dataBytes) noexcept;

/// Where the audio of a WAV file is and whether its header describes the file truthfully.
struct WavInfo
{
    WavFormat format;
    qint64 fileBytes = 0;         ///< size of the file on disk
    qint64 dataOffset = 0;        ///< file offset of the first sample byte
    qint64 dataBytes = 0;         ///< whole sample frames actually present (what readWav returns)
    qint64 trailingBytes = 0;     ///< bytes of an incomplete final sample frame (0 in a sound file)
    quint32 declaredRiffSize = 0; ///< RIFF chunk size as stored at offset 4
    quint32 declaredDataSize = 0; ///< data chunk size as stored in the data chunk header
    /// True when the data chunk is the last thing in the file, so its real extent is "to the end"
    /// (always the case for WavWriter's files). False when valid chunks follow it.
    bool dataRunsToEnd = true;

    /// Both sizes in the header match the file and no partial sample frame trails.
    bool headerConsistent() const;
    qint64 frames() const { return format.blockAlign > 0 ? dataBytes / format.blockAlign : 0; }
    double durationSeconds() const { return format.sampleRate > 0 ? double(frames()) / format.sampleRate : 0.0; }
};

/// Audio decoded from a WAV file: samples interleaved by channel.
struct WavData
{
    WavInfo info;
    QList<int16_t> samples;
};

/// Reads the header and locates the audio, tolerating sizes that are wrong:
/// a data size of 0, 0xFFFFFFFF, past the end of the file, or stale (the file grew after the header
/// was last written, as with a writer killed mid-recording) means "the audio runs to the end of
/// the file". A data size that stops short is believed only when the RIFF size says more chunks
/// follow and a well-formed chunk header is found there. Chunks other than "fmt " and "data"
/// (LIST, fact, ...) are skipped, odd sizes padded as RIFF requires.
///
/// Error codes: audio.wav.open_failed, audio.wav.truncated (shorter than a header: nothing to
/// repair), audio.wav.not_wav (not RIFF/WAVE), audio.wav.bad_format (no usable "fmt "),
/// audio.wav.no_data (no "data" chunk).
Result<WavInfo> inspectWav(const QString& path);

/// inspectWav() plus the samples. Supports 16-bit PCM and 8-bit G.711 mu-law (decoded to 16-bit);
/// other encodings fail with audio.wav.unsupported. Reads the whole file: meant for tests, replay
/// and export, not for hours of audio on a latency-sensitive thread.
Result<WavData> readWav(const QString& path);

/// What repairWav() found and did.
struct WavRepair
{
    bool wasBroken = false;    ///< the file was changed (header sizes rewritten and/or truncated)
    qint64 dataBytes = 0;      ///< bytes of audio in the file afterwards
    qint64 truncatedBytes = 0; ///< incomplete trailing sample frame removed
    quint32 oldRiffSize = 0;   ///< sizes found in the header ...
    quint32 oldDataSize = 0;
    quint32 newRiffSize = 0; ///< ... and as they are now (equal to the old ones when !wasBroken)
    quint32 newDataSize = 0;
    WavInfo info; ///< the file as it is after the repair
};

/// Makes a WAV left open by a crash valid: when the data chunk is the last chunk, cuts off an
/// incomplete trailing sample frame and rewrites the RIFF and data sizes from the real file size.
/// A file whose header is already right is not opened for writing (its modification time is
/// kept). Files that inspectWav() rejects are left untouched and the error is returned; a file
/// with chunks after the data chunk is never modified. Run at start-up, before any WavWriter opens
/// the file. Extra error codes: audio.wav.too_large (more audio than a RIFF size can describe),
/// audio.wav.repair_failed (I/O error while fixing; the file may be half-fixed but never loses
/// whole samples).
Result<WavRepair> repairWav(const QString& path);

} // namespace sb::audio
