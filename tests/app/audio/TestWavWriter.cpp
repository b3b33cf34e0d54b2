// SPDX-License-Identifier: GPL-3.0-or-later
// WavWriter, readWav/inspectWav and repairWav: header bytes, flush behaviour, error paths, files
// crafted with wrong sizes, and real crashes: this executable re-runs itself as a child that
// records until it is SIGKILLed (or until RLIMIT_FSIZE makes a write fail), and the parent checks
// what survives, including with sox.
#include "audio/MuLaw.h"
#include "audio/WavFile.h"
#include "audio/WavWriter.h"

#include <QtEndian>
#include <QtTest>
#include <array>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <sys/resource.h>
#include <thread>
#include <vector>

using namespace sb::audio;
using sb::Result;

namespace {

constexpr char kChildModeEnv[] = "SB_WAV_TEST_CHILD"; // "stream" or "efbig"
constexpr char kChildPathEnv[] = "SB_WAV_TEST_PATH";
constexpr char kChildIntervalEnv[] = "SB_WAV_TEST_INTERVAL_MS";
constexpr char kChildLimitEnv[] = "SB_WAV_TEST_FILE_LIMIT";
constexpr qsizetype kFrame = 160; // samples per 20 ms at 8 kHz

/// A deterministic, non-repeating (period 65536) sample sequence, so every sample of a recording
/// can be checked for position as well as value.
int16_t patternSample(qint64 index)
{
    return int16_t(quint16((quint64(index) * 40503u + 12345u) & 0xFFFFu));
}

std::vector<int16_t> pattern(qint64 first, qsizetype count)
{
    std::vector<int16_t> out(static_cast<size_t>(count));
    for (qsizetype i = 0; i < count; ++i)
        out[size_t(i)] = patternSample(first + i);
    return out;
}

/// Index of the first sample that breaks the pattern, or -1.
qsizetype patternMismatch(const QList<int16_t>& samples, qint64 first = 0)
{
    for (qsizetype i = 0; i < samples.size(); ++i) {
        if (samples[i] != patternSample(first + i))
            return i;
    }
    return -1;
}

QByteArray le16(int v)
{
    QByteArray b(2, '\0');
    qToLittleEndian<quint16>(quint16(v), b.data());
    return b;
}

QByteArray le32(qint64 v)
{
    QByteArray b(4, '\0');
    qToLittleEndian<quint32>(quint32(v), b.data());
    return b;
}

QByteArray pcmBytes(qint64 first, qsizetype count)
{
    QByteArray out;
    for (qsizetype i = 0; i < count; ++i)
        out += le16(patternSample(first + i));
    return out;
}

QByteArray fmtChunk(int tag, int channels, int rate, int bits, const QByteArray& extra = {})
{
    const int blockAlign = channels * ((bits + 7) / 8);
    const QByteArray body = le16(tag) + le16(channels) + le32(rate) + le32(qint64(rate) * blockAlign) +
                            le16(blockAlign) + le16(bits) + extra;
    return QByteArrayLiteral("fmt ") + le32(body.size()) + body;
}

QByteArray chunk(const char* id, const QByteArray& body)
{
    QByteArray out = QByteArray(id, 4) + le32(body.size()) + body;
    if (body.size() % 2)
        out += '\0';
    return out;
}

QByteArray riff(qint64 riffSize, const QByteArray& chunks)
{
    return QByteArrayLiteral("RIFF") + le32(riffSize) + QByteArrayLiteral("WAVE") + chunks;
}

/// A canonical 16-bit PCM file whose sizes say what the caller wants, followed by `payload`.
QByteArray canonical(qint64 riffSize, qint64 dataSize, const QByteArray& payload, int channels = 1)
{
    return riff(riffSize, fmtChunk(1, channels, 8000, 16) + QByteArrayLiteral("data") + le32(dataSize) + payload);
}

QByteArray readFile(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

bool writeFile(const QString& path, const QByteArray& bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(bytes) == bytes.size();
}

/// Asks sox what it makes of the file; sox must be installed (the test command installs it).
void verifyWithSox(const QString& path, qint64 frames, int rate, int channels)
{
    const QString soxi = QStandardPaths::findExecutable(QStringLiteral("soxi"));
    QVERIFY2(!soxi.isEmpty(), "soxi (package sox) is required by this test");
    const auto ask = [&](const QString& flag, QByteArray* err) {
        QProcess p;
        p.start(soxi, {flag, path});
        if (!p.waitForFinished(30000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
            *err = p.readAllStandardError();
            return QByteArray("failed");
        }
        *err = p.readAllStandardError();
        return p.readAllStandardOutput().trimmed();
    };
    QByteArray err;
    QCOMPARE(ask(QStringLiteral("-s"), &err), QByteArray::number(frames));
    QVERIFY2(err.isEmpty(), err.constData()); // no "premature EOF" or header warnings
    QCOMPARE(ask(QStringLiteral("-r"), &err), QByteArray::number(rate));
    QCOMPARE(ask(QStringLiteral("-c"), &err), QByteArray::number(channels));
    QCOMPARE(ask(QStringLiteral("-b"), &err), QByteArrayLiteral("16"));
}

// ---- child process side -------------------------------------------------------------------

/// Records the pattern in 20 ms frames, printing "appended <bytes> flushed <bytes>" after every
/// append, pacing at ~1 frame/ms, until killed.
int childStream()
{
    WavWriter writer;
    WavWriter::Options options;
    options.flushIntervalMs = qEnvironmentVariableIntValue(kChildIntervalEnv);
    if (!writer.open(qEnvironmentVariable(kChildPathEnv), options)) {
        std::printf("open-failed %s\n", qPrintable(writer.errorString()));
        return 2;
    }
    for (qint64 frame = 0; frame < 1000000; ++frame) {
        const std::vector<int16_t> samples = pattern(frame * kFrame, kFrame);
        if (!writer.append(samples)) {
            std::printf("append-failed %s\n", qPrintable(writer.errorString()));
            return 3;
        }
        std::printf("appended %lld flushed %lld\n",
                    static_cast<long long>(writer.dataBytes()),
                    static_cast<long long>(writer.flushedDataBytes()));
        std::fflush(stdout);
        // Pacing, not waiting: the child streams like a live call until the parent kills it.
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return 4; // the parent should have killed us long before
}

/// Records under RLIMIT_FSIZE so that a write fails part-way, as on a full disk.
int childFileLimit()
{
    const rlim_t limit = rlim_t(qEnvironmentVariableIntValue(kChildLimitEnv));
    const rlimit rl{limit, limit};
    if (setrlimit(RLIMIT_FSIZE, &rl) != 0 || std::signal(SIGXFSZ, SIG_IGN) == SIG_ERR) {
        std::printf("setup-failed\n");
        return 2;
    }
    WavWriter writer;
    WavWriter::Options options;
    options.flushIntervalMs = 0;
    if (!writer.open(qEnvironmentVariable(kChildPathEnv), options)) {
        std::printf("open-failed %s\n", qPrintable(writer.errorString()));
        return 3;
    }
    for (qint64 frame = 0; frame < 1000; ++frame) {
        if (!writer.append(pattern(frame * kFrame, kFrame))) {
            std::printf("append-failed %s\n", qPrintable(writer.error().code));
            std::printf("message %s\n", qPrintable(writer.errorString()));
            std::printf("failed %d\n", writer.hasFailed() ? 1 : 0);
            std::printf("append-after-failure %d\n", writer.append(pattern(0, kFrame)) ? 1 : 0);
            const bool closed = writer.close();
            std::printf("closed %d %s\n", closed ? 1 : 0, qPrintable(writer.error().code));
            return 0;
        }
    }
    std::printf("never-failed\n");
    return 4;
}

struct ChildLine
{
    qint64 appended = -1;
    qint64 flushed = -1;
};

/// The last complete "appended A flushed F" line of the child's output.
ChildLine lastChildLine(const QByteArray& out)
{
    ChildLine result;
    const qsizetype end = out.lastIndexOf('\n');
    if (end < 0)
        return result;
    const qsizetype start = out.lastIndexOf('\n', end - 1) + 1;
    const QList<QByteArray> words = out.mid(start, end - start).split(' ');
    if (words.size() == 4 && words[0] == "appended" && words[2] == "flushed") {
        result.appended = words[1].toLongLong();
        result.flushed = words[3].toLongLong();
    }
    return result;
}

/// Re-runs this executable as a child in `mode`; the QProcess kills it when destroyed.
std::unique_ptr<QProcess>
startChild(const char* mode, const QString& path, const QString& extraName, const QString& extraValue)
{
    auto child = std::make_unique<QProcess>();
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QLatin1String(kChildModeEnv), QLatin1String(mode));
    env.insert(QLatin1String(kChildPathEnv), path);
    env.insert(extraName, extraValue);
    child->setProcessEnvironment(env);
    child->start(QCoreApplication::applicationFilePath(), {});
    return child;
}

} // namespace

class TestWavWriter : public QObject
{
    Q_OBJECT

public:
    /// Called by QTEST_GUILESS_MAIN before anything else: in a child run, do the child's job.
    static void initMain()
    {
        const QByteArray mode = qgetenv(kChildModeEnv);
        if (mode == "stream")
            std::exit(childStream());
        if (mode == "efbig")
            std::exit(childFileLimit());
    }

private slots:
    // ---- WavWriter --------------------------------------------------------------------------

    void writesCanonicalHeaderAndLittleEndianSamples_data()
    {
        QTest::addColumn<int>("rate");
        QTest::addColumn<int>("channels");
        QTest::newRow("Media Streams 8 kHz mono") << 8000 << 1;
        QTest::newRow("16 kHz mono") << 16000 << 1;
        QTest::newRow("48 kHz stereo") << 48000 << 2;
    }
    void writesCanonicalHeaderAndLittleEndianSamples()
    {
        QFETCH(int, rate);
        QFETCH(int, channels);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("a.wav"));
        WavWriter writer;
        WavWriter::Options options;
        options.sampleRate = rate;
        options.channels = channels;
        QVERIFY2(writer.open(path, options), qPrintable(writer.errorString()));
        const qsizetype count = 3 * kFrame * channels;
        QVERIFY(writer.append(pattern(0, count)));
        QVERIFY(writer.close());

        const int blockAlign = 2 * channels;
        const qint64 dataBytes = 2 * count;
        const QByteArray expected = QByteArrayLiteral("RIFF") + le32(36 + dataBytes) + QByteArrayLiteral("WAVEfmt ") +
                                    le32(16) + le16(1) + le16(channels) + le32(rate) + le32(qint64(rate) * blockAlign) +
                                    le16(blockAlign) + le16(16) + QByteArrayLiteral("data") + le32(dataBytes) +
                                    pcmBytes(0, count);
        const QByteArray actual = readFile(path);
        QCOMPARE(actual.size(), 44 + dataBytes);
        QCOMPARE(actual.left(44).toHex(' '), expected.left(44).toHex(' '));
        QVERIFY(actual == expected);
        QCOMPARE(writer.frames(), count / channels);
        QCOMPARE(writer.durationMs(), qint64(count / channels) * 1000 / rate);
        const auto header = makeWavHeader(rate, channels, quint32(dataBytes));
        QCOMPARE(QByteArray(header.data(), 44), expected.left(44));
    }

    void headerFollowsEveryFlush_data()
    {
        QTest::addColumn<int>("intervalMs");
        QTest::newRow("every append") << 0;
        QTest::newRow("every 60 ms (3 frames)") << 60;
        QTest::newRow("every 100 ms (5 frames)") << 100;
        QTest::newRow("every 70 ms (not a frame multiple)") << 70;
    }
    void headerFollowsEveryFlush()
    {
        QFETCH(int, intervalMs);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("live.wav"));
        WavWriter writer;
        WavWriter::Options options;
        options.flushIntervalMs = intervalMs;
        QVERIFY(writer.open(path, options));
        QCOMPARE(QFileInfo(path).size(), 44);
        const qint64 flushBytes = qint64(intervalMs) * 8000 / 1000 * 2;
        qint64 lastFlushed = 0;
        int flushes = 0;
        for (int frame = 0; frame < 40; ++frame) {
            QVERIFY(writer.append(pattern(frame * kFrame, kFrame)));
            const qint64 flushed = writer.flushedDataBytes();
            QCOMPARE(writer.dataBytes(), (frame + 1) * kFrame * 2);
            QVERIFY(flushed > writer.dataBytes() - qMax<qint64>(flushBytes, 1)); // never a whole interval behind
            if (flushed != lastFlushed) {
                ++flushes;
                QCOMPARE(flushed, writer.dataBytes()); // a flush writes everything appended
                lastFlushed = flushed;
            }
            // What another process (or a crash) sees right now:
            const QByteArray onDisk = readFile(path);
            QCOMPARE(onDisk.size(), 44 + flushed);
            QCOMPARE(qFromLittleEndian<quint32>(onDisk.constData() + 40), quint32(flushed));
            QCOMPARE(qFromLittleEndian<quint32>(onDisk.constData() + 4), quint32(36 + flushed));
        }
        const int expectedFlushes = intervalMs == 0 ? 40 : int(40 * kFrame * 2 / (((flushBytes + 319) / 320) * 320));
        QCOMPARE(flushes, expectedFlushes);
        QVERIFY(writer.close());
        QCOMPARE(QFileInfo(path).size(), 44 + 40 * kFrame * 2);
    }

