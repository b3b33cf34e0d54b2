// SPDX-License-Identifier: GPL-3.0-or-later
// The flows screen's core side over real files and a real core: listing, validation placed by
// line and field, TwiML and its words, saving (atomic, 0600), and switching the flow of incoming
// calls on a running listener, checked by what POST /voice answers.
#include "CoreTestSupport.h"
#include "TestSupport.h"
#include "bootstrap/CallerHears.h"
#include "bootstrap/Core.h"
#include "bootstrap/FlowCatalog.h"
#include "twilio/Signature.h"

#include <QDir>
#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTemporaryDir>
#include <QtTest>
#include <sys/stat.h>

using namespace sb;
using bootstrap::FlowCatalog;

namespace {
const QByteArray kToken = QByteArrayLiteral("flow-catalog-token");

QString flowText(const QString& name, const char* greeting, const QString& mode = QStringLiteral("realtime"))
{
    return QStringLiteral("{\n  \"name\": \"%1\",\n  \"mode\": \"%2\",\n  \"greeting\": \"%3\",\n"
                          "  \"listenSeconds\": 10\n}\n")
        .arg(name, mode, QString::fromUtf8(greeting));
}

void writeFile(const QString& path, const QByteArray& bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(bytes);
}

/// POST /voice, signed with the listener's token; returns the TwiML (empty on failure).
QByteArray postVoice(quint16 port, const QString& callSid)
{
    const QString url = QStringLiteral("http://127.0.0.1:%1/voice").arg(port);
    const twilio::FormParams params = test::callParams(callSid, QStringLiteral("ringing"));
    QNetworkAccessManager manager;
    QNetworkRequest request{QUrl(url)};
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/x-www-form-urlencoded"));
    request.setRawHeader("X-Twilio-Signature", twilio::signature::compute(kToken, url, params));
    QNetworkReply* reply = manager.post(request, twilio::encodeFormBody(params));
    QSignalSpy finished(reply, &QNetworkReply::finished);
    if (!finished.wait(10000))
        return {};
    reply->deleteLater();
    if (reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() != 200)
        return {};
    return reply->readAll();
}

QString sid(int n)
{
    return QStringLiteral("CA%1").arg(n, 32, 16, QLatin1Char('0'));
}
} // namespace

class TestFlowCatalog : public QObject
{
    Q_OBJECT

private slots:
    void listsBuiltInsAndFilesAndSaysWhichFilesAreBroken()
    {
        QTemporaryDir dir;
        FlowCatalog catalog(dir.filePath(QStringLiteral("flows")));
        QList<bootstrap::FlowInfo> flows = catalog.list(); // the folder does not exist yet
        QCOMPARE(flows.size(), 4);
        for (const auto& f : flows)
            QVERIFY2(f.builtIn && !f.description.isEmpty(), qPrintable(f.name));

        QVERIFY(QDir(dir.path()).mkdir(QStringLiteral("flows")));
        writeFile(dir.filePath(QStringLiteral("flows/mine.json")), flowText(QStringLiteral("mine"), "Hi").toUtf8());
        writeFile(dir.filePath(QStringLiteral("flows/appointment.json")),
                  flowText(QStringLiteral("appointment"), "Override").toUtf8());
        writeFile(dir.filePath(QStringLiteral("flows/broken.json")), "{\n  \"name\": \"broken\",\n  oops\n}\n");
        flows = catalog.list();
        QCOMPARE(flows.size(), 5);
        QStringList names;
        for (const auto& f : flows) {
            names << f.name;
            if (f.name == QLatin1String("mine"))
                QVERIFY(!f.builtIn && !f.overridesBuiltIn && f.path.endsWith(QLatin1String("flows/mine.json")));
            if (f.name == QLatin1String("appointment"))
                QVERIFY(!f.builtIn && f.overridesBuiltIn);
        }
        QCOMPARE(names,
                 (QStringList{QStringLiteral("appointment"),
                              QStringLiteral("assistant"),
                              QStringLiteral("chunked"),
                              QStringLiteral("hybrid"),
                              QStringLiteral("mine")}));
        QCOMPARE(catalog.brokenFiles().size(), 1);
        QVERIFY(catalog.brokenFiles().first().contains(QLatin1String("broken.json")));
        QVERIFY(catalog.source(QStringLiteral("appointment"))->contains(QLatin1String("Override")));
        QVERIFY(catalog.source(QStringLiteral("chunked"))->contains(QLatin1String("\"maxChunks\"")));
        QVERIFY(!catalog.source(QStringLiteral("nope")).ok());
    }

