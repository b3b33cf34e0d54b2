// SPDX-License-Identifier: GPL-3.0-or-later
#include "twilio/Form.h"
#include "twilio/WebhookParams.h"

#include <QRandomGenerator>
#include <QtTest>
#include <algorithm>

using namespace sb::twilio;

namespace {

const QString kAccountSid = QStringLiteral("AC0123456789abcdef0123456789abcdef");
const QString kCallSid = QStringLiteral("CAfedcba9876543210fedcba9876543210");
const QString kParentCallSid = QStringLiteral("CA00000000000000000000000000000001");
const QString kRecordingSid = QStringLiteral("RE0123456789ABCDEF0123456789ABCDEF");
const QString kStreamSid = QStringLiteral("MZ00112233445566778899aabbccddeeff");
const QString kTranscriptionSid = QStringLiteral("GT00112233445566778899aabbccddeeff");

/// The example voice webhook body from app/twilio/PROTOCOL.md §1.2, verbatim.
const QByteArray kDocVoiceBody =
    "AccountSid=AC0123456789abcdef0123456789abcdef&ApiVersion=2010-04-01&CallSid=CAfedcba9876543210fedcba9876543210"
    "&CallStatus=ringing&Called=%2B15005550006&Caller=%2B14155550123&Direction=inbound&From=%2B14155550123"
    "&FromCity=SAN+FRANCISCO&FromCountry=US&FromState=CA&FromZip=94105&To=%2B15005550006&ToCity=&ToCountry=US"
    "&ToState=&ToZip=&CallToken=%7B...%7D";

FormParams docVoiceParams()
{
    return parseFormBody(kDocVoiceBody);
}

/// Replaces the first `name` (or appends it).
FormParams replaced(FormParams params, const QString& name, const QString& value)
{
    for (auto& [key, v] : params) {
        if (key == name) {
            v = value;
            return params;
        }
    }
    params.append({name, value});
    return params;
}

FormParams removed(FormParams params, const QString& name)
{
    params.removeIf([&](const QPair<QString, QString>& p) { return p.first == name; });
    return params;
}

FormParams concat(FormParams a, const FormParams& b)
{
    a.append(b);
    return a;
}

FormParams sorted(FormParams params)
{
    std::sort(params.begin(), params.end());
    return params;
}

QDateTime utc(int y, int mo, int d, int h, int mi, int s, int ms = 0)
{
    return QDateTime(QDate(y, mo, d), QTime(h, mi, s, ms), Qt::UTC);
}

/// A call with every standard parameter set, as a simulator would describe it.
CallParams fullCall()
{
    CallParams call;
    call.callSid = kCallSid;
    call.accountSid = kAccountSid;
    call.from = QStringLiteral("+14155550123");
    call.to = QStringLiteral("+15005550006");
    call.callStatus = CallStatus::InProgress;
    call.direction = CallDirection::OutboundDial;
    call.caller = call.from;
    call.called = call.to;
    call.forwardedFrom = QStringLiteral("+14155550000");
    call.callerName = QStringLiteral("ALICE & BOB, INC.");
    call.parentCallSid = kParentCallSid;
    call.callToken = QStringLiteral("{\"parentCallInfoToken\":\"x\"}");
    call.fromGeo =
        GeoInfo{QStringLiteral("SAN FRANCISCO"), QStringLiteral("CA"), QStringLiteral("94105"), QStringLiteral("US")};
    call.toGeo = GeoInfo{QString(), QString(), QString(), QStringLiteral("US")};
    call.callerGeo = call.fromGeo;
    call.calledGeo = GeoInfo{std::nullopt, std::nullopt, std::nullopt, QStringLiteral("US")};
    return call;
}

FormParams callForm()
{
    return toFormParams(fullCall());
}

/// Re-encodes through the wire format, the way a simulator request reaches the app.
FormParams overTheWire(const FormParams& params)
{
    return parseFormBody(encodeFormBody(params));
}

} // namespace

class TestWebhookParams : public QObject
{
    Q_OBJECT

private slots:
    // --- SIDs and enums -----------------------------------------------------------------------
    void isValidSid_checksPrefixLengthAndHexDigits_data();
    void isValidSid_checksPrefixLengthAndHexDigits();
    void callStatus_convertsToAndFromWireText_data();
    void callStatus_convertsToAndFromWireText();
    void callStatus_rejectsUndocumentedText_data();
    void callStatus_rejectsUndocumentedText();
    void enums_useTheDocumentedWireText_data();
    void enums_useTheDocumentedWireText();

    // --- voice webhook ------------------------------------------------------------------------
    void voiceRequest_parsesTheDocumentedExampleBody();
    void voiceRequest_rejectsMissingRequiredParameter_data();
    void voiceRequest_rejectsMissingRequiredParameter();
    void voiceRequest_rejectsMalformedValue_data();
    void voiceRequest_rejectsMalformedValue();
    void voiceRequest_acceptsAnyCallerIdForm_data();
    void voiceRequest_acceptsAnyCallerIdForm();
    void voiceRequest_keepsUnknownAndRepeatedParametersInWireOrder();
    void voiceRequest_readsFallbackErrorParameters();
    void voiceRequest_buildsTheDocumentedExampleParameters();
    void voiceRequest_roundTripsThroughTheWireFormat();
    void callParams_ignoreEverythingElse();

    // --- call status callback -----------------------------------------------------------------
    void callStatusCallback_parsesCompletedEvent();
    void callStatusCallback_acceptsNumberLevelCallbackWithoutProgressFields();
    void callStatusCallback_treatsEmptyOptionalNumbersAsAbsent();
    void callStatusCallback_rejectsMalformedValue_data();
    void callStatusCallback_rejectsMalformedValue();
    void callStatusCallback_roundTripsThroughTheWireFormat();
    void callStatusCallback_writesTimestampAsRfc2822();

    // --- <Record action> and <Gather action> --------------------------------------------------
    void recordAction_parsesRecordingEndedByHangup();
    void recordAction_requiresRecordingUrlButNotRecordingSid();
    void recordAction_rejectsMalformedValue_data();
    void recordAction_rejectsMalformedValue();
    void recordAction_roundTripsThroughTheWireFormat();
    void gatherAction_parsesDigitsOrSpeech_data();
    void gatherAction_parsesDigitsOrSpeech();
    void gatherAction_rejectsBadConfidence_data();
    void gatherAction_rejectsBadConfidence();
    void gatherAction_roundTripsThroughTheWireFormat();

    // --- recording status callback ------------------------------------------------------------
    void recordingStatusCallback_parsesEachStatus_data();
    void recordingStatusCallback_parsesEachStatus();
    void recordingStatusCallback_rejectsMissingRequiredParameter_data();
    void recordingStatusCallback_rejectsMissingRequiredParameter();
    void recordingStatusCallback_rejectsMalformedValue_data();
    void recordingStatusCallback_rejectsMalformedValue();
    void recordingStatusCallback_readsStartTimeInEitherFormat_data();
    void recordingStatusCallback_readsStartTimeInEitherFormat();
    void recordingStatusCallback_keepsStandardCallParametersAsExtra();
    void recordingStatusCallback_roundTripsThroughTheWireFormat();

    // --- stream status callback ---------------------------------------------------------------
    void streamStatusCallback_parsesEachEvent_data();
    void streamStatusCallback_parsesEachEvent();
    void streamStatusCallback_acceptsUuidStreamSid();
    void streamStatusCallback_rejectsMalformedValue_data();
    void streamStatusCallback_rejectsMalformedValue();
    void streamStatusCallback_roundTripsWithMicrosecondTimestamp();

    // --- real-time transcription --------------------------------------------------------------
    void transcription_parsesTheDocumentedContentExample();
    void transcription_parsesStartedEvent();
    void transcription_parsesStoppedAndErrorEvents();
    void transcription_parsesPartialResultWithStability();
    void transcription_requiresDataOnContentEventsOnly();
    void transcription_rejectsMalformedValue_data();
    void transcription_rejectsMalformedValue();
    void transcriptionData_rejectsInvalidJson_data();
    void transcriptionData_rejectsInvalidJson();
    void transcriptionData_acceptsStringConfidenceAndKeepsUnknownMembers();
    void transcriptionData_serialisesInTwilioMemberOrder();
    void transcription_roundTripsEveryEvent_data();
    void transcription_roundTripsEveryEvent();

    // --- dates --------------------------------------------------------------------------------
    void rfc2822_formatsEnglishUtc_data();
    void rfc2822_formatsEnglishUtc();
    void rfc2822_formatIsIndependentOfTheDefaultLocale();
    void rfc2822_parsesValidForms_data();
    void rfc2822_parsesValidForms();
    void rfc2822_rejectsInvalidText_data();
    void rfc2822_rejectsInvalidText();
    void rfc2822_roundTripsWholeSeconds();
    void iso8601_formatsWithRequestedFractionDigits_data();
    void iso8601_formatsWithRequestedFractionDigits();
    void iso8601_parsesValidForms_data();
    void iso8601_parsesValidForms();
    void iso8601_rejectsInvalidText_data();
    void iso8601_rejectsInvalidText();
    void dateFormatters_returnEmptyForInvalidDateTime();

    // --- robustness ---------------------------------------------------------------------------
    void fuzz_mutatedBodiesYieldARequestOrAnError();
};

// =============================================================================================
// SIDs and enums

void TestWebhookParams::isValidSid_checksPrefixLengthAndHexDigits_data()
{
    QTest::addColumn<QString>("sid");
    QTest::addColumn<QString>("prefix");
    QTest::addColumn<bool>("valid");
    QTest::newRow("call") << kCallSid << QStringLiteral("CA") << true;
    QTest::newRow("upper-case hex") << kRecordingSid << QStringLiteral("RE") << true;
    QTest::newRow("wrong prefix") << kCallSid << QStringLiteral("AC") << false;
    QTest::newRow("lower-case prefix") << QStringLiteral("cafedcba9876543210fedcba9876543210") << QStringLiteral("CA")
                                       << false;
    QTest::newRow("33 chars") << kCallSid.left(33) << QStringLiteral("CA") << false;
    QTest::newRow("35 chars") << QString(kCallSid + QLatin1Char('0')) << QStringLiteral("CA") << false;
    QTest::newRow("non-hex") << QStringLiteral("CAfedcba9876543210fedcba987654321g") << QStringLiteral("CA") << false;
    QTest::newRow("uuid") << QStringLiteral("9e7ee906-377b-4a6d-b2c4-5d3a1b6c7e8f") << QStringLiteral("MZ") << false;
    QTest::newRow("empty") << QString() << QStringLiteral("CA") << false;
    QTest::newRow("fullwidth digit") << QString(QStringLiteral("CAfedcba9876543210fedcba987654321") + QChar(0xFF10))
                                     << QStringLiteral("CA") << false;
}

