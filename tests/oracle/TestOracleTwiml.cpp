// SPDX-License-Identifier: GPL-3.0-or-later
// Oracle test: Twilio's official helper library (npm `twilio`, run by twiml-oracle.js) builds a few
// hundred random voice TwiML documents; we replay the same builder calls through our typed
// TwimlBuilder API and compare the XML, and check that our parser accepts every document.
#include "twilio/TwimlBuilder.h"
#include "twilio/TwimlParser.h"

#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSet>
#include <QtTest>
#include <algorithm>
#include <functional>

using namespace sb::twilio;

namespace {

// ----- typed attribute replay --------------------------------------------------------------------

/// Sets one typed field from a JSON value; false if the JSON type does not fit the field.
template <typename T> using Setter = std::function<bool(T&, const QJsonValue&)>;

template <typename T> Setter<T> field(std::optional<QString> T::*member)
{
    return [member](T& target, const QJsonValue& v) {
        if (!v.isString())
            return false;
        target.*member = v.toString();
        return true;
    };
}

template <typename T> Setter<T> field(std::optional<int> T::*member)
{
    return [member](T& target, const QJsonValue& v) {
        if (!v.isDouble())
            return false;
        target.*member = v.toInt();
        return true;
    };
}

template <typename T> Setter<T> field(std::optional<bool> T::*member)
{
    return [member](T& target, const QJsonValue& v) {
        if (!v.isBool())
            return false;
        target.*member = v.toBool();
        return true;
    };
}

template <typename T> Setter<T> field(std::optional<QStringList> T::*member)
{
    return [member](T& target, const QJsonValue& v) {
        if (!v.isArray())
            return false;
        QStringList list;
        for (const QJsonValue& item : v.toArray())
            list.append(item.toString());
        target.*member = list;
        return true;
    };
}

template <typename T> using Table = QHash<QString, Setter<T>>;

#define SB_FIELD(Type, name)                                                                                           \
    {                                                                                                                  \
        QStringLiteral(#name), field(&Type::name)                                                                      \
    }

const Table<SayAttributes>& sayTable()
{
    static const Table<SayAttributes> t = {
        SB_FIELD(SayAttributes, language), SB_FIELD(SayAttributes, loop), SB_FIELD(SayAttributes, voice)};
    return t;
}

const Table<PlayAttributes>& playTable()
{
    static const Table<PlayAttributes> t = {SB_FIELD(PlayAttributes, digits), SB_FIELD(PlayAttributes, loop)};
    return t;
}

const Table<PauseAttributes>& pauseTable()
{
    static const Table<PauseAttributes> t = {SB_FIELD(PauseAttributes, length)};
    return t;
}

const Table<RecordAttributes>& recordTable()
{
    static const Table<RecordAttributes> t = {SB_FIELD(RecordAttributes, action),
                                              SB_FIELD(RecordAttributes, finishOnKey),
                                              SB_FIELD(RecordAttributes, maxLength),
                                              SB_FIELD(RecordAttributes, method),
                                              SB_FIELD(RecordAttributes, playBeep),
                                              SB_FIELD(RecordAttributes, recordingConfigurationId),
                                              SB_FIELD(RecordAttributes, recordingStatusCallback),
                                              SB_FIELD(RecordAttributes, recordingStatusCallbackEvent),
                                              SB_FIELD(RecordAttributes, recordingStatusCallbackMethod),
                                              SB_FIELD(RecordAttributes, timeout),
                                              SB_FIELD(RecordAttributes, transcribe),
                                              SB_FIELD(RecordAttributes, transcribeCallback),
                                              SB_FIELD(RecordAttributes, trim)};
    return t;
}

const Table<GatherAttributes>& gatherTable()
{
    static const Table<GatherAttributes> t = {SB_FIELD(GatherAttributes, action),
                                              SB_FIELD(GatherAttributes, actionOnEmptyResult),
                                              SB_FIELD(GatherAttributes, bargeIn),
                                              SB_FIELD(GatherAttributes, debug),
                                              SB_FIELD(GatherAttributes, enhanced),
                                              SB_FIELD(GatherAttributes, finishOnKey),
                                              SB_FIELD(GatherAttributes, hints),
                                              SB_FIELD(GatherAttributes, input),
                                              SB_FIELD(GatherAttributes, language),
                                              SB_FIELD(GatherAttributes, maxSpeechTime),
                                              SB_FIELD(GatherAttributes, method),
                                              SB_FIELD(GatherAttributes, numDigits),
                                              SB_FIELD(GatherAttributes, partialResultCallback),
                                              SB_FIELD(GatherAttributes, partialResultCallbackMethod),
                                              SB_FIELD(GatherAttributes, profanityFilter),
                                              SB_FIELD(GatherAttributes, speechModel),
                                              SB_FIELD(GatherAttributes, speechTimeout),
                                              SB_FIELD(GatherAttributes, timeout)};
    return t;
}

const Table<StartAttributes>& startTable()
{
    static const Table<StartAttributes> t = {SB_FIELD(StartAttributes, action), SB_FIELD(StartAttributes, method)};
    return t;
}

const Table<StreamAttributes>& streamTable()
{
    static const Table<StreamAttributes> t = {SB_FIELD(StreamAttributes, audioFormat),
                                              SB_FIELD(StreamAttributes, connectorName),
                                              SB_FIELD(StreamAttributes, name),
                                              SB_FIELD(StreamAttributes, sampleRate),
                                              SB_FIELD(StreamAttributes, statusCallback),
                                              SB_FIELD(StreamAttributes, statusCallbackMethod),
                                              SB_FIELD(StreamAttributes, track),
                                              SB_FIELD(StreamAttributes, url)};
    return t;
}

const Table<TranscriptionAttributes>& transcriptionTable()
{
    static const Table<TranscriptionAttributes> t = {SB_FIELD(TranscriptionAttributes, enableAutomaticPunctuation),
                                                     SB_FIELD(TranscriptionAttributes, hints),
                                                     SB_FIELD(TranscriptionAttributes, inboundTrackLabel),
                                                     SB_FIELD(TranscriptionAttributes, intelligenceService),
                                                     SB_FIELD(TranscriptionAttributes, languageCode),
                                                     SB_FIELD(TranscriptionAttributes, name),
                                                     SB_FIELD(TranscriptionAttributes, outboundTrackLabel),
                                                     SB_FIELD(TranscriptionAttributes, partialResults),
                                                     SB_FIELD(TranscriptionAttributes, profanityFilter),
                                                     SB_FIELD(TranscriptionAttributes, speechModel),
                                                     SB_FIELD(TranscriptionAttributes, statusCallbackMethod),
                                                     SB_FIELD(TranscriptionAttributes, statusCallbackUrl),
                                                     SB_FIELD(TranscriptionAttributes, track),
                                                     SB_FIELD(TranscriptionAttributes, transcriptionEngine)};
    return t;
}

const Table<RedirectAttributes>& redirectTable()
{
    static const Table<RedirectAttributes> t = {SB_FIELD(RedirectAttributes, method)};
    return t;
}

const Table<DialAttributes>& dialTable()
{
    static const Table<DialAttributes> t = {SB_FIELD(DialAttributes, action),
                                            SB_FIELD(DialAttributes, answerOnBridge),
                                            SB_FIELD(DialAttributes, callerId),
                                            SB_FIELD(DialAttributes, events),
                                            SB_FIELD(DialAttributes, hangupOnStar),
                                            SB_FIELD(DialAttributes, method),
                                            SB_FIELD(DialAttributes, passports),
                                            SB_FIELD(DialAttributes, record),
                                            SB_FIELD(DialAttributes, recordingConfigurationId),
                                            SB_FIELD(DialAttributes, recordingStatusCallback),
                                            SB_FIELD(DialAttributes, recordingStatusCallbackEvent),
                                            SB_FIELD(DialAttributes, recordingStatusCallbackMethod),
                                            SB_FIELD(DialAttributes, recordingTrack),
                                            SB_FIELD(DialAttributes, referMethod),
                                            SB_FIELD(DialAttributes, referUrl),
                                            SB_FIELD(DialAttributes, ringTone),
                                            SB_FIELD(DialAttributes, sequential),
                                            SB_FIELD(DialAttributes, timeLimit),
                                            SB_FIELD(DialAttributes, timeout),
                                            SB_FIELD(DialAttributes, trim)};
    return t;
}

const Table<NumberAttributes>& numberTable()
{
    static const Table<NumberAttributes> t = {SB_FIELD(NumberAttributes, amdStatusCallback),
                                              SB_FIELD(NumberAttributes, amdStatusCallbackMethod),
                                              SB_FIELD(NumberAttributes, byoc),
                                              SB_FIELD(NumberAttributes, machineDetection),
                                              SB_FIELD(NumberAttributes, machineDetectionSilenceTimeout),
                                              SB_FIELD(NumberAttributes, machineDetectionSpeechEndThreshold),
                                              SB_FIELD(NumberAttributes, machineDetectionSpeechThreshold),
                                              SB_FIELD(NumberAttributes, machineDetectionTimeout),
                                              SB_FIELD(NumberAttributes, method),
                                              SB_FIELD(NumberAttributes, sendDigits),
                                              SB_FIELD(NumberAttributes, statusCallback),
                                              SB_FIELD(NumberAttributes, statusCallbackEvent),
                                              SB_FIELD(NumberAttributes, statusCallbackMethod),
                                              SB_FIELD(NumberAttributes, url)};
    return t;
}

const Table<ClientAttributes>& clientTable()
{
    static const Table<ClientAttributes> t = {SB_FIELD(ClientAttributes, method),
                                              SB_FIELD(ClientAttributes, statusCallback),
                                              SB_FIELD(ClientAttributes, statusCallbackEvent),
                                              SB_FIELD(ClientAttributes, statusCallbackMethod),
                                              SB_FIELD(ClientAttributes, url)};
    return t;
}

const Table<SipAttributes>& sipTable()
{
    static const Table<SipAttributes> t = {SB_FIELD(SipAttributes, amdStatusCallback),
                                           SB_FIELD(SipAttributes, amdStatusCallbackMethod),
                                           SB_FIELD(SipAttributes, machineDetection),
                                           SB_FIELD(SipAttributes, machineDetectionSilenceTimeout),
                                           SB_FIELD(SipAttributes, machineDetectionSpeechEndThreshold),
                                           SB_FIELD(SipAttributes, machineDetectionSpeechThreshold),
                                           SB_FIELD(SipAttributes, machineDetectionTimeout),
                                           SB_FIELD(SipAttributes, method),
                                           SB_FIELD(SipAttributes, password),
                                           SB_FIELD(SipAttributes, statusCallback),
                                           SB_FIELD(SipAttributes, statusCallbackEvent),
                                           SB_FIELD(SipAttributes, statusCallbackMethod),
                                           SB_FIELD(SipAttributes, url),
                                           SB_FIELD(SipAttributes, username)};
    return t;
}

#undef SB_FIELD

/// Replays one case's ops through the typed builder. Problems (an op or type the replay does not
/// know) are collected in `problems`, so a generator/test mismatch fails loudly instead of passing.
class Replay
{
public:
    QStringList problems;
    QSet<QString> opsSeen;

    VoiceResponse response(const QJsonArray& ops)
    {
        VoiceResponse r;
        for (const QJsonValue& v : ops) {
            const QJsonObject op = v.toObject();
            const QString name = opName(op);
            if (name == QLatin1String("say"))
                r.say(say(op));
            else if (name == QLatin1String("play"))
                r.play(text(op), typed(op, playTable()));
            else if (name == QLatin1String("pause"))
                r.pause(typed(op, pauseTable()));
            else if (name == QLatin1String("record"))
                r.record(typed(op, recordTable()));
            else if (name == QLatin1String("gather"))
                r.gather(gather(op));
            else if (name == QLatin1String("start"))
                r.start(start(op));
            else if (name == QLatin1String("connect"))
                r.connect(connect(op));
            else if (name == QLatin1String("stop"))
                r.stop(stop(op));
            else if (name == QLatin1String("redirect"))
                r.redirect(text(op), typed(op, redirectTable()));
            else if (name == QLatin1String("hangup"))
                r.hangup();
            else if (name == QLatin1String("dial"))
                r.dial(dial(op));
            else
                unknown(QStringLiteral("Response"), name);
        }
        return r;
    }

private:
    QString opName(const QJsonObject& op)
    {
        const QString name = op.value(QLatin1String("op")).toString();
        opsSeen.insert(name == QLatin1String("ssml") ? op.value(QLatin1String("tag")).toString() : name);
        return name;
    }

    void unknown(const QString& parent, const QString& name)
    {
        problems.append(QStringLiteral("the replay does not know op '%1' under %2").arg(name, parent));
    }

    static QString text(const QJsonObject& op) { return op.value(QLatin1String("text")).toString(); }
    static QJsonArray children(const QJsonObject& op) { return op.value(QLatin1String("children")).toArray(); }

    template <typename T> T typed(const QJsonObject& op, const Table<T>& table)
    {
        T result;
        for (const QJsonValue& pairValue : op.value(QLatin1String("attrs")).toArray()) {
            const QJsonArray pair = pairValue.toArray();
            const QString name = pair.at(0).toString();
            const QJsonValue value = pair.at(1);
            const auto it = table.constFind(name);
            if (it == table.cend()) {
                if (!value.isString())
                    problems.append(QStringLiteral("extra attribute '%1' is not a string").arg(name));
                result.extra.append(TwimlAttribute{name, value.toString()});
            } else if (!it.value()(result, value)) {
                problems.append(QStringLiteral("attribute '%1' has an unexpected JSON type").arg(name));
            }
        }
        return result;
    }

    static TwimlAttributes raw(const QJsonObject& op)
    {
        TwimlAttributes out;
        for (const QJsonValue& pairValue : op.value(QLatin1String("attrs")).toArray()) {
            const QJsonArray pair = pairValue.toArray();
            out.append(TwimlAttribute{pair.at(0).toString(), pair.at(1).toString()});
        }
        return out;
    }

    Say say(const QJsonObject& op)
    {
        Say s(text(op), typed(op, sayTable()));
        for (const QJsonValue& v : children(op)) {
            const QJsonObject child = v.toObject();
            const QString name = opName(child);
            if (name == QLatin1String("text"))
                s.text(text(child));
            else if (name == QLatin1String("ssml"))
                s.ssml(child.value(QLatin1String("tag")).toString(), raw(child), text(child));
            else
                unknown(QStringLiteral("Say"), name);
        }
        return s;
    }

    Gather gather(const QJsonObject& op)
    {
        Gather g(typed(op, gatherTable()));
        for (const QJsonValue& v : children(op)) {
            const QJsonObject child = v.toObject();
            const QString name = opName(child);
            if (name == QLatin1String("say")) {
                // Plain say() when there is no SSML, to exercise both overloads.
                if (children(child).isEmpty())
                    g.say(text(child), typed(child, sayTable()));
                else
                    g.say(say(child));
            } else if (name == QLatin1String("play")) {
                g.play(text(child), typed(child, playTable()));
            } else if (name == QLatin1String("pause")) {
                g.pause(typed(child, pauseTable()));
            } else {
                unknown(QStringLiteral("Gather"), name);
            }
        }
        return g;
    }

    Stream stream(const QJsonObject& op)
    {
        Stream s(typed(op, streamTable()));
        for (const QJsonValue& v : children(op)) {
            const QJsonObject child = v.toObject();
            const QString name = opName(child);
            if (name == QLatin1String("parameter")) {
                const TwimlAttributes a = raw(child);
                s.parameter(a.value(0).value, a.value(1).value);
            } else {
                unknown(QStringLiteral("Stream"), name);
            }
        }
        return s;
    }

    Transcription transcription(const QJsonObject& op)
    {
        Transcription t(typed(op, transcriptionTable()));
        for (const QJsonValue& v : children(op)) {
            const QJsonObject child = v.toObject();
            const QString name = opName(child);
            if (name == QLatin1String("parameter")) {
                const TwimlAttributes a = raw(child);
                t.parameter(a.value(0).value, a.value(1).value);
            } else {
                unknown(QStringLiteral("Transcription"), name);
            }
        }
        return t;
    }

    Start start(const QJsonObject& op)
    {
        Start s(typed(op, startTable()));
        for (const QJsonValue& v : children(op)) {
            const QJsonObject child = v.toObject();
            const QString name = opName(child);
            if (name == QLatin1String("stream"))
                s.stream(stream(child));
            else if (name == QLatin1String("transcription"))
                s.transcription(transcription(child));
            else
                unknown(QStringLiteral("Start"), name);
        }
        return s;
    }

    Connect connect(const QJsonObject& op)
    {
        Connect c(typed(op, startTable()));
        for (const QJsonValue& v : children(op)) {
            const QJsonObject child = v.toObject();
            const QString name = opName(child);
            if (name == QLatin1String("stream"))
                c.stream(stream(child));
            else
                unknown(QStringLiteral("Connect"), name);
        }
        return c;
    }

    Stop stop(const QJsonObject& op)
    {
        Stop s;
        for (const QJsonValue& v : children(op)) {
            const QJsonObject child = v.toObject();
            const QString name = opName(child);
            if (name == QLatin1String("stream"))
                s.stream(stream(child));
            else if (name == QLatin1String("transcription"))
                s.transcription(transcription(child));
            else
                unknown(QStringLiteral("Stop"), name);
        }
        return s;
    }

    Dial dial(const QJsonObject& op)
    {
        Dial d(text(op), typed(op, dialTable()));
        for (const QJsonValue& v : children(op)) {
            const QJsonObject child = v.toObject();
            const QString name = opName(child);
            if (name == QLatin1String("number"))
                d.number(text(child), typed(child, numberTable()));
            else if (name == QLatin1String("client"))
                d.client(text(child), typed(child, clientTable()));
            else if (name == QLatin1String("sip"))
                d.sip(text(child), typed(child, sipTable()));
            else
                unknown(QStringLiteral("Dial"), name);
        }
        return d;
    }
};

// ----- comparison --------------------------------------------------------------------------------

/// Attributes sorted by name, recursively: XML equality does not depend on attribute order.
TwimlNode canonical(TwimlNode node)
{
    std::sort(node.attributes.begin(), node.attributes.end(), [](const TwimlAttribute& a, const TwimlAttribute& b) {
        return a.name < b.name;
    });
    for (TwimlNode& child : node.children)
        child = canonical(std::move(child));
    return node;
}

/// A description of the first difference between two trees, or an empty string.
QString firstDifference(const TwimlNode& a, const TwimlNode& b, const QString& path)
{
    const QString here = path + QLatin1Char('/') + a.name;
    if (a.name != b.name)
        return QStringLiteral("%1: element <%2> vs <%3>").arg(path, a.name, b.name);
    if (a.attributes != b.attributes) {
        QStringList left;
        QStringList right;
        for (const TwimlAttribute& x : a.attributes)
            left.append(x.name + QLatin1Char('=') + x.value);
        for (const TwimlAttribute& x : b.attributes)
            right.append(x.name + QLatin1Char('=') + x.value);
        return QStringLiteral("%1: attributes [%2] vs [%3]")
            .arg(here, left.join(QLatin1String(", ")), right.join(QLatin1String(", ")));
    }
    if (a.text != b.text)
        return QStringLiteral("%1: text '%2' vs '%3'").arg(here, a.text, b.text);
    if (a.tail != b.tail)
        return QStringLiteral("%1: tail '%2' vs '%3'").arg(here, a.tail, b.tail);
    if (a.children.size() != b.children.size())
        return QStringLiteral("%1: %2 vs %3 children").arg(here).arg(a.children.size()).arg(b.children.size());
    for (std::size_t i = 0; i < a.children.size(); ++i) {
        const QString d = firstDifference(a.children[i], b.children[i], here);
        if (!d.isEmpty())
            return d;
    }
    return {};
}

void collectNames(const TwimlNode& node, QSet<QString>& names)
{
    names.insert(node.name);
    for (const TwimlNode& child : node.children)
        collectNames(child, names);
}

} // namespace

class TestOracleTwiml : public QObject
{
    Q_OBJECT

private:
    QJsonArray m_cases;

