// SPDX-License-Identifier: GPL-3.0-or-later
// Unit tests for the TwiML element tree, its serialisation and the typed builder. Expected strings
// were produced by twilio-node 6.2.0 (`twiml.VoiceResponse`) for the same calls, with attributes
// given in our (alphabetical) order; tests/oracle covers hundreds more generated documents.
#include "twilio/TwimlBuilder.h"
#include "twilio/TwimlParser.h"

#include <QtTest>

using namespace sb::twilio;

namespace {

const QByteArray kDecl = QByteArrayLiteral("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");

QByteArray doc(const char* body)
{
    return kDecl + QByteArray(body);
}

QString u(const char* utf8)
{
    return QString::fromUtf8(utf8);
}

/// Everything our parser reports as an error for `xml`, one per line (empty when it accepts it).
QString parserErrors(const QByteArray& xml)
{
    QStringList out;
    for (const TwimlIssue& issue : validateTwiml(xml)) {
        if (issue.isError())
            out.append(issue.toString());
    }
    return out.join(QLatin1Char('\n'));
}

} // namespace

class TestTwimlBuilder : public QObject
{
    Q_OBJECT

private slots:
    void emptyResponseIsSelfClosed()
    {
        QCOMPARE(VoiceResponse().toXml(), doc("<Response/>"));
        QCOMPARE(VoiceResponse().node().name, QStringLiteral("Response"));
        QVERIFY(VoiceResponse().node().children.empty());
    }

