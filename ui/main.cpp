// SPDX-License-Identifier: GPL-3.0-or-later
// Thin entry point: decide what to do from argv first (no display needed for --help, --version
// or a usage error), then start the GUI.
#include "MainWindow.h"
#include "cli/CommandLine.h"
#include "cli/Commands.h"
#include "common/RandomToken.h"
#include "common/ShutdownSignals.h"
#include "common/Version.h"
#include "credentials/CredentialStore.h"

#include <QApplication>
#include <cstdio>
#include <vector>

int main(int argc, char* argv[])
{
    QStringList arguments;
    arguments.reserve(argc);
    for (int i = 0; i < argc; ++i)
        arguments << QString::fromLocal8Bit(argv[i]);

    const sb::cli::Invocation inv = sb::cli::parse(arguments);
    switch (inv.mode) {
    case sb::cli::Invocation::Mode::Help:
    case sb::cli::Invocation::Mode::Version:
        std::fputs(inv.message.toLocal8Bit().constData(), stdout);
        return sb::cli::kExitOk;
    case sb::cli::Invocation::Mode::UsageError:
        std::fputs(inv.message.toLocal8Bit().constData(), stderr);
        return sb::cli::kExitUsage;
    case sb::cli::Invocation::Mode::Headless:
    case sb::cli::Invocation::Mode::CallsList:
    case sb::cli::Invocation::Mode::CallsShow:
    case sb::cli::Invocation::Mode::Subcommand: {
        // No window: a QCoreApplication, so these work on machines without a display.
        QCoreApplication app(argc, argv);
        QCoreApplication::setApplicationName(QLatin1String(sb::kAppName));
        QCoreApplication::setApplicationVersion(QLatin1String(sb::kVersion));
        QCoreApplication::setOrganizationName(QLatin1String(sb::kAppName));
        if (inv.mode == sb::cli::Invocation::Mode::Subcommand)
            return sb::cli::runSubcommand(inv);
        return inv.mode == sb::cli::Invocation::Mode::Headless ? sb::cli::runHeadless(inv) : sb::cli::runCalls(inv);
    }
    case sb::cli::Invocation::Mode::Gui:
        break;
    }

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

    sb::ShutdownSignals shutdown; // SIGINT/SIGTERM close the window and exit 0

    // Without Twilio credentials the listener still runs: a random local token signs and checks
    // the demo calls the built-in simulator makes. It never leaves this process.
    QByteArray token = inv.core.authTokenFromStdin ? sb::cli::readTokenFromStdin() : QByteArray();
    if (token.isEmpty()) {
        const auto stored = sb::credentials::readAuthToken(QString(), 5000);
        if (stored.ok())
            token = stored.value();
        else
            std::fprintf(stderr, "switchboard: %s\n", qPrintable(stored.error().message));
    }
    if (token.isEmpty()) {
        std::fprintf(stderr,
                     "switchboard: no Twilio credentials; local demo calls are signed with a token that "
                     "lives only in this process\n");
        token = sb::randomHexToken();
    }
    sb::bootstrap::Core core(sb::cli::makeCoreOptions(inv.core, token));
    const auto started = core.start();
    const QString startError = started.ok() ? QString() : started.error().message;
    if (!started.ok())
        std::fprintf(stderr, "switchboard: %s\n", qPrintable(startError));
    sb::ui::MainWindow window(started.ok() ? &core : nullptr, startError);
    window.show();
    const int code = QApplication::exec();
    core.stop();
    return code;
}
