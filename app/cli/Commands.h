// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "bootstrap/Core.h"
#include "cli/CommandLine.h"

namespace sb::cli {

/// The core's options from the command line (shared by the window and --headless). The token
/// is captured by value in the token source and stays in memory only.
bootstrap::CoreOptions makeCoreOptions(const CoreArguments& arguments, const QByteArray& authToken);

/// Reads the first line of stdin as the auth token (--auth-token-stdin). Empty on failure.
QByteArray readTokenFromStdin();

/// `switchboard --headless ...`: needs a QCoreApplication; returns the exit code.
int runHeadless(const Invocation& invocation);
/// `switchboard calls list|show ...`: reads the history (works while the app runs).
int runCalls(const Invocation& invocation);
/// A delegated subcommand (see delegatedSubcommands()); needs a QCoreApplication.
int runSubcommand(const Invocation& invocation);

} // namespace sb::cli
