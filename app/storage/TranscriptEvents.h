// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "storage/Records.h"

#include <QJsonObject>
#include <optional>

namespace sb::storage {

/// The transcript segment a `transcription.transcription-content` event carries (Twilio's real-time
/// transcription: detail keys `transcript`, `track`, `final`, `confidence`, `sequence`); nullopt
/// for any other kind. One mapping for what is stored (bootstrap) and what the window shows live.
/// Pure, any thread.
std::optional<TranscriptSegment>
transcriptSegmentFrom(const QString& kind, const QString& callSid, const QDateTime& at, const QJsonObject& detail);

} // namespace sb::storage
