// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/inspector/WebhookLogModel.h"

#include "ui/console/Palette.h"

#include <QBrush>
#include <QColor>

namespace sb::ui {

WebhookLogModel::WebhookLogModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

int WebhookLogModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

int WebhookLogModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant WebhookLogModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= m_entries.size())
        return {};
    const storage::WebhookLogEntry& e = m_entries.at(index.row());
    if (role == Qt::UserRole)
        return e.id;
    if (role == Qt::ForegroundRole && index.column() == Status) {
        if (e.status >= 500)
            return QBrush(readable(QColor(0xc6, 0x28, 0x28)));
        if (e.status >= 400)
            return QBrush(readable(QColor(0xe6, 0x51, 0x00)));
        if (e.status >= 300)
            return QBrush(readable(QColor(0x15, 0x65, 0xc0)));
        if (e.status >= 200)
            return QBrush(readable(QColor(0x2e, 0x7d, 0x32)));
        return {};
    }
    if (role == Qt::ToolTipRole && !e.note.isEmpty())
        return e.note;
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Time:
        return e.at.toLocalTime().toString(QStringLiteral("HH:mm:ss.zzz"));
    case Method:
        return e.method;
    case Path:
        return e.query.isEmpty() ? e.path : e.path + QLatin1Char('?') + e.query;
    case Status:
        return e.status;
    case Verdict:
        return e.signatureVerdict;
    case CallSid:
        return e.callSid;
    case Duration:
        return QStringLiteral("%1 ms").arg(double(e.durationMicros) / 1000.0, 0, 'f', 1);
    case ReplayOf:
        return e.replayOf > 0 ? QVariant(e.replayOf) : QVariant();
    default:
        return {};
    }
}

QVariant WebhookLogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Time:
        return tr("Time");
    case Method:
        return tr("Method");
    case Path:
        return tr("Path");
    case Status:
        return tr("Status");
    case Verdict:
        return tr("Signature");
    case CallSid:
        return tr("Call SID");
    case Duration:
        return tr("Duration");
    case ReplayOf:
        return tr("Replay of");
    default:
        return {};
    }
}

void WebhookLogModel::setEntries(QList<storage::WebhookLogEntry> entries)
{
    beginResetModel();
    m_entries = std::move(entries);
    endResetModel();
}

void WebhookLogModel::appendOlder(const QList<storage::WebhookLogEntry>& entries)
{
    QList<storage::WebhookLogEntry> fresh;
    for (const auto& e : entries) {
        if (rowOf(e.id) < 0)
            fresh.append(e);
    }
    if (fresh.isEmpty())
        return;
    beginInsertRows({}, int(m_entries.size()), int(m_entries.size() + fresh.size() - 1));
    m_entries += fresh;
    endInsertRows();
}

void WebhookLogModel::prepend(const storage::WebhookLogEntry& entry)
{
    if (rowOf(entry.id) >= 0)
        return;
    beginInsertRows({}, 0, 0);
    m_entries.prepend(entry);
    endInsertRows();
}

int WebhookLogModel::rowOf(qint64 id) const
{
    for (int row = 0; row < m_entries.size(); ++row) {
        if (m_entries.at(row).id == id)
            return row;
    }
    return -1;
}

} // namespace sb::ui
