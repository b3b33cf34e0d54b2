// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/Result.h"
#include "restapi/RestApiStore.h"

#include <QByteArray>
#include <QString>

/// Filling a RestApiStore from files, so a developer (or a test) can serve known data.
///
/// Seed JSON (every key optional; dates RFC 2822, ISO 8601 or YYYY-MM-DD; SIDs generated when
/// absent; relative `wav` paths are resolved against the JSON file's folder):
///
///     {
///       "calls": [{"sid": "CA…", "from": "+14155550100", "to": "+14155550199",
///                  "status": "completed", "direction": "inbound",
///                  "start_time": "…", "end_time": "…", "duration": 12}],
///       "recordings": [{"sid": "RE…", "call_sid": "CA…", "wav": "greeting.wav",
///                       "date_created": "…", "status": "completed", "source": "RecordVerb",
///                       "duration": 4}],
///       "incoming_phone_numbers": [{"sid": "PN…", "phone_number": "+14155550199",
///                                   "friendly_name": "Support", "voice_url": "https://…",
///                                   "voice_application_sid": "AP…"}]
///     }
///
/// A recording without `wav` gets one second of silence at 8 kHz. Functions are reentrant; the
/// store locks itself.
namespace sb::restapi {

/// What a seed added.
struct SeedCounts
{
    int calls = 0;
    int recordings = 0;
    int phoneNumbers = 0;
};

/// Seeds from JSON text; `baseDir` resolves relative WAV paths. Error codes:
/// restapi.seed.bad_json, restapi.seed.bad_entry (with the entry's index), plus the WAV reader's
/// and the store's codes.
Result<SeedCounts> seedFromJson(RestApiStore& store, const QByteArray& json, const QString& baseDir);
/// Seeds from a JSON file (error restapi.seed.open_failed when unreadable).
Result<SeedCounts> seedFromJsonFile(RestApiStore& store, const QString& path);
/// Every `*.wav` in `dir` (sorted by name) becomes a completed inbound call with one recording
/// of that audio, created at the file's modification time.
Result<SeedCounts> seedFromFolder(RestApiStore& store, const QString& dir);

} // namespace sb::restapi
