// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QSortFilterProxyModel>

namespace sb::ui {

/// The call wall's view of a CallWallModel: a state filter, a search text, and sorting by the
/// model's SortRole with ties broken by "ringing and live first, then newest first" (the
/// model's ActiveOrderRole, which is also the State column's key, so sorting by State ascending
/// is the wall's default order). Re-sorts and re-filters as rows change. GUI thread only.
class CallWallFilter : public QSortFilterProxyModel
{
    Q_OBJECT

public:
    enum class StateFilter { All, Live, Ringing, Ended };

    explicit CallWallFilter(QObject* parent = nullptr);

    void setStateFilter(StateFilter filter);
    StateFilter stateFilter() const { return m_state; }
    /// Case-insensitive; matches numbers in any spelling ("555-123" finds "+15551230001"),
    /// contact labels, flow, SID and transcript text. Empty: everything.
    void setSearchText(const QString& text);
    QString searchText() const { return m_text; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;
    bool lessThan(const QModelIndex& left, const QModelIndex& right) const override;

private:
    StateFilter m_state = StateFilter::All;
    QString m_text;       ///< lower case, trimmed
    QString m_normalized; ///< m_text without number separators; empty when it has no digit
};

} // namespace sb::ui
