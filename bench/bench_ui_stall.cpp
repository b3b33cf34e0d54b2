// SPDX-License-Identifier: GPL-3.0-or-later
// Event-loop stall benchmark for the console window (issue 9): a real Core (temporary data folder,
// port 0, an in-memory auth token) and a real MainWindow, shown, while N simulated calls (the
// built-in simulator, app/sim, on a thread of its own) are answered by the default flow and
// stream media in real time (both tracks, 20 ms frames). Once the calls are live, a 5 ms precise
// timer on the GUI thread records how late each timeout fires (the gap between consecutive
// timeouts minus the interval); meanwhile a different call is selected in the wall every second
// and the screen switches every 3 s, so the detail pane and the inspector work while calls
// stream. Prints figures, asserts nothing.
//
// The default flow (`appointment`) listens for 20 s; the benchmark puts a copy with a longer
// `listenSeconds` in the data folder, so every call streams for the whole measurement.
//
// Run:
//   build/bench/bench_ui_stall [calls=100] [seconds=20]
// e.g. build/bench/bench_ui_stall 100 20
#include "bootstrap/Core.h"
#include "sim/LoadRunner.h"
#include "storage/Records.h"
#include "storage/Storage.h"
#include "ui/MainWindow.h"
#include "ui/calls/CallWall.h"
#include "ui/calls/CallWallModel.h"

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <sys/resource.h>
#include <vector>

namespace {

const QByteArray kToken = QByteArrayLiteral("stall-token-0123456789abcdef0123");
constexpr int kTickMs = 5;
constexpr int kStaggerMs = 20;

/// What the simulator thread reports back (written there, read here after it is done).
struct SimSummary
{
    std::mutex mutex;
    int succeeded = 0;
    int failed = 0;
    qint64 framesSent = 0;
    std::atomic<int> callsFinished{0};
    std::atomic<bool> done{false};
};

qint64 rssKb()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray& line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').constFirst().toLongLong();
    }
    return -1;
}

double threadCpuMs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1000.0 + double(ts.tv_nsec) / 1e6;
}

double processCpuMs()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    const auto ms = [](const timeval& tv) { return double(tv.tv_sec) * 1000.0 + double(tv.tv_usec) / 1000.0; };
    return ms(usage.ru_utime) + ms(usage.ru_stime);
}

/// The built-in default flow with a longer listen, so calls outlast the measurement.
bool writeLongFlow(const QString& dataDir, int listenSeconds)
{
    QJsonObject flow;
    QFile builtIn(QStringLiteral(":/flows/appointment.json"));
    if (builtIn.open(QIODevice::ReadOnly))
        flow = QJsonDocument::fromJson(builtIn.readAll()).object();
    if (flow.isEmpty()) {
        flow = QJsonObject{
            {QStringLiteral("name"), QStringLiteral("appointment")},
            {QStringLiteral("mode"), QStringLiteral("realtime")},
            {QStringLiteral("greeting"), QStringLiteral("Thanks for calling. When would you like your appointment?")},
            {QStringLiteral("goodbye"), QStringLiteral("Thank you. Goodbye.")},
            {QStringLiteral("streamTrack"), QStringLiteral("both_tracks")},
            {QStringLiteral("realtimeTranscription"), true},
        };
    }
    flow.insert(QStringLiteral("listenSeconds"), std::min(listenSeconds, 14400));
    if (!QDir(dataDir).mkpath(QStringLiteral("flows")))
        return false;
    QFile file(dataDir + QStringLiteral("/flows/appointment.json"));
    if (!file.open(QIODevice::WriteOnly))
        return false;
    return file.write(QJsonDocument(flow).toJson()) > 0;
}

/// Late timeouts of one phase, in milliseconds.
struct Stalls
{
    std::vector<double> ms;

