// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cli/CommandLine.h"

#include <optional>

namespace sb::cli {

/// Everything main() does that needs no window, shared by the GUI build's main (ui/main.cpp) and
/// the widget-free build's (WidgetFreeMain.cpp): parses argv; prints help, the version or a usage
/// error; runs --headless and every subcommand under a QCoreApplication (no display needed).
/// Returns the exit code, or nullopt when the invocation asks for the window (`invocation` then
/// holds the parsed options and the arguments meant for QApplication).
std::optional<int> runWithoutWindow(int argc, char** argv, Invocation& invocation);

} // namespace sb::cli
