// SPDX-License-Identifier: GPL-3.0-or-later
#include "calls/MediaSession.h"

#include "audio/MuLaw.h"
#include "calls/CallRegistry.h"
#include "common/Logging.h"

#include <QDir>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTimer>
#include <QWebSocket>
#include <bit>

namespace sb::calls {
namespace {

using twilio::MediaTrack;

constexpr qint64 kSamplesPerMs = 8;            // 8 kHz
constexpr qint64 kToleranceSamples = 2 * 8;    // 2 ms of timestamp jitter is not a gap
constexpr qsizetype kRecentSequences = 512;    // window for duplicate detection (at least this many)
constexpr qsizetype kFrameBytes = 160;         // 20 ms of 8 kHz mu-law, Twilio's frame (PROTOCOL.md §5.2)
constexpr qint64 kLossReportIntervalMs = 1000; // stream.loss events: at most one a second per track
// Media offsets are clamped to this before they become sample counts (no overflow at 8 per ms).
constexpr qint64 kMaxOffsetMs = qint64(1) << 58;

int trackIndex(MediaTrack t)
{
    return t == MediaTrack::Inbound ? 0 : 1;
}

QString safeFileComponent(QString s)
{
    for (QChar& c : s) {
        if (!(c.isLetterOrNumber() && c.unicode() < 128) && c != QLatin1Char('-') && c != QLatin1Char('_'))
            c = QLatin1Char('_');
    }
    return s.left(80);
}

} // namespace

MediaSession::MediaSession(
    QWebSocket* socket, CallRegistry* registry, QString audioDir, MediaLimits limits, QObject* parent)
    : QObject(parent)
    , m_socket(socket)
    , m_registry(registry)
    , m_audioDir(std::move(audioDir))
    , m_limits(limits)
{
    qRegisterMetaType<sb::calls::TrackStats>();
    m_clock.start();
    m_rate = TokenBucket(m_limits.messagesPerSecond, m_limits.messageBurst, 0);
    m_tracks[0].stats.track = twilio::toWireString(MediaTrack::Inbound);
    m_tracks[1].stats.track = twilio::toWireString(MediaTrack::Outbound);
    socket->setParent(this);
    connect(socket, &QWebSocket::textMessageReceived, this, &MediaSession::handleText);
    connect(socket, &QWebSocket::binaryMessageReceived, this, [this] { handleBinary(); });
    connect(socket, &QWebSocket::disconnected, this, [this] {
        finish(m_bound ? QStringLiteral("socket closed without stop") : QStringLiteral("socket closed before start"));
    });
    m_startTimer = new QTimer(this);
    m_startTimer->setSingleShot(true);
    connect(m_startTimer, &QTimer::timeout, this, [this] {
        if (!m_bound)
            reject(QStringLiteral("no valid start message within %1 ms").arg(m_limits.startTimeoutMs));
    });
    m_startTimer->start(m_limits.startTimeoutMs);

    // The writers flush by audio time; this also flushes by wall time, so a stream that goes
    // quiet (or a process killed right after a burst) loses at most one interval.
    auto* flusher = new QTimer(this);
    flusher->setTimerType(Qt::PreciseTimer);
    connect(flusher, &QTimer::timeout, this, [this] {
        for (Track& tr : m_tracks) {
            if (tr.wav)
                tr.wav->flush();
        }
    });
    flusher->start(m_limits.wavFlushIntervalMs);
}

MediaSession::~MediaSession()
{
    finish(QStringLiteral("shutdown"));
}

TrackStats MediaSession::stats(MediaTrack which) const
{
    return m_tracks[trackIndex(which)].stats;
}

qint64 MediaSession::discontinuities(MediaTrack which) const
{
    return m_tracks[trackIndex(which)].discontinuities;
}

void DecodeLatency::add(qint64 ns)
{
    ++buckets[size_t(std::min<int>(63, int(std::bit_width(quint64(std::max<qint64>(0, ns))))))];
}

qint64 DecodeLatency::count() const
{
    qint64 n = 0;
    for (qint64 b : buckets)
        n += b;
    return n;
}

qint64 DecodeLatency::percentileUpperBoundNs(double p) const
{
    const qint64 total = count();
    qint64 seen = 0;
    for (size_t i = 0; i < buckets.size() && total > 0; ++i) {
        seen += buckets[i];
        if (double(seen) >= p * double(total))
            return qint64(1) << i;
    }
    return -1;
}

void MediaSession::handleBinary()
{
    // Twilio sends JSON text frames only (a binary frame is its 31950 case).
    reportMalformed(twilio::binaryFrameError());
}

void MediaSession::reportMalformed(const Error& error)
{
    ++m_malformed;
    if (m_reportedMalformed)
        return;
    m_reportedMalformed = true; // reported once per stream, like Twilio's 31950/31951 warnings
    qCWarning(log::app).noquote() << "media: stream"
                                  << (m_start.streamSid.isEmpty() ? QStringLiteral("(unbound)") : m_start.streamSid)
                                  << "sent an invalid message (" << twilio::twilioErrorCode(error)
                                  << "):" << error.message;
    if (m_bound) {
        m_registry->recordEvent(m_start.callSid,
                                QStringLiteral("stream.invalid-message"),
                                QJsonObject{{QStringLiteral("stream_sid"), m_start.streamSid},
                                            {QStringLiteral("code"), twilio::twilioErrorCode(error)},
                                            {QStringLiteral("reason"), error.message}});
    }
}

void MediaSession::warnOnce(const QString& problem, const QString& reason, bool dropped)
{
    if (!m_bound || m_warned.contains(problem))
        return;
    m_warned.insert(problem);
    qCWarning(log::app).noquote() << "media: stream" << m_start.streamSid << "-" << reason;
    QJsonObject detail{{QStringLiteral("stream_sid"), m_start.streamSid},
                       {QStringLiteral("problem"), problem},
                       {QStringLiteral("reason"), reason}};
    if (dropped) // a message Twilio would not send: its 31951 case (app/twilio/PROTOCOL.md §5.1)
        detail.insert(QStringLiteral("code"), 31951);
    m_registry->recordEvent(m_start.callSid, QStringLiteral("stream.protocol-warning"), detail);
}

void MediaSession::handleText(const QString& text)
{
    QElapsedTimer arrival;
    arrival.start();
    if (m_finished)
        return;
    if (!m_rate.take(m_clock.elapsed())) {
        reject(QStringLiteral("message rate above %1 per second").arg(m_limits.messagesPerSecond));
        return;
    }
    twilio::ParseOptions options;
    if (m_bound)
        options.expectedStreamSid = m_start.streamSid;
    const auto parsed = twilio::parseTwilioMessage(QStringView(text), options);
    if (!parsed.ok()) {
        reportMalformed(parsed.error());
        return;
    }
    const twilio::TwilioMessage& message = parsed.value();
    if (const auto* media = std::get_if<twilio::MediaMessage>(&message)) {
        if (m_bound) {
            handleMedia(*media, arrival);
        } else {
            ++m_mediaBeforeStart; // reported on the call once the stream binds
            reportMalformed(makeError(QStringLiteral("media-before-start"), QStringLiteral("media before start")));
        }
        return;
    }
    if (std::holds_alternative<twilio::ConnectedMessage>(message)) {
        m_connected = true;
        return;
    }
    if (const auto* start = std::get_if<twilio::StartMessage>(&message)) {
        if (m_bound)
            reportMalformed(makeError(QStringLiteral("second-start"), QStringLiteral("a second start message")));
        else
            handleStart(*start);
        return;
    }
    if (!m_bound) {
        reportMalformed(makeError(QStringLiteral("before-start"),
                                  QStringLiteral("%1 before start").arg(twilio::eventName(message))));
        return;
    }
    if (const auto* dtmf = std::get_if<twilio::DtmfMessage>(&message)) {
        // One key: 0-9, * or #, and the A-D of a full keypad (app/twilio/PROTOCOL.md §5.2).
        static const QRegularExpression oneKey(QStringLiteral("\\A[0-9*#A-Da-d]\\z"));
        if (!oneKey.match(dtmf->digit).hasMatch()) {
            warnOnce(QStringLiteral("dtmf-digit"),
                     QStringLiteral("dtmf digit \"%1\"%2 is not one key; dropped")
                         .arg(dtmf->digit.left(20), dtmf->digit.size() > 20 ? QStringLiteral("...") : QString()),
                     true);
            return;
        }
        m_registry->recordEvent(m_start.callSid,
                                QStringLiteral("dtmf"),
                                QJsonObject{{QStringLiteral("stream_sid"), m_start.streamSid},
                                            {QStringLiteral("digit"), dtmf->digit},
                                            {QStringLiteral("sequence"), dtmf->sequenceNumber}});
    } else if (const auto* mark = std::get_if<twilio::MarkMessage>(&message)) {
        m_registry->recordEvent(m_start.callSid,
                                QStringLiteral("mark"),
                                QJsonObject{{QStringLiteral("stream_sid"), m_start.streamSid},
                                            {QStringLiteral("name"), mark->name},
                                            {QStringLiteral("sequence"), mark->sequenceNumber}});
    } else if (const auto* stop = std::get_if<twilio::StopMessage>(&message)) {
        if (stop->callSid != m_start.callSid) {
            // Not this stream's call: it neither stops this stream nor touches that call.
            warnOnce(QStringLiteral("stop-call"),
                     QStringLiteral("stop names call %1, but this stream belongs to %2; ignored")
                         .arg(stop->callSid.left(40), m_start.callSid),
                     true);
            return;
        }
        handleStop(*stop);
    }
}

void MediaSession::handleStart(const twilio::StartMessage& start)
{
    const QByteArray token = start.customParameter(QString::fromLatin1(kCallTokenParameter)).toLatin1();
    const auto call = m_registry->bindStream(start.callSid, token, start.streamSid);
    if (!call.ok()) {
        if (m_registry->find(start.callSid)) {
            m_registry->recordEvent(start.callSid,
                                    QStringLiteral("stream.rejected"),
                                    QJsonObject{{QStringLiteral("stream_sid"), start.streamSid},
                                                {QStringLiteral("reason"), call.error().message}});
        }
        reject(call.error().message);
        return;
    }
    m_start = start;
    m_startedAt = QDateTime::currentDateTimeUtc();
    m_bound = true;
    m_maxSequence = start.sequenceNumber;
    m_startTimer->stop();
    m_bidirectional = m_registry->isBidirectional(start.callSid);

    const QString dir = QDir(m_audioDir).filePath(safeFileComponent(start.callSid));
    QDir().mkpath(dir);
    for (MediaTrack t : start.tracks) {
        Track& tr = track(t);
        tr.stats.streamSid = start.streamSid;
        tr.stats.callSid = start.callSid;
        tr.stats.wavPath = QDir(dir).filePath(safeFileComponent(start.streamSid) + QLatin1Char('-') +
                                              twilio::toWireString(t) + QStringLiteral(".wav"));
        tr.wav = std::make_unique<audio::WavWriter>();
        audio::WavWriter::Options options;
        options.flushIntervalMs = m_limits.wavFlushIntervalMs;
        options.replaceExisting = true;
        options.maxDataBytes = m_limits.maxWavDataBytes;
        if (!tr.wav->open(tr.stats.wavPath, options)) {
            qCWarning(log::app).noquote()
                << "media: cannot capture" << tr.stats.wavPath << "-" << tr.wav->errorString();
            tr.wav.reset();
        }
    }
    QJsonObject parameters;
    for (const auto& [name, value] : start.customParameters) {
        if (name != QLatin1String(kCallTokenParameter))
            parameters.insert(name, value);
    }
    QStringList tracks;
    for (MediaTrack t : start.tracks)
        tracks << twilio::toWireString(t);
    m_registry->recordEvent(start.callSid,
                            QStringLiteral("stream.start"),
                            QJsonObject{{QStringLiteral("stream_sid"), start.streamSid},
                                        {QStringLiteral("tracks"), tracks.join(QLatin1Char(','))},
                                        {QStringLiteral("bidirectional"), m_bidirectional},
                                        {QStringLiteral("custom_parameters"), parameters}});
    emit bound(start.callSid, start.streamSid);
    // After bound(): storage must have the stream row before its tracks' statistics.
    for (MediaTrack t : start.tracks)
        emit statsChanged(track(t).stats);
    if (m_mediaBeforeStart > 0) {
        warnOnce(QStringLiteral("media-before-start"),
                 QStringLiteral("%1 media message(s) arrived before start; dropped").arg(m_mediaBeforeStart),
                 true);
    }
}

MediaSession::Track& MediaSession::track(MediaTrack which)
{
    return m_tracks[trackIndex(which)];
}

void MediaSession::handleMedia(const twilio::MediaMessage& media, const QElapsedTimer& arrival)
{
    Track& tr = track(media.track);
    TrackStats& s = tr.stats;
    if (s.streamSid.isEmpty()) { // a track the start message did not announce
        reportMalformed(makeError(
            QStringLiteral("unannounced-track"),
            QStringLiteral("media on track %1, which start did not list").arg(twilio::toWireString(media.track))));
        return;
    }
    // Duplicates and reordering, from the stream-wide sequence number.
    if (m_recentSequences.contains(media.sequenceNumber)) {
        ++s.duplicates;
        return;
    }
    m_recentSequences.insert(media.sequenceNumber);
    // Pruned when twice the window, so the scan happens once per 512 frames, not on every frame.
    if (m_recentSequences.size() > 2 * kRecentSequences) {
        const qint64 floor = m_maxSequence - kRecentSequences;
        m_recentSequences.removeIf([floor](qint64 v) { return v < floor; });
    }
    if (media.sequenceNumber < m_maxSequence)
        ++s.reordered;
    m_maxSequence = qMax(m_maxSequence, media.sequenceNumber);

    ++s.frames;
    s.bytes += media.payload.size();
    const qsizetype samples = media.payload.size();
    if (qsizetype(m_pcm.size()) < samples)
        m_pcm.resize(size_t(samples));
    audio::mulaw::decode(reinterpret_cast<const uint8_t*>(media.payload.constData()), samples, m_pcm.data());
    if (m_latency)
        m_latency->add(arrival.nsecsElapsed());
    if (m_tap)
        m_tap(TappedFrame{m_start.callSid, media.track, media.sequenceNumber, media.timestamp, m_pcm.data(), samples});

    if (samples != kFrameBytes) {
        warnOnce(QStringLiteral("frame-size"),
                 QStringLiteral("a media payload of %1 bytes (Twilio's frames are %2 bytes, 20 ms); kept")
                     .arg(samples)
                     .arg(kFrameBytes),
                 false);
    }

    const bool placed = place(tr, media.timestamp, media.track);
    if (s.gaps != tr.reportedGaps || s.late != tr.reportedLate)
        reportLoss(tr, media.track, false);
    if (!placed)
        return;
    if (tr.wav && !tr.wav->append(m_pcm.data(), samples))
        stopCapture(tr);
    s.samplesWritten += samples;
}

void MediaSession::reportLoss(Track& tr, MediaTrack which, bool force)
{
    const TrackStats& s = tr.stats;
    if (s.gaps == tr.reportedGaps && s.late == tr.reportedLate)
        return;
    const qint64 now = m_clock.elapsed();
    if (!force && tr.lastLossReportMs >= 0 && now - tr.lastLossReportMs < kLossReportIntervalMs)
        return;
    m_registry->recordEvent(m_start.callSid,
                            QStringLiteral("stream.loss"),
                            QJsonObject{{QStringLiteral("stream_sid"), m_start.streamSid},
                                        {QStringLiteral("track"), twilio::toWireString(which)},
                                        {QStringLiteral("gaps"), s.gaps - tr.reportedGaps},
                                        {QStringLiteral("missing_ms"), s.missingMs - tr.reportedMissingMs},
                                        {QStringLiteral("late_frames"), s.late - tr.reportedLate},
                                        {QStringLiteral("at_ms"), s.samplesWritten / kSamplesPerMs}});
    tr.reportedGaps = s.gaps;
    tr.reportedMissingMs = s.missingMs;
    tr.reportedLate = s.late;
    tr.lastLossReportMs = now;
}

bool MediaSession::place(Track& tr, qint64 timestamp, MediaTrack which)
{
    // Place the frame by its timestamp so the file stays aligned with the call's time line, within
    // the bounds of MediaLimits::maxTimestampLeadMs.
    TrackStats& s = tr.stats;
    const qint64 now = m_clock.elapsed();
    if (!tr.placing) {
        tr.placing = true;
        tr.originTimestamp = timestamp;
        tr.firstArrivalMs = now;
    }
    // Timestamps have at most 18 digits and the origin is one minus the audio written: no overflow.
    const qint64 offsetMs = timestamp - tr.originTimestamp;
    const qint64 target = std::clamp(offsetMs, -kMaxOffsetMs, kMaxOffsetMs) * kSamplesPerMs;
    const qint64 lead = qint64(m_limits.maxTimestampLeadMs) * kSamplesPerMs;
    const qint64 silenceAllowed = (now - tr.firstArrivalMs) * kSamplesPerMs + lead - tr.silenceSamples;
    const qint64 gap = target - s.samplesWritten;
    if ((gap > kToleranceSamples && gap > silenceAllowed) || gap < -lead) {
        // A discontinuity: no fill; this frame goes right after the audio before it, and the
        // following frames are placed relative to it.
        const qint64 writtenMs = s.samplesWritten / kSamplesPerMs;
        tr.originTimestamp = timestamp - writtenMs;
        if (++tr.discontinuities == 1) {
            const qint64 jumpMs = offsetMs - writtenMs;
            qCWarning(log::app).noquote()
                << "media: stream" << m_start.streamSid << twilio::toWireString(which) << "timestamp" << timestamp
                << "jumps" << jumpMs << "ms from its time line; placed without a gap";
            m_registry->recordEvent(m_start.callSid,
                                    QStringLiteral("stream.discontinuity"),
                                    QJsonObject{{QStringLiteral("stream_sid"), m_start.streamSid},
                                                {QStringLiteral("track"), twilio::toWireString(which)},
                                                {QStringLiteral("timestamp"), timestamp},
                                                {QStringLiteral("jump_ms"), jumpMs},
                                                {QStringLiteral("filled_ms"), 0},
                                                {QStringLiteral("max_lead_ms"), m_limits.maxTimestampLeadMs}});
        }
        return true;
    }
    if (target + kToleranceSamples < s.samplesWritten) {
        ++s.late;
        return false;
    }
    if (gap > kToleranceSamples) {
        ++s.gaps;
        s.missingMs += gap / kSamplesPerMs;
        tr.silenceSamples += gap;
        writeSilence(tr, gap);
        s.samplesWritten += gap;
    }
    return true;
}

bool MediaSession::writeSilence(Track& tr, qint64 samples)
{
    static const std::array<int16_t, 800> silence{};
    for (qint64 left = samples; left > 0 && tr.wav;) {
        const qint64 n = std::min<qint64>(left, qint64(silence.size()));
        if (!tr.wav->append(silence.data(), qsizetype(n))) {
            stopCapture(tr);
            return false;
        }
        left -= n;
    }
    return true;
}

void MediaSession::stopCapture(Track& tr)
{
    const Error error = tr.wav->error();
    qCWarning(log::app).noquote() << "media: capture of" << tr.stats.wavPath << "stopped:" << error.message;
    tr.wav->close(); // a valid file of what was written
    tr.wav.reset();
    m_registry->recordEvent(m_start.callSid,
                            QStringLiteral("stream.capture-stopped"),
                            QJsonObject{{QStringLiteral("stream_sid"), m_start.streamSid},
                                        {QStringLiteral("track"), tr.stats.track},
                                        {QStringLiteral("code"), error.code},
                                        {QStringLiteral("reason"), error.message},
                                        {QStringLiteral("wav_path"), tr.stats.wavPath}});
}

void MediaSession::handleStop(const twilio::StopMessage& stop)
{
    m_registry->recordEvent(m_start.callSid,
                            QStringLiteral("stream.stop"),
                            QJsonObject{{QStringLiteral("stream_sid"), m_start.streamSid},
                                        {QStringLiteral("sequence"), stop.sequenceNumber}});
    finish(QStringLiteral("stop"));
    if (m_socket)
        m_socket->close(QWebSocketProtocol::CloseCodeNormal, QStringLiteral("stopped"));
}

void MediaSession::reject(const QString& reason)
{
    qCWarning(log::app).noquote() << "media: closing stream"
                                  << (m_start.streamSid.isEmpty() ? QStringLiteral("(unbound)") : m_start.streamSid)
                                  << "-" << reason;
    if (m_socket)
        m_socket->close(QWebSocketProtocol::CloseCodePolicyViolated, reason.left(120));
    finish(reason);
}

void MediaSession::finish(const QString& reason)
{
    if (m_finished)
        return;
    m_finished = true;
    if (m_startTimer)
        m_startTimer->stop();
    for (MediaTrack which : {MediaTrack::Inbound, MediaTrack::Outbound}) {
        if (m_bound && !track(which).stats.streamSid.isEmpty())
            reportLoss(track(which), which, true);
    }
    for (Track& tr : m_tracks) {
        if (tr.wav) {
            tr.wav->close();
            tr.wav.reset();
        }
        if (!tr.stats.streamSid.isEmpty())
            emit statsChanged(tr.stats);
    }
    if (m_bound)
        m_registry->streamEnded(m_start.callSid, m_start.streamSid, reason);
    emit finished(m_start.streamSid, reason);
}

bool MediaSession::send(const QByteArray& json)
{
    if (!m_bound || m_finished || !m_bidirectional || !m_socket)
        return false;
    return m_socket->sendTextMessage(QString::fromUtf8(json)) > 0;
}

bool MediaSession::sendAudio(const QByteArray& mulaw)
{
    return send(twilio::toJson(twilio::AppMediaMessage{m_start.streamSid, mulaw}));
}

bool MediaSession::sendMark(const QString& name)
{
    return send(twilio::toJson(twilio::AppMarkMessage{m_start.streamSid, name}));
}

bool MediaSession::sendClear()
{
    return send(twilio::toJson(twilio::ClearMessage{m_start.streamSid}));
}

} // namespace sb::calls
