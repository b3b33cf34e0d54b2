// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "twilio/Form.h"
#include "twilio/MediaMessages.h"
#include "twilio/Sid.h"
#include "twilio/TwimlBuilder.h"
#include "twilio/TwimlParser.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>
#include <deque>
#include <functional>
#include <optional>

/// The pure half of the Twilio simulator: what Twilio does with a TwiML document, given what the
/// caller does (app/twilio/PROTOCOL.md §4). No sockets and no clocks: durations are call-time
/// milliseconds that the call driver (CallDriver) either simulates or sleeps, and every request
/// Twilio would make is returned as data (Fetch). Everything here is reentrant; an Interpreter
/// belongs to the thread that uses it.
namespace sb::sim {

/// One byte of mu-law silence (the code for 0).
inline constexpr char kMuLawSilence = char(0xFF);
/// Bytes of mu-law audio per millisecond (8 kHz, 8 bits).
inline constexpr qint64 kMuLawBytesPerMs = 8;

/// What the simulated caller does during the call. Plain data.
struct CallerScript
{
    QByteArray audio;              ///< what the caller says: raw mu-law, 8 kHz mono
    QString digits;                ///< keys the caller presses, in order (`0-9 * # A-D`)
    QString speech;                ///< the words Gather speech / transcription report for `audio`
    double speechConfidence = 0.9; ///< `Confidence` sent with `SpeechResult`
    /// Every listening verb (Record, Gather speech, a stream) hears `audio` from its start again,
    /// instead of continuing where the previous one stopped.
    bool repeatAudio = false;
};

/// The caller's progress through its script; the interpreter consumes it.
struct CallerState
{
    CallerScript script;
    qsizetype audioPos = 0;
    qsizetype digitPos = 0;
    bool speechUsed = false;

