// SPDX-License-Identifier: GPL-3.0-or-later
#include "sim/LoadRunner.h"

#include <QEventLoop>
#include <QTimer>

namespace sb::sim {

LoadRunner::LoadRunner(CallConfig callTemplate, int calls, int staggerMs, QObject* parent)
    : QObject(parent)
    , m_template(std::move(callTemplate))
    , m_calls(std::max(1, calls))
    , m_staggerMs(std::max(0, staggerMs))
{
    m_drivers.assign(size_t(m_calls), nullptr);
    m_done.assign(size_t(m_calls), false);
    m_report.calls = m_calls;
    m_report.reports.resize(m_calls);
}

LoadRunner::~LoadRunner() = default;

void LoadRunner::start()
{
    m_wall.start();
    for (int i = 0; i < m_calls; ++i) {
        if (i == 0 || m_staggerMs == 0)
            startOne(i);
        else
            QTimer::singleShot(i * m_staggerMs, this, [this, i] { startOne(i); });
    }
}

void LoadRunner::startOne(int index)
{
    if (m_finished || m_drivers[size_t(index)])
        return;
    CallConfig config = m_template;
    if (m_calls > 1)
        config.callSid.clear();
    auto* driver = new CallDriver(config, this);
    m_drivers[size_t(index)] = driver;
    connect(driver, &CallDriver::finished, this, [this, index](const CallReport& r) { onCallFinished(index, r); });
    driver->start();
}

void LoadRunner::onCallFinished(int index, const CallReport& report)
{
    if (m_done[size_t(index)])
        return;
    m_done[size_t(index)] = true;
    m_report.reports[index] = report;
    if (report.ok())
        ++m_report.succeeded;
    else
        ++m_report.failed;
    emit callFinished(report);
    if (++m_finishedCount == m_calls) {
        m_finished = true;
        m_report.wallMs = m_wall.elapsed();
        emit finished(m_report);
    }
}

void LoadRunner::hangUpAll()
{
    for (int i = 0; i < m_calls; ++i) {
        if (!m_drivers[size_t(i)]) {
            // never started: counts as a call the caller abandoned
            CallReport r;
            r.url = m_template.url;
            r.finalStatus = QStringLiteral("canceled");
            r.issues.append(SimIssue{0, true, QStringLiteral("not started before the run was stopped"), {}, 0});
            m_drivers[size_t(i)] = nullptr;
            onCallFinished(i, r);
        } else {
            m_drivers[size_t(i)]->hangUp();
        }
    }
}

LoadReport LoadRunner::run(CallConfig callTemplate, int calls, int staggerMs, int wallTimeoutMs)
{
    LoadRunner runner(std::move(callTemplate), calls, staggerMs);
    QEventLoop loop;
    QObject::connect(&runner, &LoadRunner::finished, &loop, &QEventLoop::quit);
    QTimer guard;
    guard.setSingleShot(true);
    QObject::connect(&guard, &QTimer::timeout, &runner, &LoadRunner::hangUpAll);
    guard.start(wallTimeoutMs);
    runner.start();
    if (!runner.isFinished())
        loop.exec();
    return runner.report();
}

} // namespace sb::sim
