// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QStringList>

namespace sb::cli {

/// One delegated subcommand: `switchboard <name> ...`. `run` gets the arguments after the name,
/// prints its own help for --help, and returns an exit code (0 ok, 1 failure, 2 usage).
struct SubcommandEntry
{
    const char* name;
    int (*run)(const QStringList& arguments);
};

/// Every delegated subcommand built into this binary (SubcommandTable.cpp).
const QList<SubcommandEntry>& subcommandTable();

} // namespace sb::cli
