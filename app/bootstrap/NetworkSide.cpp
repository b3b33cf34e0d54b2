// SPDX-License-Identifier: GPL-3.0-or-later
#include "bootstrap/NetworkSide.h"

#include "bootstrap/CallReconciler.h"
#include "bootstrap/Core.h"
#include "bootstrap/RecordMapping.h"
#include "common/Logging.h"
#include "storage/Storage.h"

#include <QDir>
#include <QWebSocket>

namespace sb::bootstrap {

NetworkSide::NetworkSide(const CoreOptions& options, storage::Storage* storage, QList<calls::Call> restored)
    : m_audioDir(QDir(options.dataDir).filePath(QStringLiteral("audio")))
    , m_flowsDir(QDir(options.dataDir).filePath(QStringLiteral("flows")))
    , m_flow(options.flow)
    , m_authToken(options.authToken)
    , m_storage(storage)
    , m_restored(std::move(restored))
    , m_rest(restAccount(options))
    , m_reconcileAfterMs(options.reconcileAfterMs)
{
    m_listenerConfig.bindAddress = options.bindAddress;
    m_listenerConfig.port = options.port;
    m_listenerConfig.publicUrl = options.publicUrl;
    m_listenerConfig.validateSignatures = options.validateSignatures;
    m_listenerConfig.gate.trustedClientHeader = server::trustedClientHeaderFor(options.tunnel, options.behindProxy);
    m_listenerConfig.gate.rate.perAddressRate = options.requestsPerSecond;
    m_listenerConfig.gate.rate.perAddressBurst = options.requestsPerSecond * 2;
    m_listenerConfig.gate.rate.globalRate = qMax(2000.0, options.requestsPerSecond * 40);
    m_listenerConfig.gate.rate.globalBurst = m_listenerConfig.gate.rate.globalRate * 2;
}

NetworkSide::~NetworkSide()
{
    stop();
}

QString NetworkSide::publicUrl() const
{
    return m_listener ? m_listener->publicUrl() : QString();
}

QString NetworkSide::streamUrl() const
{
    return m_listener ? m_listener->streamUrl() : QString();
}

void NetworkSide::start()
{
    const calls::FlowLibrary flows = calls::FlowLibrary::load(m_flowsDir);
    for (const Error& problem : flows.problems())
        qCWarning(log::app).noquote() << "flows:" << problem.message;
    const QString flow = m_flow.isEmpty() ? QString::fromLatin1(calls::FlowLibrary::kDefaultFlow) : m_flow;
    if (!flows.find(flow)) {
        m_startResult = makeError(
            QStringLiteral("unknown-flow"),
            QStringLiteral("no flow named \"%1\" (available: %2)").arg(flow, flows.names().join(QStringLiteral(", "))));
        return;
    }
    m_flowNames = flows.names();
    m_flowNames.sort();
    m_registry = new calls::CallRegistry(flows, flow, this);
    m_registry->restore(m_restored);

    m_listener = new server::Listener(m_listenerConfig, this);
    m_listener->setTokenSource(m_authToken);
    m_startResult = m_listener->start();
    if (!m_startResult.ok())
        return;
    if (!m_listenerConfig.publicUrl.isEmpty())
        m_listener->setPublicUrl(m_listenerConfig.publicUrl);
    m_registry->setUrls(m_listener->publicUrl(), m_listener->streamUrl());
    m_listener->setHandler([this](const server::WebhookRequest& r) { return m_registry->handle(r); });

    storage::Storage* store = m_storage;
    connect(m_listener, &server::Listener::exchangeLogged, this, [store](const server::WebhookExchange& e) {
        store->appendWebhook(toRecord(e));
    });
    connect(m_registry, &calls::CallRegistry::callChanged, this, [store](const calls::Call& c) {
        store->upsertCall(toRecord(c));
    });
    connect(m_registry, &calls::CallRegistry::eventRecorded, this, [store](const calls::CallEvent& e) {
        store->appendEvent(toRecord(e));
        if (auto segment = transcriptFrom(e))
            store->appendTranscript(*segment);
        if (auto recording = recordingFrom(e))
            store->upsertRecording(*recording);
    });
    connect(m_listener, &server::Listener::mediaSocketAccepted, this, &NetworkSide::acceptSocket);
    if (m_reconcileAfterMs > 0)
        m_reconciler = new CallReconciler(m_registry, m_rest, m_reconcileAfterMs, this);
}

void NetworkSide::setRestAccount(const RestAccount& account)
{
    m_rest = account;
    if (m_reconciler)
        m_reconciler->setAccount(account);
}

void NetworkSide::acceptSocket(QWebSocket* socket)
{
    auto* session = new calls::MediaSession(socket, m_registry, m_audioDir, calls::MediaLimits{}, this);
    session->setDecodeLatency(&m_decodeLatency);
    session->setFrameTap([this](const calls::MediaSession::TappedFrame& frame) {
        if (frame.callSid == m_listenSid && m_listenTap)
            m_listenTap(frame);
    });
    m_sessions.append(session);
    storage::Storage* store = m_storage;
    connect(session, &calls::MediaSession::bound, this, [store, session](const QString&, const QString&) {
        store->upsertStream(streamRecordFrom(*session, QStringLiteral("started"), QString()));
    });
    connect(session, &calls::MediaSession::statsChanged, this, [store](const calls::TrackStats& s) {
        store->updateTrackStats(toRecord(s));
    });
    connect(
        session, &calls::MediaSession::finished, this, [this, store, session](const QString&, const QString& reason) {
            if (session->isBound()) {
                const bool clean = reason == QLatin1String("stop");
                const QString status = clean                                 ? QStringLiteral("stopped")
                                       : reason == QLatin1String("shutdown") ? QStringLiteral("interrupted")
                                                                             : QStringLiteral("failed");
                store->upsertStream(streamRecordFrom(*session, status, clean ? QString() : reason));
            }
            m_sessions.removeOne(session);
            session->deleteLater();
        });
}

void NetworkSide::setListenTap(const QString& callSid, calls::MediaSession::FrameTap tap)
{
    m_listenSid = tap ? callSid : QString();
    m_listenTap = m_listenSid.isEmpty() ? calls::MediaSession::FrameTap() : std::move(tap);
}

void NetworkSide::setPublicUrl(const QString& url)
{
    if (!m_listener)
        return;
    m_listener->setPublicUrl(url);
    m_registry->setUrls(m_listener->publicUrl(), m_listener->streamUrl());
}

Result<QString> NetworkSide::reloadFlows(const QString& activeFlow)
{
    if (!m_registry)
        return makeError(QStringLiteral("not-running"), QStringLiteral("the listener is not running"));
    calls::FlowLibrary flows = calls::FlowLibrary::load(m_flowsDir);
    for (const Error& problem : flows.problems())
        qCWarning(log::app).noquote() << "flows:" << problem.message;
    const QString wanted = activeFlow.isEmpty() ? m_registry->activeFlow() : activeFlow;
    if (!flows.find(wanted) && activeFlow.isEmpty()) // the active flow's file went bad or away
        return m_registry->setFlows(std::move(flows), QString::fromLatin1(calls::FlowLibrary::kDefaultFlow));
    return m_registry->setFlows(std::move(flows), wanted);
}

void NetworkSide::stop()
{
    // Finish every capture first, so files and stream rows are complete before storage closes.
    // finish() emits finished(), whose handler removes the session and deletes it later.
    delete m_reconciler; // no reconciliation while shutting down (its requests are aborted)
    m_reconciler = nullptr;
    const QList<calls::MediaSession*> sessions = m_sessions;
    for (calls::MediaSession* session : sessions)
        session->finish(QStringLiteral("shutdown"));
    delete m_listener;
    m_listener = nullptr;
    if (const qint64 frames = m_decodeLatency.count(); frames > 0) {
        // Power-of-two buckets: a percentile is reported as its bucket's upper bound.
        m_stopSummary = QStringLiteral("media: %1 frames decoded; arrival to PCM p50 < %2 ns, p99 < %3 ns, max < %4 ns")
                            .arg(frames)
                            .arg(m_decodeLatency.percentileUpperBoundNs(0.5))
                            .arg(m_decodeLatency.percentileUpperBoundNs(0.99))
                            .arg(m_decodeLatency.percentileUpperBoundNs(1.0));
    }
}

} // namespace sb::bootstrap
