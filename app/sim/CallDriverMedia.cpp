// SPDX-License-Identifier: GPL-3.0-or-later
// Call time: spans of 20 ms ticks, paced, carrying media frames and mark echoes to live streams.
#include "sim/CallDriver.h"
#include "sim/CallDriverInternal.h"
#include "sim/StreamPeer.h"

#include <QTimer>
#include <algorithm>
#include <climits>

namespace sb::sim {

using detail::frameAt;
using detail::kFrameBytes;

QByteArray detail::frameAt(const QByteArray& audio, qint64 index)
{
    QByteArray frame = audio.mid(qsizetype(index) * kFrameBytes, kFrameBytes);
    if (frame.size() < kFrameBytes)
        frame.append(kFrameBytes - frame.size(), kMuLawSilence);
    return frame;
}

bool CallDriver::anyLiveStream() const
{
    return std::any_of(m_streams.begin(), m_streams.end(), [](const auto& s) { return s->live(); });
}

qsizetype CallDriver::messagesPerTick() const
{
    qsizetype n = 0;
    for (const auto& s : m_streams) {
        if (s->live())
            n += s->spec.tracks().size();
    }
    return std::max<qsizetype>(1, n);
}

void CallDriver::runSpan(
    qint64 ms, QByteArray inbound, QByteArray outbound, std::function<void()> then, std::function<bool()> until)
{
    if (m_ending)
        return;
    ms = std::max<qint64>(0, ms);
    bool clipped = false;
    const qint64 allowed = m_config.maxDurationMs - m_callMs;
    if (ms > allowed) {
        ms = std::max<qint64>(0, allowed);
        clipped = true;
    }
    auto finish = [this, clipped, then] {
        if (m_ending)
            return;
        if (clipped)
            finishCall(QStringLiteral("completed"), QStringLiteral("the caller hung up (maximum call duration)"));
        else
            then();
    };
    if (!anyLiveStream()) {
        m_callMs += ms;
        QTimer::singleShot(m_config.realtime ? int(std::min<qint64>(ms, INT_MAX)) : 0, this, finish);
        return;
    }
    m_span = std::make_unique<Span>();
    m_span->ticks = (ms + 19) / 20;
    m_span->inbound = std::move(inbound);
    m_span->outbound = std::move(outbound);
    m_span->until = std::move(until);
    m_span->then = finish;
    m_span->clipped = clipped;
    m_span->tokens = double(messagesPerTick()); // the first tick goes at once
    m_span->clock.start();
    m_tickTimer->start(m_config.realtime ? 20 : 5);
    onTick();
}

void CallDriver::onTick()
{
    if (!m_span) {
        m_tickTimer->stop();
        return;
    }
    Span& s = *m_span;
    const qint64 now = s.clock.elapsed();
    qint64 due = 0;
    const bool live = anyLiveStream();
    if (!live && !m_config.realtime) {
        due = s.ticks - s.done; // nobody listens: no need to pace
    } else if (m_config.realtime) {
        due = now / 20 + 1 - s.done;
    } else {
        const double perTick = double(messagesPerTick());
        const double rate = std::max(1, m_config.messagesPerSecond);
        s.tokens += double(now - s.lastMs) * rate / 1000.0;
        s.lastMs = now;
        s.tokens = std::min(s.tokens, std::max(rate / 4.0, perTick));
        due = qint64(s.tokens / perTick);
        s.tokens -= double(due) * perTick;
    }
    bool stop = false;
    for (qint64 i = 0; i < due && s.done < s.ticks; ++i) {
        if (s.until && s.until()) {
            stop = true;
            break;
        }
        sendTick(frameAt(s.inbound, s.done), frameAt(s.outbound, s.done));
        ++s.done;
        m_callMs += 20;
    }
    if (s.until && s.until())
        stop = true;
    if (stop || s.done >= s.ticks) {
        m_tickTimer->stop();
        const std::unique_ptr<Span> finished = std::move(m_span);
        finished->then();
    }
}

void CallDriver::sendTick(const QByteArray& inbound, const QByteArray& outboundSay)
{
    QByteArray outbound = outboundSay;
    if (!m_config.outboundAudio.isEmpty()) {
        outbound = frameAt(m_config.outboundAudio.mid(m_outboundPos, kFrameBytes), 0);
        m_outboundPos += kFrameBytes;
    }
    for (auto& owned : m_streams) {
        Stream* s = owned.get();
        if (!s->live())
            continue;
        for (twilio::MediaTrack track : s->spec.tracks()) {
            twilio::MediaMessage m;
            m.track = track;
            const int index = track == twilio::MediaTrack::Inbound ? 0 : 1;
            m.chunk = ++s->chunks[index];
            m.timestamp = m_callMs - s->startCallMs;
            m.payload = track == twilio::MediaTrack::Inbound ? inbound : outbound;
            s->send(std::move(m));
            if (index == 0)
                ++s->report.inboundFrames;
            else
                ++s->report.outboundFrames;
        }
        if (s->spec.bidirectional) {
            const PlayoutQueue::Advance played = s->playout.advance(20);
            echoMarks(s, played.marks, QStringLiteral("played"));
        }
    }
}

void CallDriver::echoMarks(Stream* s, const QStringList& marks, const QString& why)
{
    for (const QString& name : marks) {
        twilio::MarkMessage mark;
        mark.name = name;
        s->send(mark);
        ++s->report.marksEchoed;
        note(QStringLiteral("stream.mark"), QStringLiteral("echo \"%1\" (%2)").arg(name, why));
    }
}

} // namespace sb::sim
