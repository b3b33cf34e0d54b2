// SPDX-License-Identifier: GPL-3.0-or-later
#include "twilio/TwimlParser.h"

#include <QHash>
#include <QStringDecoder>
#include <QUrl>
#include <QXmlStreamReader>
#include <algorithm>
#include <limits>
#include <tuple>
#include <utility>
#include <vector>

namespace sb::twilio {
namespace {

using Issues = QList<TwimlIssue>;

// ----- schema ----------------------------------------------------------------------------------

enum class ValueKind {
    Any,
    Integer,       ///< decimal integer within [min, max]
    Boolean,       ///< true | false
    Enum,          ///< one of `values`
    EnumList,      ///< space-separated, each one of `values`, at least one
    Keys,          ///< characters from `chars`, at most `max` of them (empty allowed)
    Digits,        ///< one or more characters from `chars`
    SecondsOrAuto, ///< `auto` or an integer >= 0
    AbsoluteUrl,   ///< absolute http(s) URL
};

struct AttrSpec
{
    QString name;
    ValueKind kind = ValueKind::Any;
    qint64 min = 0;
    qint64 max = std::numeric_limits<qint64>::max();
    QStringList values;
    QString chars;
    int code = twiml_code::SchemaWarning;
    TwimlSeverity severity = TwimlSeverity::Warning;
};

enum class Content {
    Empty,    ///< no text, no children
    Text,     ///< text only
    Elements, ///< child elements only
    Mixed,    ///< text and child elements
};

struct ElementSpec
{
    QString name;
    QStringList parents; ///< allowed parent elements; empty = root only
    Content content = Content::Empty;
    bool attributesChecked = true;
    QList<AttrSpec> attributes;

    const AttrSpec* attribute(QStringView attributeName) const
    {
        for (const AttrSpec& a : attributes) {
            if (a.name == attributeName)
                return &a;
        }
        return nullptr;
    }
};

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

class Schema
{
public:
    Schema()
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
        add("Say",
            "Response Gather Prompt",
            Content::Mixed,
            {anyValue("language"), integer("loop", 0), anyValue("voice")});
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
        add("Number",
            "Dial",
            Content::Text,
            amd + QList<AttrSpec>{anyValue("byoc"), anyValue("sendDigits")} + callbacks);
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

    const ElementSpec* find(QStringView name) const
    {
        const auto it = m_elements.constFind(name.toString());
        return it == m_elements.cend() ? nullptr : &it.value();
    }

    /// The canonical spelling of a name that matches a known element case-insensitively.
    QString caseInsensitiveMatch(QStringView name) const { return m_lowerCase.value(name.toString().toLower()); }

    QStringList names() const
    {
        QStringList out = m_elements.keys();
        out.sort();
        return out;
    }

private:
    void add(const char* name, const char* parents, Content content, QList<AttrSpec> attributes, bool checked = true)
    {
        ElementSpec spec;
        spec.name = QLatin1String(name);
        spec.parents = QString(QLatin1String(parents)).split(QLatin1Char(' '), Qt::SkipEmptyParts);
        spec.content = content;
        spec.attributesChecked = checked;
        spec.attributes = std::move(attributes);
        m_lowerCase.insert(spec.name.toLower(), spec.name);
        m_elements.insert(spec.name, std::move(spec));
    }
    void addOpen(const char* name, const char* parents, Content content) { add(name, parents, content, {}, false); }

