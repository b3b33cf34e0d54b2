// SPDX-License-Identifier: GPL-3.0-or-later
#include "restapi/RestApiSeed.h"

#include "restapi/RestApiJson.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace sb::restapi {

namespace {

QDateTime dateField(const QJsonObject& o, const char* key)
{
    return parseTwilioDate(o.value(QLatin1String(key)).toString());
}

QString str(const QJsonObject& o, const char* key, const QString& fallback = QString())
{
    const QJsonValue v = o.value(QLatin1String(key));
    return v.isString() ? v.toString() : fallback;
}

int intField(const QJsonObject& o, const char* key, int fallback)
{
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isDouble())
        return v.toInt();
    if (v.isString()) {
        bool ok = false;
        const int n = v.toString().toInt(&ok);
        return ok ? n : fallback;
    }
    return fallback;
}

Error entryError(const char* kind, qsizetype index, const Error& cause)
{
    return makeError(QStringLiteral("restapi.seed.bad_entry"),
                     QStringLiteral("%1[%2]: %3").arg(QLatin1String(kind)).arg(index).arg(cause.message));
}

} // namespace

Result<SeedCounts> seedFromJson(RestApiStore& store, const QByteArray& json, const QString& baseDir)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (!doc.isObject())
        return makeError(QStringLiteral("restapi.seed.bad_json"),
                         QStringLiteral("seed is not a JSON object: %1").arg(parseError.errorString()));
    const QJsonObject root = doc.object();
    SeedCounts counts;

    const QJsonArray calls = root.value(QStringLiteral("calls")).toArray();
    for (qsizetype i = 0; i < calls.size(); ++i) {
        const QJsonObject o = calls.at(i).toObject();
        CallRecord c;
        c.sid = str(o, "sid");
        c.from = str(o, "from");
        c.to = str(o, "to");
        c.status = str(o, "status", c.status);
        c.direction = str(o, "direction", c.direction);
        c.parentCallSid = str(o, "parent_call_sid");
        c.phoneNumberSid = str(o, "phone_number_sid");
        c.answeredBy = str(o, "answered_by");
        c.callerName = str(o, "caller_name");
        c.forwardedFrom = str(o, "forwarded_from");
        c.price = str(o, "price");
        c.startTime = dateField(o, "start_time");
        c.endTime = dateField(o, "end_time");
        c.dateCreated = dateField(o, "date_created");
        c.durationSeconds = intField(o, "duration", -1);
        Result<CallRecord> added = store.addCall(std::move(c));
        if (!added)
            return entryError("calls", i, added.error());
        ++counts.calls;
    }

    const QJsonArray recordings = root.value(QStringLiteral("recordings")).toArray();
    for (qsizetype i = 0; i < recordings.size(); ++i) {
        const QJsonObject o = recordings.at(i).toObject();
        RecordingRecord r;
        r.sid = str(o, "sid");
        r.callSid = str(o, "call_sid");
        r.conferenceSid = str(o, "conference_sid");
        r.status = str(o, "status", r.status);
        r.source = str(o, "source", r.source);
        r.dateCreated = dateField(o, "date_created");
        r.startTime = dateField(o, "start_time");
        r.durationSeconds = intField(o, "duration", -1);
        if (o.value(QStringLiteral("error_code")).isDouble())
            r.errorCode = o.value(QStringLiteral("error_code")).toInt();
        const QString wav = str(o, "wav");
        Result<RecordingRecord> added = RecordingRecord{};
        if (wav.isEmpty()) {
            r.samples = QList<int16_t>(r.sampleRate, 0);
            added = store.addRecording(std::move(r));
        } else {
            added = store.addRecordingFromWav(std::move(r), QDir(baseDir).absoluteFilePath(wav));
        }
        if (!added)
            return entryError("recordings", i, added.error());
        ++counts.recordings;
    }

    const QJsonArray numbers = root.value(QStringLiteral("incoming_phone_numbers")).toArray();
    for (qsizetype i = 0; i < numbers.size(); ++i) {
        const QJsonObject o = numbers.at(i).toObject();
        PhoneNumberRecord n;
        n.sid = str(o, "sid");
        n.phoneNumber = str(o, "phone_number");
        n.friendlyName = str(o, "friendly_name");
        n.voiceUrl = str(o, "voice_url");
        n.voiceMethod = str(o, "voice_method", n.voiceMethod);
        n.voiceFallbackUrl = str(o, "voice_fallback_url");
        n.statusCallback = str(o, "status_callback");
        n.statusCallbackMethod = str(o, "status_callback_method", n.statusCallbackMethod);
        n.voiceApplicationSid = str(o, "voice_application_sid");
        n.trunkSid = str(o, "trunk_sid");
        n.dateCreated = dateField(o, "date_created");
        if (n.phoneNumber.isEmpty())
            return entryError(
                "incoming_phone_numbers", i, makeError(QString(), QStringLiteral("phone_number is required")));
        Result<PhoneNumberRecord> added = store.addPhoneNumber(std::move(n));
        if (!added)
            return entryError("incoming_phone_numbers", i, added.error());
        ++counts.phoneNumbers;
    }
    return counts;
}

Result<SeedCounts> seedFromJsonFile(RestApiStore& store, const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return makeError(QStringLiteral("restapi.seed.open_failed"),
                         QStringLiteral("cannot read %1: %2").arg(path, file.errorString()));
    return seedFromJson(store, file.readAll(), QFileInfo(path).absolutePath());
}

Result<SeedCounts> seedFromFolder(RestApiStore& store, const QString& dir)
{
    const QDir folder(dir);
    if (!folder.exists())
        return makeError(QStringLiteral("restapi.seed.open_failed"), QStringLiteral("no such folder: %1").arg(dir));
    SeedCounts counts;
    const QFileInfoList files =
        folder.entryInfoList({QStringLiteral("*.wav"), QStringLiteral("*.WAV")}, QDir::Files, QDir::Name);
    for (const QFileInfo& info : files) {
        const QDateTime when = info.lastModified().toUTC();
        RecordingRecord r;
        r.dateCreated = when;
        Result<RecordingRecord> added = store.addRecordingFromWav(std::move(r), info.absoluteFilePath());
        if (!added)
            return makeError(added.error().code, info.fileName() + QStringLiteral(": ") + added.error().message);
        CallRecord c;
        c.from = QStringLiteral("+15005550100");
        c.to = QStringLiteral("+15005550199");
        c.status = QStringLiteral("completed");
        c.startTime = when.addSecs(-std::max(0, added->durationSeconds) - 1);
        c.endTime = when;
        c.dateCreated = c.startTime;
        Result<CallRecord> call = store.addCall(std::move(c));
        if (!call)
            return call.error();
        RecordingRecord linked = *added;
        linked.callSid = call->sid;
        store.updateRecording(linked);
        ++counts.calls;
        ++counts.recordings;
    }
    return counts;
}

} // namespace sb::restapi
