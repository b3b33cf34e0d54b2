// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/Result.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace sb::calls {

/// How a flow uses Twilio.
enum class FlowMode {
    Realtime,  ///< <Start><Stream> (both tracks) + prompt; the call stays up while the stream runs
    Chunked,   ///< <Record action=/process-voice> loop: each chunk is answered, then the next one recorded
    Hybrid,    ///< realtime stream plus a <Record> of the caller as fallback and archive
    Assistant, ///< <Connect><Stream>: bidirectional, the app can speak back into the call
};
QString modeName(FlowMode mode);

/// A call flow as loaded from a JSON file (format documented in README "Flows"). Pure data.
struct Flow
{
    QString name; ///< unique, [a-z0-9-]+
    QString description;
    FlowMode mode = FlowMode::Realtime;
    QString greeting; ///< spoken first (<Say>)
    QString voice;    ///< <Say voice>, empty for Twilio's default
    QString language = QStringLiteral("en-US");
    QString goodbye;                                     ///< spoken before hanging up; empty: hang up silently
    int listenSeconds = 60;                              ///< realtime/assistant: how long the stream stays up (<Pause>)
    QString streamTrack = QStringLiteral("both_tracks"); ///< realtime/hybrid <Stream track>
    bool realtimeTranscription = false;                  ///< add <Start><Transcription> posting to /transcription
    // Chunked and hybrid recording
    int chunkSeconds = 15;  ///< <Record maxLength>
    int silenceSeconds = 3; ///< <Record timeout>
    int maxChunks = 4;      ///< chunks before the goodbye
    QString chunkReply;     ///< spoken after each chunk but the last
    bool playBeep = false;
    QString sourcePath; ///< where it was loaded from (":/flows/..." for built-ins)
};

/// Parses and validates a flow document. Errors name the file, the line and column (for JSON
/// syntax errors) or the field, and say what is expected.
Result<Flow> parseFlow(const QByteArray& json, const QString& sourcePath);

/// What the flow needs to know about the call and the listener to produce TwiML.
struct FlowContext
{
    QString publicUrl; ///< e.g. https://abc.trycloudflare.com (no trailing slash)
    QString streamUrl; ///< e.g. wss://abc.trycloudflare.com/stream
    QString callSid;
    QString callToken;  ///< per-call secret the stream must present in customParameters
    int chunkIndex = 0; ///< chunks recorded so far (chunked/hybrid)
};

/// The custom <Parameter> name that carries the call token on every <Stream>.
inline constexpr const char* kCallTokenParameter = "callToken";

/// TwiML for the voice webhook (the call's first document).
QByteArray voiceTwiml(const Flow& flow, const FlowContext& context);
/// TwiML answering a <Record action> (/process-voice) after chunk `context.chunkIndex`.
QByteArray chunkTwiml(const Flow& flow, const FlowContext& context);
/// An empty <Response/>: the answer to status callbacks and to a hung-up call's action.
QByteArray emptyTwiml();

} // namespace sb::calls
