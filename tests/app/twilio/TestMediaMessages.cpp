// SPDX-License-Identifier: GPL-3.0-or-later
#include "twilio/MediaMessages.h"

#include <QRandomGenerator>
#include <QtTest>

using namespace sb::twilio;

namespace {

const QString kStreamSid = QStringLiteral("MZ00112233445566778899aabbccddeeff");
const QString kAccountSid = QStringLiteral("AC0123456789abcdef0123456789abcdef");
const QString kCallSid = QStringLiteral("CAfedcba9876543210fedcba9876543210");

/// 160 bytes of µ-law silence (0xFF) = 20 ms, as base64: 216 characters.
const QByteArray kSilence(160, '\xff');
const QByteArray kSilenceBase64 = QByteArray(212, '/') + "/w==";

// --- The captured / documented messages of app/twilio/PROTOCOL.md §5.2 and §5.3, verbatim (only
// the payload placeholder and "MZ…" are filled in).

const QByteArray kDocConnected = R"({"event":"connected","protocol":"Call","version":"1.0.0"})";

const QByteArray kDocStart = R"({
  "event": "start",
  "sequenceNumber": "1",
  "start": {
    "accountSid": "AC0123456789abcdef0123456789abcdef",
    "streamSid": "MZ00112233445566778899aabbccddeeff",
    "callSid": "CAfedcba9876543210fedcba9876543210",
    "tracks": ["inbound"],
    "customParameters": {"session": "abc", "lang": "en"},
    "mediaFormat": {"encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 1}
  },
  "streamSid": "MZ00112233445566778899aabbccddeeff"
})";

const QByteArray kDocMedia = R"({
  "event": "media",
  "sequenceNumber": "2",
  "media": {"track": "inbound", "chunk": "1", "timestamp": "52", "payload": "PAYLOAD"},
  "streamSid": "MZ00112233445566778899aabbccddeeff"
})";

const QByteArray kDocDtmf =
    R"({"event":"dtmf","streamSid":"MZ00112233445566778899aabbccddeeff","sequenceNumber":"7","dtmf":{"track":"inbound_track","digit":"5"}})";

const QByteArray kDocMark =
    R"({"event":"mark","sequenceNumber":"103","streamSid":"MZ00112233445566778899aabbccddeeff","mark":{"name":"reply-1"}})";

const QByteArray kDocStop =
    R"({"event":"stop","sequenceNumber":"250","stop":{"accountSid":"AC0123456789abcdef0123456789abcdef","callSid":"CAfedcba9876543210fedcba9876543210"},"streamSid":"MZ00112233445566778899aabbccddeeff"})";

const QByteArray kDocAppMedia = R"({"event":"media","streamSid":"MZ…","media":{"payload":"PAYLOAD"}})";
const QByteArray kDocAppMark = R"({"event":"mark","streamSid":"MZ…","mark":{"name":"any-label"}})";
const QByteArray kDocAppClear = R"({"event":"clear","streamSid":"MZ…"})";

QByteArray filled(QByteArray json)
{
    json.replace("PAYLOAD", kSilenceBase64);
    json.replace("MZ…", kStreamSid.toUtf8());
    return json;
}

/// Removes the whitespace between JSON tokens (not inside strings).
QByteArray compact(const QByteArray& json)
{
    QByteArray out;
    bool inString = false;
    bool escape = false;
    for (const char c : json) {
        if (inString) {
            out += c;
            if (escape)
                escape = false;
            else if (c == '\\')
                escape = true;
            else if (c == '"')
                inString = false;
        } else if (c == '"') {
            inString = true;
            out += c;
        } else if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
            out += c;
        }
    }
    return out;
}

/// A valid Twilio media frame with one member's raw JSON replaced (`media.payload` etc.).
QByteArray twilioMedia(const QByteArray& track = "\"inbound\"",
                       const QByteArray& chunk = "\"1\"",
                       const QByteArray& timestamp = "\"52\"",
                       const QByteArray& payload = "\"" + kSilenceBase64 + "\"",
                       const QByteArray& sequenceNumber = "\"2\"")
{
    return "{\"event\":\"media\",\"sequenceNumber\":" + sequenceNumber + ",\"media\":{\"track\":" + track +
           ",\"chunk\":" + chunk + ",\"timestamp\":" + timestamp + ",\"payload\":" + payload +
           "},\"streamSid\":\"MZ00112233445566778899aabbccddeeff\"}";
}

/// A valid start message with parts of `start` replaced.
QByteArray
twilioStart(const QByteArray& tracks = "[\"inbound\"]",
            const QByteArray& customParameters = "\"customParameters\":{\"session\":\"abc\"},",
            const QByteArray& mediaFormat = "{\"encoding\":\"audio/x-mulaw\",\"sampleRate\":8000,\"channels\":1}",
            const QByteArray& innerStreamSid = "\"streamSid\":\"MZ00112233445566778899aabbccddeeff\",")
{
    return "{\"event\":\"start\",\"sequenceNumber\":\"1\",\"start\":{\"accountSid\":"
           "\"AC0123456789abcdef0123456789abcdef\"," +
           innerStreamSid + "\"callSid\":\"CAfedcba9876543210fedcba9876543210\",\"tracks\":" + tracks + "," +
           customParameters + "\"mediaFormat\":" + mediaFormat +
           "},\"streamSid\":\"MZ00112233445566778899aabbccddeeff\"}";
}

QByteArray bytes(const char* text)
{
    return QByteArray(text);
}

QString describe(const sb::Error& error)
{
    return error.code + QStringLiteral(": ") + error.toString();
}

/// The error of a failed result, for QVERIFY2 messages (empty when it succeeded).
template <typename T> QString failure(const sb::Result<T>& result)
{
    return result.ok() ? QString() : describe(result.error());
}

QList<QByteArray> validTwilioCorpus()
{
    return {kDocConnected,
            compact(kDocStart),
            filled(compact(kDocMedia)),
            kDocDtmf,
            kDocMark,
            kDocStop,
            twilioStart("[\"inbound\",\"outbound\"]",
                        "",
                        "{\"encoding\":\"audio/x-mulaw\",\"sampleRate\":8000,\"channels\":1}")};
}

QList<QByteArray> validAppCorpus()
{
    return {filled(kDocAppMedia), filled(kDocAppMark), filled(kDocAppClear)};
}

template <typename T> const T* as(const sb::Result<TwilioMessage>& result)
{
    return result.ok() ? std::get_if<T>(&result.value()) : nullptr;
}

template <typename T> const T* as(const sb::Result<AppMessage>& result)
{
    return result.ok() ? std::get_if<T>(&result.value()) : nullptr;
}

} // namespace

class TestMediaMessages : public QObject
{
    Q_OBJECT

private slots:
    // --- captured examples --------------------------------------------------------------------
    void parsesEveryDocumentedTwilioMessage_data();
    void parsesEveryDocumentedTwilioMessage();
    void parsesEveryDocumentedAppMessage_data();
    void parsesEveryDocumentedAppMessage();
    void start_exposesEveryDocumentedField();
    void media_exposesTrackChunkTimestampAndDecodedAudio();
    void dtmfMarkAndStop_exposeTheirFields();
    void connected_hasNoStreamSid();
    void buildsTheDocumentedMessagesFromTypedValues();

    // --- round trips --------------------------------------------------------------------------
    void twilioMessages_roundTrip_data();
    void twilioMessages_roundTrip();
    void appMessages_roundTrip_data();
    void appMessages_roundTrip();
    void parsesQStringFramesLikeUtf8Frames();
    void strings_areEscapedAndUnescaped_data();
    void strings_areEscapedAndUnescaped();

    // --- rejection ----------------------------------------------------------------------------
    void rejectsMalformedTwilioMessage_data();
    void rejectsMalformedTwilioMessage();
    void rejectsMalformedAppMessage_data();
    void rejectsMalformedAppMessage();
    void reportsJsonSyntaxErrorPosition();
    void errorReasons_mapToTwilioWarningCodes_data();
    void errorReasons_mapToTwilioWarningCodes();
    void binaryFrameError_mapsTo31950();

