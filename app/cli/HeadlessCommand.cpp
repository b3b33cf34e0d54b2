// SPDX-License-Identifier: GPL-3.0-or-later
// `switchboard --headless`: the core without a window, one log line per event.
#include "cli/Commands.h"
#include "cli/CoreStartup.h"
#include "cli/Output.h"
#include "common/ShutdownSignals.h"
#include "listen/AutoListen.h"
#include "listen/LivePlayback.h"

#include <QCoreApplication>
#include <memory>

namespace sb::cli {

void logPlayback(listen::LivePlayback& playback)
{
    QObject::connect(&playback, &listen::LivePlayback::listeningChanged, [](const QString& callSid) {
        printLine(callSid.isEmpty() ? QStringLiteral("audio: not listening")
                                    : QStringLiteral("audio: listening to %1").arg(callSid));
    });
    QObject::connect(&playback,
                     &listen::LivePlayback::playingChanged,
                     [](bool playing, const QString& device, const QString& format) {
                         printLine(playing ? QStringLiteral("audio: playing on \"%1\" (%2)").arg(device, format)
                                           : QStringLiteral("audio: output closed"));
                     });
    QObject::connect(&playback, &listen::LivePlayback::errorOccurred, [](const QString& message) {
        printLine(QStringLiteral("audio: error: %1").arg(message));
    });
}

int runHeadless(const Invocation& inv)
{
    auto startup = prepareCoreStartup(inv.core);
    if (!startup.ok())
        return fail({}, startup.error().message);
    for (const QString& warning : startup->warnings)
        printErrorLine(warning);
    const bootstrap::CoreOptions& options = startup->options;

    ShutdownSignals shutdown;
    shutdown.setQuitOnSignal(false); // the core's ordered shutdown ends the loop
    bootstrap::Core core(options);
    QObject::connect(&core, &bootstrap::Core::stopped, &core, &QCoreApplication::quit);
    QObject::connect(&core, &bootstrap::Core::logLine, [](const QString& line) { printLine(line); });
    const auto started = core.start();
    if (!started.ok())
        return fail({}, started.error().message);
    printLine(QStringLiteral("listening on %1:%2 public %3 stream %4 data %5")
                  .arg(options.bindAddress.toString())
                  .arg(started.value())
                  .arg(core.publicUrl(), core.streamUrl(), options.dataDir));
    // --auto-listen: the newest live call on the default output, its changes logged.
    std::unique_ptr<listen::LivePlayback> playback;
    std::unique_ptr<listen::AutoListen> autoListen;
    if (startup->autoListen) {
        playback = std::make_unique<listen::LivePlayback>();
        logPlayback(*playback);
        autoListen = std::make_unique<listen::AutoListen>(playback.get());
        autoListen->attach(&core);
    }
    QObject::connect(&shutdown, &ShutdownSignals::shutdownRequested, &core, [&core](int signal) {
        printLine(QStringLiteral("stopping (signal %1)").arg(signal));
        core.shutdown();
    });
    QCoreApplication::exec();
    autoListen.reset();
    playback.reset();
    core.stop();
    printLine(QStringLiteral("stopped"));
    return kExitOk;
}

} // namespace sb::cli
