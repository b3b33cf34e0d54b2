// SPDX-License-Identifier: GPL-3.0-or-later
#include "sim/Report.h"

#include "audio/MuLaw.h"
#include "audio/WavFile.h"

#include <QJsonArray>
#include <algorithm>
#include <cstring>

namespace sb::sim {
namespace {

QJsonArray latencyArray(const QList<qint64>& values)
{
    QJsonArray a;
    for (qint64 v : values)
        a.append(v);
    return a;
}

qint64 percentile(QList<qint64> values, double p)
{
    if (values.isEmpty())
        return 0;
    std::sort(values.begin(), values.end());
    const auto index = qsizetype(p * double(values.size() - 1) + 0.5);
    return values.at(std::clamp<qsizetype>(index, 0, values.size() - 1));
}

} // namespace

bool CallReport::ok() const
{
    return std::none_of(issues.begin(), issues.end(), [](const SimIssue& i) { return i.fatal; });
}

QList<int> CallReport::issueCodes() const
{
    QList<int> codes;
    for (const SimIssue& i : issues)
        codes << i.code;
    return codes;
}

QList<TimelineEntry> CallReport::entries(const QString& kind) const
{
    QList<TimelineEntry> out;
    for (const TimelineEntry& e : timeline) {
        if (e.kind == kind)
            out << e;
    }
    return out;
}

QByteArray muLawToWav(const QByteArray& mulaw)
{
    const QList<int16_t> pcm = audio::mulaw::decode(QByteArrayView(mulaw));
    const auto dataBytes = quint32(pcm.size() * 2);
    const auto header = audio::makeWavHeader(8000, 1, dataBytes);
    QByteArray wav(header.data(), qsizetype(header.size()));
    QByteArray data(qsizetype(dataBytes), Qt::Uninitialized);
    for (qsizetype i = 0; i < pcm.size(); ++i) {
        const auto v = quint16(pcm.at(i));
        data[2 * i] = char(v & 0xFF);
        data[2 * i + 1] = char(v >> 8);
    }
    return wav + data;
}

QMap<QString, QByteArray> CallReport::recordingWavs() const
{
    QMap<QString, QByteArray> out;
    for (const RecordingReport& r : recordings)
        out.insert(r.recordingSid, muLawToWav(r.mulaw));
    return out;
}

QJsonObject CallReport::toJson() const
{
    QJsonArray timelineJson;
    for (const TimelineEntry& e : timeline) {
        QJsonObject o{{QStringLiteral("at_ms"), e.atMs},
                      {QStringLiteral("call_ms"), e.callMs},
                      {QStringLiteral("kind"), e.kind},
                      {QStringLiteral("summary"), e.summary}};
        if (!e.data.isEmpty())
            o.insert(QStringLiteral("data"), e.data);
        timelineJson.append(o);
    }
    QJsonArray issuesJson;
    for (const SimIssue& i : issues) {
        issuesJson.append(QJsonObject{
            {QStringLiteral("code"), i.code},
            {QStringLiteral("fatal"), i.fatal},
            {QStringLiteral("message"), i.message},
            {QStringLiteral("url"), i.url},
            {QStringLiteral("at_ms"), i.atMs},
            {QStringLiteral("more_info"), QStringLiteral("https://www.twilio.com/docs/errors/%1").arg(i.code)}});
    }
    QJsonArray streamsJson;
    for (const StreamReport& s : streams) {
        streamsJson.append(QJsonObject{{QStringLiteral("stream_sid"), s.streamSid},
                                       {QStringLiteral("name"), s.name},
                                       {QStringLiteral("url"), s.url},
                                       {QStringLiteral("track"), s.track},
                                       {QStringLiteral("bidirectional"), s.bidirectional},
                                       {QStringLiteral("inbound_frames"), s.inboundFrames},
                                       {QStringLiteral("outbound_frames"), s.outboundFrames},
                                       {QStringLiteral("dtmf_sent"), s.dtmfSent},
                                       {QStringLiteral("marks_echoed"), s.marksEchoed},
                                       {QStringLiteral("clears"), s.clears},
                                       {QStringLiteral("app_messages"), s.appMessages},
                                       {QStringLiteral("received_audio_bytes"), qint64(s.receivedAudio.size())},
                                       {QStringLiteral("error_code"), s.errorCode},
                                       {QStringLiteral("closed_by"), s.closedBy}});
    }
    QJsonArray recordingsJson;
    for (const RecordingReport& r : recordings) {
        recordingsJson.append(QJsonObject{{QStringLiteral("recording_sid"), r.recordingSid},
                                          {QStringLiteral("recording_url"), r.recordingUrl},
                                          {QStringLiteral("duration"), r.durationSeconds},
                                          {QStringLiteral("audio_bytes"), qint64(r.mulaw.size())}});
    }
    return QJsonObject{{QStringLiteral("call_sid"), callSid},
                       {QStringLiteral("account_sid"), accountSid},
                       {QStringLiteral("url"), url},
                       {QStringLiteral("from"), from},
                       {QStringLiteral("to"), to},
                       {QStringLiteral("ok"), ok()},
                       {QStringLiteral("status"), finalStatus},
                       {QStringLiteral("call_duration_ms"), callDurationMs},
                       {QStringLiteral("wall_ms"), wallMs},
                       {QStringLiteral("documents"), documents},
                       {QStringLiteral("callbacks"), callbacks},
                       {QStringLiteral("webhook_latency_ms"), latencyArray(webhookLatencyMs)},
                       {QStringLiteral("spoken"), QJsonArray::fromStringList(spoken)},
                       {QStringLiteral("issues"), issuesJson},
                       {QStringLiteral("streams"), streamsJson},
                       {QStringLiteral("recordings"), recordingsJson},
                       {QStringLiteral("timeline"), timelineJson}};
}

QString CallReport::toText() const
{
    QString out = QStringLiteral("call %1  %2 -> %3  %4\n").arg(callSid, from, to, url);
    for (const TimelineEntry& e : timeline) {
        out += QStringLiteral("%1 ms  [call %2 ms]  %3  %4\n")
                   .arg(e.atMs, 7)
                   .arg(e.callMs, 7)
                   .arg(e.kind, -22)
                   .arg(e.summary);
    }
    for (const SimIssue& i : issues) {
        out += QStringLiteral("%1 %2: %3%4\n")
                   .arg(i.fatal ? QStringLiteral("error") : QStringLiteral("warning"))
                   .arg(i.code)
                   .arg(i.message, i.url.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(i.url));
    }
    out += QStringLiteral("result: %1, status %2, call time %3 s, %4 documents, %5 callbacks, wall %6 ms\n")
               .arg(ok() ? QStringLiteral("ok") : QStringLiteral("FAILED"), finalStatus)
               .arg(double(callDurationMs) / 1000.0, 0, 'f', 1)
               .arg(documents)
               .arg(callbacks)
               .arg(wallMs);
    return out;
}

QJsonObject LoadReport::toJson(bool withCalls) const
{
    QList<qint64> latencies;
    for (const CallReport& r : reports)
        latencies += r.webhookLatencyMs;
    QJsonObject o{{QStringLiteral("calls"), calls},
                  {QStringLiteral("succeeded"), succeeded},
                  {QStringLiteral("failed"), failed},
                  {QStringLiteral("wall_ms"), wallMs},
                  {QStringLiteral("webhook_latency_ms"),
                   QJsonObject{{QStringLiteral("count"), qint64(latencies.size())},
                               {QStringLiteral("p50"), percentile(latencies, 0.5)},
                               {QStringLiteral("p95"), percentile(latencies, 0.95)},
                               {QStringLiteral("max"), percentile(latencies, 1.0)}}}};
    if (withCalls) {
        QJsonArray a;
        for (const CallReport& r : reports)
            a.append(r.toJson());
        o.insert(QStringLiteral("reports"), a);
    }
    return o;
}

QString LoadReport::toText() const
{
    QList<qint64> latencies;
    QString out;
    for (const CallReport& r : reports) {
        latencies += r.webhookLatencyMs;
        QStringList codes;
        for (int c : r.issueCodes())
            codes << QString::number(c);
        out += QStringLiteral("%1  %2  %3  call %4 s  wall %5 ms%6\n")
                   .arg(r.callSid, r.ok() ? QStringLiteral("ok    ") : QStringLiteral("FAILED"), r.finalStatus)
                   .arg(double(r.callDurationMs) / 1000.0, 0, 'f', 1)
                   .arg(r.wallMs)
                   .arg(codes.isEmpty() ? QString() : QStringLiteral("  issues ") + codes.join(QLatin1Char(',')));
    }
    out +=
        QStringLiteral("load: %1 calls, %2 ok, %3 failed, wall %4 ms, webhook latency p50 %5 ms p95 %6 ms max %7 ms\n")
            .arg(calls)
            .arg(succeeded)
            .arg(failed)
            .arg(wallMs)
            .arg(percentile(latencies, 0.5))
            .arg(percentile(latencies, 0.95))
            .arg(percentile(latencies, 1.0));
    return out;
}

} // namespace sb::sim
