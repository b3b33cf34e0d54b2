// SPDX-License-Identifier: GPL-3.0-or-later
#include "twilio/TwimlBuilder.h"

namespace sb::twilio {
namespace {

void collectText(const TwimlNode& node, QString& out)
{
    out += node.text;
    for (const TwimlNode& child : node.children) {
        collectText(child, out);
        out += child.tail;
    }
}

/// Collects typed attribute fields in declaration order.
class AttributeWriter
{
public:
    void add(const char* name, const std::optional<QString>& value)
    {
        if (value)
            set(name, *value);
    }
    void add(const char* name, const std::optional<int>& value)
    {
        if (value)
            set(name, QString::number(*value));
    }
    void add(const char* name, const std::optional<bool>& value)
    {
        if (value)
            set(name, *value ? QStringLiteral("true") : QStringLiteral("false"));
    }
    void add(const char* name, const std::optional<QStringList>& value)
    {
        if (value)
            set(name, value->join(QLatin1Char(' ')));
    }
    TwimlAttributes finish(const TwimlAttributes& extra)
    {
        for (const TwimlAttribute& a : extra)
            setTwimlAttribute(m_attributes, a.name, a.value);
        return std::move(m_attributes);
    }

private:
    void set(const char* name, const QString& value) { setTwimlAttribute(m_attributes, QLatin1String(name), value); }
    TwimlAttributes m_attributes;
};

TwimlNode parameterNode(const QString& name, const QString& value)
{
    return TwimlNode::element(QStringLiteral("Parameter"),
                              {{QStringLiteral("name"), name}, {QStringLiteral("value"), value}});
}

} // namespace

// ----- TwimlNode -------------------------------------------------------------------------------

void setTwimlAttribute(TwimlAttributes& attributes, const QString& name, const QString& value)
{
    for (TwimlAttribute& a : attributes) {
        if (a.name == name) {
            a.value = value;
            return;
        }
    }
    attributes.append(TwimlAttribute{name, value});
}

TwimlNode TwimlNode::element(QString name, TwimlAttributes attributes, QString text)
{
    TwimlNode node;
    node.name = std::move(name);
    node.attributes = std::move(attributes);
    node.text = std::move(text);
    return node;
}

bool TwimlNode::hasAttribute(QStringView attributeName) const
{
    return findAttribute(attributeName) != nullptr;
}

QString TwimlNode::attribute(QStringView attributeName, const QString& fallback) const
{
    const TwimlAttribute* a = findAttribute(attributeName);
    return a ? a->value : fallback;
}

const TwimlAttribute* TwimlNode::findAttribute(QStringView attributeName) const
{
    for (const TwimlAttribute& a : attributes) {
        if (a.name == attributeName)
            return &a;
    }
    return nullptr;
}

void TwimlNode::setAttribute(const QString& attributeName, const QString& value)
{
    setTwimlAttribute(attributes, attributeName, value);
}

TwimlNode& TwimlNode::appendChild(TwimlNode child)
{
    children.push_back(std::move(child));
    return children.back();
}

void TwimlNode::appendText(const QString& data)
{
    if (children.empty())
        text += data;
    else
        children.back().tail += data;
}

QString TwimlNode::innerText() const
{
    QString out;
    collectText(*this, out);
    return out;
}

const TwimlNode* TwimlNode::firstChild(QStringView childName) const
{
    for (const TwimlNode& child : children) {
        if (child.name == childName)
            return &child;
    }
    return nullptr;
}

bool operator==(const TwimlNode& a, const TwimlNode& b)
{
    return a.name == b.name && a.attributes == b.attributes && a.text == b.text && a.tail == b.tail &&
           a.children == b.children;
}

// ----- typed attributes ------------------------------------------------------------------------

TwimlAttributes SayAttributes::toAttributes() const
{
    AttributeWriter w;
    w.add("language", language);
    w.add("loop", loop);
    w.add("voice", voice);
    return w.finish(extra);
}

TwimlAttributes PlayAttributes::toAttributes() const
{
    AttributeWriter w;
    w.add("digits", digits);
    w.add("loop", loop);
    return w.finish(extra);
}

TwimlAttributes PauseAttributes::toAttributes() const
{
    AttributeWriter w;
    w.add("length", length);
    return w.finish(extra);
}

TwimlAttributes RecordAttributes::toAttributes() const
{
    AttributeWriter w;
    w.add("action", action);
    w.add("finishOnKey", finishOnKey);
    w.add("maxLength", maxLength);
    w.add("method", method);
    w.add("playBeep", playBeep);
    w.add("recordingConfigurationId", recordingConfigurationId);
    w.add("recordingStatusCallback", recordingStatusCallback);
    w.add("recordingStatusCallbackEvent", recordingStatusCallbackEvent);
    w.add("recordingStatusCallbackMethod", recordingStatusCallbackMethod);
    w.add("timeout", timeout);
    w.add("transcribe", transcribe);
    w.add("transcribeCallback", transcribeCallback);
    w.add("trim", trim);
    return w.finish(extra);
}

TwimlAttributes GatherAttributes::toAttributes() const
{
    AttributeWriter w;
    w.add("action", action);
    w.add("actionOnEmptyResult", actionOnEmptyResult);
    w.add("bargeIn", bargeIn);
    w.add("debug", debug);
    w.add("enhanced", enhanced);
    w.add("finishOnKey", finishOnKey);
    w.add("hints", hints);
    w.add("input", input);
    w.add("language", language);
    w.add("maxSpeechTime", maxSpeechTime);
    w.add("method", method);
    w.add("numDigits", numDigits);
    w.add("partialResultCallback", partialResultCallback);
    w.add("partialResultCallbackMethod", partialResultCallbackMethod);
    w.add("profanityFilter", profanityFilter);
    w.add("speechModel", speechModel);
    w.add("speechTimeout", speechTimeout);
    w.add("timeout", timeout);
    return w.finish(extra);
}

TwimlAttributes StartAttributes::toAttributes() const
{
    AttributeWriter w;
    w.add("action", action);
    w.add("method", method);
    return w.finish(extra);
}

TwimlAttributes StreamAttributes::toAttributes() const
{
    AttributeWriter w;
    w.add("audioFormat", audioFormat);
    w.add("connectorName", connectorName);
    w.add("name", name);
    w.add("sampleRate", sampleRate);
    w.add("statusCallback", statusCallback);
    w.add("statusCallbackMethod", statusCallbackMethod);
    w.add("track", track);
    w.add("url", url);
    return w.finish(extra);
}

TwimlAttributes TranscriptionAttributes::toAttributes() const
{
    AttributeWriter w;
    w.add("enableAutomaticPunctuation", enableAutomaticPunctuation);
    w.add("hints", hints);
    w.add("inboundTrackLabel", inboundTrackLabel);
    w.add("intelligenceService", intelligenceService);
    w.add("languageCode", languageCode);
    w.add("name", name);
    w.add("outboundTrackLabel", outboundTrackLabel);
    w.add("partialResults", partialResults);
    w.add("profanityFilter", profanityFilter);
    w.add("speechModel", speechModel);
    w.add("statusCallbackMethod", statusCallbackMethod);
    w.add("statusCallbackUrl", statusCallbackUrl);
    w.add("track", track);
    w.add("transcriptionEngine", transcriptionEngine);
    return w.finish(extra);
}

TwimlAttributes RedirectAttributes::toAttributes() const
{
    AttributeWriter w;
    w.add("method", method);
    return w.finish(extra);
}

TwimlAttributes DialAttributes::toAttributes() const
{
    AttributeWriter w;
    w.add("action", action);
    w.add("answerOnBridge", answerOnBridge);
    w.add("callerId", callerId);
    w.add("events", events);
    w.add("hangupOnStar", hangupOnStar);
    w.add("method", method);
    w.add("passports", passports);
    w.add("record", record);
    w.add("recordingConfigurationId", recordingConfigurationId);
    w.add("recordingStatusCallback", recordingStatusCallback);
    w.add("recordingStatusCallbackEvent", recordingStatusCallbackEvent);
    w.add("recordingStatusCallbackMethod", recordingStatusCallbackMethod);
    w.add("recordingTrack", recordingTrack);
    w.add("referMethod", referMethod);
    w.add("referUrl", referUrl);
    w.add("ringTone", ringTone);
    w.add("sequential", sequential);
    w.add("timeLimit", timeLimit);
    w.add("timeout", timeout);
    w.add("trim", trim);
    return w.finish(extra);
}

TwimlAttributes NumberAttributes::toAttributes() const
{
    AttributeWriter w;
    w.add("amdStatusCallback", amdStatusCallback);
    w.add("amdStatusCallbackMethod", amdStatusCallbackMethod);
    w.add("byoc", byoc);
    w.add("machineDetection", machineDetection);
    w.add("machineDetectionSilenceTimeout", machineDetectionSilenceTimeout);
    w.add("machineDetectionSpeechEndThreshold", machineDetectionSpeechEndThreshold);
    w.add("machineDetectionSpeechThreshold", machineDetectionSpeechThreshold);
    w.add("machineDetectionTimeout", machineDetectionTimeout);
    w.add("method", method);
    w.add("sendDigits", sendDigits);
    w.add("statusCallback", statusCallback);
    w.add("statusCallbackEvent", statusCallbackEvent);
    w.add("statusCallbackMethod", statusCallbackMethod);
    w.add("url", url);
    return w.finish(extra);
}

TwimlAttributes ClientAttributes::toAttributes() const
{
    AttributeWriter w;
    w.add("method", method);
    w.add("statusCallback", statusCallback);
    w.add("statusCallbackEvent", statusCallbackEvent);
    w.add("statusCallbackMethod", statusCallbackMethod);
    w.add("url", url);
    return w.finish(extra);
}

TwimlAttributes SipAttributes::toAttributes() const
{
    AttributeWriter w;
    w.add("amdStatusCallback", amdStatusCallback);
    w.add("amdStatusCallbackMethod", amdStatusCallbackMethod);
    w.add("machineDetection", machineDetection);
    w.add("machineDetectionSilenceTimeout", machineDetectionSilenceTimeout);
    w.add("machineDetectionSpeechEndThreshold", machineDetectionSpeechEndThreshold);
    w.add("machineDetectionSpeechThreshold", machineDetectionSpeechThreshold);
    w.add("machineDetectionTimeout", machineDetectionTimeout);
    w.add("method", method);
    w.add("password", password);
    w.add("statusCallback", statusCallback);
    w.add("statusCallbackEvent", statusCallbackEvent);
    w.add("statusCallbackMethod", statusCallbackMethod);
    w.add("url", url);
    w.add("username", username);
    return w.finish(extra);
}

// ----- builders --------------------------------------------------------------------------------

Say::Say(const QString& words, const SayAttributes& attributes)
    : TwimlElementBuilder(QStringLiteral("Say"), attributes.toAttributes(), words)
{
}

Say& Say::text(const QString& words)
{
    m_node.appendText(words);
    return *this;
}

Say& Say::ssml(const QString& tag, const TwimlAttributes& attributes, const QString& words)
{
    return append(TwimlNode::element(tag, attributes, words));
}

Gather::Gather(const GatherAttributes& attributes)
    : TwimlElementBuilder(QStringLiteral("Gather"), attributes.toAttributes())
{
}

Gather& Gather::say(const QString& words, const SayAttributes& attributes)
{
    return append(Say(words, attributes).node());
}

Gather& Gather::say(const Say& say)
{
    return append(say.node());
}

Gather& Gather::play(const QString& url, const PlayAttributes& attributes)
{
    return append(TwimlNode::element(QStringLiteral("Play"), attributes.toAttributes(), url));
}

Gather& Gather::pause(const PauseAttributes& attributes)
{
    return append(TwimlNode::element(QStringLiteral("Pause"), attributes.toAttributes()));
}

Stream::Stream(const StreamAttributes& attributes)
    : TwimlElementBuilder(QStringLiteral("Stream"), attributes.toAttributes())
{
}

Stream& Stream::parameter(const QString& name, const QString& value)
{
    return append(parameterNode(name, value));
}

Transcription::Transcription(const TranscriptionAttributes& attributes)
    : TwimlElementBuilder(QStringLiteral("Transcription"), attributes.toAttributes())
{
}

Transcription& Transcription::parameter(const QString& name, const QString& value)
{
    return append(parameterNode(name, value));
}

Start::Start(const StartAttributes& attributes)
    : TwimlElementBuilder(QStringLiteral("Start"), attributes.toAttributes())
{
}

Start& Start::stream(const Stream& stream)
{
    return append(stream.node());
}

Start& Start::transcription(const Transcription& transcription)
{
    return append(transcription.node());
}

Connect::Connect(const ConnectAttributes& attributes)
    : TwimlElementBuilder(QStringLiteral("Connect"), attributes.toAttributes())
{
}

Connect& Connect::stream(const Stream& stream)
{
    return append(stream.node());
}

Stop::Stop()
    : TwimlElementBuilder(QStringLiteral("Stop"), {})
{
}

Stop& Stop::stream(const Stream& stream)
{
    return append(stream.node());
}

Stop& Stop::transcription(const Transcription& transcription)
{
    return append(transcription.node());
}

Dial::Dial(const QString& phoneNumber, const DialAttributes& attributes)
    : TwimlElementBuilder(QStringLiteral("Dial"), attributes.toAttributes(), phoneNumber)
{
}

Dial& Dial::number(const QString& phoneNumber, const NumberAttributes& attributes)
{
    return append(TwimlNode::element(QStringLiteral("Number"), attributes.toAttributes(), phoneNumber));
}

Dial& Dial::client(const QString& identity, const ClientAttributes& attributes)
{
    return append(TwimlNode::element(QStringLiteral("Client"), attributes.toAttributes(), identity));
}

Dial& Dial::sip(const QString& sipUri, const SipAttributes& attributes)
{
    return append(TwimlNode::element(QStringLiteral("Sip"), attributes.toAttributes(), sipUri));
}

VoiceResponse::VoiceResponse()
    : TwimlElementBuilder(QStringLiteral("Response"), {})
{
}

VoiceResponse& VoiceResponse::say(const QString& words, const SayAttributes& attributes)
{
    return append(Say(words, attributes).node());
}

VoiceResponse& VoiceResponse::say(const Say& say)
{
    return append(say.node());
}

VoiceResponse& VoiceResponse::play(const QString& url, const PlayAttributes& attributes)
{
    return append(TwimlNode::element(QStringLiteral("Play"), attributes.toAttributes(), url));
}

VoiceResponse& VoiceResponse::pause(const PauseAttributes& attributes)
{
    return append(TwimlNode::element(QStringLiteral("Pause"), attributes.toAttributes()));
}

VoiceResponse& VoiceResponse::record(const RecordAttributes& attributes)
{
    return append(TwimlNode::element(QStringLiteral("Record"), attributes.toAttributes()));
}

VoiceResponse& VoiceResponse::gather(const Gather& gather)
{
    return append(gather.node());
}

VoiceResponse& VoiceResponse::start(const Start& start)
{
    return append(start.node());
}

VoiceResponse& VoiceResponse::connect(const Connect& connect)
{
    return append(connect.node());
}

VoiceResponse& VoiceResponse::stop(const Stop& stop)
{
    return append(stop.node());
}

VoiceResponse& VoiceResponse::redirect(const QString& url, const RedirectAttributes& attributes)
{
    return append(TwimlNode::element(QStringLiteral("Redirect"), attributes.toAttributes(), url));
}

VoiceResponse& VoiceResponse::hangup()
{
    return append(TwimlNode::element(QStringLiteral("Hangup")));
}

VoiceResponse& VoiceResponse::dial(const Dial& dial)
{
    return append(dial.node());
}

VoiceResponse& VoiceResponse::dial(const QString& phoneNumber, const DialAttributes& attributes)
{
    return append(Dial(phoneNumber, attributes).node());
}

QByteArray VoiceResponse::toXml() const
{
    return toTwimlXml(m_node);
}

QString VoiceResponse::toPrettyXml(int indent) const
{
    return toPrettyTwiml(m_node, indent);
}

} // namespace sb::twilio