    // --- leniency and options -----------------------------------------------------------------
    void customParameters_acceptsEmptyAbsentOrNull_data();
    void customParameters_acceptsEmptyAbsentOrNull();
    void customParameters_convertsScalarsToStringsInOrder();
    void start_acceptsUuidStreamSidFromOldCaptures();
    void start_toleratesMissingInnerStreamSid();
    void twilioMessages_ignoreUnknownFieldsUnlessAskedToReject();
    void appMessages_rejectUnknownFieldsUnlessAskedToIgnore();
    void boundStream_rejectsOtherStreamSids_data();
    void boundStream_rejectsOtherStreamSids();
    void boundStream_sharesTheExpectedStreamSidString();
    void eventNameAndStreamSid_describeEveryMessage();

    // --- payload ------------------------------------------------------------------------------
    void payload_isLengthAgnostic_data();
    void payload_isLengthAgnostic();
    void payload_acceptsUnpaddedAndEscapedBase64();
    void decodeBase64Payload_rejectsInvalidInput_data();
    void decodeBase64Payload_rejectsInvalidInput();
    void decodeBase64Payload_reusesTheCallersBuffer();
    void base64_matchesQtForEveryLength();

    // --- robustness ---------------------------------------------------------------------------
    void survivesHostileInput_data();
    void survivesHostileInput();
    void fuzz_mutatedMessagesYieldAMessageOrAnError();
};

// =============================================================================================
// Captured examples

void TestMediaMessages::parsesEveryDocumentedTwilioMessage_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("event");
    QTest::newRow("connected") << kDocConnected << QStringLiteral("connected");
    QTest::newRow("start (pretty-printed)") << kDocStart << QStringLiteral("start");
    QTest::newRow("media (pretty-printed)") << filled(kDocMedia) << QStringLiteral("media");
    QTest::newRow("dtmf") << kDocDtmf << QStringLiteral("dtmf");
    QTest::newRow("mark") << kDocMark << QStringLiteral("mark");
    QTest::newRow("stop") << kDocStop << QStringLiteral("stop");
}

void TestMediaMessages::parsesEveryDocumentedTwilioMessage()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, event);
    const auto parsed = parseTwilioMessage(json);
    QVERIFY2(parsed.ok(), qPrintable(failure(parsed)));
    QCOMPARE(eventName(parsed.value()), event);
    // Serialising again reproduces the capture exactly: same members, same order, compact.
    QCOMPARE(toJson(parsed.value()), compact(json));
    // The strict (simulator-side) mode accepts Twilio's own messages too.
    ParseOptions strict;
    strict.unknownFields = ParseOptions::UnknownFields::Reject;
    QVERIFY(parseTwilioMessage(json, strict).ok());
}

void TestMediaMessages::parsesEveryDocumentedAppMessage_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("event");
    QTest::newRow("media") << filled(kDocAppMedia) << QStringLiteral("media");
    QTest::newRow("mark") << filled(kDocAppMark) << QStringLiteral("mark");
    QTest::newRow("clear") << filled(kDocAppClear) << QStringLiteral("clear");
}

void TestMediaMessages::parsesEveryDocumentedAppMessage()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, event);
    const auto parsed = parseAppMessage(json);
    QVERIFY2(parsed.ok(), qPrintable(failure(parsed)));
    QCOMPARE(eventName(parsed.value()), event);
    QCOMPARE(streamSidOf(parsed.value()), kStreamSid);
    QCOMPARE(toJson(parsed.value()), json);
}

void TestMediaMessages::start_exposesEveryDocumentedField()
{
    const auto parsed = parseTwilioMessage(kDocStart);
    const StartMessage* start = as<StartMessage>(parsed);
    QVERIFY(start);
    QCOMPARE(start->sequenceNumber, 1);
    QCOMPARE(start->streamSid, kStreamSid);
    QCOMPARE(start->accountSid, kAccountSid);
    QCOMPARE(start->callSid, kCallSid);
    QCOMPARE(start->tracks, QList<MediaTrack>{MediaTrack::Inbound});
    const CustomParameters expected{{QStringLiteral("session"), QStringLiteral("abc")},
                                    {QStringLiteral("lang"), QStringLiteral("en")}};
    QCOMPARE(start->customParameters, expected);
    QCOMPARE(start->customParameter(u"lang"), QStringLiteral("en"));
    QVERIFY(start->customParameter(u"missing").isNull());
    QCOMPARE(start->mediaFormat.encoding, QStringLiteral("audio/x-mulaw"));
    QCOMPARE(start->mediaFormat.sampleRate, 8000);
    QCOMPARE(start->mediaFormat.channels, 1);
    QVERIFY(start->mediaFormat == MediaFormat{});
}

void TestMediaMessages::media_exposesTrackChunkTimestampAndDecodedAudio()
{
    const QByteArray json = filled(kDocMedia);
    QCOMPARE(kSilenceBase64.size(), 216);
    const auto parsed = parseTwilioMessage(json);
    const MediaMessage* media = as<MediaMessage>(parsed);
    QVERIFY(media);
    QCOMPARE(media->sequenceNumber, 2);
    QCOMPARE(media->streamSid, kStreamSid);
    QCOMPARE(media->track, MediaTrack::Inbound);
    QCOMPARE(media->chunk, 1);
    QCOMPARE(media->timestamp, 52);
    QCOMPARE(media->payload.size(), 160);
    QCOMPARE(media->payload, kSilence);
    QCOMPARE(media->durationMs(), 20);
}

void TestMediaMessages::dtmfMarkAndStop_exposeTheirFields()
{
    const auto dtmf = parseTwilioMessage(kDocDtmf);
    QVERIFY(as<DtmfMessage>(dtmf));
    QCOMPARE(as<DtmfMessage>(dtmf)->sequenceNumber, 7);
    QCOMPARE(as<DtmfMessage>(dtmf)->track, QStringLiteral("inbound_track"));
    QCOMPARE(as<DtmfMessage>(dtmf)->digit, QStringLiteral("5"));

    const auto mark = parseTwilioMessage(kDocMark);
    QVERIFY(as<MarkMessage>(mark));
    QCOMPARE(as<MarkMessage>(mark)->sequenceNumber, 103);
    QCOMPARE(as<MarkMessage>(mark)->name, QStringLiteral("reply-1"));

    const auto stop = parseTwilioMessage(kDocStop);
    QVERIFY(as<StopMessage>(stop));
    QCOMPARE(as<StopMessage>(stop)->sequenceNumber, 250);
    QCOMPARE(as<StopMessage>(stop)->accountSid, kAccountSid);
    QCOMPARE(as<StopMessage>(stop)->callSid, kCallSid);
    QCOMPARE(as<StopMessage>(stop)->streamSid, kStreamSid);
}

void TestMediaMessages::connected_hasNoStreamSid()
{
    const auto parsed = parseTwilioMessage(kDocConnected);
    const ConnectedMessage* connected = as<ConnectedMessage>(parsed);
    QVERIFY(connected);
    QCOMPARE(connected->protocol, QStringLiteral("Call"));
    QCOMPARE(connected->version, QStringLiteral("1.0.0"));
    QVERIFY(streamSidOf(parsed.value()).isNull());
}

void TestMediaMessages::buildsTheDocumentedMessagesFromTypedValues()
{
    QCOMPARE(toJson(ConnectedMessage{}), kDocConnected);

    StartMessage start;
    start.streamSid = kStreamSid;
    start.accountSid = kAccountSid;
    start.callSid = kCallSid;
    start.customParameters = {{QStringLiteral("session"), QStringLiteral("abc")},
                              {QStringLiteral("lang"), QStringLiteral("en")}};
    QCOMPARE(toJson(start), compact(kDocStart));

    MediaMessage media;
    media.sequenceNumber = 2;
    media.streamSid = kStreamSid;
    media.chunk = 1;
    media.timestamp = 52;
    media.payload = kSilence;
    QCOMPARE(toJson(media), compact(filled(kDocMedia)));

    QCOMPARE(toJson(DtmfMessage{7, kStreamSid, QStringLiteral("inbound_track"), QStringLiteral("5")}), kDocDtmf);
    QCOMPARE(toJson(MarkMessage{103, kStreamSid, QStringLiteral("reply-1")}), kDocMark);
    QCOMPARE(toJson(StopMessage{250, kStreamSid, kAccountSid, kCallSid}), kDocStop);
    QCOMPARE(toJson(AppMediaMessage{kStreamSid, kSilence}), filled(kDocAppMedia));
    QCOMPARE(toJson(AppMarkMessage{kStreamSid, QStringLiteral("any-label")}), filled(kDocAppMark));
    QCOMPARE(toJson(ClearMessage{kStreamSid}), filled(kDocAppClear));
}

