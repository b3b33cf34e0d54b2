// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/console/ConsoleSession.h"

#include "ui/MainWindow.h"
#include "ui/console/SingleInstance.h"

#include <QCoreApplication>

namespace sb::ui {

ConsoleSession::ConsoleSession(bootstrap::CoreOptions options, QObject* parent)
    : QObject(parent)
    , m_options(std::move(options))
{
}

ConsoleSession::~ConsoleSession()
{
    m_window.reset();
    if (m_core)
        m_core->stop();
}

void ConsoleSession::setDemoCallsRealtime(bool realtime)
{
    m_realtime = realtime;
    if (m_window)
        m_window->setDemoCallsRealtime(realtime);
}

void ConsoleSession::start()
{
    startCore();
}

void ConsoleSession::startCore()
{
    m_core = std::make_unique<bootstrap::Core>(m_options);
    const auto started = m_core->start();
    const QString error = started.ok() ? QString() : started.error().message;
    m_startError = error;
    auto window = std::make_unique<MainWindow>(started.ok() ? m_core.get() : nullptr, error);
    window->setDemoCallsRealtime(m_realtime);
    window->setRestartOptions(m_options);
    if (!m_geometry.isEmpty())
        window->restoreGeometry(m_geometry);
    connect(window.get(), &MainWindow::restartRequested, this, [this](const bootstrap::CoreOptions& next) {
        restartWith(next);
    });
    m_window = std::move(window);
    m_window->show();
    listenForSecondStarts();
}

void ConsoleSession::listenForSecondStarts()
{
    m_instance = std::make_unique<SingleInstance>(m_options.dataDir);
    if (!m_instance->listen())
        return; // another instance owns that folder already: its window answers
    connect(m_instance.get(), &SingleInstance::raiseRequested, this, [this] {
        if (!m_window)
            return;
        m_window->setWindowState((m_window->windowState() & ~Qt::WindowMinimized) | Qt::WindowActive);
        m_window->show();
        m_window->raise();
        m_window->activateWindow();
    });
}

void ConsoleSession::restartWith(bootstrap::CoreOptions options)
{
    if (m_restarting)
        return;
    m_restarting = true;
    m_options = std::move(options);
    m_geometry = m_window ? m_window->saveGeometry() : QByteArray();
    m_instance.reset();
    auto proceed = [this] {
        // The new window is shown before the old one goes, so the application never has no
        // window (which would end it); the old window goes before the core it observes.
        std::unique_ptr<MainWindow> oldWindow = std::move(m_window);
        std::unique_ptr<bootstrap::Core> oldCore = std::move(m_core);
        startCore();
        oldWindow.reset();
        oldCore.reset();
        m_restarting = false;
        emit replaced();
    };
    if (!m_core) {
        proceed();
        return;
    }
    connect(m_core.get(), &bootstrap::Core::stopped, this, proceed, Qt::QueuedConnection);
    m_core->shutdown();
}

void ConsoleSession::shutdown()
{
    if (!m_core) {
        emit finished();
        return;
    }
    connect(m_core.get(), &bootstrap::Core::stopped, this, &ConsoleSession::finished, Qt::UniqueConnection);
    m_core->shutdown();
}

} // namespace sb::ui
