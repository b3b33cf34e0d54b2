// SPDX-License-Identifier: GPL-3.0-or-later
#include "tunnel/TunnelSupervisor.h"

#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QProcessEnvironment>
#include <QStandardPaths>
#include <algorithm>

namespace sb::tunnel {

namespace {
constexpr qsizetype kMaxLineBytes = 64 * 1024;

QProcessEnvironment scrubbedEnvironment(const QStringList& scrub)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    const QStringList keys = env.keys();
    for (const QString& key : keys) {
        for (const QString& rule : scrub) {
            const bool prefix = rule.endsWith(QLatin1Char('*'));
            if (prefix ? key.startsWith(rule.chopped(1)) : key == rule) {
                env.remove(key);
                break;
            }
        }
    }
    return env;
}

QString resolveProgram(const QString& program)
{
    if (program.contains(QLatin1Char('/'))) {
        const QFileInfo fi(program);
        return fi.isFile() && fi.isExecutable() ? fi.absoluteFilePath() : QString();
    }
    return QStandardPaths::findExecutable(program);
}

QString seconds(int ms)
{
    return ms % 1000 == 0 ? QString::number(ms / 1000) : QString::number(ms / 1000.0, 'f', 1);
}
} // namespace

QString stateName(TunnelState state)
{
    switch (state) {
    case TunnelState::Stopped:
        return QStringLiteral("stopped");
    case TunnelState::Starting:
        return QStringLiteral("starting");
    case TunnelState::WaitingForUrl:
        return QStringLiteral("waiting-for-url");
    case TunnelState::Up:
        return QStringLiteral("up");
    case TunnelState::Unhealthy:
        return QStringLiteral("unhealthy");
    case TunnelState::Restarting:
        return QStringLiteral("restarting");
    }
    return QStringLiteral("unknown");
}

QString describeStatus(const TunnelStatus& status)
{
    QString s = stateName(status.state);
    if (status.state == TunnelState::Up)
        s += QLatin1Char(' ') + status.publicUrl;
    if (status.state == TunnelState::Restarting)
        s += QStringLiteral(" in %1 s").arg(seconds(status.restartInMs));
    if (!status.reason.isEmpty())
        s += QStringLiteral(" (") + status.reason + QLatin1Char(')');
    return s;
}

