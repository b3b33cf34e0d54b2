// SPDX-License-Identifier: GPL-3.0-or-later
#include "TwimlIssues.h"
#include "calls/Flow.h"
#include "calls/FlowLibrary.h"
#include "twilio/TwimlParser.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace sb;
using namespace sb::calls;

class TestFlow : public QObject
{
    Q_OBJECT

private slots:
    void builtInFlowsLoadAndProduceValidTwiml()
    {
        const FlowLibrary library = FlowLibrary::load();
        QVERIFY2(library.problems().isEmpty(), qPrintable(library.problems().value(0).message));
        QCOMPARE(library.names(),
                 (QStringList{QStringLiteral("appointment"),
                              QStringLiteral("assistant"),
                              QStringLiteral("chunked"),
                              QStringLiteral("hybrid")}));
        FlowContext context{QStringLiteral("https://pub.example"),
                            QStringLiteral("wss://pub.example/stream"),
                            QStringLiteral("CAfedcba9876543210fedcba9876543210"),
                            QStringLiteral("tok"),
                            0};
        for (const Flow& flow : library.flows()) {
            for (int chunk : {0, 1, 100}) {
                context.chunkIndex = chunk;
                for (const QByteArray& twiml : {voiceTwiml(flow, context), chunkTwiml(flow, context)}) {
                    const auto issues = sb::test::realTwimlIssues(twiml);
                    QVERIFY2(issues.isEmpty(),
                             qPrintable(flow.name + QStringLiteral(": ") + issues.value(0).message +
                                        QStringLiteral("\n") + QString::fromUtf8(twiml)));
                }
            }
        }
    }

    void eachModeUsesItsVerbs()
    {
        const FlowLibrary library = FlowLibrary::load();
        const FlowContext context{QStringLiteral("https://pub.example"),
                                  QStringLiteral("wss://pub.example/stream"),
                                  QStringLiteral("CAfedcba9876543210fedcba9876543210"),
                                  QStringLiteral("tok"),
                                  0};
        const QByteArray realtime = voiceTwiml(*library.find(QStringLiteral("appointment")), context);
        QVERIFY(realtime.contains("<Start><Stream "));
        QVERIFY(realtime.contains("track=\"both_tracks\""));
        QVERIFY(realtime.contains("<Transcription "));
        const QByteArray chunked = voiceTwiml(*library.find(QStringLiteral("chunked")), context);
        QVERIFY(!chunked.contains("<Stream"));
        QVERIFY(chunked.contains("<Record "));
        const QByteArray hybrid = voiceTwiml(*library.find(QStringLiteral("hybrid")), context);
        QVERIFY(hybrid.contains("<Start><Stream ") && hybrid.contains("<Record "));
        const QByteArray assistant = voiceTwiml(*library.find(QStringLiteral("assistant")), context);
        QVERIFY(assistant.contains("<Connect><Stream "));
        QVERIFY(assistant.contains("track=\"inbound_track\""));
    }

    void badFlowsAreRejectedWithAClearReason_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("syntax") << QByteArray("{\n  \"name\": \"x\",\n  oops\n}") << QStringLiteral("line 3");
        QTest::newRow("not object") << QByteArray("[1]") << QStringLiteral("JSON object");
        QTest::newRow("unknown field") << QByteArray(R"({"name":"x","mode":"realtime","greeting":"hi","colour":1})")
                                       << QStringLiteral("\"colour\"");
        QTest::newRow("missing name") << QByteArray(R"({"mode":"realtime","greeting":"hi"})")
                                      << QStringLiteral("\"name\"");
        QTest::newRow("bad name") << QByteArray(R"({"name":"Bad Name","mode":"realtime","greeting":"hi"})")
                                  << QStringLiteral("a-z");
        QTest::newRow("bad mode") << QByteArray(R"({"name":"x","mode":"telepathy","greeting":"hi"})")
                                  << QStringLiteral("telepathy");
        QTest::newRow("bad number") << QByteArray(R"({"name":"x","mode":"chunked","greeting":"hi","maxChunks":0})")
                                    << QStringLiteral("maxChunks");
        QTest::newRow("fraction") << QByteArray(R"({"name":"x","mode":"chunked","greeting":"hi","chunkSeconds":2.5})")
                                  << QStringLiteral("whole number");
        QTest::newRow("wrong type") << QByteArray(R"({"name":"x","mode":"realtime","greeting":7})")
                                    << QStringLiteral("must be a string");
        QTest::newRow("assistant both tracks")
            << QByteArray(R"({"name":"x","mode":"assistant","streamTrack":"both_tracks"})") << QStringLiteral("31941");
        QTest::newRow("no greeting") << QByteArray(R"({"name":"x","mode":"chunked"})") << QStringLiteral("greeting");
    }
    void badFlowsAreRejectedWithAClearReason()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, mentions);
        const auto flow = parseFlow(json, QStringLiteral("my.json"));
        QVERIFY(!flow.ok());
        QVERIFY2(flow.error().message.contains(mentions), qPrintable(flow.error().message));
        QVERIFY(flow.error().message.startsWith(QLatin1String("my.json: ")));
    }

    void userFlowsOverrideBuiltInsAndBadFilesAreReported()
    {
        QTemporaryDir dir;
        QFile good(dir.filePath(QStringLiteral("appointment.json")));
        QVERIFY(good.open(QIODevice::WriteOnly));
        good.write(R"({"name":"appointment","mode":"chunked","greeting":"Custom greeting"})");
        good.close();
        QFile bad(dir.filePath(QStringLiteral("broken.json")));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write("{");
        bad.close();
        const FlowLibrary library = FlowLibrary::load(dir.path());
        QCOMPARE(library.find(QStringLiteral("appointment"))->greeting, QStringLiteral("Custom greeting"));
        QCOMPARE(library.problems().size(), 1);
        QVERIFY(library.problems()[0].message.contains(QLatin1String("broken.json")));
        QVERIFY(library.find(QStringLiteral("hybrid")));
    }

    void textIsEscapedInTwiml()
    {
        Flow flow;
        flow.name = QStringLiteral("x");
        flow.mode = FlowMode::Chunked;
        flow.greeting = QStringLiteral("Tom & Jerry <say> \"hi\"");
        const QByteArray twiml = voiceTwiml(flow,
                                            FlowContext{QStringLiteral("https://p"),
                                                        QStringLiteral("wss://p/stream"),
                                                        QStringLiteral("CA1"),
                                                        QStringLiteral("t"),
                                                        0});
        QVERIFY(twiml.contains("Tom &amp; Jerry &lt;say&gt;"));
        QVERIFY(sb::test::realTwimlIssues(twiml).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestFlow)
#include "TestFlow.moc"