void TestWebhookParams::isValidSid_checksPrefixLengthAndHexDigits()
{
    QFETCH(QString, sid);
    QFETCH(QString, prefix);
    QFETCH(bool, valid);
    const QByteArray prefixLatin1 = prefix.toLatin1();
    QCOMPARE(isValidSid(sid, QLatin1String(prefixLatin1)), valid);
}

void TestWebhookParams::callStatus_convertsToAndFromWireText_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("terminal");
    QTest::newRow("queued") << int(CallStatus::Queued) << QStringLiteral("queued") << false;
    QTest::newRow("initiated") << int(CallStatus::Initiated) << QStringLiteral("initiated") << false;
    QTest::newRow("ringing") << int(CallStatus::Ringing) << QStringLiteral("ringing") << false;
    QTest::newRow("in-progress") << int(CallStatus::InProgress) << QStringLiteral("in-progress") << false;
    QTest::newRow("completed") << int(CallStatus::Completed) << QStringLiteral("completed") << true;
    QTest::newRow("busy") << int(CallStatus::Busy) << QStringLiteral("busy") << true;
    QTest::newRow("failed") << int(CallStatus::Failed) << QStringLiteral("failed") << true;
    QTest::newRow("no-answer") << int(CallStatus::NoAnswer) << QStringLiteral("no-answer") << true;
    QTest::newRow("canceled") << int(CallStatus::Canceled) << QStringLiteral("canceled") << true;
}

void TestWebhookParams::callStatus_convertsToAndFromWireText()
{
    QFETCH(int, status);
    QFETCH(QString, text);
    QFETCH(bool, terminal);
    const auto value = static_cast<CallStatus>(status);
    QCOMPARE(toWireString(value), text);
    QCOMPARE(callStatusFromString(text), std::optional<CallStatus>(value));
    QCOMPARE(isTerminal(value), terminal);
}

void TestWebhookParams::callStatus_rejectsUndocumentedText_data()
{
    QTest::addColumn<QString>("text");
    QTest::newRow("capitalised") << QStringLiteral("Ringing");
    QTest::newRow("underscore") << QStringLiteral("in_progress");
    QTest::newRow("event name, not status") << QStringLiteral("answered");
    QTest::newRow("british spelling") << QStringLiteral("cancelled");
    QTest::newRow("padded") << QStringLiteral(" ringing");
    QTest::newRow("empty") << QString();
}

void TestWebhookParams::callStatus_rejectsUndocumentedText()
{
    QFETCH(QString, text);
    QVERIFY(!callStatusFromString(text).has_value());
}

void TestWebhookParams::enums_useTheDocumentedWireText_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("text");
    for (const char* t : {"inbound", "outbound-api", "outbound-dial"})
        QTest::addRow("direction %s", t) << QStringLiteral("direction") << QString::fromLatin1(t);
    for (const char* t : {"stream-started", "stream-stopped", "stream-error"})
        QTest::addRow("stream %s", t) << QStringLiteral("stream") << QString::fromLatin1(t);
    for (const char* t : {"in-progress", "paused", "stopped", "processing", "completed", "absent", "failed", "deleted"})
        QTest::addRow("recording %s", t) << QStringLiteral("recording") << QString::fromLatin1(t);
    for (const char* t :
         {"transcription-started", "transcription-content", "transcription-stopped", "transcription-error"})
        QTest::addRow("transcription %s", t) << QStringLiteral("transcription") << QString::fromLatin1(t);
    for (const char* t : {"inbound_track", "outbound_track", "both_tracks"})
        QTest::addRow("track %s", t) << QStringLiteral("track") << QString::fromLatin1(t);
}

void TestWebhookParams::enums_useTheDocumentedWireText()
{
    QFETCH(QString, kind);
    QFETCH(QString, text);
    QString back;
    bool rejectsUpperCase = false;
    if (kind == QLatin1String("direction")) {
        const auto v = callDirectionFromString(text);
        QVERIFY(v);
        back = toWireString(*v);
        rejectsUpperCase = !callDirectionFromString(text.toUpper());
    } else if (kind == QLatin1String("stream")) {
        const auto v = streamEventFromString(text);
        QVERIFY(v);
        back = toWireString(*v);
        rejectsUpperCase = !streamEventFromString(text.toUpper());
    } else if (kind == QLatin1String("recording")) {
        const auto v = recordingStatusFromString(text);
        QVERIFY(v);
        back = toWireString(*v);
        rejectsUpperCase = !recordingStatusFromString(text.toUpper());
    } else if (kind == QLatin1String("transcription")) {
        const auto v = transcriptionEventFromString(text);
        QVERIFY(v);
        back = toWireString(*v);
        rejectsUpperCase = !transcriptionEventFromString(text.toUpper());
    } else {
        const auto v = transcriptionTrackFromString(text);
        QVERIFY(v);
        back = toWireString(*v);
        rejectsUpperCase = !transcriptionTrackFromString(text.toUpper());
    }
    QCOMPARE(back, text);
    QVERIFY(rejectsUpperCase);
}

// =============================================================================================
// Voice webhook

void TestWebhookParams::voiceRequest_parsesTheDocumentedExampleBody()
{
    const auto parsed = parseVoiceRequest(docVoiceParams());
    QVERIFY2(parsed.ok(), qPrintable(parsed.ok() ? QString() : parsed.error().message));
    const CallParams& call = parsed->call;
    QCOMPARE(call.accountSid, kAccountSid);
    QCOMPARE(call.callSid, kCallSid);
    QCOMPARE(call.apiVersion, QStringLiteral("2010-04-01"));
    QCOMPARE(call.callStatus, CallStatus::Ringing);
    QCOMPARE(call.direction, CallDirection::Inbound);
    QCOMPARE(call.from, QStringLiteral("+14155550123"));
    QCOMPARE(call.to, QStringLiteral("+15005550006"));
    QCOMPARE(call.caller, std::optional<QString>(QStringLiteral("+14155550123")));
    QCOMPARE(call.called, std::optional<QString>(QStringLiteral("+15005550006")));
    QCOMPARE(call.fromGeo.city, std::optional<QString>(QStringLiteral("SAN FRANCISCO")));
    QCOMPARE(call.fromGeo.state, std::optional<QString>(QStringLiteral("CA")));
    QCOMPARE(call.fromGeo.zip, std::optional<QString>(QStringLiteral("94105")));
    QCOMPARE(call.fromGeo.country, std::optional<QString>(QStringLiteral("US")));
    // Present but empty is not the same as absent.
    QCOMPARE(call.toGeo.city, std::optional<QString>(QString()));
    QCOMPARE(call.toGeo.state, std::optional<QString>(QString()));
    QCOMPARE(call.toGeo.zip, std::optional<QString>(QString()));
    QCOMPARE(call.toGeo.country, std::optional<QString>(QStringLiteral("US")));
    QVERIFY(call.callerGeo.isEmpty());
    QVERIFY(call.calledGeo.isEmpty());
    QCOMPARE(call.callToken, std::optional<QString>(QStringLiteral("{...}")));
    QVERIFY(!call.forwardedFrom);
    QVERIFY(!call.callerName);
    QVERIFY(!call.parentCallSid);
    QVERIFY(parsed->extra.isEmpty());
    QVERIFY(!parsed->errorCode);
}

void TestWebhookParams::voiceRequest_rejectsMissingRequiredParameter_data()
{
    QTest::addColumn<QString>("name");
    for (const char* name : {"CallSid", "AccountSid", "From", "To", "CallStatus", "ApiVersion", "Direction"})
        QTest::newRow(name) << QString::fromLatin1(name);
}

void TestWebhookParams::voiceRequest_rejectsMissingRequiredParameter()
{
    QFETCH(QString, name);
    const auto parsed = parseVoiceRequest(removed(docVoiceParams(), name));
    QVERIFY(!parsed.ok());
    QCOMPARE(parsed.error().code, QString(kErrorMissingParameter));
    QVERIFY2(parsed.error().message.contains(QLatin1Char('\'') + name + QLatin1Char('\'')),
             qPrintable(parsed.error().message));
}

void TestWebhookParams::voiceRequest_rejectsMalformedValue_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("value");
    QTest::newRow("CallSid too short") << QStringLiteral("CallSid") << QStringLiteral("CA123");
    QTest::newRow("CallSid wrong prefix")
        << QStringLiteral("CallSid") << QStringLiteral("XXfedcba9876543210fedcba9876543210");
    QTest::newRow("CallSid non-hex") << QStringLiteral("CallSid")
                                     << QStringLiteral("CAzedcba9876543210fedcba9876543210");
    QTest::newRow("CallSid empty") << QStringLiteral("CallSid") << QString();
    QTest::newRow("AccountSid is a call SID") << QStringLiteral("AccountSid") << kCallSid;
    QTest::newRow("CallStatus unknown") << QStringLiteral("CallStatus") << QStringLiteral("answered");
    QTest::newRow("CallStatus capitalised") << QStringLiteral("CallStatus") << QStringLiteral("Ringing");
    QTest::newRow("CallStatus empty") << QStringLiteral("CallStatus") << QString();
    QTest::newRow("Direction unknown") << QStringLiteral("Direction") << QStringLiteral("outbound");
    QTest::newRow("ParentCallSid not a SID") << QStringLiteral("ParentCallSid") << QStringLiteral("none");
    QTest::newRow("ErrorCode not a number") << QStringLiteral("ErrorCode") << QStringLiteral("11205x");
    QTest::newRow("ErrorCode negative") << QStringLiteral("ErrorCode") << QStringLiteral("-1");
}

void TestWebhookParams::voiceRequest_rejectsMalformedValue()
{
    QFETCH(QString, name);
    QFETCH(QString, value);
    const auto parsed = parseVoiceRequest(replaced(docVoiceParams(), name, value));
    QVERIFY(!parsed.ok());
    QCOMPARE(parsed.error().code, QString(kErrorInvalidParameter));
    QVERIFY2(parsed.error().message.contains(QLatin1Char('\'') + name + QLatin1Char('\'')),
             qPrintable(parsed.error().message));
    QVERIFY2(parsed.error().message.contains(QLatin1Char('\'') + value + QLatin1Char('\'')),
             qPrintable(parsed.error().message));
}

