// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cli/CommandLine.h"

namespace sb::listen {
class LivePlayback;
}

namespace sb::cli {

/// `switchboard --headless ...`: needs a QCoreApplication; returns the exit code.
int runHeadless(const Invocation& invocation);
/// A subcommand (Invocation::Mode::Subcommand) through the one table (SubcommandTable.h); needs
/// a QCoreApplication. Returns the exit code.
int runSubcommand(const Invocation& invocation);
/// Logs what live listening does, one stdout line each ("audio: listening to CA…", "audio:
/// playing on \"DEVICE\" (FORMAT)", "audio: output closed", "audio: error: REASON"): headless
/// mode and the window with --auto-listen.
void logPlayback(listen::LivePlayback& playback);

} // namespace sb::cli