TunnelSupervisor::TunnelSupervisor(TunnelConfig config, QObject* parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_nam(new QNetworkAccessManager(this))
{
    qRegisterMetaType<sb::tunnel::TunnelState>();
    m_restartTimer.setSingleShot(true);
    m_urlTimer.setSingleShot(true);
    m_healthTimer.setSingleShot(true);
    connect(&m_restartTimer, &QTimer::timeout, this, &TunnelSupervisor::launch);
    connect(&m_urlTimer, &QTimer::timeout, this, [this] {
        emit logLine(
            QStringLiteral("tunnel: no public URL after %1 s; killing it").arg(seconds(m_config.urlTimeoutMs)));
        retireProcess();
        scheduleRestart(QStringLiteral("no public URL within %1 s").arg(seconds(m_config.urlTimeoutMs)));
    });
    connect(&m_apiTimer, &QTimer::timeout, this, &TunnelSupervisor::pollNgrokApi);
    connect(&m_healthTimer, &QTimer::timeout, this, &TunnelSupervisor::runHealthCheck);
}

TunnelSupervisor::~TunnelSupervisor()
{
    // Includes processes retired but not yet finished: never leave a tunnel running.
    const auto processes = findChildren<QProcess*>(Qt::FindDirectChildrenOnly);
    for (QProcess* p : processes) {
        p->disconnect(this);
        if (p->state() != QProcess::NotRunning) {
            p->kill();
            p->waitForFinished(2000);
        }
    }
}

qint64 TunnelSupervisor::processId() const
{
    return m_process ? m_process->processId() : 0;
}

void TunnelSupervisor::setState(TunnelState state, const QString& reason, int restartInMs)
{
    if (m_status.state == state && m_status.reason == reason && m_status.restartInMs == restartInMs)
        return;
    m_status.state = state;
    m_status.reason = reason;
    m_status.restartInMs = restartInMs;
    emit logLine(QStringLiteral("tunnel: ") + describeStatus(m_status));
    emit stateChanged(state, reason);
}

void TunnelSupervisor::start()
{
    if (m_running)
        return;
    m_running = true;
    m_backoffMs = std::max(1, m_config.initialBackoffMs);
    m_status.restarts = 0;
    m_healthFailures = 0;
    switch (m_config.kind) {
    case TunnelConfig::Kind::None:
        m_running = false;
        setState(TunnelState::Stopped, QStringLiteral("no tunnel configured"));
        return;
    case TunnelConfig::Kind::FixedUrl: {
        const Result<QString> url = normalisePublicUrl(m_config.fixedUrl);
        if (!url) {
            m_running = false;
            setState(TunnelState::Stopped, url.error().message);
            return;
        }
        foundUrl(url.value(), QStringLiteral("fixed"));
        return;
    }
    default:
        launch();
    }
}

void TunnelSupervisor::stop()
{
    const bool wasRunning = m_running;
    m_running = false;
    m_restartTimer.stop();
    m_urlTimer.stop();
    m_apiTimer.stop();
    m_healthTimer.stop();
    cancelReply(m_apiReply);
    cancelReply(m_healthReply);
    retireProcess();
    if (wasRunning || m_status.state != TunnelState::Stopped)
        setState(TunnelState::Stopped, QStringLiteral("stopped"));
}

void TunnelSupervisor::launch()
{
    if (!m_running)
        return;
    const QString program = resolveProgram(m_config.program);
    if (program.isEmpty()) {
        // Retrying cannot help until someone installs it.
        m_running = false;
        setState(TunnelState::Stopped,
                 QStringLiteral("tunnel program \"%1\" not found or not executable").arg(m_config.program));
        return;
    }
    if (m_process)
        retireProcess();
    m_partial[0].clear();
    m_partial[1].clear();
    m_apiBase = m_config.kind == TunnelConfig::Kind::Ngrok ? m_config.ngrokApi : QUrl();

    auto* p = new QProcess(this);
    m_process = p;
    p->setProgram(program);
    p->setArguments(m_config.arguments);
    p->setProcessEnvironment(scrubbedEnvironment(m_config.scrubEnvironment));
    p->setProcessChannelMode(QProcess::SeparateChannels);
    p->setInputChannelMode(QProcess::ManagedInputChannel);
    connect(p, &QProcess::started, this, &TunnelSupervisor::onStarted);
    connect(p, &QProcess::errorOccurred, this, &TunnelSupervisor::onErrorOccurred);
    connect(p, &QProcess::finished, this, &TunnelSupervisor::onFinished);
    connect(p, &QProcess::readyReadStandardOutput, this, [this] { readChannel(QProcess::StandardOutput); });
    connect(p, &QProcess::readyReadStandardError, this, [this] { readChannel(QProcess::StandardError); });
    setState(TunnelState::Starting,
             m_status.restarts == 0
                 ? QStringLiteral("starting %1").arg(QFileInfo(program).fileName())
                 : QStringLiteral("restart %1 of %2").arg(m_status.restarts).arg(QFileInfo(program).fileName()));
    p->start();
    if (m_process == p)
        p->closeWriteChannel();
}

void TunnelSupervisor::onStarted()
{
    if (!m_process || sender() != m_process.data())
        return;
    setState(TunnelState::WaitingForUrl, QStringLiteral("pid %1").arg(m_process->processId()));
    if (m_config.urlTimeoutMs > 0)
        m_urlTimer.start(m_config.urlTimeoutMs);
    if (m_apiBase.isValid() && m_config.ngrokApiPollMs > 0)
        m_apiTimer.start(m_config.ngrokApiPollMs);
}

void TunnelSupervisor::onErrorOccurred(QProcess::ProcessError error)
{
    if (!m_process || sender() != m_process.data() || error != QProcess::FailedToStart)
        return; // crashes arrive through finished()
    const QString why = QStringLiteral("cannot start: ") + m_process->errorString();
    retireProcess();
    scheduleRestart(why);
}

void TunnelSupervisor::onFinished(int exitCode, QProcess::ExitStatus status)
{
    if (!m_process || sender() != m_process.data())
        return;
    readChannel(QProcess::StandardOutput);
    readChannel(QProcess::StandardError);
    for (QByteArray& rest : m_partial) {
        if (!rest.isEmpty())
            handleLine(QString::fromUtf8(rest).trimmed());
        rest.clear();
    }
    QString why = status == QProcess::CrashExit ? QStringLiteral("tunnel program crashed")
                                                : QStringLiteral("tunnel program exited with code %1").arg(exitCode);
    m_process->deleteLater();
    m_process = nullptr;
    scheduleRestart(why);
}

void TunnelSupervisor::readChannel(QProcess::ProcessChannel channel)
{
    if (!m_process)
        return;
    const int idx = channel == QProcess::StandardOutput ? 0 : 1;
    m_process->setReadChannel(channel);
    QByteArray& buf = m_partial[idx];
    buf += m_process->readAll();
    qsizetype nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
        const QByteArray line = buf.left(nl);
        buf.remove(0, nl + 1);
        handleLine(QString::fromUtf8(line).trimmed());
        if (!m_process)
            return; // handling the line restarted the tunnel
    }
    if (buf.size() > kMaxLineBytes) {
        handleLine(QString::fromUtf8(buf.left(kMaxLineBytes)));
        buf.clear();
    }
}

