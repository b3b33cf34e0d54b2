// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "calls/Flow.h"

#include <QList>
#include <QMap>

namespace sb::calls {

/// The flows a user can choose from: built-ins compiled into the binary (`:/flows/*.json`) and the
/// user's own files in a folder (`<data-dir>/flows/*.json`), which override built-ins of the same
/// name. A file that does not validate is reported, never half-loaded. Plain value type.
class FlowLibrary
{
public:
    /// Loads built-ins plus every `*.json` in `userFolder` (may be empty or missing).
    static FlowLibrary load(const QString& userFolder = QString());

    const QMap<QString, Flow>& flows() const { return m_flows; }
    const QList<Error>& problems() const { return m_problems; }
    const Flow* find(const QString& name) const;
    QStringList names() const { return m_flows.keys(); }

    /// The demo flow (`appointment`), always available.
    static constexpr const char* kDefaultFlow = "appointment";

private:
    QMap<QString, Flow> m_flows;
    QList<Error> m_problems;
};

} // namespace sb::calls
