// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/calls/CallWallFilter.h"

#include "storage/Contacts.h"
#include "ui/calls/CallWallModel.h"

namespace sb::ui {

CallWallFilter::CallWallFilter(QObject* parent)
    : QSortFilterProxyModel(parent)
{
    setDynamicSortFilter(true);
    setSortRole(CallWallModel::SortRole);
}

void CallWallFilter::setStateFilter(StateFilter filter)
{
    if (filter == m_state)
        return;
    m_state = filter;
    invalidateFilter();
}

void CallWallFilter::setSearchText(const QString& text)
{
    const QString lower = text.trimmed().toLower();
    if (lower == m_text)
        return;
    m_text = lower;
    const bool hasDigit = std::any_of(lower.begin(), lower.end(), [](QChar c) { return c.isDigit(); });
    m_normalized = hasDigit ? storage::Contacts::normalize(lower) : QString();
    invalidateFilter();
}

bool CallWallFilter::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
    if (m_state != StateFilter::All) {
        const auto category = CallWallModel::Category(index.data(CallWallModel::CategoryRole).toInt());
        const bool wanted = (m_state == StateFilter::Live && category == CallWallModel::Category::Live) ||
                            (m_state == StateFilter::Ringing && category == CallWallModel::Category::Ringing) ||
                            (m_state == StateFilter::Ended && category == CallWallModel::Category::Ended);
        if (!wanted)
            return false;
    }
    if (m_text.isEmpty())
        return true;
    const QString haystack = index.data(CallWallModel::SearchTextRole).toString();
    return haystack.contains(m_text) || (!m_normalized.isEmpty() && haystack.contains(m_normalized));
}

bool CallWallFilter::lessThan(const QModelIndex& left, const QModelIndex& right) const
{
    const QVariant l = left.data(CallWallModel::SortRole);
    const QVariant r = right.data(CallWallModel::SortRole);
    if (l.typeId() == QMetaType::QString || r.typeId() == QMetaType::QString) {
        const int order = l.toString().localeAwareCompare(r.toString());
        if (order != 0)
            return order < 0;
    } else if (l.toLongLong() != r.toLongLong()) {
        return l.toLongLong() < r.toLongLong();
    }
    const qint64 lo = left.data(CallWallModel::ActiveOrderRole).toLongLong();
    const qint64 ro = right.data(CallWallModel::ActiveOrderRole).toLongLong();
    if (lo != ro)
        return lo < ro;
    return left.data(CallWallModel::CallSidRole).toString() < right.data(CallWallModel::CallSidRole).toString();
}

} // namespace sb::ui