    /// Up to `maxBytes` of the caller's audio that has not been said yet (restarting from the
    /// beginning first when repeatAudio is set), and advances past it.
    QByteArray takeAudio(qsizetype maxBytes);
    /// Audio still to be said (all of it with repeatAudio).
    qsizetype remainingAudio() const;
    QString remainingDigits() const { return script.digits.mid(digitPos); }
};

/// A prompt Twilio plays: `<Say>`, `<Play>` or `<Pause>` (also nested in `<Gather>`).
struct Prompt
{
    enum class Kind { Say, Play, Pause };
    Kind kind = Kind::Say;
    QString text;       ///< Say: the words (SSML markup removed)
    QString voice;      ///< Say: `voice`
    QString language;   ///< Say: `language`
    QString url;        ///< Play: resolved media URL (empty for a digits-only Play)
    QString digits;     ///< Play: `digits` (DTMF played into the call)
    int loop = 1;       ///< Say/Play: repetitions; 0 means "until hangup" (Twilio caps at 1000)
    qint64 pauseMs = 0; ///< Pause: `length` in ms
};

/// A request for new TwiML (action URL, redirect). `params` are the verb-specific parameters
/// only; the driver adds the standard call parameters (§1.2).
struct Fetch
{
    QString url;    ///< absolute (resolved against the document URL)
    QString method; ///< `POST` or `GET`
    twilio::FormParams params;
};

/// `<Stream>` inside `<Start>` or `<Connect>` (§4.6), resolved and checked.
struct StreamSpec
{
    QString url;                         ///< resolved; `wss://` (or `ws://`, allowed with a warning)
    QString name;                        ///< `name`, may be empty
    QString track;                       ///< `inbound_track`, `outbound_track` or `both_tracks`
    QString statusCallback;              ///< resolved `statusCallback`, may be empty
    QString statusCallbackMethod;        ///< `POST` or `GET`
    twilio::CustomParameters parameters; ///< nested `<Parameter>`s, in document order
    bool bidirectional = false;          ///< inside `<Connect>`
    int errorCode = 0;                   ///< 31922/31923/31941 when Twilio would refuse the stream
    QString error;                       ///< why
    bool insecureScheme = false;         ///< `ws://`: Twilio would refuse it (31922); the simulator allows it
    QList<twilio::MediaTrack> tracks() const;
};

/// `<Start><Transcription>` (§4.8).
struct TranscriptionSpec
{
    QString name;
    QString statusCallbackUrl; ///< resolved, may be empty
    QString statusCallbackMethod = QStringLiteral("POST");
    QString languageCode = QStringLiteral("en-US");
    QString track = QStringLiteral("both_tracks");
    QString engine = QStringLiteral("google");
    QString speechModel = QStringLiteral("telephony");
    QString inboundTrackLabel;
    QString outboundTrackLabel;
    bool partialResults = false;
};

/// `<Record>` attributes as Twilio reads them (§4.4), with Twilio's defaults.
struct RecordSpec
{
    int maxLengthSeconds = 3600;
    int timeoutSeconds = 5;
    QString finishOnKey = QStringLiteral("1234567890*#");
    bool playBeep = true;
    QString trim = QStringLiteral("trim-silence");
    QString recordingStatusCallback; ///< resolved, may be empty
    QString recordingStatusCallbackMethod = QStringLiteral("POST");
    QStringList recordingStatusCallbackEvents{QStringLiteral("completed")};
};

/// What the simulated far end of a `<Dial>` does.
struct DialOutcome
{
    QString status = QStringLiteral("completed"); ///< DialCallStatus: completed, busy, no-answer, failed, canceled
    int durationSeconds = 5;                      ///< talk time when answered
};

/// What the interpreter needs from outside: identifiers and the far end of `<Dial>`.
struct InterpreterConfig
{
    QString accountSid;
    QString apiBase = QStringLiteral("https://api.twilio.com"); ///< for RecordingUrl
    /// A new SID with a two-letter prefix (RE, CA...). Default: random.
    std::function<QString(QLatin1String prefix)> newSid;
    DialOutcome dial;
};

/// A random SID: `prefix` + 32 lower-case hex digits.
using twilio::randomSid;

/// One decided step of the call.
struct Step
{
    enum class Kind {
        Say,
        Play,
        Pause,
        Gather,
        Record,
        StartStream,
        ConnectStream,
        StopStream,
        StartTranscription,
        StopTranscription,
        Redirect,
        Dial,
        Hangup,
        Reject,
        Skip, ///< a verb the simulator does not run (Enqueue, Pay...) or one Twilio would skip
        Fail, ///< Twilio ends the call with an error (errorCode)
        End,  ///< the document ran out of verbs: the call ends
    };
    Kind kind = Kind::End;
    int line = 0; ///< source position of the verb (0 when built in memory)
    QString verb; ///< element name, e.g. `Gather`

    Prompt prompt;         ///< Say / Play / Pause
    QList<Prompt> prompts; ///< Gather: nested prompts, in order
    /// Call time spent listening after the prompts: Gather's input and timeout, Record's audio and
    /// closing silence, Dial's ringing and talk time.
    qint64 listenMs = 0;
    QByteArray audio; ///< the caller's audio heard while listening (Record: what was recorded)
    /// The request whose TwiML replaces the document (action URL, Redirect); none to fall through.
    std::optional<Fetch> fetch;

    // Gather
    QString gatherInput;           ///< `dtmf`, `speech`, `dtmf speech`
    QString digits;                ///< Gather: digits entered; Record: key that ended it
    QString speechResult;          ///< Gather: SpeechResult
    QString partialResultCallback; ///< resolved, may be empty
    QString partialResultCallbackMethod;

    // Record
    RecordSpec record;
    QString recordingSid;
    QString recordingUrl;
    qint64 recordingDurationSeconds = 0; ///< 0: nothing was recorded (status `absent`)

    // Streams and transcription
    StreamSpec stream;
    TranscriptionSpec transcription;
    QString connectAction; ///< ConnectStream: resolved `<Connect action>`, may be empty
    QString connectMethod = QStringLiteral("POST");
    QString stopName; ///< StopStream / StopTranscription: `name` (or the stream URL)

    // Dial
    QStringList dialTargets; ///< numbers / clients / SIP URIs dialled
    QString dialStatus;
    QString dialCallSid;

