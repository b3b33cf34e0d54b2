// SPDX-License-Identifier: GPL-3.0-or-later
#include "restapi/RestApiMedia.h"

#include "audio/WavFile.h"

#include <QProcess>
#include <QtEndian>

namespace sb::restapi {

QByteArray recordingWav(const RecordingRecord& recording, int channels)
{
    const qint64 frames = recording.frames();
    QList<int16_t> mixed;
    const QList<int16_t>* source = &recording.samples;
    if (channels == 1 && recording.channels == 2) {
        mixed.resize(frames);
        for (qint64 i = 0; i < frames; ++i)
            mixed[i] = int16_t((int(recording.samples.at(2 * i)) + int(recording.samples.at(2 * i + 1))) / 2);
        source = &mixed;
    } else {
        channels = recording.channels;
    }
    const auto dataBytes = quint32(source->size() * 2);
    const auto header = audio::makeWavHeader(recording.sampleRate, channels, dataBytes);
    QByteArray out;
    out.reserve(audio::kWavHeaderBytes + dataBytes);
    out.append(header.data(), audio::kWavHeaderBytes);
    out.resize(audio::kWavHeaderBytes + dataBytes);
    char* p = out.data() + audio::kWavHeaderBytes;
    for (int16_t s : *source) {
        qToLittleEndian<qint16>(s, p);
        p += 2;
    }
    return out;
}

bool soxCanWriteMp3(const QString& soxProgram)
{
    QProcess sox;
    sox.start(soxProgram, {QStringLiteral("-h")});
    if (!sox.waitForFinished(5000)) {
        sox.kill();
        sox.waitForFinished(1000);
        return false;
    }
    const QByteArray help = sox.readAllStandardOutput() + sox.readAllStandardError();
    for (const QByteArray& line : help.split('\n')) {
        if (line.startsWith("AUDIO FILE FORMATS:"))
            return line.split(' ').contains("mp3");
    }
    return false;
}

Result<QByteArray> encodeMp3(const QByteArray& wav, const QString& soxProgram, int timeoutMs)
{
    auto fail = [](const QString& why) {
        return makeError(QStringLiteral("restapi.mp3_unavailable"),
                         QStringLiteral("MP3 encoding is not available: %1").arg(why));
    };
    QProcess sox;
    sox.start(soxProgram,
              {QStringLiteral("-q"),
               QStringLiteral("-t"),
               QStringLiteral("wav"),
               QStringLiteral("-"),
               QStringLiteral("-t"),
               QStringLiteral("mp3"),
               QStringLiteral("-C"),
               QStringLiteral("32"),
               QStringLiteral("-")});
    if (!sox.waitForStarted(5000))
        return fail(QStringLiteral("cannot run '%1' (%2)").arg(soxProgram, sox.errorString()));
    // Write everything, then close stdin; read stdout as it comes so sox never blocks on a full pipe.
    sox.write(wav);
    sox.closeWriteChannel();
    if (!sox.waitForFinished(timeoutMs)) {
        sox.kill();
        sox.waitForFinished(1000);
        return fail(QStringLiteral("sox did not finish within %1 ms").arg(timeoutMs));
    }
    const QByteArray mp3 = sox.readAllStandardOutput();
    if (sox.exitStatus() != QProcess::NormalExit || sox.exitCode() != 0 || mp3.isEmpty()) {
        const QString why = QString::fromLocal8Bit(sox.readAllStandardError()).trimmed();
        return fail(why.isEmpty() ? QStringLiteral("sox exited with code %1").arg(sox.exitCode())
                                  : why + QStringLiteral(" (on Debian: install libsox-fmt-mp3)"));
    }
    return mp3;
}

} // namespace sb::restapi
