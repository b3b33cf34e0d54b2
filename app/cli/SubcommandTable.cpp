// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/SubcommandTable.h"

namespace sb::cli {

// Each command declares its entry function here; add one line per command.
int runCredentialsCommand(const QStringList& arguments);
int runWebhooksCommand(const QStringList& arguments);
int runSimulateCommand(const QStringList& arguments);

const QList<SubcommandEntry>& subcommandTable()
{
    static const QList<SubcommandEntry> table{
        {"credentials", &runCredentialsCommand},
        {"webhooks", &runWebhooksCommand},
        {"simulate", &runSimulateCommand},
    };
    return table;
}

} // namespace sb::cli
