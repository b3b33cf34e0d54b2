// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/Result.h"

#include <QByteArray>
#include <QStringList>

namespace sb::bootstrap {

/// TwiML in words: what a caller hears and what Twilio does, one verb a line, in document order
/// ("Says 'Welcome' (voice alice)", "Plays https://…", "Gathers 1 digit for 5 s, then posts
/// them to …", "Streams both tracks to wss://… in the background", "Records up to 60 s…",
/// "Hangs up"). Nested prompts of `<Gather>` are part of its line; nouns of `<Start>`,
/// `<Connect>` and `<Stop>` get a line each. Verbs Twilio never reaches (after `<Hangup>`,
/// `<Record>`, `<Redirect>`, ...) are left out, and a document that runs out of verbs ends with
/// "Hangs up (no more verbs)". Error: the document-level error Twilio would fail the call with
/// (12100 / 11750). Pure and reentrant.
Result<QStringList> describeTwiml(const QByteArray& twiml);

} // namespace sb::bootstrap