    QString describe(qsizetype index, const QByteArray& ours) const
    {
        const QJsonObject c = m_cases.at(index).toObject();
        return QStringLiteral("case %1\n  ops:        %2\n  twilio-node: %3\n  ours:        %4")
            .arg(index)
            .arg(QString::fromUtf8(
                     QJsonDocument(c.value(QLatin1String("ops")).toArray()).toJson(QJsonDocument::Compact)),
                 c.value(QLatin1String("xml")).toString(),
                 QString::fromUtf8(ours));
    }

private slots:
    void initTestCase()
    {
        const QString node = QStringLiteral(SB_NODE_EXECUTABLE);
        const QString script = QStringLiteral(SB_ORACLE_DIR "/twiml-oracle.js");
        if (node.isEmpty() || !QFileInfo(node).isExecutable())
            QFAIL("node was not found at configure time (SB_NODE_EXECUTABLE is empty); install nodejs and "
                  "re-run cmake");
        if (!QFileInfo::exists(QStringLiteral(SB_ORACLE_DIR "/node_modules/twilio/package.json")))
            QFAIL("npm package 'twilio' is missing; run: npm ci --prefix tests/oracle");
        QVERIFY2(QFileInfo::exists(script), qPrintable(script + QStringLiteral(" is missing")));

        // SB_ORACLE_SEED / SB_ORACLE_COUNT explore other generated sets; CI uses the fixed defaults.
        const QString seed = qEnvironmentVariable("SB_ORACLE_SEED", QStringLiteral("1"));
        const int count =
            qEnvironmentVariableIntValue("SB_ORACLE_COUNT") > 0 ? qEnvironmentVariableIntValue("SB_ORACLE_COUNT") : 300;
        QProcess proc;
        proc.start(node, {script, QStringLiteral("--count"), QString::number(count), QStringLiteral("--seed"), seed});
        if (!proc.waitForStarted(10000))
            QFAIL(qPrintable(QStringLiteral("could not start %1: %2").arg(node, proc.errorString())));
        QVERIFY2(proc.waitForFinished(60000), "the oracle script did not finish within 60 s");
        QVERIFY2(
            proc.exitStatus() == QProcess::NormalExit && proc.exitCode() == 0,
            qPrintable(QStringLiteral("twiml-oracle.js failed: ") + QString::fromUtf8(proc.readAllStandardError())));
        QJsonParseError error{};
        const QJsonDocument doc = QJsonDocument::fromJson(proc.readAllStandardOutput(), &error);
        QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
        QVERIFY2(doc.isArray(), "the oracle output is not a JSON array");
        m_cases = doc.array();
        QCOMPARE(m_cases.size(), qsizetype(count));
        qInfo("oracle: twilio-node VoiceResponse, %lld cases, seed %s",
              static_cast<long long>(m_cases.size()),
              qPrintable(seed));
    }