    void validationPlacesProblemsByLineAndField()
    {
        QVERIFY(FlowCatalog::validate(flowText(QStringLiteral("ok"), "Hello")).isEmpty());

        // JSON syntax: line and column from the parser.
        auto problems = FlowCatalog::validate(QStringLiteral("{\n  \"name\": \"x\",\n  \"mode\" \"realtime\"\n}\n"));
        QCOMPARE(problems.size(), 1);
        QCOMPARE(problems[0].line, 3);
        QVERIFY(problems[0].column > 0);
        QVERIFY(problems[0].field.isEmpty());
        QVERIFY(!problems[0].message.startsWith(QLatin1String("line")));

        // A value out of range: the line of its field.
        QString text = flowText(QStringLiteral("ok"), "Hello").replace(QLatin1String("10"), QLatin1String("0"));
        problems = FlowCatalog::validate(text);
        QCOMPARE(problems.size(), 1);
        QCOMPARE(problems[0].line, 5);
        QCOMPARE(problems[0].column, 3);
        QCOMPARE(problems[0].field, QStringLiteral("listenSeconds"));
        QVERIFY(problems[0].message.contains(QLatin1String("from 1 to 14400")));
        QVERIFY(problems[0].describe().startsWith(QLatin1String("line 5, column 3 (listenSeconds): ")));

        // An unknown field, and a bad mode.
        problems = FlowCatalog::validate(
            QStringLiteral("{\n\"name\": \"a\",\n\"mode\": \"realtime\",\n\"greting\": \"x\"\n}"));
        QCOMPARE(problems.value(0).line, 4);
        QCOMPARE(problems.value(0).field, QStringLiteral("greting"));
        problems = FlowCatalog::validate(flowText(QStringLiteral("a"), "x", QStringLiteral("radio")));
        QCOMPARE(problems.value(0).line, 3);
        QCOMPARE(problems.value(0).field, QStringLiteral("mode"));

        // A missing field has no line: the whole document.
        problems = FlowCatalog::validate(QStringLiteral("{\n\"mode\": \"realtime\",\n\"greeting\": \"x\"\n}"));
        QCOMPARE(problems.value(0).line, 0);
        QCOMPARE(problems.value(0).field, QStringLiteral("name"));
        QVERIFY(problems.value(0).describe().startsWith(QLatin1String("document (name): missing")));
    }

    void rendersTheTwimlOfASampleCall()
    {
        const auto twiml = FlowCatalog::renderTwiml(flowText(QStringLiteral("ok"), "Hello there"),
                                                    QStringLiteral("https://example.test"),
                                                    QStringLiteral("wss://example.test/stream"));
        QVERIFY2(twiml.ok(), qPrintable(twiml.ok() ? QString() : twiml.error().message));
        QVERIFY(twiml->startsWith(QLatin1String("<?xml")));
        QVERIFY(twiml->contains(QLatin1String("\n  <Start>\n    <Stream ")));
        QVERIFY(twiml->contains(QLatin1String("url=\"wss://example.test/stream\"")));
        QVERIFY(twiml->contains(QLatin1String("<Say>Hello there</Say>")));
        QVERIFY(twiml->contains(QLatin1String("<Pause length=\"10\"/>")));
        const auto bad = FlowCatalog::renderTwiml(QStringLiteral("{"));
        QVERIFY(!bad.ok());
        QCOMPARE(bad.error().line, 1);
    }

    void describesWhatTheCallerHears()
    {
        const QByteArray doc = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response>"
                               "<Say voice=\"alice\">Welcome to the shop.</Say>"
                               "<Play>https://example.test/tune.mp3</Play>"
                               "<Gather numDigits=\"1\" timeout=\"5\" action=\"/menu\"><Say>Press 1.</Say></Gather>"
                               "<Start><Stream url=\"wss://example.test/stream\" track=\"both_tracks\"/></Start>"
                               "<Pause length=\"2\"/>"
                               "<Hangup/><Say>never</Say></Response>";
        const auto lines = bootstrap::describeTwiml(doc);
        QVERIFY(lines.ok());
        QCOMPARE(lines.value(),
                 (QStringList{QStringLiteral("Says 'Welcome to the shop.' (voice alice)"),
                              QStringLiteral("Plays https://example.test/tune.mp3"),
                              QStringLiteral("Gathers 1 digit for 5 s while it says 'Press 1.', then posts them to "
                                             "/menu; with no input it goes on"),
                              QStringLiteral("Streams both tracks to wss://example.test/stream in the background"),
                              QStringLiteral("Waits 2 s in silence"),
                              QStringLiteral("Hangs up")}));

        const auto record = bootstrap::describeTwiml("<Response><Record maxLength=\"60\" timeout=\"3\" "
                                                     "playBeep=\"false\" action=\"/done\"/><Hangup/></Response>");
        QCOMPARE(record.value(),
                 QStringList{QStringLiteral("Records up to 60 s, ending after 3 s of silence or a key "
                                            "(1234567890*#), then posts the recording to /done")});
        QCOMPARE(bootstrap::describeTwiml("<Response><Say>Bye</Say></Response>").value().last(),
                 QStringLiteral("Hangs up (no more verbs)"));
        QCOMPARE(bootstrap::describeTwiml("<Response><Say>").error().code, QStringLiteral("12100"));

        // A chunked flow in words: its first document, then what follows each chunk.
        const auto chunked = FlowCatalog::describe(FlowCatalog(QString()).source(QStringLiteral("chunked")).value());
        QVERIFY(chunked.ok());
        const QString words = chunked->join(QLatin1Char('\n'));
        QVERIFY2(words.startsWith(QLatin1String("Says 'Thanks for calling.")), qPrintable(words));
        QVERIFY2(words.contains(QLatin1String("\nAfter each recorded chunk but the last:\n    Says 'Got it.")),
                 qPrintable(words));
        QVERIFY2(
            words.endsWith(QLatin1String("After chunk 4, the last:\n    Says 'Thank you, goodbye.'\n    Hangs up")),
            qPrintable(words));
    }

