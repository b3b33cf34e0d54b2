// SPDX-License-Identifier: GPL-3.0-or-later
// The simulator's TwiML interpreter, verb by verb, without sockets: what Twilio does with each
// verb given what the caller does, which URL it requests with which parameters, and what it
// does with malformed documents.
#include "sim/Interpreter.h"
#include "twilio/WebhookParams.h"

#include <QtTest>

using namespace sb;
using namespace sb::sim;

namespace {

const QString kDocUrl = QStringLiteral("https://app.example.com/voice/start?x=1");

QByteArray doc(const char* body)
{
    return QByteArrayLiteral("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response>") + QByteArray(body) +
           QByteArrayLiteral("</Response>");
}

InterpreterConfig config()
{
    InterpreterConfig c;
    c.accountSid = QStringLiteral("AC0123456789abcdef0123456789abcdef");
    c.newSid = [](QLatin1String prefix) -> QString {
        return QString(prefix) + QStringLiteral("00000000000000000000000000000001");
    };
    return c;
}

CallerState caller(const QString& digits = {}, const QString& speech = {}, qsizetype audioMs = 0)
{
    CallerState s;
    s.script.digits = digits;
    s.script.speech = speech;
    s.script.audio = QByteArray(qsizetype(audioMs * 8), char(0x55));
    return s;
}

QString param(const Fetch& f, const char* name)
{
    return twilio::formValue(f.params, QString::fromLatin1(name));
}

} // namespace

class TestInterpreter : public QObject
{
    Q_OBJECT

private slots:
    void promptsInOrderThenEnd()
    {
        Interpreter in(config());
        QVERIFY(!in.loadBody(doc("<Say voice=\"alice\" loop=\"2\">Hello <emphasis>there</emphasis></Say>"
                                 "<Play loop=\"3\">/media/a.wav</Play><Pause length=\"4\"/><Play digits=\"12w\"/>"),
                             kDocUrl));
        CallerState c = caller();
        Step s = in.next(c);
        QCOMPARE(s.kind, Step::Kind::Say);
        QCOMPARE(s.prompt.text, QStringLiteral("Hello there"));
        QCOMPARE(s.prompt.voice, QStringLiteral("alice"));
        QCOMPARE(s.prompt.loop, 2);
        s = in.next(c);
        QCOMPARE(s.kind, Step::Kind::Play);
        QCOMPARE(s.prompt.url, QStringLiteral("https://app.example.com/media/a.wav"));
        QCOMPARE(s.prompt.loop, 3);
        s = in.next(c);
        QCOMPARE(s.kind, Step::Kind::Pause);
        QCOMPARE(s.prompt.pauseMs, 4000);
        s = in.next(c);
        QCOMPARE(s.kind, Step::Kind::Play);
        QVERIFY(s.prompt.url.isEmpty());
        QCOMPARE(s.prompt.digits, QStringLiteral("12w"));
        QCOMPARE(in.next(c).kind, Step::Kind::End);
        QCOMPARE(in.next(c).kind, Step::Kind::End);
    }

    void pauseDefaultsToOneSecond()
    {
        Interpreter in(config());
        QVERIFY(!in.loadBody(doc("<Pause/>"), kDocUrl));
        CallerState c = caller();
        QCOMPARE(in.next(c).prompt.pauseMs, 1000);
    }

    void gatherDigitsStopAtFinishKeyAndDefaultActionIsTheDocument()
    {
        Interpreter in(config());
        QVERIFY(!in.loadBody(doc("<Gather><Say>Press</Say><Pause/></Gather><Say>unreachable?</Say>"), kDocUrl));
        CallerState c = caller(QStringLiteral("123#9"));
        const Step s = in.next(c);
        QCOMPARE(s.kind, Step::Kind::Gather);
        QCOMPARE(s.prompts.size(), 2);
        QCOMPARE(s.digits, QStringLiteral("123"));
        QVERIFY(s.fetch);
        QCOMPARE(s.fetch->url, kDocUrl);
        QCOMPARE(s.fetch->method, QStringLiteral("POST"));
        QCOMPARE(param(*s.fetch, "Digits"), QStringLiteral("123"));
        QCOMPARE(c.remainingDigits(), QStringLiteral("9"));
        QCOMPARE(s.listenMs, 4 * 250);              // finished by the key: no timeout wait
        QCOMPARE(in.next(c).kind, Step::Kind::End); // the action replaces the document
    }

