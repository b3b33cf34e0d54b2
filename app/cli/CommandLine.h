// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cli/Output.h"

#include <QHostAddress>
#include <QString>
#include <QStringList>

namespace sb::cli {

/// Options shared by the window and --headless.
struct CoreArguments
{
    QString dataDir; ///< empty: the platform's app data folder
    QHostAddress bind = QHostAddress::LocalHost;
    quint16 port = 8080;
    QString publicUrl;
    QString flow;
    bool skipSignatureCheck = false;
    bool authTokenFromStdin = false;
    double requestsPerSecond = 50;
    QString tunnel;           ///< --tunnel SPEC
    QString tunnelUrlPattern; ///< --tunnel-url-pattern RE
    QString behindProxy;      ///< --behind-proxy HEADER
    QString updateNumber;     ///< --update-number PN…|+E164
    bool restoreNumberOnExit = false;
    QString accountSid;              ///< --account-sid (else the active credentials profile's)
    QString apiBase;                 ///< --api-base (else the profile's, else https://api.twilio.com)
    int reconcileAfterSeconds = 120; ///< --reconcile-after SECONDS
    bool autoListen = false;         ///< --auto-listen
};

/// What the process should do, decided from argv before any Q*Application exists, so that
/// `--help`, `--version` and usage errors work without a display.
struct Invocation
{
    enum class Mode { Gui, Headless, Subcommand, Help, Version, UsageError };
    Mode mode = Mode::Gui;
    QString message;         ///< help/version text (stdout) or the usage error (stderr)
    QStringList qtArguments; ///< argv to hand to QApplication (program name plus Qt's own options)
    CoreArguments core;
    QString subcommand;              ///< Mode::Subcommand: a name of SubcommandTable.h
    QStringList subcommandArguments; ///< everything after the subcommand's name, unparsed
};

/// Parses the full argument vector (argv[0] included). A subcommand's name must come first
/// (`switchboard calls list --data-dir DIR`); its arguments are left to the subcommand.
Invocation parse(const QStringList& arguments);

QString helpText();
QString versionText();

/// The data folder to use: `requested` if given, else the platform's (e.g.
/// ~/.local/share/switchboard).
QString resolveDataDir(const QString& requested);

} // namespace sb::cli
