// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "storage/Records.h"

#include <QAbstractTableModel>
#include <QList>

namespace sb::ui {

/// The rows of the webhook inspector: webhook log entries, newest first, one row each. It holds
/// what the list shows (no bodies needed); the inspector fetches one entry whole for its detail.
/// Status is coloured by class (2xx green, 3xx blue, 4xx orange, 5xx red); Qt::UserRole on any
/// column gives the entry's id.
///
/// Threading: GUI thread only.
class WebhookLogModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { Time, Method, Path, Status, Verdict, CallSid, Duration, ReplayOf, ColumnCount };

    explicit WebhookLogModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    /// Replaces every row (entries newest first).
    void setEntries(QList<storage::WebhookLogEntry> entries);
    /// Adds older entries at the bottom (a "load older" page); ids already shown are skipped.
    void appendOlder(const QList<storage::WebhookLogEntry>& entries);
    /// Adds one new entry at the top (live); an id already shown is ignored.
    void prepend(const storage::WebhookLogEntry& entry);

    const storage::WebhookLogEntry& entryAt(int row) const { return m_entries.at(row); }
    /// The row showing entry `id`, or -1.
    int rowOf(qint64 id) const;
    /// The oldest id shown (for paging), or 0 when empty.
    qint64 oldestId() const { return m_entries.isEmpty() ? 0 : m_entries.constLast().id; }

private:
    QList<storage::WebhookLogEntry> m_entries;
};

} // namespace sb::ui