    void verbsSerialiseExactlyLikeTwilioNode_data()
    {
        QTest::addColumn<QByteArray>("actual");
        QTest::addColumn<QByteArray>("expected");

        QTest::newRow("hangup") << VoiceResponse().hangup().toXml() << doc("<Response><Hangup/></Response>");
        QTest::newRow("say with voice")
            << VoiceResponse().say(QStringLiteral("Hi"), {.voice = QStringLiteral("alice")}).toXml()
            << doc("<Response><Say voice=\"alice\">Hi</Say></Response>");
        QTest::newRow("say attributes in typings order")
            << VoiceResponse()
                   .say(QStringLiteral("Hallo"),
                        {.language = QStringLiteral("de-DE"), .loop = 2, .voice = QStringLiteral("Polly.Marlene")})
                   .toXml()
            << doc("<Response><Say language=\"de-DE\" loop=\"2\" voice=\"Polly.Marlene\">Hallo</Say></Response>");
        QTest::newRow("play url") << VoiceResponse().play(QStringLiteral("https://example.com/a.mp3")).toXml()
                                  << doc("<Response><Play>https://example.com/a.mp3</Play></Response>");
        QTest::newRow("play digits only") << VoiceResponse().play({}, {.digits = QStringLiteral("ww12#")}).toXml()
                                          << doc("<Response><Play digits=\"ww12#\"/></Response>");
        QTest::newRow("pause") << VoiceResponse().pause({.length = 3}).toXml()
                               << doc("<Response><Pause length=\"3\"/></Response>");
        QTest::newRow("pause negative length written as given")
            << VoiceResponse().pause({.length = -1}).toXml() << doc("<Response><Pause length=\"-1\"/></Response>");
        QTest::newRow("record")
            << VoiceResponse()
                   .record({.action = QStringLiteral("/done"),
                            .maxLength = 30,
                            .playBeep = false,
                            .recordingStatusCallbackEvent =
                                QStringList{QStringLiteral("in-progress"), QStringLiteral("completed")},
                            .timeout = 0,
                            .trim = QStringLiteral("do-not-trim")})
                   .toXml()
            << doc("<Response><Record action=\"/done\" maxLength=\"30\" playBeep=\"false\" "
                   "recordingStatusCallbackEvent=\"in-progress completed\" timeout=\"0\" trim=\"do-not-trim\"/>"
                   "</Response>");
        QTest::newRow("gather nesting say play pause")
            << VoiceResponse()
                   .gather(Gather({.action = QStringLiteral("/menu"),
                                   .input = QStringList{QStringLiteral("dtmf"), QStringLiteral("speech")},
                                   .numDigits = 1,
                                   .timeout = 5})
                               .say(QStringLiteral("Press 1"))
                               .play(QStringLiteral("https://example.com/a.mp3"), {.loop = 2})
                               .pause({.length = 2}))
                   .toXml()
            << doc("<Response><Gather action=\"/menu\" input=\"dtmf speech\" numDigits=\"1\" timeout=\"5\">"
                   "<Say>Press 1</Say><Play loop=\"2\">https://example.com/a.mp3</Play><Pause length=\"2\"/>"
                   "</Gather></Response>");
        QTest::newRow("empty input list is an empty attribute")
            << VoiceResponse().gather(Gather({.input = QStringList{}})).toXml()
            << doc("<Response><Gather input=\"\"/></Response>");
        QTest::newRow("start and stop transcription")
            << VoiceResponse()
                   .start(Start().transcription(
                       Transcription({.name = QStringLiteral("t1"),
                                      .partialResults = true,
                                      .statusCallbackUrl = QStringLiteral("https://example.com/t"),
                                      .track = QStringLiteral("both_tracks")})))
                   .stop(Stop().transcription(Transcription({.name = QStringLiteral("t1")})))
                   .toXml()
            << doc("<Response><Start><Transcription name=\"t1\" partialResults=\"true\" "
                   "statusCallbackUrl=\"https://example.com/t\" track=\"both_tracks\"/></Start>"
                   "<Stop><Transcription name=\"t1\"/></Stop></Response>");
        QTest::newRow("connect stream with parameter")
            << VoiceResponse()
                   .connect(Connect({.action = QStringLiteral("/after")})
                                .stream(Stream({.url = QStringLiteral("wss://example.com/bidi")})
                                            .parameter(QStringLiteral("caller"), QStringLiteral("+1415"))))
                   .toXml()
            << doc("<Response><Connect action=\"/after\"><Stream url=\"wss://example.com/bidi\">"
                   "<Parameter name=\"caller\" value=\"+1415\"/></Stream></Connect></Response>");
        QTest::newRow("stop named stream")
            << VoiceResponse().stop(Stop().stream(Stream({.name = QStringLiteral("s1")}))).toXml()
            << doc("<Response><Stop><Stream name=\"s1\"/></Stop></Response>");
        QTest::newRow("redirect escapes ampersand")
            << VoiceResponse()
                   .redirect(QStringLiteral("https://example.com/next?a=1&b=2"), {.method = QStringLiteral("GET")})
                   .toXml()
            << doc("<Response><Redirect method=\"GET\">https://example.com/next?a=1&amp;b=2</Redirect></Response>");
        QTest::newRow("dial number as text") << VoiceResponse().dial(QStringLiteral("+1 (415) 555")).toXml()
                                             << doc("<Response><Dial>+1 (415) 555</Dial></Response>");
        QTest::newRow("dial with nouns")
            << VoiceResponse()
                   .dial(Dial(QStringLiteral("+14155550123"),
                              {.answerOnBridge = true, .callerId = QStringLiteral("+14155550100"), .timeout = 20})
                             .number(QStringLiteral("+14155550124"), {.sendDigits = QStringLiteral("ww1")})
                             .client(QStringLiteral("alice"),
                                     {.statusCallbackEvent =
                                          QStringList{QStringLiteral("ringing"), QStringLiteral("answered")}})
                             .sip(QStringLiteral("sip:bob@example.com"),
                                  {.password = QStringLiteral("p"), .username = QStringLiteral("u")}))
                   .toXml()
            << doc("<Response><Dial answerOnBridge=\"true\" callerId=\"+14155550100\" timeout=\"20\">+14155550123"
                   "<Number sendDigits=\"ww1\">+14155550124</Number>"
                   "<Client statusCallbackEvent=\"ringing answered\">alice</Client>"
                   "<Sip password=\"p\" username=\"u\">sip:bob@example.com</Sip></Dial></Response>");
    }

    void verbsSerialiseExactlyLikeTwilioNode()
    {
        QFETCH(QByteArray, actual);
        QFETCH(QByteArray, expected);
        QCOMPARE(actual, expected);
        QCOMPARE(parserErrors(actual), QString());
    }

    void buildsTheFlowEngineStreamThenSayDocument()
    {
        VoiceResponse r;
        r.start(Start().stream(Stream({.url = QStringLiteral("wss://example.com/media")})
                                   .parameter(QStringLiteral("token"), QStringLiteral("a&b\"c"))))
            .say(QStringLiteral("Connecting you now."), {.voice = QStringLiteral("Polly.Amy")});
        QCOMPARE(r.toXml(),
                 doc("<Response><Start><Stream url=\"wss://example.com/media\"><Parameter name=\"token\" "
                     "value=\"a&amp;b&quot;c\"/></Stream></Start><Say voice=\"Polly.Amy\">Connecting you now.</Say>"
                     "</Response>"));
        QVERIFY(validateTwimlTree(r.node()).isEmpty());
    }

