// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "bootstrap/CallsApi.h"
#include "bootstrap/WebhookReplay.h"
#include "calls/MediaSession.h"
#include "common/Result.h"
#include "tunnel/PhoneNumberUpdater.h"

#include <QHostAddress>
#include <QObject>
#include <QString>
#include <QStringList>
#include <functional>
#include <memory>
#include <optional>

class QNetworkAccessManager;
class QThread;

namespace sb::storage {
class HistoryReader;
class Storage;
struct CallEvent;
struct WebhookLogEntry;
struct CallRecord;
} // namespace sb::storage

namespace sb::tunnel {
class TunnelSupervisor;
}

namespace sb::bootstrap {

class CallActions;
class DemoCalls;
class NetworkSide;

struct CoreOptions
{
    QString dataDir; ///< holds switchboard.sqlite, audio/, recordings/, flows/
    QHostAddress bindAddress = QHostAddress::LocalHost;
    quint16 port = 8080; ///< 0: any free port
    QString publicUrl;   ///< empty: http://<bind>:<port>
    bool validateSignatures = true;
    QString flow;                  ///< active flow; empty: the demo flow
    double requestsPerSecond = 50; ///< webhook budget per client (burst: twice that)
    /// Tunnel to start once the listener runs: `cloudflared[:PROGRAM]`, `ngrok[:PROGRAM]`,
    /// `command:CMD` (with `{port}`), `url:https://...`; empty: none. Its public URL replaces
    /// publicUrl and everything follows it (signature checks, stream URLs in TwiML).
    QString tunnel;
    QString tunnelUrlPattern; ///< regular expression for the URL in a custom command's output
    /// The header a reverse proxy on this machine names the real client in (`Cf-Connecting-Ip`,
    /// `X-Forwarded-For`: its last entry, ...), trusted on requests from loopback only. Empty: the
    /// tunnel's own header when `tunnel` is cloudflared (`Cf-Connecting-Ip`) or ngrok (the last
    /// `X-Forwarded-For` entry), else none (every client is its TCP peer).
    QString behindProxy;
    /// Opt-in: point this Twilio number's voice URL and status callback at the public URL, and
    /// keep following it (phoneNumber empty: off). Old values are remembered in the data folder.
    tunnel::PhoneNumberUpdaterConfig numberUpdate;
    bool restoreNumberOnExit = false; ///< put the number's own settings back on stop()
    /// Where the auth token comes from. Called on the network thread for every check; the result
    /// is wiped after use. Empty function: no token (every signed request is refused).
    std::function<QByteArray()> authToken;
    /// Twilio's REST API for operator actions and reconciliation (CallActions, CallReconciler):
    /// the account SID, with authToken as its password. Empty: no credentials (actions are
    /// refused, quiet calls end as `ended-unknown`).
    QString accountSid;
    QString apiBase; ///< empty: https://api.twilio.com
    /// A live call with no open stream and nothing arriving for this long is reconciled
    /// (--reconcile-after SECONDS).
    qint64 reconcileAfterMs = 120 * 1000;
};

/// The REST account the options describe (no credentials without an account SID).
RestAccount restAccount(const CoreOptions& options);

/// What a start-up recovery found and did.
struct RecoveryReport
{
    int repairedWavFiles = 0;
    int restoredCalls = 0;
};

/// The composition root without widgets: storage thread, network thread (listener, call
/// registry, media sessions), and the wiring between them, so headless mode, the GUI and the
/// integration tests start exactly the same core. Every event is stored before it is announced
/// (the *Stored signals come from storage after commit).
///
/// Create and use on the main thread.
class Core : public QObject
{
    Q_OBJECT

public:
    explicit Core(CoreOptions options, QObject* parent = nullptr);
    ~Core() override;

    /// Opens storage, repairs captures left open by a crash, restores live calls (a stream that
    /// was running is marked `interrupted`, its track statistics rebuilt from what its WAVs hold,
    /// and the call is no longer `streaming`), starts the listener. Fails with a one-line reason.
    Result<quint16> start();
    /// The ordered shutdown, without blocking the event loop: first puts the Twilio number's own
    /// settings back (--restore-number-on-exit; at most 20 s, answered or not), then stop(), then
    /// emits stopped(). Without a number to restore it stops at once. Safe to call twice; a call
    /// while one is under way only waits for it.
    void shutdown();
    /// Closes media sessions (finishing their files), stops the listener, and commits
    /// everything queued, now: demo calls are hung up, the tunnel stopped, a number update not
    /// restored (use shutdown() for that). Safe to call twice. Bounded: if the network thread
    /// has not stopped within 10 s it is left to the end of the process (its captures are
    /// repaired at the next start), so a SIGTERM always ends headless mode.
    void stop();

