// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QLatin1String>
#include <QString>

namespace sb::cli {

/// Exit codes shared by every subcommand (see README "Command line").
enum ExitCode : int {
    kExitOk = 0,
    kExitFailure = 1,
    kExitUsage = 2,
};

/// How every command talks to its user. Results go to stdout, reasons to stderr, each write is
/// UTF-8 and flushed at once (a script reading a pipe sees a line as soon as it is printed).
///
/// `command` names the subcommand a message comes from ("credentials", "simulate"); empty for
/// the program itself. Messages read `switchboard credentials: REASON`.

/// One line on stdout (the newline is added).
void printLine(const QString& line);
/// Text on stdout exactly as given (help texts end with their own newline).
void printText(const QString& text);
/// One line on stderr (warnings, progress that is not a result).
void printErrorLine(const QString& line);
/// A failure: one line with the reason on stderr. Returns kExitFailure.
int fail(QLatin1String command, const QString& reason);
/// A usage error: the problem and where to find help on stderr. Returns kExitUsage.
int usageError(QLatin1String command, const QString& problem);
/// The line usageError() prints, for parsers that report later (Invocation::message).
QString usageMessage(QLatin1String command, const QString& problem);

} // namespace sb::cli