void TestWebhookParams::voiceRequest_acceptsAnyCallerIdForm_data()
{
    QTest::addColumn<QString>("from");
    QTest::newRow("E.164") << QStringLiteral("+14155550123");
    QTest::newRow("withheld") << QStringLiteral("anonymous");
    QTest::newRow("unknown") << QStringLiteral("unknown");
    QTest::newRow("voice sdk client") << QStringLiteral("client:alice");
    QTest::newRow("sip") << QStringLiteral("sip:bob@example.com");
    QTest::newRow("empty") << QString();
    QTest::newRow("non-ascii") << QStringLiteral("Zoë ☎");
}

void TestWebhookParams::voiceRequest_acceptsAnyCallerIdForm()
{
    QFETCH(QString, from);
    const auto parsed = parseVoiceRequest(overTheWire(replaced(docVoiceParams(), QStringLiteral("From"), from)));
    QVERIFY(parsed.ok());
    QCOMPARE(parsed->call.from, from);
}

void TestWebhookParams::voiceRequest_keepsUnknownAndRepeatedParametersInWireOrder()
{
    FormParams params = docVoiceParams();
    params.insert(3, {QStringLiteral("StirVerstat"), QStringLiteral("TN-Validation-Passed-A")});
    params.append({QStringLiteral("SipHeader_X-Custom"), QStringLiteral("1")});
    params.append({QStringLiteral("CallSid"), QStringLiteral("second value")});
    params.append({QStringLiteral("callsid"), QStringLiteral("names are case-sensitive")});
    const auto parsed = parseVoiceRequest(params);
    QVERIFY(parsed.ok());
    QCOMPARE(parsed->call.callSid, kCallSid); // the first occurrence wins
    const FormParams expected{{QStringLiteral("StirVerstat"), QStringLiteral("TN-Validation-Passed-A")},
                              {QStringLiteral("SipHeader_X-Custom"), QStringLiteral("1")},
                              {QStringLiteral("CallSid"), QStringLiteral("second value")},
                              {QStringLiteral("callsid"), QStringLiteral("names are case-sensitive")}};
    QCOMPARE(parsed->extra, expected);
    QCOMPARE(formValue(parsed->extra, u"StirVerstat"), QStringLiteral("TN-Validation-Passed-A"));
}

void TestWebhookParams::voiceRequest_readsFallbackErrorParameters()
{
    FormParams params = docVoiceParams();
    params.append({QStringLiteral("ErrorCode"), QStringLiteral("11205")});
    params.append({QStringLiteral("ErrorUrl"), QStringLiteral("https://example.com/voice")});
    const auto parsed = parseVoiceRequest(params);
    QVERIFY(parsed.ok());
    QCOMPARE(parsed->errorCode, std::optional<int>(11205));
    QCOMPARE(parsed->errorUrl, std::optional<QString>(QStringLiteral("https://example.com/voice")));
    QVERIFY(parsed->extra.isEmpty());
}

void TestWebhookParams::voiceRequest_buildsTheDocumentedExampleParameters()
{
    VoiceRequest request;
    request.call.accountSid = kAccountSid;
    request.call.callSid = kCallSid;
    request.call.from = QStringLiteral("+14155550123");
    request.call.to = QStringLiteral("+15005550006");
    request.call.caller = request.call.from;
    request.call.called = request.call.to;
    request.call.fromGeo =
        GeoInfo{QStringLiteral("SAN FRANCISCO"), QStringLiteral("CA"), QStringLiteral("94105"), QStringLiteral("US")};
    request.call.toGeo = GeoInfo{QString(), QString(), QString(), QStringLiteral("US")};
    request.call.callToken = QStringLiteral("{...}");
    // Defaults: ringing, inbound, 2010-04-01 — what the first webhook of an inbound call carries.
    const FormParams built = toFormParams(request);
    QCOMPARE(sorted(built), sorted(docVoiceParams()));
    // Sorted by name, like the documented body.
    QCOMPARE(built.first().first, QStringLiteral("AccountSid"));
    QVERIFY(std::is_sorted(built.begin(), built.end(), [](const auto& a, const auto& b) { return a.first < b.first; }));
}

void TestWebhookParams::voiceRequest_roundTripsThroughTheWireFormat()
{
    VoiceRequest request;
    request.call = fullCall();
    request.errorCode = 11200;
    request.errorUrl = QStringLiteral("https://example.com/a?b=c&d=e f");
    request.extra = {{QStringLiteral("Zeta"), QStringLiteral("last")},
                     {QStringLiteral("Alpha"), QStringLiteral("a+b")}};
    const FormParams sent = toFormParams(request);
    // Extras keep their own order after the sorted standard parameters.
    QCOMPARE(sent.mid(sent.size() - 2), request.extra);
    const auto parsed = parseVoiceRequest(overTheWire(sent));
    QVERIFY(parsed.ok());
    QVERIFY(*parsed == request);
}

void TestWebhookParams::callParams_ignoreEverythingElse()
{
    FormParams params = concat(callForm(), {{QStringLiteral("Digits"), QStringLiteral("5")}});
    const auto parsed = parseCallParams(params);
    QVERIFY(parsed.ok());
    QVERIFY(*parsed == fullCall());
}

// =============================================================================================
// Call status callbacks

void TestWebhookParams::callStatusCallback_parsesCompletedEvent()
{
    const FormParams params =
        concat(replaced(docVoiceParams(), QStringLiteral("CallStatus"), QStringLiteral("completed")),
               {{QStringLiteral("Timestamp"), QStringLiteral("Tue, 31 Aug 2010 20:36:28 +0000")},
                {QStringLiteral("CallbackSource"), QStringLiteral("call-progress-events")},
                {QStringLiteral("SequenceNumber"), QStringLiteral("3")},
                {QStringLiteral("CallDuration"), QStringLiteral("61")},
                {QStringLiteral("Duration"), QStringLiteral("2")},
                {QStringLiteral("SipResponseCode"), QStringLiteral("200")},
                {QStringLiteral("RecordingUrl"), QStringLiteral("https://api.twilio.com/x/RE1")},
                {QStringLiteral("RecordingSid"), kRecordingSid},
                {QStringLiteral("RecordingDuration"), QStringLiteral("58")},
                {QStringLiteral("StirStatus"), QStringLiteral("A")}});
    const auto parsed = parseCallStatusCallback(params);
    QVERIFY2(parsed.ok(), qPrintable(parsed.ok() ? QString() : parsed.error().message));
    QCOMPARE(parsed->call.callStatus, CallStatus::Completed);
    QVERIFY(isTerminal(parsed->call.callStatus));
    QCOMPARE(parsed->timestamp, std::optional<QDateTime>(utc(2010, 8, 31, 20, 36, 28)));
    QCOMPARE(parsed->callbackSource, std::optional<QString>(QStringLiteral("call-progress-events")));
    QCOMPARE(parsed->sequenceNumber, std::optional<qint64>(3));
    QCOMPARE(parsed->callDuration, std::optional<qint64>(61));
    QCOMPARE(parsed->duration, std::optional<qint64>(2));
    QCOMPARE(parsed->sipResponseCode, std::optional<int>(200));
    QCOMPARE(parsed->recordingSid, std::optional<QString>(kRecordingSid));
    QCOMPARE(parsed->recordingDuration, std::optional<qint64>(58));
    QCOMPARE(parsed->stirStatus, std::optional<QString>(QStringLiteral("A")));
    QVERIFY(parsed->extra.isEmpty());
}

void TestWebhookParams::callStatusCallback_acceptsNumberLevelCallbackWithoutProgressFields()
{
    const auto parsed =
        parseCallStatusCallback(replaced(docVoiceParams(), QStringLiteral("CallStatus"), QStringLiteral("no-answer")));
    QVERIFY(parsed.ok());
    QCOMPARE(parsed->call.callStatus, CallStatus::NoAnswer);
    QVERIFY(!parsed->timestamp);
    QVERIFY(!parsed->sequenceNumber);
    QVERIFY(!parsed->callbackSource);
    QVERIFY(!parsed->callDuration);
}

void TestWebhookParams::callStatusCallback_treatsEmptyOptionalNumbersAsAbsent()
{
    const FormParams params = concat(docVoiceParams(),
                                     {{QStringLiteral("CallDuration"), QString()},
                                      {QStringLiteral("SipResponseCode"), QString()},
                                      {QStringLiteral("Timestamp"), QString()}});
    const auto parsed = parseCallStatusCallback(params);
    QVERIFY(parsed.ok());
    QVERIFY(!parsed->callDuration);
    QVERIFY(!parsed->sipResponseCode);
    QVERIFY(!parsed->timestamp);
    QVERIFY(parsed->extra.isEmpty()); // consumed, not left over
}

void TestWebhookParams::callStatusCallback_rejectsMalformedValue_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("value");
    QTest::newRow("SequenceNumber word") << QStringLiteral("SequenceNumber") << QStringLiteral("abc");
    QTest::newRow("SequenceNumber negative") << QStringLiteral("SequenceNumber") << QStringLiteral("-1");
    QTest::newRow("SequenceNumber fraction") << QStringLiteral("SequenceNumber") << QStringLiteral("1.5");
    QTest::newRow("SequenceNumber leading space") << QStringLiteral("SequenceNumber") << QStringLiteral(" 1");
    QTest::newRow("SequenceNumber plus sign") << QStringLiteral("SequenceNumber") << QStringLiteral("+1");
    QTest::newRow("SequenceNumber huge") << QStringLiteral("SequenceNumber")
                                         << QStringLiteral("99999999999999999999999");
    QTest::newRow("SequenceNumber arabic-indic digit") << QStringLiteral("SequenceNumber") << QString(QChar(0x0661));
    QTest::newRow("CallDuration negative") << QStringLiteral("CallDuration") << QStringLiteral("-5");
    QTest::newRow("Duration with unit") << QStringLiteral("Duration") << QStringLiteral("1m");
    QTest::newRow("SipResponseCode too small") << QStringLiteral("SipResponseCode") << QStringLiteral("99");
    QTest::newRow("SipResponseCode too large") << QStringLiteral("SipResponseCode") << QStringLiteral("700");
    QTest::newRow("Timestamp prose") << QStringLiteral("Timestamp") << QStringLiteral("yesterday");
    QTest::newRow("Timestamp ISO instead of RFC 2822")
        << QStringLiteral("Timestamp") << QStringLiteral("2010-08-31T20:36:28Z");
    QTest::newRow("Timestamp 31 Feb") << QStringLiteral("Timestamp")
                                      << QStringLiteral("Sat, 31 Feb 2024 10:00:00 +0000");
    QTest::newRow("RecordingSid wrong prefix") << QStringLiteral("RecordingSid") << kCallSid;
    QTest::newRow("RecordingDuration word") << QStringLiteral("RecordingDuration") << QStringLiteral("long");
}