    QHash<QString, ElementSpec> m_elements;
    QHash<QString, QString> m_lowerCase;
};

const Schema& schema()
{
    static const Schema instance;
    return instance;
}

// ----- helpers ---------------------------------------------------------------------------------

bool isXmlSpace(QChar c)
{
    return c == QLatin1Char(' ') || c == QLatin1Char('\t') || c == QLatin1Char('\n') || c == QLatin1Char('\r');
}

bool isBlank(QStringView s)
{
    return std::all_of(s.begin(), s.end(), isXmlSpace);
}

QString tag(QStringView name)
{
    return QLatin1Char('<') + name.toString() + QLatin1Char('>');
}

QString tagList(const QStringList& names)
{
    QStringList tags;
    for (const QString& n : names)
        tags.append(tag(n));
    if (tags.size() <= 1)
        return tags.join(QString());
    return tags.mid(0, tags.size() - 1).join(QLatin1String(", ")) + QLatin1String(" or ") + tags.last();
}

/// Shortens user text quoted in messages.
QString quoted(QStringView s)
{
    constexpr qsizetype kMax = 60;
    QString t = s.size() > kMax ? s.left(kMax).toString() + QStringLiteral("...") : s.toString();
    t.replace(QLatin1Char('\n'), QLatin1String("\\n"));
    t.replace(QLatin1Char('\r'), QLatin1String("\\r"));
    t.replace(QLatin1Char('\t'), QLatin1String("\\t"));
    return QLatin1Char('"') + t + QLatin1Char('"');
}

void report(Issues& out, TwimlSeverity severity, int code, int line, int column, const QString& message)
{
    out.append(TwimlIssue{severity, code, line, column, message});
}

void warn(Issues& out, int code, const TwimlNode& node, const QString& message)
{
    report(out, TwimlSeverity::Warning, code, node.line, node.column, message);
}

void fail(Issues& out, int code, const TwimlNode& node, const QString& message)
{
    report(out, TwimlSeverity::Error, code, node.line, node.column, message);
}

void reportAt(Issues& out,
              TwimlSeverity severity,
              int code,
              const TwimlNode& node,
              const TwimlAttribute* attribute,
              const QString& message)
{
    if (attribute && attribute->line > 0)
        report(out, severity, code, attribute->line, attribute->column, message);
    else
        report(out, severity, code, node.line, node.column, message);
}

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

/// Why `value` is not valid for `spec`, or an empty string when it is.
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

qsizetype schemeLength(QStringView url)
{
    if (url.isEmpty() || !url.front().isLetter() || url.front().unicode() > 127)
        return -1;
    for (qsizetype i = 1; i < url.size(); ++i) {
        const QChar c = url[i];
        if (c == QLatin1Char(':'))
            return i;
        const bool ok = c.unicode() < 128 && (c.isLetterOrNumber() || c == QLatin1Char('+') || c == QLatin1Char('-') ||
                                              c == QLatin1Char('.'));
        if (!ok)
            return -1;
    }
    return -1;
}

// ----- validation ------------------------------------------------------------------------------

class Validator
{
public:
    explicit Validator(Issues& out)
        : m_out(out)
    {
    }

    void validateRoot(const TwimlNode& root)
    {
        if (root.name != QLatin1String("Response")) {
            QString message = QStringLiteral("The root element must be <Response>, found %1").arg(tag(root.name));
            if (root.name.compare(QLatin1String("Response"), Qt::CaseInsensitive) == 0)
                message += QStringLiteral(" (TwiML names are case-sensitive)");
            fail(m_out, twiml_code::ParseFailure, root, message);
            return;
        }
        validateElement(root, nullptr);
        checkReachability(root);
    }

private:
    void validateElement(const TwimlNode& node, const TwimlNode* parent)
    {
        const ElementSpec* spec = schema().find(node.name);
        if (!spec) {
            const QString canonical = schema().caseInsensitiveMatch(node.name);
            if (!canonical.isEmpty())
                warn(m_out,
                     twiml_code::SchemaWarning,
                     node,
                     QStringLiteral("Unknown element %1: TwiML names are case-sensitive, did you mean %2?")
                         .arg(tag(node.name), tag(canonical)));
            else
                warn(m_out,
                     twiml_code::SchemaWarning,
                     node,
                     QStringLiteral("Unknown element %1 is not a TwiML verb or noun; Twilio ignores it")
                         .arg(tag(node.name)));
            return;
        }
        if (parent) {
            if (!spec->parents.contains(parent->name)) {
                QString message;
                if (spec->parents.isEmpty())
                    message = QStringLiteral("%1 may only be the root element").arg(tag(node.name));
                else
                    message = QStringLiteral("%1 is not allowed inside %2; it belongs in %3")
                                  .arg(tag(node.name), tag(parent->name), tagList(spec->parents));
                warn(m_out, twiml_code::SchemaWarning, node, message);
            }
        }
        checkAttributes(*spec, node);
        checkText(*spec, node);
        checkSemantics(node, parent);
        for (const TwimlNode& child : node.children)
            validateElement(child, &node);
    }