// =============================================================================================
// Round trips

void TestMediaMessages::twilioMessages_roundTrip_data()
{
    QTest::addColumn<QByteArray>("json"); // built from a typed value; parse must give it back

    StartMessage start;
    start.streamSid = kStreamSid;
    start.accountSid = kAccountSid;
    start.callSid = kCallSid;
    QTest::newRow("start, no custom parameters") << toJson(start);
    start.tracks = {MediaTrack::Inbound, MediaTrack::Outbound};
    start.customParameters = {{QStringLiteral("z"), QStringLiteral("last")},
                              {QStringLiteral("a"), QStringLiteral("")},
                              {QStringLiteral("ключ"), QStringLiteral("значение 🎧")}};
    QTest::newRow("start, both tracks, unsorted unicode parameters") << toJson(start);
    start.tracks = {};
    QTest::newRow("start, empty tracks") << toJson(start);

    MediaMessage media{
        999'999'999'999'999'999LL, kStreamSid, MediaTrack::Outbound, 123456, 0, QByteArray("\x00\x7f\x80\xff", 4)};
    QTest::newRow("media, outbound, largest counters") << toJson(media);
    media.payload.clear();
    QTest::newRow("media, empty payload") << toJson(media);

    QTest::newRow("connected, other version")
        << toJson(ConnectedMessage{QStringLiteral("Call"), QStringLiteral("2.0")});
    QTest::newRow("dtmf hash") << toJson(
        DtmfMessage{3, kStreamSid, QStringLiteral("inbound_track"), QStringLiteral("#")});
    QTest::newRow("mark, tricky name") << toJson(MarkMessage{4, kStreamSid, QStringLiteral("a\"b\\c\n\t\u0001/é")});
    QTest::newRow("stop") << toJson(StopMessage{0, kStreamSid, kAccountSid, kCallSid});
}

void TestMediaMessages::twilioMessages_roundTrip()
{
    QFETCH(QByteArray, json);
    const auto parsed = parseTwilioMessage(json);
    QVERIFY2(parsed.ok(), qPrintable(failure(parsed)));
    QCOMPARE(toJson(parsed.value()), json);
    const auto again = parseTwilioMessage(toJson(parsed.value()));
    QVERIFY(again.ok());
    QVERIFY(again.value() == parsed.value());
}

void TestMediaMessages::appMessages_roundTrip_data()
{
    QTest::addColumn<QByteArray>("json");
    QByteArray oneSecond(8000, Qt::Uninitialized);
    for (int i = 0; i < oneSecond.size(); ++i)
        oneSecond[i] = static_cast<char>(i * 37);
    QTest::newRow("media, one second (as in the capture)") << toJson(AppMediaMessage{kStreamSid, oneSecond});
    QTest::newRow("media, one byte") << toJson(AppMediaMessage{kStreamSid, QByteArray(1, 'x')});
    QTest::newRow("mark, empty name") << toJson(AppMarkMessage{kStreamSid, QString()});
    QTest::newRow("mark, emoji") << toJson(AppMarkMessage{kStreamSid, QStringLiteral("reply-🎉")});
    QTest::newRow("clear, uuid stream") << toJson(ClearMessage{QStringLiteral("9e7ee906-377b-4a6d-b2c4-5d3a1b6c7e8f")});
}

void TestMediaMessages::appMessages_roundTrip()
{
    QFETCH(QByteArray, json);
    const auto parsed = parseAppMessage(json);
    QVERIFY2(parsed.ok(), qPrintable(failure(parsed)));
    QCOMPARE(toJson(parsed.value()), json);
    const auto again = parseAppMessage(toJson(parsed.value()));
    QVERIFY(again.ok());
    QVERIFY(again.value() == parsed.value());
}

void TestMediaMessages::parsesQStringFramesLikeUtf8Frames()
{
    const QString text = QString::fromUtf8(filled(kDocMedia));
    const auto fromText = parseTwilioMessage(text); // QString, as QWebSocket delivers it
    const auto fromBytes = parseTwilioMessage(filled(kDocMedia));
    QVERIFY(fromText.ok());
    QVERIFY(fromBytes.ok());
    QVERIFY(fromText.value() == fromBytes.value());

    const QString app = QString::fromUtf8(toJson(AppMarkMessage{kStreamSid, QStringLiteral("naïve")}));
    const auto mark = parseAppMessage(app);
    QVERIFY(as<AppMarkMessage>(mark));
    QCOMPARE(as<AppMarkMessage>(mark)->name, QStringLiteral("naïve"));
}

void TestMediaMessages::strings_areEscapedAndUnescaped_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QByteArray>("wire");
    QTest::newRow("plain") << QStringLiteral("reply-1") << QByteArray("\"reply-1\"");
    QTest::newRow("quote and backslash") << QStringLiteral("a\"b\\c") << QByteArray(R"("a\"b\\c")");
    QTest::newRow("control characters") << QStringLiteral("\n\r\t\b\f") << QByteArray(R"("\n\r\t\b\f")");
    QTest::newRow("other control as \\u") << QString(QChar(0x01)) << QByteArray(R"("\u0001")");
    QTest::newRow("NUL") << QString(QChar(0)) << QByteArray(R"("\u0000")");
    QTest::newRow("slash not escaped") << QStringLiteral("a/b") << QByteArray(R"("a/b")");
    QTest::newRow("non-ASCII as UTF-8") << QStringLiteral("é€🎧")
                                        << QByteArray("\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x8e\xa7\"");
}

void TestMediaMessages::strings_areEscapedAndUnescaped()
{
    QFETCH(QString, name);
    QFETCH(QByteArray, wire);
    const QByteArray json = toJson(AppMarkMessage{kStreamSid, name});
    QVERIFY2(json.contains(QByteArray("\"name\":" + wire + "}")), json.constData());
    const auto parsed = parseAppMessage(json);
    QVERIFY(as<AppMarkMessage>(parsed));
    QCOMPARE(as<AppMarkMessage>(parsed)->name, name);
    // Escapes other encoders use are understood as well.
    const auto escaped = parseAppMessage(QByteArray(
        R"({"event":"mark","streamSid":"MZ00112233445566778899aabbccddeeff","mark":{"name":"\u0061\/\ud83c\udfa7"}})"));
    QVERIFY(as<AppMarkMessage>(escaped));
    QCOMPARE(as<AppMarkMessage>(escaped)->name, QStringLiteral("a/🎧"));
}

// =============================================================================================
// Rejection

