// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/SubcommandTable.h"

#include "cli/Commands.h"
#include "cli/Output.h"

namespace sb::cli {

// Each command declares its entry function here; add one line per command (README "Hacking").
int runCallsCommand(const QStringList& arguments);
int runCredentialsCommand(const QStringList& arguments);
int runWebhooksCommand(const QStringList& arguments);
int runSimulateCommand(const QStringList& arguments);
int runServeApiCommand(const QStringList& arguments);

const QList<SubcommandEntry>& subcommandTable()
{
    static const QList<SubcommandEntry> table{
        {"calls", "", &runCallsCommand},
        {"webhooks", "", &runWebhooksCommand},
        {"credentials", "", &runCredentialsCommand},
        {"simulate", "--serve-api", &runServeApiCommand},
        {"simulate", "", &runSimulateCommand},
    };
    return table;
}

const SubcommandEntry* findSubcommand(const QString& name, const QStringList& arguments)
{
    for (const SubcommandEntry& entry : subcommandTable()) {
        if (name != QLatin1String(entry.name))
            continue;
        if (*entry.flag == '\0' || arguments.contains(QLatin1String(entry.flag)))
            return &entry;
    }
    return nullptr;
}

QStringList subcommandNames()
{
    QStringList names;
    for (const SubcommandEntry& entry : subcommandTable()) {
        if (!names.contains(QLatin1String(entry.name)))
            names << QLatin1String(entry.name);
    }
    return names;
}

int runSubcommand(const Invocation& invocation)
{
    const SubcommandEntry* entry = findSubcommand(invocation.subcommand, invocation.subcommandArguments);
    if (!entry)
        return usageError({}, QStringLiteral("unknown command '%1'").arg(invocation.subcommand));
    return entry->run(invocation.subcommandArguments);
}

} // namespace sb::cli