    double percentile(double p) const
    {
        if (ms.empty())
            return 0;
        std::vector<double> sorted = ms;
        std::sort(sorted.begin(), sorted.end());
        const auto i = size_t(std::ceil(p * double(sorted.size()))) - 1;
        return sorted[std::min(i, sorted.size() - 1)];
    }
    double worst() const { return ms.empty() ? 0 : *std::max_element(ms.begin(), ms.end()); }
    long over(double limit) const
    {
        return long(std::count_if(ms.begin(), ms.end(), [limit](double v) { return v > limit; }));
    }
    void print(const char* phase) const
    {
        std::printf("%s timer ticks: %zu\n", phase, ms.size());
        std::printf("%s worst stall: %.1f ms\n", phase, worst());
        std::printf("%s stall p99: %.2f ms\n", phase, percentile(0.99));
        std::printf("%s stall p95: %.2f ms\n", phase, percentile(0.95));
        std::printf("%s stall p50: %.2f ms\n", phase, percentile(0.50));
        std::printf("%s stalls > 50 ms: %ld\n", phase, over(50));
        std::printf("%s stalls > 16 ms: %ld\n", phase, over(16));
    }
};

} // namespace

int main(int argc, char** argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const QStringList args = QApplication::arguments();
    const int calls = args.size() > 1 ? args.at(1).toInt() : 100;
    const int seconds = args.size() > 2 ? args.at(2).toInt() : 20;
    if (calls <= 0 || seconds <= 0) {
        std::fprintf(stderr, "usage: bench_ui_stall [calls=100] [seconds=20]\n");
        return 2;
    }
    const int rampLimitMs = 30000 + calls * kStaggerMs;

    QTemporaryDir dir;
    if (!dir.isValid() || !writeLongFlow(dir.path(), rampLimitMs / 1000 + seconds + 60)) {
        std::fprintf(stderr, "bench_ui_stall: cannot prepare the data folder\n");
        return 1;
    }
    sb::bootstrap::CoreOptions options;
    options.dataDir = dir.path();
    options.port = 0;
    options.authToken = [] { return kToken; };
    options.requestsPerSecond = 1e6; // every simulated call comes from 127.0.0.1
    sb::bootstrap::Core core(options);
    const auto started = core.start();
    if (!started.ok()) {
        std::fprintf(stderr, "bench_ui_stall: the core did not start: %s\n", qPrintable(started.error().message));
        return 1;
    }

    sb::ui::MainWindow window(&core);
    window.resize(1400, 900);
    window.show();
    sb::ui::CallWall* wall = window.callWall();
    sb::ui::CallWallModel* model = wall->model();

    // Streams the listener has open, and the frames it received (its track statistics are stored
    // when a stream starts and when it ends: snapshots, the latest wins).
    QHash<QString, bool> streamOpen;
    int streamsOpen = 0;
    QObject::connect(
        core.storage(), &sb::storage::Storage::streamStored, &app, [&](const sb::storage::StreamRecord& stream) {
            const bool open = stream.status == QLatin1String("started");
            bool& known = streamOpen[stream.streamSid];
            streamsOpen += int(open) - int(known);
            known = open;
        });
    QHash<QString, qint64> framesByTrack;
    qint64 framesReceived[2] = {0, 0}; // inbound, outbound
    QObject::connect(
        core.storage(), &sb::storage::Storage::trackStatsStored, &app, [&](const sb::storage::StreamTrackStats& stats) {
            qint64& known = framesByTrack[stats.streamSid + stats.track];
            framesReceived[stats.track == QLatin1String("inbound") ? 0 : 1] += stats.frames - known;
            known = stats.frames;
        });

    // The simulator: every call on one thread of its own, never the window's.
    sb::sim::CallConfig config;
    config.url = core.listenerUrl() + QStringLiteral("/voice");
    config.statusCallback = core.listenerUrl() + QStringLiteral("/status");
    config.statusEvents = {QStringLiteral("initiated"),
                           QStringLiteral("ringing"),
                           QStringLiteral("answered"),
                           QStringLiteral("completed")};
    config.authToken = kToken;
    config.realtime = true;
    config.synthesizeSpeech = false;
    config.caller.audio = QByteArray(8000 * 3, char(0xFF)); // three seconds of mu-law silence
    config.caller.speech = QStringLiteral("Tuesday at ten please");
    config.maxDurationMs = qint64(rampLimitMs) + qint64(seconds + 120) * 1000;

    SimSummary summary;
    QThread simThread;
    simThread.setObjectName(QStringLiteral("bench-sim"));
    auto* runner = new sb::sim::LoadRunner(config, calls, kStaggerMs);
    runner->moveToThread(&simThread);
    QObject::connect(&simThread, &QThread::finished, runner, &QObject::deleteLater);
    QObject::connect(
        runner,
        &sb::sim::LoadRunner::callFinished,
        runner,
        [&summary](const sb::sim::CallReport&) { ++summary.callsFinished; },
        Qt::DirectConnection);
    QObject::connect(
        runner,
        &sb::sim::LoadRunner::finished,
        runner,
        [&summary](const sb::sim::LoadReport& report) {
            std::lock_guard lock(summary.mutex);
            summary.succeeded = report.succeeded;
            summary.failed = report.failed;
            for (const sb::sim::CallReport& call : report.reports) {
                for (const sb::sim::StreamReport& stream : call.streams)
                    summary.framesSent += stream.inboundFrames + stream.outboundFrames;
            }
            summary.done = true;
        },
        Qt::DirectConnection);
    simThread.start();

    std::printf("bench_ui_stall: %d calls (real time, both tracks, 20 ms frames), %d s measured, window %s, "
                "simulator on its own thread, data in %s\n",
                calls,
                seconds,
                qPrintable(QGuiApplication::platformName()),
                qPrintable(dir.path()));
    std::fflush(stdout);

    // The stall probe runs from the start; samples go to the phase running at the time.
    Stalls ramp;
    Stalls live;
    Stalls* phase = &ramp;
    QElapsedTimer tickClock;
    qint64 lastTickNs = -1;
    QTimer probe;
    probe.setTimerType(Qt::PreciseTimer);
    probe.setInterval(kTickMs);
    QObject::connect(&probe, &QTimer::timeout, &app, [&] {
        const qint64 now = tickClock.nsecsElapsed();
        if (lastTickNs >= 0 && phase)
            phase->ms.push_back(std::max(0.0, double(now - lastTickNs) / 1e6 - kTickMs));
        lastTickNs = now;
    });
    tickClock.start();
    probe.start();

    QMetaObject::invokeMethod(runner, &sb::sim::LoadRunner::start, Qt::QueuedConnection);

    // Ramp: until every call is live in the wall and streaming (or the limit passes).
    QElapsedTimer clock;
    clock.start();
    while ((model->counts().live < calls || streamsOpen < calls) && clock.elapsed() < rampLimitMs)
        QApplication::processEvents(QEventLoop::AllEvents | QEventLoop::WaitForMoreEvents, 50);
    const qint64 rampMs = clock.elapsed();

    // Measurement: the operator clicks through calls and screens while everything streams.
    const auto liveAtStart = model->counts();
    const int finishedAtStart = summary.callsFinished;
    const int streamsAtStart = streamsOpen;
    const double guiCpuAtStart = threadCpuMs();
    const double cpuAtStart = processCpuMs();
    const qint64 rssAtStart = rssKb();
    phase = &live;
    lastTickNs = -1;
    int selections = 0;
    double slowestSelectMs = 0; // selectCall() itself, synchronous part only
    double slowestScreenMs = 0; // showScreen() itself
    int slowestScreen = 0;
    int selected = 0;
    QTimer selector;
    selector.setInterval(1000);
    QObject::connect(&selector, &QTimer::timeout, &app, [&] {
        const int rows = model->rowCount();
        if (rows == 0)
            return;
        const sb::storage::CallRecord* call = model->callAt(selections++ % rows);
        QElapsedTimer t;
        t.start();
        if (call && wall->selectCall(call->callSid))
            ++selected;
        slowestSelectMs = std::max(slowestSelectMs, double(t.nsecsElapsed()) / 1e6);
    });
    const sb::ui::MainWindow::Screen screens[] = {sb::ui::MainWindow::CallsScreen,
                                                  sb::ui::MainWindow::WebhooksScreen,
                                                  sb::ui::MainWindow::CallsScreen,
                                                  sb::ui::MainWindow::FlowsScreen,
                                                  sb::ui::MainWindow::CallsScreen,
                                                  sb::ui::MainWindow::NetworkScreen};
    int screenSwitches = 0;
    QTimer switcher;
    switcher.setInterval(3000);
    QObject::connect(&switcher, &QTimer::timeout, &app, [&] {
        const auto screen = screens[++screenSwitches % int(std::size(screens))];
        QElapsedTimer t;
        t.start();
        window.showScreen(screen);
        if (const double ms = double(t.nsecsElapsed()) / 1e6; ms > slowestScreenMs) {
            slowestScreenMs = ms;
            slowestScreen = int(screen);
        }
    });
    selector.start();
    switcher.start();
    QElapsedTimer measured;
    measured.start();
    QTimer::singleShot(seconds * 1000, Qt::PreciseTimer, &app, [&app] { app.quit(); });
    QApplication::exec();
    const qint64 measuredMs = measured.elapsed();
    selector.stop();
    switcher.stop();
    probe.stop();
    phase = nullptr;

    const auto liveAtEnd = model->counts();
    const int finishedAtEnd = summary.callsFinished;
    const int streamsAtEnd = streamsOpen;
    const double guiCpuMs = threadCpuMs() - guiCpuAtStart;
    const double cpuMs = processCpuMs() - cpuAtStart;
    const qint64 rssAtEnd = rssKb();

    // Every call hangs up; wait (bounded) for the simulator's reports.
    QMetaObject::invokeMethod(runner, &sb::sim::LoadRunner::hangUpAll, Qt::QueuedConnection);
    QElapsedTimer drain;
    drain.start();
    while ((!summary.done || streamsOpen > 0) && drain.elapsed() < 30000)
        QApplication::processEvents(QEventLoop::AllEvents, 50);
    QElapsedTimer settle; // the last statistics come from the storage thread
    settle.start();
    while (settle.elapsed() < 500)
        QApplication::processEvents(QEventLoop::AllEvents, 50);

    std::printf("ramp: %lld ms until %d of %d calls were live in the wall, %d streams open\n",
                static_cast<long long>(rampMs),
                liveAtStart.live,
                calls,
                streamsAtStart);
    ramp.print("ramp");
    std::printf("measured: %.1f s\n", double(measuredMs) / 1000.0);
    std::printf("calls live at start: %d (ringing %d, ended %d; streams open %d; simulator calls finished %d)\n",
                liveAtStart.live,
                liveAtStart.ringing,
                liveAtStart.ended,
                streamsAtStart,
                finishedAtStart);
    std::printf("calls live at end: %d (ringing %d, ended %d; streams open %d; simulator calls finished %d)\n",
                liveAtEnd.live,
                liveAtEnd.ringing,
                liveAtEnd.ended,
                streamsAtEnd,
                finishedAtEnd);
    std::printf(
        "selections: %d of %d calls found in the wall; screen switches: %d\n", selected, selections, screenSwitches);
    live.print("live");
    std::printf("slowest selectCall(): %.1f ms\n", slowestSelectMs);
    std::printf("slowest showScreen(): %.1f ms (screen %d)\n", slowestScreenMs, slowestScreen);
    std::printf("GUI thread CPU: %.0f%% of one core\n", guiCpuMs * 100.0 / double(std::max<qint64>(1, measuredMs)));
    std::printf("process CPU (window, core, simulator): %.0f%% of one core\n",
                cpuMs * 100.0 / double(std::max<qint64>(1, measuredMs)));
    std::printf("RSS: %lld KB at start, %lld KB at end\n",
                static_cast<long long>(rssAtStart),
                static_cast<long long>(rssAtEnd));
    {
        std::lock_guard lock(summary.mutex);
        std::printf("simulator: %s; %d succeeded, %d failed, %lld frames sent (both tracks, whole run)\n",
                    summary.done ? "all calls reported" : "still running after 30 s",
                    summary.succeeded,
                    summary.failed,
                    static_cast<long long>(summary.framesSent));
    }
    std::printf("listener: %lld inbound + %lld outbound frames received (whole run, from the stored track "
                "statistics)\n",
                static_cast<long long>(framesReceived[0]),
                static_cast<long long>(framesReceived[1]));
    std::fflush(stdout);

    simThread.quit();
    simThread.wait();
    core.stop();
    return 0;
}