void TestMediaMessages::rejectsMalformedTwilioMessage_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<int>("reason");
    QTest::addColumn<QString>("detail"); // must appear in the message

    const int invalidJson = int(MediaError::InvalidJson);
    const int notObject = int(MediaError::NotAnObject);
    const int missing = int(MediaError::MissingField);
    const int wrongType = int(MediaError::WrongType);
    const int invalidValue = int(MediaError::InvalidValue);
    const int unknownEvent = int(MediaError::UnknownEvent);
    const int duplicate = int(MediaError::DuplicateField);
    const int payload = int(MediaError::InvalidPayload);

    // Not JSON at all
    QTest::newRow("empty frame") << QByteArray() << invalidJson << QStringLiteral("empty");
    QTest::newRow("whitespace only") << bytes(" \n\t") << invalidJson << QStringLiteral("empty");
    QTest::newRow("plain text") << bytes("hello") << invalidJson << QStringLiteral("invalid JSON");
    QTest::newRow("truncated") << bytes(R"({"event":"media")") << invalidJson << QStringLiteral("unterminated object");
    QTest::newRow("trailing comma") << bytes(R"({"event":"media",})") << invalidJson << QStringLiteral("member name");
    QTest::newRow("single quotes") << bytes("{'event':'media'}") << invalidJson << QStringLiteral("member name");
    QTest::newRow("two values") << bytes(R"({"event":"stop"} {})") << invalidJson
                                << QStringLiteral("after the JSON value");
    QTest::newRow("invalid UTF-8 byte") << bytes("{\"event\":\"me\xff\"}") << invalidJson << QStringLiteral("UTF-8");
    QTest::newRow("overlong UTF-8") << bytes("{\"event\":\"\xc0\xaf\"}") << invalidJson << QStringLiteral("UTF-8");
    QTest::newRow("UTF-8 encoded surrogate")
        << bytes("{\"event\":\"\xed\xa0\x80\"}") << invalidJson << QStringLiteral("UTF-8");
    QTest::newRow("truncated UTF-8") << bytes("{\"event\":\"\xe2\x82\"}") << invalidJson << QStringLiteral("UTF-8");
    QTest::newRow("lone surrogate escape")
        << bytes(R"({"event":"\ud800"})") << invalidJson << QStringLiteral("surrogate");
    QTest::newRow("raw tab in string") << bytes("{\"event\":\"me\tdia\"}") << invalidJson
                                       << QStringLiteral("control character");
    QTest::newRow("bad escape") << bytes(R"({"event":"\x41"})") << invalidJson << QStringLiteral("escape");
    QTest::newRow("leading zero number") << bytes(R"({"event":"x","n":01})") << invalidJson
                                         << QStringLiteral("expected ','");
    QTest::newRow("NaN literal") << bytes(R"({"event":"x","n":NaN})") << invalidJson
                                 << QStringLiteral("unexpected character");
    QTest::newRow("deep nesting") << QByteArray(100000, '[') << invalidJson << QStringLiteral("nested too deeply");

    // JSON, but not a message
    QTest::newRow("array") << bytes("[]") << notObject << QStringLiteral("an array");
    QTest::newRow("string") << bytes(R"("media")") << notObject << QStringLiteral("a string");
    QTest::newRow("null") << bytes("null") << notObject << QStringLiteral("null");
    QTest::newRow("number") << bytes("42") << notObject << QStringLiteral("a number");
    QTest::newRow("no event") << bytes("{}") << missing << QStringLiteral("'event'");
    QTest::newRow("null event") << bytes(R"({"event":null})") << wrongType
                                << QStringLiteral("'event' must be a string, got null");
    QTest::newRow("numeric event") << bytes(R"({"event":5})") << wrongType << QStringLiteral("'event'");
    QTest::newRow("unknown event") << bytes(R"({"event":"closed"})") << unknownEvent << QStringLiteral("closed");
    QTest::newRow("event is case-sensitive")
        << bytes(R"({"event":"Media"})") << unknownEvent << QStringLiteral("Media");
    QTest::newRow("clear comes from the app")
        << bytes(R"({"event":"clear","streamSid":"MZ1"})") << unknownEvent << QStringLiteral("only sent by the app");
    QTest::newRow("duplicate event") << bytes(R"({"event":"mark","event":"stop"})") << duplicate
                                     << QStringLiteral("'event'");

    // media
    QTest::newRow("media: sequenceNumber as number")
        << twilioMedia("\"inbound\"", "\"1\"", "\"52\"", "\"" + kSilenceBase64 + "\"", "2") << wrongType
        << QStringLiteral("'sequenceNumber' must be a string");
    QTest::newRow("media: negative sequenceNumber")
        << twilioMedia("\"inbound\"", "\"1\"", "\"52\"", "\"AAAA\"", "\"-1\"") << wrongType << QStringLiteral("\"-1\"");
    QTest::newRow("media: non-numeric sequenceNumber")
        << twilioMedia("\"inbound\"", "\"1\"", "\"52\"", "\"AAAA\"", "\"two\"") << wrongType
        << QStringLiteral("'sequenceNumber'");
    QTest::newRow("media: empty sequenceNumber") << twilioMedia("\"inbound\"", "\"1\"", "\"52\"", "\"AAAA\"", "\"\"")
                                                 << wrongType << QStringLiteral("'sequenceNumber'");
    QTest::newRow("media: fractional sequenceNumber")
        << twilioMedia("\"inbound\"", "\"1\"", "\"52\"", "\"AAAA\"", "\"1.0\"") << wrongType
        << QStringLiteral("'sequenceNumber'");
    QTest::newRow("media: huge sequenceNumber")
        << twilioMedia("\"inbound\"", "\"1\"", "\"52\"", "\"AAAA\"", "\"1234567890123456789012345\"") << wrongType
        << QStringLiteral("'sequenceNumber'");
    QTest::newRow("media: null chunk") << twilioMedia("\"inbound\"", "null") << wrongType
                                       << QStringLiteral("'media.chunk' must be a string, got null");
    QTest::newRow("media: numeric timestamp")
        << twilioMedia("\"inbound\"", "\"1\"", "52") << wrongType << QStringLiteral("'media.timestamp'");
    QTest::newRow("media: unknown track") << twilioMedia("\"both\"") << invalidValue << QStringLiteral("\"both\"");
    QTest::newRow("media: track inbound_track")
        << twilioMedia("\"inbound_track\"") << invalidValue << QStringLiteral("'media.track'");
    QTest::newRow("media: payload with invalid character")
        << twilioMedia("\"inbound\"", "\"1\"", "\"52\"", "\"ab!d\"") << payload << QStringLiteral("'!'");
    QTest::newRow("media: payload with bad length")
        << twilioMedia("\"inbound\"", "\"1\"", "\"52\"", "\"abcde\"") << payload << QStringLiteral("length 5");
    QTest::newRow("media: payload number")
        << twilioMedia("\"inbound\"", "\"1\"", "\"52\"", "12") << wrongType << QStringLiteral("'media.payload'");
    QTest::newRow("media: payload null") << twilioMedia("\"inbound\"", "\"1\"", "\"52\"", "null") << wrongType
                                         << QStringLiteral("'media.payload'");
    QTest::newRow("media: no media object")
        << bytes(R"({"event":"media","sequenceNumber":"2","streamSid":"MZ1"})") << missing << QStringLiteral("'media'");
    QTest::newRow("media: media is a string")
        << bytes(R"({"event":"media","sequenceNumber":"2","streamSid":"MZ1","media":"AAAA"})") << wrongType
        << QStringLiteral("'media' must be an object");
    QTest::newRow("media: no payload")
        << bytes(
               R"({"event":"media","sequenceNumber":"2","streamSid":"MZ1","media":{"track":"inbound","chunk":"1","timestamp":"0"}})")
        << missing << QStringLiteral("'media.payload'");
    QTest::newRow("media: no streamSid")
        << bytes(
               R"({"event":"media","sequenceNumber":"2","media":{"track":"inbound","chunk":"1","timestamp":"0","payload":""}})")
        << missing << QStringLiteral("'streamSid'");
    QTest::newRow("media: duplicate payload")
        << bytes(
               R"({"event":"media","sequenceNumber":"2","streamSid":"MZ1","media":{"track":"inbound","chunk":"1","timestamp":"0","payload":"","payload":"AAAA"}})")
        << duplicate << QStringLiteral("'media.payload'");

    // start
    const QByteArray format = "{\"encoding\":\"audio/x-mulaw\",\"sampleRate\":8000,\"channels\":1}";
    const QByteArray params = "\"customParameters\":{},";
    QTest::newRow("start: sampleRate as string")
        << twilioStart(
               "[\"inbound\"]", params, "{\"encoding\":\"audio/x-mulaw\",\"sampleRate\":\"8000\",\"channels\":1}")
        << wrongType << QStringLiteral("'start.mediaFormat.sampleRate' must be a number");
    QTest::newRow("start: fractional sampleRate")
        << twilioStart("[\"inbound\"]", params, "{\"encoding\":\"audio/x-mulaw\",\"sampleRate\":8000.0,\"channels\":1}")
        << wrongType << QStringLiteral("must be an integer");
    QTest::newRow("start: overflowing sampleRate")
        << twilioStart("[\"inbound\"]", params, "{\"encoding\":\"audio/x-mulaw\",\"sampleRate\":1e999,\"channels\":1}")
        << wrongType << QStringLiteral("must be an integer");
    QTest::newRow("start: huge channels")
        << twilioStart(
               "[\"inbound\"]", params, "{\"encoding\":\"audio/x-mulaw\",\"sampleRate\":8000,\"channels\":99999999999}")
        << wrongType << QStringLiteral("'start.mediaFormat.channels'");
    QTest::newRow("start: zero channels")
        << twilioStart("[\"inbound\"]", params, "{\"encoding\":\"audio/x-mulaw\",\"sampleRate\":8000,\"channels\":0}")
        << invalidValue << QStringLiteral("out of range");
    QTest::newRow("start: null mediaFormat")
        << twilioStart("[\"inbound\"]", params, "null") << wrongType << QStringLiteral("'start.mediaFormat'");
    QTest::newRow("start: tracks is a string")
        << twilioStart("\"inbound\"") << wrongType << QStringLiteral("'start.tracks'");
    QTest::newRow("start: unknown track")
        << twilioStart("[\"inbound\",\"sideways\"]") << invalidValue << QStringLiteral("sideways");
    QTest::newRow("start: numeric track") << twilioStart("[1]") << wrongType << QStringLiteral("start.tracks");
    QTest::newRow("start: nested custom parameter")
        << twilioStart("[\"inbound\"]", "\"customParameters\":{\"a\":{\"b\":\"c\"}},") << wrongType
        << QStringLiteral("customParameters[\"a\"]");
    QTest::newRow("start: array custom parameter")
        << twilioStart("[\"inbound\"]", "\"customParameters\":{\"a\":[\"b\"]},") << wrongType
        << QStringLiteral("an array");
    QTest::newRow("start: null custom parameter") << twilioStart("[\"inbound\"]", "\"customParameters\":{\"a\":null},")
                                                  << wrongType << QStringLiteral("got null");
    QTest::newRow("start: customParameters is an array") << twilioStart("[\"inbound\"]", "\"customParameters\":[],")
                                                         << wrongType << QStringLiteral("'start.customParameters'");
    QTest::newRow("start: duplicate custom parameter")
        << twilioStart("[\"inbound\"]", "\"customParameters\":{\"a\":\"1\",\"a\":\"2\"},") << duplicate
        << QStringLiteral("\"a\"");
    QTest::newRow("start: inner streamSid differs")
        << twilioStart("[\"inbound\"]", params, format, "\"streamSid\":\"MZffffffffffffffffffffffffffffffff\",")
        << invalidValue << QStringLiteral("differs");
    QTest::newRow("start: no accountSid")
        << bytes(
               R"({"event":"start","sequenceNumber":"1","start":{"callSid":"CA1","tracks":[],"mediaFormat":{}},"streamSid":"MZ1"})")
        << missing << QStringLiteral("'start.accountSid'");

    // dtmf / mark / stop / connected
    QTest::newRow("dtmf: no digit")
        << bytes(R"({"event":"dtmf","streamSid":"MZ1","sequenceNumber":"7","dtmf":{"track":"inbound_track"}})")
        << missing << QStringLiteral("'dtmf.digit'");
    QTest::newRow("mark: numeric name")
        << bytes(R"({"event":"mark","sequenceNumber":"103","streamSid":"MZ1","mark":{"name":1}})") << wrongType
        << QStringLiteral("'mark.name'");
    QTest::newRow("stop: no callSid")
        << bytes(R"({"event":"stop","sequenceNumber":"250","stop":{"accountSid":"AC1"},"streamSid":"MZ1"})") << missing
        << QStringLiteral("'stop.callSid'");
    QTest::newRow("connected: no protocol")
        << bytes(R"({"event":"connected","version":"1.0.0"})") << missing << QStringLiteral("'protocol'");
}