    void generatedDocumentsCoverEveryVerbAndNoun()
    {
        QSet<QString> names;
        for (const QJsonValue& v : std::as_const(m_cases)) {
            const auto parsed = parseTwiml(v.toObject().value(QLatin1String("xml")).toString().toUtf8());
            if (parsed.ok())
                collectNames(parsed.value(), names);
        }
        const QStringList required = {
            QStringLiteral("Response"), QStringLiteral("Say"),       QStringLiteral("Play"),
            QStringLiteral("Pause"),    QStringLiteral("Record"),    QStringLiteral("Gather"),
            QStringLiteral("Start"),    QStringLiteral("Connect"),   QStringLiteral("Stop"),
            QStringLiteral("Stream"),   QStringLiteral("Parameter"), QStringLiteral("Transcription"),
            QStringLiteral("Redirect"), QStringLiteral("Hangup"),    QStringLiteral("Dial"),
            QStringLiteral("Number"),   QStringLiteral("Client"),    QStringLiteral("Sip"),
            QStringLiteral("break"),    QStringLiteral("say-as"),    QStringLiteral("lang")};
        for (const QString& name : required)
            QVERIFY2(names.contains(name), qPrintable(QStringLiteral("no generated document contains <%1>").arg(name)));
    }

    void builderMatchesTwilioNodeAsXml()
    {
        int identical = 0;
        for (qsizetype i = 0; i < m_cases.size(); ++i) {
            const QJsonObject c = m_cases.at(i).toObject();
            Replay replay;
            const QByteArray ours = replay.response(c.value(QLatin1String("ops")).toArray()).toXml();
            QVERIFY2(replay.problems.isEmpty(),
                     qPrintable(replay.problems.join(QLatin1String("; ")) + QLatin1Char('\n') + describe(i, ours)));
            const QByteArray theirs = c.value(QLatin1String("xml")).toString().toUtf8();
            const auto theirTree = parseTwiml(theirs);
            const auto ourTree = parseTwiml(ours);
            if (!theirTree.ok())
                QFAIL(qPrintable(QStringLiteral("we cannot parse twilio-node's XML: ") + theirTree.error().toString() +
                                 QLatin1Char('\n') + describe(i, ours)));
            if (!ourTree.ok())
                QFAIL(qPrintable(QStringLiteral("we cannot parse our own XML: ") + ourTree.error().toString() +
                                 QLatin1Char('\n') + describe(i, ours)));
            const QString difference = firstDifference(canonical(theirTree.value()), canonical(ourTree.value()), {});
            QVERIFY2(difference.isEmpty(),
                     qPrintable(QStringLiteral("XML differs (twilio-node vs ours) at %1\n").arg(difference) +
                                describe(i, ours)));
            if (ours == theirs)
                ++identical;
        }
        qInfo("byte-identical to twilio-node: %d of %lld", identical, static_cast<long long>(m_cases.size()));
    }

