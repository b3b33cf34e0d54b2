// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QStringList>

namespace sb::cli {

/// One subcommand: `switchboard <name> [<flag>] ...`. `run` gets every argument after the name
/// (the flag included), prints its own help for --help, and returns an exit code (0 ok, 1
/// failure with a one-line reason on stderr, 2 usage). Each lives in `<Name>Command.cpp`.
struct SubcommandEntry
{
    const char* name;
    /// Empty: the entry takes every invocation of `name`. Otherwise only those whose arguments
    /// contain this flag (`simulate --serve-api`); such entries come before the plain one.
    const char* flag;
    int (*run)(const QStringList& arguments);
};

/// Every subcommand built into this binary, in dispatch order (SubcommandTable.cpp).
const QList<SubcommandEntry>& subcommandTable();

/// The entry that runs `name` with `arguments`, or null.
const SubcommandEntry* findSubcommand(const QString& name, const QStringList& arguments);

/// The distinct subcommand names (what the top-level parser hands over unparsed).
QStringList subcommandNames();

} // namespace sb::cli
