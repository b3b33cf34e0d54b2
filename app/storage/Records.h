// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/Result.h"

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QPair>
#include <QString>
#include <QStringList>

/// Plain value types stored by sb::storage::Storage and read back by sb::storage::HistoryQueries.
/// They carry no thread affinity: copy them freely between threads (they are all implicitly
/// shared Qt types underneath).
///
/// Conventions that hold for every record:
/// - Times are instants with millisecond precision. Storage keeps them as milliseconds since the
///   Unix epoch; what comes back (from the read side, or in a *Stored signal) is a UTC QDateTime.
///   A null QDateTime means "not yet" or "unknown" (stored as SQL NULL).
/// - Integer "seconds" or "count" fields use -1 for "unknown" where noted; plain counters start at 0.
/// - Strings default to empty, which means "not known"; they are never SQL NULL in the database.
/// - Ids named `id` are assigned by Storage when the record is appended (the value passed in is
///   ignored) and are never reused.
namespace sb::storage {

/// HTTP header fields in arrival order, names and values as the raw bytes seen on the wire.
/// Stored as a JSON array of [name, value] pairs, each decoded as Latin-1 (a lossless byte mapping).
using HeaderList = QList<QPair<QByteArray, QByteArray>>;

/// One call (one Twilio CallSid). Written as a whole: the call registry owns the current state
/// and Storage::upsertCall replaces every column with what it is given (except createdAt).
struct CallRecord
{
    QString callSid;       ///< CA…, the primary key
    QString accountSid;    ///< AC…
    QString parentCallSid; ///< the parent leg of a <Dial>ed child call; empty otherwise
    QString from;          ///< Twilio's From (E.164 number, client:name or sip: URI)
    QString to;            ///< Twilio's To
    QString direction;     ///< Twilio's Direction: inbound, outbound-api, outbound-dial
    QString status;        ///< Twilio's CallStatus: queued, ringing, in-progress, completed, busy, ...
    QString flow;          ///< name of the flow that produced the call's TwiML
    /// When the call was first seen. Storage keeps the earliest of the stored value and the
    /// given one (a placeholder row made for an early event holds that event's time); a null
    /// value means "now" for a new call and "unchanged" for a stored one. callStored carries
    /// the value the row holds.
    QDateTime createdAt;
    QDateTime answeredAt;        ///< in-progress reached; null: never answered (yet)
    QDateTime endedAt;           ///< a final status reached; null: still live (or unknown)
    int durationSeconds = -1;    ///< Twilio's CallDuration; -1: unknown
    int lastStatusSequence = -1; ///< Twilio's SequenceNumber of the last status callback applied; -1: none
    QString errorCode;           ///< Twilio's ErrorCode (e.g. "13224"); empty: none
    QString errorMessage;
    QString state;       ///< the registry's state: ringing, in-progress, streaming, completed, failed, ended-unknown
    QString streamToken; ///< per-call token streams must present; never printed or exported
    int chunks = 0;      ///< <Record> chunks answered (chunked and hybrid flows)

    friend bool operator==(const CallRecord&, const CallRecord&) = default;
};

/// Something that happened to a call, in arrival order. Append-only.
struct CallEvent
{
    qint64 id = 0; ///< assigned by Storage::appendEvent; increases in the order events were appended
    QString callSid;
    QDateTime at; ///< when it happened; a null value is replaced by the time of the append
    /// What happened, dotted: "webhook.voice", "status.ringing", "status.in-progress", "stream.start",
    /// "stream.stop", "dtmf", "mark", "recording.completed", "transcript.final", "error", ...
    QString kind;
    QJsonObject detail; ///< kind-specific facts (digits, mark name, stream SID, ...)

    friend bool operator==(const CallEvent&, const CallEvent&) = default;
};

/// One Media Streams connection (one StreamSid), bound to a call.
struct StreamRecord
{
    QString streamSid; ///< MZ…, the primary key
    QString callSid;
    QString name;               ///< the <Stream name="..."> attribute; empty if none
    QStringList tracks;         ///< "inbound", "outbound" (as announced in the start message)
    bool bidirectional = false; ///< <Connect><Stream>: we may send audio back
    QJsonObject customParameters;
    QString encoding;   ///< mediaFormat.encoding, e.g. "audio/x-mulaw"
    int sampleRate = 0; ///< mediaFormat.sampleRate, e.g. 8000; 0: unknown
    int channels = 0;   ///< mediaFormat.channels; 0: unknown
    QDateTime startedAt;
    QDateTime stoppedAt;
    QString status; ///< "connected", "started", "stopped", "failed"
    QString error;  ///< why it failed or was closed abnormally; empty: no error

    friend bool operator==(const StreamRecord&, const StreamRecord&) = default;
};

/// Running totals for one track of one stream. Each update is a complete snapshot that
/// replaces the previous one (see Storage::updateTrackStats).
struct StreamTrackStats
{
    QString streamSid;
    QString track;     ///< "inbound" or "outbound"
    qint64 frames = 0; ///< media messages received (or sent, for outbound)
    qint64 bytes = 0;  ///< payload bytes after base64 decoding (the encoded audio, e.g. mu-law)
    qint64 gaps = 0;   ///< runs of one or more missing frames
    qint64 missingFrames = 0;
    qint64 reordered = 0;
    qint64 duplicates = 0;
    qint64 lateFrames = 0; ///< arrived after the jitter buffer had given up on them
    QString wavPath;       ///< the live capture under audio/; empty: not captured