void TestWebhookParams::callStatusCallback_rejectsMalformedValue()
{
    QFETCH(QString, name);
    QFETCH(QString, value);
    const auto parsed = parseCallStatusCallback(replaced(docVoiceParams(), name, value));
    QVERIFY(!parsed.ok());
    QCOMPARE(parsed.error().code, QString(kErrorInvalidParameter));
    QVERIFY2(parsed.error().message.contains(QLatin1Char('\'') + name + QLatin1Char('\'')),
             qPrintable(parsed.error().message));
}

void TestWebhookParams::callStatusCallback_roundTripsThroughTheWireFormat()
{
    CallStatusCallback callback;
    callback.call = fullCall();
    callback.call.callStatus = CallStatus::Busy;
    callback.timestamp = utc(2024, 2, 29, 23, 59, 59);
    callback.callbackSource = QStringLiteral("call-progress-events");
    callback.sequenceNumber = 0;
    callback.callDuration = 0;
    callback.sipResponseCode = 486;
    callback.stirStatus = QStringLiteral("B");
    callback.extra = {{QStringLiteral("AnsweredBy"), QStringLiteral("human")}};
    const auto parsed = parseCallStatusCallback(overTheWire(toFormParams(callback)));
    QVERIFY(parsed.ok());
    QVERIFY(*parsed == callback);
}

void TestWebhookParams::callStatusCallback_writesTimestampAsRfc2822()
{
    CallStatusCallback callback;
    callback.call = fullCall();
    callback.timestamp = utc(2010, 8, 31, 20, 36, 28);
    QCOMPARE(formValue(toFormParams(callback), u"Timestamp"), QStringLiteral("Tue, 31 Aug 2010 20:36:28 +0000"));
}

// =============================================================================================
// <Record action> / <Gather action>

void TestWebhookParams::recordAction_parsesRecordingEndedByHangup()
{
    const FormParams params =
        concat(docVoiceParams(),
               {{QStringLiteral("RecordingUrl"),
                 QStringLiteral("https://api.twilio.com/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/"
                                "Recordings/RE0123456789ABCDEF0123456789ABCDEF")},
                {QStringLiteral("RecordingDuration"), QStringLiteral("7")},
                {QStringLiteral("Digits"), QStringLiteral("hangup")}});
    const auto parsed = parseRecordActionRequest(params);
    QVERIFY(parsed.ok());
    QVERIFY(parsed->recordingUrl.endsWith(QLatin1String("/Recordings/RE0123456789ABCDEF0123456789ABCDEF")));
    QCOMPARE(parsed->recordingDuration, std::optional<qint64>(7));
    QVERIFY(parsed->endedByHangup());
    QVERIFY(!parsed->recordingSid);
}

void TestWebhookParams::recordAction_requiresRecordingUrlButNotRecordingSid()
{
    const auto missingUrl =
        parseRecordActionRequest(concat(docVoiceParams(), {{QStringLiteral("Digits"), QStringLiteral("#")}}));
    QVERIFY(!missingUrl.ok());
    QCOMPARE(missingUrl.error().code, QString(kErrorMissingParameter));
    QVERIFY(missingUrl.error().message.contains(QLatin1String("'RecordingUrl'")));

    const auto withKey = parseRecordActionRequest(concat(
        docVoiceParams(),
        {{QStringLiteral("RecordingUrl"), QStringLiteral("u")}, {QStringLiteral("Digits"), QStringLiteral("#")}}));
    QVERIFY(withKey.ok());
    QVERIFY(!withKey->endedByHangup());
    QCOMPARE(withKey->digits, std::optional<QString>(QStringLiteral("#")));
}

void TestWebhookParams::recordAction_rejectsMalformedValue_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("value");
    QTest::newRow("RecordingSid short") << QStringLiteral("RecordingSid") << QStringLiteral("RE12");
    QTest::newRow("RecordingDuration fraction") << QStringLiteral("RecordingDuration") << QStringLiteral("2.5");
}

void TestWebhookParams::recordAction_rejectsMalformedValue()
{
    QFETCH(QString, name);
    QFETCH(QString, value);
    const FormParams params =
        concat(docVoiceParams(), {{QStringLiteral("RecordingUrl"), QStringLiteral("u")}, {name, value}});
    const auto parsed = parseRecordActionRequest(params);
    QVERIFY(!parsed.ok());
    QCOMPARE(parsed.error().code, QString(kErrorInvalidParameter));
    QVERIFY(parsed.error().message.contains(QLatin1Char('\'') + name + QLatin1Char('\'')));
}

void TestWebhookParams::recordAction_roundTripsThroughTheWireFormat()
{
    RecordActionRequest request;
    request.call = fullCall();
    request.recordingUrl = QStringLiteral("https://api.twilio.com/2010-04-01/Accounts/AC/Recordings/RE");
    request.recordingDuration = 12;
    request.digits = QStringLiteral("#");
    request.recordingSid = kRecordingSid;
    const auto parsed = parseRecordActionRequest(overTheWire(toFormParams(request)));
    QVERIFY(parsed.ok());
    QVERIFY(*parsed == request);
}

void TestWebhookParams::gatherAction_parsesDigitsOrSpeech_data()
{
    QTest::addColumn<QByteArray>("extraBody");
    QTest::addColumn<QString>("digits");
    QTest::addColumn<QString>("speech");
    QTest::addColumn<double>("confidence"); // < 0: absent
    QTest::newRow("dtmf") << QByteArray("Digits=1234") << QStringLiteral("1234") << QString() << -1.0;
    QTest::newRow("dtmf star") << QByteArray("Digits=%2A9") << QStringLiteral("*9") << QString() << -1.0;
    QTest::newRow("speech") << QByteArray("SpeechResult=Yes+please.&Confidence=0.91841245") << QString()
                            << QStringLiteral("Yes please.") << 0.91841245;
    QTest::newRow("speech without confidence")
        << QByteArray("SpeechResult=no") << QString() << QStringLiteral("no") << -1.0;
    QTest::newRow("confidence zero") << QByteArray("SpeechResult=hm&Confidence=0") << QString() << QStringLiteral("hm")
                                     << 0.0;
    QTest::newRow("confidence one") << QByteArray("SpeechResult=hm&Confidence=1.0") << QString() << QStringLiteral("hm")
                                    << 1.0;
}

void TestWebhookParams::gatherAction_parsesDigitsOrSpeech()
{
    QFETCH(QByteArray, extraBody);
    QFETCH(QString, digits);
    QFETCH(QString, speech);
    QFETCH(double, confidence);
    const auto parsed = parseGatherActionRequest(parseFormBody(kDocVoiceBody + '&' + extraBody));
    QVERIFY(parsed.ok());
    QCOMPARE(parsed->digits.value_or(QString()), digits);
    QCOMPARE(parsed->speechResult.value_or(QString()), speech);
    if (confidence < 0)
        QVERIFY(!parsed->confidence);
    else
        QCOMPARE(parsed->confidence, std::optional<double>(confidence));
}

void TestWebhookParams::gatherAction_rejectsBadConfidence_data()
{
    QTest::addColumn<QString>("value");
    QTest::newRow("word") << QStringLiteral("high");
    QTest::newRow("above one") << QStringLiteral("1.5");
    QTest::newRow("negative") << QStringLiteral("-0.1");
    QTest::newRow("nan") << QStringLiteral("nan");
    QTest::newRow("infinity") << QStringLiteral("inf");
    QTest::newRow("overflow") << QStringLiteral("1e999");
    QTest::newRow("percent") << QStringLiteral("90%");
}

void TestWebhookParams::gatherAction_rejectsBadConfidence()
{
    QFETCH(QString, value);
    const auto parsed = parseGatherActionRequest(concat(docVoiceParams(), {{QStringLiteral("Confidence"), value}}));
    QVERIFY(!parsed.ok());
    QCOMPARE(parsed.error().code, QString(kErrorInvalidParameter));
    QVERIFY(parsed.error().message.contains(QLatin1String("'Confidence'")));
}

void TestWebhookParams::gatherAction_roundTripsThroughTheWireFormat()
{
    GatherActionRequest request;
    request.call = fullCall();
    request.speechResult = QStringLiteral("I'd like to speak to an agent, please.");
    request.confidence = 0.1 + 0.2; // not exactly representable in short decimal
    request.digits = QString();
    const auto parsed = parseGatherActionRequest(overTheWire(toFormParams(request)));
    QVERIFY(parsed.ok());
    QVERIFY(*parsed == request);
    QCOMPARE(formValue(toFormParams(request), u"Confidence"), QStringLiteral("0.30000000000000004"));
}

// =============================================================================================
// Recording status callbacks

namespace {
FormParams recordingCallbackForm(const QString& status)
{
    return {{QStringLiteral("AccountSid"), kAccountSid},
            {QStringLiteral("CallSid"), kCallSid},
            {QStringLiteral("RecordingSid"), kRecordingSid},
            {QStringLiteral("RecordingUrl"),
             QStringLiteral("https://api.twilio.com/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Recordings/"
                            "RE0123456789ABCDEF0123456789ABCDEF")},
            {QStringLiteral("RecordingStatus"), status},
            {QStringLiteral("RecordingDuration"), QStringLiteral("14")},
            {QStringLiteral("RecordingChannels"), QStringLiteral("1")},
            {QStringLiteral("RecordingSource"), QStringLiteral("RecordVerb")},
            {QStringLiteral("RecordingStartTime"), QStringLiteral("Mon, 22 Aug 2016 19:32:03 +0000")}};
}
} // namespace

void TestWebhookParams::recordingStatusCallback_parsesEachStatus_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("status");
    QTest::newRow("in-progress") << QStringLiteral("in-progress") << int(RecordingStatus::InProgress);
    QTest::newRow("completed") << QStringLiteral("completed") << int(RecordingStatus::Completed);
    QTest::newRow("absent") << QStringLiteral("absent") << int(RecordingStatus::Absent);
    QTest::newRow("failed (<Record> page)") << QStringLiteral("failed") << int(RecordingStatus::Failed);
}

void TestWebhookParams::recordingStatusCallback_parsesEachStatus()
{
    QFETCH(QString, text);
    QFETCH(int, status);
    const auto parsed = parseRecordingStatusCallback(recordingCallbackForm(text));
    QVERIFY(parsed.ok());
    QCOMPARE(parsed->status, static_cast<RecordingStatus>(status));
    QCOMPARE(parsed->recordingSid, kRecordingSid);
    QCOMPARE(parsed->recordingDuration, std::optional<qint64>(14));
    QCOMPARE(parsed->recordingChannels, std::optional<int>(1));
    QCOMPARE(parsed->recordingSource, std::optional<QString>(QStringLiteral("RecordVerb")));
    QVERIFY(parsed->extra.isEmpty());
}

