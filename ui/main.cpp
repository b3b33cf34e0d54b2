// SPDX-License-Identifier: GPL-3.0-or-later
// Thin entry point: decide what to do from argv first (no display needed for --help, --version
// or a usage error), then start the GUI.
#include "cli/Main.h"

#include "cli/Commands.h"
#include "cli/CoreStartup.h"
#include "common/ShutdownSignals.h"
#include "common/Version.h"
#include "listen/AutoListen.h"
#include "listen/LivePlayback.h"
#include "ui/MainWindow.h"
#include "ui/console/ConsoleSession.h"
#include "ui/console/SingleInstance.h"

#include <QApplication>
#include <vector>

int main(int argc, char* argv[])
{
    sb::cli::Invocation inv;
    if (const auto code = sb::cli::runWithoutWindow(argc, argv, inv))
        return *code;

    // QApplication keeps references to argc/argv for its whole life.
    std::vector<QByteArray> storage;
    std::vector<char*> qtArgv;
    for (const QString& a : inv.qtArguments)
        storage.push_back(a.toLocal8Bit());
    for (QByteArray& a : storage)
        qtArgv.push_back(a.data());
    qtArgv.push_back(nullptr);
    int qtArgc = static_cast<int>(storage.size());

    QApplication app(qtArgc, qtArgv.data());
    QApplication::setApplicationName(QLatin1String(sb::kAppName));
    QApplication::setApplicationDisplayName(QLatin1String(sb::kDisplayName));
    QApplication::setApplicationVersion(QLatin1String(sb::kVersion));
    QApplication::setOrganizationName(QLatin1String(sb::kAppName));
    QApplication::setDesktopFileName(QStringLiteral("switchboard"));

    // SIGINT/SIGTERM and closing the window take the same way out: the core's ordered shutdown
    // (which may still talk to Twilio), then the event loop ends and main returns 0.
    sb::ShutdownSignals shutdown;
    shutdown.setQuitOnSignal(false);
    QApplication::setQuitOnLastWindowClosed(false);

    // One window per data folder: a second start raises the first and ends (status 0), before it
    // waits for the keychain or touches the database the first one holds.
    if (sb::ui::SingleInstance(sb::cli::resolveDataDir(inv.core.dataDir)).handOverToRunning()) {
        sb::cli::printLine(QStringLiteral("switchboard: already running on this data folder; its window was raised"));
        return 0;
    }

    // The same start-up as --headless: every option means the same with or without a window, and
    // one the window cannot honour stops here, before a window opens.
    auto startup = sb::cli::prepareCoreStartup(inv.core);
    if (!startup.ok())
        return sb::cli::fail({}, startup.error().message);
    for (const QString& warning : startup->warnings)
        sb::cli::printErrorLine(warning);
    // The core and its window; settings that need a new listener or data folder replace both
    // within this process.
    sb::ui::ConsoleSession session(startup->options);
    session.start();
    if (!session.startError().isEmpty())
        sb::cli::printErrorLine(QStringLiteral("switchboard: ") + session.startError());
    // --auto-listen: the newest live call on the default output, following a replaced core.
    std::unique_ptr<sb::listen::LivePlayback> playback;
    std::unique_ptr<sb::listen::AutoListen> autoListen;
    if (startup->autoListen) {
        playback = std::make_unique<sb::listen::LivePlayback>();
        sb::cli::logPlayback(*playback);
        autoListen = std::make_unique<sb::listen::AutoListen>(playback.get());
        autoListen->attach(session.core());
        QObject::connect(&session, &sb::ui::ConsoleSession::replaced, autoListen.get(), [&session, &autoListen] {
            autoListen->attach(session.core());
        });
    }
    QObject::connect(&session, &sb::ui::ConsoleSession::finished, &app, &QCoreApplication::quit);
    QObject::connect(&app, &QGuiApplication::lastWindowClosed, &session, &sb::ui::ConsoleSession::shutdown);
    QObject::connect(&shutdown, &sb::ShutdownSignals::shutdownRequested, &session, [&session] {
        if (session.window())
            session.window()->close();
        else
            session.shutdown();
    });
    const int code = QApplication::exec();
    autoListen.reset();
    playback.reset();
    return code;
}
