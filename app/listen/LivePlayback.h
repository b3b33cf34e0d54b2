// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "calls/MediaSession.h"
#include "listen/LiveFeed.h"

#include <QAudioDevice>
#include <QObject>
#include <QString>
#include <functional>
#include <memory>

class QMediaDevices;
class QThread;
class QTimer;

namespace sb::listen {

class AudioOutput;

/// Live listening: plays one call at a time, as it happens, on an audio output (Qt Multimedia).
///
/// Path: the network thread's MediaSession tap (routed by Core::listenTo to the listened call
/// only) copies each 20 ms frame into a lock-free ring (audio::FrameRing, LiveFeed); on the audio
/// thread a QAudioSink in pull mode reads a PlayoutDevice, which drains the ring into per-track
/// jitter buffers, measures, resamples and mixes (see PlayoutDevice.h). The device's pace drives
/// playout; nothing on that path allocates or locks.
///
/// listen(callSid) starts (or switches to) a call: playback starts afresh (jitter buffers reset)
/// and the output is opened if it is not; stop() routes nothing and closes the output. The output
/// device is the system default unless setOutputDevice() chose one; a chosen device that
/// disappears stops playback with an error, a default that changes is followed.
///
/// Levels: per track (inbound, outbound) RMS and peak dBFS and voice activity of what is played,
/// readable at any time from atomics (levels()) and announced by levelsChanged() at most ten times
/// a second while listening.
///
/// Errors are said in words through errorOccurred() and errorString(): no output device, the
/// device could not be opened, the device was lost.
///
/// Create and use on the main thread; it owns the audio thread.
class LivePlayback : public QObject
{
    Q_OBJECT

public:
    /// How the tap reaches the network side: normally [core](sid, tap) { core->listenTo(sid, tap); }.
    using Route = std::function<void(const QString& callSid, calls::MediaSession::FrameTap tap)>;

    struct TrackLevels
    {
        double rmsDb = -96.0;
        double peakDb = -96.0;
        bool talking = false;
        bool operator==(const TrackLevels&) const = default;
    };

    explicit LivePlayback(QObject* parent = nullptr);
    ~LivePlayback() override;

    /// Where listen() sends the tap (a null route: nothing is heard). The current call, if any,
    /// is routed through the new one at once.
    void setRoute(Route route);
    void listen(const QString& callSid);
    void stop();

    /// The listened call; empty when stopped.
    QString callSid() const { return m_callSid; }
    /// The output is open and pulling audio.
    bool isPlaying() const { return m_playing; }
    /// A null device means the system default (the default).
    void setOutputDevice(const QAudioDevice& device);
    QAudioDevice outputDevice() const { return m_device; }
    /// The last error in words; empty while playing without one.
    QString errorString() const { return m_error; }

    /// Levels of what is being played, track 0 inbound, 1 outbound. Any thread.
    TrackLevels levels(int track) const;
    /// Frames the ring dropped because the audio side did not keep up.
    uint64_t droppedFrames() const { return m_feed->ring.dropped(); }
    /// 20 ms frames rendered by the audio side (it runs while this grows).
    uint64_t renderedFrames() const { return m_feed->ticks.load(std::memory_order_relaxed); }

signals:
    void listeningChanged(const QString& callSid);
    /// The output opened (`device`, `format` in words) or closed (both empty).
    void playingChanged(bool playing, const QString& device, const QString& format);
    void levelsChanged(const sb::listen::LivePlayback::TrackLevels& inbound,
                       const sb::listen::LivePlayback::TrackLevels& outbound);
    void errorOccurred(const QString& message);

private:
    void routeCurrent();
    void openOutput();
    void closeOutput();
    void fail(const QString& message);
    void onOutputsChanged();
    void publishLevels();
    QAudioDevice resolvedDevice() const;

    std::shared_ptr<LiveFeed> m_feed;
    Route m_route;
    QString m_callSid;
    QAudioDevice m_device; ///< chosen; null: default
    QByteArray m_openedId; ///< id of the device the output was opened on
    QString m_error;
    bool m_playing = false;
    bool m_outputWanted = false;
    std::unique_ptr<QThread> m_thread;
    AudioOutput* m_output = nullptr; ///< lives on m_thread
    QMediaDevices* m_devices = nullptr;
    QTimer* m_levelTimer = nullptr;
    TrackLevels m_published[2];
};

} // namespace sb::listen
