// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "tunnel/TunnelConfig.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QProcess>
#include <QTimer>

class QNetworkAccessManager;
class QNetworkReply;

namespace sb::tunnel {

enum class TunnelState {
    Stopped,       ///< not running (never started, stop() called, or the program cannot be run)
    Starting,      ///< process launched, not yet confirmed running
    WaitingForUrl, ///< running; scanning its output (and ngrok's API) for the public URL
    Up,            ///< public URL known (and healthy, as far as the last check said)
    Unhealthy,     ///< public URL known but GET {url}/health failed
    Restarting     ///< the process died/hung/was unhealthy; a new one starts after a delay
};

/// A stable lower-case name: stopped, starting, waiting-for-url, up, unhealthy, restarting.
QString stateName(TunnelState state);

/// A snapshot of the supervisor, as reported with every state change.
struct TunnelStatus
{
    TunnelState state = TunnelState::Stopped;
    QString publicUrl;   ///< last discovered URL (kept while restarting; empty before the first)
    QString reason;      ///< why we are in this state (human-readable, no secrets)
    int restartInMs = 0; ///< Restarting only: delay before the next start
    int restarts = 0;    ///< processes started after the first one since start()
};

/// One line for logs/status bars, e.g. `up https://a-b.trycloudflare.com`,
/// `restarting in 2 s (tunnel exited with code 1)`.
QString describeStatus(const TunnelStatus& status);

/// Starts, watches and restarts the tunnel program; discovers and health-checks the public URL.
///
/// Thread ownership: a QObject of the thread that creates it (needs that thread's event loop);
/// call every method from that thread. Signals are emitted from it; connect across threads with
/// queued connections.
///
/// publicUrlChanged fires only with a non-empty URL that differs from the previous one (a
/// restarted quick tunnel usually gets a new URL; ngrok with a reserved domain keeps it). While
/// a tunnel is restarting the last URL is kept: no traffic arrives through it anyway, and keeping
/// it avoids flapping signature validation.
///
/// The child's environment is the process environment minus TunnelConfig::scrubEnvironment; it
/// never receives Twilio credentials in argv or env from this class.
class TunnelSupervisor : public QObject
{
    Q_OBJECT
public:
    explicit TunnelSupervisor(TunnelConfig config, QObject* parent = nullptr);
    ~TunnelSupervisor() override;

    const TunnelConfig& config() const { return m_config; }

    /// Starts supervising (no-op when already running). Kind::None stays Stopped; FixedUrl goes
    /// Up at once (and is health-checked when enabled).
    void start();
    /// Stops the process (SIGTERM, SIGKILL after terminateGraceMs) and all timers; -> Stopped.
    void stop();

    TunnelState state() const { return m_status.state; }
    TunnelStatus status() const { return m_status; }
    QString publicUrl() const { return m_status.publicUrl; }
    /// PID of the running tunnel program, 0 when none (tests, diagnostics).
    qint64 processId() const;

signals:
    void stateChanged(sb::tunnel::TunnelState state, const QString& reason);
    void publicUrlChanged(const QString& url);
    /// One line of the program's output (stdout or stderr), or a supervisor note prefixed `tunnel:`.
    void logLine(const QString& line);
    /// After every health check: ok, and the reason when not ok.
    void healthChecked(bool ok, const QString& reason);

private:
    void setState(TunnelState state, const QString& reason, int restartInMs = 0);
    void launch();
    void onStarted();
    void onErrorOccurred(QProcess::ProcessError error);
    void onFinished(int exitCode, QProcess::ExitStatus status);
    void readChannel(QProcess::ProcessChannel channel);
    void handleLine(const QString& line);
    void foundUrl(const QString& url, const QString& source);
    void scheduleRestart(const QString& why);
    void retireProcess();
    void cancelReply(QPointer<QNetworkReply>& reply);
    void pollNgrokApi();
    void runHealthCheck();
    void healthResult(bool ok, const QString& reason);

    TunnelConfig m_config;
    TunnelStatus m_status;
    bool m_running = false;
    QPointer<QProcess> m_process;
    QByteArray m_partial[2];
    int m_backoffMs = 0;
    QElapsedTimer m_upSince;
    QTimer m_restartTimer;
    QTimer m_urlTimer;
    QTimer m_apiTimer;
    QTimer m_healthTimer;
    QNetworkAccessManager* m_nam = nullptr;
    QPointer<QNetworkReply> m_apiReply;
    QPointer<QNetworkReply> m_healthReply;
    QUrl m_apiBase;
    int m_healthFailures = 0;
};

} // namespace sb::tunnel

Q_DECLARE_METATYPE(sb::tunnel::TunnelState)
