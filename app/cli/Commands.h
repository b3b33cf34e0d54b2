// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cli/CommandLine.h"

namespace sb::cli {

/// `switchboard --headless ...`: needs a QCoreApplication; returns the exit code.
int runHeadless(const Invocation& invocation);
/// A subcommand (Invocation::Mode::Subcommand) through the one table (SubcommandTable.h); needs
/// a QCoreApplication. Returns the exit code.
int runSubcommand(const Invocation& invocation);

} // namespace sb::cli
