// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "audio/WavWriter.h"
#include "common/TokenBucket.h"
#include "twilio/MediaMessages.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <array>
#include <functional>
#include <memory>

class QWebSocket;
class QTimer;

namespace sb::calls {

class CallRegistry;

/// Counters of one track of one stream. Frames are counted when they arrive; gaps and late
/// frames come from the media timestamps, duplicates and reordering from sequence numbers
/// (robust whether Twilio counts `chunk` per track or per stream).
struct TrackStats
{
    QString streamSid;
    QString callSid;
    QString track;         ///< inbound / outbound
    qint64 frames = 0;     ///< media messages accepted
    qint64 bytes = 0;      ///< mu-law bytes accepted
    qint64 gaps = 0;       ///< times audio was missing
    qint64 missingMs = 0;  ///< audio missing in all (filled with silence in the WAV)
    qint64 reordered = 0;  ///< arrived after a later sequence number
    qint64 duplicates = 0; ///< a sequence number seen before (dropped)
    qint64 late = 0;       ///< arrived after its place in the file was written (dropped)
    qint64 samplesWritten = 0;
    QString wavPath;
};

/// Time from a media message's arrival to its decoded PCM, in power-of-two nanosecond buckets
/// (bucket i counts times below 2^i ns). Owned by whoever runs the sessions (the network side)
/// and shared by its sessions; used on their thread only.
struct DecodeLatency
{
    std::array<qint64, 64> buckets{};

    void add(qint64 ns);
    qint64 count() const;
    /// Upper bound (ns) of the bucket holding the p-th fraction of the samples; -1 when empty.
    qint64 percentileUpperBoundNs(double p) const;
};

struct MediaLimits
{
    double messagesPerSecond = 400; ///< both tracks at 50 frames/s plus marks, with headroom
    double messageBurst = 800;
    int startTimeoutMs = 10000; ///< `start` must arrive this soon after the upgrade
    /// Crash contract of the live capture: a kill -9 at any moment loses less than this much of
    /// each track's audio (timeline time, silence included). Each track's WavWriter hands its
    /// buffer to the OS as soon as it holds this much audio (see WavWriter::Options), so what is
    /// buffered is always less; the session also flushes every track this often by the wall clock,
    /// so a stream that goes quiet is on disk within this time. The next start repairs the header.
    int wavFlushIntervalMs = 100;
    /// How far media time may outrun the wall clock. Frames are placed by their timestamps and
    /// gaps filled with silence, but the silence written to a track never exceeds the wall-clock
    /// time since the track's first frame plus this lead; and a frame whose place was written
    /// more than this long ago is not "late" either. A frame outside those bounds is a
    /// discontinuity: nothing is filled, the frame goes right after the audio before it, and later
    /// frames are placed relative to it. The first discontinuity of each track is reported
    /// (`stream.discontinuity`), the rest counted. So a sender's timestamps can never make the
    /// app write more than real time's worth of silence, whatever they say.
    int maxTimestampLeadMs = 10000;
    /// Largest capture per track (data bytes; at most WAV's 4 GiB header limit). When a track
    /// reaches it, its WAV is closed as a valid file, `stream.capture-stopped` is reported once,
    /// and the stream goes on without capture (statistics still count).
    qint64 maxWavDataBytes = audio::kMaxWavDataBytes;
};

/// One Media Streams WebSocket: binds to its call on `start` (callSid + the call's token in
/// customParameters), decodes `media` to 16-bit PCM per track and writes each track to
/// `<audioDir>/<CallSid>/<StreamSid>-<track>.wav` as it arrives, turns `dtmf`/`mark`/`stop` into
/// call events, and on bidirectional streams sends `media`/`mark`/`clear`. A malformed message is
/// counted and reported once (Twilio's 31951 rule) and never ends the stream; a flood or a stream
/// that never binds is closed with a reason, and so is a second connection presenting a stream
/// that is already live (CallRegistry::bindStream). Protocol slips that are not malformed JSON
/// are reported once per stream and kind as `stream.protocol-warning` (`problem`): `frame-size`
/// (a payload other than 160 bytes = 20 ms; kept, app/twilio/PROTOCOL.md §5.2), `dtmf-digit` (a
/// digit that is not one key; dropped), `stop-call` (a `stop` naming another call; ignored, the
/// stream goes on) and `media-before-start` (dropped, reported once the stream binds).
///
/// Lives on the network thread with its socket.
class MediaSession : public QObject
{
    Q_OBJECT

public:
    /// One decoded frame (PCM16, 8 kHz mono) as a tap sees it; the pointers are valid only during
    /// the call.
    struct TappedFrame
    {
        const QString& callSid;
        twilio::MediaTrack track;
        qint64 sequenceNumber; ///< the stream-wide `sequenceNumber`
        qint64 timestampMs;    ///< `media.timestamp`
        const int16_t* pcm;
        qsizetype samples;
    };
    /// Called on the network thread with each accepted (not duplicate) frame for taps: meters,
    /// transcriber, player. It runs inside the media path: it must be cheap and must not block.
    using FrameTap = std::function<void(const TappedFrame& frame)>;

