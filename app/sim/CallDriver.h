// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "sim/Interpreter.h"
#include "sim/Report.h"
#include "twilio/WebhookParams.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>
#include <deque>
#include <functional>
#include <memory>
#include <vector>

class QNetworkAccessManager;
class QTimer;

namespace sb::sim {

struct StreamPeer;

/// Twilio's connection overrides, given as a URL fragment (`#ct=…&rt=…&tt=…&rc=…&rp=…`,
/// app/twilio/PROTOCOL.md §1.5). The fragment is never part of the signed URL. Out-of-range values are
/// clamped to Twilio's ranges; unknown keys (`sni`, `e`) are ignored.
struct ConnectionOverrides
{
    int connectTimeoutMs = 5000;                   ///< ct, 100..10000
    int readTimeoutMs = 15000;                     ///< rt, 100..15000
    int totalTimeoutMs = 15000;                    ///< tt, 100..15000, all attempts together
    int retries = 1;                               ///< rc, 0..5
    QStringList retryPolicy{QStringLiteral("ct")}; ///< rp: 4xx, 5xx, ct, rt, all

    /// Whether a failure of `kind` (ct, rt, 4xx, 5xx) is retried under this policy.
    bool retriesOn(const QString& kind) const
    {
        return retryPolicy.contains(QLatin1String("all")) || retryPolicy.contains(kind);
    }
};

/// Reads the overrides from `url`'s fragment (defaults when there is none).
ConnectionOverrides parseConnectionOverrides(const QString& url);

/// Everything one simulated call needs. Defaults are Twilio's (app/twilio/PROTOCOL.md §1, §2, §10).
struct CallConfig
{
    QString url; ///< the voice URL (required)
    QString method = QStringLiteral("POST");
    QString fallbackUrl; ///< VoiceFallbackUrl; empty: none
    QString fallbackMethod = QStringLiteral("POST");
    QString accountSid; ///< empty: random AC…
    QString callSid;    ///< empty: random CA…
    QString from = QStringLiteral("+14155550123");
    QString to = QStringLiteral("+15005550006");
    /// Auth token for X-Twilio-Signature. Null: send no signature header. Kept in memory only.
    QByteArray authToken;

    CallerScript caller;
    /// Audio for the outbound track of streams (what the far end hears). Empty: Say/Play audio.
    QByteArray outboundAudio;

    bool realtime = false; ///< true: pace everything in real time; false: as fast as allowed
    /// As-fast-as-allowed pacing of stream messages (all streams of the call together). Our
    /// listener allows 400 per second with a burst of 800.
    int messagesPerSecond = 350;

    QString statusCallback; ///< call status callback URL; empty: none
    QString statusCallbackMethod = QStringLiteral("POST");
    QStringList statusEvents{QStringLiteral("completed")}; ///< initiated ringing answered completed

    int timeoutMs = 15000;                       ///< total time per HTTP request (Twilio: 15 s)
    int connectTimeoutMs = 10000;                ///< WebSocket connect/handshake time (Twilio: 10 s)
    qint64 maxDurationMs = qint64(14400) * 1000; ///< the caller hangs up after this much call time
    /// After the caller's audio is said in a `<Connect><Stream>`, how much call time to wait for
    /// the app to close the socket before the caller hangs up.
    qint64 lingerMs = 5000;
    QString apiBase = QStringLiteral("https://api.twilio.com"); ///< base of RecordingUrl
    bool synthesizeSpeech = true;                               ///< <Say> with espeak-ng when available
    DialOutcome dial;
    int maxDocuments = 100; ///< guard against redirect loops
    /// SID generator (RE, CA, MZ, GT, AC prefixes); default random.
    std::function<QString(QLatin1String prefix)> newSid;
};

/// Plays Twilio's side of one call against a webhook URL: the voice webhook (signed like
/// Twilio), the TwiML verbs in order, Media Streams over WebSocket, and the status, recording,
/// stream and transcription callbacks, recording everything in a CallReport.
///
/// HTTP requests follow Twilio's rules (§1.4): a total timeout (11205), up to 10 redirects
/// (11215), non-2xx (11200), bodies over 64 kB (11750), unparseable TwiML (12100), content types
/// other than XML/HTML/plain text/audio (12300); the fallback URL, when set, gets ErrorCode and
/// ErrorUrl. Callbacks are sent one at a time in the order Twilio fires them; the call finishes
/// after the last one has been answered.
///
/// Lives on the thread that created it (one event loop; no blocking except espeak-ng/sox runs
/// for <Say>, which are cached).
class CallDriver : public QObject
{
    Q_OBJECT

public:
    explicit CallDriver(CallConfig config, QObject* parent = nullptr);
    ~CallDriver() override;

    /// Starts the call (returns at once; finished() follows).
    void start();
    /// The caller hangs up now.
    void hangUp();
    bool isFinished() const { return m_finished; }
    const CallReport& report() const { return m_report; }
    const CallConfig& config() const { return m_config; }

    /// Convenience for tests and one-shot use: runs the call in a local event loop until it
    /// finishes (or `wallTimeoutMs` passes, which hangs up) and returns the report.
    static CallReport run(CallConfig config, int wallTimeoutMs = 120000);

signals:
    void entryAdded(const sb::sim::TimelineEntry& entry);
    void finished(const sb::sim::CallReport& report);

private:
    static CallConfig withDefaults(CallConfig config);
    static InterpreterConfig interpreterConfig(const CallConfig& config);

