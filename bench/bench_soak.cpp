// SPDX-License-Identifier: GPL-3.0-or-later
// Soak benchmark: the real `switchboard --headless` process answers simulated calls (the built-in
// simulator, app/sim, playing Twilio's side: voice webhook, TwiML, Media Stream, status callbacks)
// started at a steady rate for a number of minutes. Every 10 s it prints the listener's resident
// memory (VmRSS from /proc/PID/status) and open file descriptors (/proc/PID/fd); at the end, the
// slope of the memory over the second half, to show whether it levelled off. Prints figures,
// asserts nothing.
//
// Run:
//   build/bench/bench_soak [minutes=2] [calls-per-second=2] [max-call-seconds=5]
// e.g. build/bench/bench_soak 2 2 5
#include "sim/CallDriver.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTimer>
#include <algorithm>
#include <cstdio>
#include <vector>

namespace {

const QByteArray kToken = QByteArrayLiteral("soak-token-0123456789abcdef012345");

struct Sample
{
    double seconds = 0;
    qint64 rssKb = 0;
    int fds = 0;
    int started = 0;
    int finished = 0;
    int failed = 0;
};

qint64 rssKb(qint64 pid)
{
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray& line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').constFirst().toLongLong();
    }
    return -1;
}

int openFds(qint64 pid)
{
    return int(QDir(QStringLiteral("/proc/%1/fd").arg(pid)).entryList(QDir::NoDotAndDotDot | QDir::AllEntries).size());
}

