// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/detail/TranscriptView.h"

#include "storage/TranscriptEvents.h"

#include <QHeaderView>

namespace sb::ui {

TranscriptView::TranscriptView(QWidget* parent)
    : QTreeWidget(parent)
{
    setObjectName(QStringLiteral("transcriptView"));
    setAccessibleName(tr("Transcript"));
    setHeaderLabels({tr("Time"), tr("Speaker"), tr("Text")});
    setRootIsDecorated(false);
    setWordWrap(true);
    setSelectionMode(QAbstractItemView::ExtendedSelection);
    header()->setStretchLastSection(true);
    header()->resizeSection(Time, 110);
    header()->resizeSection(Speaker, 110);
}

void TranscriptView::setSegments(const QList<storage::TranscriptSegment>& segments)
{
    clear();
    for (const storage::TranscriptSegment& s : segments)
        addSegment(s);
}

void TranscriptView::addSegment(const storage::TranscriptSegment& s)
{
    auto* item = new QTreeWidgetItem(this);
    item->setText(Time, s.at.toLocalTime().toString(QStringLiteral("HH:mm:ss.zzz")));
    item->setText(Speaker, speaker(s.track));
    item->setText(Text, s.isFinal ? s.text : tr("%1  (partial)").arg(s.text));
    item->setToolTip(Text,
                     tr("%1, %2%3")
                         .arg(s.source,
                              s.isFinal ? tr("final") : tr("partial"),
                              s.confidence >= 0 ? tr(", confidence %1").arg(s.confidence, 0, 'f', 2) : QString()));
    if (!s.isFinal) {
        QFont font = item->font(Text);
        font.setItalic(true);
        item->setFont(Text, font);
        item->setForeground(Text, palette().placeholderText());
    }
}

std::optional<storage::TranscriptSegment> TranscriptView::segmentFrom(const storage::CallEvent& e)
{
    std::optional<storage::TranscriptSegment> segment =
        storage::transcriptSegmentFrom(e.kind, e.callSid, e.at, e.detail);
    if (segment && segment->text.isEmpty())
        return std::nullopt; // nothing to show
    return segment;
}

QString TranscriptView::speaker(const QString& track)
{
    if (track == QLatin1String("inbound"))
        return tr("Caller");
    if (track == QLatin1String("outbound"))
        return tr("Agent / app");
    if (track == QLatin1String("both"))
        return tr("Both");
    return track.isEmpty() ? tr("Unknown") : track;
}

} // namespace sb::ui