    void escapesAttributeValuesLikeTwilioNode_data()
    {
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("escaped");
        QTest::newRow("ampersand") << QStringLiteral("a&b") << QStringLiteral("a&amp;b");
        QTest::newRow("less than") << QStringLiteral("a<b") << QStringLiteral("a&lt;b");
        QTest::newRow("greater than stays literal") << QStringLiteral("a>b") << QStringLiteral("a>b");
        QTest::newRow("double quote") << QStringLiteral("say \"hi\"") << QStringLiteral("say &quot;hi&quot;");
        QTest::newRow("single quote stays literal") << QStringLiteral("it's") << QStringLiteral("it's");
        QTest::newRow("tab") << QStringLiteral("a\tb") << QStringLiteral("a&#x9;b");
        QTest::newRow("line feed") << QStringLiteral("a\nb") << QStringLiteral("a&#xA;b");
        QTest::newRow("carriage return") << QStringLiteral("a\rb") << QStringLiteral("a&#xD;b");
        QTest::newRow("entity-looking text is escaped again") << QStringLiteral("&amp;") << QStringLiteral("&amp;amp;");
        QTest::newRow("empty") << QString() << QString();
        QTest::newRow("unicode unchanged")
            << u("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80") << u("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
    }

    void escapesAttributeValuesLikeTwilioNode()
    {
        QFETCH(QString, value);
        QFETCH(QString, escaped);
        QCOMPARE(escapeTwimlAttribute(value), escaped);
        const QByteArray xml = VoiceResponse().say(QStringLiteral("x"), {.voice = value}).toXml();
        QCOMPARE(xml,
                 QByteArray(kDecl + QByteArrayLiteral("<Response><Say voice=\"") + escaped.toUtf8() +
                            QByteArrayLiteral("\">x</Say></Response>")));
        // The value survives a parse exactly (character references keep tab/LF/CR).
        const auto parsed = parseTwiml(xml);
        QVERIFY(parsed.ok());
        QCOMPARE(parsed.value().children.at(0).attribute(u"voice"), value);
    }

    void escapesTextLikeTwilioNode_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("escaped");
        QTest::newRow("ampersand") << QStringLiteral("Tom & Jerry") << QStringLiteral("Tom &amp; Jerry");
        QTest::newRow("angle brackets") << QStringLiteral("<b>") << QStringLiteral("&lt;b&gt;");
        QTest::newRow("cdata end") << QStringLiteral("]]>") << QStringLiteral("]]&gt;");
        QTest::newRow("quotes stay literal") << QStringLiteral("\"a\" 'b'") << QStringLiteral("\"a\" 'b'");
        QTest::newRow("tab and line feed stay literal") << QStringLiteral("a\tb\nc") << QStringLiteral("a\tb\nc");
        QTest::newRow("carriage return is a reference") << QStringLiteral("a\r\nb") << QStringLiteral("a&#xD;\nb");
        QTest::newRow("astral plane") << u("\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9")
                                      << u("\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9");
        QTest::newRow("only whitespace") << QStringLiteral("  ") << QStringLiteral("  ");
    }

    void escapesTextLikeTwilioNode()
    {
        QFETCH(QString, text);
        QFETCH(QString, escaped);
        QCOMPARE(escapeTwimlText(text), escaped);
        const QByteArray xml = VoiceResponse().say(text).toXml();
        QCOMPARE(xml,
                 QByteArray(kDecl + QByteArrayLiteral("<Response><Say>") + escaped.toUtf8() +
                            QByteArrayLiteral("</Say></Response>")));
        const auto parsed = parseTwiml(xml);
        QVERIFY(parsed.ok());
        QCOMPARE(parsed.value().children.at(0).text, text);
    }