void TestWebhookParams::recordingStatusCallback_rejectsMissingRequiredParameter_data()
{
    QTest::addColumn<QString>("name");
    for (const char* name : {"AccountSid", "CallSid", "RecordingSid", "RecordingStatus"})
        QTest::newRow(name) << QString::fromLatin1(name);
}

void TestWebhookParams::recordingStatusCallback_rejectsMissingRequiredParameter()
{
    QFETCH(QString, name);
    const auto parsed = parseRecordingStatusCallback(removed(recordingCallbackForm(QStringLiteral("completed")), name));
    QVERIFY(!parsed.ok());
    QCOMPARE(parsed.error().code, QString(kErrorMissingParameter));
    QVERIFY(parsed.error().message.contains(QLatin1Char('\'') + name + QLatin1Char('\'')));
}

void TestWebhookParams::recordingStatusCallback_rejectsMalformedValue_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("value");
    QTest::newRow("RecordingStatus unknown") << QStringLiteral("RecordingStatus") << QStringLiteral("done");
    QTest::newRow("RecordingSid is a call SID") << QStringLiteral("RecordingSid") << kCallSid;
    QTest::newRow("RecordingChannels 3") << QStringLiteral("RecordingChannels") << QStringLiteral("3");
    QTest::newRow("RecordingDuration word") << QStringLiteral("RecordingDuration") << QStringLiteral("n/a");
    QTest::newRow("ErrorCode word") << QStringLiteral("ErrorCode") << QStringLiteral("E1");
}

void TestWebhookParams::recordingStatusCallback_rejectsMalformedValue()
{
    QFETCH(QString, name);
    QFETCH(QString, value);
    const auto parsed =
        parseRecordingStatusCallback(replaced(recordingCallbackForm(QStringLiteral("completed")), name, value));
    QVERIFY(!parsed.ok());
    QCOMPARE(parsed.error().code, QString(kErrorInvalidParameter));
    QVERIFY(parsed.error().message.contains(QLatin1Char('\'') + name + QLatin1Char('\'')));
}

void TestWebhookParams::recordingStatusCallback_readsStartTimeInEitherFormat_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QDateTime>("expected");
    QTest::newRow("RFC 2822") << QStringLiteral("Mon, 22 Aug 2016 19:32:03 +0000") << utc(2016, 8, 22, 19, 32, 3);
    QTest::newRow("ISO 8601") << QStringLiteral("2016-08-22T19:32:03Z") << utc(2016, 8, 22, 19, 32, 3);
    QTest::newRow("unreadable is kept raw but has no date") << QStringLiteral("soon") << QDateTime();
}

void TestWebhookParams::recordingStatusCallback_readsStartTimeInEitherFormat()
{
    QFETCH(QString, text);
    QFETCH(QDateTime, expected);
    const auto parsed = parseRecordingStatusCallback(
        replaced(recordingCallbackForm(QStringLiteral("completed")), QStringLiteral("RecordingStartTime"), text));
    QVERIFY(parsed.ok());
    QCOMPARE(parsed->recordingStartTime, std::optional<QString>(text));
    if (expected.isValid())
        QCOMPARE(parsed->recordingStartDateTime(), std::optional<QDateTime>(expected));
    else
        QVERIFY(!parsed->recordingStartDateTime());
}

void TestWebhookParams::recordingStatusCallback_keepsStandardCallParametersAsExtra()
{
    const FormParams params = concat(
        recordingCallbackForm(QStringLiteral("completed")),
        {{QStringLiteral("From"), QStringLiteral("+14155550123")}, {QStringLiteral("ErrorCode"), QStringLiteral("0")}});
    const auto parsed = parseRecordingStatusCallback(params);
    QVERIFY(parsed.ok());
    QCOMPARE(parsed->errorCode, std::optional<int>(0));
    QCOMPARE(parsed->extra, FormParams({{QStringLiteral("From"), QStringLiteral("+14155550123")}}));
}

void TestWebhookParams::recordingStatusCallback_roundTripsThroughTheWireFormat()
{
    RecordingStatusCallback callback;
    callback.accountSid = kAccountSid;
    callback.callSid = kCallSid;
    callback.recordingSid = kRecordingSid;
    callback.status = RecordingStatus::Absent;
    callback.recordingChannels = 2;
    callback.recordingSource = QStringLiteral("DialVerb");
    callback.recordingStartTime = formatRfc2822(utc(2026, 1, 5, 10, 0, 0));
    callback.recordingTrack = QStringLiteral("both");
    callback.errorCode = 13617;
    const auto parsed = parseRecordingStatusCallback(overTheWire(toFormParams(callback)));
    QVERIFY(parsed.ok());
    QVERIFY(*parsed == callback);
}

// =============================================================================================
// Stream status callbacks

namespace {
FormParams streamCallbackForm(const QString& event)
{
    return {{QStringLiteral("AccountSid"), kAccountSid},
            {QStringLiteral("CallSid"), kCallSid},
            {QStringLiteral("StreamSid"), kStreamSid},
            {QStringLiteral("StreamName"), QStringLiteral("agent-audio")},
            {QStringLiteral("StreamEvent"), event},
            {QStringLiteral("Timestamp"), QStringLiteral("2024-06-25T18:45:12.135751Z")}};
}
} // namespace

void TestWebhookParams::streamStatusCallback_parsesEachEvent_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("event");
    QTest::newRow("started") << QStringLiteral("stream-started") << int(StreamEvent::Started);
    QTest::newRow("stopped") << QStringLiteral("stream-stopped") << int(StreamEvent::Stopped);
    QTest::newRow("error") << QStringLiteral("stream-error") << int(StreamEvent::Error);
}

void TestWebhookParams::streamStatusCallback_parsesEachEvent()
{
    QFETCH(QString, text);
    QFETCH(int, event);
    FormParams params = streamCallbackForm(text);
    if (event == int(StreamEvent::Error))
        params.append({QStringLiteral("StreamError"), QStringLiteral("Stream - Protocol - Invalid Message")});
    const auto parsed = parseStreamStatusCallback(params);
    QVERIFY(parsed.ok());
    QCOMPARE(parsed->event, static_cast<StreamEvent>(event));
    QCOMPARE(parsed->streamSid, kStreamSid);
    QCOMPARE(parsed->streamName, std::optional<QString>(QStringLiteral("agent-audio")));
    QCOMPARE(parsed->timestamp, std::optional<QDateTime>(utc(2024, 6, 25, 18, 45, 12, 135)));
    QCOMPARE(parsed->streamError.has_value(), event == int(StreamEvent::Error));
}

void TestWebhookParams::streamStatusCallback_acceptsUuidStreamSid()
{
    const QString uuid = QStringLiteral("9e7ee906-377b-4a6d-b2c4-5d3a1b6c7e8f");
    const auto parsed = parseStreamStatusCallback(
        replaced(streamCallbackForm(QStringLiteral("stream-started")), QStringLiteral("StreamSid"), uuid));
    QVERIFY(parsed.ok());
    QCOMPARE(parsed->streamSid, uuid);
}

void TestWebhookParams::streamStatusCallback_rejectsMalformedValue_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("value"); // null QString: remove the parameter
    QTest::addColumn<QString>("code");
    const QString invalid(kErrorInvalidParameter);
    const QString missing(kErrorMissingParameter);
    QTest::newRow("StreamEvent without prefix")
        << QStringLiteral("StreamEvent") << QStringLiteral("started") << invalid;
    QTest::newRow("StreamEvent missing") << QStringLiteral("StreamEvent") << QString() << missing;
    QTest::newRow("StreamSid empty") << QStringLiteral("StreamSid") << QStringLiteral("") << invalid;
    QTest::newRow("StreamSid missing") << QStringLiteral("StreamSid") << QString() << missing;
    QTest::newRow("CallSid missing") << QStringLiteral("CallSid") << QString() << missing;
    QTest::newRow("Timestamp RFC 2822 instead of ISO")
        << QStringLiteral("Timestamp") << QStringLiteral("Tue, 25 Jun 2024 18:45:12 +0000") << invalid;
    QTest::newRow("Timestamp hour 24") << QStringLiteral("Timestamp") << QStringLiteral("2024-06-25T24:00:00Z")
                                       << invalid;
}

void TestWebhookParams::streamStatusCallback_rejectsMalformedValue()
{
    QFETCH(QString, name);
    QFETCH(QString, value);
    QFETCH(QString, code);
    const FormParams base = streamCallbackForm(QStringLiteral("stream-started"));
    const auto parsed = parseStreamStatusCallback(value.isNull() ? removed(base, name) : replaced(base, name, value));
    QVERIFY(!parsed.ok());
    QCOMPARE(parsed.error().code, code);
    QVERIFY(parsed.error().message.contains(QLatin1Char('\'') + name + QLatin1Char('\'')));
}

void TestWebhookParams::streamStatusCallback_roundTripsWithMicrosecondTimestamp()
{
    StreamStatusCallback callback;
    callback.accountSid = kAccountSid;
    callback.callSid = kCallSid;
    callback.streamSid = kStreamSid;
    callback.event = StreamEvent::Error;
    callback.streamError = QStringLiteral("handshake failed");
    callback.timestamp = utc(2024, 6, 25, 18, 45, 12, 135);
    const FormParams sent = toFormParams(callback);
    QCOMPARE(formValue(sent, u"Timestamp"), QStringLiteral("2024-06-25T18:45:12.135000Z"));
    const auto parsed = parseStreamStatusCallback(overTheWire(sent));
    QVERIFY(parsed.ok());
    QVERIFY(*parsed == callback);
}

// =============================================================================================
// Real-time transcription callbacks

namespace {
FormParams transcriptionForm(const QString& event)
{
    return {{QStringLiteral("AccountSid"), kAccountSid},
            {QStringLiteral("CallSid"), kCallSid},
            {QStringLiteral("TranscriptionSid"), kTranscriptionSid},
            {QStringLiteral("Timestamp"), QStringLiteral("2026-01-05T10:00:03.120Z")},
            {QStringLiteral("SequenceId"), QStringLiteral("4")},
            {QStringLiteral("TranscriptionEvent"), event}};
}

FormParams contentForm()
{
    return concat(transcriptionForm(QStringLiteral("transcription-content")),
                  {{QStringLiteral("LanguageCode"), QStringLiteral("en-US")},
                   {QStringLiteral("Track"), QStringLiteral("inbound_track")},
                   {QStringLiteral("TranscriptionData"),
                    QStringLiteral("{\"transcript\":\"I need to reschedule\",\"confidence\":0.9731}")},
                   {QStringLiteral("Final"), QStringLiteral("true")}});
}
} // namespace

