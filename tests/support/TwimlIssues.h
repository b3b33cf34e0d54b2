// SPDX-License-Identifier: GPL-3.0-or-later
// Test support: the TwiML problems Twilio itself would report.
#pragma once

#include "twilio/TwimlParser.h"

namespace sb::test {

/// Errors and warnings Twilio would report for `twiml`; editor hints (code 0) are not problems.
QList<twilio::TwimlIssue> realTwimlIssues(const QByteArray& twiml);

} // namespace sb::test