    void checkAttributes(const ElementSpec& spec, const TwimlNode& node)
    {
        for (const TwimlAttribute& a : node.attributes) {
            const AttrSpec* as = spec.attribute(a.name);
            if (!as) {
                if (!spec.attributesChecked)
                    continue;
                QString message = QStringLiteral("Unknown attribute %1 on %2").arg(quoted(a.name), tag(node.name));
                for (const AttrSpec& candidate : spec.attributes) {
                    if (candidate.name.compare(a.name, Qt::CaseInsensitive) == 0) {
                        message += QStringLiteral(": attribute names are case-sensitive, did you mean %1?")
                                       .arg(quoted(candidate.name));
                        break;
                    }
                }
                reportAt(m_out, TwimlSeverity::Warning, twiml_code::SchemaWarning, node, &a, message);
                continue;
            }
            const QString problem = valueProblem(*as, a.value);
            if (!problem.isEmpty()) {
                reportAt(m_out,
                         as->severity,
                         as->code,
                         node,
                         &a,
                         QStringLiteral("Invalid %1 %2=%3: %4").arg(tag(node.name), a.name, quoted(a.value), problem));
            }
        }
    }

    void checkText(const ElementSpec& spec, const TwimlNode& node)
    {
        if (spec.content == Content::Text || spec.content == Content::Mixed)
            return;
        QString stray = node.text;
        for (const TwimlNode& child : node.children)
            stray += child.tail;
        if (!isBlank(stray)) {
            warn(m_out,
                 twiml_code::SchemaWarning,
                 node,
                 QStringLiteral("%1 does not take text; %2 is ignored").arg(tag(node.name), quoted(stray.trimmed())));
        }
    }

    void checkSemantics(const TwimlNode& node, const TwimlNode* parent)
    {
        const QString& name = node.name;
        const QString parentName = parent ? parent->name : QString();
        if (name == QLatin1String("Play")) {
            const TwimlAttribute* digits = node.findAttribute(u"digits");
            if (digits && parentName == QLatin1String("Gather")) {
                reportAt(m_out,
                         TwimlSeverity::Warning,
                         twiml_code::SchemaWarning,
                         node,
                         digits,
                         QStringLiteral("<Play digits> is not allowed inside <Gather>"));
            }
            if (!digits && isBlank(node.innerText())) {
                warn(m_out,
                     twiml_code::SchemaWarning,
                     node,
                     QStringLiteral("<Play> needs a media URL (or a digits attribute)"));
            }
        } else if (name == QLatin1String("Redirect")) {
            if (isBlank(node.innerText()))
                fail(m_out, twiml_code::InvalidUrl, node, QStringLiteral("<Redirect> needs a URL"));
        } else if (name == QLatin1String("Stream")) {
            checkStream(node, parentName);
        } else if (name == QLatin1String("Transcription")) {
            if (parentName == QLatin1String("Stop") && !node.hasAttribute(u"name")) {
                warn(m_out,
                     twiml_code::SchemaWarning,
                     node,
                     QStringLiteral("<Stop><Transcription> needs the name of the transcription to stop"));
            }
        } else if (name == QLatin1String("Parameter")) {
            checkParameter(node);
        } else if (name == QLatin1String("Start") || name == QLatin1String("Stop") ||
                   name == QLatin1String("Connect")) {
            if (node.children.empty()) {
                warn(m_out,
                     twiml_code::SchemaWarning,
                     node,
                     QStringLiteral("%1 needs a noun such as <Stream>").arg(tag(name)));
            } else if (name == QLatin1String("Connect") && node.children.size() > 1) {
                warn(m_out,
                     twiml_code::SchemaWarning,
                     node.children[1],
                     QStringLiteral("<Connect> takes exactly one noun"));
            }
        } else if (name == QLatin1String("Dial")) {
            if (node.children.empty() && isBlank(node.text))
                warn(m_out, twiml_code::SchemaWarning, node, QStringLiteral("<Dial> needs a number or a noun to dial"));
        }
    }

