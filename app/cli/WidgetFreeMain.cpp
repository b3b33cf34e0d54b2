// SPDX-License-Identifier: GPL-3.0-or-later
// main() of the widget-free build (cmake -DSB_BUILD_GUI=OFF): --headless and every subcommand,
// no Qt Widgets linked. What a server install wants.
#include "cli/Main.h"
#include "cli/Output.h"

int main(int argc, char* argv[])
{
    sb::cli::Invocation invocation;
    if (const auto code = sb::cli::runWithoutWindow(argc, argv, invocation))
        return *code;
    return sb::cli::usageError({},
                               QStringLiteral("this build has no window (built with SB_BUILD_GUI=OFF): "
                                              "use --headless or a subcommand"));
}
