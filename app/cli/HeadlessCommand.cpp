// SPDX-License-Identifier: GPL-3.0-or-later
// `switchboard --headless`: the core without a window, one log line per event.
#include "cli/Commands.h"
#include "cli/CoreStartup.h"
#include "cli/Output.h"
#include "common/ShutdownSignals.h"

#include <QCoreApplication>

namespace sb::cli {

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
    QObject::connect(&shutdown, &ShutdownSignals::shutdownRequested, &core, [&core](int signal) {
        printLine(QStringLiteral("stopping (signal %1)").arg(signal));
        core.shutdown();
    });
    QCoreApplication::exec();
    core.stop();
    printLine(QStringLiteral("stopped"));
    return kExitOk;
}

} // namespace sb::cli