    void checkStream(const TwimlNode& node, const QString& parentName)
    {
        const TwimlAttribute* url = node.findAttribute(u"url");
        if (parentName == QLatin1String("Stop")) {
            if (!url && !node.hasAttribute(u"name")) {
                warn(m_out,
                     twiml_code::SchemaWarning,
                     node,
                     QStringLiteral("<Stop><Stream> needs the name (or url) of the stream to stop"));
            }
        } else if (!url) {
            fail(m_out, twiml_code::StreamUrlMalformed, node, QStringLiteral("<Stream> needs a url attribute"));
        }
        if (url)
            checkStreamUrl(node, *url);
        const TwimlAttribute* track = node.findAttribute(u"track");
        if (track && parentName == QLatin1String("Connect") && track->value != QLatin1String("inbound_track") &&
            schema().find(u"Stream")->attribute(u"track")->values.contains(track->value)) {
            reportAt(m_out,
                     TwimlSeverity::Error,
                     twiml_code::StreamInvalidTrack,
                     node,
                     track,
                     QStringLiteral("Invalid <Stream> track=%1 in <Connect>: a bidirectional stream only "
                                    "supports inbound_track")
                         .arg(quoted(track->value)));
        }
    }

    void checkStreamUrl(const TwimlNode& node, const TwimlAttribute& attribute)
    {
        const QString& value = attribute.value;
        auto error = [&](int code, const QString& message) {
            reportAt(m_out, TwimlSeverity::Error, code, node, &attribute, message);
        };
        if (value.isEmpty()) {
            error(twiml_code::StreamUrlMalformed, QStringLiteral("<Stream> url is empty"));
            return;
        }
        const qsizetype scheme = schemeLength(value);
        if (scheme > 0 && value.left(scheme).compare(QLatin1String("wss"), Qt::CaseInsensitive) != 0) {
            error(twiml_code::StreamUrlScheme,
                  QStringLiteral("<Stream> url %1 uses the scheme %2; only wss is supported")
                      .arg(quoted(value), quoted(value.left(scheme))));
            return;
        }
        const QUrl url(value, QUrl::StrictMode);
        if (!url.isValid() || value != value.trimmed() || (scheme > 0 && url.host().isEmpty())) {
            error(twiml_code::StreamUrlMalformed, QStringLiteral("<Stream> url %1 is malformed").arg(quoted(value)));
            return;
        }
        if (url.hasQuery()) {
            reportAt(m_out,
                     TwimlSeverity::Warning,
                     twiml_code::StreamUrlMalformed,
                     node,
                     &attribute,
                     QStringLiteral("<Stream> url %1 has a query string, which can break the WebSocket handshake; "
                                    "pass values with <Parameter>")
                         .arg(quoted(value)));
        }
    }

    void checkParameter(const TwimlNode& node)
    {
        const TwimlAttribute* name = node.findAttribute(u"name");
        if (!name || name->value.isEmpty()) {
            reportAt(m_out,
                     TwimlSeverity::Warning,
                     twiml_code::SchemaWarning,
                     node,
                     name,
                     QStringLiteral("<Parameter> needs a non-empty name"));
            return;
        }
        const qsizetype length = name->value.size() + node.attribute(u"value").size();
        if (length >= 500) {
            warn(m_out,
                 twiml_code::SchemaWarning,
                 node,
                 QStringLiteral("<Parameter> %1: name and value together must be under 500 characters (%2)")
                     .arg(quoted(name->value))
                     .arg(length));
        }
    }