    friend bool operator==(const StreamTrackStats&, const StreamTrackStats&) = default;
};

/// One HTTP exchange on the listener, for the webhook inspector and replay. Append-only.
struct WebhookLogEntry
{
    qint64 id = 0; ///< assigned by Storage::appendWebhook (returned immediately)
    QDateTime at;  ///< when the request arrived; a null value is replaced by the time of the append
    QString remoteAddress;
    QString method; ///< "POST", "GET", ...
    QString path;   ///< "/voice"
    QString query;  ///< without the leading '?'
    HeaderList requestHeaders;
    QByteArray requestBody;
    int status = 0; ///< HTTP status sent back; 0: no response was sent
    HeaderList responseHeaders;
    QByteArray responseBody;
    qint64 durationMicros = 0;
    QString signatureVerdict; ///< "valid", "mismatch", "missing-signature", "not-checked", ...
    QString callSid;          ///< the call the request was about; empty if none
    qint64 replayOf = 0;      ///< id of the entry this request replays; 0: not a replay
    QString note;             ///< why it was refused, or a warning
    /// Why a signature was refused, worked out by the listener while it had the token: `{"cause",
    /// "summary", "explanation", "expected_url", "signed_url", "parameters", "tried_urls"}`
    /// (webhook/SignatureDiagnosis.h). Empty for every other entry.
    QJsonObject signatureDiagnosis;

    friend bool operator==(const WebhookLogEntry&, const WebhookLogEntry&) = default;
};

/// One piece of a call's transcript. Append-only: interim (isFinal false) and final results are
/// both kept; readers decide what to show.
struct TranscriptSegment
{
    qint64 id = 0; ///< assigned by Storage::appendTranscript
    QString callSid;
    QDateTime at;   ///< when the words were heard (or received); null: the time of the append
    QString track;  ///< "inbound", "outbound", "both"
    QString source; ///< "twilio-rtt", "gather", "local"
    QString text;
    bool isFinal = true;
    double confidence = -1.0; ///< 0..1; below 0: not given
    qint64 sequence = -1;     ///< the source's own sequence number; -1: none

    friend bool operator==(const TranscriptSegment&, const TranscriptSegment&) = default;
};

/// One recording (one RecordingSid) and its local copy. Not tied to a stored call: the library
/// may hold recordings of calls this app never saw.
struct RecordingRecord
{
    QString recordingSid; ///< RE…, the primary key
    QString callSid;
    QString url;              ///< Twilio's RecordingUrl (without extension)
    QString status;           ///< Twilio's RecordingStatus: in-progress, completed, absent, failed
    int durationSeconds = -1; ///< -1: unknown
    int channels = 0;         ///< 0: unknown
    QString source;           ///< Twilio's RecordingSource: RecordVerb, DialVerb, StartCallRecordingAPI, ...
    QString localPath;        ///< the downloaded file under recordings/; empty: not downloaded
    QDateTime createdAt;      ///< null: the time of the write
    QDateTime downloadedAt;   ///< null: not downloaded
    QString error;            ///< last download or processing error; empty: none

    friend bool operator==(const RecordingRecord&, const RecordingRecord&) = default;
};

/// A write that Storage could not commit. Reported once per write, through Storage::writeFailed.
struct WriteFailure
{
    QString operation; ///< "upsertCall", "appendEvent", "upsertStream", "updateTrackStats", ...
    QString key;       ///< what the write was about: a SID, "MZ…/inbound", or "webhook 42"
    sb::Error error;   ///< code (see Storage.h) and a one-line message
    int attempts = 0;  ///< how many times it was tried (0: refused before any attempt)
};

// ---- Read-side aggregates (HistoryQueries) ----

/// A call as listed: the record plus counts of what hangs off it.
struct CallSummary
{
    CallRecord call;
    int eventCount = 0;
    int streamCount = 0;
    int transcriptSegmentCount = 0;
    int recordingCount = 0;

    friend bool operator==(const CallSummary&, const CallSummary&) = default;
};

/// A stream with the statistics of each of its tracks (ordered by track name).
struct StreamDetail
{
    StreamRecord stream;
    QList<StreamTrackStats> tracks;

    friend bool operator==(const StreamDetail&, const StreamDetail&) = default;
};

/// Everything stored about one call, read in one consistent snapshot.
struct CallDetail
{
    CallRecord call;
    QList<CallEvent> events;              ///< in append order
    QList<StreamDetail> streams;          ///< by start time
    QList<TranscriptSegment> transcripts; ///< by time, then append order
    QList<RecordingRecord> recordings;    ///< by creation time
    QList<qint64> webhookIds;             ///< webhook log entries about this call, oldest first

    friend bool operator==(const CallDetail&, const CallDetail&) = default;
};

} // namespace sb::storage

Q_DECLARE_METATYPE(sb::storage::CallRecord)
Q_DECLARE_METATYPE(sb::storage::CallEvent)
Q_DECLARE_METATYPE(sb::storage::StreamRecord)
Q_DECLARE_METATYPE(sb::storage::StreamTrackStats)
Q_DECLARE_METATYPE(sb::storage::WebhookLogEntry)
Q_DECLARE_METATYPE(sb::storage::TranscriptSegment)
Q_DECLARE_METATYPE(sb::storage::RecordingRecord)
Q_DECLARE_METATYPE(sb::storage::WriteFailure)
