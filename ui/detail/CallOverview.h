// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QHash>
#include <QScrollArea>

class QLabel;

namespace sb::storage {
struct CallDetail;
}

namespace sb::ui {

class TimelineModel;

/// The Overview tab: one call in readable, selectable labels in a form: who (from, to,
/// direction), when (created, answered, ended, duration), state and its history (each status
/// change with its time, from the timeline's events), flow, figures per stream and track
/// (frames, gaps, missing, late, reordered, duplicates, seconds of audio) and errors (Twilio's
/// code and message, the call's and its events'). Rebuilt as a whole by show(); cheap enough for
/// the pane to call after each burst of changes.
///
/// Each value label is named "overview<Field>" (overviewFrom, overviewStates, overviewStreams,
/// overviewErrors, ...). GUI thread.
class CallOverview : public QScrollArea
{
    Q_OBJECT

public:
    explicit CallOverview(QWidget* parent = nullptr);

    void show(const storage::CallDetail& detail, const TimelineModel& timeline);
    void clear();
    /// The value label of a field ("From", "States", ...), or null.
    QLabel* field(const QString& name) const { return m_fields.value(name); }

private:
    QLabel* addField(const QString& name, const QString& label);

    QHash<QString, QLabel*> m_fields;
};

} // namespace sb::ui
