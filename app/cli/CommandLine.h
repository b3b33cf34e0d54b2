// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QStringList>

namespace sb::cli {

/// Exit codes shared by every subcommand (see README "Command line").
enum ExitCode : int {
    kExitOk = 0,
    kExitFailure = 1,
    kExitUsage = 2,
};

/// What the process should do, decided from argv before any Q*Application exists, so that
/// `--help`, `--version` and usage errors work without a display.
struct Invocation
{
    enum class Mode { Gui, Help, Version, UsageError };
    Mode mode = Mode::Gui;
    QString message;         ///< help/version text (stdout) or the usage error (stderr)
    QStringList qtArguments; ///< argv to hand to QApplication (program name plus Qt's own options)
};

/// Parses the full argument vector (argv[0] included).
Invocation parse(const QStringList& arguments);

QString helpText();
QString versionText();

} // namespace sb::cli