    /// Verbs after one that never returns to this document can never run.
    void checkReachability(const TwimlNode& response)
    {
        const std::vector<TwimlNode>& verbs = response.children;
        for (std::size_t i = 0; i + 1 < verbs.size(); ++i) {
            const QString reason = terminalReason(verbs[i]);
            if (!reason.isEmpty()) {
                warn(m_out,
                     twiml_code::Hint,
                     verbs[i + 1],
                     QStringLiteral("%1 and the verbs after it are never reached: %2")
                         .arg(tag(verbs[i + 1].name), reason));
                break;
            }
        }
        if (!verbs.empty() && verbs.back().name == QLatin1String("Start")) {
            warn(m_out,
                 twiml_code::Hint,
                 verbs.back(),
                 QStringLiteral("<Start> is the last verb: the call ends right after the stream starts; add a verb "
                                "after it (e.g. <Pause>)"));
        }
    }

    static QString terminalReason(const TwimlNode& verb)
    {
        const QString& n = verb.name;
        if (n == QLatin1String("Record"))
            return QStringLiteral("<Record> continues at its action URL");
        if (n == QLatin1String("Redirect"))
            return QStringLiteral("<Redirect> transfers control to another document");
        if (n == QLatin1String("Hangup"))
            return QStringLiteral("<Hangup> ends the call");
        if (n == QLatin1String("Reject"))
            return QStringLiteral("<Reject> ends the call");
        if (n == QLatin1String("Gather") && verb.attribute(u"actionOnEmptyResult") == QLatin1String("true"))
            return QStringLiteral("<Gather actionOnEmptyResult=\"true\"> always continues at its action URL");
        if ((n == QLatin1String("Dial") || n == QLatin1String("Connect")) && verb.hasAttribute(u"action"))
            return QStringLiteral("%1 with an action continues at the action URL").arg(tag(n));
        return {};
    }

    Issues& m_out;
};

// ----- source positions ------------------------------------------------------------------------

/// Offset → 1-based line/column; CRLF, CR and LF each end a line.
class LineIndex
{
public:
    explicit LineIndex(const QString& text)
    {
        m_starts.push_back(0);
        for (qsizetype i = 0; i < text.size(); ++i) {
            const QChar c = text.at(i);
            if (c == QLatin1Char('\n') ||
                (c == QLatin1Char('\r') && (i + 1 >= text.size() || text.at(i + 1) != QLatin1Char('\n'))))
                m_starts.push_back(i + 1);
        }
    }

    std::pair<int, int> position(qsizetype offset) const
    {
        const auto it = std::upper_bound(m_starts.begin(), m_starts.end(), offset);
        const auto line = it - m_starts.begin();
        return {int(line), int(offset - *(it - 1) + 1)};
    }

private:
    std::vector<qsizetype> m_starts;
};

/// Finds start tags and their attribute names in a document QXmlStreamReader has accepted (up to
/// the point it has read), in document order, so each StartElement can be given its position.
class TagScanner
{
public:
    struct Tag
    {
        qsizetype offset = -1;
        QString name;
        QList<std::pair<QString, qsizetype>> attributes;
    };

    TagScanner(const QString& text, qsizetype from)
        : m_text(text)
        , m_pos(from)
    {
    }

    bool next(Tag& tag)
    {
        const qsizetype n = m_text.size();
        while (true) {
            const qsizetype lt = m_text.indexOf(QLatin1Char('<'), m_pos);
            if (lt < 0)
                return false;
            if (skip(lt, u"<!--", u"-->") || skip(lt, u"<![CDATA[", u"]]>") || skip(lt, u"<?", u"?>") ||
                skip(lt, u"</", u">") || skip(lt, u"<!", u">"))
                continue;
            tag = Tag{};
            tag.offset = lt;
            qsizetype i = lt + 1;
            while (i < n && !isXmlSpace(m_text.at(i)) && m_text.at(i) != QLatin1Char('>') &&
                   m_text.at(i) != QLatin1Char('/'))
                ++i;
            tag.name = m_text.mid(lt + 1, i - lt - 1);
            while (true) {
                while (i < n && isXmlSpace(m_text.at(i)))
                    ++i;
                if (i >= n || m_text.at(i) == QLatin1Char('>') || m_text.at(i) == QLatin1Char('/'))
                    break;
                const qsizetype nameStart = i;
                while (i < n && !isXmlSpace(m_text.at(i)) && m_text.at(i) != QLatin1Char('='))
                    ++i;
                const QString attributeName = m_text.mid(nameStart, i - nameStart);
                while (i < n && (isXmlSpace(m_text.at(i)) || m_text.at(i) == QLatin1Char('=')))
                    ++i;
                if (i >= n)
                    break;
                const QChar quote = m_text.at(i);
                const qsizetype close = m_text.indexOf(quote, i + 1);
                if (close < 0)
                    break;
                tag.attributes.append({attributeName, nameStart});
                i = close + 1;
            }
            m_pos = i;
            return true;
        }
    }

private:
    bool skip(qsizetype at, QStringView open, QStringView close)
    {
        if (!QStringView(m_text).mid(at).startsWith(open))
            return false;
        const qsizetype end = m_text.indexOf(close, at + open.size());
        m_pos = end < 0 ? m_text.size() : end + close.size();
        return true;
    }

