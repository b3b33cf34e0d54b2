// SPDX-License-Identifier: GPL-3.0-or-later
#include "bootstrap/Core.h"

#include "audio/WavFile.h"
#include "bootstrap/DemoCalls.h"
#include "bootstrap/NetworkSide.h"
#include "bootstrap/RecordMapping.h"
#include "common/Logging.h"
#include "storage/HistoryQueries.h"
#include "storage/HistoryReader.h"
#include "storage/PrivateFiles.h"
#include "storage/Storage.h"
#include "tunnel/TunnelSupervisor.h"

#include <QDir>
#include <QDirIterator>
#include <QEventLoop>
#include <QJsonDocument>
#include <QThread>
#include <QTimer>

namespace sb::bootstrap {

Core::Core(CoreOptions options, QObject* parent)
    : QObject(parent)
    , m_options(std::move(options))
{
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
                for (const storage::CallRecord& record : live.value())
                    restored.append(fromRecord(record));
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
    QMetaObject::invokeMethod(m_network, &NetworkSide::start, Qt::BlockingQueuedConnection);
    const Result<quint16> result = m_network->startResult();
    if (!result.ok()) {
        stop();
        return result.error();
    }
    m_port = result.value();
    m_publicUrl = m_network->publicUrl();
    m_streamUrl = m_network->streamUrl();
    m_history = std::make_unique<storage::HistoryReader>(databasePath());
    m_demoCalls = std::make_unique<DemoCalls>(m_options.authToken);
    m_started = true;

    if (!m_options.tunnel.isEmpty() && m_options.tunnel != QLatin1String("none")) {
        const auto config = tunnel::parseTunnelSpec(m_options.tunnel,
                                                    m_port,
                                                    m_options.tunnelUrlPattern.isEmpty()
                                                        ? QRegularExpression()
                                                        : QRegularExpression(m_options.tunnelUrlPattern));
        if (!config.ok()) {
            stop();
            return config.error();
        }
        m_tunnel = new tunnel::TunnelSupervisor(config.value(), this);
        connect(m_tunnel, &tunnel::TunnelSupervisor::publicUrlChanged, this, &Core::setPublicUrl);
        connect(m_tunnel, &tunnel::TunnelSupervisor::stateChanged, this, [this] {
            emit logLine(QStringLiteral("tunnel: %1").arg(tunnel::describeStatus(m_tunnel->status())));
        });
        m_tunnel->start();
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

void Core::setPublicUrl(const QString& url)
{
    if (!m_network || url.isEmpty())
        return;
    QMetaObject::invokeMethod(
        m_network, [network = m_network, url] { network->setPublicUrl(url); }, Qt::BlockingQueuedConnection);
    m_publicUrl = m_network->publicUrl();
    m_streamUrl = m_network->streamUrl();
    emit logLine(QStringLiteral("public URL is now %1 (streams %2)").arg(m_publicUrl, m_streamUrl));
    emit publicUrlChanged(m_publicUrl, m_streamUrl);
}

void Core::stop()
{
    if (m_demoCalls) // they call our listener: hang them up first
        m_demoCalls->stopAll();
    if (m_numberUpdater) {
        if (m_options.restoreNumberOnExit) {
            // Put the user's own settings back before the tunnel goes away (bounded wait).
            QEventLoop loop;
            connect(m_numberUpdater, &tunnel::PhoneNumberUpdater::restored, &loop, &QEventLoop::quit);
            connect(m_numberUpdater, &tunnel::PhoneNumberUpdater::failed, &loop, &QEventLoop::quit);
            QTimer::singleShot(20000, &loop, &QEventLoop::quit);
            QMetaObject::invokeMethod(m_numberUpdater, &tunnel::PhoneNumberUpdater::restore, Qt::QueuedConnection);
            loop.exec();
        }
        delete m_numberUpdater;
        m_numberUpdater = nullptr;
    }
    if (m_tunnel) {
        m_tunnel->stop();
        delete m_tunnel;
        m_tunnel = nullptr;
    }
    if (m_networkThread) {
        if (m_networkThread->isRunning()) {
            QMetaObject::invokeMethod(m_network, &NetworkSide::stop, Qt::BlockingQueuedConnection);
            const QString summary = m_network->stopSummary(); // written on the network thread before stop() returned
            if (!summary.isEmpty())
                emit logLine(summary);
            m_networkThread->quit();
            m_networkThread->wait();
        }
        m_network = nullptr;
        m_networkThread.reset();
    }
    m_demoCalls.reset();
    m_history.reset();
    if (m_storage) {
        m_storage->flush();
        m_storage->close();
        m_storage.reset();
    }
    m_started = false;
}

} // namespace sb::bootstrap
