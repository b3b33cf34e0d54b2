// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/CommandLine.h"

#include "common/Version.h"

#include <QHash>

namespace sb::cli {
namespace {

// Qt's own GUI options that QApplication understands, with the number of values each takes.
// They are passed through untouched so `switchboard -platform offscreen` keeps working.
const QHash<QString, int>& qtOptions()
{
    static const QHash<QString, int> options{
        {QStringLiteral("-platform"), 1},
        {QStringLiteral("-platformpluginpath"), 1},
        {QStringLiteral("-platformtheme"), 1},
        {QStringLiteral("-plugin"), 1},
        {QStringLiteral("-qwindowgeometry"), 1},
        {QStringLiteral("-qwindowtitle"), 1},
        {QStringLiteral("-style"), 1},
        {QStringLiteral("-stylesheet"), 1},
        {QStringLiteral("-display"), 1},
        {QStringLiteral("-reverse"), 0},
    };
    return options;
}

Invocation usageError(const QString& problem)
{
    Invocation inv;
    inv.mode = Invocation::Mode::UsageError;
    inv.message =
        QStringLiteral("%1: %2\nTry '%1 --help' for more information.\n").arg(QLatin1String(kAppName), problem);
    return inv;
}

} // namespace

QString helpText()
{
    return QStringLiteral("Usage: %1 [options]\n"
                          "\n"
                          "%2, an operator console for Twilio voice calls.\n"
                          "Without options it opens the main window.\n"
                          "\n"
                          "Options:\n"
                          "  -h, --help        Show this help and exit.\n"
                          "  -v, --version     Show the version and exit.\n"
                          "\n"
                          "Qt's own options (-platform NAME, -style NAME, ...) are passed to Qt.\n"
                          "\n"
                          "Exit codes: 0 success, 1 failure, 2 usage error.\n")
        .arg(QLatin1String(kAppName), QLatin1String(kDisplayName));
}

QString versionText()
{
    return QStringLiteral("%1 %2 (Qt %3)\n")
        .arg(QLatin1String(kAppName), QLatin1String(kVersion), QLatin1String(qVersion()));
}

Invocation parse(const QStringList& arguments)
{
    Invocation inv;
    inv.qtArguments << (arguments.isEmpty() ? QLatin1String(kAppName) : arguments.first());
    bool help = false;
    bool version = false;
    for (qsizetype i = 1; i < arguments.size(); ++i) {
        const QString& arg = arguments.at(i);
        if (arg == QLatin1String("-h") || arg == QLatin1String("--help")) {
            help = true;
        } else if (arg == QLatin1String("-v") || arg == QLatin1String("--version")) {
            version = true;
        } else if (auto it = qtOptions().constFind(arg); it != qtOptions().constEnd()) {
            inv.qtArguments << arg;
            if (*it == 1) {
                if (i + 1 >= arguments.size())
                    return usageError(QStringLiteral("option '%1' needs a value").arg(arg));
                inv.qtArguments << arguments.at(++i);
            }
        } else if (arg.startsWith(QLatin1Char('-'))) {
            return usageError(QStringLiteral("unknown option '%1'").arg(arg));
        } else {
            return usageError(QStringLiteral("unknown command '%1'").arg(arg));
        }
    }
    if (help) {
        inv.mode = Invocation::Mode::Help;
        inv.message = helpText();
    } else if (version) {
        inv.mode = Invocation::Mode::Version;
        inv.message = versionText();
    }
    return inv;
}

} // namespace sb::cli
