// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/Result.h"

#include <QDateTime>
#include <QList>
#include <QMutex>
#include <QString>
#include <cstdint>
#include <optional>

/// The data behind the local stand-in for Twilio's REST API (2010-04-01): one account, its API
/// keys, calls, recordings with their audio, and incoming phone numbers. Field names follow the
/// JSON resources of app/twilio/PROTOCOL.md §6.3 and §7; RestApiJson.h renders them.
namespace sb::restapi {

/// The account the server answers for, and the credentials it accepts. Secrets live in memory only.
struct Account
{
    QString sid;       ///< `AC…`
    QString authToken; ///< the password that goes with `sid` in HTTP Basic auth
    QString friendlyName = QStringLiteral("Switchboard simulated account");
    QDateTime dateCreated = QDateTime::currentDateTimeUtc();
};

/// An API key (`SK…` + secret) that authenticates as the account.
struct ApiKey
{
    QString sid;
    QString secret;
};

/// A call resource (§7.1). Dates are UTC; invalid dates render as null.
struct CallRecord
{
    QString sid; ///< `CA…`; empty on add means "generate one"
    QString parentCallSid;
    QString to;
    QString from;
    QString phoneNumberSid;
    QString status =
        QStringLiteral("completed"); ///< queued|ringing|in-progress|completed|busy|failed|no-answer|canceled
    QString direction = QStringLiteral("inbound"); ///< inbound|outbound-api|outbound-dial
    QString answeredBy;
    QString forwardedFrom;
    QString callerName;
    QDateTime dateCreated; ///< invalid on add: now
    QDateTime dateUpdated;
    QDateTime startTime;
    QDateTime endTime;
    int durationSeconds = -1; ///< -1: unknown (rendered as null); set when the call ends
    QString price;
    QString priceUnit = QStringLiteral("USD");
    QString url;    ///< last `Url` given by a REST update (redirect), for the simulator
    QString method; ///< its method
    QString twiml;  ///< last `Twiml` given by a REST update
};

/// A recording resource (§6.3) with its audio: 16-bit PCM, interleaved when `channels` is 2.
struct RecordingRecord
{
    QString sid; ///< `RE…`; empty on add means "generate one"
    QString callSid;
    QString conferenceSid;
    QDateTime dateCreated; ///< invalid on add: now
    QDateTime dateUpdated;
    QDateTime startTime;
    int durationSeconds = -1; ///< -1 on add: computed from the audio (rounded to whole seconds)
    QString status = QStringLiteral("completed");
    QString source = QStringLiteral("RecordVerb");
    int channels = 1;
    int sampleRate = 8000;
    std::optional<int> errorCode;
    QString price = QStringLiteral("-0.00250");
    QString priceUnit = QStringLiteral("USD");
    QList<int16_t> samples; ///< interleaved by channel

    qint64 frames() const { return channels > 0 ? samples.size() / channels : 0; }
};

/// An incoming phone number (§7.2). Empty strings render as JSON null.
struct PhoneNumberRecord
{
    QString sid; ///< `PN…`; empty on add means "generate one"
    QString phoneNumber;
    QString friendlyName;
    QString voiceUrl;
    QString voiceMethod = QStringLiteral("POST");
    QString voiceFallbackUrl;
    QString voiceFallbackMethod = QStringLiteral("POST");
    QString statusCallback;
    QString statusCallbackMethod = QStringLiteral("POST");
    bool voiceCallerIdLookup = false;
    QString voiceApplicationSid;
    QString trunkSid;
    QString voiceReceiveMode = QStringLiteral("voice");
    QString smsUrl;
    QString smsMethod = QStringLiteral("POST");
    QString smsFallbackUrl;
    QString smsFallbackMethod = QStringLiteral("POST");
    QString smsApplicationSid;
    QString apiVersion = QStringLiteral("2010-04-01");
    QDateTime dateCreated; ///< invalid on add: now
    QDateTime dateUpdated;
};

/// What a REST `POST …/Calls/{CA}.json` asks for (§7.1). Null strings mean "not given".
struct CallUpdate
{
    QString status; ///< completed|canceled
    QString url;
    QString method;
    QString twiml;
    QString fallbackUrl;
    QString statusCallback;
};

/// The in-memory store. Every method is thread-safe (one mutex): the simulator may add
/// recordings from its own thread while the server thread reads. Lists come back ordered the way
/// the REST API lists them: calls and recordings newest first (ties by SID), numbers oldest first.
class RestApiStore
{
public:
    RestApiStore() = default;
    RestApiStore(const RestApiStore&) = delete;
    RestApiStore& operator=(const RestApiStore&) = delete;

    void setAccount(Account account);
    Account account() const;
    void addApiKey(ApiKey key);
    /// The account SID when `user`/`password` are the account's token or one of its API keys,
    /// compared in constant time; otherwise an empty string.
    QString authenticate(const QString& user, const QString& password) const;
    /// True when `user` is the account SID (as opposed to an API key).
    bool isAccountLogin(const QString& user) const;

    /// Adds a recording (SID and dates generated when empty). Error codes:
    /// restapi.bad_recording (no/invalid channels or sample rate), restapi.duplicate_sid.
    Result<RecordingRecord> addRecording(RecordingRecord recording);
    /// Adds a recording whose audio is read from a WAV file (16-bit PCM or mu-law); the channel
    /// count and sample rate come from the file.
    Result<RecordingRecord> addRecordingFromWav(RecordingRecord recording, const QString& wavPath);
    std::optional<RecordingRecord> recording(const QString& sid) const;
    /// Replaces the metadata and audio of an existing recording (matched by SID).
    bool updateRecording(const RecordingRecord& recording);
    bool deleteRecording(const QString& sid);
    QList<RecordingRecord> recordings() const;

    Result<CallRecord> addCall(CallRecord call);
    std::optional<CallRecord> call(const QString& sid) const;
    bool deleteCall(const QString& sid);
    QList<CallRecord> calls() const;
    /// Applies a REST call update with Twilio's rules: `Status=completed` only on an in-progress
    /// call, `Status=canceled` only on a queued or ringing one, `Url`/`Twiml` only while the call
    /// is live (queued, ringing, in-progress). Error codes: restapi.not_found,
    /// restapi.call_not_in_progress (HTTP 400, Twilio 21220), restapi.bad_parameter.
    Result<CallRecord> applyCallUpdate(const QString& sid, const CallUpdate& update);

    Result<PhoneNumberRecord> addPhoneNumber(PhoneNumberRecord number);
    std::optional<PhoneNumberRecord> phoneNumber(const QString& sid) const;
    bool updatePhoneNumber(const PhoneNumberRecord& number);
    bool deletePhoneNumber(const QString& sid);
    QList<PhoneNumberRecord> phoneNumbers() const;

private:
    mutable QMutex m_mutex;
    Account m_account;
    QList<ApiKey> m_keys;
    QList<CallRecord> m_calls;
    QList<RecordingRecord> m_recordings;
    QList<PhoneNumberRecord> m_numbers;
};

} // namespace sb::restapi
