// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "storage/Records.h"

#include <QTreeWidget>

namespace sb::ui {

/// The Transcript tab: a call's transcript segments, oldest first (time, speaker by track, text);
/// partial (interim) results are marked "partial" and shown in italics. setSegments() replaces
/// everything (a history answer); addSegment() appends one (a live transcription event).
///
/// Object name "transcriptView". GUI thread.
class TranscriptView : public QTreeWidget
{
    Q_OBJECT

public:
    enum Column { Time, Speaker, Text };

    explicit TranscriptView(QWidget* parent = nullptr);

    void setSegments(const QList<storage::TranscriptSegment>& segments);
    void addSegment(const storage::TranscriptSegment& segment);

    /// The segment a live `transcription.transcription-content` event carries; nullopt for any
    /// other event or one without words.
    static std::optional<storage::TranscriptSegment> segmentFrom(const storage::CallEvent& event);
    /// "Caller" for inbound, "Callee / app" for outbound, ...
    static QString speaker(const QString& track);
};

} // namespace sb::ui
