// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzz target: the REST stand-in's JSON seed reader (app/restapi/RestApiSeed.h) and its date
// parser (app/restapi/RestApiJson.h). The input is a seed document.
//
// A recording's `wav` is a path the seed reader opens. The target only lets plain file names
// through (resolved in a private folder holding one valid WAV, `tone.wav`); an input naming
// anything else (`/dev/zero`, `../x`) is skipped, since reading arbitrary files is what the seed
// is for and not a bug.
//
// Invariants checked:
//  - a rejected seed names one of the documented error codes;
//  - an accepted seed's counts match what the store holds; every record renders to JSON, and
//    each rendered date parses back (parseTwilioDate) to the stored instant;
//  - the whole input read as a date: a valid one formats (RFC 2822) and parses back to the same
//    second.
#include "FuzzSupport.h"
#include "audio/WavFile.h"
#include "restapi/RestApiJson.h"
#include "restapi/RestApiSeed.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>

using namespace sb::restapi;

namespace {

QString wavFolder()
{
    static QTemporaryDir dir;
    static const bool written = [] {
        QFile file(dir.filePath(QStringLiteral("tone.wav")));
        if (!file.open(QIODevice::WriteOnly))
            return false;
        const QByteArray samples(1600, '\x10'); // 100 ms of 8 kHz 16-bit mono
        const auto header = sb::audio::makeWavHeader(8000, 1, quint32(samples.size()));
        return file.write(header.data(), qint64(header.size())) == qint64(header.size()) &&
               file.write(samples) == samples.size();
    }();
    SB_FUZZ_CHECK(written);
    return dir.path();
}

/// True when every `recordings[].wav` is empty or a plain file name.
bool onlyPlainWavNames(const QByteArray& json)
{
    const QJsonArray recordings = QJsonDocument::fromJson(json).object().value(QStringLiteral("recordings")).toArray();
    for (const QJsonValue& entry : recordings) {
        const QString wav = entry.toObject().value(QStringLiteral("wav")).toString();
        if (wav.startsWith(QLatin1Char('.')) || wav.contains(QLatin1Char('/')) || wav.contains(QLatin1Char('\\')))
            return false;
    }
    return true;
}

/// The instant without its milliseconds (RFC 2822 has whole seconds). Not toSecsSinceEpoch(), which
/// rounds towards zero, i.e. up before 1970.
qint64 wholeSecondMs(const QDateTime& when)
{
    return when.toMSecsSinceEpoch() - when.toUTC().time().msec();
}

void checkDate(const QJsonValue& rendered, const QDateTime& stored)
{
    if (!stored.isValid()) {
        SB_FUZZ_CHECK(rendered.isNull());
        return;
    }
    const QDateTime back = parseTwilioDate(rendered.toString());
    SB_FUZZ_CHECK(back.isValid());
    SB_FUZZ_CHECK(back.toMSecsSinceEpoch() == wholeSecondMs(stored));
}

void checkSeed(const QByteArray& json)
{
    RestApiStore store;
    const sb::Result<SeedCounts> counts = seedFromJson(store, json, wavFolder());
    if (!counts) {
        const QString code = counts.error().code;
        SB_FUZZ_CHECK(code == QLatin1String("restapi.seed.bad_json") ||
                      code == QLatin1String("restapi.seed.bad_entry"));
        return;
    }
    const QString account = QStringLiteral("AC0123456789abcdef0123456789abcdef");
    SB_FUZZ_CHECK(store.calls().size() == counts->calls);
    SB_FUZZ_CHECK(store.recordings().size() == counts->recordings);
    SB_FUZZ_CHECK(store.phoneNumbers().size() == counts->phoneNumbers);
    for (const CallRecord& call : store.calls()) {
        const QJsonObject rendered = callJson(call, account);
        checkDate(rendered.value(QStringLiteral("start_time")), call.startTime);
        checkDate(rendered.value(QStringLiteral("end_time")), call.endTime);
        checkDate(rendered.value(QStringLiteral("date_created")), call.dateCreated);
    }
    for (const RecordingRecord& recording : store.recordings()) {
        const QJsonObject rendered = recordingJson(recording, account, QStringLiteral("http://127.0.0.1:8089"));
        checkDate(rendered.value(QStringLiteral("date_created")), recording.dateCreated);
        checkDate(rendered.value(QStringLiteral("start_time")), recording.startTime);
    }
    for (const PhoneNumberRecord& number : store.phoneNumbers()) {
        const QJsonObject rendered = phoneNumberJson(number, account);
        checkDate(rendered.value(QStringLiteral("date_created")), number.dateCreated);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray json = sb::fuzz::bytesOf(data, size).toByteArray();
    if (onlyPlainWavNames(json))
        checkSeed(json);

    const QDateTime date = parseTwilioDate(QString::fromUtf8(json));
    if (date.isValid()) {
        const QDateTime back = parseTwilioDate(formatRfc2822(date));
        SB_FUZZ_CHECK(back.isValid() && back.toMSecsSinceEpoch() == wholeSecondMs(date));
    }
    return 0;
}
