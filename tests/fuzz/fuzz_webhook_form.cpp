// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzz target: the form-body codec (app/twilio/Form.h) and the typed webhook parameters
// (app/twilio/WebhookParams.h). The input is one `application/x-www-form-urlencoded` body.
//
// Invariants checked:
//  - encodeFormBody(parseFormBody(body)) parses back to the same pairs, and encoding is stable;
//  - formValue/formValues agree with the pairs;
//  - every request type: a rejected body names one of the two webhook error codes; an accepted one
//    goes through toFormParams() and parses back to an equal struct (when no name repeats; with
//    repeats only crashes are looked for, see roundTrip());
//  - the whole body read as `TranscriptionData` JSON: accepted text round-trips through
//    toJsonString().
#include "FuzzSupport.h"
#include "twilio/Form.h"
#include "twilio/WebhookParams.h"

#include <QSet>

using namespace sb::twilio;

namespace {

/// True when some parameter name occurs more than once.
bool hasRepeatedName(const FormParams& params)
{
    QSet<QString> seen;
    for (const auto& pair : params) {
        if (seen.contains(pair.first))
            return true;
        seen.insert(pair.first);
    }
    return false;
}

template <typename T, typename Parse> sb::Result<T> reparse(const FormParams& written, Parse parse)
{
    sb::Result<T> again = parse(written);
    if (!again)
        std::fprintf(
            stderr, "written: %s\nerror: %s\n", encodeFormBody(written).constData(), qPrintable(again.error().message));
    return again;
}

/// With repeated names a serialisation may change the meaning: an empty (hence absent) first
/// value of an optional number is dropped while a repeat kept in `extra` is read as the value next
/// time (and may be invalid), for as many rounds as there are repeats. Twilio does not repeat
/// these parameters, so with repeats only the absence of crashes is checked.
template <typename T, typename Parse> void roundTrip(const FormParams& params, Parse parse)
{
    const sb::Result<T> parsed = parse(params);
    if (!parsed) {
        const QString code = parsed.error().code;
        SB_FUZZ_CHECK(code == kErrorMissingParameter || code == kErrorInvalidParameter);
        SB_FUZZ_CHECK(!parsed.error().message.isEmpty());
        return;
    }
    const bool repeats = hasRepeatedName(params);
    const FormParams written = toFormParams(*parsed);
    if (repeats) {
        (void)parse(written);
        return;
    }
    const sb::Result<T> again = reparse<T>(written, parse);
    SB_FUZZ_CHECK(again.ok());
    if (!(*again == *parsed))
        std::fprintf(stderr, "written: %s\n", encodeFormBody(written).constData());
    SB_FUZZ_CHECK(*again == *parsed);
    const FormParams rewritten = toFormParams(*again);
    const sb::Result<T> third = reparse<T>(rewritten, parse);
    SB_FUZZ_CHECK(third.ok() && *third == *again);
    SB_FUZZ_CHECK(toFormParams(*third) == rewritten);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray body = sb::fuzz::bytesOf(data, size).toByteArray();
    const FormParams params = parseFormBody(body);

    const QByteArray encoded = encodeFormBody(params);
    SB_FUZZ_CHECK(parseFormBody(encoded) == params);
    SB_FUZZ_CHECK(encodeFormBody(parseFormBody(encoded)) == encoded);
    for (const auto& [name, value] : params) {
        SB_FUZZ_CHECK(!formValue(params, name).isNull());
        SB_FUZZ_CHECK(formValues(params, name).contains(value));
    }

    roundTrip<CallParams>(params, parseCallParams);
    roundTrip<VoiceRequest>(params, parseVoiceRequest);
    roundTrip<CallStatusCallback>(params, parseCallStatusCallback);
    roundTrip<RecordActionRequest>(params, parseRecordActionRequest);
    roundTrip<GatherActionRequest>(params, parseGatherActionRequest);
    roundTrip<RecordingStatusCallback>(params, parseRecordingStatusCallback);
    roundTrip<StreamStatusCallback>(params, parseStreamStatusCallback);
    roundTrip<TranscriptionCallback>(params, parseTranscriptionCallback);

    const sb::Result<TranscriptionData> transcription = parseTranscriptionData(QString::fromUtf8(body));
    if (transcription) {
        const sb::Result<TranscriptionData> again = parseTranscriptionData(toJsonString(*transcription));
        SB_FUZZ_CHECK(again && *again == *transcription);
    } else {
        SB_FUZZ_CHECK(transcription.error().code == kErrorInvalidParameter);
    }
    return 0;
}