    void savesPrivatelyAndAtomicallyAndReloads()
    {
        test::ScopedUmask umask(022);
        QTemporaryDir dir;
        FlowCatalog catalog(dir.filePath(QStringLiteral("flows")));
        const QString text = flowText(QStringLiteral("saved-flow"), "Saved greeting");
        const auto path = catalog.save(text);
        QVERIFY2(path.ok(), qPrintable(path.ok() ? QString() : path.error().message));
        QCOMPARE(path.value(), dir.filePath(QStringLiteral("flows/saved-flow.json")));
        struct stat st
        {
        };
        QCOMPARE(::stat(QFile::encodeName(path.value()).constData(), &st), 0);
        QCOMPARE(int(st.st_mode & 0777), 0600);
        QCOMPARE(catalog.source(QStringLiteral("saved-flow")).value(), text);
        QCOMPARE(QDir(dir.filePath(QStringLiteral("flows"))).entryList(QDir::Files),
                 QStringList{QStringLiteral("saved-flow.json")}); // no temporary file left

        // Saving again replaces it; an invalid text is refused and leaves the file as it was.
        const QString changed = flowText(QStringLiteral("saved-flow"), "Changed greeting");
        QVERIFY(catalog.save(changed).ok());
        QCOMPARE(catalog.source(QStringLiteral("saved-flow")).value(), changed);
        const auto refused = catalog.save(QString(changed).replace(QLatin1String("10"), QLatin1String("-1")));
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().line, 5);
        QCOMPARE(catalog.source(QStringLiteral("saved-flow")).value(), changed);
        QVERIFY(!FlowCatalog(QString()).save(changed).ok()); // no data folder: nowhere to save
    }

    void activeFlowChangesWhatTheRunningListenerAnswers()
    {
        QTemporaryDir dir;
        const auto owned = test::startCore(dir.path(), kToken);
        QVERIFY(owned);
        bootstrap::Core& core = *owned;
        QCOMPARE(core.activeFlow(), QStringLiteral("appointment"));
        QVERIFY(postVoice(core.port(), sid(1)).contains("Thanks for calling. When would you like"));

        FlowCatalog catalog(core.flowsDir());
        QVERIFY(catalog.save(flowText(QStringLiteral("custom"), "Custom words one")).ok());
        QSignalSpy changed(&core, &bootstrap::Core::activeFlowChanged);
        const auto set = core.setActiveFlow(QStringLiteral("custom"));
        QVERIFY2(set.ok(), qPrintable(set.ok() ? QString() : set.error().message));
        QCOMPARE(core.activeFlow(), QStringLiteral("custom"));
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed.first().first().toString(), QStringLiteral("custom"));
        QVERIFY(postVoice(core.port(), sid(2)).contains("<Say>Custom words one</Say>"));

        // Saved while the listener runs: the next call gets the new text.
        QVERIFY(catalog.save(flowText(QStringLiteral("custom"), "Custom words two")).ok());
        QCOMPARE(core.reloadFlows().value(), QStringLiteral("custom"));
        QVERIFY(postVoice(core.port(), sid(3)).contains("<Say>Custom words two</Say>"));

        // An unknown flow is refused and nothing changes.
        QVERIFY(!core.setActiveFlow(QStringLiteral("no-such-flow")).ok());
        QCOMPARE(core.activeFlow(), QStringLiteral("custom"));
        QVERIFY(postVoice(core.port(), sid(4)).contains("<Say>Custom words two</Say>"));

        // The active flow's file is gone: the demo flow takes over, and the core says so.
        QVERIFY(QFile::remove(QDir(core.flowsDir()).filePath(QStringLiteral("custom.json"))));
        QCOMPARE(core.reloadFlows().value(), QStringLiteral("appointment"));
        QCOMPARE(core.activeFlow(), QStringLiteral("appointment"));
        QCOMPARE(changed.size(), 2);
        QVERIFY(postVoice(core.port(), sid(5)).contains("Thanks for calling. When would you like"));
    }
};

QTEST_MAIN(TestFlowCatalog)
#include "TestFlowCatalog.moc"
