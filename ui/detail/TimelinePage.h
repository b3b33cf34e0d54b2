// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "storage/HistoryReader.h"

#include <QPointer>
#include <QWidget>

class QLineEdit;
class QPlainTextEdit;
class QToolButton;
class QTreeView;

namespace sb::storage {
struct CallEvent;
struct WebhookLogEntry;
} // namespace sb::storage

namespace sb::ui {

class TimelineFilter;
class TimelineModel;

/// The Timeline tab: a filter row (one checkable button per source, a text filter, and the
/// "Follow" toggle), the call's timeline (TimelineModel through a TimelineFilter) and, below it
/// in a splitter, the selected item in full: a webhook's request line, headers and body and the
/// response's (bodies fetched from `history` when selected, answers for an item no longer
/// selected are dropped), or an event's JSON detail pretty-printed.
///
/// Follow on (the default): each new entry scrolls the view to the newest. Off: the view stays
/// where the user put it. The page does not own the model's content; CallDetailPane fills it.
///
/// Object names for tests and style sheets: timelineView, timelineDetails, timelineFilterText,
/// followLive, timelineSource<Name> (e.g. timelineSourceWebhook). GUI thread.
class TimelinePage : public QWidget
{
    Q_OBJECT

public:
    TimelinePage(TimelineModel* model, QWidget* parent = nullptr);

    /// Where webhook bodies are read from; null: the details show what the list entry holds.
    void setHistory(storage::HistoryReader* history) { m_history = history; }
    QTreeView* view() const { return m_view; }
    QToolButton* followButton() const { return m_follow; }
    TimelineFilter* filter() const { return m_filter; }
    /// Shows the details of nothing (the call changed).
    void clearDetails();

private:
    void showSelected();
    void showWebhook(const storage::WebhookLogEntry& entry);
    void showEvent(const storage::CallEvent& event);
    void followNewest();

    TimelineModel* m_model;
    TimelineFilter* m_filter;
    QTreeView* m_view;
    QPlainTextEdit* m_details;
    QLineEdit* m_text;
    QToolButton* m_follow;
    QPointer<storage::HistoryReader> m_history;
    qint64 m_shownWebhook = 0; ///< the webhook whose bodies are awaited or shown; 0: none
    bool m_scrollQueued = false;
};

} // namespace sb::ui
