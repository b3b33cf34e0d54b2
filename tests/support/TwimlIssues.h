// SPDX-License-Identifier: GPL-3.0-or-later
// Test support: the TwiML problems Twilio itself would report.
#pragma once

#include "twilio/TwimlParser.h"

namespace sb::test {

/// Errors and warnings Twilio would report for `twiml`; editor hints (code 0) are not problems.
inline QList<twilio::TwimlIssue> realTwimlIssues(const QByteArray& twiml)
{
    QList<twilio::TwimlIssue> issues;
    for (const auto& issue : twilio::validateTwiml(twiml)) {
        if (issue.code != twilio::twiml_code::Hint)
            issues.append(issue);
    }
    return issues;
}

} // namespace sb::test