    void replacesCharactersXmlCannotRepresent_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("written");
        const QString r(QChar(0xFFFD));
        QTest::newRow("NUL") << QString(QStringLiteral("a") + QChar(0) + QStringLiteral("b"))
                             << QString(QStringLiteral("a") + r + QStringLiteral("b"));
        QTest::newRow("U+0001") << QString(QChar(1)) << r;
        QTest::newRow("vertical tab") << QStringLiteral("a\vb")
                                      << QString(QStringLiteral("a") + r + QStringLiteral("b"));
        QTest::newRow("form feed") << QStringLiteral("\f") << r;
        QTest::newRow("U+001F") << QString(QChar(0x1F)) << r;
        QTest::newRow("U+FFFE") << QString(QChar(0xFFFE)) << r;
        QTest::newRow("U+FFFF") << QString(QChar(0xFFFF)) << r;
        QTest::newRow("lone high surrogate")
            << QString(QChar(0xD83D) + QStringLiteral("x")) << QString(r + QStringLiteral("x"));
        QTest::newRow("lone low surrogate")
            << QString(QStringLiteral("x") + QChar(0xDE00)) << QString(QStringLiteral("x") + r);
        QTest::newRow("reversed pair") << QString(QString(QChar(0xDE00)) + QChar(0xD83D)) << QString(r + r);
        QTest::newRow("high surrogate at end")
            << QString(QStringLiteral("ok") + QChar(0xD83D)) << QString(QStringLiteral("ok") + r);
        QTest::newRow("valid pair kept") << u("\xf0\x9f\x98\x80") << u("\xf0\x9f\x98\x80");
        QTest::newRow("DEL and C1 are allowed") << u("\x7f\xc2\x85\xc2\x9f") << u("\x7f\xc2\x85\xc2\x9f");
        QTest::newRow("noncharacter U+FDD0 is allowed") << u("\xef\xb7\x90") << u("\xef\xb7\x90");
    }

    void replacesCharactersXmlCannotRepresent()
    {
        QFETCH(QString, input);
        QFETCH(QString, written);
        QCOMPARE(isXmlRepresentable(input), input == written);
        QCOMPARE(escapeTwimlText(input), written);
        QCOMPARE(escapeTwimlAttribute(input), written);

        // In text and in attribute values the document stays well-formed and our parser accepts it.
        const QByteArray xml = VoiceResponse().say(input, {.voice = input}).toXml();
        QCOMPARE(parserErrors(xml), QString());
        const auto parsed = parseTwiml(xml);
        QVERIFY(parsed.ok());
        QCOMPARE(parsed.value().children.at(0).text, written);
        QCOMPARE(parsed.value().children.at(0).attribute(u"voice"), written);
    }

    void emptyTextMeansNoText()
    {
        QCOMPARE(VoiceResponse().say(QString()).toXml(), doc("<Response><Say/></Response>"));
        QCOMPARE(VoiceResponse().say(QStringLiteral("")).toXml(), doc("<Response><Say/></Response>"));
        QCOMPARE(VoiceResponse().play(QString()).toXml(), doc("<Response><Play/></Response>"));
        QCOMPARE(VoiceResponse().say(QStringLiteral(" ")).toXml(), doc("<Response><Say> </Say></Response>"));
    }

    void emptyAttributeValuesAreWritten()
    {
        QCOMPARE(VoiceResponse().say(QStringLiteral("x"), {.voice = QString()}).toXml(),
                 doc("<Response><Say voice=\"\">x</Say></Response>"));
        QCOMPARE(VoiceResponse().say(QStringLiteral("x"), {.voice = std::nullopt}).toXml(),
                 doc("<Response><Say>x</Say></Response>"));
    }

    void formatsBooleansIntegersAndLists()
    {
        const TwimlAttributes a =
            GatherAttributes{.actionOnEmptyResult = true,
                             .bargeIn = false,
                             .input = QStringList{QStringLiteral("speech"), QStringLiteral("dtmf")},
                             .numDigits = -7,
                             .timeout = 2147483647}
                .toAttributes();
        QCOMPARE(a.size(), 5);
        QCOMPARE(a.at(0), (TwimlAttribute{QStringLiteral("actionOnEmptyResult"), QStringLiteral("true")}));
        QCOMPARE(a.at(1), (TwimlAttribute{QStringLiteral("bargeIn"), QStringLiteral("false")}));
        QCOMPARE(a.at(2), (TwimlAttribute{QStringLiteral("input"), QStringLiteral("speech dtmf")}));
        QCOMPARE(a.at(3), (TwimlAttribute{QStringLiteral("numDigits"), QStringLiteral("-7")}));
        QCOMPARE(a.at(4), (TwimlAttribute{QStringLiteral("timeout"), QStringLiteral("2147483647")}));
    }

    void extraAttributesComeLastAndOverrideTypedOnesInPlace()
    {
        const SayAttributes attributes{.language = QStringLiteral("en-US"),
                                       .voice = QStringLiteral("man"),
                                       .extra = {{QStringLiteral("customX"), QStringLiteral("1")},
                                                 {QStringLiteral("language"), QStringLiteral("fr-FR")}}};
        QCOMPARE(VoiceResponse().say(QStringLiteral("x"), attributes).toXml(),
                 doc("<Response><Say language=\"fr-FR\" voice=\"man\" customX=\"1\">x</Say></Response>"));
    }

    void setAttributeReplacesInPlaceOrAppends()
    {
        TwimlNode node = TwimlNode::element(QStringLiteral("Say"));
        node.setAttribute(QStringLiteral("a"), QStringLiteral("1"));
        node.setAttribute(QStringLiteral("b"), QStringLiteral("2"));
        node.setAttribute(QStringLiteral("a"), QStringLiteral("3"));
        QCOMPARE(node.attributes.size(), 2);
        QCOMPARE(node.attributes.at(0).name, QStringLiteral("a"));
        QCOMPARE(node.attribute(u"a"), QStringLiteral("3"));
        QCOMPARE(node.attribute(u"missing", QStringLiteral("fallback")), QStringLiteral("fallback"));
        QVERIFY(node.hasAttribute(u"b"));
        QVERIFY(!node.hasAttribute(u"B"));
        QVERIFY(node.findAttribute(u"c") == nullptr);
    }

    void duplicateAttributesInAHandMadeNodeAreWrittenOnce()
    {
        TwimlNode say = TwimlNode::element(QStringLiteral("Say"),
                                           {{QStringLiteral("voice"), QStringLiteral("a")},
                                            {QStringLiteral("loop"), QStringLiteral("1")},
                                            {QStringLiteral("voice"), QStringLiteral("b")}},
                                           QStringLiteral("x"));
        const QByteArray xml = VoiceResponse().append(say).toXml();
        QCOMPARE(xml, doc("<Response><Say voice=\"b\" loop=\"1\">x</Say></Response>"));
        QCOMPARE(parserErrors(xml), QString());
    }

    void namesThatCannotBeWrittenAreLeftOut_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("writable");
        QTest::newRow("camelCase") << QStringLiteral("statusCallback") << true;
        QTest::newRow("hyphen and dot") << QStringLiteral("say-as.x_1") << true;
        QTest::newRow("prefixed") << QStringLiteral("xml:lang") << true;
        QTest::newRow("empty") << QString() << false;
        QTest::newRow("leading digit") << QStringLiteral("1abc") << false;
        QTest::newRow("space") << QStringLiteral("a b") << false;
        QTest::newRow("quote") << QStringLiteral("a\"b") << false;
        QTest::newRow("angle") << QStringLiteral("a>") << false;
        QTest::newRow("leading colon") << QStringLiteral(":a") << false;
        QTest::newRow("two colons") << QStringLiteral("a:b:c") << false;
        QTest::newRow("non-ASCII") << u("\xc3\xa9t\xc3\xa9") << false;
    }

    void namesThatCannotBeWrittenAreLeftOut()
    {
        QFETCH(QString, name);
        QFETCH(bool, writable);
        QCOMPARE(isWritableXmlName(name), writable);

        VoiceResponse r;
        r.say(QStringLiteral("x"), {.extra = {{name, QStringLiteral("v")}}});
        TwimlNode element = TwimlNode::element(name, {}, QStringLiteral("inside"));
        element.appendChild(TwimlNode::element(QStringLiteral("Pause")));
        r.append(element).hangup();
        const QByteArray xml = r.toXml();
        QCOMPARE(parserErrors(xml), QString());
        if (writable) {
            QVERIFY(xml.contains(QByteArray(name.toUtf8() + "=\"v\"")));
            QVERIFY(xml.contains("inside"));
        } else {
            QCOMPARE(xml, doc("<Response><Say>x</Say><Hangup/></Response>"));
        }
    }

    void sayKeepsSsmlMixedContentInOrder()
    {
        const Say say = Say(QStringLiteral("Hello"))
                            .ssml(QStringLiteral("break"), {{QStringLiteral("time"), QStringLiteral("1s")}})
                            .text(QStringLiteral(" world"))
                            .ssml(QStringLiteral("emphasis"),
                                  {{QStringLiteral("level"), QStringLiteral("strong")}},
                                  QStringLiteral("now"))
                            .text(QStringLiteral("!"));
        const QByteArray xml = VoiceResponse().say(say).toXml();
        QCOMPARE(xml,
                 doc("<Response><Say>Hello<break time=\"1s\"/> world<emphasis level=\"strong\">now</emphasis>!</Say>"
                     "</Response>"));
        QCOMPARE(say.node().innerText(), QStringLiteral("Hello worldnow!"));
        QCOMPARE(say.node().children.at(0).tail, QStringLiteral(" world"));
        QVERIFY(validateTwimlTree(VoiceResponse().say(say).node()).isEmpty());
    }

    void appendTextGoesToTheLastChildsTail()
    {
        TwimlNode dial = TwimlNode::element(QStringLiteral("Dial"));
        dial.appendText(QStringLiteral("+1"));
        dial.appendChild(TwimlNode::element(QStringLiteral("Number"), {}, QStringLiteral("+2")));
        dial.appendText(QStringLiteral("a"));
        dial.appendText(QStringLiteral("b"));
        QCOMPARE(dial.text, QStringLiteral("+1"));
        QCOMPARE(dial.children.at(0).tail, QStringLiteral("ab"));
        QCOMPARE(toTwimlElementString(dial), QStringLiteral("<Dial>+1<Number>+2</Number>ab</Dial>"));
        QVERIFY(dial.firstChild(u"Number") != nullptr);
        QVERIFY(dial.firstChild(u"Client") == nullptr);
    }

    void equalityComparesContentButNotSourcePositions()
    {
        TwimlNode a = TwimlNode::element(QStringLiteral("Say"), {{QStringLiteral("voice"), QStringLiteral("x")}});
        TwimlNode b = a;
        b.line = 7;
        b.column = 3;
        b.attributes[0].line = 7;
        QVERIFY(a == b);
        b.tail = QStringLiteral(" ");
        QVERIFY(a != b);
        b = a;
        b.attributes.append({QStringLiteral("loop"), QStringLiteral("1")});
        QVERIFY(a != b);
        b = a;
        b.appendChild(TwimlNode::element(QStringLiteral("break")));
        QVERIFY(a != b);
    }

    void prettyFormIndentsElementOnlyContent()
    {
        VoiceResponse r;
        r.gather(Gather({.numDigits = 1}).say(QStringLiteral("Press 1")).pause())
            .dial(Dial().number(QStringLiteral("+1")))
            .hangup();
        QCOMPARE(r.toPrettyXml(),
                 QStringLiteral("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                                "<Response>\n"
                                "  <Gather numDigits=\"1\">\n"
                                "    <Say>Press 1</Say>\n"
                                "    <Pause/>\n"
                                "  </Gather>\n"
                                "  <Dial>\n"
                                "    <Number>+1</Number>\n"
                                "  </Dial>\n"
                                "  <Hangup/>\n"
                                "</Response>\n"));
        QCOMPARE(r.toPrettyXml(4).count(QStringLiteral("\n        <Say>")), 1);
    }

    void prettyFormKeepsMixedContentOnOneLine()
    {
        VoiceResponse r;
        r.say(Say(QStringLiteral("Hi ")).ssml(QStringLiteral("break")).text(QStringLiteral(" there")))
            .dial(Dial(QStringLiteral("+1")).client(QStringLiteral("bob")));
        QCOMPARE(r.toPrettyXml(),
                 QStringLiteral("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                                "<Response>\n"
                                "  <Say>Hi <break/> there</Say>\n"
                                "  <Dial>+1<Client>bob</Client></Dial>\n"
                                "</Response>\n"));
        const auto pretty = parseTwiml(r.toPrettyXml().toUtf8());
        QVERIFY(pretty.ok());
        QVERIFY(pretty.value() == r.node());
    }

    void ourOutputParsesBackToTheSameTree()
    {
        VoiceResponse r;
        r.start(Start().stream(Stream({.name = QStringLiteral("s"),
                                       .track = QStringLiteral("both_tracks"),
                                       .url = QStringLiteral("wss://example.com/m")})
                                   .parameter(QStringLiteral("k"), u("v\t\n\r&<>\"' \xf0\x9f\x98\x80"))))
            .say(u("\r\n line\ttwo \xe2\x80\xa8 & <three>"), {.loop = 0})
            .gather(Gather({.input = QStringList{QStringLiteral("speech")}}).say(QStringLiteral("  ")))
            .record({.timeout = 3})
            .redirect(QStringLiteral("/again"));
        const auto parsed = parseTwiml(r.toXml());
        QVERIFY2(parsed.ok(), qPrintable(parsed.ok() ? QString() : parsed.error().toString()));
        QVERIFY(parsed.value() == r.node());
        QVERIFY(r.toXml().startsWith(QByteArray(kDecl + "<Response>")));
        QCOMPARE(toTwimlXml(r.node()), r.toXml());
    }
};

QTEST_GUILESS_MAIN(TestTwimlBuilder)
#include "TestTwimlBuilder.moc"