void TestMediaMessages::rejectsMalformedTwilioMessage()
{
    QFETCH(QByteArray, json);
    QFETCH(int, reason);
    QFETCH(QString, detail);
    const auto parsed = parseTwilioMessage(json);
    QVERIFY2(!parsed.ok(), json.left(200).constData());
    QCOMPARE(parsed.error().code, mediaErrorCode(static_cast<MediaError>(reason)));
    QVERIFY2(parsed.error().message.contains(detail), qPrintable(describe(parsed.error())));
    QCOMPARE(twilioErrorCode(parsed.error()), kTwilioErrorInvalidMessage);
}

void TestMediaMessages::rejectsMalformedAppMessage_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<int>("reason");
    QTest::addColumn<QString>("detail");
    const int missing = int(MediaError::MissingField);
    const int wrongType = int(MediaError::WrongType);
    const int unknownEvent = int(MediaError::UnknownEvent);
    const int unexpected = int(MediaError::UnexpectedField);
    const int payload = int(MediaError::InvalidPayload);

    QTest::newRow("not JSON") << bytes("media") << int(MediaError::InvalidJson) << QStringLiteral("invalid JSON");
    QTest::newRow("start is Twilio's") << filled(compact(kDocStart)) << unknownEvent
                                       << QStringLiteral("only sent by Twilio");
    QTest::newRow("connected is Twilio's") << kDocConnected << unknownEvent << QStringLiteral("only sent by Twilio");
    QTest::newRow("sending DTMF") << bytes(R"({"event":"dtmf","streamSid":"MZ1","dtmf":{"digit":"1"}})") << unknownEvent
                                  << QStringLiteral("DTMF");
    QTest::newRow("unknown event") << bytes(R"({"event":"play","streamSid":"MZ1"})") << unknownEvent
                                   << QStringLiteral("\"play\"");
    QTest::newRow("media: no streamSid") << bytes(R"({"event":"media","media":{"payload":"AAAA"}})") << missing
                                         << QStringLiteral("'streamSid'");
    QTest::newRow("media: extra track member")
        << bytes(R"({"event":"media","streamSid":"MZ1","media":{"payload":"AAAA","track":"outbound"}})") << unexpected
        << QStringLiteral("'media.track'");
    QTest::newRow("media: extra sequenceNumber")
        << bytes(R"({"event":"media","streamSid":"MZ1","sequenceNumber":"1","media":{"payload":"AAAA"}})") << unexpected
        << QStringLiteral("'sequenceNumber'");
    QTest::newRow("media: payload not base64")
        << bytes(R"({"event":"media","streamSid":"MZ1","media":{"payload":"RIFF$$$$WAVE"}})") << payload
        << QStringLiteral("'$'");
    QTest::newRow("media: MIME line breaks in payload")
        << bytes(R"({"event":"media","streamSid":"MZ1","media":{"payload":"AAAA\nAAA"}})") << payload
        << QStringLiteral("0x0a");
    QTest::newRow("media: URL-safe alphabet")
        << bytes(R"({"event":"media","streamSid":"MZ1","media":{"payload":"AB-_"}})") << payload
        << QStringLiteral("'-'");
    QTest::newRow("media: payload is an array")
        << bytes(R"({"event":"media","streamSid":"MZ1","media":{"payload":[1,2]}})") << wrongType
        << QStringLiteral("an array");
    QTest::newRow("media: no media") << bytes(R"({"event":"media","streamSid":"MZ1"})") << missing
                                     << QStringLiteral("'media'");
    QTest::newRow("mark: no name") << bytes(R"({"event":"mark","streamSid":"MZ1","mark":{}})") << missing
                                   << QStringLiteral("'mark.name'");
    QTest::newRow("mark: null name") << bytes(R"({"event":"mark","streamSid":"MZ1","mark":{"name":null}})") << wrongType
                                     << QStringLiteral("'mark.name'");
    QTest::newRow("clear: numeric streamSid")
        << bytes(R"({"event":"clear","streamSid":42})") << wrongType << QStringLiteral("'streamSid'");
    QTest::newRow("clear: extra member") << bytes(R"({"event":"clear","streamSid":"MZ1","mark":{"name":"x"}})")
                                         << unexpected << QStringLiteral("'mark'");
}

void TestMediaMessages::rejectsMalformedAppMessage()
{
    QFETCH(QByteArray, json);
    QFETCH(int, reason);
    QFETCH(QString, detail);
    const auto parsed = parseAppMessage(json);
    QVERIFY2(!parsed.ok(), json.constData());
    QCOMPARE(parsed.error().code, mediaErrorCode(static_cast<MediaError>(reason)));
    QVERIFY2(parsed.error().message.contains(detail), qPrintable(describe(parsed.error())));
    QCOMPARE(twilioErrorCode(parsed.error()), kTwilioErrorInvalidMessage);
}

