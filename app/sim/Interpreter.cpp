// SPDX-License-Identifier: GPL-3.0-or-later
#include "sim/Interpreter.h"

#include <QUrl>

namespace sb::sim {

using twilio::TwimlAttribute;
using twilio::TwimlNode;

namespace {

int intAttribute(const TwimlNode& node, QStringView name, int fallback, int min = 0)
{
    const TwimlAttribute* a = node.findAttribute(name);
    if (!a)
        return fallback;
    bool ok = false;
    const int v = a->value.trimmed().toInt(&ok);
    return ok && v >= min ? v : fallback;
}

bool boolAttribute(const TwimlNode& node, QStringView name, bool fallback)
{
    const TwimlAttribute* a = node.findAttribute(name);
    if (!a)
        return fallback;
    if (a->value == QLatin1String("true"))
        return true;
    if (a->value == QLatin1String("false"))
        return false;
    return fallback;
}

QString methodAttribute(const TwimlNode& node, QStringView name = u"method")
{
    const QString m = node.attribute(name).trimmed().toUpper();
    return m == QLatin1String("GET") ? QStringLiteral("GET") : QStringLiteral("POST");
}

void put(twilio::FormParams& params, const char* name, const QString& value)
{
    params.append({QString::fromLatin1(name), value});
}

} // namespace

QByteArray CallerState::takeAudio(qsizetype maxBytes)
{
    if (script.repeatAudio)
        audioPos = 0;
    const qsizetype n = std::max<qsizetype>(0, std::min(maxBytes, script.audio.size() - audioPos));
    QByteArray out = script.audio.mid(audioPos, n);
    audioPos += n;
    return out;
}

qsizetype CallerState::remainingAudio() const
{
    return script.repeatAudio ? script.audio.size() : script.audio.size() - audioPos;
}

QList<twilio::MediaTrack> StreamSpec::tracks() const
{
    if (track == QLatin1String("outbound_track"))
        return {twilio::MediaTrack::Outbound};
    if (track == QLatin1String("both_tracks"))
        return {twilio::MediaTrack::Inbound, twilio::MediaTrack::Outbound};
    return {twilio::MediaTrack::Inbound};
}

Interpreter::Interpreter(InterpreterConfig config)
    : m_config(std::move(config))
{
}

QString Interpreter::newSid(QLatin1String prefix) const
{
    return m_config.newSid ? m_config.newSid(prefix) : randomSid(prefix);
}

void Interpreter::load(const TwimlNode& root, const QString& documentUrl)
{
    m_pending.clear();
    m_root = root;
    m_documentUrl = documentUrl;
    for (const TwimlNode& verb : m_root.children) {
        const bool container = verb.name == QLatin1String("Start") || verb.name == QLatin1String("Stop") ||
                               verb.name == QLatin1String("Connect");
        if (container && !verb.children.empty()) {
            for (const TwimlNode& noun : verb.children)
                m_pending.push_back({&noun, &verb});
        } else {
            m_pending.push_back({&verb, nullptr});
        }
    }
}

std::optional<twilio::TwimlIssue>
Interpreter::loadBody(const QByteArray& body, const QString& documentUrl, QList<twilio::TwimlIssue>* issues)
{
    twilio::TwimlParseResult parsed = twilio::analyzeTwiml(body);
    if (auto fatal = parsed.documentError())
        return fatal;
    if (!parsed.root) {
        twilio::TwimlIssue issue;
        issue.code = twilio::twiml_code::ParseFailure;
        issue.message = QStringLiteral("no document element");
        return issue;
    }
    if (issues) {
        for (const twilio::TwimlIssue& issue : parsed.issues) {
            if (issue.code != twilio::twiml_code::Hint)
                issues->append(issue);
        }
    }
    load(*parsed.root, documentUrl);
    return std::nullopt;
}

QString Interpreter::resolve(const QString& reference) const
{
    const QString trimmed = reference.trimmed();
    if (trimmed.isEmpty())
        return m_documentUrl;
    const QUrl base(m_documentUrl);
    return base.resolved(QUrl(trimmed)).toString();
}

Step Interpreter::next(CallerState& caller)
{
    if (m_pending.empty()) {
        Step end;
        end.kind = Step::Kind::End;
        end.note = QStringLiteral("the document has no more verbs");
        return end;
    }
    const Pending item = m_pending.front();
    m_pending.pop_front();
    Step step = decide(item, caller);
    step.line = item.node->line;
    if (step.verb.isEmpty())
        step.verb = item.node->name;
    const bool replacesDocument = step.fetch.has_value() || step.kind == Step::Kind::Hangup ||
                                  step.kind == Step::Kind::Reject || step.kind == Step::Kind::Fail;
    if (replacesDocument)
        m_pending.clear();
    return step;
}

std::optional<Prompt> Interpreter::prompt(const TwimlNode& node) const
{
    Prompt p;
    if (node.name == QLatin1String("Say")) {
        p.kind = Prompt::Kind::Say;
        p.text = node.innerText().trimmed();
        p.voice = node.attribute(u"voice");
        p.language = node.attribute(u"language", QStringLiteral("en-US"));
        p.loop = intAttribute(node, u"loop", 1);
        return p;
    }
    if (node.name == QLatin1String("Play")) {
        p.kind = Prompt::Kind::Play;
        const QString url = node.innerText().trimmed();
        p.url = url.isEmpty() ? QString() : resolve(url);
        p.digits = node.attribute(u"digits");
        p.loop = intAttribute(node, u"loop", 1);
        return p;
    }
    if (node.name == QLatin1String("Pause")) {
        p.kind = Prompt::Kind::Pause;
        p.pauseMs = qint64(intAttribute(node, u"length", 1, 1)) * 1000;
        return p;
    }
    return std::nullopt;
}

StreamSpec Interpreter::streamSpec(const TwimlNode& node, bool bidirectional) const
{
    StreamSpec s;
    s.bidirectional = bidirectional;
    s.name = node.attribute(u"name");
    s.track = node.attribute(u"track", QStringLiteral("inbound_track"));
    const QString cb = node.attribute(u"statusCallback").trimmed();
    s.statusCallback = cb.isEmpty() ? QString() : resolve(cb);
    s.statusCallbackMethod = methodAttribute(node, u"statusCallbackMethod");
    for (const TwimlNode& child : node.children) {
        if (child.name == QLatin1String("Parameter"))
            s.parameters.append({child.attribute(u"name"), child.attribute(u"value")});
    }
    const QString raw = node.attribute(u"url").trimmed();
    if (raw.isEmpty()) {
        s.errorCode = 31923;
        s.error = QStringLiteral("<Stream> has no url");
        return s;
    }
    QUrl url(raw, QUrl::StrictMode);
    if (!url.isValid()) {
        s.errorCode = 31923;
        s.error = QStringLiteral("<Stream url> is malformed: %1").arg(raw);
        return s;
    }
    if (url.isRelative()) {
        QUrl resolved = QUrl(m_documentUrl).resolved(url);
        if (resolved.scheme() == QLatin1String("https"))
            resolved.setScheme(QStringLiteral("wss"));
        else if (resolved.scheme() == QLatin1String("http"))
            resolved.setScheme(QStringLiteral("ws"));
        url = resolved;
    }
    s.url = url.toString();
    const QString scheme = url.scheme().toLower();
    if (scheme == QLatin1String("ws")) {
        s.insecureScheme = true;
    } else if (scheme != QLatin1String("wss")) {
        s.errorCode = 31922;
        s.error = QStringLiteral("<Stream url> scheme '%1' is not supported (wss only)").arg(url.scheme());
        return s;
    }
    if (url.host().isEmpty()) {
        s.errorCode = 31923;
        s.error = QStringLiteral("<Stream url> has no host: %1").arg(raw);
        return s;
    }
    static const QStringList tracks{
        QStringLiteral("inbound_track"), QStringLiteral("outbound_track"), QStringLiteral("both_tracks")};
    if (!tracks.contains(s.track)) {
        s.errorCode = 31941;
        s.error = QStringLiteral("<Stream track> '%1' is not a track").arg(s.track);
    } else if (bidirectional && s.track != QLatin1String("inbound_track")) {
        s.errorCode = 31941;
        s.error =
            QStringLiteral("a bidirectional <Connect><Stream> supports inbound_track only, not '%1'").arg(s.track);
    }
    return s;
}

Step Interpreter::decide(const Pending& item, CallerState& caller)
{
    const TwimlNode& node = *item.node;
    Step step;
    step.verb = node.name;
    const QString parent = item.parent ? item.parent->name : QString();

    if (parent == QLatin1String("Start") || parent == QLatin1String("Connect")) {
        if (node.name == QLatin1String("Stream")) {
            const bool bidi = parent == QLatin1String("Connect");
            step.kind = bidi ? Step::Kind::ConnectStream : Step::Kind::StartStream;
            step.verb = parent + QStringLiteral(" Stream");
            step.stream = streamSpec(node, bidi);
            step.errorCode = step.stream.errorCode;
            step.note = step.stream.error;
            if (bidi) {
                const QString action = item.parent->attribute(u"action").trimmed();
                step.connectAction = action.isEmpty() ? QString() : resolve(action);
                step.connectMethod = methodAttribute(*item.parent);
            }
            return step;
        }
        if (node.name == QLatin1String("Transcription") && parent == QLatin1String("Start")) {
            step.kind = Step::Kind::StartTranscription;
            step.verb = QStringLiteral("Start Transcription");
            TranscriptionSpec& t = step.transcription;
            t.name = node.attribute(u"name");
            const QString cb = node.attribute(u"statusCallbackUrl").trimmed();
            t.statusCallbackUrl = cb.isEmpty() ? QString() : resolve(cb);
            t.statusCallbackMethod = methodAttribute(node, u"statusCallbackMethod");
            t.languageCode = node.attribute(u"languageCode", t.languageCode);
            t.track = node.attribute(u"track", t.track);
            t.engine = node.attribute(u"transcriptionEngine", t.engine);
            t.speechModel = node.attribute(u"speechModel", t.speechModel);
            t.inboundTrackLabel = node.attribute(u"inboundTrackLabel");
            t.outboundTrackLabel = node.attribute(u"outboundTrackLabel");
            t.partialResults = boolAttribute(node, u"partialResults", false);
            return step;
        }
        step.kind = Step::Kind::Skip;
        step.verb = parent + QLatin1Char(' ') + node.name;
        step.note = QStringLiteral("<%1><%2> is not simulated").arg(parent, node.name);
        return step;
    }
    if (parent == QLatin1String("Stop")) {
        step.kind =
            node.name == QLatin1String("Transcription") ? Step::Kind::StopTranscription : Step::Kind::StopStream;
        step.verb = QStringLiteral("Stop ") + node.name;
        step.stopName = node.attribute(u"name");
        if (step.stopName.isEmpty() && node.name == QLatin1String("Stream"))
            step.stopName = resolve(node.attribute(u"url"));
        if (node.name != QLatin1String("Stream") && node.name != QLatin1String("Transcription")) {
            step.kind = Step::Kind::Skip;
            step.note = QStringLiteral("<Stop><%1> is not simulated").arg(node.name);
        }
        return step;
    }

    if (auto p = prompt(node)) {
        step.kind = p->kind == Prompt::Kind::Say    ? Step::Kind::Say
                    : p->kind == Prompt::Kind::Play ? Step::Kind::Play
                                                    : Step::Kind::Pause;
        step.prompt = *p;
        return step;
    }
    if (node.name == QLatin1String("Gather"))
        return gather(node, caller);
    if (node.name == QLatin1String("Record"))
        return record(node, caller);
    if (node.name == QLatin1String("Dial"))
        return dial(node);
    if (node.name == QLatin1String("Redirect")) {
        const QString url = node.innerText().trimmed();
        if (url.isEmpty()) {
            step.kind = Step::Kind::Fail;
            step.errorCode = 11100;
            step.note = QStringLiteral("<Redirect> has no URL");
            return step;
        }
        step.kind = Step::Kind::Redirect;
        step.fetch = Fetch{resolve(url), methodAttribute(node), {}};
        return step;
    }
    if (node.name == QLatin1String("Hangup")) {
        step.kind = Step::Kind::Hangup;
        return step;
    }
    if (node.name == QLatin1String("Reject")) {
        step.kind = Step::Kind::Reject;
        step.note = node.attribute(u"reason", QStringLiteral("rejected"));
        return step;
    }
    if (node.name == QLatin1String("Start") || node.name == QLatin1String("Connect") ||
        node.name == QLatin1String("Stop")) {
        step.kind = Step::Kind::Skip;
        step.note = QStringLiteral("<%1> is empty").arg(node.name);
        return step;
    }
    step.kind = Step::Kind::Skip;
    step.note = QStringLiteral("<%1> is not simulated").arg(node.name);
    return step;
}

Step Interpreter::gather(const TwimlNode& node, CallerState& caller)
{
    Step step;
    step.kind = Step::Kind::Gather;
    step.verb = node.name;
    for (const TwimlNode& child : node.children) {
        if (auto p = prompt(child))
            step.prompts.append(*p);
    }
    step.gatherInput = node.attribute(u"input", QStringLiteral("dtmf")).simplified();
    const QStringList modes = step.gatherInput.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    const bool dtmf = modes.contains(QLatin1String("dtmf"));
    const bool speech = modes.contains(QLatin1String("speech"));
    const int timeout = intAttribute(node, u"timeout", 5);
    const QString finishOnKey = node.attribute(u"finishOnKey", QStringLiteral("#"));
    const int numDigits = intAttribute(node, u"numDigits", 0, 1);
    const QString speechTimeout = node.attribute(u"speechTimeout");
    const bool actionOnEmpty = boolAttribute(node, u"actionOnEmptyResult", false);
    const QString cb = node.attribute(u"partialResultCallback").trimmed();
    step.partialResultCallback = cb.isEmpty() ? QString() : resolve(cb);
    step.partialResultCallbackMethod = methodAttribute(node, u"partialResultCallbackMethod");

    twilio::FormParams params;
    bool haveResult = false;
    if (dtmf && !caller.remainingDigits().isEmpty()) {
        bool finished = false;
        int keys = 0;
        while (caller.digitPos < caller.script.digits.size()) {
            const QChar key = caller.script.digits.at(caller.digitPos++);
            ++keys;
            if (!finishOnKey.isEmpty() && finishOnKey.contains(key)) {
                finished = true;
                break;
            }
            step.digits += key;
            if (numDigits > 0 && step.digits.size() >= numDigits) {
                finished = true;
                break;
            }
        }
        step.listenMs = qint64(keys) * 250 + (finished ? 0 : qint64(timeout) * 1000);
        haveResult = !step.digits.isEmpty();
        if (haveResult)
            put(params, "Digits", step.digits);
        else
            step.note = QStringLiteral("the caller pressed the finish key first");
    } else if (speech && !caller.speechUsed && !caller.script.speech.isEmpty()) {
        caller.speechUsed = true;
        step.audio = caller.takeAudio(60 * 8000);
        step.speechResult = caller.script.speech;
        bool numeric = false;
        const int silence = speechTimeout.toInt(&numeric);
        const qint64 closingMs = numeric ? qint64(silence) * 1000 : (speechTimeout.isEmpty() ? timeout * 1000 : 1000);
        const qint64 speakingMs = step.audio.isEmpty() ? qint64(step.speechResult.size()) * 60 : step.audio.size() / 8;
        step.listenMs = speakingMs + closingMs;
        put(params, "SpeechResult", step.speechResult);
        put(params, "Confidence", QString::number(caller.script.speechConfidence, 'f', 8));
        haveResult = true;
    } else {
        step.listenMs = qint64(timeout) * 1000;
        step.note = QStringLiteral("no input before the timeout");
    }
    if (haveResult || actionOnEmpty) {
        const QString action = node.attribute(u"action").trimmed();
        step.fetch = Fetch{resolve(action), methodAttribute(node), params};
    }
    return step;
}

Step Interpreter::record(const TwimlNode& node, CallerState& caller)
{
    Step step;
    step.kind = Step::Kind::Record;
    step.verb = node.name;
    RecordSpec& r = step.record;
    r.maxLengthSeconds = intAttribute(node, u"maxLength", r.maxLengthSeconds, 1);
    r.timeoutSeconds = intAttribute(node, u"timeout", r.timeoutSeconds);
    r.finishOnKey = node.attribute(u"finishOnKey", r.finishOnKey);
    r.playBeep = boolAttribute(node, u"playBeep", r.playBeep);
    r.trim = node.attribute(u"trim", r.trim);
    const QString cb = node.attribute(u"recordingStatusCallback").trimmed();
    r.recordingStatusCallback = cb.isEmpty() ? QString() : resolve(cb);
    r.recordingStatusCallbackMethod = methodAttribute(node, u"recordingStatusCallbackMethod");
    const QString events = node.attribute(u"recordingStatusCallbackEvent").simplified();
    if (!events.isEmpty())
        r.recordingStatusCallbackEvents = events.split(QLatin1Char(' '));

    const qint64 maxMs = qint64(r.maxLengthSeconds) * 1000;
    step.audio = caller.takeAudio(qsizetype(maxMs * kMuLawBytesPerMs));
    const QString digits = caller.remainingDigits();
    const bool byKey = !digits.isEmpty() && !r.finishOnKey.isEmpty() && r.finishOnKey.contains(digits.at(0));
    if (byKey) {
        step.digits = digits.left(1);
        ++caller.digitPos;
    }
    const qint64 spokenMs = step.audio.size() / kMuLawBytesPerMs;
    if (step.audio.isEmpty()) {
        step.listenMs = byKey ? 0 : (r.timeoutSeconds > 0 ? qint64(r.timeoutSeconds) * 1000 : maxMs);
        step.note = QStringLiteral("nothing was recorded");
        return step;
    }
    const qint64 closingMs = byKey || r.timeoutSeconds == 0 ? 0 : qint64(r.timeoutSeconds) * 1000;
    step.listenMs = std::min(maxMs, spokenMs + closingMs);
    step.recordingSid = newSid(QLatin1String("RE"));
    step.recordingUrl = m_config.apiBase + QStringLiteral("/2010-04-01/Accounts/") + m_config.accountSid +
                        QStringLiteral("/Recordings/") + step.recordingSid;
    step.recordingDurationSeconds = std::max<qint64>(1, (spokenMs + 500) / 1000);
    twilio::FormParams params;
    put(params, "RecordingUrl", step.recordingUrl);
    put(params, "RecordingDuration", QString::number(step.recordingDurationSeconds));
    put(params, "RecordingSid", step.recordingSid);
    if (byKey)
        put(params, "Digits", step.digits);
    step.fetch = Fetch{resolve(node.attribute(u"action")), methodAttribute(node), params};
    return step;
}

Step Interpreter::dial(const TwimlNode& node)
{
    Step step;
    step.kind = Step::Kind::Dial;
    step.verb = node.name;
    const QString text = node.text.trimmed();
    if (!text.isEmpty())
        step.dialTargets << text;
    for (const TwimlNode& child : node.children) {
        const QString target = child.innerText().trimmed();
        step.dialTargets << (child.name + QLatin1Char(':') + target);
    }
    const int timeout = intAttribute(node, u"timeout", 30, 1);
    const int timeLimit = intAttribute(node, u"timeLimit", 14400, 1);
    const DialOutcome& outcome = m_config.dial;
    step.dialStatus = outcome.status;
    step.dialCallSid = newSid(QLatin1String("CA"));
    const bool answered = outcome.status == QLatin1String("completed");
    const qint64 talkMs = qint64(std::min(outcome.durationSeconds, timeLimit)) * 1000;
    if (answered)
        step.listenMs = 1000 + talkMs; // a second of ringing, then the conversation
    else if (outcome.status == QLatin1String("no-answer"))
        step.listenMs = qint64(timeout) * 1000;
    const QString action = node.attribute(u"action").trimmed();
    if (!action.isEmpty()) {
        twilio::FormParams params;
        put(params, "DialCallStatus", outcome.status);
        put(params, "DialCallSid", step.dialCallSid);
        if (answered)
            put(params, "DialCallDuration", QString::number(talkMs / 1000));
        put(params, "DialBridged", answered ? QStringLiteral("true") : QStringLiteral("false"));
        step.fetch = Fetch{resolve(action), methodAttribute(node), params};
    }
    return step;
}

} // namespace sb::sim