void TunnelSupervisor::handleLine(const QString& line)
{
    if (line.isEmpty())
        return;
    emit logLine(line);
    if (m_config.kind == TunnelConfig::Kind::Ngrok) {
        const QUrl web = ngrokWebAddress(line);
        if (web.isValid() && m_config.ngrokApi.isValid() && web != m_apiBase) {
            m_apiBase = web;
            emit logLine(QStringLiteral("tunnel: ngrok API at ") + web.toString());
        }
    }
    const QString url = matchUrl(m_config.urlPattern, line);
    if (!url.isEmpty())
        foundUrl(url, QStringLiteral("output"));
}

void TunnelSupervisor::foundUrl(const QString& raw, const QString& source)
{
    if (!m_running)
        return;
    const Result<QString> url = normalisePublicUrl(raw);
    if (!url) {
        emit logLine(QStringLiteral("tunnel: ignoring ") + url.error().message);
        return;
    }
    m_urlTimer.stop();
    m_apiTimer.stop();
    const bool changed = url.value() != m_status.publicUrl;
    if (changed) {
        m_status.publicUrl = url.value();
        emit publicUrlChanged(m_status.publicUrl);
    }
    const bool wasUp = m_status.state == TunnelState::Up || m_status.state == TunnelState::Unhealthy;
    if (!wasUp || changed) {
        if (!wasUp)
            m_upSince.start();
        m_healthFailures = 0;
        setState(
            TunnelState::Up,
            (wasUp ? QStringLiteral("public URL changed (%1)") : QStringLiteral("public URL from %1")).arg(source));
        if (m_config.healthIntervalMs > 0) {
            cancelReply(m_healthReply);
            m_healthTimer.start(std::max(0, m_config.healthFirstDelayMs));
        }
    }
}

void TunnelSupervisor::scheduleRestart(const QString& why)
{
    m_urlTimer.stop();
    m_apiTimer.stop();
    m_healthTimer.stop();
    cancelReply(m_apiReply);
    cancelReply(m_healthReply);
    if (!m_running)
        return;
    if (m_upSince.isValid() && m_upSince.elapsed() >= m_config.stableAfterMs)
        m_backoffMs = std::max(1, m_config.initialBackoffMs);
    m_upSince.invalidate();
    const int delay = std::min(m_backoffMs, std::max(1, m_config.maxBackoffMs));
    m_backoffMs = std::min(m_backoffMs * 2, std::max(1, m_config.maxBackoffMs));
    ++m_status.restarts;
    setState(TunnelState::Restarting, why, delay);
    m_restartTimer.start(delay);
}

