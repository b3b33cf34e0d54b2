// SPDX-License-Identifier: GPL-3.0-or-later
#include "restapi/RestApiStore.h"

#include "audio/WavFile.h"
#include "twilio/Sid.h"

#include <QMutexLocker>
#include <algorithm>
#include <cmath>

namespace sb::restapi {

namespace {

bool constantTimeEquals(const QByteArray& a, const QByteArray& b)
{
    // Compare over the longer length so the time does not reveal where they differ.
    const qsizetype n = std::max(a.size(), b.size());
    unsigned diff = a.size() == b.size() ? 0u : 1u;
    for (qsizetype i = 0; i < n; ++i) {
        const auto x = static_cast<unsigned char>(i < a.size() ? a.at(i) : 0);
        const auto y = static_cast<unsigned char>(i < b.size() ? b.at(i) : 0);
        diff |= unsigned(x ^ y);
    }
    return diff == 0;
}

template <typename T> bool newestFirst(const T& a, const T& b)
{
    if (a.dateCreated != b.dateCreated)
        return a.dateCreated > b.dateCreated;
    return a.sid > b.sid;
}

template <typename T> qsizetype indexOfSid(const QList<T>& list, const QString& sid)
{
    for (qsizetype i = 0; i < list.size(); ++i) {
        if (list.at(i).sid == sid)
            return i;
    }
    return -1;
}

bool isLive(const QString& status)
{
    return status == QLatin1String("queued") || status == QLatin1String("ringing") ||
           status == QLatin1String("in-progress");
}

} // namespace

void RestApiStore::setAccount(Account account)
{
    QMutexLocker lock(&m_mutex);
    m_account = std::move(account);
}

Account RestApiStore::account() const
{
    QMutexLocker lock(&m_mutex);
    return m_account;
}

void RestApiStore::addApiKey(ApiKey key)
{
    QMutexLocker lock(&m_mutex);
    m_keys.append(std::move(key));
}

QString RestApiStore::authenticate(const QString& user, const QString& password) const
{
    QMutexLocker lock(&m_mutex);
    const QByteArray given = password.toUtf8();
    bool ok = false;
    if (!m_account.sid.isEmpty() && user == m_account.sid && !m_account.authToken.isEmpty())
        ok = constantTimeEquals(given, m_account.authToken.toUtf8());
    for (const ApiKey& key : m_keys) {
        if (user == key.sid && !key.secret.isEmpty())
            ok = constantTimeEquals(given, key.secret.toUtf8()) || ok;
    }
    return ok ? m_account.sid : QString();
}

bool RestApiStore::isAccountLogin(const QString& user) const
{
    QMutexLocker lock(&m_mutex);
    return !user.isEmpty() && user == m_account.sid;
}

Result<RecordingRecord> RestApiStore::addRecording(RecordingRecord recording)
{
    if (recording.channels < 1 || recording.channels > 2 || recording.sampleRate <= 0)
        return makeError(QStringLiteral("restapi.bad_recording"),
                         QStringLiteral("a recording needs 1 or 2 channels and a positive sample rate"));
    if (recording.samples.size() % recording.channels != 0)
        return makeError(QStringLiteral("restapi.bad_recording"),
                         QStringLiteral("the samples do not fill whole sample frames"));
    if (recording.sid.isEmpty())
        recording.sid = twilio::randomSid(QLatin1String("RE"));
    const QDateTime now = QDateTime::currentDateTimeUtc();
    if (!recording.dateCreated.isValid())
        recording.dateCreated = now;
    if (!recording.dateUpdated.isValid())
        recording.dateUpdated = recording.dateCreated;
    if (!recording.startTime.isValid())
        recording.startTime = recording.dateCreated;
    if (recording.durationSeconds < 0 && recording.status == QLatin1String("completed"))
        recording.durationSeconds = int(std::lround(double(recording.frames()) / double(recording.sampleRate)));
    QMutexLocker lock(&m_mutex);
    if (indexOfSid(m_recordings, recording.sid) >= 0)
        return makeError(QStringLiteral("restapi.duplicate_sid"),
                         QStringLiteral("recording %1 already exists").arg(recording.sid));
    m_recordings.append(recording);
    return recording;
}

Result<RecordingRecord> RestApiStore::addRecordingFromWav(RecordingRecord recording, const QString& wavPath)
{
    Result<audio::WavData> wav = audio::readWav(wavPath);
    if (!wav)
        return wav.error();
    recording.channels = wav->info.format.channels;
    recording.sampleRate = wav->info.format.sampleRate;
    recording.samples = std::move(wav.value().samples);
    return addRecording(std::move(recording));
}

std::optional<RecordingRecord> RestApiStore::recording(const QString& sid) const
{
    QMutexLocker lock(&m_mutex);
    const qsizetype i = indexOfSid(m_recordings, sid);
    if (i < 0)
        return std::nullopt;
    return m_recordings.at(i);
}

bool RestApiStore::updateRecording(const RecordingRecord& recording)
{
    QMutexLocker lock(&m_mutex);
    const qsizetype i = indexOfSid(m_recordings, recording.sid);
    if (i < 0)
        return false;
    m_recordings[i] = recording;
    return true;
}

bool RestApiStore::deleteRecording(const QString& sid)
{
    QMutexLocker lock(&m_mutex);
    const qsizetype i = indexOfSid(m_recordings, sid);
    if (i < 0)
        return false;
    m_recordings.removeAt(i);
    return true;
}

QList<RecordingRecord> RestApiStore::recordings() const
{
    QList<RecordingRecord> list;
    {
        QMutexLocker lock(&m_mutex);
        list = m_recordings;
    }
    std::stable_sort(list.begin(), list.end(), newestFirst<RecordingRecord>);
    return list;
}

Result<CallRecord> RestApiStore::addCall(CallRecord call)
{
    if (call.sid.isEmpty())
        call.sid = twilio::randomSid(QLatin1String("CA"));
    if (!call.dateCreated.isValid())
        call.dateCreated = call.startTime.isValid() ? call.startTime : QDateTime::currentDateTimeUtc();
    if (!call.dateUpdated.isValid())
        call.dateUpdated = call.dateCreated;
    if (call.durationSeconds < 0 && call.startTime.isValid() && call.endTime.isValid())
        call.durationSeconds = int(call.startTime.secsTo(call.endTime));
    QMutexLocker lock(&m_mutex);
    if (indexOfSid(m_calls, call.sid) >= 0)
        return makeError(QStringLiteral("restapi.duplicate_sid"),
                         QStringLiteral("call %1 already exists").arg(call.sid));
    m_calls.append(call);
    return call;
}

std::optional<CallRecord> RestApiStore::call(const QString& sid) const
{
    QMutexLocker lock(&m_mutex);
    const qsizetype i = indexOfSid(m_calls, sid);
    if (i < 0)
        return std::nullopt;
    return m_calls.at(i);
}

bool RestApiStore::deleteCall(const QString& sid)
{
    QMutexLocker lock(&m_mutex);
    const qsizetype i = indexOfSid(m_calls, sid);
    if (i < 0)
        return false;
    m_calls.removeAt(i);
    return true;
}

QList<CallRecord> RestApiStore::calls() const
{
    QList<CallRecord> list;
    {
        QMutexLocker lock(&m_mutex);
        list = m_calls;
    }
    std::stable_sort(list.begin(), list.end(), newestFirst<CallRecord>);
    return list;
}

Result<CallRecord> RestApiStore::applyCallUpdate(const QString& sid, const CallUpdate& update)
{
    auto notLive = [] {
        return makeError(QStringLiteral("restapi.call_not_in_progress"),
                         QStringLiteral("Call is not in-progress. Cannot redirect."));
    };
    if (!update.url.isNull() && !update.twiml.isNull())
        return makeError(QStringLiteral("restapi.bad_parameter"),
                         QStringLiteral("Url and Twiml are mutually exclusive"));
    if (!update.twiml.isNull() && update.twiml.size() > 4000)
        return makeError(QStringLiteral("restapi.twiml_too_long"),
                         QStringLiteral("Twiml must be at most 4000 characters"));
    if (!update.status.isNull() && update.status != QLatin1String("completed") &&
        update.status != QLatin1String("canceled"))
        return makeError(QStringLiteral("restapi.bad_parameter"),
                         QStringLiteral("Status must be 'completed' or 'canceled', not '%1'").arg(update.status));

    QMutexLocker lock(&m_mutex);
    const qsizetype i = indexOfSid(m_calls, sid);
    if (i < 0)
        return makeError(QStringLiteral("restapi.not_found"), QStringLiteral("call %1 not found").arg(sid));
    CallRecord call = m_calls.at(i);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const bool wantsControl = !update.status.isNull() || !update.url.isNull() || !update.twiml.isNull();
    if (wantsControl && !isLive(call.status))
        return notLive();
    if (update.status == QLatin1String("completed")) {
        if (call.status != QLatin1String("in-progress"))
            return notLive();
        call.status = QStringLiteral("completed");
        call.endTime = now;
        call.durationSeconds = call.startTime.isValid() ? int(call.startTime.secsTo(now)) : 0;
    } else if (update.status == QLatin1String("canceled")) {
        if (call.status != QLatin1String("queued") && call.status != QLatin1String("ringing"))
            return notLive();
        call.status = QStringLiteral("canceled");
        call.endTime = now;
        call.durationSeconds = 0;
    }
    if (!update.url.isNull()) {
        call.url = update.url;
        call.method = update.method.isEmpty() ? QStringLiteral("POST") : update.method;
        call.twiml.clear();
    }
    if (!update.twiml.isNull()) {
        call.twiml = update.twiml;
        call.url.clear();
    }
    call.dateUpdated = now;
    m_calls[i] = call;
    return call;
}

Result<PhoneNumberRecord> RestApiStore::addPhoneNumber(PhoneNumberRecord number)
{
    if (number.sid.isEmpty())
        number.sid = twilio::randomSid(QLatin1String("PN"));
    if (number.friendlyName.isEmpty())
        number.friendlyName = number.phoneNumber;
    if (!number.dateCreated.isValid())
        number.dateCreated = QDateTime::currentDateTimeUtc();
    if (!number.dateUpdated.isValid())
        number.dateUpdated = number.dateCreated;
    QMutexLocker lock(&m_mutex);
    if (indexOfSid(m_numbers, number.sid) >= 0)
        return makeError(QStringLiteral("restapi.duplicate_sid"),
                         QStringLiteral("phone number %1 already exists").arg(number.sid));
    m_numbers.append(number);
    return number;
}

std::optional<PhoneNumberRecord> RestApiStore::phoneNumber(const QString& sid) const
{
    QMutexLocker lock(&m_mutex);
    const qsizetype i = indexOfSid(m_numbers, sid);
    if (i < 0)
        return std::nullopt;
    return m_numbers.at(i);
}

bool RestApiStore::updatePhoneNumber(const PhoneNumberRecord& number)
{
    QMutexLocker lock(&m_mutex);
    const qsizetype i = indexOfSid(m_numbers, number.sid);
    if (i < 0)
        return false;
    m_numbers[i] = number;
    return true;
}

bool RestApiStore::deletePhoneNumber(const QString& sid)
{
    QMutexLocker lock(&m_mutex);
    const qsizetype i = indexOfSid(m_numbers, sid);
    if (i < 0)
        return false;
    m_numbers.removeAt(i);
    return true;
}

QList<PhoneNumberRecord> RestApiStore::phoneNumbers() const
{
    QList<PhoneNumberRecord> list;
    {
        QMutexLocker lock(&m_mutex);
        list = m_numbers;
    }
    std::stable_sort(list.begin(), list.end(), [](const PhoneNumberRecord& a, const PhoneNumberRecord& b) {
        if (a.dateCreated != b.dateCreated)
            return a.dateCreated < b.dateCreated;
        return a.sid < b.sid;
    });
    return list;
}

} // namespace sb::restapi
