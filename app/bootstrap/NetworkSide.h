// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "bootstrap/CallsApi.h"
#include "calls/CallRegistry.h"
#include "calls/MediaSession.h"
#include "common/Result.h"
#include "server/Listener.h"

#include <QObject>
#include <functional>

namespace sb::storage {
class Storage;
}

namespace sb::bootstrap {

class CallReconciler;

struct CoreOptions;

/// Everything that lives on the network thread: the listener, the call registry, the media
/// sessions and the reconciler of quiet calls (CallReconciler), plus the hand-off of their events to storage (whose
/// methods are thread-safe).
class NetworkSide : public QObject
{
    Q_OBJECT

public:
    NetworkSide(const CoreOptions& options, storage::Storage* storage, QList<calls::Call> restored);
    ~NetworkSide() override;

    /// Run on the network thread (blocking-queued from the Core).
    Q_INVOKABLE void start();
    Q_INVOKABLE void stop();
    /// Follows a new public URL: signature checks and the URLs flows put into TwiML.
    void setPublicUrl(const QString& url);
    /// The Twilio account reconciliation asks from now on.
    void setRestAccount(const RestAccount& account);
    /// Reloads the flow library from the flows folder (built-ins plus files) and makes
    /// `activeFlow` (empty: keep the current one) the flow of the next incoming call. Returns the
    /// active flow's name, or why not (unknown flow: nothing changes). Network thread only.
    Result<QString> reloadFlows(const QString& activeFlow);

    /// Routes the decoded frames of `callSid`'s streams (present and future) to `tap`, and no
    /// other call's; an empty SID or tap routes nothing. Every other call costs one string compare
    /// per frame. Network thread only.
    void setListenTap(const QString& callSid, calls::MediaSession::FrameTap tap);

    Result<quint16> startResult() const { return m_startResult; }
    QString publicUrl() const;
    QString streamUrl() const;
    calls::CallRegistry* registry() const { return m_registry; }
    /// The flows calls can run, sorted (after start()).
    QStringList flowNames() const { return m_flowNames; }
    /// One log line with the media decode figures, written by stop() (empty when no frame came).
    QString stopSummary() const { return m_stopSummary; }

private:
    void acceptSocket(QWebSocket* socket);

    server::ListenerConfig m_listenerConfig;
    QString m_audioDir;
    QString m_flowsDir;
    QString m_flow;
    std::function<QByteArray()> m_authToken;
    storage::Storage* m_storage;
    QList<calls::Call> m_restored;
    QStringList m_flowNames;
    RestAccount m_rest;
    qint64 m_reconcileAfterMs;
    server::Listener* m_listener = nullptr;
    calls::CallRegistry* m_registry = nullptr;
    CallReconciler* m_reconciler = nullptr;
    QList<calls::MediaSession*> m_sessions;
    QString m_listenSid; ///< the call whose frames go to m_listenTap (empty: none)
    calls::MediaSession::FrameTap m_listenTap;
    calls::DecodeLatency m_decodeLatency; ///< of every session of this network side
    QString m_stopSummary;
    Result<quint16> m_startResult = Error{};
};

} // namespace sb::bootstrap
