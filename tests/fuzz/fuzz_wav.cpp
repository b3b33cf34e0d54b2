// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzz target: the WAV reader and the start-up repair (app/audio/WavFile.h). They take a path,
// so each input is written to one file in a private temporary folder first.
//
// Invariants checked:
//  - inspectWav and readWav agree; the located audio lies inside the file, in whole sample frames;
//    readWav returns exactly dataBytes of audio;
//  - repairWav fails exactly when inspectWav does (same code) and then leaves the file alone;
//  - after a repair the header is consistent (when the audio runs to the end), a second repair
//    changes nothing, and readWav returns the same samples as before: no whole sample is lost.
#include "FuzzSupport.h"
#include "audio/WavFile.h"

#include <QFile>
#include <QTemporaryDir>

using namespace sb::audio;

namespace {

const QString& scratchPath()
{
    static QTemporaryDir dir;
    static const QString path = dir.filePath(QStringLiteral("input.wav"));
    return path;
}

QByteArray fileBytes(const QString& path)
{
    QFile file(path);
    SB_FUZZ_CHECK(file.open(QIODevice::ReadOnly));
    return file.readAll();
}

bool sameInfo(const WavInfo& a, const WavInfo& b)
{
    return a.format == b.format && a.fileBytes == b.fileBytes && a.dataOffset == b.dataOffset &&
           a.dataBytes == b.dataBytes && a.trailingBytes == b.trailingBytes &&
           a.declaredRiffSize == b.declaredRiffSize && a.declaredDataSize == b.declaredDataSize &&
           a.dataRunsToEnd == b.dataRunsToEnd;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QString& path = scratchPath();
    const QByteArray input = sb::fuzz::bytesOf(data, size).toByteArray();
    {
        QFile file(path);
        SB_FUZZ_CHECK(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        SB_FUZZ_CHECK(file.write(input) == input.size());
    }

    const sb::Result<WavInfo> inspected = inspectWav(path);
    const sb::Result<WavData> read = readWav(path);
    if (!inspected) {
        SB_FUZZ_CHECK(inspected.error().code.startsWith(QLatin1String("audio.wav.")));
        SB_FUZZ_CHECK(!read && read.error().code == inspected.error().code);
        const sb::Result<WavRepair> repair = repairWav(path);
        SB_FUZZ_CHECK(!repair && repair.error().code == inspected.error().code);
        SB_FUZZ_CHECK(fileBytes(path) == input);
        return 0;
    }

    const WavInfo& info = *inspected;
    SB_FUZZ_CHECK(info.fileBytes == input.size());
    SB_FUZZ_CHECK(info.format.blockAlign > 0 && info.format.channels > 0 && info.format.sampleRate > 0);
    SB_FUZZ_CHECK(info.dataOffset >= 20 && info.dataBytes >= 0 && info.trailingBytes >= 0);
    SB_FUZZ_CHECK(info.dataOffset + info.dataBytes + info.trailingBytes <= info.fileBytes);
    SB_FUZZ_CHECK(info.dataBytes % info.format.blockAlign == 0);
    SB_FUZZ_CHECK(info.trailingBytes < info.format.blockAlign);
    (void)info.durationSeconds();
    if (read) {
        SB_FUZZ_CHECK(sameInfo(read->info, info));
        const qint64 bytesPerSample = info.format.isPcm16() ? 2 : 1;
        SB_FUZZ_CHECK(read->samples.size() * bytesPerSample == info.dataBytes);
    } else {
        SB_FUZZ_CHECK(read.error().code == QLatin1String("audio.wav.unsupported"));
    }

    const sb::Result<WavRepair> repair = repairWav(path);
    if (!repair) {
        // Only a file too large for RIFF (impossible at fuzzing sizes) or an I/O error.
        std::fprintf(stderr, "repair failed: %s\n", qPrintable(repair.error().message));
        SB_FUZZ_CHECK(repair.ok());
    }
    const sb::Result<WavInfo> after = inspectWav(path);
    SB_FUZZ_CHECK(after.ok());
    SB_FUZZ_CHECK(after->dataBytes == info.dataBytes && after->dataOffset == info.dataOffset);
    SB_FUZZ_CHECK(sameInfo(repair->info, *after));
    if (!repair->wasBroken) {
        SB_FUZZ_CHECK(fileBytes(path) == input);
    } else {
        SB_FUZZ_CHECK(after->headerConsistent());
        SB_FUZZ_CHECK(repair->dataBytes == info.dataBytes);
    }
    if (after->dataRunsToEnd)
        SB_FUZZ_CHECK(after->headerConsistent());
    const sb::Result<WavRepair> second = repairWav(path);
    SB_FUZZ_CHECK(second && !second->wasBroken);
    const sb::Result<WavData> reread = readWav(path);
    SB_FUZZ_CHECK(reread.ok() == read.ok());
    if (read)
        SB_FUZZ_CHECK(reread->samples == read->samples);
    return 0;
}
