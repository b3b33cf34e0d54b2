// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "bootstrap/Core.h"
#include "cli/CommandLine.h"
#include "common/Result.h"

#include <QStringList>

namespace sb::cli {

/// How long start-up waits for each keychain job (the auth token, an API key secret). The same
/// for the window and --headless.
inline constexpr int kStartupKeychainTimeoutMs = 10000;

/// Where the listener's auth token came from.
enum class TokenSource {
    Stdin,      ///< --auth-token-stdin
    Keychain,   ///< the active credentials profile
    LocalOnly,  ///< none configured: a random token that lives only in this process
    NotChecked, ///< --insecure-skip-signature-check: no token is read
};

/// Everything the core needs, decided from the command line before anything starts.
struct CoreStartup
{
    bootstrap::CoreOptions options;
    TokenSource tokenSource = TokenSource::LocalOnly;
    /// --auto-listen: play the newest live call on the default output (listen::AutoListen); the
    /// caller sets it up beside the core, window or not.
    bool autoListen = false;
    /// Lines for stderr, each a complete sentence ("warning: ..."): the caller prints them.
    QStringList warnings;
};

/// The one way an invocation becomes core options, used by the window and by --headless, so
/// every documented option means the same with or without a window:
///
/// - the auth token comes from stdin (--auth-token-stdin; an empty line is a failure), else from
///   the active profile in the OS keychain (skipped with --insecure-skip-signature-check); with
///   neither, a random token that never leaves this process signs and checks local demo calls,
///   and a warning says that Twilio's requests will be refused;
/// - --update-number takes its account from --account-sid or the active profile, its REST base
///   from --api-base, the profile, or api.twilio.com, and its secret from the profile's API key
///   or the auth token; anything missing is a failure.
/// - operator actions and reconciliation (CoreOptions::accountSid/apiBase) get the account of
///   --account-sid or the active profile and the same REST base, with the real auth token (stdin
///   or keychain) only: with the local-only token there are no credentials;
/// - --reconcile-after SECONDS becomes CoreOptions::reconcileAfterMs;
/// - --auto-listen becomes CoreStartup::autoListen.
///
/// Failures are one-line reasons for `switchboard: REASON` and exit 1, before any window opens.
/// Needs a QCoreApplication (the keychain answers through its event loop) on the main thread.
/// Secrets read here stay in memory only: the token is captured by the options' token source.
Result<CoreStartup> prepareCoreStartup(const CoreArguments& arguments);

} // namespace sb::cli
