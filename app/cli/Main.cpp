// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/Main.h"

#include "cli/Commands.h"
#include "common/Version.h"

#include <QCoreApplication>

namespace sb::cli {

std::optional<int> runWithoutWindow(int argc, char** argv, Invocation& inv)
{
    QStringList arguments;
    arguments.reserve(argc);
    for (int i = 0; i < argc; ++i)
        arguments << QString::fromLocal8Bit(argv[i]);

    inv = parse(arguments);
    switch (inv.mode) {
    case Invocation::Mode::Help:
    case Invocation::Mode::Version:
        printText(inv.message);
        return kExitOk;
    case Invocation::Mode::UsageError:
        printErrorLine(inv.message.trimmed());
        return kExitUsage;
    case Invocation::Mode::Headless:
    case Invocation::Mode::Subcommand: {
        QCoreApplication app(argc, argv);
        QCoreApplication::setApplicationName(QLatin1String(kAppName));
        QCoreApplication::setApplicationVersion(QLatin1String(kVersion));
        QCoreApplication::setOrganizationName(QLatin1String(kAppName));
        return inv.mode == Invocation::Mode::Headless ? runHeadless(inv) : runSubcommand(inv);
    }
    case Invocation::Mode::Gui:
        break;
    }
    return std::nullopt;
}

} // namespace sb::cli
