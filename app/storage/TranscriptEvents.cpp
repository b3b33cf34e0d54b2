// SPDX-License-Identifier: GPL-3.0-or-later
#include "storage/TranscriptEvents.h"

namespace sb::storage {

std::optional<TranscriptSegment>
transcriptSegmentFrom(const QString& kind, const QString& callSid, const QDateTime& at, const QJsonObject& detail)
{
    if (kind != QLatin1String("transcription.transcription-content"))
        return std::nullopt;
    TranscriptSegment s;
    s.callSid = callSid;
    s.at = at;
    const QString track = detail.value(QLatin1String("track")).toString();
    s.track = track.startsWith(QLatin1String("outbound")) ? QStringLiteral("outbound")
              : track.startsWith(QLatin1String("both"))   ? QStringLiteral("both")
                                                          : QStringLiteral("inbound");
    s.source = QStringLiteral("twilio-rtt");
    s.text = detail.value(QLatin1String("transcript")).toString();
    s.isFinal = detail.value(QLatin1String("final")).toBool(true);
    s.confidence = detail.value(QLatin1String("confidence")).toDouble(-1.0);
    s.sequence = qint64(detail.value(QLatin1String("sequence")).toDouble(-1));
    return s;
}

} // namespace sb::storage
