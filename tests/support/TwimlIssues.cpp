// SPDX-License-Identifier: GPL-3.0-or-later
#include "TwimlIssues.h"

namespace sb::test {

QList<twilio::TwimlIssue> realTwimlIssues(const QByteArray& twiml)
{
    QList<twilio::TwimlIssue> issues;
    for (const auto& issue : twilio::validateTwiml(twiml)) {
        if (issue.code != twilio::twiml_code::Hint)
            issues.append(issue);
    }
    return issues;
}

} // namespace sb::test
