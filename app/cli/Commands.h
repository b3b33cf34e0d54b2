// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cli/CommandLine.h"

namespace sb::cli {

/// `switchboard --headless ...`: needs a QCoreApplication; returns the exit code.
int runHeadless(const Invocation& invocation);
/// `switchboard calls list|show ...`: reads the history (works while the app runs).
int runCalls(const Invocation& invocation);
/// A delegated subcommand (see delegatedSubcommands()); needs a QCoreApplication.
int runSubcommand(const Invocation& invocation);

} // namespace sb::cli