void TunnelSupervisor::retireProcess()
{
    QProcess* p = m_process.data();
    m_process = nullptr;
    if (!p)
        return;
    p->disconnect(this);
    if (p->state() == QProcess::NotRunning) {
        p->deleteLater();
        return;
    }
    connect(p, &QProcess::finished, p, &QObject::deleteLater);
    p->terminate();
    QTimer::singleShot(std::max(0, m_config.terminateGraceMs), p, [p] {
        if (p->state() != QProcess::NotRunning)
            p->kill();
    });
}

void TunnelSupervisor::cancelReply(QPointer<QNetworkReply>& reply)
{
    if (!reply)
        return;
    QNetworkReply* r = reply.data();
    reply = nullptr;
    r->disconnect(this);
    r->abort();
    r->deleteLater();
}

void TunnelSupervisor::pollNgrokApi()
{
    if (m_apiReply || !m_apiBase.isValid())
        return;
    QUrl url = m_apiBase;
    url.setPath(QStringLiteral("/api/tunnels"));
    QNetworkRequest req(url);
    req.setTransferTimeout(std::max(500, m_config.ngrokApiPollMs * 2));
    req.setRawHeader("Accept", "application/json");
    QNetworkReply* reply = m_nam->get(req);
    m_apiReply = reply;
    connect(reply, &QNetworkReply::finished, this, [this, reply] {
        reply->deleteLater();
        m_apiReply = nullptr;
        if (reply->error() != QNetworkReply::NoError)
            return; // not listening yet; keep polling
        const QString found = ngrokApiPublicUrl(reply->readAll(), m_config.localPort);
        if (!found.isEmpty() && m_status.state == TunnelState::WaitingForUrl)
            foundUrl(found, QStringLiteral("ngrok API"));
    });
}

void TunnelSupervisor::runHealthCheck()
{
    if (!m_running || m_status.publicUrl.isEmpty() || m_healthReply)
        return;
    QNetworkRequest req(QUrl(m_status.publicUrl + QStringLiteral("/health")));
    req.setTransferTimeout(std::max(100, m_config.healthTimeoutMs));
    req.setRawHeader("Accept", "application/json");
    req.setRawHeader("User-Agent", "Switchboard-tunnel-health");
    QNetworkReply* reply = m_nam->get(req);
    m_healthReply = reply;
    const QString checkedUrl = m_status.publicUrl;
    connect(reply, &QNetworkReply::finished, this, [this, reply, checkedUrl] {
        reply->deleteLater();
        m_healthReply = nullptr;
        if (checkedUrl != m_status.publicUrl)
            return; // URL changed meanwhile; a new check is scheduled
        const int code = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (code == 0) {
            healthResult(false, QStringLiteral("GET /health: ") + reply->errorString());
            return;
        }
        if (code != 200) {
            healthResult(false, QStringLiteral("GET /health: HTTP %1").arg(code));
            return;
        }
        const QJsonObject body = QJsonDocument::fromJson(reply->read(4096)).object();
        if (body.value(QLatin1String("status")).toString() != QLatin1String("ok")) {
            healthResult(false, QStringLiteral("GET /health: not our listener (no {\"status\":\"ok\"})"));
            return;
        }
        healthResult(true, {});
    });
}

void TunnelSupervisor::healthResult(bool ok, const QString& reason)
{
    emit healthChecked(ok, reason);
    if (!m_running)
        return;
    if (ok) {
        m_healthFailures = 0;
        if (m_status.state == TunnelState::Unhealthy)
            setState(TunnelState::Up, QStringLiteral("health check ok again"));
    } else {
        ++m_healthFailures;
        if (m_status.state == TunnelState::Up || m_status.state == TunnelState::Unhealthy)
            setState(TunnelState::Unhealthy, QStringLiteral("%1 (%2 in a row)").arg(reason).arg(m_healthFailures));
        if (m_config.supervisesProcess() && m_config.unhealthyRestartAfter > 0 &&
            m_healthFailures >= m_config.unhealthyRestartAfter) {
            m_healthFailures = 0;
            retireProcess();
            scheduleRestart(QStringLiteral("unhealthy: ") + reason);
            return;
        }
    }
    if (m_status.state == TunnelState::Up || m_status.state == TunnelState::Unhealthy)
        m_healthTimer.start(m_config.healthIntervalMs);
}

} // namespace sb::tunnel
