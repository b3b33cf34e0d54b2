// SPDX-License-Identifier: GPL-3.0-or-later
#include "listen/LivePlayback.h"

#include "listen/AudioOutput.h"

#include <QMediaDevices>
#include <QThread>
#include <QTimer>
#include <chrono>

namespace sb::listen {
namespace {

constexpr int kLevelIntervalMs = 100;

/// The network thread's half: copies each 20 ms frame of the listened call into the ring, stamped
/// with the generation of the listen() that routed it.
calls::MediaSession::FrameTap makeTap(std::shared_ptr<LiveFeed> feed, uint32_t generation)
{
    return [feed = std::move(feed), generation](const calls::MediaSession::TappedFrame& in) {
        if (in.samples != audio::LiveFrame::kSamples) {
            feed->badFrames.fetch_add(1, std::memory_order_relaxed);
            return;
        }
        audio::LiveFrame frame;
        frame.generation = generation;
        frame.track = in.track == twilio::MediaTrack::Inbound ? 0 : 1;
        frame.sequence = uint32_t(in.sequenceNumber);
        frame.timestampMs = in.timestampMs;
        frame.arrivalMs =
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
                .count();
        std::copy(in.pcm, in.pcm + audio::LiveFrame::kSamples, frame.pcm.begin());
        feed->ring.push(frame);
    };
}

} // namespace

LivePlayback::LivePlayback(QObject* parent)
    : QObject(parent)
    , m_feed(std::make_shared<LiveFeed>())
    , m_thread(std::make_unique<QThread>())
    , m_devices(new QMediaDevices(this))
    , m_levelTimer(new QTimer(this))
{
    m_thread->setObjectName(QStringLiteral("sb-audio"));
    m_output = new AudioOutput(m_feed);
    m_output->moveToThread(m_thread.get());
    connect(m_thread.get(), &QThread::finished, m_output, &QObject::deleteLater);
    connect(m_output, &AudioOutput::opened, this, [this](const QString& device, const QString& format) {
        m_playing = true;
        m_error.clear();
        emit playingChanged(true, device, format);
    });
    connect(m_output, &AudioOutput::closed, this, [this] {
        if (!m_playing)
            return;
        m_playing = false;
        emit playingChanged(false, QString(), QString());
    });
    connect(m_output, &AudioOutput::failed, this, [this](const QString& message) {
        m_outputWanted = false;
        if (m_playing) {
            m_playing = false;
            emit playingChanged(false, QString(), QString());
        }
        fail(message);
    });
    connect(m_devices, &QMediaDevices::audioOutputsChanged, this, &LivePlayback::onOutputsChanged);
    m_levelTimer->setInterval(kLevelIntervalMs);
    connect(m_levelTimer, &QTimer::timeout, this, &LivePlayback::publishLevels);
    m_thread->start(QThread::TimeCriticalPriority);
}

LivePlayback::~LivePlayback()
{
    if (!m_callSid.isEmpty() && m_route)
        m_route(QString(), {});
    m_thread->quit(); // the output (and its sink) is deleted as the thread finishes
    m_thread->wait();
}

void LivePlayback::setRoute(Route route)
{
    m_route = std::move(route);
    routeCurrent();
}

void LivePlayback::routeCurrent()
{
    if (!m_route)
        return;
    if (m_callSid.isEmpty())
        m_route(QString(), {});
    else
        m_route(m_callSid, makeTap(m_feed, m_feed->generation.load()));
}

void LivePlayback::listen(const QString& callSid)
{
    if (callSid.isEmpty()) {
        stop();
        return;
    }
    if (callSid == m_callSid && m_outputWanted)
        return;
    m_callSid = callSid;
    m_feed->generation.fetch_add(1, std::memory_order_acq_rel); // the audio side starts afresh
    routeCurrent();
    if (!m_outputWanted)
        openOutput();
    m_levelTimer->start();
    emit listeningChanged(m_callSid);
}

void LivePlayback::stop()
{
    if (m_callSid.isEmpty() && !m_outputWanted)
        return;
    m_callSid.clear();
    m_feed->generation.fetch_add(1, std::memory_order_acq_rel);
    routeCurrent();
    closeOutput();
    m_levelTimer->stop();
    emit listeningChanged(QString());
}

void LivePlayback::setOutputDevice(const QAudioDevice& device)
{
    m_device = device;
    if (m_outputWanted)
        openOutput(); // reopens on the new device
}

QAudioDevice LivePlayback::resolvedDevice() const
{
    return m_device.isNull() ? QMediaDevices::defaultAudioOutput() : m_device;
}

void LivePlayback::openOutput()
{
    const QAudioDevice device = resolvedDevice();
    if (device.isNull()) {
        m_outputWanted = false;
        fail(QStringLiteral("No audio output device"));
        return;
    }
    m_outputWanted = true;
    m_openedId = device.id();
    QMetaObject::invokeMethod(m_output, [output = m_output, device] { output->open(device); });
}

void LivePlayback::closeOutput()
{
    m_outputWanted = false;
    QMetaObject::invokeMethod(m_output, [output = m_output] { output->close(); });
}

void LivePlayback::fail(const QString& message)
{
    m_error = message;
    emit errorOccurred(message);
}

void LivePlayback::onOutputsChanged()
{
    if (!m_outputWanted)
        return;
    if (!m_device.isNull()) {
        const QList<QAudioDevice> outputs = QMediaDevices::audioOutputs();
        const bool present = std::any_of(
            outputs.begin(), outputs.end(), [this](const QAudioDevice& d) { return d.id() == m_device.id(); });
        if (!present) {
            closeOutput();
            fail(QStringLiteral("The output device \"%1\" is gone").arg(m_device.description()));
        }
        return;
    }
    const QAudioDevice current = QMediaDevices::defaultAudioOutput();
    if (current.isNull()) {
        closeOutput();
        fail(QStringLiteral("No audio output device (the default one is gone)"));
    } else if (current.id() != m_openedId) {
        openOutput(); // follow the new default
    }
}

LivePlayback::TrackLevels LivePlayback::levels(int track) const
{
    const LiveFeed::TrackMeter& meter = m_feed->meters[size_t(track == 0 ? 0 : 1)];
    return {double(meter.rmsDb.load(std::memory_order_relaxed)),
            double(meter.peakDb.load(std::memory_order_relaxed)),
            meter.talking.load(std::memory_order_relaxed)};
}

void LivePlayback::publishLevels()
{
    const TrackLevels inbound = levels(0);
    const TrackLevels outbound = levels(1);
    if (inbound == m_published[0] && outbound == m_published[1])
        return;
    m_published[0] = inbound;
    m_published[1] = outbound;
    emit levelsChanged(inbound, outbound);
}

} // namespace sb::listen