void TestWebhookParams::transcription_parsesTheDocumentedContentExample()
{
    const auto parsed = parseTranscriptionCallback(contentForm());
    QVERIFY2(parsed.ok(), qPrintable(parsed.ok() ? QString() : parsed.error().message));
    QCOMPARE(parsed->event, TranscriptionEvent::Content);
    QCOMPARE(parsed->transcriptionSid, kTranscriptionSid);
    QCOMPARE(parsed->timestamp, std::optional<QDateTime>(utc(2026, 1, 5, 10, 0, 3, 120)));
    QCOMPARE(parsed->sequenceId, std::optional<qint64>(4));
    QCOMPARE(parsed->languageCode, std::optional<QString>(QStringLiteral("en-US")));
    QCOMPARE(parsed->track, std::optional<TranscriptionTrack>(TranscriptionTrack::Inbound));
    QVERIFY(parsed->data);
    QCOMPARE(parsed->data->transcript, QStringLiteral("I need to reschedule"));
    QCOMPARE(parsed->data->confidence, std::optional<double>(0.9731));
    QVERIFY(parsed->data->other.isEmpty());
    QCOMPARE(parsed->isFinal, std::optional<bool>(true));
    QVERIFY(!parsed->stability);
    QVERIFY(parsed->extra.isEmpty());
}

void TestWebhookParams::transcription_parsesStartedEvent()
{
    const QString providerConfiguration = QStringLiteral(
        "{\"profanityFilter\":\"true\",\"speechModel\":\"telephony\",\"enableAutomaticPunctuation\":\"true\"}");
    const FormParams params = concat(transcriptionForm(QStringLiteral("transcription-started")),
                                     {{QStringLiteral("ProviderConfiguration"), providerConfiguration},
                                      {QStringLiteral("TranscriptionEngine"), QStringLiteral("google")},
                                      {QStringLiteral("Name"), QStringLiteral("live")},
                                      {QStringLiteral("Track"), QStringLiteral("both_tracks")},
                                      {QStringLiteral("InboundTrackLabel"), QStringLiteral("caller")},
                                      {QStringLiteral("OutboundTrackLabel"), QStringLiteral("agent")},
                                      {QStringLiteral("PartialResults"), QStringLiteral("false")},
                                      {QStringLiteral("LanguageCode"), QStringLiteral("en-US")}});
    const auto parsed = parseTranscriptionCallback(params);
    QVERIFY(parsed.ok());
    QCOMPARE(parsed->event, TranscriptionEvent::Started);
    QCOMPARE(parsed->providerConfiguration, std::optional<QString>(providerConfiguration));
    QCOMPARE(parsed->transcriptionEngine, std::optional<QString>(QStringLiteral("google")));
    QCOMPARE(parsed->name, std::optional<QString>(QStringLiteral("live")));
    QCOMPARE(parsed->track, std::optional<TranscriptionTrack>(TranscriptionTrack::Both));
    QCOMPARE(parsed->inboundTrackLabel, std::optional<QString>(QStringLiteral("caller")));
    QCOMPARE(parsed->outboundTrackLabel, std::optional<QString>(QStringLiteral("agent")));
    QCOMPARE(parsed->partialResults, std::optional<bool>(false));
    QVERIFY(!parsed->data);
}

void TestWebhookParams::transcription_parsesStoppedAndErrorEvents()
{
    const auto stopped = parseTranscriptionCallback(transcriptionForm(QStringLiteral("transcription-stopped")));
    QVERIFY(stopped.ok());
    QCOMPARE(stopped->event, TranscriptionEvent::Stopped);
    QVERIFY(stopped->extra.isEmpty());

    const auto error = parseTranscriptionCallback(
        concat(transcriptionForm(QStringLiteral("transcription-error")),
               {{QStringLiteral("TranscriptionErrorCode"), QStringLiteral("32655")},
                {QStringLiteral("TranscriptionError"), QStringLiteral("Provider Unavailable")}}));
    QVERIFY(error.ok());
    QCOMPARE(error->event, TranscriptionEvent::Error);
    QCOMPARE(error->errorCode, std::optional<int>(32655));
    QCOMPARE(error->errorMessage, std::optional<QString>(QStringLiteral("Provider Unavailable")));
}

void TestWebhookParams::transcription_parsesPartialResultWithStability()
{
    const FormParams params = replaced(replaced(removed(contentForm(), QStringLiteral("Final")),
                                                QStringLiteral("TranscriptionData"),
                                                QStringLiteral("{\"transcript\":\"I need to\"}")),
                                       QStringLiteral("Stability"),
                                       QStringLiteral("0.8"));
    const auto parsed =
        parseTranscriptionCallback(concat(params, {{QStringLiteral("Final"), QStringLiteral("false")}}));
    QVERIFY(parsed.ok());
    QCOMPARE(parsed->data->transcript, QStringLiteral("I need to"));
    QVERIFY(!parsed->data->confidence);
    QCOMPARE(parsed->stability, std::optional<double>(0.8));
    QCOMPARE(parsed->isFinal, std::optional<bool>(false));
}

void TestWebhookParams::transcription_requiresDataOnContentEventsOnly()
{
    const auto content = parseTranscriptionCallback(removed(contentForm(), QStringLiteral("TranscriptionData")));
    QVERIFY(!content.ok());
    QCOMPARE(content.error().code, QString(kErrorMissingParameter));
    QVERIFY(content.error().message.contains(QLatin1String("'TranscriptionData'")));

    QVERIFY(parseTranscriptionCallback(transcriptionForm(QStringLiteral("transcription-stopped"))).ok());
}

void TestWebhookParams::transcription_rejectsMalformedValue_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("value");
    QTest::newRow("TranscriptionEvent unknown")
        << QStringLiteral("TranscriptionEvent") << QStringLiteral("transcription-partial");
    QTest::newRow("TranscriptionSid short") << QStringLiteral("TranscriptionSid") << QStringLiteral("GT12");
    QTest::newRow("Track without suffix") << QStringLiteral("Track") << QStringLiteral("inbound");
    QTest::newRow("Final yes") << QStringLiteral("Final") << QStringLiteral("yes");
    QTest::newRow("Stability above one") << QStringLiteral("Stability") << QStringLiteral("2");
    QTest::newRow("SequenceId negative") << QStringLiteral("SequenceId") << QStringLiteral("-1");
    QTest::newRow("Timestamp no seconds") << QStringLiteral("Timestamp") << QStringLiteral("2026-01-05T10:00Z");
    QTest::newRow("TranscriptionData not JSON") << QStringLiteral("TranscriptionData") << QStringLiteral("hello");
    QTest::newRow("TranscriptionErrorCode word") << QStringLiteral("TranscriptionErrorCode") << QStringLiteral("oops");
}

void TestWebhookParams::transcription_rejectsMalformedValue()
{
    QFETCH(QString, name);
    QFETCH(QString, value);
    const auto parsed = parseTranscriptionCallback(replaced(contentForm(), name, value));
    QVERIFY(!parsed.ok());
    QCOMPARE(parsed.error().code, QString(kErrorInvalidParameter));
    QVERIFY2(parsed.error().message.contains(QLatin1Char('\'') + name + QLatin1Char('\'')),
             qPrintable(parsed.error().message));
}

void TestWebhookParams::transcriptionData_rejectsInvalidJson_data()
{
    QTest::addColumn<QString>("json");
    QTest::addColumn<QString>("reason");
    QTest::newRow("not JSON") << QStringLiteral("I need to reschedule") << QStringLiteral("not valid JSON");
    QTest::newRow("truncated") << QStringLiteral("{\"transcript\":\"I need") << QStringLiteral("not valid JSON");
    QTest::newRow("array") << QStringLiteral("[\"I need to reschedule\"]") << QStringLiteral("not a JSON object");
    QTest::newRow("no transcript") << QStringLiteral("{\"confidence\":0.5}") << QStringLiteral("no 'transcript'");
    QTest::newRow("transcript number") << QStringLiteral("{\"transcript\":5}")
                                       << QStringLiteral("'transcript' is not a string");
    QTest::newRow("confidence word") << QStringLiteral("{\"transcript\":\"x\",\"confidence\":\"high\"}")
                                     << QStringLiteral("'confidence' is not a number");
    QTest::newRow("confidence array") << QStringLiteral("{\"transcript\":\"x\",\"confidence\":[1]}")
                                      << QStringLiteral("'confidence' is not a number");
    QTest::newRow("empty") << QString() << QStringLiteral("not valid JSON");
}

void TestWebhookParams::transcriptionData_rejectsInvalidJson()
{
    QFETCH(QString, json);
    QFETCH(QString, reason);
    const auto parsed = parseTranscriptionData(json);
    QVERIFY(!parsed.ok());
    QCOMPARE(parsed.error().code, QString(kErrorInvalidParameter));
    QVERIFY2(parsed.error().message.contains(QLatin1String("'TranscriptionData'")), qPrintable(parsed.error().message));
    QVERIFY2(parsed.error().message.contains(reason), qPrintable(parsed.error().message));
}

void TestWebhookParams::transcriptionData_acceptsStringConfidenceAndKeepsUnknownMembers()
{
    const auto parsed = parseTranscriptionData(
        u"{\"transcript\":\"caf\u00e9\",\"confidence\":\"0.5\",\"words\":[{\"w\":\"caf\u00e9\"}]}");
    QVERIFY(parsed.ok());
    QCOMPARE(parsed->transcript, QStringLiteral("café"));
    QCOMPARE(parsed->confidence, std::optional<double>(0.5));
    QCOMPARE(parsed->other.keys(), QStringList{QStringLiteral("words")});
    QVERIFY(parsed->other.value(QLatin1String("words")).isArray());
}

void TestWebhookParams::transcriptionData_serialisesInTwilioMemberOrder()
{
    TranscriptionData data;
    data.transcript = QStringLiteral("I need to reschedule");
    data.confidence = 0.9731;
    QCOMPARE(toJsonString(data), QStringLiteral("{\"transcript\":\"I need to reschedule\",\"confidence\":0.9731}"));
    data.confidence.reset();
    data.transcript = QStringLiteral("say \"hi\"\n");
    QCOMPARE(toJsonString(data), QStringLiteral("{\"transcript\":\"say \\\"hi\\\"\\n\"}"));
}