/// Least-squares slope of y over x.
double slope(const std::vector<Sample>& samples, qsizetype from)
{
    const qsizetype n = qsizetype(samples.size()) - from;
    if (n < 2)
        return 0;
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (qsizetype i = from; i < qsizetype(samples.size()); ++i) {
        const double x = samples[size_t(i)].seconds;
        const double y = double(samples[size_t(i)].rssKb);
        sx += x;
        sy += y;
        sxx += x * x;
        sxy += x * y;
    }
    const double d = double(n) * sxx - sx * sx;
    return d == 0 ? 0 : (double(n) * sxy - sx * sy) / d;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    const double minutes = args.size() > 1 ? args.at(1).toDouble() : 2.0;
    const double rate = args.size() > 2 ? args.at(2).toDouble() : 2.0;
    const int maxCallSeconds = args.size() > 3 ? args.at(3).toInt() : 5;
    if (minutes <= 0 || rate <= 0 || maxCallSeconds <= 0) {
        std::fprintf(stderr, "usage: bench_soak [minutes=2] [calls-per-second=2] [max-call-seconds=5]\n");
        return 2;
    }

    QTemporaryDir dir;
    QProcess server;
    server.setProcessChannelMode(QProcess::SeparateChannels);
    server.start(QStringLiteral(SB_SWITCHBOARD_EXECUTABLE),
                 {QStringLiteral("--headless"),
                  QStringLiteral("--port"),
                  QStringLiteral("0"),
                  QStringLiteral("--data-dir"),
                  dir.path(),
                  QStringLiteral("--auth-token-stdin"),
                  QStringLiteral("--rate-limit"),
                  QStringLiteral("1000000")});
    if (!server.waitForStarted())
        return 1;
    server.write(kToken + '\n');
    server.closeWriteChannel();
    QString output;
    quint16 port = 0;
    {
        QElapsedTimer t;
        t.start();
        static const QRegularExpression re(QStringLiteral("listening on [^ ]+:(\\d+) "));
        while (t.elapsed() < 20000 && port == 0) {
            server.waitForReadyRead(100);
            output += QString::fromUtf8(server.readAllStandardOutput());
            if (const auto m = re.match(output); m.hasMatch())
                port = quint16(m.captured(1).toUInt());
        }
    }
    if (port == 0) {
        std::fprintf(stderr, "bench_soak: the server did not start\n%s\n", qPrintable(output));
        return 1;
    }
    // Keep draining its log so it never blocks on a full pipe.
    QObject::connect(
        &server, &QProcess::readyReadStandardOutput, &server, [&server] { server.readAllStandardOutput(); });
    QObject::connect(&server, &QProcess::readyReadStandardError, &server, [&server] { server.readAllStandardError(); });
    const qint64 pid = server.processId();
    const QString base = QStringLiteral("http://127.0.0.1:%1").arg(port);

    sb::sim::CallConfig config;
    config.url = base + QStringLiteral("/voice");
    config.statusCallback = base + QStringLiteral("/status");
    config.statusEvents = {QStringLiteral("initiated"),
                           QStringLiteral("ringing"),
                           QStringLiteral("answered"),
                           QStringLiteral("completed")};
    config.authToken = kToken;
    config.synthesizeSpeech = false;
    config.maxDurationMs = qint64(maxCallSeconds) * 1000;
    config.lingerMs = 1000;

    std::printf("bench_soak: %.1f min, %.2f calls/s, calls hang up after %d s of call time, data in %s\n",
                minutes,
                rate,
                maxCallSeconds,
                qPrintable(dir.path()));
    std::printf("%8s %10s %6s %8s %8s %7s %7s\n", "time_s", "rss_kb", "fds", "started", "finished", "failed", "live");
    std::fflush(stdout);

    std::vector<Sample> samples;
    Sample counts;
    QElapsedTimer clock;
    clock.start();
    const qint64 endMs = qint64(minutes * 60000);

    QTimer starter;
    starter.setInterval(int(1000.0 / rate));
    QObject::connect(&starter, &QTimer::timeout, &app, [&] {
        auto* driver = new sb::sim::CallDriver(config, &app);
        ++counts.started;
        QObject::connect(driver, &sb::sim::CallDriver::finished, &app, [&, driver](const sb::sim::CallReport& r) {
            ++counts.finished;
            if (!r.ok())
                ++counts.failed;
            driver->deleteLater();
        });
        driver->start();
    });
    auto sample = [&] {
        Sample s = counts;
        s.seconds = double(clock.elapsed()) / 1000.0;
        s.rssKb = rssKb(pid);
        s.fds = openFds(pid);
        samples.push_back(s);
        std::printf("%8.0f %10lld %6d %8d %8d %7d %7d\n",
                    s.seconds,
                    static_cast<long long>(s.rssKb),
                    s.fds,
                    s.started,
                    s.finished,
                    s.failed,
                    s.started - s.finished);
        std::fflush(stdout);
    };
    QTimer sampler;
    sampler.setInterval(10000);
    QObject::connect(&sampler, &QTimer::timeout, &app, [&] {
        sample();
        if (clock.elapsed() >= endMs) {
            starter.stop();
            sampler.stop();
            app.quit();
        }
    });
    sample();
    starter.start();
    sampler.start();
    app.exec();

    // Let the calls still running finish (bounded), then stop the server.
    QElapsedTimer drain;
    drain.start();
    while (counts.finished < counts.started && drain.elapsed() < 30000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 100);

    const qsizetype half = qsizetype(samples.size()) / 2;
    const double kbPerMinute = slope(samples, half) * 60.0;
    const double firstHalf = slope(samples, 0) * 60.0;
    const Sample& last = samples.back();
    std::printf(
        "calls: %d started, %d finished, %d with a fatal issue\n", counts.started, counts.finished, counts.failed);
    std::printf("memory: %lld KB at start, %lld KB at the end; slope %.0f KB/min over the whole run, %.0f KB/min "
                "over the second half (%.2f KB per call started then)\n",
                static_cast<long long>(samples.front().rssKb),
                static_cast<long long>(last.rssKb),
                firstHalf,
                kbPerMinute,
                kbPerMinute / (rate * 60.0));
    // "Levelled off": growing by less than 1 KB per call, or less than 1% of the RSS per minute.
    const bool levelled = kbPerMinute / (rate * 60.0) < 1.0 || kbPerMinute < 0.01 * double(last.rssKb);
    std::printf("memory levelled off over the second half: %s\n", levelled ? "yes" : "no");
    std::printf("file descriptors: %d at start, %d at the end (max %d)\n",
                samples.front().fds,
                last.fds,
                std::max_element(samples.begin(), samples.end(), [](const Sample& a, const Sample& b) {
                    return a.fds < b.fds;
                })->fds);
    server.terminate();
    server.waitForFinished(60000);
    return 0;
}
