// SPDX-License-Identifier: GPL-3.0-or-later
#include "audio/WavWriter.h"

#include "audio/MuLaw.h"
#include "common/Logging.h"

#include <QDebug>
#include <QFile>
#include <QFileInfo>
#include <QtEndian>
#include <algorithm>
#include <cerrno>

#if defined(Q_OS_UNIX)
#include <unistd.h>
#elif defined(Q_OS_WIN)
#include <io.h>
#endif

namespace sb::audio {

namespace {
constexpr int kMaxSampleRate = 768000;
constexpr int kMaxChannels = 16;
// The write buffer holds one flush interval, within these bounds (in samples). Past the upper
// bound, full buffers are written early; the header still follows the flush interval.
constexpr qsizetype kMinBufferSamples = 2048;
constexpr qsizetype kMaxBufferSamples = qsizetype(1) << 19;
} // namespace

WavWriter::WavWriter() = default;

WavWriter::~WavWriter()
{
    if (isOpen() && !close())
        qCWarning(sb::log::app) << "WAV recording not closed cleanly:" << m_error.message;
}

bool WavWriter::isOpen() const
{
    return m_file && m_file->isOpen();
}

qint64 WavWriter::durationMs() const
{
    return m_options.sampleRate > 0 ? frames() * 1000 / m_options.sampleRate : 0;
}

void WavWriter::setError(const char* code, const QString& message)
{
    m_error = makeError(QLatin1String(code), message);
}

bool WavWriter::open(const QString& path, const Options& options)
{
    if (isOpen()) {
        setError("audio.wav.already_open",
                 QStringLiteral("Cannot open %1: this writer is still writing %2").arg(path, m_path));
        return false;
    }
    m_error = Error{};
    m_failed = false;
    m_buffered = 0;
    m_sinceFlush = 0;
    m_dataBytes = 0;
    m_diskDataBytes = 0;
    m_headerDataBytes = 0;
    m_path = path;

    if (options.sampleRate < 1 || options.sampleRate > kMaxSampleRate || options.channels < 1 ||
        options.channels > kMaxChannels || options.flushIntervalMs < 0 || options.maxDataBytes < 0) {
        setError("audio.wav.bad_options",
                 QStringLiteral("Cannot record %1: unsupported format (%2 Hz, %3 channels, flush every %4 ms)")
                     .arg(path)
                     .arg(options.sampleRate)
                     .arg(options.channels)
                     .arg(options.flushIntervalMs));
        return false;
    }
    m_options = options;
    m_blockAlign = 2 * options.channels;
    m_options.maxDataBytes = std::min(options.maxDataBytes, kMaxWavDataBytes);
    m_options.maxDataBytes -= m_options.maxDataBytes % m_blockAlign;
    m_flushBytes = qint64(options.flushIntervalMs) * options.sampleRate / 1000 * m_blockAlign;

    qsizetype capacity = qsizetype(std::clamp<qint64>(m_flushBytes / 2, kMinBufferSamples, kMaxBufferSamples));
    capacity -= capacity % options.channels;
    if (capacity != m_bufferCapacity || !m_buffer) {
        m_buffer = std::make_unique_for_overwrite<int16_t[]>(size_t(capacity));
        m_bufferCapacity = capacity;
    }

    // Only a file this call creates may be removed again if the header cannot be written.
    const bool existed = QFileInfo::exists(path);
    if (!m_file)
        m_file = std::make_unique<QFile>();
    m_file->setFileName(path);
    QIODevice::OpenMode mode = QIODevice::WriteOnly | QIODevice::Unbuffered;
    mode |= options.replaceExisting ? QIODevice::Truncate : QIODevice::NewOnly;
    if (!m_file->open(mode)) {
        if (!options.replaceExisting && QFileInfo(path).isFile())
            setError("audio.wav.exists", QStringLiteral("Cannot record to %1: the file already exists").arg(path));
        else
            setError("audio.wav.open_failed",
                     QStringLiteral("Cannot open %1 for writing: %2").arg(path, m_file->errorString()));
        return false;
    }

    const auto header = makeWavHeader(options.sampleRate, options.channels, 0);
    if (m_file->write(header.data(), kWavHeaderBytes) != kWavHeaderBytes) {
        setError("audio.wav.write_failed", QStringLiteral("Cannot write to %1: %2").arg(path, m_file->errorString()));
        m_file->close();
        if (!existed)
            m_file->remove();
        return false;
    }
    return true;
}

template <typename Fill> bool WavWriter::appendImpl(qsizetype count, const Fill& fill)
{
    if (!isOpen()) {
        setError("audio.wav.not_open", QStringLiteral("Cannot append audio: no WAV file is open"));
        return false;
    }
    if (m_failed)
        return false;
    if (count < 0 || count % m_options.channels != 0) {
        setError("audio.wav.partial_frame",
                 QStringLiteral("Cannot append %1 samples to %2: not a whole number of %3-channel frames")
                     .arg(count)
                     .arg(m_path)
                     .arg(m_options.channels));
        return false;
    }
    if (m_dataBytes + 2 * qint64(count) > m_options.maxDataBytes) {
        setError(
            "audio.wav.too_large",
            QStringLiteral("Recording %1 reached its size limit of %2 bytes").arg(m_path).arg(m_options.maxDataBytes));
        return false;
    }

    for (qsizetype done = 0; done < count;) {
        const qsizetype n = std::min(m_bufferCapacity - m_buffered, count - done);
        fill(done, n, m_buffer.get() + m_buffered);
        m_buffered += n;
        done += n;
        m_dataBytes += 2 * qint64(n);
        m_sinceFlush += 2 * qint64(n);
        if (m_buffered == m_bufferCapacity && !writeBuffer())
            return false;
    }
    if (m_sinceFlush >= m_flushBytes)
        return flush();
    return true;
}

bool WavWriter::append(const int16_t* samples, qsizetype count)
{
    return appendImpl(count, [samples](qsizetype offset, qsizetype n, int16_t* dest) {
        qToLittleEndian<int16_t>(samples + offset, n, dest);
    });
}

bool WavWriter::appendMuLaw(const uint8_t* codes, qsizetype count)
{
    return appendImpl(count, [codes](qsizetype offset, qsizetype n, int16_t* dest) {
        mulaw::decode(codes + offset, n, dest);
        qToLittleEndian<int16_t>(dest, n, dest);
    });
}

bool WavWriter::writeBuffer()
{
    if (m_buffered == 0)
        return true;
    const qint64 bytes = 2 * qint64(m_buffered);
    const qint64 written = m_file->write(reinterpret_cast<const char*>(m_buffer.get()), bytes);
    m_buffered = 0;
    if (written > 0)
        m_diskDataBytes += written;
    if (written == bytes)
        return true;
    m_failed = true;
    const QString reason =
        written < 0
            ? m_file->errorString()
            : QStringLiteral("only %1 of %2 bytes written (disk full or file too large)").arg(written).arg(bytes);
    setError("audio.wav.write_failed", QStringLiteral("Cannot write to %1: %2").arg(m_path, reason));
    return false;
}

bool WavWriter::writeHeader()
{
    const qint64 whole = m_diskDataBytes - m_diskDataBytes % m_blockAlign;
    if (whole == m_headerDataBytes)
        return true;
    const auto header = makeWavHeader(m_options.sampleRate, m_options.channels, quint32(whole));
    const bool ok = m_file->seek(0) && m_file->write(header.data(), kWavHeaderBytes) == kWavHeaderBytes &&
                    m_file->seek(kWavHeaderBytes + m_diskDataBytes);
    if (!ok) {
        if (!m_failed) {
            setError("audio.wav.write_failed",
                     QStringLiteral("Cannot update the header of %1: %2").arg(m_path, m_file->errorString()));
        }
        m_failed = true;
        return false;
    }
    m_headerDataBytes = whole;
    return true;
}

bool WavWriter::flush()
{
    if (!isOpen() || m_failed)
        return false;
    m_sinceFlush = 0;
    if (!writeBuffer() || !writeHeader())
        return false;
    return m_file->flush(); // nothing is buffered in QFile (Unbuffered), kept for clarity
}

bool WavWriter::close()
{
    if (!isOpen())
        return !m_failed;
    bool ok = flush();
    if (m_failed) {
        // Leave a valid file of the whole sample frames that reached the disk.
        const qint64 whole = m_diskDataBytes - m_diskDataBytes % m_blockAlign;
        if (whole != m_diskDataBytes && m_file->resize(kWavHeaderBytes + whole))
            m_diskDataBytes = whole;
        writeHeader();
        ok = false;
    }
    if (m_options.syncOnClose) {
        m_file->unsetError();
#if defined(Q_OS_UNIX)
        const bool synced = ::fsync(m_file->handle()) == 0;
#elif defined(Q_OS_WIN)
        const bool synced = ::_commit(m_file->handle()) == 0;
#else
        const bool synced = true;
#endif
        if (!synced && ok) {
            setError("audio.wav.sync_failed",
                     QStringLiteral("Cannot sync %1 to disk: %2").arg(m_path, qt_error_string(errno)));
            ok = false;
        }
    }
    m_file->unsetError();
    m_file->close();
    if (m_file->error() != QFileDevice::NoError && ok) {
        setError("audio.wav.write_failed", QStringLiteral("Cannot close %1: %2").arg(m_path, m_file->errorString()));
        ok = false;
    }
    return ok;
}

} // namespace sb::audio
