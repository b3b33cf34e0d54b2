// SPDX-License-Identifier: GPL-3.0-or-later
// Dispatch of the subcommands that parse their own arguments. Each lives in its own file:
// <Name>Command.cpp with `int run<Name>Command(const QStringList& arguments)`.
#include "cli/Commands.h"
#include "cli/SubcommandTable.h"
#include "common/Version.h"
#include "restapi/ServeApi.h"

#include <cstdio>

namespace sb::cli {

int runSubcommand(const Invocation& invocation)
{
    // `simulate --serve-api`: the local stand-in for Twilio's REST API (recordings, calls, numbers).
    if (invocation.subcommand == QLatin1String("simulate") &&
        invocation.subcommandArguments.contains(QStringLiteral("--serve-api")))
        return restapi::runServeApi(invocation.subcommandArguments);
    for (const SubcommandEntry& entry : subcommandTable()) {
        if (invocation.subcommand == QLatin1String(entry.name))
            return entry.run(invocation.subcommandArguments);
    }
    const QByteArray message = QStringLiteral("%1: '%2' is not available in this build\n")
                                   .arg(QLatin1String(kAppName), invocation.subcommand)
                                   .toLocal8Bit();
    std::fputs(message.constData(), stderr);
    return kExitUsage;
}

} // namespace sb::cli
