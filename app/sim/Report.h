// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

/// What a simulated call did: a timeline, the problems Twilio would report, and what was
/// exchanged (streams, recordings). Plain values, copyable between threads.
namespace sb::sim {

/// One thing that happened. Kinds are stable names (scripts read the JSON): `call.start`, `webhook`
/// (a TwiML fetch), `redirect.http` (a 30x followed), `warning` / `error` (an issue), `say`, `play`, `pause`, `gather`,
/// `record`, `redirect`, `dial`, `hangup`, `reject`, `skip`, `stream.open`, `stream.start`, `stream.dtmf`,
/// `stream.mark`, `stream.clear`, `stream.media-received`, `stream.closed-by-app`, `stream.stop`, `stream.error`,
/// `transcription.start`, `transcription.stop`, `callback` (status, recording, stream-status, transcription,
/// partial-result), `error`, `call.end`.
struct TimelineEntry
{
    qint64 atMs = 0;   ///< wall-clock milliseconds since the call started
    qint64 callMs = 0; ///< simulated call time (equals real time with --realtime)
    QString kind;
    QString summary; ///< one human-readable line
    QJsonObject data;
};

/// A problem with a Twilio error code (app/twilio/PROTOCOL.md §9).
struct SimIssue
{
    int code = 0;       ///< Twilio error/warning number
    bool fatal = false; ///< Twilio ended the call (or the document) because of it
    QString message;
    QString url;
    qint64 atMs = 0;
};

struct StreamReport
{
    QString streamSid;
    QString name;
    QString url;
    QString track;
    bool bidirectional = false;
    qint64 inboundFrames = 0;
    qint64 outboundFrames = 0;
    qint64 dtmfSent = 0;
    qint64 marksEchoed = 0;
    qint64 clears = 0;
    qint64 appMessages = 0;   ///< messages received from the app
    QByteArray receivedAudio; ///< bidirectional: mu-law the app sent, in arrival order
    int errorCode = 0;        ///< 31920 etc. when it failed
    QString closedBy;         ///< `simulator` (stop sent) or `app` (server closed first)
};

struct RecordingReport
{
    QString recordingSid;
    QString recordingUrl;
    qint64 durationSeconds = 0;
    QByteArray mulaw; ///< the recorded caller audio (8 kHz mu-law)
};

struct CallReport
{
    QString callSid;
    QString accountSid;
    QString url;
    QString from;
    QString to;
    QString finalStatus; ///< CallStatus of the completed event: completed, busy, failed...
    qint64 callDurationMs = 0;
    qint64 wallMs = 0;
    int documents = 0;              ///< TwiML documents fetched
    int callbacks = 0;              ///< callbacks posted
    QList<qint64> webhookLatencyMs; ///< time to each TwiML response
    QStringList spoken;             ///< every <Say> text, in order
    QList<TimelineEntry> timeline;
    QList<SimIssue> issues;
    QList<StreamReport> streams;
    QList<RecordingReport> recordings;

    /// No fatal issue.
    bool ok() const;
    /// Error codes of all issues, in order.
    QList<int> issueCodes() const;
    bool hasIssue(int code) const { return issueCodes().contains(code); }
    /// Entries of one kind.
    QList<TimelineEntry> entries(const QString& kind) const;
    /// RecordingSid → a WAV file (16-bit PCM, 8 kHz mono) of the recording, for a REST stand-in.
    QMap<QString, QByteArray> recordingWavs() const;

    QJsonObject toJson() const;
    /// The readable timeline: one line per entry, then the issues.
    QString toText() const;
};

/// A 16-bit PCM WAV (8 kHz mono) of mu-law audio.
QByteArray muLawToWav(const QByteArray& mulaw);

/// Aggregate of a load run.
struct LoadReport
{
    int calls = 0;
    int succeeded = 0;
    int failed = 0;
    qint64 wallMs = 0;
    QList<CallReport> reports;

    QJsonObject toJson(bool withCalls = true) const;
    QString toText() const;
};

} // namespace sb::sim
