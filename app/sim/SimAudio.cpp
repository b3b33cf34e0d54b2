// SPDX-License-Identifier: GPL-3.0-or-later
#include "sim/SimAudio.h"

#include "audio/MuLaw.h"
#include "audio/WavFile.h"

#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QMutex>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>

namespace sb::sim {
namespace {

Result<QByteArray> soxToMuLaw(const QString& input, const QString& typeHint = QString())
{
    const QString sox = QStandardPaths::findExecutable(QStringLiteral("sox"));
    if (sox.isEmpty())
        return makeError(QStringLiteral("sim.audio.convert"),
                         QStringLiteral("sox is needed to convert %1 to 8 kHz mu-law (install sox)").arg(input));
    QProcess p;
    QStringList args;
    if (!typeHint.isEmpty())
        args << QStringLiteral("-t") << typeHint;
    args << input << QStringLiteral("-t") << QStringLiteral("raw") << QStringLiteral("-r") << QStringLiteral("8000")
         << QStringLiteral("-c") << QStringLiteral("1") << QStringLiteral("-e") << QStringLiteral("mu-law")
         << QStringLiteral("-b") << QStringLiteral("8") << QStringLiteral("-");
    p.start(sox, args);
    if (!p.waitForFinished(60000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        return makeError(QStringLiteral("sim.audio.convert"),
                         QStringLiteral("sox could not convert %1: %2")
                             .arg(input, QString::fromLocal8Bit(p.readAllStandardError()).trimmed()));
    return p.readAllStandardOutput();
}

QMutex& cacheMutex()
{
    static QMutex mutex;
    return mutex;
}

QHash<QString, QByteArray>& cache()
{
    static QHash<QString, QByteArray> c;
    return c;
}

} // namespace

Result<QByteArray> loadCallerAudio(const QString& path)
{
    QFileInfo info(path);
    if (!info.isFile() || !info.isReadable())
        return makeError(QStringLiteral("sim.audio.read"), QStringLiteral("cannot read audio file %1").arg(path));
    const QString suffix = info.suffix().toLower();
    if (suffix == QLatin1String("ulaw") || suffix == QLatin1String("mulaw") || suffix == QLatin1String("raw") ||
        suffix == QLatin1String("ul")) {
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly))
            return makeError(QStringLiteral("sim.audio.read"), QStringLiteral("cannot open %1").arg(path));
        return f.readAll();
    }
    if (suffix == QLatin1String("wav")) {
        auto wav = audio::readWav(path);
        if (wav.ok() && wav->info.format.sampleRate == 8000 && wav->info.format.channels == 1)
            return audio::mulaw::encode(
                std::span<const int16_t>(wav->samples.constData(), size_t(wav->samples.size())));
    }
    return soxToMuLaw(path);
}

bool speechSynthesisAvailable()
{
    return !QStandardPaths::findExecutable(QStringLiteral("espeak-ng")).isEmpty() &&
           !QStandardPaths::findExecutable(QStringLiteral("sox")).isEmpty();
}

QByteArray synthesizeSpeech(const QString& text, const QString& language, QString* error)
{
    const QString key = language + QLatin1Char('\n') + text;
    {
        QMutexLocker lock(&cacheMutex());
        auto it = cache().constFind(key);
        if (it != cache().constEnd())
            return it.value();
    }
    const QString espeak = QStandardPaths::findExecutable(QStringLiteral("espeak-ng"));
    if (espeak.isEmpty() || text.trimmed().isEmpty()) {
        if (error)
            *error = espeak.isEmpty() ? QStringLiteral("espeak-ng is not installed") : QStringLiteral("nothing to say");
        return {};
    }
    QTemporaryDir dir;
    if (!dir.isValid()) {
        if (error)
            *error = QStringLiteral("no temporary folder");
        return {};
    }
    const QString wav = dir.filePath(QStringLiteral("say.wav"));
    QStringList args{QStringLiteral("-w"), wav};
    const QString lang = language.section(QLatin1Char('-'), 0, 0).toLower();
    if (!lang.isEmpty() && lang != QLatin1String("en"))
        args << QStringLiteral("-v") << lang;
    QProcess p;
    p.start(espeak, args); // the text goes to stdin, never to argv
    p.write(text.toUtf8());
    p.closeWriteChannel();
    if (!p.waitForFinished(30000) || p.exitCode() != 0) {
        if (error)
            *error = QStringLiteral("espeak-ng failed: %1").arg(QString::fromLocal8Bit(p.readAllStandardError()));
        return {};
    }
    auto converted = soxToMuLaw(wav);
    if (!converted.ok()) {
        if (error)
            *error = converted.error().message;
        return {};
    }
    QMutexLocker lock(&cacheMutex());
    cache().insert(key, converted.value());
    return converted.value();
}

qint64 estimatedSpeechMs(const QString& text)
{
    return std::max<qint64>(500, qint64(text.size()) * 1000 / 14);
}

} // namespace sb::sim
