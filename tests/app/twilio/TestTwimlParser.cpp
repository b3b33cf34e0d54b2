// SPDX-License-Identifier: GPL-3.0-or-later
// Unit tests for TwiML parsing (tree, positions, whitespace rules), document-level rejection
// (12100 / 11750) and validation (12200, 13611, 11100, 31922, 31923, 31941, editor hints).
#include "twilio/TwimlBuilder.h"
#include "twilio/TwimlParser.h"

#include <QtTest>

using namespace sb::twilio;

namespace {

const QByteArray kDecl = QByteArrayLiteral("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");

/// A one-line document: declaration + `<Response>body</Response>`.
QByteArray response(const QByteArray& body)
{
    return kDecl + QByteArrayLiteral("<Response>") + body + QByteArrayLiteral("</Response>");
}

QString describe(const QList<TwimlIssue>& issues)
{
    QStringList out;
    for (const TwimlIssue& i : issues)
        out.append(i.toString());
    return out.isEmpty() ? QStringLiteral("(no issues)") : out.join(QLatin1Char('\n'));
}

TwimlNode parsed(const QByteArray& xml)
{
    const auto result = parseTwiml(xml);
    if (!result.ok())
        qWarning("unexpected parse failure: %s", qPrintable(result.error().toString()));
    return result.ok() ? result.value() : TwimlNode{};
}

} // namespace

Q_DECLARE_METATYPE(TwimlSeverity)
Q_DECLARE_METATYPE(TwimlNode)

class TestTwimlParser : public QObject
{
    Q_OBJECT

private slots:
    // ----- tree ------------------------------------------------------------------------------------

    void parsesElementsAttributesAndText()
    {
        const TwimlNode root =
            parsed(response("<Say voice=\"alice\" loop=\"2\">Hello &amp; welcome</Say><Pause length=\"1\"/><Hangup/>"));
        QCOMPARE(root.name, QStringLiteral("Response"));
        QCOMPARE(root.children.size(), std::size_t(3));
        const TwimlNode& say = root.children[0];
        QCOMPARE(say.name, QStringLiteral("Say"));
        QCOMPARE(say.attributes.size(), 2);
        QCOMPARE(say.attributes[0].name, QStringLiteral("voice"));
        QCOMPARE(say.attributes[1].name, QStringLiteral("loop"));
        QCOMPARE(say.attribute(u"loop"), QStringLiteral("2"));
        QCOMPARE(say.text, QStringLiteral("Hello & welcome"));
        QCOMPARE(root.children[1].attribute(u"length"), QStringLiteral("1"));
        QVERIFY(root.children[2].attributes.isEmpty());
        QVERIFY(root.children[2].text.isEmpty());
    }

    void recordsLineAndColumnOfElementsAndAttributes_data()
    {
        QTest::addColumn<QByteArray>("lineBreak");
        QTest::newRow("LF") << QByteArray("\n");
        QTest::newRow("CRLF") << QByteArray("\r\n");
        QTest::newRow("CR") << QByteArray("\r");
    }

    void recordsLineAndColumnOfElementsAndAttributes()
    {
        QFETCH(QByteArray, lineBreak);
        QByteArray xml = kDecl + "\n<Response>\n  <Say voice=\"alice\"\n       loop=\"2\">Hi</Say>\n"
                                 "\t<Play>u</Play><!-- <Say> in a comment --><Pause  length = '1' />\n</Response>\n";
        xml.replace("\n", lineBreak);
        const TwimlNode root = parsed(xml);
        QCOMPARE(root.line, 2);
        QCOMPARE(root.column, 1);
        const TwimlNode& say = root.children.at(0);
        QCOMPARE(std::pair(say.line, say.column), std::pair(3, 3));
        QCOMPARE(std::pair(say.attributes[0].line, say.attributes[0].column), std::pair(3, 8));
        QCOMPARE(std::pair(say.attributes[1].line, say.attributes[1].column), std::pair(4, 8));
        const TwimlNode& play = root.children.at(1);
        QCOMPARE(std::pair(play.line, play.column), std::pair(5, 2));
        const TwimlNode& pause = root.children.at(2);
        QCOMPARE(pause.name, QStringLiteral("Pause"));
        QCOMPARE(std::pair(pause.line, pause.column), std::pair(5, 43));
        QCOMPARE(std::pair(pause.attributes[0].line, pause.attributes[0].column), std::pair(5, 51));
    }

    void columnsCountUtf16CodeUnits()
    {
        // U+1F600 takes two UTF-16 code units (and four UTF-8 bytes).
        const TwimlNode root =
            parsed(QByteArray("<Response><Say>\xF0\x9F\x98\x80</Say><Pause length=\"1\"/></Response>"));
        QCOMPARE(root.children.at(0).text, QString::fromUtf8("\xF0\x9F\x98\x80"));
        QCOMPARE(root.children.at(1).column, 24);
        QCOMPARE(root.children.at(1).attributes.at(0).column, 31);
    }

    void positionsSurviveCommentsCdataAndProcessingInstructions()
    {
        const QByteArray xml = response("<?pi <Say>?><!-- <Play/> --><Say><![CDATA[<Gather>]]></Say><Hangup/>");
        const TwimlNode root = parsed(xml);
        QCOMPARE(root.children.size(), std::size_t(2));
        QCOMPARE(root.children[0].text, QStringLiteral("<Gather>"));
        QCOMPARE(root.children[0].column, int(xml.indexOf("<Say><![CDATA") + 1));
        QCOMPARE(root.children[1].column, int(xml.indexOf("<Hangup") + 1));
    }