void TestMediaMessages::reportsJsonSyntaxErrorPosition()
{
    const auto parsed = parseTwilioMessage(bytes("{\n  \"event\": \"media\",\n  \"sequenceNumber\": tru\n}"));
    QVERIFY(!parsed.ok());
    QCOMPARE(parsed.error().code, mediaErrorCode(MediaError::InvalidJson));
    QCOMPARE(parsed.error().line, 3);
    QCOMPARE(parsed.error().column, 21);
    QVERIFY(parsed.error().toString().startsWith(QLatin1String("line 3, column 21")));
}

void TestMediaMessages::errorReasons_mapToTwilioWarningCodes_data()
{
    QTest::addColumn<int>("reason");
    QTest::addColumn<int>("twilioCode");
    QTest::newRow("invalid JSON") << int(MediaError::InvalidJson) << 31951;
    QTest::newRow("not an object") << int(MediaError::NotAnObject) << 31951;
    QTest::newRow("missing field") << int(MediaError::MissingField) << 31951;
    QTest::newRow("wrong type") << int(MediaError::WrongType) << 31951;
    QTest::newRow("invalid value") << int(MediaError::InvalidValue) << 31951;
    QTest::newRow("unknown event") << int(MediaError::UnknownEvent) << 31951;
    QTest::newRow("unexpected field") << int(MediaError::UnexpectedField) << 31951;
    QTest::newRow("duplicate field") << int(MediaError::DuplicateField) << 31951;
    QTest::newRow("invalid payload") << int(MediaError::InvalidPayload) << 31951;
    QTest::newRow("wrong streamSid") << int(MediaError::WrongStreamSid) << 31951;
    QTest::newRow("binary frame") << int(MediaError::BinaryFrame) << 31950;
}

void TestMediaMessages::errorReasons_mapToTwilioWarningCodes()
{
    QFETCH(int, reason);
    QFETCH(int, twilioCode);
    const auto value = static_cast<MediaError>(reason);
    const QString code = mediaErrorCode(value);
    QVERIFY(code.startsWith(QLatin1String("media-stream.")));
    QCOMPARE(mediaErrorFromCode(code), std::optional<MediaError>(value));
    QCOMPARE(twilioErrorCode(value), twilioCode);
    QCOMPARE(twilioErrorCode(sb::makeError(code, QStringLiteral("x"))), twilioCode);
}

void TestMediaMessages::binaryFrameError_mapsTo31950()
{
    const sb::Error error = binaryFrameError();
    QCOMPARE(error.code, mediaErrorCode(MediaError::BinaryFrame));
    QCOMPARE(twilioErrorCode(error), kTwilioErrorUndecodableMessage);
    QVERIFY(error.message.contains(QLatin1String("binary")));
    // Errors from elsewhere are not attributed to Twilio codes.
    QCOMPARE(twilioErrorCode(sb::makeError(QStringLiteral("webhook.invalid-parameter"), QString())), 0);
    QVERIFY(!mediaErrorFromCode(u"media-stream.nope"));
}

// =============================================================================================
// Leniency and options

void TestMediaMessages::customParameters_acceptsEmptyAbsentOrNull_data()
{
    QTest::addColumn<QByteArray>("customParameters");
    QTest::newRow("empty object") << QByteArray("\"customParameters\":{},");
    QTest::newRow("absent") << QByteArray();
    QTest::newRow("null") << QByteArray("\"customParameters\":null,");
}

void TestMediaMessages::customParameters_acceptsEmptyAbsentOrNull()
{
    QFETCH(QByteArray, customParameters);
    const auto parsed = parseTwilioMessage(twilioStart("[\"inbound\"]", customParameters));
    const StartMessage* start = as<StartMessage>(parsed);
    QVERIFY2(start, qPrintable(failure(parsed)));
    QVERIFY(start->customParameters.isEmpty());
    QVERIFY(toJson(*start).contains("\"customParameters\":{}")); // always written, as Twilio does
}

void TestMediaMessages::customParameters_convertsScalarsToStringsInOrder()
{
    const auto parsed = parseTwilioMessage(
        twilioStart("[\"inbound\"]",
                    R"("customParameters":{"zeta":"z","count":42,"ratio":-1.5e3,"on":true,"off":false,"":"empty"},)"));
    const StartMessage* start = as<StartMessage>(parsed);
    QVERIFY2(start, qPrintable(failure(parsed)));
    const CustomParameters expected{{QStringLiteral("zeta"), QStringLiteral("z")},
                                    {QStringLiteral("count"), QStringLiteral("42")},
                                    {QStringLiteral("ratio"), QStringLiteral("-1.5e3")},
                                    {QStringLiteral("on"), QStringLiteral("true")},
                                    {QStringLiteral("off"), QStringLiteral("false")},
                                    {QString(), QStringLiteral("empty")}};
    QCOMPARE(start->customParameters, expected);
}

void TestMediaMessages::start_acceptsUuidStreamSidFromOldCaptures()
{
    QByteArray json = compact(kDocStart);
    json.replace(kStreamSid.toUtf8(), "9e7ee906-377b-4a6d-b2c4-5d3a1b6c7e8f");
    const auto parsed = parseTwilioMessage(json);
    QVERIFY(as<StartMessage>(parsed));
    QCOMPARE(as<StartMessage>(parsed)->streamSid, QStringLiteral("9e7ee906-377b-4a6d-b2c4-5d3a1b6c7e8f"));
}

void TestMediaMessages::start_toleratesMissingInnerStreamSid()
{
    const auto parsed = parseTwilioMessage(
        twilioStart("[\"inbound\"]", "", "{\"encoding\":\"audio/x-mulaw\",\"sampleRate\":8000,\"channels\":1}", ""));
    QVERIFY(as<StartMessage>(parsed));
    QCOMPARE(as<StartMessage>(parsed)->streamSid, kStreamSid);
}

void TestMediaMessages::twilioMessages_ignoreUnknownFieldsUnlessAskedToReject()
{
    const QByteArray json =
        R"({"event":"mark","sequenceNumber":"5","streamSid":"MZ1","mark":{"name":"m","extra":1},"future":{"x":[1]}})";
    const auto lenient = parseTwilioMessage(json);
    QVERIFY(as<MarkMessage>(lenient));
    QCOMPARE(as<MarkMessage>(lenient)->name, QStringLiteral("m"));

    ParseOptions strict;
    strict.unknownFields = ParseOptions::UnknownFields::Reject;
    const auto rejected = parseTwilioMessage(json, strict);
    QVERIFY(!rejected.ok());
    QCOMPARE(rejected.error().code, mediaErrorCode(MediaError::UnexpectedField));
    QVERIFY(rejected.error().message.contains(QLatin1String("'future'")));
}

void TestMediaMessages::appMessages_rejectUnknownFieldsUnlessAskedToIgnore()
{
    const QByteArray json = R"({"event":"clear","streamSid":"MZ1","reason":"barge-in"})";
    const auto strict = parseAppMessage(json);
    QVERIFY(!strict.ok());
    QCOMPARE(strict.error().code, mediaErrorCode(MediaError::UnexpectedField));
    QVERIFY(strict.error().message.contains(QLatin1String("'reason'")));

    ParseOptions lenient;
    lenient.unknownFields = ParseOptions::UnknownFields::Ignore;
    QVERIFY(as<ClearMessage>(parseAppMessage(json, lenient)));
}

void TestMediaMessages::boundStream_rejectsOtherStreamSids_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<bool>("fromApp");
    QTest::addColumn<bool>("accepted");
    const QByteArray other = "MZffffffffffffffffffffffffffffffff";
    QTest::newRow("app media, matching") << filled(kDocAppMedia) << true << true;
    QTest::newRow("app media, other stream")
        << filled(kDocAppMedia).replace(kStreamSid.toUtf8(), other) << true << false;
    QTest::newRow("app mark, other stream") << filled(kDocAppMark).replace(kStreamSid.toUtf8(), other) << true << false;
    QTest::newRow("app clear, other stream")
        << filled(kDocAppClear).replace(kStreamSid.toUtf8(), other) << true << false;
    QTest::newRow("app clear, case differs") << filled(kDocAppClear).replace("MZ", "mz") << true << false;
    QTest::newRow("twilio media, matching") << filled(kDocMedia) << false << true;
    QTest::newRow("twilio stop, other stream")
        << QByteArray(kDocStop).replace(kStreamSid.toUtf8(), other) << false << false;
    QTest::newRow("twilio connected has no streamSid") << kDocConnected << false << true;
}