    void builderMatchesTwilioNodeByteForByte()
    {
        for (qsizetype i = 0; i < m_cases.size(); ++i) {
            const QJsonObject c = m_cases.at(i).toObject();
            Replay replay;
            const QByteArray ours = replay.response(c.value(QLatin1String("ops")).toArray()).toXml();
            const QByteArray theirs = c.value(QLatin1String("xml")).toString().toUtf8();
            QVERIFY2(ours == theirs, qPrintable(QStringLiteral("not byte-identical\n") + describe(i, ours)));
        }
    }

    void everyOracleDocumentPassesOurValidatorWithoutErrors()
    {
        int warnings = 0;
        for (qsizetype i = 0; i < m_cases.size(); ++i) {
            const QByteArray xml = m_cases.at(i).toObject().value(QLatin1String("xml")).toString().toUtf8();
            const TwimlParseResult result = analyzeTwiml(xml);
            QVERIFY2(result.root.has_value(), qPrintable(QStringLiteral("case %1: no tree").arg(i)));
            QStringList errors;
            for (const TwimlIssue& issue : result.issues) {
                if (issue.isError())
                    errors.append(issue.toString());
                else
                    ++warnings;
            }
            QVERIFY2(errors.isEmpty(),
                     qPrintable(QStringLiteral("case %1: %2\n  xml: %3")
                                    .arg(i)
                                    .arg(errors.join(QLatin1String("\n  ")), QString::fromUtf8(xml))));
        }
        // The generator uses random attribute values, so some warnings are expected (and prove the
        // validator looked at the documents).
        QVERIFY(warnings > 0);
        qInfo("validator warnings over all oracle documents: %d", warnings);
    }

    void prettyFormParsesLikeCompactForm()
    {
        // The UI's indented preview must mean the same document as what we send.
        int compared = 0;
        for (qsizetype i = 0; i < m_cases.size(); ++i) {
            Replay replay;
            const VoiceResponse r = replay.response(m_cases.at(i).toObject().value(QLatin1String("ops")).toArray());
            const QString pretty = r.toPrettyXml();
            const auto compact = parseTwiml(r.toXml());
            const auto indented = parseTwiml(pretty.toUtf8());
            QVERIFY(compact.ok());
            if (!indented.ok())
                QFAIL(qPrintable(indented.error().toString() + QLatin1Char('\n') + pretty));
            QVERIFY2(compact.value() == indented.value(),
                     qPrintable(QStringLiteral("case %1: pretty form parses differently\n").arg(i) + pretty));
            ++compared;
        }
        QCOMPARE(compared, int(m_cases.size()));
    }
};

QTEST_GUILESS_MAIN(TestOracleTwiml)
#include "TestOracleTwiml.moc"
