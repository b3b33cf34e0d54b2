// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "storage/Records.h"
#include "ui/detail/TimelineText.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QSet>
#include <QSortFilterProxyModel>
#include <vector>

namespace sb::ui {

/// One call's timeline: every stored event and every webhook log entry about the call in ONE
/// list, ordered by time, then webhooks before events, then id (ids are the order of storage).
/// Each item is added once: adding an event or webhook whose id is already in is a no-op, so the
/// same item may come both live (Core::*Stored) and in a history answer.
///
/// Adding is O(1) amortised when the item is the newest (beginInsertRows at the end, the usual
/// live case); an older item is inserted in order (binary search). Webhook entries may be the
/// list's (bodiless) form; the pane fetches the bodies itself when one is selected.
///
/// GUI thread, like every model.
class TimelineModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { Time, Source, What, ColumnCount };
    enum Role {
        SourceRole = Qt::UserRole + 1, ///< int(TimelineSource)
        IsWebhookRole,                 ///< bool
        IdRole,                        ///< qint64: the event's or webhook entry's id
        KindRole,                      ///< QString: the event kind, or "webhook"
    };

    explicit TimelineModel(QObject* parent = nullptr);

    /// Forgets everything (another call is shown).
    void clear();
    /// The call's first moment: "+s.mmm" in the Time column counts from it.
    void setOrigin(const QDateTime& origin);
    QDateTime origin() const { return m_origin; }
    /// The earlier of the origin and the first item (a webhook arrives before its call is made).
    QDateTime effectiveOrigin() const;
    /// The call's flow, named on its /voice requests.
    void setFlow(const QString& flow);
    /// What storage knows of the call's streams (their audio format, for stream.start lines).
    void setStreams(const QList<storage::StreamRecord>& streams);

    /// False when it was already in.
    bool addEvent(const storage::CallEvent& event);
    bool addWebhook(const storage::WebhookLogEntry& entry);
    bool hasEvent(qint64 id) const { return m_eventIds.contains(id); }
    bool hasWebhook(qint64 id) const { return m_webhookIds.contains(id); }

    /// The item at `row`: exactly one of the two is non-null.
    const storage::CallEvent* eventAt(int row) const;
    const storage::WebhookLogEntry* webhookAt(int row) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Item
    {
        qint64 atMs = 0;
        bool webhook = false;
        qint64 id = 0;
        TimelineSource source = TimelineSource::App;
        storage::CallEvent event;
        storage::WebhookLogEntry entry;
    };
    static bool before(const Item& a, const Item& b);
    void refreshOrigin();
    void insert(Item item);
    QString describe(const Item& item) const;

    std::vector<Item> m_items;
    QSet<qint64> m_eventIds;
    QSet<qint64> m_webhookIds;
    QDateTime m_origin;
    QDateTime m_shownOrigin; ///< what the Time column counts from now (see refreshOrigin())
    QString m_flow;
    QHash<QString, storage::StreamRecord> m_streams;
};

/// The filter row's rule over a TimelineModel: an item shows when its source is enabled and the
/// text (case-insensitive) is found in its line or its kind. Keeps the source's order. GUI thread.
class TimelineFilter : public QSortFilterProxyModel
{
    Q_OBJECT

public:
    explicit TimelineFilter(QObject* parent = nullptr);

    void setSourceEnabled(TimelineSource source, bool enabled);
    bool isSourceEnabled(TimelineSource source) const { return m_enabled & (1u << int(source)); }
    void setText(const QString& text);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    unsigned m_enabled = ~0u;
    QString m_text;
};

} // namespace sb::ui
