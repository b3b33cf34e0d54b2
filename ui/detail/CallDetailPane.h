// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "storage/Records.h"

#include <QList>
#include <QPointer>
#include <QWidget>

class QLabel;
class QStackedWidget;
class QTabWidget;
class QTimer;

namespace sb::bootstrap {
class Core;
}

namespace sb::ui {

class CallOverview;
class TimelineModel;
class TimelinePage;
class TranscriptView;

/// The console's call detail: a header (caller → called, state in its colour, flow, duration)
/// over tabs (objectName "callDetailTabs"): Overview, Timeline, Transcript, then the panes other
/// features add (Audio and Recording start as placeholders that say what will be there).
///
/// Contract:
/// - showCall(sid) loads the call through core->history() (callDetail, and webhookLog for the
///   call with no limit); answers for a call no longer shown are dropped. An empty sid shows
///   "No call selected".
/// - While a call is shown, core->eventStored, callStored and webhookStored for it are applied
///   live; an item that comes both live and in an answer is shown once (events and webhook
///   entries are told apart by id). Stream figures (not signalled live) are re-read when a
///   stream starts or stops, a recording changes, and every 2 s while the call streams.
/// - `core` may be null: the pane then shows its placeholder and tabs, and loads nothing.
///
/// For MainWindow: construct once, put it where the plain-text detail was, and call
/// showCall(selectedSid) when the selection changes (showCall(QString()) when it is cleared).
/// Other panes: addPane(title, widget), or replacePane("Audio", widget) for a placeholder.
///
/// GUI thread only (the core's signals and the reader's answers arrive there).
class CallDetailPane : public QWidget
{
    Q_OBJECT

public:
    explicit CallDetailPane(bootstrap::Core* core, QWidget* parent = nullptr);
    ~CallDetailPane() override;

    void showCall(const QString& callSid);
    QString callSid() const { return m_sid; }

    /// Appends a tab; the pane takes ownership. Returns its index.
    int addPane(const QString& title, QWidget* pane);
    /// Puts `pane` in place of the tab titled `title` (the old widget is deleted), keeping its
    /// position and, if it was shown, showing the new one; appends it when there is no such tab.
    /// Returns its index.
    int replacePane(const QString& title, QWidget* pane);
    /// The tab titled `title`, or null.
    QWidget* pane(const QString& title) const;

    QTabWidget* tabs() const { return m_tabs; }
    TimelineModel* timelineModel() const { return m_timeline; }
    TimelinePage* timelinePage() const { return m_timelinePage; }
    /// Whether both history answers for the shown call have been applied.
    bool isLoaded() const { return m_detailLoaded && m_webhooksLoaded; }

signals:
    /// Both history answers for `callSid` were applied (also after a failed read).
    void loaded(const QString& callSid);

private:
    void requestDetail();
    void requestWebhooks();
    void applyDetail(const storage::CallDetail& detail);
    void onEvent(const storage::CallEvent& event);
    void onCall(const storage::CallRecord& call);
    void onWebhook(const storage::WebhookLogEntry& entry);
    void scheduleRefresh();
    void scheduleSummary();
    void updateSummary();
    void updateHeader();
    void markLoaded();

    QPointer<bootstrap::Core> m_core;
    QString m_sid;
    quint64 m_generation = 0;
    storage::CallDetail m_detail;
    bool m_haveLiveCall = false;   ///< m_detail.call came from callStored: newer than any snapshot
    bool m_detailLoaded = false;   ///< the first callDetail answer was applied
    bool m_webhooksLoaded = false; ///< the webhookLog answer was applied
    bool m_refreshPending = false; ///< a callDetail re-read is in flight
    QString m_loadError;
    QList<storage::CallEvent> m_liveTranscripts; ///< transcription events received live

    QStackedWidget* m_stack;
    QLabel* m_placeholder;
    QLabel* m_header;
    QTabWidget* m_tabs;
    CallOverview* m_overview;
    TimelineModel* m_timeline;
    TimelinePage* m_timelinePage;
    TranscriptView* m_transcript;
    QTimer* m_refreshTimer;
    QTimer* m_summaryTimer;
    QTimer* m_clock; ///< ticks the header's duration while the call is live
};

} // namespace sb::ui