void TestWebhookParams::transcription_roundTripsEveryEvent_data()
{
    QTest::addColumn<int>("event");
    QTest::newRow("started") << int(TranscriptionEvent::Started);
    QTest::newRow("content") << int(TranscriptionEvent::Content);
    QTest::newRow("stopped") << int(TranscriptionEvent::Stopped);
    QTest::newRow("error") << int(TranscriptionEvent::Error);
}

void TestWebhookParams::transcription_roundTripsEveryEvent()
{
    QFETCH(int, event);
    TranscriptionCallback callback;
    callback.accountSid = kAccountSid;
    callback.callSid = kCallSid;
    callback.transcriptionSid = kTranscriptionSid;
    callback.event = static_cast<TranscriptionEvent>(event);
    callback.timestamp = utc(2026, 1, 5, 10, 0, 3, 120);
    callback.sequenceId = 9;
    switch (callback.event) {
    case TranscriptionEvent::Started:
        callback.providerConfiguration = QStringLiteral("{\"speechModel\":\"telephony\"}");
        callback.transcriptionEngine = QStringLiteral("deepgram");
        callback.name = QStringLiteral("t1");
        callback.track = TranscriptionTrack::Both;
        callback.inboundTrackLabel = QStringLiteral("caller");
        callback.outboundTrackLabel = QStringLiteral("agent");
        callback.partialResults = true;
        callback.languageCode = QStringLiteral("en-GB");
        break;
    case TranscriptionEvent::Content:
        callback.languageCode = QStringLiteral("en-US");
        callback.track = TranscriptionTrack::Outbound;
        callback.data =
            TranscriptionData{QStringLiteral("Ünïcödé & \"quotes\""), 0.25, QJsonObject{{QStringLiteral("x"), 1}}};
        callback.isFinal = false;
        callback.stability = 0.9;
        callback.transcriptionProviderData = QStringLiteral("{\"raw\":true}");
        break;
    case TranscriptionEvent::Stopped:
        break;
    case TranscriptionEvent::Error:
        callback.errorCode = 32650;
        callback.errorMessage = QStringLiteral("Something failed");
        break;
    }
    const FormParams sent = toFormParams(callback);
    QCOMPARE(formValue(sent, u"Timestamp"), QStringLiteral("2026-01-05T10:00:03.120Z"));
    const auto parsed = parseTranscriptionCallback(overTheWire(sent));
    QVERIFY2(parsed.ok(), qPrintable(parsed.ok() ? QString() : parsed.error().message));
    QVERIFY(*parsed == callback);
}

// =============================================================================================
// Dates

void TestWebhookParams::rfc2822_formatsEnglishUtc_data()
{
    QTest::addColumn<QDateTime>("dateTime");
    QTest::addColumn<QString>("expected");
    QTest::newRow("documented example") << utc(2010, 8, 31, 20, 36, 28)
                                        << QStringLiteral("Tue, 31 Aug 2010 20:36:28 +0000");
    QTest::newRow("single-digit day is zero-padded")
        << utc(2016, 10, 4, 1, 2, 3) << QStringLiteral("Tue, 04 Oct 2016 01:02:03 +0000");
    QTest::newRow("milliseconds dropped")
        << utc(2024, 2, 29, 23, 59, 59, 999) << QStringLiteral("Thu, 29 Feb 2024 23:59:59 +0000");
    QTest::newRow("offset converted to UTC")
        << QDateTime(QDate(2024, 1, 1), QTime(1, 0, 0), Qt::OffsetFromUTC, 2 * 3600)
        << QStringLiteral("Sun, 31 Dec 2023 23:00:00 +0000");
    QTest::newRow("every month name") << utc(2021, 5, 9, 0, 0, 0) << QStringLiteral("Sun, 09 May 2021 00:00:00 +0000");
}

void TestWebhookParams::rfc2822_formatsEnglishUtc()
{
    QFETCH(QDateTime, dateTime);
    QFETCH(QString, expected);
    QCOMPARE(formatRfc2822(dateTime), expected);
}

void TestWebhookParams::rfc2822_formatIsIndependentOfTheDefaultLocale()
{
    const QLocale previous;
    QLocale::setDefault(QLocale(QLocale::German, QLocale::Germany));
    const QString formatted = formatRfc2822(utc(2010, 3, 2, 20, 36, 28));
    const auto parsed = parseRfc2822(QStringLiteral("Tue, 02 Mar 2010 20:36:28 +0000"));
    QLocale::setDefault(previous);
    QCOMPARE(formatted, QStringLiteral("Tue, 02 Mar 2010 20:36:28 +0000"));
    QVERIFY(parsed.ok());
    QCOMPARE(parsed.value(), utc(2010, 3, 2, 20, 36, 28));
}

void TestWebhookParams::rfc2822_parsesValidForms_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QDateTime>("expected");
    const QDateTime example = utc(2010, 8, 31, 20, 36, 28);
    QTest::newRow("documented example") << QStringLiteral("Tue, 31 Aug 2010 20:36:28 +0000") << example;
    QTest::newRow("no day name") << QStringLiteral("31 Aug 2010 20:36:28 +0000") << example;
    QTest::newRow("GMT") << QStringLiteral("Tue, 31 Aug 2010 20:36:28 GMT") << example;
    QTest::newRow("UT") << QStringLiteral("Tue, 31 Aug 2010 20:36:28 UT") << example;
    QTest::newRow("negative offset") << QStringLiteral("Tue, 31 Aug 2010 15:36:28 -0500") << example;
    QTest::newRow("positive offset with minutes") << QStringLiteral("Wed, 01 Sep 2010 02:06:28 +0530") << example;
    QTest::newRow("US zone") << QStringLiteral("Tue, 31 Aug 2010 13:36:28 PDT") << example;
    QTest::newRow("no seconds") << QStringLiteral("Tue, 31 Aug 2010 20:36 +0000") << utc(2010, 8, 31, 20, 36, 0);
    QTest::newRow("single-digit day") << QStringLiteral("Fri, 4 Oct 2016 01:02:03 +0000") << utc(2016, 10, 4, 1, 2, 3);
    QTest::newRow("extra spaces and no space after comma")
        << QStringLiteral("  Tue,31  Aug 2010\t20:36:28 +0000 ") << example;
    QTest::newRow("lower-case names") << QStringLiteral("tue, 31 aug 2010 20:36:28 +0000") << example;
    QTest::newRow("day name disagrees (tolerated)") << QStringLiteral("Mon, 31 Aug 2010 20:36:28 +0000") << example;
    QTest::newRow("leap day") << QStringLiteral("Thu, 29 Feb 2024 00:00:00 +0000") << utc(2024, 2, 29, 0, 0, 0);
}

void TestWebhookParams::rfc2822_parsesValidForms()
{
    QFETCH(QString, text);
    QFETCH(QDateTime, expected);
    const auto parsed = parseRfc2822(text);
    QVERIFY2(parsed.ok(), qPrintable(parsed.ok() ? QString() : parsed.error().message));
    QCOMPARE(parsed.value(), expected);
    QCOMPARE(parsed.value().timeSpec(), Qt::UTC);
}

void TestWebhookParams::rfc2822_rejectsInvalidText_data()
{
    QTest::addColumn<QString>("text");
    QTest::newRow("empty") << QString();
    QTest::newRow("blank") << QStringLiteral("   ");
    QTest::newRow("ISO 8601") << QStringLiteral("2010-08-31T20:36:28Z");
    QTest::newRow("unknown day name") << QStringLiteral("Tues, 31 Aug 2010 20:36:28 +0000");
    QTest::newRow("unknown month") << QStringLiteral("Tue, 31 Agu 2010 20:36:28 +0000");
    QTest::newRow("german month") << QStringLiteral("Di, 31 Okt 2010 20:36:28 +0000");
    QTest::newRow("31 September") << QStringLiteral("31 Sep 2010 20:36:28 +0000");
    QTest::newRow("29 Feb non-leap") << QStringLiteral("29 Feb 2023 20:36:28 +0000");
    QTest::newRow("day zero") << QStringLiteral("0 Aug 2010 20:36:28 +0000");
    QTest::newRow("three-digit day") << QStringLiteral("031 Aug 2010 20:36:28 +0000");
    QTest::newRow("two-digit year") << QStringLiteral("31 Aug 10 20:36:28 +0000");
    QTest::newRow("hour 24") << QStringLiteral("31 Aug 2010 24:00:00 +0000");
    QTest::newRow("leap second") << QStringLiteral("31 Dec 2016 23:59:60 +0000");
    QTest::newRow("missing zone") << QStringLiteral("Tue, 31 Aug 2010 20:36:28");
    QTest::newRow("bad zone") << QStringLiteral("Tue, 31 Aug 2010 20:36:28 CEST");
    QTest::newRow("zone minutes 60") << QStringLiteral("Tue, 31 Aug 2010 20:36:28 +0060");
    QTest::newRow("trailing text") << QStringLiteral("Tue, 31 Aug 2010 20:36:28 +0000 (UTC)");
    QTest::newRow("huge day") << QStringLiteral("99999999999999999999 Aug 2010 20:36:28 +0000");
    QTest::newRow("time with single digits") << QStringLiteral("31 Aug 2010 8:36:28 +0000");
    QTest::newRow("non-ASCII digits") << QStringLiteral("٣١ Aug 2010 20:36:28 +0000");
}

void TestWebhookParams::rfc2822_rejectsInvalidText()
{
    QFETCH(QString, text);
    const auto parsed = parseRfc2822(text);
    QVERIFY(!parsed.ok());
    QCOMPARE(parsed.error().code, QString(kErrorInvalidDate));
    QVERIFY(parsed.error().message.contains(QLatin1String("RFC 2822")));
}

void TestWebhookParams::rfc2822_roundTripsWholeSeconds()
{
    // A deterministic walk over 400 years in prime-sized steps covers every weekday, month and
    // leap-year case.
    QDateTime t = utc(1900, 1, 1, 0, 0, 0);
    for (int i = 0; i < 2000; ++i) {
        const QString text = formatRfc2822(t);
        const auto parsed = parseRfc2822(text);
        QVERIFY2(parsed.ok(), qPrintable(text));
        QCOMPARE(parsed.value(), t);
        t = t.addSecs(6'311'527); // ~73 days, 1h 32m 7s
    }
}