    void decodesReferencesCdataAndLineEnds()
    {
        const TwimlNode root =
            parsed(response("<Say>a&amp;b&lt;&gt;&quot;&apos;&#xD;&#10;c<![CDATA[<x>&amp;]]>\r\nd\re</Say>"
                            "<Say voice=\"t&#x9;a&#xA;b c\nd\">x</Say>"));
        QCOMPARE(root.children.at(0).text, QStringLiteral("a&b<>\"'\r\nc<x>&amp;\nd\ne"));
        // Literal whitespace in attribute values is normalised to spaces; references are kept.
        QCOMPARE(root.children.at(1).attribute(u"voice"), QStringLiteral("t\ta\nb c d"));
    }

    void dropsFormattingWhitespaceButKeepsMeaningfulText()
    {
        const QByteArray indented = kDecl + "\n<Response>\n  <Gather numDigits=\"1\">\n    <Say> </Say>\n"
                                            "    <Pause/>\n  </Gather>\n  <Dial>\n    <Number>+1</Number>\n"
                                            "  </Dial>\n</Response>\n";
        const QByteArray compact =
            response("<Gather numDigits=\"1\"><Say> </Say><Pause/></Gather><Dial><Number>+1</Number></Dial>");
        const TwimlNode a = parsed(indented);
        QVERIFY(a == parsed(compact));
        QCOMPARE(a.children.at(0).children.at(0).text, QStringLiteral(" "));
        QVERIFY(a.children.at(1).text.isEmpty());

        // Text next to elements is kept when any of it is not whitespace.
        const TwimlNode dial = parsed(response("<Dial>\n  +1 <Number>+2</Number>\n</Dial>")).children.at(0);
        QCOMPARE(dial.text, QStringLiteral("\n  +1 "));
        QCOMPARE(dial.children.at(0).tail, QStringLiteral("\n"));
    }

    void keepsMixedContentInOrder()
    {
        const TwimlNode say =
            parsed(response("<Say>Hi <break time=\"1s\"/>there <emphasis>now</emphasis>!</Say>")).children.at(0);
        QCOMPARE(say.text, QStringLiteral("Hi "));
        QCOMPARE(say.children.size(), std::size_t(2));
        QCOMPARE(say.children[0].tail, QStringLiteral("there "));
        QCOMPARE(say.children[1].text, QStringLiteral("now"));
        QCOMPARE(say.children[1].tail, QStringLiteral("!"));
        QCOMPARE(say.innerText(), QStringLiteral("Hi there now!"));
    }

    void acceptsDocumentsWithoutDeclarationOrWithLeadingWhitespaceBeforeTheRoot()
    {
        const TwimlParseResult plain = analyzeTwiml("<Response><Hangup/></Response>");
        QVERIFY2(plain.issues.isEmpty(), qPrintable(describe(plain.issues)));
        const TwimlParseResult leading = analyzeTwiml("\n  <Response><Hangup/></Response>\n");
        QVERIFY2(leading.issues.isEmpty(), qPrintable(describe(leading.issues)));
        QCOMPARE(std::pair(leading.root->line, leading.root->column), std::pair(2, 3));
    }

    void decodesTheDeclaredEncoding()
    {
        const TwimlParseResult r =
            analyzeTwiml("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><Response><Say>caf\xE9</Say></Response>");
        QVERIFY2(r.issues.isEmpty(), qPrintable(describe(r.issues)));
        QCOMPARE(r.root->children.at(0).text, QString::fromUtf8("caf\xC3\xA9"));
    }

    void roundTripsBuilderOutput_data()
    {
        QTest::addColumn<TwimlNode>("tree");
        QTest::newRow("empty") << VoiceResponse().node();
        QTest::newRow("stream then say")
            << VoiceResponse()
                   .start(Start().stream(Stream({.url = QStringLiteral("wss://example.com/m")})
                                             .parameter(QStringLiteral("token"), QStringLiteral("a\"b&c<d>"))))
                   .say(QStringLiteral("Hello"), {.voice = QStringLiteral("Polly.Amy")})
                   .node();
        QTest::newRow("gather") << VoiceResponse()
                                       .gather(Gather({.input = QStringList{QStringLiteral("dtmf"),
                                                                            QStringLiteral("speech")},
                                                       .speechTimeout = QStringLiteral("auto")})
                                                   .say(QStringLiteral("  Press\t1\r\n  "))
                                                   .play(QStringLiteral("https://x.example/a.mp3?x=1&y=2"))
                                                   .pause({.length = 2}))
                                       .node();
        QTest::newRow("ssml") << VoiceResponse()
                                     .say(Say(QStringLiteral("a"))
                                              .ssml(QStringLiteral("lang"),
                                                    {{QStringLiteral("xml:lang"), QStringLiteral("fr-FR")}},
                                                    QStringLiteral("bonjour"))
                                              .text(QStringLiteral(" b")))
                                     .node();
        QTest::newRow("dial") << VoiceResponse()
                                     .dial(Dial(QStringLiteral(" +1 "), {.timeout = 10})
                                               .number(QStringLiteral("+2"))
                                               .client(QString::fromUtf8("\xF0\x9F\x98\x80"))
                                               .sip(QStringLiteral("sip:a@b")))
                                     .node();
        QTest::newRow("every character class")
            << VoiceResponse()
                   .say(QString::fromUtf8("\t\n\r &<>\"' \xC2\x85 \xE2\x80\xA8 \xEF\xBB\xBF \xF4\x8F\xBF\xBD"),
                        {.voice = QString::fromUtf8("\t\n\r &<>\"' \xC2\x85 \xE2\x80\xA8")})
                   .node();
    }

