// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "storage/Records.h"

#include <QByteArray>

namespace sb::storage {

/// What replaces a secret in the webhook log.
inline constexpr char kRedacted[] = "[redacted]";

/// The name of the TwiML `<Parameter>` that carries a call's stream token (the same name as
/// calls::kCallTokenParameter; storage may not use the call layer, a test checks they agree).
inline constexpr char kStreamTokenParameter[] = "callToken";

/// Headers whose values must never be kept: credentials (Authorization, Proxy-Authorization,
/// Cookie, Set-Cookie) and `X-Twilio-Signature`. A Twilio signature has no time stamp, so whoever
/// reads a stored one can replay that request for as long as the auth token stays the same
/// (app/twilio/PROTOCOL.md §3). Names compare without regard to case.
bool isSecretHeader(const QByteArray& name);

/// The value of every `<Parameter name="callToken" value="..."/>` in a TwiML document replaced
/// by `[redacted]` (either attribute order, either quote). Anything else is returned unchanged,
/// byte for byte, so a body that is not TwiML passes through.
QByteArray redactTwiml(const QByteArray& body);

/// The entry with secret header values (request and response) and stream tokens (request and
/// response bodies) replaced by `[redacted]`. Storage applies it to every entry before it is
/// queued, so nothing secret is stored or announced (webhookStored); HistoryQueries applies it
/// again when reading, so rows written by an older version are never shown with their secrets.
/// Idempotent.
WebhookLogEntry redactWebhookEntry(WebhookLogEntry entry);

} // namespace sb::storage
