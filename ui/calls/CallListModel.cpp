// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/calls/CallListModel.h"

#include <QBrush>
#include <QColor>

namespace sb::ui {

CallListModel::CallListModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

void CallListModel::reset(const QList<storage::CallRecord>& calls)
{
    beginResetModel();
    m_calls = calls;
    endResetModel();
}

int CallListModel::rowOf(const QString& callSid) const
{
    for (int i = 0; i < m_calls.size(); ++i) {
        if (m_calls.at(i).callSid == callSid)
            return i;
    }
    return -1;
}

void CallListModel::upsert(const storage::CallRecord& call)
{
    const int row = rowOf(call.callSid);
    if (row >= 0) {
        m_calls[row] = call;
        emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
        return;
    }
    beginInsertRows({}, 0, 0);
    m_calls.prepend(call);
    endInsertRows();
}

void CallListModel::mergeHistory(const QList<storage::CallRecord>& newestFirst)
{
    QList<storage::CallRecord> older;
    for (const storage::CallRecord& call : newestFirst) {
        if (rowOf(call.callSid) < 0)
            older.append(call);
    }
    if (older.isEmpty())
        return;
    const int first = int(m_calls.size());
    beginInsertRows({}, first, first + int(older.size()) - 1);
    m_calls.append(older);
    endInsertRows();
}

const storage::CallRecord* CallListModel::callAt(int row) const
{
    return row >= 0 && row < m_calls.size() ? &m_calls.at(row) : nullptr;
}

int CallListModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_calls.size());
}

int CallListModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant CallListModel::data(const QModelIndex& index, int role) const
{
    const storage::CallRecord* call = callAt(index.row());
    if (!call || index.column() < 0 || index.column() >= ColumnCount)
        return {};
    if (role == CallSidRole)
        return call->callSid;
    if (role == Qt::ForegroundRole && index.column() == State) {
        if (call->state == QLatin1String("streaming") || call->state == QLatin1String("in-progress"))
            return QBrush(QColor(0x1e, 0x7b, 0x34));
        if (call->state == QLatin1String("failed"))
            return QBrush(QColor(0xb0, 0x20, 0x20));
        return {};
    }
    if (role == Qt::ToolTipRole && index.column() == State)
        return tr("Twilio status: %1").arg(call->status.isEmpty() ? tr("unknown") : call->status);
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Sid:
        return call->callSid;
    case From:
        return call->from;
    case To:
        return call->to;
    case State:
        return call->state.isEmpty() ? call->status : call->state;
    case Started:
        return call->createdAt.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    case Duration:
        return call->durationSeconds >= 0 ? QStringLiteral("%1:%2")
                                                .arg(call->durationSeconds / 60)
                                                .arg(call->durationSeconds % 60, 2, 10, QLatin1Char('0'))
                                          : QString();
    default:
        return {};
    }
}

QVariant CallListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Sid:
        return tr("Call");
    case From:
        return tr("From");
    case To:
        return tr("To");
    case State:
        return tr("State");
    case Started:
        return tr("Started");
    case Duration:
        return tr("Duration");
    default:
        return {};
    }
}

} // namespace sb::ui