    void explicitFlushWritesPendingAudio()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("quiet.wav"));
        WavWriter writer;
        QVERIFY(writer.open(path)); // default: every 200 ms
        QVERIFY(writer.append(pattern(0, kFrame)));
        QCOMPARE(writer.flushedDataBytes(), 0);
        QCOMPARE(QFileInfo(path).size(), 44);
        QVERIFY(writer.flush());
        QCOMPARE(writer.flushedDataBytes(), 2 * kFrame);
        QCOMPARE(QFileInfo(path).size(), 44 + 2 * kFrame);
        Result<WavInfo> info = inspectWav(path);
        QVERIFY(info.ok());
        QVERIFY(info->headerConsistent());
        QVERIFY(writer.flush()); // nothing pending: still fine
        QVERIFY(writer.close());
    }

    void largeAppendsSpanTheBuffer_data()
    {
        QTest::addColumn<int>("intervalMs");
        QTest::addColumn<int>("channels");
        QTest::newRow("every append, mono") << 0 << 1;
        QTest::newRow("200 ms, stereo") << 200 << 2;
        QTest::newRow("120 s (buffer smaller than interval)") << 120000 << 1;
    }
    void largeAppendsSpanTheBuffer()
    {
        QFETCH(int, intervalMs);
        QFETCH(int, channels);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("big.wav"));
        WavWriter writer;
        WavWriter::Options options;
        options.flushIntervalMs = intervalMs;
        options.channels = channels;
        QVERIFY(writer.open(path, options));
        const qsizetype total = 1200000; // > the largest write buffer (512 Ki samples)
        QVERIFY(writer.append(pattern(0, 100)));
        QVERIFY(writer.append(pattern(100, total - 100)));
        QVERIFY(writer.flushedDataBytes() > 0); // full buffers reach the disk even between flushes
        QVERIFY(writer.close());
        Result<WavData> data = readWav(path);
        QVERIFY2(data.ok(), qPrintable(data.ok() ? QString() : data.error().message));
        QCOMPARE(data->samples.size(), total);
        QCOMPARE(patternMismatch(data->samples), -1);
        QCOMPARE(data->info.format.channels, channels);
        QVERIFY(data->info.headerConsistent());
    }

    void fullBufferReachesDiskBeforeTheHeaderDoes()
    {
        // With a flush interval longer than the buffer, the data can be ahead of the header,
        // exactly the state a crash leaves; repairWav must recover all of it.
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("ahead.wav"));
        WavWriter writer;
        WavWriter::Options options;
        options.flushIntervalMs = 600000;
        QVERIFY(writer.open(path, options));
        QVERIFY(writer.append(pattern(0, 600000)));
        const qint64 onDisk = writer.flushedDataBytes();
        QVERIFY(onDisk > 0 && onDisk < writer.dataBytes());
        const QString copy = dir.filePath(QStringLiteral("crashed.wav"));
        QVERIFY(QFile::copy(path, copy));
        QVERIFY(writer.close());

        Result<WavInfo> before = inspectWav(copy);
        QVERIFY(before.ok());
        QCOMPARE(before->declaredDataSize, 0u);
        QCOMPARE(before->dataBytes, onDisk);
        QVERIFY(!before->headerConsistent());
        Result<WavRepair> repair = repairWav(copy);
        QVERIFY(repair.ok());
        QVERIFY(repair->wasBroken);
        QCOMPARE(repair->dataBytes, onDisk);
        Result<WavData> data = readWav(copy);
        QVERIFY(data.ok());
        QCOMPARE(data->samples.size(), onDisk / 2);
        QCOMPARE(patternMismatch(data->samples), -1);
    }

    void appendMuLawDecodesIntoTheFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("inbound.wav"));
        WavWriter writer;
        QVERIFY(writer.open(path));
        QByteArray payload;
        for (int i = 0; i < 50 * kFrame; ++i) // one second: every code, many times
            payload += char((i * 31) & 0xFF);
        for (qsizetype off = 0; off < payload.size(); off += kFrame) {
            const auto* codes = reinterpret_cast<const uint8_t*>(payload.constData() + off);
            QVERIFY(writer.appendMuLaw(std::span<const uint8_t>(codes, size_t(kFrame))));
        }
        QCOMPARE(writer.durationMs(), 1000);
        QVERIFY(writer.close());
        Result<WavData> data = readWav(path);
        QVERIFY(data.ok());
        QCOMPARE(data->samples, mulaw::decode(payload));
    }

    void destructorClosesTheFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("scoped.wav"));
        {
            WavWriter writer;
            QVERIFY(writer.open(path));
            QVERIFY(writer.append(pattern(0, 7 * kFrame)));
        }
        Result<WavData> data = readWav(path);
        QVERIFY(data.ok());
        QVERIFY(data->info.headerConsistent());
        QCOMPARE(data->samples.size(), 7 * kFrame);
        QCOMPARE(patternMismatch(data->samples), -1);
    }

    void reopensAfterCloseAndRefusesDoubleOpen()
    {
        QTemporaryDir dir;
        const QString first = dir.filePath(QStringLiteral("1.wav"));
        const QString second = dir.filePath(QStringLiteral("2.wav"));
        WavWriter writer;
        QVERIFY(writer.open(first));
        QVERIFY(!writer.open(second));
        QCOMPARE(writer.error().code, QStringLiteral("audio.wav.already_open"));
        QVERIFY(!QFile::exists(second));
        QVERIFY(writer.isOpen());
        QVERIFY(writer.append(pattern(0, 10)));
        QVERIFY(writer.close());
        QVERIFY(!writer.isOpen());
        QVERIFY(writer.close());       // closing twice is harmless
        QCOMPARE(writer.frames(), 10); // counters stay readable

        QVERIFY(writer.open(second));
        QCOMPARE(writer.frames(), 0);
        QVERIFY(writer.error().code.isEmpty());
        QVERIFY(writer.append(pattern(10, 20)));
        QVERIFY(writer.close());
        QCOMPARE(readWav(first)->samples.size(), 10);
        QCOMPARE(patternMismatch(readWav(second)->samples, 10), -1);
    }

    void refusesToReplaceAnExistingRecording()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("exists.wav"));
        QVERIFY(writeFile(path, QByteArrayLiteral("earlier recording")));
        WavWriter writer;
        QVERIFY(!writer.open(path));
        QCOMPARE(writer.error().code, QStringLiteral("audio.wav.exists"));
        QVERIFY(writer.errorString().contains(path));
        QCOMPARE(readFile(path), QByteArrayLiteral("earlier recording"));

        WavWriter::Options options;
        options.replaceExisting = true;
        QVERIFY(writer.open(path, options));
        QVERIFY(writer.close());
        QCOMPARE(QFileInfo(path).size(), 44);
    }

    void reportsOpenFailures_data()
    {
        QTest::addColumn<QString>("relativePath");
        QTest::addColumn<bool>("replace");
        QTest::newRow("missing directory") << QStringLiteral("no/such/dir/x.wav") << false;
        QTest::newRow("path is a directory") << QStringLiteral("subdir") << false;
        QTest::newRow("path is a directory, replacing") << QStringLiteral("subdir") << true;
        QTest::newRow("parent is a file") << QStringLiteral("plain.txt/x.wav") << true;
        QTest::newRow("empty path") << QString() << true;
    }
    void reportsOpenFailures()
    {
        QFETCH(QString, relativePath);
        QFETCH(bool, replace);
        QTemporaryDir dir;
        QVERIFY(QDir(dir.path()).mkdir(QStringLiteral("subdir")));
        QVERIFY(writeFile(dir.filePath(QStringLiteral("plain.txt")), "x"));
        const QString path = relativePath.isEmpty() ? QString() : dir.filePath(relativePath);
        WavWriter writer;
        WavWriter::Options options;
        options.replaceExisting = replace;
        if (path.isEmpty())
            QTest::ignoreMessage(QtWarningMsg, "QFSFileEngine::open: No file name specified");
        QVERIFY(!writer.open(path, options));
        QCOMPARE(writer.error().code, QStringLiteral("audio.wav.open_failed"));
        QVERIFY(!writer.errorString().isEmpty());
        QVERIFY(!writer.isOpen());
        QVERIFY(!writer.append(pattern(0, kFrame)));
        QCOMPARE(writer.error().code, QStringLiteral("audio.wav.not_open"));
        QVERIFY(!writer.flush());
        QVERIFY(QFileInfo(dir.filePath(QStringLiteral("subdir"))).isDir());
    }

    void reportsDiskFullAtOpenWithoutRemovingTheTarget()
    {
        const QString full = QStringLiteral("/dev/full");
        if (!QFileInfo::exists(full))
            QSKIP("/dev/full is not available");
        WavWriter writer;
        WavWriter::Options options;
        options.replaceExisting = true;
        QVERIFY(!writer.open(full, options));
        QCOMPARE(writer.error().code, QStringLiteral("audio.wav.write_failed"));
        QVERIFY2(writer.errorString().contains(QStringLiteral("space"), Qt::CaseInsensitive),
                 qPrintable(writer.errorString()));
        QVERIFY(!writer.isOpen());
        QVERIFY(QFileInfo::exists(full)); // an existing target is never deleted
    }

    void rejectsBadOptions_data()
    {
        QTest::addColumn<int>("rate");
        QTest::addColumn<int>("channels");
        QTest::addColumn<int>("intervalMs");
        QTest::newRow("zero rate") << 0 << 1 << 200;
        QTest::newRow("negative rate") << -8000 << 1 << 200;
        QTest::newRow("absurd rate") << 10000000 << 1 << 200;
        QTest::newRow("no channels") << 8000 << 0 << 200;
        QTest::newRow("too many channels") << 8000 << 17 << 200;
        QTest::newRow("negative interval") << 8000 << 1 << -1;
    }
    void rejectsBadOptions()
    {
        QFETCH(int, rate);
        QFETCH(int, channels);
        QFETCH(int, intervalMs);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("x.wav"));
        WavWriter writer;
        WavWriter::Options options;
        options.sampleRate = rate;
        options.channels = channels;
        options.flushIntervalMs = intervalMs;
        QVERIFY(!writer.open(path, options));
        QCOMPARE(writer.error().code, QStringLiteral("audio.wav.bad_options"));
        QVERIFY(!QFile::exists(path));
    }

    void rejectsPartialFramesAndStaysUsable()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("stereo.wav"));
        WavWriter writer;
        WavWriter::Options options;
        options.channels = 2;
        QVERIFY(writer.open(path, options));
        QVERIFY(!writer.append(pattern(0, 3)));
        QCOMPARE(writer.error().code, QStringLiteral("audio.wav.partial_frame"));
        QVERIFY(!writer.hasFailed());
        QCOMPARE(writer.dataBytes(), 0);
        QVERIFY(writer.append(pattern(0, 4)));
        QVERIFY(writer.append(std::span<const int16_t>())); // nothing is fine
        QVERIFY(writer.close());
        QCOMPARE(readWav(path)->samples.size(), 4);
    }

    void stopsAtTheSizeLimitLeavingAValidFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("capped.wav"));
        WavWriter writer;
        WavWriter::Options options;
        options.maxDataBytes = 1001; // rounded down to whole frames: 1000
        QVERIFY(writer.open(path, options));
        QVERIFY(writer.append(pattern(0, 400)));
        QVERIFY(!writer.append(pattern(400, kFrame)));
        QCOMPARE(writer.error().code, QStringLiteral("audio.wav.too_large"));
        QVERIFY(writer.append(pattern(400, 100))); // exactly up to the limit
        QVERIFY(!writer.append(pattern(500, 1)));
        QVERIFY(writer.close());
        Result<WavData> data = readWav(path);
        QVERIFY(data.ok());
        QVERIFY(data->info.headerConsistent());
        QCOMPARE(data->samples.size(), 500);
        QCOMPARE(patternMismatch(data->samples), -1);
    }

    void syncOnCloseWritesTheSameFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("synced.wav"));
        WavWriter writer;
        WavWriter::Options options;
        options.syncOnClose = true;
        QVERIFY(writer.open(path, options));
        QVERIFY(writer.append(pattern(0, 5 * kFrame)));
        QVERIFY2(writer.close(), qPrintable(writer.errorString()));
        QCOMPARE(readFile(path), canonical(36 + 10 * kFrame, 10 * kFrame, pcmBytes(0, 5 * kFrame)));
    }

    // ---- readWav / inspectWav ---------------------------------------------------------------

    void inspectsFilesWithWrongOrUnusualHeaders_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<qint64>("dataOffset");
        QTest::addColumn<qint64>("dataBytes");
        QTest::addColumn<qint64>("trailing");
        QTest::addColumn<bool>("runsToEnd");
        QTest::addColumn<bool>("consistent");
        QTest::addColumn<int>("channels");

        const QByteArray audio = pcmBytes(0, 150); // 300 bytes
        QTest::newRow("correct") << canonical(336, 300, audio) << 44LL << 300LL << 0LL << true << true << 1;
        QTest::newRow("placeholder zeros") << canonical(0, 0, audio) << 44LL << 300LL << 0LL << true << false << 1;
        QTest::newRow("placeholder 0xFFFFFFFF")
            << canonical(0xFFFFFFFFLL, 0xFFFFFFFFLL, audio) << 44LL << 300LL << 0LL << true << false << 1;
        QTest::newRow("stale sizes") << canonical(136, 100, audio) << 44LL << 300LL << 0LL << true << false << 1;
        QTest::newRow("sizes past the end")
            << canonical(1036, 1000, audio) << 44LL << 300LL << 0LL << true << false << 1;
        QTest::newRow("odd trailing byte")
            << canonical(336, 300, audio + 'x') << 44LL << 300LL << 1LL << true << false << 1;
        QTest::newRow("stereo, 3 trailing bytes")
            << canonical(36, 0, audio + "abc", 2) << 44LL << 300LL << 3LL << true << false << 2;
        QTest::newRow("only a header") << canonical(36, 0, {}) << 44LL << 0LL << 0LL << true << true << 1;

        const QByteArray list = chunk("LIST", QByteArrayLiteral("INFOISFT\x05\0\0\0sbsb\0")); // odd: padded
        QByteArray withList = fmtChunk(1, 1, 8000, 16) + list + QByteArrayLiteral("data") + le32(300) + audio;
        QTest::newRow("LIST before data") << riff(4 + withList.size(), withList) << qint64(12 + 24 + list.size() + 8)
                                          << 300LL << 0LL << true << true << 1;

        const QByteArray tail = chunk("id3 ", QByteArray(10, 'i'));
        QByteArray withTail = fmtChunk(1, 1, 8000, 16) + chunk("data", audio) + tail;
        QTest::newRow("chunk after data")
            << riff(4 + withTail.size(), withTail) << 44LL << 300LL << 0LL << false << true << 1;

        // Stale header and audio that happens to look like a chunk header: the RIFF size does not
        // claim anything after the data, so the audio is not mistaken for a chunk.
        const QByteArray fakeChunk = QByteArrayLiteral("abcd") + le32(4) + QByteArrayLiteral("wxyz");
        QTest::newRow("stale sizes, audio looks like a chunk")
            << canonical(36 + 100, 100, audio.left(100) + fakeChunk + audio.mid(100 + 12)) << 44LL << 300LL << 0LL
            << true << false << 1;

        QByteArray extensible = le16(22) + le16(16) + le32(0x4) + le16(1) + QByteArray(14, '\x01');
        QByteArray ext = fmtChunk(0xFFFE, 1, 8000, 16, extensible) + chunk("data", audio);
        QTest::newRow("WAVE_FORMAT_EXTENSIBLE")
            << riff(4 + ext.size(), ext) << qint64(12 + 8 + 40 + 8) << 300LL << 0LL << true << true << 1;

        QByteArray fmt18 = fmtChunk(1, 1, 8000, 16, le16(0)) + chunk("data", audio);
        QTest::newRow("fmt with cbSize") << riff(4 + fmt18.size(), fmt18) << 46LL << 300LL << 0LL << true << true << 1;

        QByteArray ulaw = fmtChunk(7, 1, 8000, 8) + chunk("data", QByteArray(161, '\xFF'));
        QTest::newRow("mu-law, odd size, pad byte")
            << riff(4 + ulaw.size(), ulaw) << 44LL << 161LL << 0LL << true << true << 1;
    }
    void inspectsFilesWithWrongOrUnusualHeaders()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(qint64, dataOffset);
        QFETCH(qint64, dataBytes);
        QFETCH(qint64, trailing);
        QFETCH(bool, runsToEnd);
        QFETCH(bool, consistent);
        QFETCH(int, channels);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("in.wav"));
        QVERIFY(writeFile(path, bytes));
        Result<WavInfo> info = inspectWav(path);
        QVERIFY2(info.ok(), qPrintable(info.ok() ? QString() : info.error().message));
        QCOMPARE(info->fileBytes, bytes.size());
        QCOMPARE(info->dataOffset, dataOffset);
        QCOMPARE(info->dataBytes, dataBytes);
        QCOMPARE(info->trailingBytes, trailing);
        QCOMPARE(info->dataRunsToEnd, runsToEnd);
        QCOMPARE(info->headerConsistent(), consistent);
        QCOMPARE(info->format.channels, channels);
        QCOMPARE(info->format.sampleRate, 8000);

        // The samples are exactly the located bytes (little-endian host).
        Result<WavData> data = readWav(path);
        QVERIFY(data.ok());
        const QByteArray located = bytes.mid(dataOffset, dataBytes);
        if (info->format.isPcm16()) {
            QCOMPARE(QByteArray(reinterpret_cast<const char*>(data->samples.constData()), 2 * data->samples.size()),
                     located);
        } else {
            QCOMPARE(data->samples, mulaw::decode(located));
        }
    }

    void readsMuLawFiles()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("ulaw.wav"));
        QByteArray codes;
        for (int i = 0; i < 256; ++i)
            codes += char(i);
        const QByteArray body = fmtChunk(7, 1, 8000, 8) + chunk("data", codes);
        QVERIFY(writeFile(path, riff(4 + body.size(), body)));
        Result<WavData> data = readWav(path);
        QVERIFY(data.ok());
        QVERIFY(data->info.format.isMuLaw());
        QCOMPARE(data->samples, mulaw::decode(codes));
    }

    void readWavRejectsOtherEncodingsButInspectsThem_data()
    {
        QTest::addColumn<int>("tag");
        QTest::addColumn<int>("bits");
        QTest::newRow("24-bit PCM") << 1 << 24;
        QTest::newRow("8-bit PCM") << 1 << 8;
        QTest::newRow("32-bit float") << 3 << 32;
        QTest::newRow("A-law") << 6 << 8;
    }
    void readWavRejectsOtherEncodingsButInspectsThem()
    {
        QFETCH(int, tag);
        QFETCH(int, bits);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("other.wav"));
        const QByteArray body = fmtChunk(tag, 1, 8000, bits) + chunk("data", QByteArray(48, '\x10'));
        QVERIFY(writeFile(path, riff(4 + body.size(), body)));
        Result<WavInfo> info = inspectWav(path);
        QVERIFY(info.ok());
        QCOMPARE(info->dataBytes, 48);
        QVERIFY(info->headerConsistent());
        Result<WavData> data = readWav(path);
        QVERIFY(!data.ok());
        QCOMPARE(data.error().code, QStringLiteral("audio.wav.unsupported"));
    }

    // ---- repairWav --------------------------------------------------------------------------

    void refusesFilesItCannotUnderstand_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("code");
        const QByteArray header = canonical(36, 0, {});
        QTest::newRow("empty (crash before the header)") << QByteArray() << QStringLiteral("audio.wav.truncated");
        QTest::newRow("3 bytes of RIFF") << QByteArrayLiteral("RIF") << QStringLiteral("audio.wav.truncated");
        QTest::newRow("half a header") << header.left(22) << QStringLiteral("audio.wav.truncated");
        QTest::newRow("header without data size") << header.left(40) << QStringLiteral("audio.wav.truncated");
        QTest::newRow("short text") << QByteArrayLiteral("hello") << QStringLiteral("audio.wav.not_wav");
        QTest::newRow("text file") << QByteArrayLiteral("call log\nline two\nline three\nline four\nline five\n")
                                   << QStringLiteral("audio.wav.not_wav");
        QTest::newRow("AVI") << QByteArray(QByteArrayLiteral("RIFF") + le32(100) + QByteArrayLiteral("AVI LIST") +
                                           QByteArray(60, '\0'))
                             << QStringLiteral("audio.wav.not_wav");
        QTest::newRow("data before fmt") << riff(100, chunk("data", pcmBytes(0, 10)) + fmtChunk(1, 1, 8000, 16))
                                         << QStringLiteral("audio.wav.bad_format");
        QTest::newRow("fmt too short") << riff(100, chunk("fmt ", QByteArray(8, 1)) + chunk("data", pcmBytes(0, 20)))
                                       << QStringLiteral("audio.wav.bad_format");
        QTest::newRow("zero channels") << riff(100, fmtChunk(1, 0, 8000, 16) + chunk("data", pcmBytes(0, 20)))
                                       << QStringLiteral("audio.wav.bad_format");
        QTest::newRow("no data chunk") << riff(100, fmtChunk(1, 1, 8000, 16) + chunk("LIST", QByteArray(40, 'x')))
                                       << QStringLiteral("audio.wav.no_data");
    }
    void refusesFilesItCannotUnderstand()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, code);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("odd.wav"));
        QVERIFY(writeFile(path, bytes));
        Result<WavRepair> repair = repairWav(path);
        QVERIFY(!repair.ok());
        QCOMPARE(repair.error().code, code);
        QVERIFY(repair.error().message.contains(path));
        QCOMPARE(readFile(path), bytes); // untouched
        QCOMPARE(inspectWav(path).error().code, code);
        QCOMPARE(readWav(path).error().code, code);
    }

    void reportsMissingFiles()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("missing.wav"));
        QCOMPARE(repairWav(path).error().code, QStringLiteral("audio.wav.open_failed"));
        QCOMPARE(readWav(path).error().code, QStringLiteral("audio.wav.open_failed"));
        QVERIFY(!QFile::exists(path)); // not created by the attempt
    }

    void repairsFilesLeftOpen_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<bool>("wasBroken");
        QTest::addColumn<qint64>("samples");
        QTest::addColumn<qint64>("truncated");
        QTest::addColumn<int>("channels");
        const QByteArray audio = pcmBytes(0, 1000);
        QTest::newRow("already correct") << canonical(2036, 2000, audio) << false << 1000LL << 0LL << 1;
        QTest::newRow("only a header") << canonical(36, 0, {}) << false << 0LL << 0LL << 1;
        QTest::newRow("placeholder sizes") << canonical(0, 0, audio) << true << 1000LL << 0LL << 1;
        QTest::newRow("crash before the first flush") << canonical(36, 0, audio) << true << 1000LL << 0LL << 1;
        QTest::newRow("stale by one interval") << canonical(1636, 1600, audio) << true << 1000LL << 0LL << 1;
        QTest::newRow("partial sample") << canonical(1636, 1600, audio + 'z') << true << 1000LL << 1LL << 1;
        QTest::newRow("right sizes, partial sample")
            << canonical(2036, 2000, audio + 'z') << true << 1000LL << 1LL << 1;
        QTest::newRow("sizes past the end") << canonical(100036, 100000, audio) << true << 1000LL << 0LL << 1;
        QTest::newRow("only RIFF size wrong") << canonical(36, 2000, audio) << true << 1000LL << 0LL << 1;
        QTest::newRow("stereo, 3 stray bytes") << canonical(36, 0, audio + "xyz", 2) << true << 1000LL << 3LL << 2;
    }
    void repairsFilesLeftOpen()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(bool, wasBroken);
        QFETCH(qint64, samples);
        QFETCH(qint64, truncated);
        QFETCH(int, channels);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("left-open.wav"));
        QVERIFY(writeFile(path, bytes));

        Result<WavRepair> repair = repairWav(path);
        QVERIFY2(repair.ok(), qPrintable(repair.ok() ? QString() : repair.error().message));
        QCOMPARE(repair->wasBroken, wasBroken);
        QCOMPARE(repair->dataBytes, 2 * samples);
        QCOMPARE(repair->truncatedBytes, truncated);
        QCOMPARE(repair->oldRiffSize, qFromLittleEndian<quint32>(bytes.constData() + 4));
        QCOMPARE(repair->oldDataSize, qFromLittleEndian<quint32>(bytes.constData() + 40));
        QCOMPARE(repair->newDataSize, quint32(2 * samples));
        QCOMPARE(repair->newRiffSize, quint32(36 + 2 * samples));
        QVERIFY(repair->info.headerConsistent());

        const QByteArray after = readFile(path);
        QCOMPARE(after.size(), 44 + 2 * samples);
        QCOMPARE(after, canonical(36 + 2 * samples, 2 * samples, pcmBytes(0, samples), channels));
        Result<WavInfo> info = inspectWav(path);
        QVERIFY(info.ok());
        QVERIFY(info->headerConsistent());

        Result<WavRepair> again = repairWav(path);
        QVERIFY(again.ok());
        QVERIFY(!again->wasBroken);
        QCOMPARE(readFile(path), after);
        verifyWithSox(path, samples / channels, 8000, channels);
    }

    void repairLeavesACorrectFileUntouched()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("good.wav"));
        WavWriter writer;
        QVERIFY(writer.open(path));
        QVERIFY(writer.append(pattern(0, 3 * kFrame)));
        QVERIFY(writer.close());
        const QDateTime old = QDateTime::fromSecsSinceEpoch(1600000000, Qt::UTC);
        {
            QFile f(path);
            QVERIFY(f.open(QIODevice::ReadWrite));
            QVERIFY(f.setFileTime(old, QFileDevice::FileModificationTime));
        }
        const QByteArray before = readFile(path);
        Result<WavRepair> repair = repairWav(path);
        QVERIFY(repair.ok());
        QVERIFY(!repair->wasBroken);
        QCOMPARE(repair->dataBytes, 6 * kFrame);
        QCOMPARE(readFile(path), before);
        QCOMPARE(QFileInfo(path).lastModified().toUTC(), old);
    }

    void repairNeverTouchesFilesWithChunksAfterTheData()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("tagged.wav"));
        const QByteArray body = fmtChunk(1, 1, 8000, 16) + chunk("data", pcmBytes(0, 50)) + chunk("id3 ", "tag!");
        const QByteArray bytes = riff(4 + body.size() + 6, body); // RIFF size slightly wrong
        QVERIFY(writeFile(path, bytes));
        Result<WavRepair> repair = repairWav(path);
        QVERIFY(repair.ok());
        QVERIFY(!repair->wasBroken);
        QVERIFY(!repair->info.dataRunsToEnd);
        QCOMPARE(repair->dataBytes, 100);
        QCOMPARE(readFile(path), bytes);
    }

    // ---- real crashes -----------------------------------------------------------------------

    void killedWriterLosesAtMostOneFlushInterval_data()
    {
        QTest::addColumn<int>("intervalMs");
        QTest::addColumn<int>("killAfterFrames");
        QTest::newRow("flush every frame") << 0 << 150;
        QTest::newRow("flush every 20 ms") << 20 << 203;
        QTest::newRow("flush every 200 ms (default)") << 200 << 317;
        QTest::newRow("flush every second") << 1000 << 421;
    }
    void killedWriterLosesAtMostOneFlushInterval()
    {
        QFETCH(int, intervalMs);
        QFETCH(int, killAfterFrames);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("killed.wav"));
        const std::unique_ptr<QProcess> child =
            startChild("stream", path, QLatin1String(kChildIntervalEnv), QString::number(intervalMs));
        QVERIFY2(child->waitForStarted(10000), qPrintable(child->errorString()));

        QByteArray out;
        ChildLine line;
        const qint64 killAt = qint64(killAfterFrames) * kFrame * 2;
        QDeadlineTimer deadline(60000);
        while (line.appended < killAt && !deadline.hasExpired() && child->state() == QProcess::Running) {
            if (child->waitForReadyRead(1000)) {
                out += child->readAllStandardOutput();
                line = lastChildLine(out);
            }
        }
        QVERIFY2(line.appended >= killAt, QByteArray(out.right(300) + child->readAllStandardError()).constData());
        child->kill(); // SIGKILL
        QVERIFY(child->waitForFinished(10000));
        QCOMPARE(child->exitStatus(), QProcess::CrashExit);
        out += child->readAllStandardOutput();
        line = lastChildLine(out);

        const qint64 flushBytes = qint64(intervalMs) * 8000 / 1000 * 2;
        Result<WavInfo> before = inspectWav(path);
        QVERIFY(before.ok());
        // Even before any repair, the header is at most one flush interval behind.
        QVERIFY(qint64(before->declaredDataSize) >= line.flushed);
        QVERIFY(qint64(before->declaredDataSize) > line.appended - qMax<qint64>(flushBytes, 1));

        Result<WavRepair> repair = repairWav(path);
        QVERIFY2(repair.ok(), qPrintable(repair.ok() ? QString() : repair.error().message));
        Result<WavData> data = readWav(path);
        QVERIFY(data.ok());
        QVERIFY(data->info.headerConsistent());
        const qint64 kept = 2 * data->samples.size();
        QVERIFY2(
            kept >= line.flushed && kept > line.appended - qMax<qint64>(flushBytes, 1),
            qPrintable(
                QStringLiteral("kept %1, appended %2, flushed %3").arg(kept).arg(line.appended).arg(line.flushed)));
        QVERIFY(kept <= line.appended + 2 * kFrame); // at most one frame appended after the last report
        QCOMPARE(patternMismatch(data->samples), -1);
        verifyWithSox(path, data->samples.size(), 8000, 1);
    }

    void writeErrorMidRecordingLeavesAValidFile()
    {
        // 44-byte header + 3 frames (960 bytes) + 101 bytes: the 4th frame's write stops mid-sample.
        const qint64 limit = 44 + 960 + 101;
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("full.wav"));
        const std::unique_ptr<QProcess> child =
            startChild("efbig", path, QLatin1String(kChildLimitEnv), QString::number(limit));
        QVERIFY(child->waitForFinished(30000));
        const QByteArray out = child->readAllStandardOutput();
        QCOMPARE(child->exitStatus(), QProcess::NormalExit);
        QVERIFY2(child->exitCode() == 0, QByteArray(out + child->readAllStandardError()).constData());
        QVERIFY2(out.contains("append-failed audio.wav.write_failed\n"), out.constData());
        QVERIFY2(out.contains("only 101 of 320 bytes written"), out.constData());
        QVERIFY(out.contains("failed 1\n"));
        QVERIFY(out.contains("append-after-failure 0\n"));
        QVERIFY(out.contains("closed 0 audio.wav.write_failed\n"));

        Result<WavInfo> info = inspectWav(path);
        QVERIFY(info.ok());
        QVERIFY(info->headerConsistent());
        QCOMPARE(info->fileBytes, limit - 1); // the partial sample was cut off
        QCOMPARE(info->dataBytes, 960 + 100);
        Result<WavData> data = readWav(path);
        QVERIFY(data.ok());
        QCOMPARE(patternMismatch(data->samples), -1);
        Result<WavRepair> repair = repairWav(path);
        QVERIFY(repair.ok());
        QVERIFY(!repair->wasBroken);
        verifyWithSox(path, 530, 8000, 1);
    }
};

QTEST_GUILESS_MAIN(TestWavWriter)
#include "TestWavWriter.moc"
