// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QStringList>

namespace sb::restapi {

/// `switchboard simulate --serve-api [options]`: serves the local stand-in for Twilio's REST API
/// until SIGINT/SIGTERM (exit 0). `arguments` are the options (a leading `--serve-api` and any
/// program/subcommand names before the first option are ignored):
///
///     --account-sid AC…      the account (required)
///     --auth-token-stdin     read the auth token from the first line of stdin (required; never
///                            argv or the environment)
///     --api-key-sid SK…      also accept this API key; its secret is the second line of stdin
///     --port N               default 0 (any free port)
///     --bind ADDR            default 127.0.0.1
///     --seed FILE            seed JSON (see RestApiSeed.h); repeatable
///     --seed-dir DIR         every *.wav becomes a call with a recording; repeatable
///     --phone-number E164    add an incoming phone number; repeatable
///     --public-url URL       scheme+host for media_url (default http://ADDR:PORT)
///     --sox PATH             the sox program for MP3 (default: sox)
///     --no-media-auth        serve recording media without HTTP Basic auth
///
/// Prints `serving Twilio REST API on http://127.0.0.1:PORT` on stdout when ready, then one line
/// per request. Exit codes: 0 clean stop, 1 failure (one-line reason on stderr), 2 usage error.
/// Needs a QCoreApplication; runs its event loop on the calling (main) thread.
int runServeApi(const QStringList& arguments);

} // namespace sb::restapi
