// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "audio/WavFile.h"
#include "common/Result.h"

#include <QString>
#include <cstdint>
#include <memory>
#include <span>

class QFile;

namespace sb::audio {

/// Streams 16-bit PCM to a WAV file as it arrives, so that a crash loses as little as possible.
///
/// open() writes the canonical 44-byte header with sizes 0. Appended audio collects in a buffer
/// allocated once by open(); as soon as `flushIntervalMs` of audio has arrived since the last
/// flush, within the append() that brought it, the buffer is written to the file (plain write(2),
/// no stdio buffering), then the RIFF and data sizes in the header are rewritten to match. So at
/// any moment the file on disk holds all audio appended up to the last flush, and its header
/// describes exactly that (or, if the process dies between the two writes, a little less).
///
/// Crash contract: whenever no append() is running, less than `flushIntervalMs` of audio is
/// waiting in the buffer (none with flushIntervalMs = 0). After a kill -9 the OS still has
/// everything written, so a restart that runs repairWav() loses less than `flushIntervalMs` of
/// audio, wherever the kill lands. A caller that also wants a bound in wall time for a quiet
/// stream calls flush() on a timer. There is no fsync per flush (power loss is the kernel's
/// write-back matter); Options::syncOnClose adds one fsync at close().
///
/// Errors (open failure, disk full, permission, size limit) never throw or crash: the call returns
/// false and error() says why. After a write error the writer is "failed": appends are refused, and
/// close() still makes the file a valid WAV of whatever whole sample frames reached the disk.
///
/// Threading: not thread-safe and not a QObject. An instance belongs to one thread (in the app,
/// the network thread that receives the stream); every call must come from that thread. append()
/// and appendMuLaw() do not allocate (except to build an error message); they make system calls
/// only when the buffer is full or a flush is due (one write(2), then lseek/write/lseek for the
/// header).
class WavWriter
{
public:
    struct Options
    {
        int sampleRate = 8000; ///< Hz, 1 .. 768000
        int channels = 1;      ///< 1 .. 16; samples are interleaved
        /// Audio time between flushes to the OS (data write + header rewrite). 0 flushes on every
        /// append. A crash loses less than this (see the crash contract above), and a live reader
        /// is less than this behind.
        int flushIntervalMs = 200;
        bool syncOnClose = false;     ///< fsync() at close(): survives power loss, may block briefly
        bool replaceExisting = false; ///< false: open() fails with audio.wav.exists
        /// Stop accepting audio beyond this many data bytes (appends then fail with
        /// audio.wav.too_large, leaving a valid file). Capped at kMaxWavDataBytes (4 GiB, 74 h of
        /// 8 kHz mono).
        qint64 maxDataBytes = kMaxWavDataBytes;
    };

    WavWriter();
    /// Closes the file (as close(), errors are logged).
    ~WavWriter();
    WavWriter(const WavWriter&) = delete;
    WavWriter& operator=(const WavWriter&) = delete;

    /// Creates `path` (its directory must exist) and writes the header. On failure error() says
    /// why (audio.wav.bad_options, audio.wav.already_open, audio.wav.exists, audio.wav.open_failed,
    /// audio.wav.write_failed) and a file this call created is removed again; an existing file
    /// that replaceExisting allowed to be truncated is never removed.
    bool open(const QString& path, const Options& options);
    bool open(const QString& path) { return open(path, Options{}); }

    /// Appends `count` samples (interleaved, so a multiple of channels). Host byte order in, little
    /// endian on disk. Returns false, writing nothing, when not open, failed, the count is not
    /// whole frames (audio.wav.partial_frame), or maxDataBytes would be exceeded; returns false
    /// after writing what it could on a write error (audio.wav.write_failed).
    bool append(const int16_t* samples, qsizetype count);
    bool append(std::span<const int16_t> samples) { return append(samples.data(), qsizetype(samples.size())); }

    /// Decodes G.711 mu-law straight into the write buffer and appends it: one call per Media
    /// Streams frame (160 bytes). Same rules as append().
    bool appendMuLaw(const uint8_t* codes, qsizetype count);
    bool appendMuLaw(std::span<const uint8_t> codes) { return appendMuLaw(codes.data(), qsizetype(codes.size())); }

    /// Writes buffered audio and rewrites the header now (e.g. from a timer when a stream goes
    /// quiet). No-op when nothing is pending.
    bool flush();

    /// Flushes, fixes the header (and, after a write error, cuts off a partial sample frame),
    /// optionally fsyncs, and closes. Returns false if any of that failed or the writer had
    /// failed earlier. Counters and error() stay readable; the writer can be opened again.
    bool close();

    bool isOpen() const;
    /// A write error happened (sticky until the next open()).
    bool hasFailed() const { return m_failed; }
    const Error& error() const { return m_error; }
    QString errorString() const { return m_error.message; }
    QString path() const { return m_path; }
    const Options& options() const { return m_options; }

    /// Bytes of audio accepted by append() since open().
    qint64 dataBytes() const { return m_dataBytes; }
    /// Bytes of audio handed to the OS; what a kill -9 now would keep.
    qint64 flushedDataBytes() const { return m_diskDataBytes; }
    /// Sample frames (one sample per channel) accepted since open().
    qint64 frames() const { return m_blockAlign > 0 ? m_dataBytes / m_blockAlign : 0; }
    qint64 durationMs() const;

private:
    template <typename Fill> bool appendImpl(qsizetype count, const Fill& fill);
    bool writeBuffer();
    bool writeHeader();
    void setError(const char* code, const QString& message);

    std::unique_ptr<QFile> m_file;
    QString m_path;
    Options m_options;
    std::unique_ptr<int16_t[]> m_buffer; ///< little-endian samples not yet written
    qsizetype m_bufferCapacity = 0;      ///< samples, a multiple of channels
    qsizetype m_buffered = 0;            ///< samples in m_buffer
    qint64 m_flushBytes = 0;             ///< flush when this many bytes arrived since the last flush
    qint64 m_sinceFlush = 0;
    qint64 m_dataBytes = 0;
    qint64 m_diskDataBytes = 0;   ///< data bytes the OS has (may be odd after a short write)
    qint64 m_headerDataBytes = 0; ///< data size the header on disk states
    int m_blockAlign = 0;
    bool m_failed = false;
    Error m_error;
};

} // namespace sb::audio