    MediaSession(
        QWebSocket* socket, CallRegistry* registry, QString audioDir, MediaLimits limits, QObject* parent = nullptr);
    ~MediaSession() override;

    QString streamSid() const { return m_start.streamSid; }
    QString callSid() const { return m_start.callSid; }
    bool isBound() const { return m_bound; }
    /// The `start` message this stream was bound with (empty before).
    const twilio::StartMessage& startMessage() const { return m_start; }
    QDateTime startedAt() const { return m_startedAt; }
    bool isBidirectional() const { return m_bidirectional; }
    TrackStats stats(twilio::MediaTrack track) const;
    qint64 malformedMessages() const { return m_malformed; }
    /// Frames of the track that were a discontinuity (see MediaLimits::maxTimestampLeadMs).
    qint64 discontinuities(twilio::MediaTrack track) const;
    void setFrameTap(FrameTap tap) { m_tap = std::move(tap); }

    /// Bidirectional streams only: queue audio (raw mu-law) / a mark / clear at Twilio.
    bool sendAudio(const QByteArray& mulaw);
    bool sendMark(const QString& name);
    bool sendClear();

    /// Closes the stream's files and socket (shutdown).
    void finish(const QString& reason);

    /// Where to count each frame's arrival-to-PCM time (null: not counted). Must outlive the
    /// session.
    void setDecodeLatency(DecodeLatency* latency) { m_latency = latency; }

signals:
    void bound(const QString& callSid, const QString& streamSid);
    void statsChanged(const sb::calls::TrackStats& stats);
    void finished(const QString& streamSid, const QString& reason);

private:
    struct Track
    {
        TrackStats stats;
        std::unique_ptr<audio::WavWriter> wav;
        bool placing = false;       ///< the first frame arrived: the time line below is set
        qint64 originTimestamp = 0; ///< media timestamp of sample 0 of the file
        qint64 firstArrivalMs = 0;  ///< m_clock time of the first frame
        qint64 silenceSamples = 0;  ///< silence written to fill gaps
        qint64 discontinuities = 0;
        // What the last stream.loss event covered (gaps and late frames are reported in batches).
        qint64 reportedGaps = 0;
        qint64 reportedMissingMs = 0;
        qint64 reportedLate = 0;
        qint64 lastLossReportMs = -1;
    };

    void handleText(const QString& text);
    void handleBinary();
    void handleStart(const twilio::StartMessage& start);
    void handleMedia(const twilio::MediaMessage& media, const QElapsedTimer& arrival);
    void handleStop(const twilio::StopMessage& stop);
    void reject(const QString& reason);
    void reportMalformed(const Error& error);
    /// A stream.loss event for the gaps and late frames of `tr` not reported yet: the first at
    /// once, then at most one a second per track (and the rest when the stream finishes), so a
    /// lossy stream shows on the call's timeline without flooding it.
    void reportLoss(Track& tr, twilio::MediaTrack which, bool force);
    /// A stream.protocol-warning on the call, once per `problem` and stream.
    void warnOnce(const QString& problem, const QString& reason, bool dropped);
    /// Places a frame of `samples` on the track's time line; returns false when it is too late.
    bool place(Track& tr, qint64 timestamp, twilio::MediaTrack which);
    bool writeSilence(Track& tr, qint64 samples);
    /// After a write error or the size limit: closes the file (valid) and reports it once.
    void stopCapture(Track& tr);
    Track& track(twilio::MediaTrack which);
    bool send(const QByteArray& json);

    QPointer<QWebSocket> m_socket;
    CallRegistry* m_registry;
    QString m_audioDir;
    MediaLimits m_limits;
    TokenBucket m_rate;
    QElapsedTimer m_clock;
    QTimer* m_startTimer = nullptr;
    twilio::StartMessage m_start;
    QDateTime m_startedAt;
    bool m_connected = false;
    bool m_bound = false;
    bool m_bidirectional = false;
    bool m_finished = false;
    bool m_reportedMalformed = false;
    qint64 m_mediaBeforeStart = 0;
    QSet<QString> m_warned;
    qint64 m_malformed = 0;
    qint64 m_maxSequence = 0;
    QSet<qint64> m_recentSequences;
    std::array<Track, 2> m_tracks;
    std::vector<int16_t> m_pcm;
    FrameTap m_tap;
    DecodeLatency* m_latency = nullptr;
};

} // namespace sb::calls

Q_DECLARE_METATYPE(sb::calls::TrackStats)
