// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/detail/TimelineText.h"

#include "ui/console/Palette.h"

#include <QCoreApplication>
#include <QJsonDocument>

namespace sb::ui::timeline {

namespace {

QString tr(const char* text, int n = -1)
{
    return QCoreApplication::translate("sb::ui::timeline", text, nullptr, n);
}

QString str(const QJsonObject& o, const char* key)
{
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isDouble())
        return QString::number(v.toDouble());
    if (v.isBool())
        return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    return v.toString();
}

QString compact(const QJsonObject& o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

/// ", code N" when the detail names one.
QString codeSuffix(const QJsonObject& d)
{
    const QString code = str(d, "code").isEmpty() ? str(d, "error_code") : str(d, "code");
    return code.isEmpty() ? QString() : tr(" (error %1)").arg(code);
}

QString streamEvent(const QString& what, const storage::CallEvent& e, const storage::StreamRecord* stream)
{
    const QJsonObject& d = e.detail;
    const QString sid = shortSid(str(d, "stream_sid"));
    if (what == QLatin1String("start")) {
        QString tracks = str(d, "tracks");
        tracks.replace(QLatin1Char(','), QLatin1Char('+'));
        QString text = tr("Stream %1 started: %2").arg(sid, tracks.isEmpty() ? tr("no tracks") : tracks);
        if (stream && !describeFormat(*stream).isEmpty())
            text += QStringLiteral(", ") + describeFormat(*stream);
        if (d.value(QLatin1String("bidirectional")).toBool())
            text += tr(", bidirectional");
        return text;
    }
    if (what == QLatin1String("stop"))
        return tr("Stream %1 stopped").arg(sid);
    if (what == QLatin1String("closed"))
        return tr("Stream %1 connection closed: %2").arg(sid, str(d, "reason"));
    if (what == QLatin1String("discontinuity"))
        return tr("Discontinuity on %1: timestamps jump %2 ms, placed without a gap")
            .arg(str(d, "track"), str(d, "jump_ms"));
    if (what == QLatin1String("loss")) {
        QStringList parts;
        if (const qint64 gaps = d.value(QLatin1String("gaps")).toInteger())
            parts << tr("%n gap(s), %1 ms missing", int(gaps)).arg(d.value(QLatin1String("missing_ms")).toInteger());
        if (const qint64 late = d.value(QLatin1String("late_frames")).toInteger())
            parts << tr("%n late frame(s) dropped", int(late));
        return tr("Loss on %1 of %2 (at %3 s): %4")
            .arg(str(d, "track"), sid)
            .arg(double(d.value(QLatin1String("at_ms")).toInteger()) / 1000.0, 0, 'f', 1)
            .arg(parts.join(QStringLiteral(", ")));
    }
    if (what == QLatin1String("protocol-warning"))
        return tr("Protocol warning on %1%2: %3").arg(sid, codeSuffix(d), str(d, "reason"));
    if (what == QLatin1String("invalid-message"))
        return tr("Invalid message on %1%2: %3").arg(sid, codeSuffix(d), str(d, "reason"));
    if (what == QLatin1String("rejected"))
        return tr("Stream %1 refused: %2").arg(sid, str(d, "reason"));
    if (what == QLatin1String("capture-stopped"))
        return tr("Capture of %1 on %2 stopped: %3").arg(str(d, "track"), sid, str(d, "reason"));
    if (what == QLatin1String("recovered")) {
        QStringList kept;
        for (auto it = d.begin(); it != d.end(); ++it) {
            if (it.key().endsWith(QLatin1String("_ms")))
                kept << tr("%1 %2 ms").arg(it.key().chopped(3)).arg(it.value().toInteger());
        }
        return tr("Stream %1 interrupted by a restart; kept %2")
            .arg(sid, kept.isEmpty() ? tr("no audio") : kept.join(QStringLiteral(", ")));
    }
    return tr("Stream %1: %2 %3").arg(sid, what, compact(d));
}

} // namespace

TimelineSource sourceOf(const storage::CallEvent& e)
{
    const QString& k = e.kind;
    if (k.startsWith(QLatin1String("webhook.")))
        return TimelineSource::Webhook;
    if (k.startsWith(QLatin1String("status.")))
        return TimelineSource::Status;
    if (k.startsWith(QLatin1String("stream")) || k == QLatin1String("mark") || k == QLatin1String("dtmf"))
        return TimelineSource::Stream;
    if (k.startsWith(QLatin1String("transcription.")) || k.startsWith(QLatin1String("transcript")))
        return TimelineSource::Transcript;
    if (k.startsWith(QLatin1String("recording.")) || k == QLatin1String("chunk"))
        return TimelineSource::Recording;
    if (k.startsWith(QLatin1String("operator.")))
        return TimelineSource::Operator;
    return TimelineSource::App;
}

QString sourceName(TimelineSource source)
{
    switch (source) {
    case TimelineSource::Webhook:
        return tr("Webhook");
    case TimelineSource::Stream:
        return tr("Stream");
    case TimelineSource::Status:
        return tr("Status");
    case TimelineSource::Transcript:
        return tr("Transcript");
    case TimelineSource::Recording:
        return tr("Recording");
    case TimelineSource::Operator:
        return tr("Operator");
    case TimelineSource::App:
        return tr("App");
    }
    return QString();
}

QColor sourceColor(TimelineSource source)
{
    switch (source) {
    case TimelineSource::Webhook:
        return readable(QColor(0x1f, 0x77, 0xb4));
    case TimelineSource::Stream:
        return readable(QColor(0x2c, 0xa0, 0x2c));
    case TimelineSource::Status:
        return readable(QColor(0xff, 0x7f, 0x0e));
    case TimelineSource::Transcript:
        return readable(QColor(0x94, 0x67, 0xbd));
    case TimelineSource::Recording:
        return readable(QColor(0xd6, 0x27, 0x28));
    case TimelineSource::Operator:
        return readable(QColor(0x8c, 0x56, 0x4b));
    case TimelineSource::App:
        return readable(QColor(0x7f, 0x7f, 0x7f));
    }
    return QColor();
}

QString describeWebhook(const storage::WebhookLogEntry& w, const QString& flow)
{
    QString text =
        QStringLiteral("%1 %2 → %3").arg(w.method, w.path, w.status ? QString::number(w.status) : tr("no answer"));
    if (w.signatureVerdict == QLatin1String("valid"))
        text += tr(", signature valid");
    else if (w.signatureVerdict == QLatin1String("not-checked") || w.signatureVerdict.isEmpty())
        text += tr(", signature not checked");
    else
        text += tr(", signature %1").arg(w.signatureVerdict);
    if (!flow.isEmpty() && w.path == QLatin1String("/voice") && w.status >= 200 && w.status < 300)
        text += tr(", flow '%1'").arg(flow);
    if (w.replayOf > 0)
        text += tr(", replay of #%1").arg(w.replayOf);
    if (!w.note.isEmpty())
        text += (w.status >= 400 ? tr(", refused: %1") : QStringLiteral(", %1")).arg(w.note);
    return text;
}

QString describeEvent(const storage::CallEvent& e, const storage::StreamRecord* stream)
{
    const QString& k = e.kind;
    const QJsonObject& d = e.detail;
    if (k == QLatin1String("webhook.voice")) {
        QString text =
            tr("Voice webhook: %1 → %2, Twilio says %3").arg(str(d, "from"), str(d, "to"), str(d, "call_status"));
        if (!str(d, "flow").isEmpty())
            text += tr(", answered by flow '%1'").arg(str(d, "flow"));
        if (!str(d, "note").isEmpty())
            text += QStringLiteral(" (%1)").arg(str(d, "note"));
        return text + codeSuffix(d);
    }
    if (k == QLatin1String("status.stale"))
        return tr("Stale status %1 (#%2, newest #%3): ignored")
            .arg(str(d, "call_status"), str(d, "sequence"), str(d, "newest_sequence"));
    if (k.startsWith(QLatin1String("status."))) {
        QString text = tr("Status %1").arg(k.mid(7));
        QStringList facts;
        if (d.contains(QLatin1String("sequence")))
            facts << QStringLiteral("#") + str(d, "sequence");
        if (d.contains(QLatin1String("call_duration")))
            facts << tr("%1 s").arg(str(d, "call_duration"));
        if (d.contains(QLatin1String("sip_response_code")))
            facts << tr("SIP %1").arg(str(d, "sip_response_code"));
        return facts.isEmpty() ? text : text + QStringLiteral(" (%1)").arg(facts.join(QStringLiteral(", ")));
    }
    if (k == QLatin1String("dtmf"))
        return tr("DTMF %1").arg(str(d, "digit"));
    if (k == QLatin1String("mark"))
        return tr("Mark '%1'").arg(str(d, "name"));
    if (k.startsWith(QLatin1String("stream-status.")))
        return tr("Stream status callback: %1 %2%3")
            .arg(shortSid(str(d, "stream_sid")),
                 k.mid(14),
                 d.contains(QLatin1String("error")) ? QStringLiteral(": ") + str(d, "error") : QString());
    if (k.startsWith(QLatin1String("stream.")))
        return streamEvent(k.mid(7), e, stream);
    if (k == QLatin1String("transcription.transcription-content")) {
        const bool final = d.value(QLatin1String("final")).toBool(true);
        return tr("Heard (%1%2): %3")
            .arg(str(d, "track").isEmpty() ? tr("caller") : str(d, "track"),
                 final ? QString() : tr(", partial"),
                 str(d, "transcript"));
    }
    if (k.startsWith(QLatin1String("transcription.")))
        return tr("Transcription %1%2%3")
            .arg(k.mid(14),
                 codeSuffix(d),
                 d.contains(QLatin1String("error")) ? QStringLiteral(": ") + str(d, "error") : QString());
    if (k.startsWith(QLatin1String("recording."))) {
        QString text = tr("Recording %1 %2").arg(shortSid(str(d, "recording_sid")), k.mid(10));
        if (d.contains(QLatin1String("duration")))
            text += tr(" (%1 s)").arg(str(d, "duration"));
        return text + codeSuffix(d);
    }
    if (k == QLatin1String("chunk")) {
        QString text = tr("Recorded chunk %1").arg(str(d, "chunk"));
        if (d.contains(QLatin1String("duration")))
            text += tr(" (%1 s)").arg(str(d, "duration"));
        if (d.contains(QLatin1String("digits")))
            text += tr(", keys %1").arg(str(d, "digits"));
        return text;
    }
    // Unknown kinds (operator actions, errors, whatever comes later) are still shown.
    return d.isEmpty() ? k : QStringLiteral("%1: %2").arg(k, compact(d).left(200));
}

QString describeFormat(const storage::StreamRecord& s)
{
    QString encoding = s.encoding;
    if (encoding == QLatin1String("audio/x-mulaw"))
        encoding = QStringLiteral("μ-law");
    if (s.sampleRate <= 0)
        return encoding;
    const QString rate =
        s.sampleRate % 1000 == 0 ? tr("%1 kHz").arg(s.sampleRate / 1000) : tr("%1 Hz").arg(s.sampleRate);
    return encoding.isEmpty() ? rate : rate + QLatin1Char(' ') + encoding;
}

QString shortSid(const QString& sid)
{
    return sid.size() > 12 ? sid.left(10) + QStringLiteral("…") : sid;
}

QString timeText(const QDateTime& at, const QDateTime& origin)
{
    const QString wall = at.toLocalTime().toString(QStringLiteral("HH:mm:ss.zzz"));
    if (!origin.isValid())
        return wall;
    const qint64 ms = origin.msecsTo(at);
    const QString sign = ms < 0 ? QStringLiteral("-") : QStringLiteral("+");
    return QStringLiteral("%1  %2%3.%4")
        .arg(wall, sign)
        .arg(qAbs(ms) / 1000)
        .arg(qAbs(ms) % 1000, 3, 10, QLatin1Char('0'));
}

QString durationText(qint64 seconds)
{
    if (seconds < 0)
        return QString();
    if (seconds < 60)
        return tr("%1 s").arg(seconds);
    return tr("%1 min %2 s").arg(seconds / 60).arg(seconds % 60, 2, 10, QLatin1Char('0'));
}

QColor stateColor(const QString& state)
{
    if (state == QLatin1String("ringing"))
        return readable(QColor(0xc0, 0x80, 0x00));
    if (state == QLatin1String("in-progress") || state == QLatin1String("streaming"))
        return readable(QColor(0x1a, 0x8a, 0x1a));
    if (state == QLatin1String("failed"))
        return readable(QColor(0xc0, 0x20, 0x20));
    return readable(QColor(0x60, 0x60, 0x60));
}

} // namespace sb::ui::timeline