    void gatherNumDigitsAndGetMethod()
    {
        Interpreter in(config());
        QVERIFY(!in.loadBody(doc("<Gather numDigits=\"2\" action=\"next\" method=\"GET\" timeout=\"3\"/>"), kDocUrl));
        CallerState c = caller(QStringLiteral("4567"));
        const Step s = in.next(c);
        QCOMPARE(s.digits, QStringLiteral("45"));
        QCOMPARE(s.fetch->url, QStringLiteral("https://app.example.com/voice/next"));
        QCOMPARE(s.fetch->method, QStringLiteral("GET"));
    }

    void gatherWithoutInputFallsThrough()
    {
        Interpreter in(config());
        QVERIFY(!in.loadBody(doc("<Gather timeout=\"7\" action=\"/g\"/><Say>Nothing?</Say>"), kDocUrl));
        CallerState c = caller();
        const Step s = in.next(c);
        QVERIFY(!s.fetch);
        QCOMPARE(s.listenMs, 7000);
        QCOMPARE(in.next(c).kind, Step::Kind::Say);
    }

    void gatherFinishKeyFirstIsEmptyUnlessActionOnEmptyResult()
    {
        Interpreter in(config());
        QVERIFY(
            !in.loadBody(doc("<Gather action=\"/g\"/><Gather actionOnEmptyResult=\"true\" action=\"/e\"/>"), kDocUrl));
        CallerState c = caller(QStringLiteral("#"));
        QVERIFY(!in.next(c).fetch);
        const Step s = in.next(c);
        QVERIFY(s.fetch);
        QCOMPARE(s.fetch->url, QStringLiteral("https://app.example.com/e"));
        QVERIFY(param(*s.fetch, "Digits").isNull());
    }

    void gatherSpeech()
    {
        Interpreter in(config());
        QVERIFY(!in.loadBody(doc("<Gather input=\"speech\" action=\"/s\" speechTimeout=\"2\" "
                                 "partialResultCallback=\"/partial\"/>"),
                             kDocUrl));
        CallerState c = caller(QStringLiteral("1"), QStringLiteral("next tuesday"), 1500);
        const Step s = in.next(c);
        QCOMPARE(s.speechResult, QStringLiteral("next tuesday"));
        QCOMPARE(param(*s.fetch, "SpeechResult"), QStringLiteral("next tuesday"));
        QCOMPARE(param(*s.fetch, "Confidence").toDouble(), 0.9);
        QVERIFY(param(*s.fetch, "Digits").isNull());
        QCOMPARE(s.audio.size(), 1500 * 8);
        QCOMPARE(s.listenMs, 1500 + 2000);
        QCOMPARE(s.partialResultCallback, QStringLiteral("https://app.example.com/partial"));
        QCOMPARE(c.remainingDigits(), QStringLiteral("1")); // dtmf not listened for
    }

    void recordPostsRecordingUrlAndConsumesAudio()
    {
        InterpreterConfig cfg = config();
        cfg.apiBase = QStringLiteral("http://127.0.0.1:9/api");
        Interpreter in(cfg);
        QVERIFY(
            !in.loadBody(doc("<Record maxLength=\"2\" timeout=\"3\" action=\"/process\" "
                             "recordingStatusCallback=\"/rec\" recordingStatusCallbackEvent=\"in-progress completed\"/>"
                             "<Say>never</Say>"),
                         kDocUrl));
        CallerState c = caller({}, {}, 3000);
        const Step s = in.next(c);
        QCOMPARE(s.kind, Step::Kind::Record);
        QCOMPARE(s.audio.size(), 2000 * 8); // maxLength
        QCOMPARE(s.listenMs, 2000);
        QCOMPARE(s.recordingDurationSeconds, 2);
        QCOMPARE(s.recordingSid, QStringLiteral("RE00000000000000000000000000000001"));
        const QString url =
            QStringLiteral("http://127.0.0.1:9/api/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/"
                           "Recordings/RE00000000000000000000000000000001");
        QCOMPARE(param(*s.fetch, "RecordingUrl"), url);
        QCOMPARE(param(*s.fetch, "RecordingDuration"), QStringLiteral("2"));
        QCOMPARE(param(*s.fetch, "RecordingSid"), s.recordingSid);
        QVERIFY(param(*s.fetch, "Digits").isNull());
        QCOMPARE(s.fetch->url, QStringLiteral("https://app.example.com/process"));
        QCOMPARE(s.record.recordingStatusCallback, QStringLiteral("https://app.example.com/rec"));
        QCOMPARE(s.record.recordingStatusCallbackEvents,
                 (QStringList{QStringLiteral("in-progress"), QStringLiteral("completed")}));
        QCOMPARE(in.next(c).kind, Step::Kind::End); // verbs after <Record> are unreachable
        QCOMPARE(c.remainingAudio(), 1000 * 8);
    }

