// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>
#include <QStringView>
#include <optional>
#include <utility>
#include <vector>

/// TwiML as data: a small element tree (TwimlNode), its serialisation, and a typed fluent builder
/// for voice TwiML (app/twilio/PROTOCOL.md §1.3, §4).
///
/// Serialisation is byte-for-byte what twilio-node (`twilio.twiml.VoiceResponse#toString()`,
/// xmlbuilder 13 underneath) produces for the same calls; tests/oracle checks this on hundreds of
/// generated documents:
///  - `<?xml version="1.0" encoding="UTF-8"?>` then the root, no whitespace anywhere;
///  - empty elements self-close (`<Hangup/>`); an element whose only text is "" is empty;
///  - attributes in insertion order; values escape `&` `<` `"` and tab/LF/CR as `&#x9;` `&#xA;`
///    `&#xD;` (`>` and `'` stay literal, as in twilio-node);
///  - text escapes `&` `<` `>` and CR as `&#xD;` (quotes, tab and LF stay literal).
///
/// Characters XML 1.0 cannot represent (C0 controls other than tab/LF/CR, unpaired surrogates,
/// U+FFFE, U+FFFF) are replaced by U+FFFD REPLACEMENT CHARACTER, in text and in attribute values.
/// twilio-node throws for them in text and writes them raw (malformed XML, which Twilio rejects
/// with 12100) in attributes; we prefer a document that is always well-formed, with the loss
/// visible in the preview. Element or attribute names that are not ASCII XML names
/// (`[A-Za-z_][A-Za-z0-9._-]*`, optionally `prefix:local`) cannot be written at all: such an
/// attribute, or such an element with its subtree, is left out. The typed API never produces them.

namespace sb::twilio {

/// One attribute of a TwimlNode. `line`/`column` give the source position of the attribute name
/// when the node came from the parser (1-based, 0 otherwise); they do not take part in equality.
struct TwimlAttribute
{
    QString name;
    QString value;
    int line = 0;
    int column = 0;

    friend bool operator==(const TwimlAttribute& a, const TwimlAttribute& b)
    {
        return a.name == b.name && a.value == b.value;
    }
};

/// Attributes in document / insertion order.
using TwimlAttributes = QList<TwimlAttribute>;

/// Sets `name` to `value`: replaces the value in place if the name is already present (keeping
/// its position, like assigning to an existing key of a JS object), otherwise appends.
void setTwimlAttribute(TwimlAttributes& attributes, const QString& name, const QString& value);

/// An XML element of a TwiML document, modelled like ElementTree so mixed content (SSML inside
/// `<Say>`, a number next to nouns inside `<Dial>`) keeps its order:
/// `text` is the character data before the first child, each child's `tail` the character data
/// after that child's end tag (inside this element). Comments and processing instructions are not
/// kept. `line`/`column` are the position of the start tag's `<` when parsed (1-based), 0 for
/// built nodes; positions do not take part in equality (operator== compares names, attributes in
/// order, text, tail and children).
struct TwimlNode
{
    QString name;
    TwimlAttributes attributes;
    QString text;
    QString tail;
    std::vector<TwimlNode> children;
    int line = 0;
    int column = 0;

    /// Convenience factory: `<name attributes...>text</name>`.
    static TwimlNode element(QString name, TwimlAttributes attributes = {}, QString text = {});

    bool hasAttribute(QStringView attributeName) const;
    /// The attribute's value, or `fallback` when absent.
    QString attribute(QStringView attributeName, const QString& fallback = {}) const;
    /// The attribute, or nullptr when absent.
    const TwimlAttribute* findAttribute(QStringView attributeName) const;
    /// See setTwimlAttribute().
    void setAttribute(const QString& attributeName, const QString& value);
    /// Appends a child element and returns a reference to it (valid until the next append).
    TwimlNode& appendChild(TwimlNode child);
    /// Appends character data after the current last child (to `text` if there is none).
    void appendText(const QString& data);
    /// All character data inside this element in document order, markup removed (e.g. the words
    /// of a `<Say>` with SSML children).
    QString innerText() const;
    /// The first child named `childName`, or nullptr.
    const TwimlNode* firstChild(QStringView childName) const;