void TestMediaMessages::boundStream_rejectsOtherStreamSids()
{
    QFETCH(QByteArray, json);
    QFETCH(bool, fromApp);
    QFETCH(bool, accepted);
    ParseOptions bound;
    bound.expectedStreamSid = kStreamSid;
    const sb::Result<bool> outcome = [&]() -> sb::Result<bool> {
        if (fromApp) {
            const auto r = parseAppMessage(json, bound);
            if (!r.ok())
                return r.error();
            // The standalone check agrees with the option.
            return !checkStreamSid(r.value(), kStreamSid).has_value();
        }
        const auto r = parseTwilioMessage(json, bound);
        if (!r.ok())
            return r.error();
        return !checkStreamSid(r.value(), kStreamSid).has_value();
    }();
    QCOMPARE(outcome.ok(), accepted);
    if (accepted) {
        QVERIFY(outcome.value());
    } else {
        QCOMPARE(outcome.error().code, mediaErrorCode(MediaError::WrongStreamSid));
        QCOMPARE(twilioErrorCode(outcome.error()), 31951);
    }
    // Without a bound stream every one of them parses.
    QVERIFY(fromApp ? parseAppMessage(json).ok() : parseTwilioMessage(json).ok());
}

void TestMediaMessages::boundStream_sharesTheExpectedStreamSidString()
{
    ParseOptions bound;
    bound.expectedStreamSid = kStreamSid;
    const auto parsed = parseTwilioMessage(filled(kDocMedia), bound);
    QVERIFY(as<MediaMessage>(parsed));
    // No per-frame allocation for the SID: the parsed string shares the caller's.
    QCOMPARE(as<MediaMessage>(parsed)->streamSid.constData(), bound.expectedStreamSid.constData());

    const auto other = checkStreamSid(AppMessage(ClearMessage{QStringLiteral("MZ2")}), kStreamSid);
    QVERIFY(other);
    QVERIFY(other->message.contains(QLatin1String("MZ2")));
}

void TestMediaMessages::eventNameAndStreamSid_describeEveryMessage()
{
    const QList<QPair<TwilioMessage, QString>> twilio{
        {ConnectedMessage{}, QStringLiteral("connected")},
        {StartMessage{1, QStringLiteral("s1"), {}, {}, {}, {}, {}}, QStringLiteral("start")},
        {MediaMessage{2, QStringLiteral("s2"), MediaTrack::Inbound, 1, 0, {}}, QStringLiteral("media")},
        {DtmfMessage{3, QStringLiteral("s3"), {}, QStringLiteral("1")}, QStringLiteral("dtmf")},
        {MarkMessage{4, QStringLiteral("s4"), {}}, QStringLiteral("mark")},
        {StopMessage{5, QStringLiteral("s5"), {}, {}}, QStringLiteral("stop")}};
    for (qsizetype i = 0; i < twilio.size(); ++i) {
        QCOMPARE(eventName(twilio[i].first), twilio[i].second);
        QCOMPARE(streamSidOf(twilio[i].first), i == 0 ? QString() : QStringLiteral("s%1").arg(i));
    }
    QCOMPARE(eventName(AppMessage(AppMediaMessage{QStringLiteral("a"), {}})), QStringLiteral("media"));
    QCOMPARE(eventName(AppMessage(AppMarkMessage{QStringLiteral("b"), {}})), QStringLiteral("mark"));
    QCOMPARE(eventName(AppMessage(ClearMessage{QStringLiteral("c")})), QStringLiteral("clear"));
    QCOMPARE(streamSidOf(AppMessage(ClearMessage{QStringLiteral("c")})), QStringLiteral("c"));
    QCOMPARE(toWireString(MediaTrack::Outbound), QStringLiteral("outbound"));
    QCOMPARE(mediaTrackFromString(u"inbound"), std::optional<MediaTrack>(MediaTrack::Inbound));
    QVERIFY(!mediaTrackFromString(u"inbound_track"));
}

// =============================================================================================
// Payload

void TestMediaMessages::payload_isLengthAgnostic_data()
{
    QTest::addColumn<int>("size");
    for (int size : {0, 1, 2, 3, 4, 80, 159, 160, 161, 320, 8000})
        QTest::addRow("%d bytes", size) << size;
}

void TestMediaMessages::payload_isLengthAgnostic()
{
    QFETCH(int, size);
    QByteArray audio(size, Qt::Uninitialized);
    for (int i = 0; i < size; ++i)
        audio[i] = static_cast<char>(0xFF - i);
    const MediaMessage media{9, kStreamSid, MediaTrack::Inbound, 2, 72, audio};
    const auto parsed = parseTwilioMessage(toJson(media));
    QVERIFY(as<MediaMessage>(parsed));
    QCOMPARE(as<MediaMessage>(parsed)->payload, audio);
    QCOMPARE(as<MediaMessage>(parsed)->durationMs(), size / 8);

    const auto app = parseAppMessage(toJson(AppMediaMessage{kStreamSid, audio}));
    QVERIFY(as<AppMediaMessage>(app));
    QCOMPARE(as<AppMediaMessage>(app)->payload.size(), size);
    QCOMPARE(base64DecodedSize(encodeBase64Payload(audio)), qsizetype(size));
}

void TestMediaMessages::payload_acceptsUnpaddedAndEscapedBase64()
{
    // Unpadded: "/w" is one 0xFF byte.
    const auto unpadded = parseTwilioMessage(twilioMedia("\"inbound\"", "\"1\"", "\"0\"", "\"/////w\""));
    QVERIFY(as<MediaMessage>(unpadded));
    QCOMPARE(as<MediaMessage>(unpadded)->payload, QByteArray(4, '\xff'));
    // Some JSON encoders escape '/' as "\/".
    const auto escaped =
        parseAppMessage(QByteArray(R"({"event":"media","streamSid":"MZ1","media":{"payload":"\/\/\/\/"}})"));
    QVERIFY(as<AppMediaMessage>(escaped));
    QCOMPARE(as<AppMediaMessage>(escaped)->payload, QByteArray(3, '\xff'));
}

void TestMediaMessages::decodeBase64Payload_rejectsInvalidInput_data()
{
    QTest::addColumn<QByteArray>("base64");
    QTest::addColumn<QString>("reason");
    QTest::newRow("invalid character") << QByteArray("AAA*") << QStringLiteral("'*'");
    QTest::newRow("space") << QByteArray("AA AAA") << QStringLiteral("0x20");
    QTest::newRow("newline") << QByteArray("AAAA\nAAA") << QStringLiteral("0x0a");
    QTest::newRow("URL-safe minus") << QByteArray("AA-A") << QStringLiteral("'-'");
    QTest::newRow("URL-safe underscore") << QByteArray("AA_A") << QStringLiteral("'_'");
    QTest::newRow("padding in the middle") << QByteArray("AA==AAAA") << QStringLiteral("'=' (0x3d) at offset 2");
    QTest::newRow("three padding characters") << QByteArray("A===") << QStringLiteral("'='");
    QTest::newRow("padding not completing a group") << QByteArray("AAAAA=") << QStringLiteral("padding");
    QTest::newRow("only padding") << QByteArray("=") << QStringLiteral("padding");
    QTest::newRow("dangling character") << QByteArray("AAAAA") << QStringLiteral("length 5");
    QTest::newRow("non-ASCII byte") << QByteArray("AAA\xc3") << QStringLiteral("0xc3");
    QTest::newRow("NUL byte") << QByteArray("AA\0A", 4) << QStringLiteral("0x00");
}

void TestMediaMessages::decodeBase64Payload_rejectsInvalidInput()
{
    QFETCH(QByteArray, base64);
    QFETCH(QString, reason);
    QByteArray out("leftover");
    QString why;
    QVERIFY(!decodeBase64Payload(base64, out, &why));
    QVERIFY(out.isEmpty());
    QVERIFY2(why.contains(reason), qPrintable(why));
    QVERIFY(!decodeBase64Payload(base64, out)); // the reason is optional
}