    void recordEndedByKeyAndSilence()
    {
        Interpreter in(config());
        QVERIFY(!in.loadBody(doc("<Record timeout=\"4\"/><Say>after</Say>"), kDocUrl));
        CallerState c = caller(QStringLiteral("#"), {}, 1200);
        Step s = in.next(c);
        QCOMPARE(param(*s.fetch, "Digits"), QStringLiteral("#"));
        QCOMPARE(s.listenMs, 1200);
        QCOMPARE(param(*s.fetch, "RecordingDuration"), QStringLiteral("1"));

        // Nothing left to say: an empty recording falls through to the next verb.
        QVERIFY(!in.loadBody(doc("<Record timeout=\"4\"/><Say>after</Say>"), kDocUrl));
        s = in.next(c);
        QVERIFY(!s.fetch);
        QCOMPARE(s.recordingDurationSeconds, 0);
        QCOMPARE(s.listenMs, 4000);
        QCOMPARE(in.next(c).kind, Step::Kind::Say);
    }

    void repeatAudioGivesEveryRecordTheWholeClip()
    {
        Interpreter in(config());
        CallerState c = caller({}, {}, 1000);
        c.script.repeatAudio = true;
        for (int i = 0; i < 3; ++i) {
            QVERIFY(!in.loadBody(doc("<Record/>"), kDocUrl));
            QCOMPARE(in.next(c).audio.size(), 8000);
        }
    }

    void startAndConnectStreams()
    {
        Interpreter in(config());
        QVERIFY(!in.loadBody(doc("<Start><Stream url=\"wss://media.example.com/s\" name=\"one\" track=\"both_tracks\" "
                                 "statusCallback=\"/ss\"><Parameter name=\"callToken\" value=\"tok\"/>"
                                 "<Parameter name=\"b\" value=\"2\"/></Stream>"
                                 "<Transcription statusCallbackUrl=\"/t\" track=\"inbound_track\"/></Start>"
                                 "<Connect action=\"/after\"><Stream url=\"/relative\"/></Connect>"
                                 "<Stop><Stream name=\"one\"/></Stop>"),
                             kDocUrl));
        CallerState c = caller();
        Step s = in.next(c);
        QCOMPARE(s.kind, Step::Kind::StartStream);
        QCOMPARE(s.stream.url, QStringLiteral("wss://media.example.com/s"));
        QCOMPARE(s.stream.tracks().size(), 2);
        QCOMPARE(s.stream.parameters.size(), 2);
        QCOMPARE(s.stream.parameters.at(0).second, QStringLiteral("tok"));
        QCOMPARE(s.stream.statusCallback, QStringLiteral("https://app.example.com/ss"));
        QCOMPARE(s.stream.errorCode, 0);
        s = in.next(c);
        QCOMPARE(s.kind, Step::Kind::StartTranscription);
        QCOMPARE(s.transcription.statusCallbackUrl, QStringLiteral("https://app.example.com/t"));
        QCOMPARE(s.transcription.track, QStringLiteral("inbound_track"));
        s = in.next(c);
        QCOMPARE(s.kind, Step::Kind::ConnectStream);
        QVERIFY(s.stream.bidirectional);
        QCOMPARE(s.stream.url, QStringLiteral("wss://app.example.com/relative"));
        QCOMPARE(s.connectAction, QStringLiteral("https://app.example.com/after"));
        s = in.next(c);
        QCOMPARE(s.kind, Step::Kind::StopStream);
        QCOMPARE(s.stopName, QStringLiteral("one"));
    }