    friend bool operator==(const TwimlNode& a, const TwimlNode& b);
};

/// The XML declaration every document starts with.
inline constexpr char kTwimlXmlDeclaration[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";

/// `kTwimlXmlDeclaration` + the compact element, UTF-8: exactly twilio-node's `toString()`.
QByteArray toTwimlXml(const TwimlNode& root);
/// The element alone, compact, as a string (no declaration).
QString toTwimlElementString(const TwimlNode& node);
/// Indented form for display (TwiML preview). Elements whose content is only child elements are
/// broken over lines; anything with text (mixed content) stays on one line, so parsing the pretty
/// form gives back an equal tree. Ends with a newline.
QString toPrettyTwiml(const TwimlNode& root, int indent = 2);

/// Text escaping as twilio-node does it (see the file comment), with U+FFFD substitution.
QString escapeTwimlText(QStringView text);
/// Attribute-value escaping as twilio-node does it (see the file comment), with U+FFFD substitution.
QString escapeTwimlAttribute(QStringView value);
/// True if `text` contains only characters XML 1.0 can represent.
bool isXmlRepresentable(QStringView text);
/// True if `name` is a name the serializer writes (see the file comment).
bool isWritableXmlName(QStringView name);

// ---------------------------------------------------------------------------------------------
// Typed attributes. Every field is optional: unset fields are not written. Fields are declared
// (and written) in alphabetical order, the order of twilio-node's typings; `extra` is written
// last, in its own order, and overrides a typed field of the same name in place. Use `extra` for
// anything not modelled (new Twilio attributes, deliberate test values).
// Booleans are written `true`/`false`, integers in decimal, lists space-joined (§1.3).
// ---------------------------------------------------------------------------------------------

/// `<Say>` (§4.1).
struct SayAttributes
{
    std::optional<QString> language{};
    std::optional<int> loop{};
    std::optional<QString> voice{};
    TwimlAttributes extra{};
    TwimlAttributes toAttributes() const;
};

/// `<Play>` (§4.2).
struct PlayAttributes
{
    std::optional<QString> digits{};
    std::optional<int> loop{};
    TwimlAttributes extra{};
    TwimlAttributes toAttributes() const;
};

/// `<Pause>` (§4.3).
struct PauseAttributes
{
    std::optional<int> length{};
    TwimlAttributes extra{};
    TwimlAttributes toAttributes() const;
};

/// `<Record>` (§4.4).
struct RecordAttributes
{
    std::optional<QString> action{};
    std::optional<QString> finishOnKey{};
    std::optional<int> maxLength{};
    std::optional<QString> method{};
    std::optional<bool> playBeep{};
    std::optional<QString> recordingConfigurationId{};
    std::optional<QString> recordingStatusCallback{};
    std::optional<QStringList> recordingStatusCallbackEvent{};
    std::optional<QString> recordingStatusCallbackMethod{};
    std::optional<int> timeout{};
    std::optional<bool> transcribe{};
    std::optional<QString> transcribeCallback{};
    std::optional<QString> trim{};
    TwimlAttributes extra{};
    TwimlAttributes toAttributes() const;
};

/// `<Gather>` (§4.5).
struct GatherAttributes
{
    std::optional<QString> action{};
    std::optional<bool> actionOnEmptyResult{};
    std::optional<bool> bargeIn{};
    std::optional<bool> debug{};
    std::optional<bool> enhanced{};
    std::optional<QString> finishOnKey{};
    std::optional<QString> hints{};
    std::optional<QStringList> input{}; ///< e.g. {"dtmf", "speech"} → `input="dtmf speech"`
    std::optional<QString> language{};
    std::optional<int> maxSpeechTime{};
    std::optional<QString> method{};
    std::optional<int> numDigits{};
    std::optional<QString> partialResultCallback{};
    std::optional<QString> partialResultCallbackMethod{};
    std::optional<bool> profanityFilter{};
    std::optional<QString> speechModel{};
    std::optional<QString> speechTimeout{}; ///< seconds or `auto`
    std::optional<int> timeout{};
    TwimlAttributes extra{};
    TwimlAttributes toAttributes() const;
};

/// `<Start>` and `<Connect>` (§4.6).
struct StartAttributes
{
    std::optional<QString> action{};
    std::optional<QString> method{};
    TwimlAttributes extra{};
    TwimlAttributes toAttributes() const;
};
using ConnectAttributes = StartAttributes;

/// `<Stream>` (§4.6). `url` must be `wss://` without a query string (pass values as parameters).
struct StreamAttributes
{
    std::optional<QString> audioFormat{};
    std::optional<QString> connectorName{};
    std::optional<QString> name{};
    std::optional<QString> sampleRate{};
    std::optional<QString> statusCallback{};
    std::optional<QString> statusCallbackMethod{};
    std::optional<QString> track{}; ///< inbound_track | outbound_track | both_tracks
    std::optional<QString> url{};
    TwimlAttributes extra{};
    TwimlAttributes toAttributes() const;
};

/// `<Transcription>` (§4.8).
struct TranscriptionAttributes
{
    std::optional<bool> enableAutomaticPunctuation{};
    std::optional<QString> hints{};
    std::optional<QString> inboundTrackLabel{};
    std::optional<QString> intelligenceService{};
    std::optional<QString> languageCode{};
    std::optional<QString> name{};
    std::optional<QString> outboundTrackLabel{};
    std::optional<bool> partialResults{};
    std::optional<bool> profanityFilter{};
    std::optional<QString> speechModel{};
    std::optional<QString> statusCallbackMethod{};
    std::optional<QString> statusCallbackUrl{};
    std::optional<QString> track{};
    std::optional<QString> transcriptionEngine{};
    TwimlAttributes extra{};
    TwimlAttributes toAttributes() const;
};

/// `<Redirect>` (§4.9).
struct RedirectAttributes
{
    std::optional<QString> method{};
    TwimlAttributes extra{};
    TwimlAttributes toAttributes() const;
};

/// `<Dial>` (§4.9).
struct DialAttributes
{
    std::optional<QString> action{};
    std::optional<bool> answerOnBridge{};
    std::optional<QString> callerId{};
    std::optional<QString> events{};
    std::optional<bool> hangupOnStar{};
    std::optional<QString> method{};
    std::optional<QString> passports{};
    std::optional<QString> record{};
    std::optional<QString> recordingConfigurationId{};
    std::optional<QString> recordingStatusCallback{};
    std::optional<QStringList> recordingStatusCallbackEvent{};
    std::optional<QString> recordingStatusCallbackMethod{};
    std::optional<QString> recordingTrack{};
    std::optional<QString> referMethod{};
    std::optional<QString> referUrl{};
    std::optional<QString> ringTone{};
    std::optional<bool> sequential{};
    std::optional<int> timeLimit{};
    std::optional<int> timeout{};
    std::optional<QString> trim{};
    TwimlAttributes extra{};
    TwimlAttributes toAttributes() const;
};

/// `<Number>` inside `<Dial>`.
struct NumberAttributes
{
    std::optional<QString> amdStatusCallback{};
    std::optional<QString> amdStatusCallbackMethod{};
    std::optional<QString> byoc{};
    std::optional<QString> machineDetection{};
    std::optional<int> machineDetectionSilenceTimeout{};
    std::optional<int> machineDetectionSpeechEndThreshold{};
    std::optional<int> machineDetectionSpeechThreshold{};
    std::optional<int> machineDetectionTimeout{};
    std::optional<QString> method{};
    std::optional<QString> sendDigits{};
    std::optional<QString> statusCallback{};
    std::optional<QStringList> statusCallbackEvent{};
    std::optional<QString> statusCallbackMethod{};
    std::optional<QString> url{};
    TwimlAttributes extra{};
    TwimlAttributes toAttributes() const;
};

/// `<Client>` inside `<Dial>`.
struct ClientAttributes
{
    std::optional<QString> method{};
    std::optional<QString> statusCallback{};
    std::optional<QStringList> statusCallbackEvent{};
    std::optional<QString> statusCallbackMethod{};
    std::optional<QString> url{};
    TwimlAttributes extra{};
    TwimlAttributes toAttributes() const;
};

/// `<Sip>` inside `<Dial>`.
struct SipAttributes
{
    std::optional<QString> amdStatusCallback{};
    std::optional<QString> amdStatusCallbackMethod{};
    std::optional<QString> machineDetection{};
    std::optional<int> machineDetectionSilenceTimeout{};
    std::optional<int> machineDetectionSpeechEndThreshold{};
    std::optional<int> machineDetectionSpeechThreshold{};
    std::optional<int> machineDetectionTimeout{};
    std::optional<QString> method{};
    std::optional<QString> password{};
    std::optional<QString> statusCallback{};
    std::optional<QStringList> statusCallbackEvent{};
    std::optional<QString> statusCallbackMethod{};
    std::optional<QString> url{};
    std::optional<QString> username{};
    TwimlAttributes extra{};
    TwimlAttributes toAttributes() const;
};

// ---------------------------------------------------------------------------------------------
// Fluent builders. Each is a value holding one TwimlNode; nest by passing one to its parent:
//
//   VoiceResponse r;
//   r.start(Start().stream(Stream({.url = wssUrl}).parameter(QStringLiteral("token"), token)))
//       .say(QStringLiteral("Connecting you now."), {.voice = QStringLiteral("Polly.Amy")});
//   const QByteArray body = r.toXml();
//
// Text arguments are plain text (escaped on output); an empty text means no text, exactly like
// twilio-node. Nothing is validated here; run validateTwimlTree() (TwimlParser.h) for that.
// ---------------------------------------------------------------------------------------------

/// Shared part of the builders: the node and an escape hatch for unmodelled children.
template <typename Derived> class TwimlElementBuilder
{
public:
    /// The element built so far.
    const TwimlNode& node() const { return m_node; }
    /// Appends any child element (verbs and nouns without a typed method, SSML trees, ...).
    Derived& append(TwimlNode child)
    {
        m_node.appendChild(std::move(child));
        return static_cast<Derived&>(*this);
    }

protected:
    TwimlElementBuilder(QString name, TwimlAttributes attributes, QString text = {})
        : m_node(TwimlNode::element(std::move(name), std::move(attributes), std::move(text)))
    {
    }
    TwimlNode m_node;
};

/// `<Say>` with SSML (only needed for SSML; plain text goes through VoiceResponse::say()).
class Say : public TwimlElementBuilder<Say>
{
public:
    explicit Say(const QString& words = {}, const SayAttributes& attributes = {});
    /// Appends text after whatever was added last (twilio-node `addText`).
    Say& text(const QString& words);
    /// Appends an SSML element (`break`, `emphasis`, `lang`, `p`, `phoneme`, `prosody`, `s`,
    /// `say-as`, `sub`, `w`), e.g. `ssml("break", {{"time", "500ms"}})`.
    Say& ssml(const QString& tag, const TwimlAttributes& attributes = {}, const QString& words = {});
};

/// `<Gather>` with its nested `<Say>`, `<Play>` and `<Pause>` (§4.5).
class Gather : public TwimlElementBuilder<Gather>
{
public:
    explicit Gather(const GatherAttributes& attributes = {});
    Gather& say(const QString& words, const SayAttributes& attributes = {});
    Gather& say(const Say& say);
    Gather& play(const QString& url, const PlayAttributes& attributes = {});
    Gather& pause(const PauseAttributes& attributes = {});
};

/// `<Stream>` with nested `<Parameter>`s (§4.6); used in Start, Connect and Stop.
class Stream : public TwimlElementBuilder<Stream>
{
public:
    explicit Stream(const StreamAttributes& attributes = {});
    /// `<Parameter name="..." value="..."/>` (delivered in `start.customParameters`).
    Stream& parameter(const QString& name, const QString& value);
};

/// `<Transcription>` (§4.8); used in Start and Stop.
class Transcription : public TwimlElementBuilder<Transcription>
{
public:
    explicit Transcription(const TranscriptionAttributes& attributes = {});
    Transcription& parameter(const QString& name, const QString& value);
};

/// `<Start>`: forks media to a unidirectional stream or real-time transcription (§4.6, §4.8).
class Start : public TwimlElementBuilder<Start>
{
public:
    explicit Start(const StartAttributes& attributes = {});
    Start& stream(const Stream& stream);
    Start& transcription(const Transcription& transcription);
};

/// `<Connect>`: bidirectional stream, blocks until the socket closes (§4.6).
class Connect : public TwimlElementBuilder<Connect>
{
public:
    explicit Connect(const ConnectAttributes& attributes = {});
    Connect& stream(const Stream& stream);
};

/// `<Stop>`: stops a named stream or transcription (§4.7).
class Stop : public TwimlElementBuilder<Stop>
{
public:
    Stop();
    Stop& stream(const Stream& stream);
    Stop& transcription(const Transcription& transcription);
};

/// `<Dial>` with a bare number as text and/or `<Number>`, `<Client>`, `<Sip>` nouns (§4.9).
class Dial : public TwimlElementBuilder<Dial>
{
public:
    explicit Dial(const QString& phoneNumber = {}, const DialAttributes& attributes = {});
    Dial& number(const QString& phoneNumber, const NumberAttributes& attributes = {});
    Dial& client(const QString& identity, const ClientAttributes& attributes = {});
    Dial& sip(const QString& sipUri, const SipAttributes& attributes = {});
};

/// `<Response>`: the document. Verbs are appended in call order.
class VoiceResponse : public TwimlElementBuilder<VoiceResponse>
{
public:
    VoiceResponse();

    VoiceResponse& say(const QString& words, const SayAttributes& attributes = {});
    VoiceResponse& say(const Say& say);
    VoiceResponse& play(const QString& url, const PlayAttributes& attributes = {});
    VoiceResponse& pause(const PauseAttributes& attributes = {});
    VoiceResponse& record(const RecordAttributes& attributes = {});
    VoiceResponse& gather(const Gather& gather);
    VoiceResponse& start(const Start& start);
    VoiceResponse& connect(const Connect& connect);
    VoiceResponse& stop(const Stop& stop);
    VoiceResponse& redirect(const QString& url, const RedirectAttributes& attributes = {});
    VoiceResponse& hangup();
    VoiceResponse& dial(const Dial& dial);
    VoiceResponse& dial(const QString& phoneNumber, const DialAttributes& attributes = {});

    /// The document exactly as twilio-node would serialise it (UTF-8).
    QByteArray toXml() const;
    /// Indented form for display; see toPrettyTwiml().
    QString toPrettyXml(int indent = 2) const;
};

} // namespace sb::twilio
