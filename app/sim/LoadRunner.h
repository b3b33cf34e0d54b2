// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "sim/CallDriver.h"

#include <QElapsedTimer>
#include <QObject>
#include <vector>

namespace sb::sim {

/// Load mode: `calls` concurrent simulated calls, started `staggerMs` apart, each a CallDriver
/// made from one template (every call gets its own random CallSid). For soak and benchmark runs.
/// Lives on the thread that created it; all calls share its event loop.
class LoadRunner : public QObject
{
    Q_OBJECT

public:
    LoadRunner(CallConfig callTemplate, int calls, int staggerMs, QObject* parent = nullptr);
    ~LoadRunner() override;

    void start();
    /// Every running call hangs up.
    void hangUpAll();
    bool isFinished() const { return m_finished; }
    const LoadReport& report() const { return m_report; }

    /// Runs in a local event loop until every call has finished (or `wallTimeoutMs` passes).
    static LoadReport run(CallConfig callTemplate, int calls, int staggerMs, int wallTimeoutMs = 600000);

signals:
    void callFinished(const sb::sim::CallReport& report);
    void finished(const sb::sim::LoadReport& report);

private:
    void startOne(int index);
    void onCallFinished(int index, const CallReport& report);

    CallConfig m_template;
    int m_calls;
    int m_staggerMs;
    std::vector<CallDriver*> m_drivers;
    std::vector<bool> m_done;
    LoadReport m_report;
    QElapsedTimer m_wall;
    int m_finishedCount = 0;
    bool m_finished = false;
};

} // namespace sb::sim