    void streamErrors_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("code");
        QTest::addColumn<bool>("insecure");
        QTest::newRow("http scheme") << doc("<Start><Stream url=\"http://x.example/s\"/></Start>") << 31922 << false;
        QTest::newRow("ws allowed with warning")
            << doc("<Start><Stream url=\"ws://x.example/s\"/></Start>") << 0 << true;
        QTest::newRow("no url") << doc("<Start><Stream/></Start>") << 31923 << false;
        QTest::newRow("bad track") << doc("<Start><Stream url=\"wss://x.example/s\" track=\"left\"/></Start>") << 31941
                                   << false;
        QTest::newRow("connect both tracks")
            << doc("<Connect><Stream url=\"wss://x.example/s\" track=\"both_tracks\"/></Connect>") << 31941 << false;
    }
    void streamErrors()
    {
        QFETCH(QByteArray, body);
        QFETCH(int, code);
        QFETCH(bool, insecure);
        Interpreter in(config());
        QVERIFY(!in.loadBody(body, kDocUrl));
        CallerState c = caller();
        const Step s = in.next(c);
        QCOMPARE(s.stream.errorCode, code);
        QCOMPARE(s.stream.insecureScheme, insecure);
    }

    void redirectHangupRejectDial()
    {
        InterpreterConfig cfg = config();
        cfg.dial.status = QStringLiteral("busy");
        Interpreter in(cfg);
        QVERIFY(
            !in.loadBody(doc("<Dial action=\"/dialed\" timeout=\"10\"><Number>+15550001111</Number></Dial>"), kDocUrl));
        CallerState c = caller();
        Step s = in.next(c);
        QCOMPARE(s.kind, Step::Kind::Dial);
        QCOMPARE(s.dialTargets, QStringList{QStringLiteral("Number:+15550001111")});
        QCOMPARE(param(*s.fetch, "DialCallStatus"), QStringLiteral("busy"));
        QCOMPARE(param(*s.fetch, "DialBridged"), QStringLiteral("false"));
        QVERIFY(param(*s.fetch, "DialCallDuration").isNull());
        QVERIFY(param(*s.fetch, "DialCallSid").startsWith(QLatin1String("CA")));

        QVERIFY(!in.loadBody(doc("<Redirect method=\"GET\">../other</Redirect><Say>x</Say>"), kDocUrl));
        s = in.next(c);
        QCOMPARE(s.kind, Step::Kind::Redirect);
        QCOMPARE(s.fetch->url, QStringLiteral("https://app.example.com/other"));
        QCOMPARE(s.fetch->method, QStringLiteral("GET"));
        QCOMPARE(in.next(c).kind, Step::Kind::End);

        QVERIFY(!in.loadBody(doc("<Redirect></Redirect>"), kDocUrl));
        s = in.next(c);
        QCOMPARE(s.kind, Step::Kind::Fail);
        QCOMPARE(s.errorCode, 11100);

        QVERIFY(!in.loadBody(doc("<Hangup/><Say>x</Say>"), kDocUrl));
        QCOMPARE(in.next(c).kind, Step::Kind::Hangup);
        QCOMPARE(in.next(c).kind, Step::Kind::End);
        QVERIFY(!in.loadBody(doc("<Reject reason=\"busy\"/>"), kDocUrl));
        s = in.next(c);
        QCOMPARE(s.kind, Step::Kind::Reject);
        QCOMPARE(s.note, QStringLiteral("busy"));
    }

    void unknownVerbsAreSkippedWithWarnings()
    {
        Interpreter in(config());
        QList<twilio::TwimlIssue> issues;
        QVERIFY(!in.loadBody(doc("<say>lower case</say><Enqueue>q</Enqueue><Say>ok</Say>"), kDocUrl, &issues));
        QVERIFY(std::any_of(issues.begin(), issues.end(), [](const auto& i) { return i.code == 12200; }));
        CallerState c = caller();
        QCOMPARE(in.next(c).kind, Step::Kind::Skip);
        QCOMPARE(in.next(c).kind, Step::Kind::Skip);
        QCOMPARE(in.next(c).kind, Step::Kind::Say);
    }

    void malformedDocuments_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("code");
        QTest::newRow("not xml") << QByteArray("hello") << 12100;
        QTest::newRow("unclosed") << QByteArray("<?xml version=\"1.0\"?><Response><Say>x</Response>") << 12100;
        QTest::newRow("leading whitespace") << QByteArray("  <?xml version=\"1.0\"?><Response/>") << 12100;
        QTest::newRow("wrong root") << QByteArray("<?xml version=\"1.0\"?><response/>") << 12100;
        QTest::newRow("empty") << QByteArray() << 12100;
        QTest::newRow("too large") << doc(QByteArray(70000, 'a').prepend("<Say>").append("</Say>").constData())
                                   << 11750;
    }
    void malformedDocuments()
    {
        QFETCH(QByteArray, body);
        QFETCH(int, code);
        Interpreter in(config());
        const auto fatal = in.loadBody(body, kDocUrl);
        QVERIFY(fatal);
        QCOMPARE(fatal->code, code);
        CallerState c = caller();
        QCOMPARE(in.next(c).kind, Step::Kind::End);
    }

    void randomSidsLookLikeTwilios()
    {
        const QString a = randomSid(QLatin1String("CA"));
        QVERIFY(twilio::isValidSid(a, QLatin1String("CA")));
        QVERIFY(a != randomSid(QLatin1String("CA")));
    }
};

QTEST_GUILESS_MAIN(TestInterpreter)
#include "TestInterpreter.moc"
