// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "storage/Records.h"

#include <QDateTime>
#include <QWidget>

class QComboBox;
class QFileSystemWatcher;
class QLabel;
class QLineEdit;
class QTimer;
class QTreeView;

namespace sb::bootstrap {
class Core;
}

namespace sb::ui {

class CallWallFilter;
class CallWallModel;

/// The console's call wall: a header line with counts ("2 live, 1 ringing, 40 ended"), a search
/// field ("callSearch"), a state filter ("callFilter": All / Live / Ringing / Ended) and the call
/// list ("callList", a QTreeView over a CallWallFilter over a CallWallModel), sorted by default
/// with ringing and live calls first, then the newest first; a header click sorts by that column.
///
/// With a core it loads the recent history (500 calls, through core->history(), off the GUI
/// thread; the stream health and last line of the 100 newest calls that had streams or
/// transcripts come from their details), then follows core->callStored and core->eventStored.
/// A call first seen live (created after the wall, never from the history) is announced with
/// callArrived(). Contact labels come from `contacts.csv` in the data folder (the folder of
/// core->databasePath()), reloaded whenever the file changes; a malformed file keeps the previous
/// contacts and says why in the header. Without a core the wall is empty and stays so.
///
/// Columns are laid out to the view's width: Last line takes what is left, the SID column (elided
/// in the middle) never more than a fifth, and at a narrow width the SID and Last line give way
/// first, then the rest down to their minimum widths.
///
/// GUI thread only; the core must outlive the wall.
class CallWall : public QWidget
{
    Q_OBJECT

public:
    explicit CallWall(bootstrap::Core* core, QWidget* parent = nullptr);
    ~CallWall() override;

    /// Makes the call current (clearing the search and state filter when they hide it); false
    /// when the wall does not show that call.
    bool selectCall(const QString& callSid);
    /// The current call's SID; empty when none.
    QString currentCallSid() const { return m_current; }
    CallWallModel* model() const { return m_model; }
    CallWallFilter* filter() const { return m_filter; }
    QTreeView* view() const { return m_view; }

    /// Where contacts come from (default: contacts.csv in the core's data folder; none without a
    /// core). Loads it now and watches it.
    void setContactsPath(const QString& path);
    QString contactsPath() const { return m_contactsPath; }
    /// Why the contacts file was not taken (the previous contacts stay); empty when it was.
    QString contactsError() const { return m_contactsError; }
    /// The header line, e.g. "2 live, 1 ringing, 40 ended".
    QString countsText() const;
    /// Whether a column was sized by hand (the automatic layout then stays off).
    bool columnsSizedByHand() const { return m_handSized; }
    /// Sizes the columns to the view's width again, and keeps doing so on resizes.
    void fitColumns();

signals:
    /// The current call changed (empty: none).
    void currentCallChanged(const QString& callSid);
    /// A call appeared through the live feed for the first time (not from the history).
    void callArrived(const sb::storage::CallRecord& call);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void loadHistory();
    void loadDetail(const QString& callSid);
    void onCallStored(const storage::CallRecord& call);
    void reloadContacts();
    void watchContacts();
    void updateHeader();
    void layoutColumns();
    void updateCurrent();

    bootstrap::Core* m_core = nullptr;
    QDateTime m_since; ///< calls created from here on are new
    CallWallModel* m_model = nullptr;
    CallWallFilter* m_filter = nullptr;
    QTreeView* m_view = nullptr;
    QLabel* m_counts = nullptr;
    QLabel* m_contactsStatus = nullptr;
    QLineEdit* m_search = nullptr;
    QComboBox* m_stateFilter = nullptr;
    QFileSystemWatcher* m_watcher = nullptr;
    QTimer* m_contactsDebounce = nullptr;
    QString m_contactsPath;
    QString m_contactsError;
    QString m_current;
    bool m_layingOut = false;
    /// The operator sized a column by hand: the automatic layout leaves the columns alone until
    /// "Fit columns to the window" (the header's context menu) hands them back.
    bool m_handSized = false;
};

} // namespace sb::ui