void TestWebhookParams::iso8601_formatsWithRequestedFractionDigits_data()
{
    QTest::addColumn<int>("digits");
    QTest::addColumn<QString>("expected");
    QTest::newRow("micro (stream callbacks)") << 6 << QStringLiteral("2024-06-25T18:45:12.135000Z");
    QTest::newRow("milli (transcription callbacks)") << 3 << QStringLiteral("2024-06-25T18:45:12.135Z");
    QTest::newRow("one") << 1 << QStringLiteral("2024-06-25T18:45:12.1Z");
    QTest::newRow("none") << 0 << QStringLiteral("2024-06-25T18:45:12Z");
    QTest::newRow("nine") << 9 << QStringLiteral("2024-06-25T18:45:12.135000000Z");
    QTest::newRow("clamped") << 42 << QStringLiteral("2024-06-25T18:45:12.135000000Z");
}

void TestWebhookParams::iso8601_formatsWithRequestedFractionDigits()
{
    QFETCH(int, digits);
    QFETCH(QString, expected);
    QCOMPARE(formatIso8601(utc(2024, 6, 25, 18, 45, 12, 135), digits), expected);
}

void TestWebhookParams::iso8601_parsesValidForms_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QDateTime>("expected");
    QTest::newRow("documented (microseconds)")
        << QStringLiteral("2024-06-25T18:45:12.135751Z") << utc(2024, 6, 25, 18, 45, 12, 135);
    QTest::newRow("milliseconds") << QStringLiteral("2026-01-05T10:00:03.120Z") << utc(2026, 1, 5, 10, 0, 3, 120);
    QTest::newRow("one digit") << QStringLiteral("2026-01-05T10:00:03.5Z") << utc(2026, 1, 5, 10, 0, 3, 500);
    QTest::newRow("nanoseconds") << QStringLiteral("2026-01-05T10:00:03.123456789Z") << utc(2026, 1, 5, 10, 0, 3, 123);
    QTest::newRow("many digits") << QStringLiteral("2026-01-05T10:00:03.99999999999999999999999Z")
                                 << utc(2026, 1, 5, 10, 0, 3, 999);
    QTest::newRow("no fraction") << QStringLiteral("2026-01-05T10:00:03Z") << utc(2026, 1, 5, 10, 0, 3);
    QTest::newRow("offset with colon") << QStringLiteral("2026-01-05T12:00:03+02:00") << utc(2026, 1, 5, 10, 0, 3);
    QTest::newRow("offset without colon") << QStringLiteral("2026-01-05T05:00:03-0500") << utc(2026, 1, 5, 10, 0, 3);
    QTest::newRow("offset hours only") << QStringLiteral("2026-01-05T11:00:03+01") << utc(2026, 1, 5, 10, 0, 3);
    QTest::newRow("no zone means UTC") << QStringLiteral("2026-01-05T10:00:03") << utc(2026, 1, 5, 10, 0, 3);
    QTest::newRow("lower-case t and z") << QStringLiteral("2026-01-05t10:00:03z") << utc(2026, 1, 5, 10, 0, 3);
    QTest::newRow("space separator") << QStringLiteral("2026-01-05 10:00:03Z") << utc(2026, 1, 5, 10, 0, 3);
    QTest::newRow("comma fraction") << QStringLiteral("2026-01-05T10:00:03,25Z") << utc(2026, 1, 5, 10, 0, 3, 250);
}

void TestWebhookParams::iso8601_parsesValidForms()
{
    QFETCH(QString, text);
    QFETCH(QDateTime, expected);
    const auto parsed = parseIso8601(text);
    QVERIFY2(parsed.ok(), qPrintable(parsed.ok() ? QString() : parsed.error().message));
    QCOMPARE(parsed.value(), expected);
    QCOMPARE(parsed.value().timeSpec(), Qt::UTC);
}

void TestWebhookParams::iso8601_rejectsInvalidText_data()
{
    QTest::addColumn<QString>("text");
    QTest::newRow("empty") << QString();
    QTest::newRow("date only") << QStringLiteral("2026-01-05");
    QTest::newRow("RFC 2822") << QStringLiteral("Mon, 05 Jan 2026 10:00:03 +0000");
    QTest::newRow("no seconds") << QStringLiteral("2026-01-05T10:00Z");
    QTest::newRow("month 13") << QStringLiteral("2026-13-05T10:00:03Z");
    QTest::newRow("30 February") << QStringLiteral("2026-02-30T10:00:03Z");
    QTest::newRow("minute 60") << QStringLiteral("2026-01-05T10:60:03Z");
    QTest::newRow("dot without digits") << QStringLiteral("2026-01-05T10:00:03.Z");
    QTest::newRow("junk after Z") << QStringLiteral("2026-01-05T10:00:03Zjunk");
    QTest::newRow("bad offset") << QStringLiteral("2026-01-05T10:00:03+2:00");
    QTest::newRow("offset hour 24") << QStringLiteral("2026-01-05T10:00:03+24:00");
    QTest::newRow("slashes") << QStringLiteral("2026/01/05T10:00:03Z");
    QTest::newRow("expanded year") << QStringLiteral("+02026-01-05T10:00:03Z");
    QTest::newRow("unix seconds") << QStringLiteral("1767607203");
}

void TestWebhookParams::iso8601_rejectsInvalidText()
{
    QFETCH(QString, text);
    const auto parsed = parseIso8601(text);
    QVERIFY(!parsed.ok());
    QCOMPARE(parsed.error().code, QString(kErrorInvalidDate));
    QVERIFY(parsed.error().message.contains(QLatin1String("ISO 8601")));
}

void TestWebhookParams::dateFormatters_returnEmptyForInvalidDateTime()
{
    QVERIFY(formatRfc2822(QDateTime()).isEmpty());
    QVERIFY(formatIso8601(QDateTime()).isEmpty());
    QVERIFY(formatRfc2822(utc(10000, 1, 1, 0, 0, 0)).isEmpty());
    QVERIFY(formatIso8601(utc(-5, 1, 1, 0, 0, 0)).isEmpty());
}

// =============================================================================================
// Robustness

namespace {

/// Bodies of every request type, as a simulator sends them.
QList<QByteArray> bodyCorpus()
{
    QList<QByteArray> corpus{kDocVoiceBody};
    CallStatusCallback status;
    status.call = fullCall();
    status.call.callStatus = CallStatus::Completed;
    status.timestamp = utc(2010, 8, 31, 20, 36, 28);
    status.sequenceNumber = 3;
    status.callDuration = 61;
    status.duration = 2;
    status.sipResponseCode = 200;
    corpus << encodeFormBody(toFormParams(status));
    RecordActionRequest record;
    record.call = fullCall();
    record.recordingUrl = QStringLiteral("https://api.twilio.com/r");
    record.recordingDuration = 7;
    record.digits = QStringLiteral("hangup");
    record.recordingSid = kRecordingSid;
    corpus << encodeFormBody(toFormParams(record));
    GatherActionRequest gather;
    gather.call = fullCall();
    gather.speechResult = QStringLiteral("yes");
    gather.confidence = 0.75;
    corpus << encodeFormBody(toFormParams(gather));
    corpus << encodeFormBody(recordingCallbackForm(QStringLiteral("completed")));
    corpus << encodeFormBody(streamCallbackForm(QStringLiteral("stream-error")));
    corpus << encodeFormBody(contentForm());
    corpus << encodeFormBody(concat(transcriptionForm(QStringLiteral("transcription-started")),
                                    {{QStringLiteral("PartialResults"), QStringLiteral("true")},
                                     {QStringLiteral("Track"), QStringLiteral("both_tracks")}}));
    return corpus;
}

QByteArray mutateBody(QByteArray body, QRandomGenerator& rng)
{
    static const QByteArray kAlphabet = "&=%+2Cc0123456789abcdefACGTRZ-:.,{}\"\\ ";
    const int steps = 1 + static_cast<int>(rng.bounded(4));
    for (int step = 0; step < steps; ++step) {
        const auto size = static_cast<quint32>(body.size());
        const quint32 pos = size ? rng.bounded(size) : 0;
        const char c = kAlphabet.at(rng.bounded(static_cast<quint32>(kAlphabet.size())));
        switch (rng.bounded(5)) {
        case 0:
            if (size)
                body[pos] = c;
            break;
        case 1:
            body.insert(pos, c);
            break;
        case 2:
            body.remove(pos, 1 + rng.bounded(12u));
            break;
        case 3:
            body.truncate(pos);
            break;
        default: // swap two parameters
            if (size) {
                QList<QByteArray> parts = body.split('&');
                const auto count = static_cast<quint32>(parts.size());
                parts.swapItemsAt(rng.bounded(count), rng.bounded(count));
                body = parts.join('&');
            }
            break;
        }
    }
    return body;
}

} // namespace

void TestWebhookParams::fuzz_mutatedBodiesYieldARequestOrAnError()
{
    QRandomGenerator rng(0x7E1C0); // fixed seed: reproducible
    const QList<QByteArray> corpus = bodyCorpus();
    int accepted = 0;
    int rejected = 0;
    const auto check = [&](const auto& result, const auto& parse, const QByteArray& body) {
        if (result.ok()) {
            ++accepted;
            // Whatever is accepted can be sent again and reads back the same.
            const auto again = parse(overTheWire(toFormParams(result.value())));
            QVERIFY2(again.ok() && again.value() == result.value(), body.constData());
        } else {
            ++rejected;
            const QString& code = result.error().code;
            QVERIFY2((code == kErrorMissingParameter || code == kErrorInvalidParameter) &&
                         !result.error().message.isEmpty(),
                     body.constData());
        }
    };
    for (int i = 0; i < 3000 && !QTest::currentTestFailed(); ++i) {
        const QByteArray body =
            mutateBody(corpus[static_cast<int>(rng.bounded(static_cast<quint32>(corpus.size())))], rng);
        const FormParams params = parseFormBody(body);
        check(parseVoiceRequest(params), parseVoiceRequest, body);
        check(parseCallStatusCallback(params), parseCallStatusCallback, body);
        check(parseRecordActionRequest(params), parseRecordActionRequest, body);
        check(parseGatherActionRequest(params), parseGatherActionRequest, body);
        check(parseRecordingStatusCallback(params), parseRecordingStatusCallback, body);
        check(parseStreamStatusCallback(params), parseStreamStatusCallback, body);
        check(parseTranscriptionCallback(params), parseTranscriptionCallback, body);
    }
    qInfo("fuzz: %d parses accepted, %d rejected", accepted, rejected);
    QVERIFY(accepted > 1000);
    QVERIFY(rejected > 1000);
}

QTEST_GUILESS_MAIN(TestWebhookParams)
#include "TestWebhookParams.moc"