    struct HttpResponse
    {
        int status = 0;
        QByteArray contentType;
        QByteArray body;
        int errorCode = 0; ///< Twilio error number, 0 on success
        QString error;
        QString url; ///< the final URL (after redirects)
        qint64 elapsedMs = 0;
    };
    using HttpDone = std::function<void(const HttpResponse&)>;
    /// One delivery of a webhook: Twilio's connection overrides (URL fragment, §1.5) decide how
    /// long each attempt may take and which failures are retried.
    struct Delivery
    {
        ConnectionOverrides overrides;
        QByteArray idempotencyToken; ///< the same for every attempt of this delivery
        int attempt = 0;
        QElapsedTimer clock;
    };
    using Stream = StreamPeer;
    struct Transcription
    {
        TranscriptionSpec spec;
        QString sid;
        qint64 sequence = 0;
        bool contentSent = false;
        bool stopped = false;
    };
    struct Callback
    {
        QString kind;
        QString url;
        QString method;
        twilio::FormParams params;
    };
    struct Span
    {
        qint64 ticks = 0;
        qint64 done = 0;
        QByteArray inbound;
        QByteArray outbound;
        std::function<bool()> until;
        std::function<void()> then;
        double tokens = 0;
        QElapsedTimer clock;
        qint64 lastMs = 0;
        bool clipped = false;
    };

    // HTTP
    void httpAttempt(const QString& method,
                     const QString& url,
                     const twilio::FormParams& params,
                     HttpDone done,
                     int redirectsLeft,
                     std::shared_ptr<Delivery> delivery);
    void http(const QString& method,
              const QString& url,
              const twilio::FormParams& params,
              HttpDone done,
              int redirectsLeft = 10);
    twilio::FormParams callParams() const;

    // Documents and steps
    void fetchDocument(const Fetch& fetch, bool voiceWebhook);
    void onDocument(const Fetch& fetch, bool voiceWebhook, const HttpResponse& response);
    void documentFailed(const Fetch& fetch, int code, const QString& message);
    void runNext();
    void runStep(const Step& step);

    // One method per verb (Say, Play and Pause are prompts)
    void runGather(const Step& step);
    void runRecord(const Step& step);
    void runStream(const Step& step);
    void afterConnectStream(const Step& step, Stream* stream);
    void runStopStream(const Step& step);
    void runStartTranscription(const Step& step);
    void runStopTranscription(const Step& step);
    void runRedirect(const Step& step);
    void runDial(const Step& step);
    void runHangup();
    void runReject(const Step& step);
    void runPrompts(QList<Prompt> prompts, std::function<void()> then);
    void runPrompt(const Prompt& prompt, std::function<void()> then);
    void afterListening(const QByteArray& heard);
    void continueWith(const std::optional<Fetch>& fetch);

    // Time
    void runSpan(qint64 ms,
                 QByteArray inbound,
                 QByteArray outbound,
                 std::function<void()> then,
                 std::function<bool()> until = {});
    void onTick();
    void sendTick(const QByteArray& inbound, const QByteArray& outbound);
    qsizetype messagesPerTick() const;

    // Streams
    void openStream(const StreamSpec& spec, std::function<void(Stream*)> then);
    void onStreamText(Stream* stream, const QString& text);
    void stopStream(Stream* stream, const QString& why);
    /// A non-fatal issue about `stream`, reported the first time only (`warned` remembers).
    void warnOnce(Stream* stream, bool& warned, int code, const QString& what);
    /// Echoes marks back to the app (played, cleared, or nothing was queued).
    void echoMarks(Stream* stream, const QStringList& marks, const QString& why);
    void streamCallback(Stream* stream, twilio::StreamEvent event, const QString& error = QString());
    bool anyLiveStream() const;
    Stream* findStream(const QString& nameOrUrl) const;

    // Callbacks
    void enqueueCallback(Callback callback);
    void pumpCallbacks();
    void statusCallback(const QString& event, const QString& callStatus);
    void recordingCallback(const Step& step, const QString& status);
    void transcriptionCallback(Transcription& t, twilio::TranscriptionEvent event, const QString& transcript = {});

    // End
    void finishCall(const QString& status, const QString& reason);
    void maybeComplete();

    void note(const QString& kind, const QString& summary, const QJsonObject& data = {});
    void issue(int code, bool fatal, const QString& message, const QString& url = QString());
    QString newSid(QLatin1String prefix) const;

    CallConfig m_config;
    CallReport m_report;
    Interpreter m_interpreter;
    CallerState m_caller;
    QNetworkAccessManager* m_network = nullptr;
    QTimer* m_tickTimer = nullptr;
    QElapsedTimer m_wall;
    qint64 m_callMs = 0;
    qsizetype m_outboundPos = 0;
    bool m_started = false;
    bool m_answered = false;
    bool m_ending = false;
    bool m_inFinish = false;
    bool m_finished = false;
    bool m_usedFallback = false;
    bool m_transcribedSpeech = false;
    qint64 m_statusSequence = 0;
    std::vector<std::unique_ptr<Stream>> m_streams;
    std::vector<Transcription> m_transcriptions;
    std::deque<Callback> m_callbacks;
    bool m_callbackBusy = false;
    std::unique_ptr<Span> m_span;
    QList<QPointer<QObject>> m_pendingReplies;
};

} // namespace sb::sim
