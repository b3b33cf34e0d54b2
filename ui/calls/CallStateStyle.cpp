// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/calls/CallStateStyle.h"

#include "ui/console/Palette.h"

#include <QCoreApplication>
#include <QHash>
#include <QPainter>
#include <QPixmap>

namespace sb::ui {

namespace {
using Kind = CallWallModel::StateKind;
using Health = CallWallModel::StreamHealth;

QString tr(const char* text)
{
    return QCoreApplication::translate("sb::ui::CallWallModel", text);
}

QColor colorOf(Kind kind)
{
    switch (kind) {
    case Kind::Ringing:
        return readable(QColor(0xc7, 0x77, 0x00));
    case Kind::InProgress:
        return readable(QColor(0x1e, 0x7b, 0x34));
    case Kind::Streaming:
        return readable(QColor(0x0b, 0x6e, 0x99));
    case Kind::Completed:
        return readable(QColor(0x60, 0x60, 0x60));
    case Kind::Failed:
        return readable(QColor(0xb0, 0x20, 0x20));
    case Kind::BusyNoAnswer:
        return readable(QColor(0xa8, 0x4a, 0x00));
    case Kind::EndedUnknown:
        return readable(QColor(0x80, 0x80, 0x80));
    }
    return {};
}

QPixmap drawIcon(Kind kind, int size)
{
    QPixmap pixmap(size, size);
    pixmap.fill(Qt::transparent);
    QPainter p(&pixmap);
    p.setRenderHint(QPainter::Antialiasing);
    const QColor color = colorOf(kind);
    const qreal m = size * 0.15;
    const QRectF box(m, m, size - 2 * m, size - 2 * m);
    switch (kind) {
    case Kind::Ringing: // a ring: waiting for an answer
        p.setPen(QPen(color, size * 0.14));
        p.drawEllipse(box.adjusted(size * 0.05, size * 0.05, -size * 0.05, -size * 0.05));
        break;
    case Kind::InProgress: // a dot: talking
        p.setPen(Qt::NoPen);
        p.setBrush(color);
        p.drawEllipse(box);
        break;
    case Kind::Streaming: // a dot with a white centre: talking, audio flowing to us
        p.setPen(Qt::NoPen);
        p.setBrush(color);
        p.drawEllipse(box);
        p.setBrush(Qt::white);
        p.drawEllipse(box.center(), size * 0.13, size * 0.13);
        break;
    case Kind::Completed: // a filled square: over
        p.setPen(Qt::NoPen);
        p.setBrush(color);
        p.drawRect(box.adjusted(size * 0.1, size * 0.1, -size * 0.1, -size * 0.1));
        break;
    case Kind::Failed: // a cross
        p.setPen(QPen(color, size * 0.16, Qt::SolidLine, Qt::RoundCap));
        p.drawLine(box.topLeft(), box.bottomRight());
        p.drawLine(box.topRight(), box.bottomLeft());
        break;
    case Kind::BusyNoAnswer: // a bar: nobody took it
        p.setPen(Qt::NoPen);
        p.setBrush(color);
        p.drawRect(QRectF(box.left(), box.center().y() - size * 0.1, box.width(), size * 0.2));
        break;
    case Kind::EndedUnknown: // an empty square: over, but how is not known
        p.setPen(QPen(color, size * 0.1));
        p.drawRect(box.adjusted(size * 0.1, size * 0.1, -size * 0.1, -size * 0.1));
        break;
    }
    return pixmap;
}
} // namespace

CallWallModel::StateKind CallWallModel::stateKindOf(const storage::CallRecord& call)
{
    const QString s = call.state.isEmpty() ? call.status : call.state;
    const bool over = call.endedAt.isValid();
    if (!over && s == QLatin1String("streaming"))
        return StateKind::Streaming;
    if (!over && (s == QLatin1String("in-progress") || s == QLatin1String("answered")))
        return StateKind::InProgress;
    if (!over && (s == QLatin1String("ringing") || s == QLatin1String("queued") || s == QLatin1String("initiated")))
        return StateKind::Ringing;
    for (const QString& st : {call.status, s}) {
        if (st == QLatin1String("busy") || st == QLatin1String("no-answer") || st == QLatin1String("canceled"))
            return StateKind::BusyNoAnswer;
    }
    if (s == QLatin1String("completed"))
        return StateKind::Completed;
    if (s == QLatin1String("failed"))
        return StateKind::Failed;
    return StateKind::EndedUnknown;
}

CallWallModel::Category CallWallModel::categoryOf(const storage::CallRecord& call)
{
    switch (stateKindOf(call)) {
    case StateKind::Ringing:
        return Category::Ringing;
    case StateKind::InProgress:
    case StateKind::Streaming:
        return Category::Live;
    default:
        return Category::Ended;
    }
}

QString CallWallModel::formatDuration(qint64 seconds)
{
    if (seconds < 0)
        return {};
    const QLatin1Char zero('0');
    if (seconds < 3600)
        return QStringLiteral("%1:%2").arg(seconds / 60).arg(seconds % 60, 2, 10, zero);
    return QStringLiteral("%1:%2:%3")
        .arg(seconds / 3600)
        .arg(seconds / 60 % 60, 2, 10, zero)
        .arg(seconds % 60, 2, 10, zero);
}

QString stateText(Kind kind, const QString& twilioStatus)
{
    switch (kind) {
    case Kind::Ringing:
        return tr("ringing");
    case Kind::InProgress:
        return tr("in progress");
    case Kind::Streaming:
        return tr("streaming");
    case Kind::Completed:
        return tr("completed");
    case Kind::Failed:
        return tr("failed");
    case Kind::BusyNoAnswer:
        if (twilioStatus == QLatin1String("no-answer"))
            return tr("no answer");
        if (twilioStatus == QLatin1String("canceled"))
            return tr("canceled");
        return tr("busy");
    case Kind::EndedUnknown:
        return tr("ended (unknown)");
    }
    return {};
}

QBrush stateColor(Kind kind)
{
    return QBrush(colorOf(kind));
}

QIcon stateIcon(Kind kind)
{
    static QHash<int, QIcon> cache;
    auto it = cache.find(int(kind));
    if (it == cache.end()) {
        QIcon icon;
        for (int size : {16, 32})
            icon.addPixmap(drawIcon(kind, size));
        it = cache.insert(int(kind), icon);
    }
    return it.value();
}

QString streamText(Health health, int gaps)
{
    switch (health) {
    case Health::None:
        return tr("none");
    case Health::Live:
        return tr("live");
    case Health::Gaps:
        return tr("gaps (%1)").arg(gaps);
    case Health::Stopped:
        return gaps > 0 ? tr("stopped, %1 gaps").arg(gaps) : tr("stopped");
    case Health::Interrupted:
        return tr("interrupted");
    case Health::Failed:
        return tr("failed");
    }
    return {};
}

QBrush streamColor(Health health)
{
    switch (health) {
    case Health::None:
    case Health::Stopped:
        return QBrush(readable(QColor(0x80, 0x80, 0x80)));
    case Health::Live:
        return QBrush(readable(QColor(0x1e, 0x7b, 0x34)));
    case Health::Gaps:
    case Health::Interrupted:
        return QBrush(readable(QColor(0xa8, 0x4a, 0x00)));
    case Health::Failed:
        return QBrush(readable(QColor(0xb0, 0x20, 0x20)));
    }
    return {};
}

} // namespace sb::ui
