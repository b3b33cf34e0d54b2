// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzz target: the Media Streams codec (app/twilio/MediaMessages.h), both directions, and the
// base64 payload helpers. The input is one WebSocket text frame.
//
// Invariants checked:
//  - a rejected frame carries one of the codec's error codes, mapping to 31950/31951;
//  - a frame accepted with UnknownFields::Reject is accepted, equal, with Default and Ignore, and one
//    accepted with Default is accepted, equal, with Ignore (a stricter mode never accepts more);
//  - an accepted message serialises (toJson) to a frame that parses back, with Reject, to an equal
//    message, and serialising that gives the same bytes;
//  - an accepted message also parses with expectedStreamSid set to its own streamSid, and fails
//    with WrongStreamSid against another SID;
//  - decodeBase64Payload agrees with base64DecodedSize and encodeBase64Payload.
#include "FuzzSupport.h"
#include "twilio/MediaMessages.h"

using namespace sb::twilio;

namespace {

ParseOptions withUnknown(ParseOptions::UnknownFields mode, const QString& expected = {})
{
    ParseOptions options;
    options.unknownFields = mode;
    options.expectedStreamSid = expected;
    return options;
}

void checkError(const sb::Error& error)
{
    const std::optional<MediaError> reason = mediaErrorFromCode(error.code);
    SB_FUZZ_CHECK(reason.has_value());
    SB_FUZZ_CHECK(mediaErrorCode(*reason) == error.code);
    SB_FUZZ_CHECK(twilioErrorCode(error) == kTwilioErrorInvalidMessage);
    SB_FUZZ_CHECK(!error.message.isEmpty());
}

/// The checks for one direction. `Message` is TwilioMessage or AppMessage; `parse` the parser.
template <typename Message, typename Parse> void checkDirection(QByteArrayView frame, Parse parse)
{
    using Mode = ParseOptions::UnknownFields;
    const sb::Result<Message> byDefault = parse(frame, withUnknown(Mode::Default));
    const sb::Result<Message> ignoring = parse(frame, withUnknown(Mode::Ignore));
    const sb::Result<Message> rejecting = parse(frame, withUnknown(Mode::Reject));
    for (const sb::Result<Message>* result : {&byDefault, &ignoring, &rejecting}) {
        if (!*result)
            checkError(result->error());
    }
    if (rejecting) {
        SB_FUZZ_CHECK(byDefault && *byDefault == *rejecting);
        SB_FUZZ_CHECK(ignoring && *ignoring == *rejecting);
    }
    if (byDefault)
        SB_FUZZ_CHECK(ignoring && *ignoring == *byDefault);
    if (!ignoring)
        return;

    const Message& message = *ignoring;
    SB_FUZZ_CHECK(!eventName(message).isEmpty());
    const QByteArray json = toJson(message);
    const sb::Result<Message> again = parse(json, withUnknown(Mode::Reject));
    if (!again) {
        std::fprintf(stderr, "serialised: %s\nerror: %s\n", json.constData(), qPrintable(again.error().message));
        SB_FUZZ_CHECK(again.ok());
    }
    SB_FUZZ_CHECK(*again == message);
    SB_FUZZ_CHECK(toJson(*again) == json);

    const QString sid = streamSidOf(message);
    if (!sid.isEmpty()) {
        const sb::Result<Message> matching = parse(frame, withUnknown(Mode::Ignore, sid));
        SB_FUZZ_CHECK(matching && *matching == message);
        SB_FUZZ_CHECK(!checkStreamSid(message, sid));
        const QString other = sid + QLatin1Char('x');
        const sb::Result<Message> mismatched = parse(frame, withUnknown(Mode::Ignore, other));
        SB_FUZZ_CHECK(!mismatched && mediaErrorFromCode(mismatched.error().code) == MediaError::WrongStreamSid);
        SB_FUZZ_CHECK(checkStreamSid(message, other).has_value());
    }
}

void checkBase64(QByteArrayView bytes)
{
    QByteArray decoded;
    QString reason;
    if (decodeBase64Payload(bytes, decoded, &reason)) {
        SB_FUZZ_CHECK(decoded.size() == base64DecodedSize(bytes));
        QByteArray again;
        SB_FUZZ_CHECK(decodeBase64Payload(encodeBase64Payload(decoded), again) && again == decoded);
    } else {
        SB_FUZZ_CHECK(decoded.isEmpty());
        SB_FUZZ_CHECK(!reason.isEmpty());
    }
    QByteArray raw;
    SB_FUZZ_CHECK(decodeBase64Payload(encodeBase64Payload(bytes), raw) && raw == bytes);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArrayView frame = sb::fuzz::bytesOf(data, size);
    checkDirection<TwilioMessage>(
        frame, [](QByteArrayView utf8, const ParseOptions& options) { return parseTwilioMessage(utf8, options); });
    checkDirection<AppMessage>(
        frame, [](QByteArrayView utf8, const ParseOptions& options) { return parseAppMessage(utf8, options); });
    checkBase64(frame);
    return 0;
}
