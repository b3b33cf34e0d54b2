// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "storage/Records.h"

#include <QAbstractTableModel>

namespace sb::ui {

/// Calls, newest first, as rows: Call SID, From, To, State, Started, Duration. Fed with the
/// history at start and then with every stored call (upsert by SID). GUI thread only.
class CallListModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { Sid, From, To, State, Started, Duration, ColumnCount };
    enum Role { CallSidRole = Qt::UserRole + 1 };

    explicit CallListModel(QObject* parent = nullptr);

    void reset(const QList<storage::CallRecord>& calls);
    void upsert(const storage::CallRecord& call);
    /// Adds calls read from the history (newest first) below the rows already shown; a call that
    /// is already shown keeps its row (it arrived live, so it is at least as new).
    void mergeHistory(const QList<storage::CallRecord>& newestFirst);
    const storage::CallRecord* callAt(int row) const;
    int rowOf(const QString& callSid) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<storage::CallRecord> m_calls;
};

} // namespace sb::ui
