// SPDX-License-Identifier: GPL-3.0-or-later
#include "audio/WavFile.h"

#include "audio/MuLaw.h"

#include <QFile>
#include <QtEndian>
#include <algorithm>
#include <climits>
#include <cstring>

namespace sb::audio {

namespace {

quint16 le16(const char* p)
{
    return qFromLittleEndian<quint16>(p);
}

quint32 le32(const char* p)
{
    return qFromLittleEndian<quint32>(p);
}

void putLe16(char* p, quint16 v)
{
    qToLittleEndian<quint16>(v, p);
}

void putLe32(char* p, quint32 v)
{
    qToLittleEndian<quint32>(v, p);
}

bool isChunkIdChar(char c)
{
    return c >= 0x20 && c <= 0x7E;
}

Error wavError(const char* code, const QString& path, const QString& what)
{
    return makeError(QLatin1String(code), QStringLiteral("%1: %2").arg(path, what));
}

/// True when a plausible chunk header (printable id, size inside the file) starts at `pos`.
bool chunkHeaderAt(QFile& file, qint64 pos, qint64 fileBytes)
{
    if (pos + 8 > fileBytes || !file.seek(pos))
        return false;
    char header[8];
    if (file.read(header, 8) != 8)
        return false;
    for (int i = 0; i < 4; ++i) {
        if (!isChunkIdChar(header[i]))
            return false;
    }
    return pos + 8 + qint64(le32(header + 4)) <= fileBytes;
}

Result<WavFormat> parseFmt(const char* fmt, qint64 fmtBytes, const QString& path)
{
    WavFormat format;
    format.formatTag = le16(fmt);
    format.channels = le16(fmt + 2);
    format.sampleRate = int(qMin<quint32>(le32(fmt + 4), quint32(INT_MAX)));
    format.blockAlign = le16(fmt + 12);
    format.bitsPerSample = le16(fmt + 14);
    if (format.formatTag == kWavFormatExtensible && fmtBytes >= 26)
        format.formatTag = le16(fmt + 24); // first two bytes of the sub-format GUID
    if (format.channels < 1 || format.sampleRate < 1 || format.blockAlign < 1 || format.bitsPerSample < 1)
        return wavError("audio.wav.bad_format", path, QStringLiteral("the \"fmt \" chunk describes no audio"));
    const bool fixedSize = format.formatTag == kWavFormatPcm || format.formatTag == kWavFormatMuLaw;
    if (fixedSize && format.blockAlign != format.channels * ((format.bitsPerSample + 7) / 8))
        return wavError("audio.wav.bad_format", path, QStringLiteral("block alignment does not match the format"));
    return format;
}

Result<WavInfo> inspectOpenFile(QFile& file, const QString& path)
{
    WavInfo info;
    info.fileBytes = file.size();

    char riff[12];
    const qint64 got = file.read(riff, sizeof riff);
    if (got < qint64(sizeof riff)) {
        const qint64 compared = std::clamp<qint64>(got, 0, 4);
        if (std::memcmp(riff, "RIFF", size_t(compared)) == 0)
            return wavError("audio.wav.truncated", path, QStringLiteral("file is shorter than a WAV header"));
        return wavError("audio.wav.not_wav", path, QStringLiteral("not a RIFF/WAVE file"));
    }
    if (std::memcmp(riff, "RIFF", 4) != 0 || std::memcmp(riff + 8, "WAVE", 4) != 0)
        return wavError("audio.wav.not_wav", path, QStringLiteral("not a RIFF/WAVE file"));
    info.declaredRiffSize = le32(riff + 4);

    bool haveFmt = false;
    qint64 pos = 12;
    for (;;) {
        char header[8];
        if (pos + 8 > info.fileBytes || !file.seek(pos) || file.read(header, 8) != 8) {
            if (info.fileBytes < kWavHeaderBytes)
                return wavError("audio.wav.truncated", path, QStringLiteral("file is shorter than a WAV header"));
            return wavError("audio.wav.no_data", path, QStringLiteral("no \"data\" chunk"));
        }
        const quint32 chunkSize = le32(header + 4);
        const qint64 bodyPos = pos + 8;

        if (std::memcmp(header, "fmt ", 4) == 0) {
            char fmt[40] = {};
            const qint64 want = qMin<qint64>(chunkSize, qint64(sizeof fmt));
            const qint64 have = file.read(fmt, want);
            if (chunkSize < 16 || have < 16) {
                if (info.fileBytes < kWavHeaderBytes)
                    return wavError("audio.wav.truncated", path, QStringLiteral("file is shorter than a WAV header"));
                return wavError("audio.wav.bad_format", path, QStringLiteral("\"fmt \" chunk is too short"));
            }
            Result<WavFormat> format = parseFmt(fmt, have, path);
            if (!format)
                return format.error();
            info.format = format.value();
            haveFmt = true;
        } else if (std::memcmp(header, "data", 4) == 0) {
            if (!haveFmt)
                return wavError("audio.wav.bad_format", path, QStringLiteral("\"data\" chunk before \"fmt \""));
            info.dataOffset = bodyPos;
            info.declaredDataSize = chunkSize;
            const qint64 available = info.fileBytes - bodyPos;
            const qint64 declared = chunkSize;
            const qint64 declaredEnd = bodyPos + declared + (declared & 1);
            qint64 extent = available;
            if (declared >= available) {
                // Exact, or a placeholder / size past the end: the audio is what is there.
            } else if ((declared & 1) && declared + 1 == available && declared % info.format.blockAlign == 0) {
                extent = declared; // the RIFF pad byte after an odd-sized chunk
            } else if (qint64(info.declaredRiffSize) + 8 > declaredEnd &&
                       chunkHeaderAt(file, declaredEnd, info.fileBytes)) {
                extent = declared; // the header says more chunks follow, and one does
                info.dataRunsToEnd = false;
            }
            // Otherwise the size is stale: the file grew after the header was last written.
            info.trailingBytes = extent % info.format.blockAlign;
            info.dataBytes = extent - info.trailingBytes;
            return info;
        }
        pos = bodyPos + qint64(chunkSize) + (chunkSize & 1);
    }
}

} // namespace

std::array<char, kWavHeaderBytes> makeWavHeader(int sampleRate, int channels, quint32 dataBytes) noexcept
{
    const quint16 blockAlign = quint16(channels * 2);
    std::array<char, kWavHeaderBytes> h{};
    char* p = h.data();
    std::memcpy(p, "RIFF", 4);
    putLe32(p + 4, dataBytes + 36u);
    std::memcpy(p + 8, "WAVE", 4);
    std::memcpy(p + 12, "fmt ", 4);
    putLe32(p + 16, 16);
    putLe16(p + 20, kWavFormatPcm);
    putLe16(p + 22, quint16(channels));
    putLe32(p + 24, quint32(sampleRate));
    putLe32(p + 28, quint32(sampleRate) * blockAlign);
    putLe16(p + 32, blockAlign);
    putLe16(p + 34, 16);
    std::memcpy(p + 36, "data", 4);
    putLe32(p + 40, dataBytes);
    return h;
}

bool WavInfo::headerConsistent() const
{
    if (trailingBytes != 0 || qint64(declaredDataSize) != dataBytes)
        return false;
    return !dataRunsToEnd || qint64(declaredRiffSize) + 8 == fileBytes;
}

Result<WavInfo> inspectWav(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return wavError("audio.wav.open_failed", path, file.errorString());
    return inspectOpenFile(file, path);
}

Result<WavData> readWav(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return wavError("audio.wav.open_failed", path, file.errorString());
    Result<WavInfo> info = inspectOpenFile(file, path);
    if (!info)
        return info.error();

    WavData data;
    data.info = info.value();
    const WavFormat& format = data.info.format;
    if (!format.isPcm16() && !format.isMuLaw()) {
        return wavError("audio.wav.unsupported",
                        path,
                        QStringLiteral("format %1 with %2 bits per sample is not supported")
                            .arg(format.formatTag)
                            .arg(format.bitsPerSample));
    }
    if (!file.seek(data.info.dataOffset))
        return wavError("audio.wav.read_failed", path, file.errorString());

    const qint64 bytes = data.info.dataBytes;
    if (format.isPcm16()) {
        data.samples.resize(bytes / 2);
        if (file.read(reinterpret_cast<char*>(data.samples.data()), bytes) != bytes)
            return wavError("audio.wav.read_failed", path, file.errorString());
        if constexpr (Q_BYTE_ORDER == Q_BIG_ENDIAN) {
            for (int16_t& s : data.samples)
                s = qFromLittleEndian(s);
        }
    } else {
        const QByteArray codes = file.read(bytes);
        if (codes.size() != bytes)
            return wavError("audio.wav.read_failed", path, file.errorString());
        data.samples = mulaw::decode(codes);
    }
    return data;
}

Result<WavRepair> repairWav(const QString& path)
{
    Result<WavInfo> inspected = inspectWav(path);
    if (!inspected)
        return inspected.error();
    const WavInfo& info = inspected.value();

    WavRepair repair;
    repair.oldRiffSize = repair.newRiffSize = info.declaredRiffSize;
    repair.oldDataSize = repair.newDataSize = info.declaredDataSize;
    repair.dataBytes = info.dataBytes;
    repair.info = info;
    if (!info.dataRunsToEnd || info.headerConsistent())
        return repair;

    const qint64 newFileBytes = info.dataOffset + info.dataBytes;
    if (newFileBytes - 8 > qint64(0xFFFFFFFFu))
        return wavError("audio.wav.too_large", path, QStringLiteral("more audio than a WAV file can describe"));
    const quint32 newRiff = quint32(newFileBytes - 8);
    const quint32 newData = quint32(info.dataBytes);

    QFile file(path);
    if (!file.open(QIODevice::ReadWrite | QIODevice::ExistingOnly | QIODevice::Unbuffered))
        return wavError("audio.wav.repair_failed", path, file.errorString());
    char size[4];
    // Sizes first, then the cut: if either step fails, no header claims bytes that are not there.
    putLe32(size, newData);
    bool ok = file.seek(info.dataOffset - 4) && file.write(size, 4) == 4;
    putLe32(size, newRiff);
    ok = ok && file.seek(4) && file.write(size, 4) == 4;
    if (ok && info.fileBytes != newFileBytes)
        ok = file.resize(newFileBytes);
    ok = ok && file.flush();
    const QString failure = file.errorString();
    file.close();
    if (!ok)
        return wavError("audio.wav.repair_failed", path, failure);

    repair.wasBroken = true;
    repair.truncatedBytes = info.fileBytes - newFileBytes;
    repair.newRiffSize = newRiff;
    repair.newDataSize = newData;
    repair.info.fileBytes = newFileBytes;
    repair.info.declaredRiffSize = newRiff;
    repair.info.declaredDataSize = newData;
    repair.info.trailingBytes = 0;
    return repair;
}

} // namespace sb::audio