void TestMediaMessages::decodeBase64Payload_reusesTheCallersBuffer()
{
    QByteArray buffer;
    buffer.reserve(160);
    const char* storage = buffer.constData();
    for (int frame = 0; frame < 1000; ++frame) {
        QVERIFY(decodeBase64Payload(kSilenceBase64, buffer));
        QCOMPARE(buffer.size(), 160);
        QCOMPARE(static_cast<const void*>(buffer.constData()), static_cast<const void*>(storage)); // no reallocation
    }
    QCOMPARE(buffer, kSilence);
    QVERIFY(decodeBase64Payload(QByteArrayView("AAAA"), buffer));
    QCOMPARE(buffer, QByteArray(3, '\0'));
    QCOMPARE(static_cast<const void*>(buffer.constData()), static_cast<const void*>(storage));
}

void TestMediaMessages::base64_matchesQtForEveryLength()
{
    QRandomGenerator rng(160);
    for (int size = 0; size <= 300; ++size) {
        QByteArray raw(size, Qt::Uninitialized);
        for (char& c : raw)
            c = static_cast<char>(rng.bounded(256));
        const QByteArray encoded = encodeBase64Payload(raw);
        QCOMPARE(encoded, raw.toBase64());
        QCOMPARE(base64DecodedSize(encoded), qsizetype(size));
        QByteArray decoded;
        QVERIFY(decodeBase64Payload(encoded, decoded));
        QCOMPARE(decoded, raw);
        const QByteArray unpadded = raw.toBase64(QByteArray::OmitTrailingEquals);
        QVERIFY(decodeBase64Payload(unpadded, decoded));
        QCOMPARE(decoded, raw);
    }
}

// =============================================================================================
// Robustness

void TestMediaMessages::survivesHostileInput_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::newRow("deep arrays") << QByteArray(200000, '[');
    QTest::newRow("deep objects") << QByteArray("{\"a\":").repeated(100000);
    QTest::newRow("nesting just past the limit")
        << QByteArray("{\"event\":" + QByteArray(40, '[') + QByteArray(40, ']') + "}");
    QTest::newRow("nesting inside customParameters") << twilioStart(
        "[\"inbound\"]", QByteArray("\"customParameters\":{\"a\":" + QByteArray(30, '[') + QByteArray(30, ']') + "},"));
    QTest::newRow("many members") << QByteArray("{\"event\":\"media\"" + QByteArray(",\"x\":1").repeated(20000) + "}");
    QTest::newRow("huge number") << QByteArray("{\"event\":\"start\",\"sequenceNumber\":" + QByteArray(100000, '9') +
                                               "}");
    QTest::newRow("huge exponent") << QByteArray(R"({"event":"media","n":1e99999999999999999999})");
    QTest::newRow("lone minus") << QByteArray(R"({"event":-})");
    QTest::newRow("NUL bytes") << QByteArray("{\"event\":\"media\0\"}", 18);
    QTest::newRow("only NUL") << QByteArray(1, '\0');
    QTest::newRow("high bytes") << QByteArray(1000, '\xff');
    QTest::newRow("invalid UTF-8 in a key") << QByteArray("{\"ev\xffnt\":\"media\"}");
    QTest::newRow("escape at end") << QByteArray("{\"event\":\"\\");
    QTest::newRow("short unicode escape") << QByteArray(R"({"event":"\u12"})");
    QTest::newRow("high surrogate then text") << QByteArray(R"({"event":"\ud83cx"})");
    QTest::newRow("high surrogate then high") << QByteArray(R"({"event":"\ud83c\ud83c"})");
    QTest::newRow("one megabyte string") << QByteArray("{\"event\":\"" + QByteArray(1 << 20, 'a') + "\"}");
    QTest::newRow("null everywhere") << QByteArray(
        R"({"event":"start","sequenceNumber":null,"start":null,"streamSid":null})");
    QTest::newRow("BOM") << QByteArray("\xef\xbb\xbf" + kDocConnected);
}

void TestMediaMessages::survivesHostileInput()
{
    QFETCH(QByteArray, json);
    for (const ParseOptions::UnknownFields mode :
         {ParseOptions::UnknownFields::Default, ParseOptions::UnknownFields::Reject}) {
        ParseOptions options;
        options.unknownFields = mode;
        const auto twilio = parseTwilioMessage(json, options);
        QVERIFY(!twilio.ok());
        QVERIFY(mediaErrorFromCode(twilio.error().code).has_value());
        QVERIFY(!twilio.error().message.isEmpty());
        const auto app = parseAppMessage(json, options);
        QVERIFY(!app.ok());
        QCOMPARE(twilioErrorCode(app.error()), 31951);
    }
}

namespace {

QByteArray mutate(QByteArray data, QRandomGenerator& rng)
{
    static const char kInteresting[] = {'"', '{', '}',    '[',    ']',    ',',    ':',    '\\',  '0',
                                        '9', '-', 'e',    '.',    ' ',    'n',    't',    'u',   '/',
                                        '=', 'A', '\x00', '\x7f', '\x80', '\xc3', '\xed', '\xff'};
    const int steps = 1 + static_cast<int>(rng.bounded(4));
    for (int step = 0; step < steps; ++step) {
        const auto size = static_cast<quint32>(data.size());
        const quint32 pos = size ? rng.bounded(size) : 0;
        switch (rng.bounded(7)) {
        case 0: // flip one byte to something structural
            if (size)
                data[pos] = kInteresting[rng.bounded(static_cast<quint32>(sizeof kInteresting))];
            break;
        case 1: // random byte
            if (size)
                data[pos] = static_cast<char>(rng.bounded(256));
            break;
        case 2: // delete a range
            data.remove(pos, 1 + rng.bounded(8u));
            break;
        case 3: // insert a byte
            data.insert(pos, kInteresting[rng.bounded(static_cast<quint32>(sizeof kInteresting))]);
            break;
        case 4: // truncate
            data.truncate(pos);
            break;
        case 5: // duplicate a slice (creates duplicate keys and odd nesting)
            if (size) {
                const quint32 length = 1 + rng.bounded(std::min(size - pos, 40u));
                data.insert(pos, data.mid(pos, length));
            }
            break;
        default: // swap two bytes
            if (size) {
                const quint32 other = rng.bounded(size);
                std::swap(data[pos], data[other]);
            }
            break;
        }
    }
    return data;
}

} // namespace

void TestMediaMessages::fuzz_mutatedMessagesYieldAMessageOrAnError()
{
    QRandomGenerator rng(0x5B0A7D); // fixed seed: the run is reproducible
    QList<QByteArray> corpus = validTwilioCorpus();
    corpus += validAppCorpus();
    ParseOptions defaults;
    ParseOptions strictBound;
    strictBound.unknownFields = ParseOptions::UnknownFields::Reject;
    strictBound.expectedStreamSid = kStreamSid;

    int accepted = 0;
    int rejected = 0;
    for (int i = 0; i < 4000; ++i) {
        const QByteArray input =
            mutate(corpus[static_cast<int>(rng.bounded(static_cast<quint32>(corpus.size())))], rng);
        const QByteArray hex = input.left(120).toHex();
        for (const ParseOptions* options : {&defaults, &strictBound}) {
            const auto twilio = parseTwilioMessage(input, *options);
            if (twilio.ok()) {
                ++accepted;
                // Anything accepted serialises to something that parses back to the same message.
                const auto again = parseTwilioMessage(toJson(twilio.value()), *options);
                QVERIFY2(again.ok() && again.value() == twilio.value(), hex.constData());
            } else {
                ++rejected;
                QVERIFY2(twilioErrorCode(twilio.error()) == 31951 && !twilio.error().message.isEmpty(),
                         hex.constData());
            }
            const auto app = parseAppMessage(input, *options);
            if (app.ok()) {
                ++accepted;
                const auto again = parseAppMessage(toJson(app.value()), *options);
                QVERIFY2(again.ok() && again.value() == app.value(), hex.constData());
            } else {
                ++rejected;
                QVERIFY2(twilioErrorCode(app.error()) == 31951 && !app.error().message.isEmpty(), hex.constData());
            }
        }
    }
    qInfo("fuzz: %d parses accepted, %d rejected", accepted, rejected);
    // The mutations must exercise both outcomes, or the test proves little.
    QVERIFY2(accepted > 100, qPrintable(QString::number(accepted)));
    QVERIFY2(rejected > 1000, qPrintable(QString::number(rejected)));
}

QTEST_GUILESS_MAIN(TestMediaMessages)
#include "TestMediaMessages.moc"
