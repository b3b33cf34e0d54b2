// SPDX-License-Identifier: GPL-3.0-or-later
// Measures the single storage writer: call events per second, and track-stats updates per second
// from 1000 simulated Media Streams (2 tracks each), with and without batching and coalescing.
// Each figure is "writes accepted / time until flush() says all are committed".
// Prints figures; asserts nothing.
// Run: build/bench/bench_storage [events] [stats-rounds] [folder]
//   defaults: 20000 events, 20 rounds of 2000 updates, a temporary folder (put it on the disk you
//   care about: tmpfs hides fsync costs).
#include "storage/Storage.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QTemporaryDir>
#include <cstdio>

using namespace sb::storage;

namespace {

constexpr int kStreams = 1000;

struct Figures
{
    double perSecond = 0;
    double enqueueMicros = 0; ///< cost of one call on the producing thread
    StorageStats stats;
};

QString freshFile(const QString& folder, const QString& name)
{
    const QString path = QDir(folder).filePath(name);
    QFile::remove(path);
    QFile::remove(path + QStringLiteral("-wal"));
    QFile::remove(path + QStringLiteral("-shm"));
    return path;
}

Figures benchEvents(const QString& path, int count, int maxBatch)
{
    StorageOptions options;
    options.maxBatchSize = maxBatch;
    Storage storage;
    if (!storage.open(path, options)) {
        std::fprintf(stderr, "cannot open %s\n", qPrintable(path));
        return {};
    }
    CallRecord call;
    call.callSid = QStringLiteral("CAbench");
    storage.upsertCall(call);
    storage.flush();

    CallEvent event;
    event.callSid = call.callSid;
    event.kind = QStringLiteral("media.mark");
    QElapsedTimer timer;
    timer.start();
    qint64 enqueueNanos = 0;
    for (int i = 0; i < count; ++i) {
        event.detail = QJsonObject{{QStringLiteral("name"), QStringLiteral("mark-%1").arg(i)}};
        QElapsedTimer one;
        one.start();
        storage.appendEvent(event);
        enqueueNanos += one.nsecsElapsed();
    }
    storage.flush(600000);
    const double seconds = double(timer.nsecsElapsed()) / 1e9;
    Figures f;
    f.perSecond = count / seconds;
    f.enqueueMicros = double(enqueueNanos) / 1000.0 / count;
    f.stats = storage.stats();
    storage.close();
    return f;
}

Figures benchStats(const QString& path, int rounds, int maxBatch, bool coalesce)
{
    StorageOptions options;
    options.maxBatchSize = maxBatch;
    options.coalesceTrackStats = coalesce;
    Storage storage;
    if (!storage.open(path, options)) {
        std::fprintf(stderr, "cannot open %s\n", qPrintable(path));
        return {};
    }
    for (int s = 0; s < kStreams; ++s) {
        StreamRecord stream;
        stream.streamSid = QStringLiteral("MZ%1").arg(s, 6, 10, QLatin1Char('0'));
        stream.callSid = QStringLiteral("CA%1").arg(s, 6, 10, QLatin1Char('0'));
        stream.tracks = {QStringLiteral("inbound"), QStringLiteral("outbound")};
        stream.status = QStringLiteral("started");
        storage.upsertStream(stream);
    }
    storage.flush(600000);
    const QString tracks[] = {QStringLiteral("inbound"), QStringLiteral("outbound")};

    QElapsedTimer timer;
    timer.start();
    qint64 enqueueNanos = 0;
    int writes = 0;
    StreamTrackStats stats;
    for (int round = 1; round <= rounds; ++round) {
        for (int s = 0; s < kStreams; ++s) {
            stats.streamSid = QStringLiteral("MZ%1").arg(s, 6, 10, QLatin1Char('0'));
            for (const QString& track : tracks) {
                stats.track = track;
                stats.frames = qint64(round) * 50; // one update per second of 20 ms frames
                stats.bytes = stats.frames * 160;
                stats.wavPath = QStringLiteral("/data/audio/") + stats.streamSid + QLatin1Char('-') + track;
                QElapsedTimer one;
                one.start();
                storage.updateTrackStats(stats);
                enqueueNanos += one.nsecsElapsed();
                ++writes;
            }
        }
    }
    storage.flush(600000);
    const double seconds = double(timer.nsecsElapsed()) / 1e9;
    Figures f;
    f.perSecond = writes / seconds;
    f.enqueueMicros = double(enqueueNanos) / 1000.0 / writes;
    f.stats = storage.stats();
    storage.close();
    return f;
}

void print(const char* label, const Figures& f)
{
    std::printf("  %-44s %10.0f writes/s  enqueue %5.2f us  %7llu committed  %7llu superseded  %6llu tx  "
                "largest batch %d\n",
                label,
                f.perSecond,
                f.enqueueMicros,
                static_cast<unsigned long long>(f.stats.committed),
                static_cast<unsigned long long>(f.stats.superseded),
                static_cast<unsigned long long>(f.stats.transactions),
                f.stats.largestBatch);
}

} // namespace

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    const int events = argc > 1 ? QByteArray(argv[1]).toInt() : 20000;
    const int rounds = argc > 2 ? QByteArray(argv[2]).toInt() : 20;
    QTemporaryDir temporary;
    const QString folder = argc > 3 ? QString::fromLocal8Bit(argv[3]) : temporary.path();
    QDir().mkpath(folder);

    std::printf("bench_storage: folder %s\n",
                qPrintable(QDir::toNativeSeparators(QFileInfo(folder).absoluteFilePath())));
    std::printf(" call events (%d appended from one thread, then flush):\n", events);
    print("one transaction per write (maxBatchSize 1)",
          benchEvents(freshFile(folder, QStringLiteral("e1.sqlite")), events, 1));
    print("batched (maxBatchSize 256, default)",
          benchEvents(freshFile(folder, QStringLiteral("e256.sqlite")), events, 256));
    print("batched (maxBatchSize 4096)", benchEvents(freshFile(folder, QStringLiteral("e4096.sqlite")), events, 4096));

    std::printf(" track stats (%d streams x 2 tracks x %d rounds = %d updates, then flush):\n",
                kStreams,
                rounds,
                kStreams * 2 * rounds);
    print("one transaction per write, no coalescing",
          benchStats(freshFile(folder, QStringLiteral("s1.sqlite")), rounds, 1, false));
    print("batched 256, no coalescing",
          benchStats(freshFile(folder, QStringLiteral("s256.sqlite")), rounds, 256, false));
    print("batched 256, coalescing (default)",
          benchStats(freshFile(folder, QStringLiteral("s256c.sqlite")), rounds, 256, true));
    std::printf(" (a live stream updates its stats about once a second: 1000 streams = 2000 updates/s)\n");
    return 0;
}
