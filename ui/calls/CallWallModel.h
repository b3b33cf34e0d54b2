// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "storage/Contacts.h"
#include "storage/Records.h"

#include <QAbstractTableModel>
#include <QDateTime>
#include <QMap>
#include <QSet>

class QTimer;

namespace sb::ui {

/// The call wall's rows: one per call (upsert by SID), in arrival order (the wall's proxy sorts).
/// Columns: Caller (number, with the contact's label when known), Called, Flow, State (text,
/// colour and icon), Duration (from answer, or creation, to the end or now; ticks every second),
/// Stream health, Talking (fed from outside by setTalking), Last line (the latest transcript
/// text), SID.
///
/// What it derives from events (applyEvent, or the events of a CallDetail): stream health from
/// `stream.*` / `stream-status.*` events and the last line (plus the searchable transcript) from
/// `transcription.*` events whose detail has a `transcript` (or `text`) field. Events are keyed by
/// id, so the same event arriving live and in a detail answer counts once; events for a call not
/// (yet) shown wait until it is (at most 200 calls, 500 events each).
///
/// One QTimer refreshes the Duration column once a second; it runs only while some call is
/// ringing or live (isTicking()).
///
/// GUI thread only.
class CallWallModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { Caller, Called, Flow, State, Duration, Stream, Talking, LastLine, Sid, ColumnCount };
    enum Role {
        CallSidRole = Qt::UserRole + 1, ///< QString: the call's SID (every column)
        CategoryRole,                   ///< int (Category): live, ringing or ended
        SortRole,                       ///< the column's sort key (qint64 or QString)
        ActiveOrderRole,                ///< qint64: active calls first, then newest first (ascending)
        SearchTextRole,                 ///< QString: everything the search field matches, lower case
        StateKindRole,                  ///< int (StateKind)
    };
    enum class Category { Live, Ringing, Ended };
    enum class StateKind { Ringing, InProgress, Streaming, Completed, Failed, BusyNoAnswer, EndedUnknown };
    enum class StreamHealth { None, Live, Gaps, Stopped, Interrupted, Failed };
    struct Counts
    {
        int live = 0;
        int ringing = 0;
        int ended = 0;
        friend bool operator==(const Counts&, const Counts&) = default;
    };

    explicit CallWallModel(QObject* parent = nullptr);
    ~CallWallModel() override;

    /// Inserts a call (on top) or replaces the stored one; returns true when it was new.
    bool upsert(const storage::CallRecord& call);
    /// Adds calls read from the history below the rows already shown; a call already shown keeps
    /// its row (the live copy is at least as new).
    void mergeHistory(const QList<storage::CallRecord>& newestFirst);
    /// Stream health and last line from one stored event.
    void applyEvent(const storage::CallEvent& event);
    /// Stream health and last line from everything stored about a call (a history answer).
    void applyDetail(const storage::CallDetail& detail);
    /// Who is talking on the call: "caller", "agent", "both" or empty (nobody, or unknown).
    void setTalking(const QString& callSid, const QString& who);
    void setContacts(const storage::Contacts& contacts);
    const storage::Contacts& contacts() const { return m_contacts; }

    const storage::CallRecord* callAt(int row) const;
    int rowOf(const QString& callSid) const;
    Counts counts() const { return m_counts; }
    bool isTicking() const;
    /// "Ada Lovelace (+15551230001)", or the number alone when it is not a contact.
    QString displayNumber(const QString& number) const;

    static Category categoryOf(const storage::CallRecord& call);
    static StateKind stateKindOf(const storage::CallRecord& call);
    /// "m:ss", or "h:mm:ss" from an hour.
    static QString formatDuration(qint64 seconds);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

signals:
    void countsChanged(const sb::ui::CallWallModel::Counts& counts);

private:
    struct Row
    {
        storage::CallRecord call;
        QMap<qint64, storage::CallEvent> events; ///< the stream and transcription events, by id
        StreamHealth stream = StreamHealth::None;
        int gaps = 0;
        QString lastLine;
        QString lastLineTrack;
        QString transcript; ///< all transcript text, lower case, for the search
        QString talking;
    };

    static bool isRelevant(const storage::CallEvent& event);
    static void derive(Row& row);
    void rowChanged(int row, int firstColumn = 0, int lastColumn = ColumnCount - 1);
    void updateCounts();
    void tick();
    qint64 durationSeconds(const storage::CallRecord& call) const;
    QVariant display(const Row& row, int column) const;
    QVariant sortKey(const Row& row, int column) const;

    QList<Row> m_rows;
    QHash<QString, int> m_index;                         ///< SID -> row
    QHash<QString, QList<storage::CallEvent>> m_waiting; ///< events of calls not shown yet
    storage::Contacts m_contacts;
    Counts m_counts;
    QTimer* m_timer = nullptr;
};

} // namespace sb::ui

Q_DECLARE_METATYPE(sb::ui::CallWallModel::Counts)
