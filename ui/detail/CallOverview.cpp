// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/detail/CallOverview.h"

#include "storage/Records.h"
#include "ui/detail/TimelineModel.h"
#include "ui/detail/TimelineText.h"

#include <QFormLayout>
#include <QLabel>

namespace sb::ui {

namespace {

QString when(const QDateTime& at)
{
    return at.isValid() ? at.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz")) : QObject::tr("—");
}

QString trackFigures(const storage::StreamTrackStats& t, const storage::StreamRecord& s)
{
    QString text = QObject::tr("%1: %2 frames, %3 gaps, %4 missing, %5 late, %6 reordered, %7 duplicates")
                       .arg(t.track)
                       .arg(t.frames)
                       .arg(t.gaps)
                       .arg(t.missingFrames)
                       .arg(t.lateFrames)
                       .arg(t.reordered)
                       .arg(t.duplicates);
    // One byte per sample and channel for G.711.
    const int channels = qMax(1, s.channels);
    if (s.sampleRate > 0)
        text += QObject::tr(", %1 s of audio").arg(double(t.bytes) / (s.sampleRate * channels), 0, 'f', 2);
    return text;
}

} // namespace

CallOverview::CallOverview(QWidget* parent)
    : QScrollArea(parent)
{
    setObjectName(QStringLiteral("callOverview"));
    setWidgetResizable(true);
    setFrameShape(QFrame::NoFrame);
    auto* page = new QWidget(this);
    auto* form = new QFormLayout(page);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->setLabelAlignment(Qt::AlignRight | Qt::AlignTop);
    setWidget(page);
    const QList<QPair<QString, QString>> fields{{QStringLiteral("From"), tr("From")},
                                                {QStringLiteral("To"), tr("To")},
                                                {QStringLiteral("Direction"), tr("Direction")},
                                                {QStringLiteral("Created"), tr("Created")},
                                                {QStringLiteral("Answered"), tr("Answered")},
                                                {QStringLiteral("Ended"), tr("Ended")},
                                                {QStringLiteral("Duration"), tr("Duration")},
                                                {QStringLiteral("State"), tr("State")},
                                                {QStringLiteral("States"), tr("State history")},
                                                {QStringLiteral("Flow"), tr("Flow")},
                                                {QStringLiteral("Streams"), tr("Streams")},
                                                {QStringLiteral("Errors"), tr("Errors")}};
    for (const auto& [name, label] : fields)
        form->addRow(label + QLatin1Char(':'), addField(name, label));
}

QLabel* CallOverview::addField(const QString& name, const QString&)
{
    auto* value = new QLabel(widget());
    value->setObjectName(QStringLiteral("overview") + name);
    value->setTextFormat(Qt::PlainText);
    value->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    value->setWordWrap(true);
    m_fields.insert(name, value);
    return value;
}

void CallOverview::clear()
{
    for (QLabel* label : std::as_const(m_fields))
        label->clear();
}

void CallOverview::show(const storage::CallDetail& d, const TimelineModel& timeline)
{
    const storage::CallRecord& c = d.call;
    const QString dash = tr("—");
    auto set = [this, &dash](const char* name, const QString& text) {
        m_fields.value(QLatin1String(name))->setText(text.isEmpty() ? dash : text);
    };
    set("From", c.from);
    set("To", c.to);
    set("Direction", c.direction);
    set("Created", when(c.createdAt));
    set("Answered", when(c.answeredAt));
    set("Ended", when(c.endedAt));
    qint64 seconds = c.durationSeconds;
    if (seconds < 0 && c.answeredAt.isValid())
        seconds = c.answeredAt.secsTo(c.endedAt.isValid() ? c.endedAt : QDateTime::currentDateTimeUtc());
    set("Duration", timeline::durationText(seconds) + (c.endedAt.isValid() || seconds < 0 ? QString() : tr(" so far")));
    set("State", c.status.isEmpty() || c.status == c.state ? c.state : tr("%1 (Twilio: %2)").arg(c.state, c.status));
    set("Flow", c.flow);

    QStringList states;
    QStringList errors;
    if (!c.errorCode.isEmpty() || !c.errorMessage.isEmpty())
        errors << tr("Call: error %1 %2").arg(c.errorCode, c.errorMessage).trimmed();
    for (int row = 0; row < timeline.rowCount(); ++row) {
        const storage::CallEvent* e = timeline.eventAt(row);
        if (!e)
            continue;
        const QString at = e->at.toLocalTime().toString(QStringLiteral("HH:mm:ss.zzz"));
        if (e->kind == QLatin1String("webhook.voice"))
            states << tr("%1  %2 (voice webhook)").arg(at, e->detail.value(QLatin1String("call_status")).toString());
        else if (e->kind.startsWith(QLatin1String("status.")) && e->kind != QLatin1String("status.stale"))
            states << tr("%1  %2 (status callback)").arg(at, e->kind.mid(7));
        const QString code = e->detail.value(QLatin1String("error_code")).toVariant().toString();
        if (!code.isEmpty() || e->kind == QLatin1String("error") || e->kind.endsWith(QLatin1String(".error")))
            errors << tr("%1  %2").arg(at, timeline::describeEvent(*e));
    }
    set("States", states.join(QLatin1Char('\n')));

    QStringList streams;
    for (const storage::StreamDetail& s : d.streams) {
        const storage::StreamRecord& r = s.stream;
        QString line = tr("%1%2: %3, %4")
                           .arg(r.streamSid,
                                r.name.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(r.name),
                                r.status,
                                timeline::describeFormat(r));
        if (r.bidirectional)
            line += tr(", bidirectional");
        if (r.startedAt.isValid() && r.stoppedAt.isValid())
            line += tr(", %1").arg(timeline::durationText(r.startedAt.secsTo(r.stoppedAt)));
        streams << line;
        for (const storage::StreamTrackStats& t : s.tracks)
            streams << QStringLiteral("    ") + trackFigures(t, r);
        if (!r.error.isEmpty())
            errors << tr("Stream %1: %2").arg(r.streamSid, r.error);
    }
    set("Streams", streams.join(QLatin1Char('\n')));
    for (const storage::RecordingRecord& r : d.recordings) {
        if (!r.error.isEmpty())
            errors << tr("Recording %1: %2").arg(r.recordingSid, r.error);
    }
    set("Errors", errors.isEmpty() ? tr("none") : errors.join(QLatin1Char('\n')));
}

} // namespace sb::ui
