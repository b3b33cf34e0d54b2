// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/Result.h"
#include "storage/Database.h"
#include "storage/Records.h"

#include <QJsonObject>
#include <memory>

namespace sb::storage {

/// What webhookLog() returns. Every condition that is set must hold.
struct WebhookFilter
{
    /// Substring (case-insensitive for ASCII) of the path, query, call SID, request body or
    /// response body. Empty: no text condition. `%` and `_` match themselves.
    QString text;
    int minStatus = 0;   ///< inclusive; 0: no lower bound
    int maxStatus = 0;   ///< inclusive; 0: no upper bound
    QString verdict;     ///< exact signature verdict; empty: any
    QString callSid;     ///< exact; empty: any
    QString path;        ///< exact route path ("/voice"); empty: any
    qint64 beforeId = 0; ///< only entries older than this id (paging); 0: from the newest
    int limit = 200;     ///< at most this many; 0 or less: all
    /// Include request/response bodies (the list view does not need them; webhookEntry() always has them).
    bool withBodies = false;
};

/// Whether `entry` passes `filter`'s conditions (all but beforeId and limit), exactly as
/// HistoryQueries::webhookLog decides: for entries that arrive live (Storage::webhookStored). The
/// text condition needs the entry's bodies to see them. Pure; any thread.
bool matchesWebhookFilter(const WebhookFilter& filter, const WebhookLogEntry& entry);

/// The read side of the history: queries over its own read-only connection.
///
/// Threading: an instance belongs to the thread that opened it (Qt SQL connections may only be
/// used there). Open one per thread that reads; any number may run beside the writer, in this
/// process or another (`switchboard calls list`), because the database is in WAL mode: readers
/// see every committed transaction and never block the writer or each other.
///
/// Errors (sb::Error::code): those of Database::open in ReadOnly mode, `storage.not-found` for an
/// unknown SID or id, and the `storage.*` SQL failure codes of sqlError() (e.g. `storage.busy`).
class HistoryQueries
{
public:
    /// Opens `path` read-only (never creates or upgrades it).
    static Result<std::unique_ptr<HistoryQueries>> open(const QString& path, int busyTimeoutMs = 5000);

    /// Calls, newest first (by createdAt, then by insertion), with counts of what they hold.
    /// `limit` 0 or less: all.
    Result<QList<CallSummary>> listCalls(int limit = 50, int offset = 0) const;
    Result<qint64> countCalls() const;
    /// Calls not yet over (no end time, not in a final state), oldest first: what a restart after a
    /// crash puts back into the call registry, stream tokens included.
    Result<QList<CallRecord>> liveCalls() const;
    /// Everything about one call, read in one transaction (a consistent snapshot).
    Result<CallDetail> callDetail(const QString& callSid) const;
    /// Webhook log entries, newest first.
    Result<QList<WebhookLogEntry>> webhookLog(const WebhookFilter& filter = {}) const;
    /// One entry with its bodies.
    Result<WebhookLogEntry> webhookEntry(qint64 id) const;

    const Database& database() const { return *m_db; }

private:
    explicit HistoryQueries(std::unique_ptr<Database> db);
    Result<bool> readDetail(const QString& callSid, CallDetail& detail) const;

    std::unique_ptr<Database> m_db;
};

/// JSON for `switchboard calls list --json` and `switchboard calls show SID --json` (and any
/// other export). Pure functions, any thread. The shape is a contract for scripts:
///
/// - keys are snake_case; times are ISO 8601 UTC strings with milliseconds
///   ("2024-05-01T12:34:56.789Z"); durations are in seconds; unknown values are `null`.
/// - call (a list item):
///   `{"call_sid", "account_sid", "parent_call_sid"|null, "from", "to", "direction", "status",
///     "flow", "created_at", "answered_at"|null, "ended_at"|null, "duration_seconds"|null,
///     "last_status_sequence"|null, "error_code"|null, "error_message"|null,
///     "event_count", "stream_count", "transcript_segment_count", "recording_count"}`
/// - `calls list`: `{"calls": [call...], "total": N, "limit": L, "offset": O}`
/// - `calls show`: the call object (without the *_count keys) plus
///   `"events": [{"id", "at", "kind", "detail": {...}}]`,
///   `"streams": [{"stream_sid", "name", "tracks": ["inbound", ...], "bidirectional",
///     "custom_parameters": {...}, "encoding", "sample_rate", "channels", "started_at",
///     "stopped_at"|null, "duration_seconds"|null, "status", "error"|null,
///     "track_stats": [{"track", "frames", "bytes", "audio_seconds"|null, "gaps",
///       "missing_frames", "reordered", "duplicates", "late_frames", "wav_path"|null}]}]`,
///   `"transcript": [{"id", "at", "track", "source", "text", "is_final", "confidence"|null,
///     "sequence"|null}]`,
///   `"recordings": [{"recording_sid", "call_sid", "url", "status", "duration_seconds"|null,
///     "channels"|null, "source", "local_path"|null, "created_at", "downloaded_at"|null,
///     "error"|null}]`,
///   `"webhook_ids": [id...]`
/// - webhook entry: `{"id", "at", "remote_address", "method", "path", "query", "status",
///   "duration_seconds" (fractional), "signature_verdict", "call_sid"|null, "replay_of"|null,
///   "note"|null, "request_headers": [[name, value]...], "response_headers": [...],
///   "signature_diagnosis": {...}|null (WebhookLogEntry::signatureDiagnosis)}` and, with
///   bodies, `"request_body"`/`"response_body"` (text when the bytes are UTF-8, else `null`
///   plus `"request_body_base64"`/`"response_body_base64"`).
namespace json {

QJsonValue time(const QDateTime& at);
QJsonObject call(const CallRecord& call);
QJsonObject callSummary(const CallSummary& summary);
QJsonObject callList(const QList<CallSummary>& calls, qint64 total, int limit, int offset);
QJsonObject event(const CallEvent& event);
QJsonObject stream(const StreamDetail& stream);
QJsonObject trackStats(const StreamTrackStats& stats, const StreamRecord& stream);
QJsonObject transcriptSegment(const TranscriptSegment& segment);
QJsonObject recording(const RecordingRecord& recording);
QJsonObject callDetail(const CallDetail& detail);
QJsonObject webhookEntry(const WebhookLogEntry& entry, bool withBodies);

} // namespace json

} // namespace sb::storage