    int errorCode = 0; ///< Fail: the Twilio error; StartStream/ConnectStream: see stream.errorCode
    QString note;      ///< human-readable explanation (Skip, Fail, fall-through reasons)
};

/// Walks a TwiML document verb by verb, deciding each step against the caller's script
/// (app/twilio/PROTOCOL.md §4). Rules implemented:
/// - `action` URLs default to the current document URL; methods default to POST; relative URLs
///   are resolved against the document URL (a relative `<Stream url>` keeps the host and turns
///   http(s) into ws(s)).
/// - `<Gather>`: nested Say/Play/Pause first; then DTMF (digits up to `finishOnKey`, which is not
///   reported, or `numDigits`) when `input` has dtmf and the caller has digits left, else speech
///   (`SpeechResult`, `Confidence`) when `input` has speech and the caller has words left. With a
///   result the action is requested; with none, only when `actionOnEmptyResult` is true, else the
///   next verb runs.
/// - `<Record>`: records up to `maxLength` of the caller's audio; a following digit in
///   `finishOnKey` ends it (`Digits` = that key); otherwise `timeout` seconds of silence end it.
///   Empty recordings fall through to the next verb (RecordingStatus `absent`); otherwise the
///   action is requested with RecordingUrl (`{apiBase}/2010-04-01/Accounts/{AC}/Recordings/{RE}`),
///   RecordingDuration, RecordingSid and Digits. Verbs after `<Record>` are unreachable.
/// - `<Start>`/`<Stop>`/`<Connect>`: one step per nested noun; `<Connect>` with `<Stream>`
///   blocks (the driver waits for the server to close), then its `action` or the next verb.
/// - `<Redirect>`: fetch (POST by default); an empty URL fails with 11100.
/// - `<Dial>`: the far end behaves as InterpreterConfig::dial; `action` gets DialCallStatus,
///   DialCallSid, DialCallDuration (answered calls) and DialBridged; without it the next verb runs.
/// - `<Hangup>` / `<Reject>` end the call; unknown verbs are skipped with a note.
class Interpreter
{
public:
    explicit Interpreter(InterpreterConfig config = {});
    Interpreter(const Interpreter&) = delete; // pending verbs point into the document
    Interpreter& operator=(const Interpreter&) = delete;

    /// Starts a new document (the rest of the previous one is dropped). `root` must be the
    /// `<Response>` element (see loadBody for raw bytes).
    void load(const twilio::TwimlNode& root, const QString& documentUrl);

    /// Parses a response body and loads it. Returns the document-level error Twilio would raise
    /// (12100 / 11750) and loads nothing; otherwise std::nullopt, with the non-fatal issues
    /// (12200 warnings, verb errors) appended to `issues`.
    std::optional<twilio::TwimlIssue>
    loadBody(const QByteArray& body, const QString& documentUrl, QList<twilio::TwimlIssue>* issues = nullptr);

    /// The next step, consuming the caller's input as the step needs it. Returns Kind::End once
    /// the document has run out of verbs (or after Hangup/Reject/Fail/a fetch: load the fetched
    /// document to go on).
    Step next(CallerState& caller);

    QString documentUrl() const { return m_documentUrl; }

    /// Resolves `reference` against the current document URL.
    QString resolve(const QString& reference) const;

private:
    struct Pending
    {
        const twilio::TwimlNode* node = nullptr;
        const twilio::TwimlNode* parent = nullptr; ///< Start / Stop / Connect for nouns
    };

    Step decide(const Pending& item, CallerState& caller);
    Step gather(const twilio::TwimlNode& node, CallerState& caller);
    Step record(const twilio::TwimlNode& node, CallerState& caller);
    Step dial(const twilio::TwimlNode& node);
    StreamSpec streamSpec(const twilio::TwimlNode& node, bool bidirectional) const;
    std::optional<Prompt> prompt(const twilio::TwimlNode& node) const;
    QString newSid(QLatin1String prefix) const;

    InterpreterConfig m_config;
    twilio::TwimlNode m_root;
    QString m_documentUrl;
    std::deque<Pending> m_pending;
};

} // namespace sb::sim