    const QString& m_text;
    qsizetype m_pos;
};

// ----- decoding --------------------------------------------------------------------------------

/// Byte offset of the first invalid UTF-8 sequence, or -1.
qsizetype firstInvalidUtf8(const QByteArray& bytes)
{
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.constData());
    const qsizetype n = bytes.size();
    qsizetype i = 0;
    while (i < n) {
        const unsigned char c = p[i];
        if (c < 0x80) {
            ++i;
            continue;
        }
        int extra = 0;
        char32_t cp = 0;
        char32_t minimum = 0;
        if ((c & 0xE0) == 0xC0) {
            extra = 1;
            cp = c & 0x1F;
            minimum = 0x80;
        } else if ((c & 0xF0) == 0xE0) {
            extra = 2;
            cp = c & 0x0F;
            minimum = 0x800;
        } else if ((c & 0xF8) == 0xF0) {
            extra = 3;
            cp = c & 0x07;
            minimum = 0x10000;
        } else {
            return i;
        }
        if (i + extra >= n)
            return i;
        for (int k = 1; k <= extra; ++k) {
            const unsigned char cc = p[i + k];
            if ((cc & 0xC0) != 0x80)
                return i;
            cp = (cp << 6) | (cc & 0x3F);
        }
        if (cp < minimum || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return i;
        i += extra + 1;
    }
    return -1;
}

/// The encoding named in the XML declaration, or an empty string.
QString declaredEncoding(const QByteArray& bytes)
{
    if (!bytes.startsWith("<?xml"))
        return {};
    const qsizetype end = bytes.indexOf("?>");
    if (end < 0)
        return {};
    const QByteArray decl = bytes.left(end);
    const qsizetype at = decl.indexOf("encoding");
    if (at < 0)
        return {};
    qsizetype i = decl.indexOf('=', at);
    if (i < 0)
        return {};
    ++i;
    while (i < decl.size() && (decl.at(i) == ' ' || decl.at(i) == '\t' || decl.at(i) == '\r' || decl.at(i) == '\n'))
        ++i;
    if (i >= decl.size() || (decl.at(i) != '"' && decl.at(i) != '\''))
        return {};
    const qsizetype close = decl.indexOf(decl.at(i), i + 1);
    if (close < 0)
        return {};
    return QString::fromLatin1(decl.mid(i + 1, close - i - 1));
}

/// Offset of the first character XML 1.0 forbids, or -1.
qsizetype firstForbiddenChar(const QString& text)
{
    const qsizetype n = text.size();
    for (qsizetype i = 0; i < n; ++i) {
        const char16_t c = text.at(i).unicode();
        if (QChar::isHighSurrogate(c)) {
            if (i + 1 < n && QChar::isLowSurrogate(text.at(i + 1).unicode())) {
                ++i;
                continue;
            }
            return i;
        }
        if (QChar::isLowSurrogate(c) || c == 0xFFFE || c == 0xFFFF)
            return i;
        if (c < 0x20 && c != u'\t' && c != u'\n' && c != u'\r')
            return i;
    }
    return -1;
}

void sortIssues(Issues& issues)
{
    std::stable_sort(issues.begin(), issues.end(), [](const TwimlIssue& a, const TwimlIssue& b) {
        return std::pair(a.line, a.column) < std::pair(b.line, b.column);
    });
}

/// Drops formatting whitespace (see the header) once an element is complete.
void dropFormattingWhitespace(TwimlNode& node)
{
    if (node.children.empty() || !isBlank(node.text))
        return;
    for (const TwimlNode& child : node.children) {
        if (!isBlank(child.tail))
            return;
    }
    node.text.clear();
    for (TwimlNode& child : node.children)
        child.tail.clear();
}

} // namespace

// ----- public API ------------------------------------------------------------------------------

QString TwimlIssue::toString() const
{
    const QString kind = severity == TwimlSeverity::Error ? QStringLiteral("error") : QStringLiteral("warning");
    const QString head = code > 0 ? kind + QLatin1Char(' ') + QString::number(code) : kind;
    if (line > 0)
        return QStringLiteral("line %1, column %2: %3: %4").arg(line).arg(column).arg(head, message);
    return head + QLatin1String(": ") + message;
}

bool TwimlParseResult::hasErrors() const
{
    return std::any_of(issues.begin(), issues.end(), [](const TwimlIssue& i) { return i.isError(); });
}

std::optional<TwimlIssue> TwimlParseResult::documentError() const
{
    for (const TwimlIssue& i : issues) {
        if (i.isError() && (i.code == twiml_code::ParseFailure || i.code == twiml_code::BodyTooLarge))
            return i;
    }
    return std::nullopt;
}

TwimlParseResult analyzeTwiml(const QByteArray& body)
{
    TwimlParseResult result;
    Issues& issues = result.issues;
    auto documentError = [&](int line, int column, const QString& message) {
        report(issues, TwimlSeverity::Error, twiml_code::ParseFailure, line, column, message);
    };

    if (body.size() > kMaxTwimlBodyBytes) {
        report(issues,
               TwimlSeverity::Error,
               twiml_code::BodyTooLarge,
               0,
               0,
               QStringLiteral("The response body is %1 bytes; Twilio accepts at most %2 bytes (64 kB)")
                   .arg(body.size())
                   .arg(kMaxTwimlBodyBytes));
    }

    QByteArray bytes = body;
    if (bytes.startsWith("\xEF\xBB\xBF")) {
        documentError(1, 1, QStringLiteral("The document starts with a byte-order mark; Twilio rejects it"));
        bytes.remove(0, 3);
    }

    // Decode ourselves so positions are computed on exactly the text QXmlStreamReader reads.
    QString text;
    const QString encoding = declaredEncoding(bytes);
    if (encoding.isEmpty() || encoding.compare(QLatin1String("UTF-8"), Qt::CaseInsensitive) == 0) {
        const qsizetype bad = firstInvalidUtf8(bytes);
        if (bad >= 0) {
            const QString prefix = QString::fromUtf8(bytes.left(bad));
            const auto [line, column] = LineIndex(prefix).position(prefix.size());
            documentError(line, column, QStringLiteral("The document is not valid UTF-8 (byte offset %1)").arg(bad));
            sortIssues(issues);
            return result;
        }
        text = QString::fromUtf8(bytes);
    } else {
        QStringDecoder decoder(encoding.toLatin1().constData());
        if (!decoder.isValid()) {
            documentError(1, 1, QStringLiteral("Unsupported document encoding %1").arg(quoted(encoding)));
            sortIssues(issues);
            return result;
        }
        text = decoder.decode(bytes);
    }
    const LineIndex lines(text);

    const qsizetype forbidden = firstForbiddenChar(text);
    if (forbidden >= 0) {
        const auto [line, column] = lines.position(forbidden);
        const QString hex =
            QString::number(text.at(forbidden).unicode(), 16).toUpper().rightJustified(4, QLatin1Char('0'));
        documentError(line, column, QStringLiteral("Character U+%1 is not allowed in XML").arg(hex));
        sortIssues(issues);
        return result;
    }

    qsizetype start = 0;
    while (start < text.size() && isXmlSpace(text.at(start)))
        ++start;
    if (start > 0 && QStringView(text).mid(start).startsWith(QLatin1String("<?xml")))
        documentError(1, 1, QStringLiteral("Whitespace before the XML declaration; Twilio rejects it"));
    else
        start = 0;

    QXmlStreamReader reader(QStringView(text).mid(start).toString());
    reader.setNamespaceProcessing(false);
    TagScanner scanner(text, start);
    std::optional<TwimlNode> root;
    std::vector<TwimlNode*> stack;
    bool rejected = false;
    while (!reader.atEnd() && !rejected) {
        switch (reader.readNext()) {
        case QXmlStreamReader::StartElement: {
            TwimlNode node;
            node.name = reader.qualifiedName().toString();
            TagScanner::Tag scanned;
            const bool located = scanner.next(scanned) && scanned.name == node.name;
            if (located)
                std::tie(node.line, node.column) = lines.position(scanned.offset);
            const QXmlStreamAttributes attributes = reader.attributes();
            for (qsizetype i = 0; i < attributes.size(); ++i) {
                TwimlAttribute a{attributes[i].qualifiedName().toString(), attributes[i].value().toString()};
                if (located && i < scanned.attributes.size() && scanned.attributes[i].first == a.name)
                    std::tie(a.line, a.column) = lines.position(scanned.attributes[i].second);
                node.attributes.append(std::move(a));
            }
            if (stack.empty()) {
                root = std::move(node);
                stack.push_back(&*root);
            } else {
                stack.push_back(&stack.back()->appendChild(std::move(node)));
            }
            break;
        }
        case QXmlStreamReader::EndElement:
            if (!stack.empty()) {
                dropFormattingWhitespace(*stack.back());
                stack.pop_back();
            }
            break;
        case QXmlStreamReader::Characters:
            if (!stack.empty())
                stack.back()->appendText(reader.text().toString());
            break;
        case QXmlStreamReader::DTD: {
            const qsizetype at = text.indexOf(QLatin1String("<!DOCTYPE"), start);
            const auto [line, column] = lines.position(std::max(at, start));
            documentError(line, column, QStringLiteral("A DOCTYPE is not allowed in TwiML"));
            rejected = true;
            break;
        }
        default:
            break;
        }
    }
    if (reader.hasError() && !rejected) {
        int line = int(reader.lineNumber());
        int column = int(reader.columnNumber());
        const auto [prefixLine, prefixColumn] = lines.position(start);
        if (line <= 1)
            column += prefixColumn - 1;
        line += prefixLine - 1;
        documentError(line, std::max(column, 1), QStringLiteral("Invalid XML: %1").arg(reader.errorString()));
        rejected = true;
    }
    if (!rejected && root) {
        Validator(issues).validateRoot(*root);
        result.root = std::move(root);
    }
    sortIssues(issues);
    return result;
}

sb::Result<TwimlNode> parseTwiml(const QByteArray& body)
{
    TwimlParseResult result = analyzeTwiml(body);
    if (const std::optional<TwimlIssue> error = result.documentError())
        return sb::makeError(QString::number(error->code), error->message, error->line, error->column);
    if (!result.root)
        return sb::makeError(QString::number(twiml_code::ParseFailure), QStringLiteral("No root element"));
    return std::move(*result.root);
}

QList<TwimlIssue> validateTwiml(const QByteArray& body)
{
    return analyzeTwiml(body).issues;
}

QList<TwimlIssue> validateTwimlTree(const TwimlNode& root)
{
    Issues issues;
    Validator(issues).validateRoot(root);
    sortIssues(issues);
    return issues;
}

QStringList knownTwimlElements()
{
    return schema().names();
}

QStringList knownTwimlAttributes(QStringView element)
{
    QStringList out;
    if (const ElementSpec* spec = schema().find(element)) {
        for (const AttrSpec& a : spec->attributes)
            out.append(a.name);
    }
    return out;
}

} // namespace sb::twilio
