// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/detail/TimelineModel.h"

#include "ui/console/Palette.h"

#include <QBrush>
#include <QFont>
#include <algorithm>

namespace sb::ui {

TimelineModel::TimelineModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

void TimelineModel::clear()
{
    beginResetModel();
    m_items.clear();
    m_eventIds.clear();
    m_webhookIds.clear();
    m_origin = QDateTime();
    m_shownOrigin = QDateTime();
    m_flow.clear();
    m_streams.clear();
    endResetModel();
}

void TimelineModel::setOrigin(const QDateTime& origin)
{
    if (origin == m_origin)
        return;
    m_origin = origin;
    refreshOrigin();
}

void TimelineModel::refreshOrigin()
{
    // The "+s.mmm" column reads the origin shown, which changes only here and with a
    // dataChanged: an insertion never changes the text of rows it did not touch (views and
    // QAbstractItemModelTester rely on that).
    const QDateTime origin = effectiveOrigin();
    if (origin == m_shownOrigin)
        return;
    m_shownOrigin = origin;
    if (!m_items.empty())
        emit dataChanged(index(0, Time), index(rowCount() - 1, Time), {Qt::DisplayRole});
}

void TimelineModel::setFlow(const QString& flow)
{
    if (flow == m_flow)
        return;
    m_flow = flow;
    if (!m_items.empty())
        emit dataChanged(index(0, What), index(rowCount() - 1, What), {Qt::DisplayRole});
}

void TimelineModel::setStreams(const QList<storage::StreamRecord>& streams)
{
    m_streams.clear();
    for (const storage::StreamRecord& s : streams)
        m_streams.insert(s.streamSid, s);
    if (!m_items.empty())
        emit dataChanged(index(0, What), index(rowCount() - 1, What), {Qt::DisplayRole});
}

bool TimelineModel::before(const Item& a, const Item& b)
{
    if (a.atMs != b.atMs)
        return a.atMs < b.atMs;
    if (a.webhook != b.webhook)
        return a.webhook; // the request comes before what it caused
    return a.id < b.id;
}

bool TimelineModel::addEvent(const storage::CallEvent& event)
{
    if (m_eventIds.contains(event.id))
        return false;
    m_eventIds.insert(event.id);
    Item item;
    item.atMs = event.at.toMSecsSinceEpoch();
    item.id = event.id;
    item.source = timeline::sourceOf(event);
    item.event = event;
    insert(std::move(item));
    return true;
}

bool TimelineModel::addWebhook(const storage::WebhookLogEntry& entry)
{
    if (m_webhookIds.contains(entry.id))
        return false;
    m_webhookIds.insert(entry.id);
    Item item;
    item.atMs = entry.at.toMSecsSinceEpoch();
    item.webhook = true;
    item.id = entry.id;
    item.source = TimelineSource::Webhook;
    item.entry = entry;
    insert(std::move(item));
    return true;
}

void TimelineModel::insert(Item item)
{
    // The usual case: the newest item goes at the end, O(1) amortised.
    if (m_items.empty() || !before(item, m_items.back())) {
        const int row = int(m_items.size());
        beginInsertRows({}, row, row);
        m_items.push_back(std::move(item));
        endInsertRows();
        refreshOrigin();
        return;
    }
    const auto at = std::upper_bound(m_items.begin(), m_items.end(), item, before);
    const int row = int(at - m_items.begin());
    beginInsertRows({}, row, row);
    m_items.insert(at, std::move(item));
    endInsertRows();
    refreshOrigin(); // a new first moment may move the origin of every "+s.mmm"
}

QDateTime TimelineModel::effectiveOrigin() const
{
    if (m_items.empty())
        return m_origin;
    const QDateTime first = QDateTime::fromMSecsSinceEpoch(m_items.front().atMs, Qt::UTC);
    return m_origin.isValid() && m_origin < first ? m_origin : first;
}

const storage::CallEvent* TimelineModel::eventAt(int row) const
{
    if (row < 0 || row >= rowCount() || m_items[size_t(row)].webhook)
        return nullptr;
    return &m_items[size_t(row)].event;
}

const storage::WebhookLogEntry* TimelineModel::webhookAt(int row) const
{
    if (row < 0 || row >= rowCount() || !m_items[size_t(row)].webhook)
        return nullptr;
    return &m_items[size_t(row)].entry;
}

int TimelineModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_items.size());
}

int TimelineModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString TimelineModel::describe(const Item& item) const
{
    if (item.webhook)
        return timeline::describeWebhook(item.entry, m_flow);
    const auto stream = m_streams.constFind(item.event.detail.value(QLatin1String("stream_sid")).toString());
    return timeline::describeEvent(item.event, stream == m_streams.cend() ? nullptr : &stream.value());
}

QVariant TimelineModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount())
        return {};
    const Item& item = m_items[size_t(index.row())];
    switch (role) {
    case SourceRole:
        return int(item.source);
    case IsWebhookRole:
        return item.webhook;
    case IdRole:
        return item.id;
    case KindRole:
        return item.webhook ? QStringLiteral("webhook") : item.event.kind;
    default:
        break;
    }
    const QDateTime at = item.webhook ? item.entry.at : item.event.at;
    switch (index.column()) {
    case Time:
        if (role == Qt::DisplayRole)
            return timeline::timeText(at, m_shownOrigin);
        if (role == Qt::ToolTipRole)
            return at.toString(Qt::ISODateWithMs);
        break;
    case Source:
        if (role == Qt::DisplayRole)
            return timeline::sourceName(item.source);
        if (role == Qt::DecorationRole)
            return timeline::sourceColor(item.source);
        break;
    case What:
        if (role == Qt::DisplayRole || role == Qt::ToolTipRole)
            return describe(item);
        if (role == Qt::ForegroundRole && item.webhook && item.entry.status >= 400)
            return QBrush(readable(QColor(0xc0, 0x20, 0x20)));
        break;
    default:
        break;
    }
    return {};
}

QVariant TimelineModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Time:
        return tr("Time");
    case Source:
        return tr("Source");
    case What:
        return tr("What");
    default:
        return {};
    }
}

TimelineFilter::TimelineFilter(QObject* parent)
    : QSortFilterProxyModel(parent)
{
}

void TimelineFilter::setSourceEnabled(TimelineSource source, bool enabled)
{
    const unsigned bit = 1u << int(source);
    const unsigned next = enabled ? (m_enabled | bit) : (m_enabled & ~bit);
    if (next == m_enabled)
        return;
    m_enabled = next;
    invalidateFilter();
}

void TimelineFilter::setText(const QString& text)
{
    if (text == m_text)
        return;
    m_text = text;
    invalidateFilter();
}

bool TimelineFilter::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    const QModelIndex what = sourceModel()->index(sourceRow, TimelineModel::What, sourceParent);
    if (!isSourceEnabled(TimelineSource(what.data(TimelineModel::SourceRole).toInt())))
        return false;
    if (m_text.isEmpty())
        return true;
    return what.data().toString().contains(m_text, Qt::CaseInsensitive) ||
           what.data(TimelineModel::KindRole).toString().contains(m_text, Qt::CaseInsensitive);
}

} // namespace sb::ui