    quint16 port() const { return m_port; }
    QString publicUrl() const { return m_publicUrl; }
    QString streamUrl() const { return m_streamUrl; }
    /// The listener's own URL (http://bind:port), whatever tunnel is in front of it.
    QString listenerUrl() const { return m_loopbackUrl; }
    const RecoveryReport& recovery() const { return m_recovery; }
    /// The options this core runs on, as changed since (tunnel, flow, account); the auth token
    /// function reads this core's current token and stays valid after the core is gone. What a
    /// replacement core starts from when settings need a new listener or data folder.
    const CoreOptions& options() const { return m_options; }
    /// The running tunnel, or null.
    tunnel::TunnelSupervisor* tunnel() const { return m_tunnel; }
    /// Demo calls against this core's listener (the simulator on threads of its own, signed with
    /// the listener's token, which stays inside the core). Null before start().
    DemoCalls* demoCalls() const { return m_demoCalls.get(); }
    /// Starts a tunnel (the syntax of CoreOptions::tunnel) in place of the running one, if any;
    /// everything follows its public URL once it has one. Fails with a one-line reason for a spec
    /// or pattern that cannot work (nothing changes then). Main thread, after start().
    Result<bool> startTunnel(const QString& spec, const QString& urlPattern = QString());
    /// Stops the tunnel, if any, and points everything back at the listener's own URL.
    void stopTunnel();
    /// Replaces the auth token the listener checks signatures with (and demo calls sign with),
    /// from the next request on: a token saved in the settings applies without a restart. The
    /// copy kept is this process's memory only. Any thread.
    void setAuthToken(const QByteArray& token);
    /// Replaces the Twilio account operator actions and reconciliation use (account SID and REST
    /// base; empty SID: none), from the next request on. With setAuthToken(), settings saved in
    /// the window apply without a restart. Main thread, after start().
    void setTwilioAccount(const QString& accountSid, const QString& apiBase);
    /// Operator actions on live calls through Twilio's REST API (hang up, redirect, say, play);
    /// outcomes are stored as call events. Lives on this (the main) thread. Null before start().
    CallActions* callActions() const { return m_callActions.get(); }
    /// The names of the flows a call can run (built-in and the data folder's), sorted. Empty
    /// before start().
    QStringList flowNames() const { return m_flowNames; }
    /// Live listening: from now on the decoded frames of `callSid`'s streams go to `tap`, called
    /// on the network thread (it must be cheap and must not block: e.g. push into a lock-free
    /// ring); frames of other calls go nowhere. Replaces the previous call and tap; an empty SID
    /// stops. Handed over asynchronously (frames already queued for the old tap may still reach
    /// it; the tap is kept alive by the network side until replaced). Main thread, after start().
    void listenTo(const QString& callSid, calls::MediaSession::FrameTap tap);
    /// Points signature checks and TwiML at a new public URL (the tunnel does this itself).
    void setPublicUrl(const QString& url);
    storage::Storage* storage() const { return m_storage.get(); }
    /// Asynchronous reads of the history (call detail, recent calls) for the window. Null before
    /// start().
    storage::HistoryReader* history() const { return m_history.get(); }
    QString databasePath() const;
    QString audioDir() const;
    /// `<data-dir>/flows`: the user's flow files (FlowCatalog reads and writes them).
    QString flowsDir() const;

    /// The flow the next incoming call gets.
    QString activeFlow() const { return m_activeFlow; }
    /// Makes `name` the flow for incoming calls on the running listener, without a restart: the
    /// flows folder is reloaded on the network thread (a short blocking hop), so a flow saved a
    /// moment ago is used as saved. Before start() it only sets the option. An unknown or invalid
    /// flow is refused and nothing changes. Emits activeFlowChanged() on success.
    Result<QString> setActiveFlow(const QString& name);
    /// Reloads the flows folder on the network thread, keeping the active flow (or falling back to
    /// the demo flow if its file is gone or no longer valid), so the next call uses what was
    /// saved. Returns the active flow.
    Result<QString> reloadFlows();

    /// Sends logged webhook `entryId` to this core's listener again (WebhookReplay.h), signed
    /// here with the current auth token for the public URL, which never leaves the core: without
    /// `edits` only if it had been valid, with them as `edits->sign` says. `done` runs on this
    /// thread once the listener has answered and the new entry is stored (or after 15 s), and
    /// not at all if `context` is gone. Errors: `replay.not-started`, `storage.not-found`,
    /// `replay.network` (no answer).
    void replayWebhook(qint64 entryId,
                       std::optional<ReplayEdits> edits,
                       QObject* context,
                       std::function<void(Result<ReplayResult>)> done);

signals:
    /// One line per stored event, for the headless log.
    void logLine(const QString& line);
    void eventStored(const sb::storage::CallEvent& event);
    void callStored(const sb::storage::CallRecord& call);
    void webhookStored(const sb::storage::WebhookLogEntry& entry);
    void publicUrlChanged(const QString& publicUrl, const QString& streamUrl);
    /// A tunnel was started (the new supervisor) or stopped (null).
    void tunnelChanged(sb::tunnel::TunnelSupervisor* tunnel);
    /// The flow for incoming calls changed (setActiveFlow(), or a reload that lost it).
    void activeFlowChanged(const QString& name);
    /// shutdown() has finished: everything is stopped and stored.
    void stopped();

private:
    void recover();
    Result<QString> applyFlows(const QString& activeFlow);
    void sendReplay(const storage::WebhookLogEntry& entry,
                    const std::optional<ReplayEdits>& edits,
                    QObject* context,
                    std::function<void(Result<ReplayResult>)> done);

    struct TokenSource;
    CoreOptions m_options;
    std::shared_ptr<TokenSource> m_token;
    std::unique_ptr<storage::Storage> m_storage;
    std::unique_ptr<storage::HistoryReader> m_history;
    std::unique_ptr<DemoCalls> m_demoCalls;
    std::unique_ptr<CallActions> m_callActions;
    QStringList m_flowNames;
    std::unique_ptr<QThread> m_networkThread;
    NetworkSide* m_network = nullptr; ///< lives on m_networkThread
    tunnel::TunnelSupervisor* m_tunnel = nullptr;
    tunnel::PhoneNumberUpdater* m_numberUpdater = nullptr;
    QNetworkAccessManager* m_replayNetwork = nullptr;
    quint16 m_port = 0;
    QString m_publicUrl;
    QString m_streamUrl;
    QString m_loopbackUrl; ///< the public URL the listener started with (before any tunnel)
    QString m_activeFlow;
    RecoveryReport m_recovery;
    bool m_started = false;
    bool m_shuttingDown = false;
};

} // namespace sb::bootstrap
