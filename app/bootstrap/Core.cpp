// SPDX-License-Identifier: GPL-3.0-or-later
#include "bootstrap/Core.h"

#include "audio/WavFile.h"
#include "bootstrap/CallActions.h"
#include "bootstrap/DemoCalls.h"
#include "bootstrap/NetworkSide.h"
#include "bootstrap/RecordMapping.h"
#include "calls/FlowLibrary.h"
#include "common/Logging.h"
#include "storage/HistoryQueries.h"
#include "storage/HistoryReader.h"
#include "storage/PrivateFiles.h"
#include "storage/Storage.h"
#include "tunnel/TunnelSupervisor.h"

#include <QDir>
#include <QDirIterator>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QThread>
#include <QTimer>
#include <chrono>
#include <future>
#include <mutex>

namespace sb::bootstrap {

namespace {

/// How long stop() waits for the network thread to finish its captures and close the listener.
/// Past it, the thread is left to the end of the process (its WAVs are repaired at the next
/// start), so SIGTERM always ends the process in bounded time.
constexpr int kNetworkStopTimeoutMs = 10000;

/// A live call's streams after a crash: each stream that was still running is marked
/// interrupted and its track statistics are rebuilt from what its (repaired) WAVs prove: the
/// samples in the file, as 20 ms frames of mu-law bytes (the file cannot tell received audio
/// from filled gaps, so gaps and the other counters keep their stored values). Returns whether
/// any file held audio.
bool recoverStreams(const storage::HistoryQueries& history,
                    storage::Storage& store,
                    const QString& callSid,
                    const std::function<void(const QString&)>& log)
{
    const auto detail = history.callDetail(callSid);
    if (!detail.ok())
        return false;
    bool audio = false;
    for (const storage::StreamDetail& stream : detail->streams) {
        if (stream.stream.status != QLatin1String("started") && stream.stream.status != QLatin1String("connected"))
            continue;
        storage::StreamRecord interrupted = stream.stream;
        interrupted.status = QStringLiteral("interrupted");
        interrupted.error = QStringLiteral("the process ended before the stream stopped");
        store.upsertStream(interrupted);
        QJsonObject recovered{{QStringLiteral("stream_sid"), interrupted.streamSid}};
        for (storage::StreamTrackStats track : stream.tracks) {
            if (track.wavPath.isEmpty())
                continue;
            const auto info = audio::inspectWav(track.wavPath);
            if (!info.ok() || !info->format.isPcm16() || info->format.channels != 1)
                continue;
            const qint64 samples = info->frames();
            audio = audio || samples > 0;
            track.frames = std::max(track.frames, (samples + 159) / 160);
            track.bytes = std::max(track.bytes, samples); // one mu-law byte per sample
            store.updateTrackStats(track);
            recovered.insert(track.track + QStringLiteral("_ms"), samples * 1000 / info->format.sampleRate);
        }
        store.appendEvent(storage::CallEvent{
            0, callSid, QDateTime::currentDateTimeUtc(), QStringLiteral("stream.recovered"), recovered});
        log(QStringLiteral("recovery: stream %1 of %2 interrupted; %3")
                .arg(interrupted.streamSid,
                     callSid,
                     QString::fromUtf8(QJsonDocument(recovered).toJson(QJsonDocument::Compact))));
    }
    return audio;
}

} // namespace

/// The auth token's source, replaceable while the listener runs (settings apply without a
/// restart). Read on the network thread and by demo calls' threads, replaced on the main thread.
struct Core::TokenSource
{
    std::mutex mutex;
    std::function<QByteArray()> source;
};

namespace {

/// Runs `work` on `object`'s thread and returns what it returns, waiting for it. The hand-over
/// is a std::promise, which ThreadSanitizer sees; a blocking queued call waits on a semaphore
/// inside (uninstrumented) Qt, after which every read of what the other thread wrote looks like
/// a race. Never call with `object` on the calling thread.
template <typename T, typename Work> T runOn(QObject* object, Work work)
{
    auto promise = std::make_shared<std::promise<T>>();
    std::future<T> result = promise->get_future();
    QMetaObject::invokeMethod(
        object, [promise, work = std::move(work)]() mutable { promise->set_value(work()); }, Qt::QueuedConnection);
    return result.get();
}

/// What the network thread reports once its listener runs (read there, handed over whole).
struct NetworkStart
{
    Result<quint16> port = Error{};
    QString publicUrl;
    QString streamUrl;
    QString activeFlow;
    QStringList flowNames;
};

} // namespace

RestAccount restAccount(const CoreOptions& options)
{
    RestAccount account;
    if (!options.apiBase.isEmpty())
        account.apiBase = QUrl(options.apiBase);
    account.accountSid = options.accountSid;
    if (!options.accountSid.isEmpty())
        account.authToken = options.authToken;
    return account;
}

Core::Core(CoreOptions options, QObject* parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_token(std::make_shared<TokenSource>())
    , m_activeFlow(m_options.flow.isEmpty() ? QString::fromLatin1(calls::FlowLibrary::kDefaultFlow) : m_options.flow)
{
    m_token->source = std::move(m_options.authToken);
    m_options.authToken = [token = m_token]() -> QByteArray {
        const std::lock_guard lock(token->mutex);
        return token->source ? token->source() : QByteArray();
    };
}

void Core::setAuthToken(const QByteArray& token)
{
    const std::lock_guard lock(m_token->mutex);
    m_token->source = [kept = QByteArray(token.constData(), token.size())] { return kept; };
}

Core::~Core()
{
    stop();
}

QString Core::databasePath() const
{
    return QDir(m_options.dataDir).filePath(QStringLiteral("switchboard.sqlite"));
}

QString Core::audioDir() const
{
    return QDir(m_options.dataDir).filePath(QStringLiteral("audio"));
}

QString Core::flowsDir() const
{
    return QDir(m_options.dataDir).filePath(QStringLiteral("flows"));
}

Result<QString> Core::setActiveFlow(const QString& name)
{
    if (name.isEmpty())
        return makeError(QStringLiteral("unknown-flow"), QStringLiteral("no flow name given"));
    if (!m_network) {
        m_options.flow = name;
        m_activeFlow = name;
        emit activeFlowChanged(m_activeFlow);
        return m_activeFlow;
    }
    return applyFlows(name);
}

Result<QString> Core::reloadFlows()
{
    if (!m_network)
        return m_activeFlow;
    return applyFlows(QString());
}

Result<QString> Core::applyFlows(const QString& activeFlow)
{
    const Result<QString> result = runOn<Result<QString>>(
        m_network, [network = m_network, activeFlow] { return network->reloadFlows(activeFlow); });
    if (!result.ok())
        return result;
    m_options.flow = result.value();
    if (result.value() != m_activeFlow) {
        m_activeFlow = result.value();
        emit logLine(QStringLiteral("incoming calls now get the flow \"%1\"").arg(m_activeFlow));
        emit activeFlowChanged(m_activeFlow);
    }
    return result;
}

Result<quint16> Core::start()
{
    if (m_started)
        return m_port;
    // The data folder holds stream tokens, numbers, transcripts and audio: owner only, whatever
    // the umask. Files other parts create later (WAV captures, state files) start private too.
    storage::restrictUmask();
    const auto folder =
        storage::preparePrivateFolder(m_options.dataDir,
                                      {QStringLiteral("audio"), QStringLiteral("recordings"), QStringLiteral("flows")},
                                      {QStringLiteral("switchboard.sqlite*"), QStringLiteral("*.json")});
    if (!folder.ok())
        return folder.error();
    if (folder->tightened > 0)
        emit logLine(
            QStringLiteral("data folder: %1 file(s) and folder(s) made private to their owner").arg(folder->tightened));

    m_storage = std::make_unique<storage::Storage>();
    const auto opened = m_storage->open(databasePath());
    if (!opened.ok())
        return opened.error();

    connect(m_storage.get(), &storage::Storage::eventStored, this, [this](const storage::CallEvent& e) {
        emit eventStored(e);
        emit logLine(QStringLiteral("%1 %2 %3 %4")
                         .arg(e.at.toString(Qt::ISODateWithMs),
                              e.callSid,
                              e.kind,
                              QString::fromUtf8(QJsonDocument(e.detail).toJson(QJsonDocument::Compact))));
    });
    connect(m_storage.get(), &storage::Storage::callStored, this, &Core::callStored);
    connect(m_storage.get(), &storage::Storage::webhookStored, this, [this](const storage::WebhookLogEntry& w) {
        emit webhookStored(w);
        if (w.status >= 400) {
            emit logLine(QStringLiteral("%1 %2 %3 %4 -> %5 %6")
                             .arg(w.at.toString(Qt::ISODateWithMs), w.remoteAddress, w.method, w.path)
                             .arg(w.status)
                             .arg(w.note));
        }
    });
    connect(m_storage.get(), &storage::Storage::writeFailed, this, [this](const storage::WriteFailure& f) {
        emit logLine(QStringLiteral("storage: %1 %2 failed: %3").arg(f.operation, f.key, f.error.message));
    });

    // Crash recovery: repair captures left open, and put live calls back into the registry.
    QList<calls::Call> restored;
    {
        QDirIterator it(audioDir(), {QStringLiteral("*.wav")}, QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = it.next();
            const auto repaired = audio::repairWav(path);
            if (repaired.ok() && repaired->wasBroken) {
                ++m_recovery.repairedWavFiles;
                emit logLine(
                    QStringLiteral("recovery: repaired %1 (%2 bytes of audio)").arg(path).arg(repaired->dataBytes));
            }
        }
        auto history = storage::HistoryQueries::open(databasePath());
        if (history.ok()) {
            const auto live = history.value()->liveCalls();
            if (live.ok()) {
                for (const storage::CallRecord& record : live.value()) {
                    calls::Call call = fromRecord(record);
                    const bool audio =
                        recoverStreams(*history.value(), *m_storage, call.callSid, [this](const QString& line) {
                            emit logLine(line);
                        });
                    // Its streams died with the old process; a call whose WAVs hold audio was answered.
                    if (call.state == calls::CallState::Streaming ||
                        (audio && call.state == calls::CallState::Ringing)) {
                        call.state = calls::CallState::InProgress;
                        m_storage->upsertCall(toRecord(call));
                    }
                    restored.append(call);
                }
            }
        }
        m_recovery.restoredCalls = int(restored.size());
        if (!restored.isEmpty())
            emit logLine(QStringLiteral("recovery: %1 live call(s) restored").arg(restored.size()));
    }

    m_networkThread = std::make_unique<QThread>();
    m_networkThread->setObjectName(QStringLiteral("network"));
    m_network = new NetworkSide(m_options, m_storage.get(), restored);
    m_network->moveToThread(m_networkThread.get());
    connect(m_networkThread.get(), &QThread::finished, m_network, &QObject::deleteLater);
    m_networkThread->start();
    const NetworkStart started = runOn<NetworkStart>(m_network, [network = m_network] {
        network->start();
        NetworkStart s;
        s.port = network->startResult();
        if (s.port.ok()) {
            s.publicUrl = network->publicUrl();
            s.streamUrl = network->streamUrl();
            s.activeFlow = network->registry()->activeFlow();
            s.flowNames = network->flowNames();
        }
        return s;
    });
    if (!started.port.ok()) {
        stop();
        return started.port.error();
    }
    m_port = started.port.value();
    m_activeFlow = started.activeFlow;
    m_publicUrl = started.publicUrl;
    m_streamUrl = started.streamUrl;
    m_loopbackUrl = m_publicUrl;
    m_history = std::make_unique<storage::HistoryReader>(databasePath());
    m_demoCalls = std::make_unique<DemoCalls>(m_options.authToken);
    m_flowNames = started.flowNames;
    m_callActions = std::make_unique<CallActions>(
        restAccount(m_options), [this] { return m_publicUrl; }, m_storage.get());
    m_started = true;

    if (!m_options.tunnel.isEmpty() && m_options.tunnel != QLatin1String("none")) {
        if (const Result<bool> tunnel = startTunnel(m_options.tunnel, m_options.tunnelUrlPattern); !tunnel.ok()) {
            stop();
            return tunnel.error();
        }
    }

    if (!m_options.numberUpdate.phoneNumber.isEmpty()) {
        tunnel::PhoneNumberUpdaterConfig config = m_options.numberUpdate;
        if (config.stateFilePath.isEmpty())
            config.stateFilePath = QDir(m_options.dataDir).filePath(QStringLiteral("tunnel-phone-numbers.json"));
        m_numberUpdater = new tunnel::PhoneNumberUpdater(config, this);
        m_options.numberUpdate.secret.fill('\0');
        connect(m_numberUpdater,
                &tunnel::PhoneNumberUpdater::updated,
                this,
                [this](const QString& sid, const QString& voiceUrl) {
                    emit logLine(QStringLiteral("number %1 now sends calls to %2").arg(sid, voiceUrl));
                });
        connect(m_numberUpdater, &tunnel::PhoneNumberUpdater::restored, this, [this](const QString& sid) {
            emit logLine(QStringLiteral("number %1 restored to its own settings").arg(sid));
        });
        connect(m_numberUpdater,
                &tunnel::PhoneNumberUpdater::failed,
                this,
                [this](const QString& code, const QString& message) {
                    emit logLine(QStringLiteral("number update failed (%1): %2").arg(code, message));
                });
        connect(this, &Core::publicUrlChanged, m_numberUpdater, [this](const QString& url) {
            m_numberUpdater->pointAt(url);
        });
        if (!m_tunnel)
            m_numberUpdater->pointAt(m_publicUrl);
    }
    return m_port;
}

void Core::setTwilioAccount(const QString& accountSid, const QString& apiBase)
{
    m_options.accountSid = accountSid;
    m_options.apiBase = apiBase;
    const RestAccount account = restAccount(m_options);
    if (m_callActions)
        m_callActions->setAccount(account);
    if (m_network)
        QMetaObject::invokeMethod(m_network, [network = m_network, account] { network->setRestAccount(account); });
}

void Core::listenTo(const QString& callSid, calls::MediaSession::FrameTap tap)
{
    if (m_network) {
        QMetaObject::invokeMethod(m_network, [network = m_network, callSid, tap = std::move(tap)]() mutable {
            network->setListenTap(callSid, std::move(tap));
        });
    }
}

Result<bool> Core::startTunnel(const QString& spec, const QString& urlPattern)
{
    if (!m_started)
        return makeError(QStringLiteral("core.not-started"), QStringLiteral("the listener is not running"));
    const QRegularExpression pattern = urlPattern.isEmpty() ? QRegularExpression() : QRegularExpression(urlPattern);
    if (!pattern.isValid())
        return makeError(
            QStringLiteral("tunnel.bad-pattern"),
            QStringLiteral("the URL pattern is not a valid regular expression: %1").arg(pattern.errorString()));
    const auto config = tunnel::parseTunnelSpec(spec, m_port, pattern);
    if (!config.ok())
        return config.error();
    stopTunnel();
    m_options.tunnel = spec;
    m_options.tunnelUrlPattern = urlPattern;
    m_tunnel = new tunnel::TunnelSupervisor(config.value(), this);
    connect(m_tunnel, &tunnel::TunnelSupervisor::publicUrlChanged, this, &Core::setPublicUrl);
    connect(m_tunnel, &tunnel::TunnelSupervisor::stateChanged, this, [this, supervisor = m_tunnel] {
        emit logLine(QStringLiteral("tunnel: %1").arg(tunnel::describeStatus(supervisor->status())));
    });
    m_tunnel->start();
    emit tunnelChanged(m_tunnel);
    return true;
}

void Core::stopTunnel()
{
    if (!m_tunnel)
        return;
    m_tunnel->stop();
    m_tunnel->deleteLater();
    m_tunnel = nullptr;
    m_options.tunnel.clear();
    // Back to the listener's own address: nothing reaches us through the old URL any more.
    setPublicUrl(m_loopbackUrl);
    emit tunnelChanged(nullptr);
}

void Core::setPublicUrl(const QString& url)
{
    if (!m_network || url.isEmpty())
        return;
    const auto [publicUrl, streamUrl] = runOn<std::pair<QString, QString>>(m_network, [network = m_network, url] {
        network->setPublicUrl(url);
        return std::make_pair(network->publicUrl(), network->streamUrl());
    });
    m_publicUrl = publicUrl;
    m_streamUrl = streamUrl;
    emit logLine(QStringLiteral("public URL is now %1 (streams %2)").arg(m_publicUrl, m_streamUrl));
    emit publicUrlChanged(m_publicUrl, m_streamUrl);
}

void Core::shutdown()
{
    if (m_shuttingDown)
        return;
    m_shuttingDown = true;
    auto finish = [this] {
        stop();
        m_shuttingDown = false;
        emit stopped();
    };
    if (!m_numberUpdater || !m_options.restoreNumberOnExit)
        return finish();
    // Put the user's own settings back while the listener and tunnel still run; go on when the
    // answer comes, or after 20 s without one. Only the first of the three ends the wait.
    auto once = std::make_shared<bool>(false);
    auto proceed = [once, finish] {
        if (*once)
            return;
        *once = true;
        finish();
    };
    connect(m_numberUpdater, &tunnel::PhoneNumberUpdater::restored, this, proceed);
    connect(m_numberUpdater, &tunnel::PhoneNumberUpdater::failed, this, proceed);
    QTimer::singleShot(20000, this, proceed);
    m_numberUpdater->restore();
}

void Core::stop()
{
    if (m_demoCalls) // they call our listener: hang them up first
        m_demoCalls->stopAll();
    delete m_numberUpdater;
    m_numberUpdater = nullptr;
    if (m_tunnel) {
        m_tunnel->stop();
        delete m_tunnel;
        m_tunnel = nullptr;
    }
    bool networkStuck = false;
    if (m_networkThread) {
        if (m_networkThread->isRunning()) {
            // Bounded: a network thread that does not get to it in time is left behind.
            // A std::promise rather than a QSemaphore: ThreadSanitizer sees this hand-over.
            const auto stopped = std::make_shared<std::promise<QString>>();
            std::future<QString> summary = stopped->get_future();
            QMetaObject::invokeMethod(
                m_network,
                [network = m_network, stopped] {
                    network->stop();
                    stopped->set_value(network->stopSummary());
                },
                Qt::QueuedConnection);
            if (summary.wait_for(std::chrono::milliseconds(kNetworkStopTimeoutMs)) == std::future_status::ready) {
                if (const QString line = summary.get(); !line.isEmpty())
                    emit logLine(line);
                m_networkThread->quit();
                networkStuck = !m_networkThread->wait(kNetworkStopTimeoutMs);
            } else {
                networkStuck = true;
            }
        }
        if (networkStuck) {
            emit logLine(QStringLiteral("network thread did not stop within %1 ms; exiting without it (open "
                                        "captures are repaired at the next start)")
                             .arg(kNetworkStopTimeoutMs));
            // It may still use these: leave them to the end of the process.
            (void)m_networkThread.release();
        }
        m_network = nullptr;
        m_networkThread.reset();
    }
    m_demoCalls.reset();
    m_callActions.reset(); // its replies are aborted; it stores nothing more
    m_history.reset();
    if (m_storage && networkStuck) {
        m_storage->close(); // refuses the stuck thread's later writes; the object must outlive it
        (void)m_storage.release();
    }
    if (m_storage) {
        m_storage->flush();
        m_storage->close();
        m_storage.reset();
    }
    m_started = false;
}

} // namespace sb::bootstrap
