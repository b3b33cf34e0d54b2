// SPDX-License-Identifier: GPL-3.0-or-later
#include "twilio/TwimlSchema.h"

#include <QUrl>
#include <algorithm>
#include <utility>

namespace sb::twilio::detail {
namespace {

AttrSpec anyValue(const char* name)
{
    AttrSpec s;
    s.name = QLatin1String(name);
    return s;
}

AttrSpec integer(const char* name, qint64 min, qint64 max = std::numeric_limits<int>::max())
{
    AttrSpec s = anyValue(name);
    s.kind = ValueKind::Integer;
    s.min = min;
    s.max = max;
    return s;
}

AttrSpec boolean(const char* name)
{
    AttrSpec s = anyValue(name);
    s.kind = ValueKind::Boolean;
    return s;
}

AttrSpec oneOf(const char* name, const char* values)
{
    AttrSpec s = anyValue(name);
    s.kind = ValueKind::Enum;
    s.values = QString(QLatin1String(values)).split(QLatin1Char(' '));
    return s;
}

AttrSpec listOf(const char* name, const char* values)
{
    AttrSpec s = oneOf(name, values);
    s.kind = ValueKind::EnumList;
    return s;
}

AttrSpec method(const char* name)
{
    return oneOf(name, "GET POST");
}

AttrSpec keys(const char* name, int maxKeys)
{
    AttrSpec s = anyValue(name);
    s.kind = ValueKind::Keys;
    s.chars = QStringLiteral("0123456789#*");
    s.max = maxKeys;
    return s;
}

AttrSpec absoluteUrl(const char* name)
{
    AttrSpec s = anyValue(name);
    s.kind = ValueKind::AbsoluteUrl;
    return s;
}

AttrSpec withCode(AttrSpec s, int code, TwimlSeverity severity)
{
    s.code = code;
    s.severity = severity;
    return s;
}

const char* const kTracks = "inbound_track outbound_track both_tracks";
const char* const kVerbParents = "Response";
const char* const kSsmlAll = "Say emphasis lang p prosody s w";

bool parseInteger(QStringView s, qint64& value)
{
    if (s.isEmpty() || s.size() > 18)
        return false;
    qsizetype i = s.front() == QLatin1Char('-') ? 1 : 0;
    if (i == s.size())
        return false;
    for (; i < s.size(); ++i) {
        if (s[i] < QLatin1Char('0') || s[i] > QLatin1Char('9'))
            return false;
    }
    bool ok = false;
    value = s.toLongLong(&ok);
    return ok;
}

QString integerExpectation(const AttrSpec& spec)
{
    if (spec.max < std::numeric_limits<int>::max())
        return QStringLiteral("an integer from %1 to %2").arg(spec.min).arg(spec.max);
    return QStringLiteral("an integer of at least %1").arg(spec.min);
}

} // namespace

Schema::Schema()
{
    const QList<AttrSpec> amd = {
        absoluteUrl("amdStatusCallback"),
        method("amdStatusCallbackMethod"),
        anyValue("machineDetection"),
        integer("machineDetectionSilenceTimeout", 0),
        integer("machineDetectionSpeechEndThreshold", 0),
        integer("machineDetectionSpeechThreshold", 0),
        integer("machineDetectionTimeout", 0),
    };
    const QList<AttrSpec> callbacks = {
        method("method"),
        anyValue("statusCallback"),
        listOf("statusCallbackEvent", "initiated ringing answered completed"),
        method("statusCallbackMethod"),
        anyValue("url"),
    };

    add("Response", "", Content::Elements, {});
    add("Say", "Response Gather Prompt", Content::Mixed, {anyValue("language"), integer("loop", 0), anyValue("voice")});
    AttrSpec digits = anyValue("digits");
    digits.kind = ValueKind::Digits;
    digits.chars = QStringLiteral("0123456789ABCD#*wW");
    add("Play", "Response Gather Prompt", Content::Text, {digits, integer("loop", 0)});
    add("Pause", "Response Gather Prompt", Content::Empty, {integer("length", 1)});
    add("Record",
        kVerbParents,
        Content::Empty,
        {anyValue("action"),
         keys("finishOnKey", 12),
         integer("maxLength", 2, 86400),
         method("method"),
         boolean("playBeep"),
         anyValue("recordingConfigurationId"),
         anyValue("recordingStatusCallback"),
         listOf("recordingStatusCallbackEvent", "in-progress completed absent"),
         method("recordingStatusCallbackMethod"),
         withCode(integer("timeout", 0), twiml_code::RecordInvalidTimeout, TwimlSeverity::Warning),
         boolean("transcribe"),
         anyValue("transcribeCallback"),
         oneOf("trim", "trim-silence do-not-trim")});
    AttrSpec speechTimeout = anyValue("speechTimeout");
    speechTimeout.kind = ValueKind::SecondsOrAuto;
    add("Gather",
        kVerbParents,
        Content::Elements,
        {anyValue("action"),
         boolean("actionOnEmptyResult"),
         boolean("bargeIn"),
         boolean("debug"),
         boolean("enhanced"),
         keys("finishOnKey", 1),
         anyValue("hints"),
         listOf("input", "dtmf speech"),
         anyValue("language"),
         integer("maxSpeechTime", 1),
         method("method"),
         integer("numDigits", 1),
         anyValue("partialResultCallback"),
         method("partialResultCallbackMethod"),
         boolean("profanityFilter"),
         anyValue("speechModel"),
         speechTimeout,
         integer("timeout", 0)});
    add("Start", kVerbParents, Content::Elements, {anyValue("action"), method("method")});
    add("Connect", kVerbParents, Content::Elements, {anyValue("action"), method("method")});
    add("Stop", kVerbParents, Content::Elements, {});
    add("Stream",
        "Start Connect Stop",
        Content::Elements,
        {anyValue("audioFormat"),
         anyValue("connectorName"),
         anyValue("name"),
         anyValue("sampleRate"),
         absoluteUrl("statusCallback"),
         method("statusCallbackMethod"),
         withCode(oneOf("track", kTracks), twiml_code::StreamInvalidTrack, TwimlSeverity::Error),
         anyValue("url")});
    add("Parameter",
        "Stream Transcription Siprec VirtualAgent ConversationRelay Client Application Pay Reject Hangup",
        Content::Empty,
        {anyValue("name"), anyValue("value")});
    add("Transcription",
        "Start Stop",
        Content::Elements,
        {boolean("enableAutomaticPunctuation"),
         boolean("enableProviderData"),
         anyValue("conversationConfiguration"),
         anyValue("conversationId"),
         anyValue("hints"),
         anyValue("inboundTrackLabel"),
         anyValue("intelligenceService"),
         anyValue("languageCode"),
         anyValue("name"),
         anyValue("outboundTrackLabel"),
         boolean("partialResults"),
         boolean("profanityFilter"),
         anyValue("speechModel"),
         method("statusCallbackMethod"),
         absoluteUrl("statusCallbackUrl"),
         oneOf("track", kTracks),
         anyValue("transcriptionEngine")});
    add("Config", "Transcription VirtualAgent", Content::Empty, {anyValue("name"), anyValue("value")});
    add("Redirect", kVerbParents, Content::Text, {method("method")});
    add("Hangup", kVerbParents, Content::Elements, {});
    add("Reject", kVerbParents, Content::Elements, {oneOf("reason", "rejected busy")});
    add("Dial",
        kVerbParents,
        Content::Mixed,
        {anyValue("action"),
         boolean("answerOnBridge"),
         anyValue("callReason"),
         anyValue("callerId"),
         anyValue("events"),
         boolean("hangupOnStar"),
         method("method"),
         anyValue("passports"),
         oneOf("record",
               "do-not-record record-from-answer record-from-ringing record-from-answer-dual "
               "record-from-ringing-dual true false"),
         anyValue("recordingConfigurationId"),
         anyValue("recordingStatusCallback"),
         listOf("recordingStatusCallbackEvent", "in-progress completed absent"),
         method("recordingStatusCallbackMethod"),
         oneOf("recordingTrack", "both inbound outbound"),
         method("referMethod"),
         anyValue("referUrl"),
         anyValue("ringTone"),
         boolean("sequential"),
         integer("timeLimit", 1),
         integer("timeout", 1),
         oneOf("trim", "trim-silence do-not-trim")});
    add("Number", "Dial", Content::Text, amd + QList<AttrSpec>{anyValue("byoc"), anyValue("sendDigits")} + callbacks);
    add("Client", "Dial", Content::Mixed, callbacks);
    add("Sip",
        "Dial Refer",
        Content::Mixed,
        amd + QList<AttrSpec>{anyValue("password"), anyValue("username")} + callbacks);

    // Known, nesting checked, attributes not modelled.
    addOpen("Identity", "Client", Content::Text);
    addOpen("Headers", "Sip", Content::Elements);
    addOpen("Header", "Headers", Content::Empty);
    addOpen("Uri", "Sip", Content::Text);
    addOpen("Conference", "Dial", Content::Text);
    addOpen("Queue", "Dial", Content::Text);
    addOpen("Sim", "Dial", Content::Text);
    addOpen("Application", "Dial", Content::Mixed);
    addOpen("ApplicationSid", "Application", Content::Text);
    addOpen("WhatsApp", "Dial", Content::Text);
    addOpen("Echo", kVerbParents, Content::Empty);
    addOpen("Enqueue", kVerbParents, Content::Mixed);
    addOpen("Task", "Enqueue", Content::Text);
    addOpen("Leave", kVerbParents, Content::Empty);
    addOpen("Pay", kVerbParents, Content::Elements);
    addOpen("Prompt", "Pay", Content::Elements);
    addOpen("Refer", kVerbParents, Content::Elements);
    addOpen("Sms", kVerbParents, Content::Text);
    addOpen("Siprec", "Start Stop", Content::Elements);
    addOpen("Recording", "Start", Content::Empty);
    addOpen("Room", "Connect", Content::Text);
    addOpen("Conversation", "Connect", Content::Empty);
    addOpen("VirtualAgent", "Connect", Content::Elements);
    addOpen("Autopilot", "Connect", Content::Text);
    addOpen("ConversationRelay", "Connect", Content::Elements);
    addOpen("Language", "ConversationRelay", Content::Empty);
    addOpen("AiSession", "Connect", Content::Empty);
    addOpen("ConversationRelaySession", "Connect", Content::Empty);

    // SSML inside <Say> (nesting as in twilio-node).
    add("break",
        kSsmlAll,
        Content::Empty,
        {oneOf("strength", "none x-weak weak medium strong x-strong"), anyValue("time")});
    add("emphasis", kSsmlAll, Content::Mixed, {oneOf("level", "strong moderate reduced")});
    add("lang", "Say emphasis lang p prosody s", Content::Mixed, {anyValue("xml:lang")});
    add("p", "Say lang prosody", Content::Mixed, {});
    add("phoneme", kSsmlAll, Content::Text, {anyValue("alphabet"), anyValue("ph")});
    add("prosody", kSsmlAll, Content::Mixed, {anyValue("pitch"), anyValue("rate"), anyValue("volume")});
    add("s", "Say lang p prosody", Content::Mixed, {});
    add("say-as", kSsmlAll, Content::Text, {anyValue("format"), anyValue("interpret-as")});
    add("sub", kSsmlAll, Content::Text, {anyValue("alias")});
    add("w", "Say emphasis lang p prosody s", Content::Mixed, {anyValue("role")});
}

const Schema& schema()
{
    static const Schema instance;
    return instance;
}

QString valueProblem(const AttrSpec& spec, const QString& value)
{
    switch (spec.kind) {
    case ValueKind::Any:
        return {};
    case ValueKind::Integer: {
        qint64 n = 0;
        if (!parseInteger(value, n) || n < spec.min || n > spec.max)
            return QStringLiteral("expected ") + integerExpectation(spec);
        return {};
    }
    case ValueKind::Boolean:
        if (value == QLatin1String("true") || value == QLatin1String("false"))
            return {};
        return QStringLiteral("expected true or false");
    case ValueKind::Enum:
        if (spec.values.contains(value))
            return {};
        return QStringLiteral("expected one of: ") + spec.values.join(QLatin1String(", "));
    case ValueKind::EnumList: {
        const QStringList tokens = value.split(QLatin1Char(' '), Qt::SkipEmptyParts);
        const bool ok = !tokens.isEmpty() && std::all_of(tokens.begin(), tokens.end(), [&](const QString& t) {
            return spec.values.contains(t);
        });
        if (ok)
            return {};
        return QStringLiteral("expected a space-separated list of: ") + spec.values.join(QLatin1String(", "));
    }
    case ValueKind::Keys: {
        const bool ok = value.size() <= spec.max &&
                        std::all_of(value.begin(), value.end(), [&](QChar c) { return spec.chars.contains(c); });
        if (ok)
            return {};
        if (spec.max == 1)
            return QStringLiteral("expected one key of 0-9, # or *, or empty");
        return QStringLiteral("expected keys from 0-9, # and *");
    }
    case ValueKind::Digits: {
        const bool ok = !value.isEmpty() &&
                        std::all_of(value.begin(), value.end(), [&](QChar c) { return spec.chars.contains(c); });
        if (ok)
            return {};
        return QStringLiteral("expected DTMF digits 0-9, A-D, #, * and w/W pauses");
    }
    case ValueKind::SecondsOrAuto: {
        qint64 n = 0;
        if (value == QLatin1String("auto") || (parseInteger(value, n) && n >= 0))
            return {};
        return QStringLiteral("expected a number of seconds or auto");
    }
    case ValueKind::AbsoluteUrl: {
        const QUrl url(value, QUrl::StrictMode);
        const QString scheme = url.scheme().toLower();
        if (url.isValid() && (scheme == QLatin1String("http") || scheme == QLatin1String("https")) &&
            !url.host().isEmpty())
            return {};
        return QStringLiteral("expected an absolute http(s) URL");
    }
    }
    return {};
}

} // namespace sb::twilio::detail
