// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "calls/CallRegistry.h"
#include "calls/MediaSession.h"
#include "server/Listener.h"
#include "storage/Records.h"

#include <optional>

namespace sb::bootstrap {

/// Conversions between the live objects of the network side and storage rows. Pure functions.
storage::WebhookLogEntry toRecord(const server::WebhookExchange& exchange);
storage::CallRecord toRecord(const calls::Call& call);
storage::CallEvent toRecord(const calls::CallEvent& event);
storage::StreamTrackStats toRecord(const calls::TrackStats& stats);
storage::StreamRecord streamRecordFrom(const calls::MediaSession& session, const QString& status, const QString& error);
/// A transcript segment when the event carries final or partial words (transcription.*-content).
std::optional<storage::TranscriptSegment> transcriptFrom(const calls::CallEvent& event);
/// A recording row when the event is a recording status callback.
std::optional<storage::RecordingRecord> recordingFrom(const calls::CallEvent& event);
/// A call as the registry needs it after a restart.
calls::Call fromRecord(const storage::CallRecord& record);

} // namespace sb::bootstrap