    void roundTripsBuilderOutput()
    {
        QFETCH(TwimlNode, tree);
        QVERIFY(parsed(toTwimlXml(tree)) == tree);
        QVERIFY(parsed(toPrettyTwiml(tree).toUtf8()) == tree);
    }

    // ----- document-level rejection ----------------------------------------------------------------

    void rejectsDocumentsTwilioCannotParse_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("code");
        QTest::addColumn<int>("line");
        QTest::addColumn<int>("column");
        QTest::addColumn<QString>("message");

        QTest::newRow("empty body") << QByteArray() << 12100 << 1 << 1 << QStringLiteral("Invalid XML");
        QTest::newRow("declaration only") << kDecl << 12100 << 1 << 38 << QStringLiteral("Premature end");
        QTest::newRow("unclosed element")
            << QByteArray("<Response><Say>hi</Response>") << 12100 << 1 << 28 << QStringLiteral("tag mismatch");
        QTest::newRow("second root") << QByteArray("<Response/>\n<Response/>") << 12100 << 2 << 11
                                     << QStringLiteral("Extra content");
        QTest::newRow("byte-order mark") << QByteArray(QByteArray("\xEF\xBB\xBF") + response("")) << 12100 << 1 << 1
                                         << QStringLiteral("byte-order mark");
        QTest::newRow("whitespace before declaration")
            << QByteArray(QByteArray("\n ") + response("")) << 12100 << 1 << 1 << QStringLiteral("Whitespace before");
        QTest::newRow("root is not Response")
            << QByteArray(kDecl + "<Foo/>") << 12100 << 1 << 39 << QStringLiteral("must be <Response>, found <Foo>");
        QTest::newRow("lower-case response")
            << QByteArray("<response/>") << 12100 << 1 << 1 << QStringLiteral("case-sensitive");
        QTest::newRow("doctype") << QByteArray("<!DOCTYPE Response>\n<Response/>") << 12100 << 1 << 1
                                 << QStringLiteral("DOCTYPE");
        QTest::newRow("invalid UTF-8") << QByteArray("<Response>\n<Say>\xC3\x28</Say></Response>") << 12100 << 2 << 6
                                       << QStringLiteral("not valid UTF-8");
        QTest::newRow("overlong UTF-8") << QByteArray("<Response><Say>\xC0\xAF</Say></Response>") << 12100 << 1 << 16
                                        << QStringLiteral("not valid UTF-8");
        QTest::newRow("encoded surrogate") << QByteArray("<Response><Say>\xED\xA0\x80</Say></Response>") << 12100 << 1
                                           << 16 << QStringLiteral("not valid UTF-8");
        QTest::newRow("control character")
            << QByteArray("<Response><Say>a\x01</Say></Response>") << 12100 << 1 << 17 << QStringLiteral("U+0001");
        QTest::newRow("U+FFFF") << QByteArray("<Response><Say>\xEF\xBF\xBF</Say></Response>") << 12100 << 1 << 16
                                << QStringLiteral("U+FFFF");
        QTest::newRow("reference to a control character")
            << QByteArray("<Response><Say>&#x1;</Say></Response>") << 12100 << 1 << 20
            << QStringLiteral("Invalid character reference");
        QTest::newRow("undefined entity")
            << QByteArray("<Response><Say>&nbsp;</Say></Response>") << 12100 << 1 << 21 << QStringLiteral("nbsp");
        QTest::newRow("duplicate attribute") << QByteArray("<Response><Say a=\"1\" a=\"2\"/></Response>") << 12100 << 1
                                             << 28 << QStringLiteral("redefined");
        QTest::newRow("unsupported encoding") << QByteArray("<?xml version=\"1.0\" encoding=\"X-NOPE\"?><Response/>")
                                              << 12100 << 1 << 1 << QStringLiteral("Unsupported document encoding");
        QTest::newRow("body over 64 kB") << response("<Say>" + QByteArray(70000, 'a') + "</Say>") << 11750 << 0 << 0
                                         << QStringLiteral("at most 65536 bytes");
    }

    void rejectsDocumentsTwilioCannotParse()
    {
        QFETCH(QByteArray, body);
        QFETCH(int, code);
        QFETCH(int, line);
        QFETCH(int, column);
        QFETCH(QString, message);

        const auto result = parseTwiml(body);
        QVERIFY2(!result.ok(), "the document was accepted");
        QCOMPARE(result.error().code, QString::number(code));
        QVERIFY2(result.error().message.contains(message), qPrintable(result.error().message));
        QCOMPARE(result.error().line, line);
        QCOMPARE(result.error().column, column);

        const TwimlParseResult analysis = analyzeTwiml(body);
        QVERIFY(analysis.hasErrors());
        QVERIFY(analysis.documentError().has_value());
        QCOMPARE(analysis.documentError()->code, code);
        QCOMPARE(analysis.documentError()->line, line);
    }

    void acceptsABodyOfExactlyTheSizeLimit()
    {
        const QByteArray frame = response("<Say></Say>");
        const QByteArray atLimit = response("<Say>" + QByteArray(kMaxTwimlBodyBytes - frame.size(), 'a') + "</Say>");
        QCOMPARE(atLimit.size(), kMaxTwimlBodyBytes);
        QVERIFY(parseTwiml(atLimit).ok());
        const QByteArray over = response("<Say>" + QByteArray(kMaxTwimlBodyBytes - frame.size() + 1, 'a') + "</Say>");
        const auto rejected = parseTwiml(over);
        QVERIFY(!rejected.ok());
        QCOMPARE(rejected.error().code, QStringLiteral("11750"));
        // Too large is reported, but the document is still read so the editor can show everything.
        QVERIFY(analyzeTwiml(over).root.has_value());
    }

    void keepsReadingWithCorrectPositionsAfterABomOrLeadingWhitespace()
    {
        // The editor still gets the tree and the other problems; positions refer to the text as shown.
        const TwimlParseResult bom = analyzeTwiml(QByteArray("\xEF\xBB\xBF") + response("<say/>"));
        QVERIFY(bom.root.has_value());
        QCOMPARE(bom.issues.size(), 2);
        QCOMPARE(bom.issues.at(0).code, twiml_code::ParseFailure);
        QCOMPARE(std::pair(bom.issues.at(1).line, bom.issues.at(1).column), std::pair(1, 49));

        const TwimlParseResult spaced = analyzeTwiml("\n  " + response("<Pause length=\"x\"/>"));
        QVERIFY(spaced.root.has_value());
        QCOMPARE(spaced.issues.size(), 2);
        QCOMPARE(std::pair(spaced.root->line, spaced.root->column), std::pair(2, 41));
        QCOMPARE(std::pair(spaced.issues.at(1).line, spaced.issues.at(1).column), std::pair(2, 58));
        QVERIFY(spaced.issues.at(1).message.contains(QStringLiteral("length")));
    }

    void survivesTruncationAndByteCorruption()
    {
        // Editor input is arbitrary: every prefix and every single-byte corruption of a realistic
        // document must give a clean answer with positions inside the document.
        const QByteArray xml =
            kDecl + "\r\n<Response>\n  <Start><Stream url=\"wss://x.example/m\"><Parameter name=\"k\" value=\"&amp;\"/>"
                    "</Stream></Start>\n  <Say voice='a'>H\xC3\xA9 <break/>\xF0\x9F\x98\x80<![CDATA[<x>]]></Say>"
                    "<!-- c --><Gather input=\"dtmf\"><Play>u</Play></Gather>\n</Response>\n";
        QVERIFY(validateTwiml(xml).isEmpty());
        const int lines = int(xml.count('\n')) + 1;
        // The first issue with a position outside the document, or an empty string.
        auto badPosition = [&](const TwimlParseResult& r) {
            for (const TwimlIssue& i : r.issues) {
                if (i.line < 0 || i.line > lines || i.column < 0 || (i.line > 0 && i.column < 1))
                    return i.toString();
            }
            return QString();
        };
        const qsizetype closeTag = xml.lastIndexOf("</Response>");
        for (qsizetype n = 0; n < xml.size(); ++n) {
            const TwimlParseResult r = analyzeTwiml(xml.left(n));
            QVERIFY2(badPosition(r).isEmpty(), qPrintable(QStringLiteral("prefix %1: ").arg(n) + badPosition(r)));
            if (n < closeTag + 11)
                QVERIFY2(r.documentError().has_value(), qPrintable(QStringLiteral("prefix %1 accepted").arg(n)));
        }
        int rejected = 0;
        for (qsizetype at = 0; at < xml.size(); ++at) {
            for (const char replacement : {'<', '>', '&', '"', '\'', '/', '\0', '\xFF', ' '}) {
                QByteArray body = xml;
                body[at] = replacement;
                const TwimlParseResult r = analyzeTwiml(body);
                QVERIFY2(badPosition(r).isEmpty(),
                         qPrintable(QStringLiteral("byte %1 = %2: ").arg(at).arg(int(replacement)) + badPosition(r)));
                rejected += r.documentError().has_value() ? 1 : 0;
            }
        }
        QVERIFY(rejected > 0);
    }

    void keepsTheTreeWhenTheRootIsNotResponse()
    {
        const TwimlParseResult r = analyzeTwiml("<Reply><Say>x</Say></Reply>");
        QVERIFY(r.root.has_value());
        QCOMPARE(r.root->name, QStringLiteral("Reply"));
        QCOMPARE(r.issues.size(), 1);
        QCOMPARE(r.issues.at(0).code, twiml_code::ParseFailure);
    }

    // ----- validation ------------------------------------------------------------------------------

    void reportsOneIssuePerProblem_data()
    {
        QTest::addColumn<QByteArray>("xml");
        QTest::addColumn<TwimlSeverity>("severity");
        QTest::addColumn<int>("code");
        QTest::addColumn<QByteArray>("at"); ///< the issue's column is where this first occurs
        QTest::addColumn<QString>("message");

        const auto W = TwimlSeverity::Warning;
        const auto E = TwimlSeverity::Error;
        const QByteArray stream = "<Stream url=\"wss://x.example/m\"/>";
        auto row = [](const char* name,
                      const QByteArray& body,
                      TwimlSeverity severity,
                      int code,
                      const char* at,
                      const char* message) {
            QTest::newRow(name) << response(body) << severity << code << QByteArray(at) << QString::fromUtf8(message);
        };

        // 12200: schema
        row("unknown verb", "<Foo/>", W, 12200, "<Foo", "Unknown element <Foo>");
        row("wrong case verb", "<say>Hi</say>", W, 12200, "<say", "did you mean <Say>?");
        row("unknown attribute", "<Say colour=\"red\">Hi</Say>", W, 12200, "colour", "Unknown attribute \"colour\"");
        row("wrong case attribute", "<Say Voice=\"alice\">Hi</Say>", W, 12200, "Voice", "did you mean \"voice\"?");
        row("say inside start",
            "<Start>" + stream + "<Say>Hi</Say></Start><Pause/>",
            W,
            12200,
            "<Say",
            "<Say> is not allowed inside <Start>");
        row("play digits inside gather",
            "<Gather><Play digits=\"1\">https://x.example/a.mp3</Play></Gather>",
            W,
            12200,
            "digits",
            "<Play digits> is not allowed inside <Gather>");
        row("stream outside start", stream, W, 12200, "<Stream", "it belongs in <Start>, <Connect> or <Stop>");
        row("parameter outside stream",
            "<Start><Parameter name=\"a\" value=\"b\"/></Start><Pause/>",
            W,
            12200,
            "<Parameter",
            "<Parameter> is not allowed inside <Start>");
        row("nested response", "<Gather><Response/></Gather>", W, 12200, "<Response/>", "may only be the root");
        row("ssml p inside p", "<Say><p><p>x</p></p></Say>", W, 12200, "<p>x", "<p> is not allowed inside <p>");
        row("text in gather", "<Gather>press 1</Gather>", W, 12200, "<Gather", "does not take text");
        row("text in hangup", "<Hangup>bye</Hangup>", W, 12200, "<Hangup", "\"bye\" is ignored");
        row("pause length not a number", "<Pause length=\"abc\"/>", W, 12200, "length", "an integer of at least 1");
        row("pause length zero", "<Pause length=\"0\"/>", W, 12200, "length", "an integer of at least 1");
        row("record max length", "<Record maxLength=\"0\"/>", W, 12200, "maxLength", "from 2 to 86400");
        row("gather timeout fraction", "<Gather timeout=\"1.5\"/>", W, 12200, "timeout", "integer");
        row("gather numDigits zero", "<Gather numDigits=\"0\"/>", W, 12200, "numDigits", "at least 1");
        row("say loop negative", "<Say loop=\"-1\">x</Say>", W, 12200, "loop", "at least 0");
        row("play loop spaces", "<Play loop=\" 2\">u</Play>", W, 12200, "loop", "at least 0");
        row("boolean", "<Record playBeep=\"yes\"/>", W, 12200, "playBeep", "true or false");
        row("boolean case", "<Gather bargeIn=\"True\"/>", W, 12200, "bargeIn", "true or false");
        row("gather input unknown", "<Gather input=\"voice\"/>", W, 12200, "input", "list of: dtmf, speech");
        row("gather input empty", "<Gather input=\"\"/>", W, 12200, "input", "list of: dtmf, speech");
        row("record trim", "<Record trim=\"cut\"/>", W, 12200, "trim", "trim-silence, do-not-trim");
        row("method PUT", "<Redirect method=\"PUT\">/x</Redirect>", W, 12200, "method", "GET, POST");
        row("method lower case", "<Gather method=\"post\"/>", W, 12200, "method", "GET, POST");
        row("gather finishOnKey two keys", "<Gather finishOnKey=\"##\"/>", W, 12200, "finishOnKey", "one key");
        row("record finishOnKey letter", "<Record finishOnKey=\"1a\"/>", W, 12200, "finishOnKey", "0-9, # and *");
        row("play digits letter", "<Play digits=\"12x\"/>", W, 12200, "digits", "DTMF digits");
        row("speech timeout", "<Gather speechTimeout=\"soon\"/>", W, 12200, "speechTimeout", "seconds or auto");
        row("transcription track",
            "<Start><Transcription track=\"left\"/></Start><Pause/>",
            W,
            12200,
            "track",
            "inbound_track, outbound_track, both_tracks");
        row("stream status callback relative",
            "<Start><Stream url=\"wss://x.example/m\" statusCallback=\"/cb\"/></Start><Pause/>",
            W,
            12200,
            "statusCallback",
            "absolute http(s) URL");
        row("parameter too long",
            "<Start><Stream url=\"wss://x.example/m\"><Parameter name=\"n\" value=\"" + QByteArray(499, 'x') +
                "\"/></Stream></Start><Pause/>",
            W,
            12200,
            "<Parameter",
            "under 500 characters (500)");
        row("parameter without name",
            "<Start><Stream url=\"wss://x.example/m\"><Parameter value=\"v\"/></Stream></Start><Pause/>",
            W,
            12200,
            "<Parameter",
            "needs a non-empty name");
        row("stop stream without name", "<Stop><Stream/></Stop>", W, 12200, "<Stream", "needs the name");
        row("stop transcription without name",
            "<Stop><Transcription/></Stop>",
            W,
            12200,
            "<Transcription",
            "needs the name");
        row("connect with two nouns",
            "<Connect><Stream url=\"wss://x.example/a\"/><Stream url=\"wss://x.example/b\"/></Connect>",
            W,
            12200,
            "<Stream url=\"wss://x.example/b",
            "exactly one noun");
        row("empty start", "<Start/><Pause/>", W, 12200, "<Start", "needs a noun");
        row("empty dial", "<Dial/>", W, 12200, "<Dial", "needs a number");
        row("play without url", "<Play/>", W, 12200, "<Play", "needs a media URL");
        // 13611
        row("record timeout word", "<Record timeout=\"soon\"/>", W, 13611, "timeout", "at least 0");
        row("record timeout negative", "<Record timeout=\"-1\"/>", W, 13611, "timeout", "at least 0");
        // 11100
        row("redirect without url", "<Redirect/>", E, 11100, "<Redirect", "needs a URL");
        row("redirect blank url", "<Redirect method=\"GET\">  </Redirect>", E, 11100, "<Redirect", "needs a URL");
        // 31922 / 31923 / 31941
        row("https stream url",
            "<Start><Stream url=\"https://x.example/m\"/></Start><Pause/>",
            E,
            31922,
            "url",
            "only wss is supported");
        row("ws stream url", "<Connect><Stream url=\"ws://x.example/m\"/></Connect>", E, 31922, "url", "scheme \"ws\"");
        row("stream url without host",
            "<Start><Stream url=\"wss:///m\"/></Start><Pause/>",
            E,
            31923,
            "url",
            "malformed");
        row("stream url with space",
            "<Start><Stream url=\"wss://exa mple.com/m\"/></Start><Pause/>",
            E,
            31923,
            "url",
            "malformed");
        row("stream url padded",
            "<Start><Stream url=\" wss://x.example/m\"/></Start><Pause/>",
            E,
            31923,
            "url",
            "malformed");
        row("stream url empty", "<Start><Stream url=\"\"/></Start><Pause/>", E, 31923, "url", "empty");
        row("stream url missing", "<Start><Stream name=\"s\"/></Start><Pause/>", E, 31923, "<Stream", "needs a url");
        row("stream url query string",
            "<Start><Stream url=\"wss://x.example/m?token=1\"/></Start><Pause/>",
            W,
            31923,
            "url",
            "query string");
        row("start stream unknown track",
            "<Start><Stream url=\"wss://x.example/m\" track=\"both\"/></Start><Pause/>",
            E,
            31941,
            "track",
            "inbound_track, outbound_track, both_tracks");
        row("connect stream both tracks",
            "<Connect><Stream url=\"wss://x.example/m\" track=\"both_tracks\"/></Connect>",
            E,
            31941,
            "track",
            "only supports inbound_track");
        row("connect stream outbound",
            "<Connect><Stream url=\"wss://x.example/m\" track=\"outbound_track\"/></Connect>",
            E,
            31941,
            "track",
            "only supports inbound_track");
        // editor hints (code 0)
        row("verbs after record", "<Record/><Say>x</Say><Hangup/>", W, 0, "<Say", "<Say> and the verbs after it");
        row("verbs after redirect", "<Redirect>/x</Redirect><Hangup/>", W, 0, "<Hangup", "transfers control");
        row("verbs after hangup", "<Hangup/><Say>x</Say>", W, 0, "<Say", "ends the call");
        row("verbs after gather with actionOnEmptyResult",
            "<Gather actionOnEmptyResult=\"true\"/><Say>x</Say>",
            W,
            0,
            "<Say",
            "always continues at its action URL");
        row("verbs after dial with action",
            "<Dial action=\"/next\">+1</Dial><Say>x</Say>",
            W,
            0,
            "<Say",
            "<Dial> with an action");
        row("verbs after connect with action",
            "<Connect action=\"/next\">" + stream + "</Connect><Say>x</Say>",
            W,
            0,
            "<Say>x",
            "<Connect> with an action");
        row("start is the last verb",
            "<Say>x</Say><Start>" + stream + "</Start>",
            W,
            0,
            "<Start",
            "<Start> is the last verb");
    }

    void reportsOneIssuePerProblem()
    {
        QFETCH(QByteArray, xml);
        QFETCH(TwimlSeverity, severity);
        QFETCH(int, code);
        QFETCH(QByteArray, at);
        QFETCH(QString, message);

        const QList<TwimlIssue> issues = validateTwiml(xml);
        QVERIFY2(issues.size() == 1, qPrintable(describe(issues)));
        const TwimlIssue& issue = issues.first();
        QCOMPARE(issue.code, code);
        QCOMPARE(issue.severity, severity);
        QCOMPARE(issue.line, 1);
        QVERIFY(xml.indexOf(at) >= 0);
        QCOMPARE(issue.column, int(xml.indexOf(at)) + 1);
        QVERIFY2(issue.message.contains(message), qPrintable(issue.message));

        // Only document-level problems stop parseTwiml(); all of these are verb-level.
        QVERIFY(parseTwiml(xml).ok());
    }

    void acceptsValidDocumentsWithoutIssues_data()
    {
        QTest::addColumn<QByteArray>("xml");
        QTest::newRow("empty response") << response("");
        QTest::newRow("self-closed response") << QByteArray(kDecl + "<Response/>");
        QTest::newRow("flow engine document")
            << response("<Start><Stream url=\"wss://example.com/media\" name=\"main\" track=\"both_tracks\">"
                        "<Parameter name=\"token\" value=\"abc\"/></Stream></Start><Say voice=\"Polly.Amy\">Hi</Say>"
                        "<Pause length=\"60\"/>");
        QTest::newRow("gather menu") << response(
            "<Gather input=\"dtmf speech\" numDigits=\"1\" timeout=\"0\" speechTimeout=\"auto\" "
            "finishOnKey=\"\" actionOnEmptyResult=\"false\" method=\"GET\"><Say loop=\"0\">Press 1</Say>"
            "<Play>https://x.example/a.mp3</Play><Pause/></Gather><Say>Bye</Say>");
        QTest::newRow("record last") << response("<Say>Leave a message</Say><Record timeout=\"0\" maxLength=\"120\" "
                                                 "finishOnKey=\"1234567890*#\" playBeep=\"true\" "
                                                 "recordingStatusCallbackEvent=\"in-progress completed absent\" "
                                                 "trim=\"trim-silence\"/>");
        QTest::newRow("connect inbound") << response(
            "<Connect action=\"/after\"><Stream url=\"wss://x.example/m\" track=\"inbound_track\"/>"
            "</Connect>");
        QTest::newRow("relative stream url") << response("<Connect><Stream url=\"/media\"/></Connect>");
        QTest::newRow("stop by name") << response("<Stop><Stream name=\"main\"/><Transcription name=\"t\"/></Stop>");
        QTest::newRow("transcription") << response(
            "<Start><Transcription statusCallbackUrl=\"https://x.example/t\" partialResults=\"true\" "
            "track=\"inbound_track\" enableProviderData=\"false\"/></Start><Pause/>");
        QTest::newRow("dial nouns") << response("<Dial timeout=\"20\" record=\"record-from-answer-dual\">+1<Number>+2"
                                                "</Number><Client>bob</Client><Sip>sip:a@b</Sip>"
                                                "<Conference>room</Conference></Dial><Say>after</Say>");
        QTest::newRow("ssml") << response("<Say>Hi<break strength=\"weak\"/><prosody rate=\"slow\"><emphasis>x"
                                          "</emphasis></prosody><lang xml:lang=\"fr-FR\">oui</lang>"
                                          "<say-as interpret-as=\"digits\">12</say-as></Say>");
        QTest::newRow("unmodelled verbs") << response("<Pay chargeAmount=\"1\"><Prompt for=\"payment-card-number\">"
                                                      "<Say>Card</Say></Prompt></Pay><Enqueue>q</Enqueue>");
        QTest::newRow("indented with comments") << QByteArray(
            kDecl + "\n<!-- menu -->\n<Response>\n  <Say>Hi</Say>\n  <!-- x -->\n  <Hangup/>\n</Response>\n");
    }

    void acceptsValidDocumentsWithoutIssues()
    {
        QFETCH(QByteArray, xml);
        const QList<TwimlIssue> issues = validateTwiml(xml);
        QVERIFY2(issues.isEmpty(), qPrintable(describe(issues)));
    }

    void sortsIssuesByPosition()
    {
        const QByteArray xml = kDecl + "\n<Response>\n  <Foo/>\n  <Pause length=\"x\"/><Say Voice=\"a\">b</Say>\n"
                                       "  <Start/>\n</Response>";
        const QList<TwimlIssue> issues = validateTwiml(xml);
        QVERIFY2(issues.size() == 5, qPrintable(describe(issues))); // Foo, length, Voice, empty Start, Start last
        for (qsizetype i = 1; i < issues.size(); ++i) {
            QVERIFY(std::pair(issues[i - 1].line, issues[i - 1].column) <= std::pair(issues[i].line, issues[i].column));
        }
        QCOMPARE(issues.first().line, 3);
        QCOMPARE(issues.last().line, 5);
    }

    void validatesBuiltTreesWithoutPositions()
    {
        VoiceResponse r;
        r.connect(
            Connect().stream(Stream({.track = QStringLiteral("both_tracks"), .url = QStringLiteral("https://x")})));
        const QList<TwimlIssue> issues = validateTwimlTree(r.node());
        QVERIFY2(issues.size() == 2, qPrintable(describe(issues)));
        QCOMPARE(issues.at(0).code, twiml_code::StreamUrlScheme);
        QCOMPARE(issues.at(1).code, twiml_code::StreamInvalidTrack);
        QCOMPARE(issues.at(0).line, 0);
        QVERIFY(issues.at(0).isError());

        const QList<TwimlIssue> root = validateTwimlTree(TwimlNode::element(QStringLiteral("Say")));
        QCOMPARE(root.size(), 1);
        QCOMPARE(root.at(0).code, twiml_code::ParseFailure);
    }

    void formatsIssuesForDisplay()
    {
        const TwimlIssue positioned{TwimlSeverity::Warning, 12200, 3, 7, QStringLiteral("Unknown element <Foo>")};
        QCOMPARE(positioned.toString(), QStringLiteral("line 3, column 7: warning 12200: Unknown element <Foo>"));
        const TwimlIssue whole{TwimlSeverity::Error, 11750, 0, 0, QStringLiteral("too big")};
        QCOMPARE(whole.toString(), QStringLiteral("error 11750: too big"));
        const TwimlIssue hint{TwimlSeverity::Warning, 0, 1, 1, QStringLiteral("never reached")};
        QCOMPARE(hint.toString(), QStringLiteral("line 1, column 1: warning: never reached"));
    }

    void listsKnownElementsAndAttributesForCompletion()
    {
        const QStringList elements = knownTwimlElements();
        for (const char* name : {"Response",
                                 "Say",
                                 "Play",
                                 "Pause",
                                 "Record",
                                 "Gather",
                                 "Start",
                                 "Connect",
                                 "Stop",
                                 "Stream",
                                 "Parameter",
                                 "Transcription",
                                 "Redirect",
                                 "Hangup",
                                 "Dial",
                                 "Number",
                                 "Client",
                                 "Sip",
                                 "say-as"})
            QVERIFY2(elements.contains(QLatin1String(name)), name);
        QVERIFY(std::is_sorted(elements.begin(), elements.end()));
        const QStringList stream = knownTwimlAttributes(u"Stream");
        QVERIFY(stream.contains(QStringLiteral("url")));
        QVERIFY(stream.contains(QStringLiteral("track")));
        QVERIFY(stream.contains(QStringLiteral("statusCallbackMethod")));
        QVERIFY(knownTwimlAttributes(u"Nope").isEmpty());
        QVERIFY(knownTwimlAttributes(u"Hangup").isEmpty());
    }

    void everyTypedBuilderAttributeIsKnownToTheValidator()
    {
        // A fully populated builder document must not trigger "unknown attribute" warnings.
        VoiceResponse r;
        const QString s = QStringLiteral("x");
        const QString url = QStringLiteral("https://example.com/cb");
        const QString post = QStringLiteral("POST");
        r.say(s, {.language = s, .loop = 1, .voice = s})
            .play(url, {.digits = QStringLiteral("1"), .loop = 1})
            .pause({.length = 1})
            .gather(Gather({.action = url,
                            .actionOnEmptyResult = false,
                            .bargeIn = true,
                            .debug = false,
                            .enhanced = false,
                            .finishOnKey = QStringLiteral("#"),
                            .hints = s,
                            .input = QStringList{QStringLiteral("dtmf")},
                            .language = s,
                            .maxSpeechTime = 10,
                            .method = post,
                            .numDigits = 1,
                            .partialResultCallback = url,
                            .partialResultCallbackMethod = post,
                            .profanityFilter = true,
                            .speechModel = s,
                            .speechTimeout = QStringLiteral("auto"),
                            .timeout = 5}))
            .start(Start({.action = url, .method = post})
                       .stream(Stream({.audioFormat = s,
                                       .connectorName = s,
                                       .name = s,
                                       .sampleRate = s,
                                       .statusCallback = url,
                                       .statusCallbackMethod = post,
                                       .track = QStringLiteral("both_tracks"),
                                       .url = QStringLiteral("wss://x.example/m")}))
                       .transcription(Transcription({.enableAutomaticPunctuation = true,
                                                     .hints = s,
                                                     .inboundTrackLabel = s,
                                                     .intelligenceService = s,
                                                     .languageCode = s,
                                                     .name = s,
                                                     .outboundTrackLabel = s,
                                                     .partialResults = true,
                                                     .profanityFilter = true,
                                                     .speechModel = s,
                                                     .statusCallbackMethod = post,
                                                     .statusCallbackUrl = url,
                                                     .track = QStringLiteral("inbound_track"),
                                                     .transcriptionEngine = s})))
            .stop(Stop().stream(Stream({.name = s})))
            .dial(Dial(s,
                       {.action = url,
                        .answerOnBridge = true,
                        .callerId = s,
                        .events = s,
                        .hangupOnStar = false,
                        .method = post,
                        .passports = s,
                        .record = QStringLiteral("do-not-record"),
                        .recordingConfigurationId = s,
                        .recordingStatusCallback = url,
                        .recordingStatusCallbackEvent = QStringList{QStringLiteral("completed")},
                        .recordingStatusCallbackMethod = post,
                        .recordingTrack = QStringLiteral("both"),
                        .referMethod = post,
                        .referUrl = url,
                        .ringTone = s,
                        .sequential = false,
                        .timeLimit = 60,
                        .timeout = 30,
                        .trim = QStringLiteral("trim-silence")})
                      .number(s,
                              {.amdStatusCallback = url,
                               .amdStatusCallbackMethod = post,
                               .byoc = s,
                               .machineDetection = s,
                               .machineDetectionSilenceTimeout = 1,
                               .machineDetectionSpeechEndThreshold = 1,
                               .machineDetectionSpeechThreshold = 1,
                               .machineDetectionTimeout = 1,
                               .method = post,
                               .sendDigits = s,
                               .statusCallback = url,
                               .statusCallbackEvent = QStringList{QStringLiteral("answered")},
                               .statusCallbackMethod = post,
                               .url = url})
                      .client(s,
                              {.method = post,
                               .statusCallback = url,
                               .statusCallbackEvent = QStringList{QStringLiteral("ringing")},
                               .statusCallbackMethod = post,
                               .url = url})
                      .sip(s,
                           {.amdStatusCallback = url,
                            .amdStatusCallbackMethod = post,
                            .machineDetection = s,
                            .machineDetectionSilenceTimeout = 1,
                            .machineDetectionSpeechEndThreshold = 1,
                            .machineDetectionSpeechThreshold = 1,
                            .machineDetectionTimeout = 1,
                            .method = post,
                            .password = s,
                            .statusCallback = url,
                            .statusCallbackEvent = QStringList{QStringLiteral("completed")},
                            .statusCallbackMethod = post,
                            .url = url,
                            .username = s}))
            .redirect(url, {.method = post})
            .record({.action = url,
                     .finishOnKey = QStringLiteral("#"),
                     .maxLength = 60,
                     .method = post,
                     .playBeep = true,
                     .recordingConfigurationId = s,
                     .recordingStatusCallback = url,
                     .recordingStatusCallbackEvent = QStringList{QStringLiteral("completed")},
                     .recordingStatusCallbackMethod = post,
                     .timeout = 5,
                     .transcribe = false,
                     .transcribeCallback = url,
                     .trim = QStringLiteral("do-not-trim")});
        QList<TwimlIssue> issues = validateTwiml(r.toXml());
        // A <Dial> with an action never returns, so the verbs after it get the one (expected) hint.
        QVERIFY2(issues.size() == 1 && issues.first().code == twiml_code::Hint, qPrintable(describe(issues)));
        QVERIFY2(issues.first().message.startsWith(QStringLiteral("<Redirect> and the verbs after it")),
                 qPrintable(describe(issues)));
    }
};

QTEST_GUILESS_MAIN(TestTwimlParser)
#include "TestTwimlParser.moc"
