// SPDX-License-Identifier: GPL-3.0-or-later
// Oracle: Twilio's official helper library (npm `twilio`, tests/oracle/rest-client.js) uses our
// REST API stand-in through a custom httpClient; what it deserialises must be exactly what we
// serve: 120 recordings paged 50 at a time, fetches, calls, a number update, error mapping.
#include "RestApiTestSupport.h"
#include "TestSupport.h"
#include "restapi/RestApiJson.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QProcess>
#include <QtTest>

using namespace sb;
using namespace sb::restapi;
using namespace sb::restapi::testing;

namespace {

QString isoOf(const QDateTime& when)
{
    return when.toUTC().toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzzZ"));
}

} // namespace

class TestRestApiOracle : public QObject
{
    Q_OBJECT

private slots:
    void officialLibrarySeesWhatWeServe()
    {
        const QString node = QStringLiteral(SB_NODE_EXECUTABLE);
        const QString oracleDir = QStringLiteral(SB_ORACLE_DIR);
        QVERIFY2(!node.isEmpty() && QFileInfo(node).isExecutable(), "node is required for the oracle (apt nodejs)");
        QVERIFY2(QFileInfo::exists(oracleDir + QStringLiteral("/node_modules/twilio/package.json")),
                 "npm twilio is missing: run `npm ci --prefix tests/oracle`");

        RestApiStore store;
        seed(store, 120);
        RestApiServer server(store, RestApiServerConfig{});
        QVERIFY(server.start().ok());

        QProcess proc;
        proc.setWorkingDirectory(oracleDir);
        proc.start(node,
                   {oracleDir + QStringLiteral("/rest-client.js"),
                    QStringLiteral("--base"),
                    server.baseUrl(),
                    QStringLiteral("--account"),
                    kAccount,
                    QStringLiteral("--number"),
                    QStringLiteral("PN0123456789abcdef0123456789abcdef"),
                    QStringLiteral("--call"),
                    QStringLiteral("CA00000000000000000000000000000002"),
                    QStringLiteral("--bad-call"),
                    QStringLiteral("CA00000000000000000000000000000001")});
        QVERIFY(proc.waitForStarted(10000));
        proc.write(kToken.toUtf8() + '\n');
        proc.closeWriteChannel();
        // The server runs on this thread: keep the event loop turning while node talks to it.
        QVERIFY(sb::test::waitForExit(proc, 90000));
        const QByteArray err = proc.readAllStandardError();
        QVERIFY2(proc.exitCode() == 0, err.constData());
        const QJsonObject out = QJsonDocument::fromJson(proc.readAllStandardOutput()).object();
        QVERIFY(!out.isEmpty());

        // Auto-paging: 3 requests (50 + 50 + 20), every recording once, in our order, same fields.
        QCOMPARE(out.value(QStringLiteral("listRequests")).toInt(), 3);
        const QJsonArray recs = out.value(QStringLiteral("recordings")).toArray();
        const QList<RecordingRecord> ours = store.recordings();
        QCOMPARE(recs.size(), ours.size());
        for (qsizetype i = 0; i < ours.size(); ++i) {
            const QJsonObject r = recs.at(i).toObject();
            const RecordingRecord& o = ours.at(i);
            QCOMPARE(r.value(QStringLiteral("sid")).toString(), o.sid);
            QCOMPARE(r.value(QStringLiteral("callSid")).toString(), o.callSid);
            QCOMPARE(r.value(QStringLiteral("duration")).toString(), QString::number(o.durationSeconds));
            QCOMPARE(r.value(QStringLiteral("channels")).toInt(), 1);
            QCOMPARE(r.value(QStringLiteral("dateCreated")).toString(), isoOf(o.dateCreated));
            QCOMPARE(r.value(QStringLiteral("mediaUrl")).toString(),
                     server.baseUrl() + accountPath(kAccount) + QStringLiteral("/Recordings/") + o.sid);
            QCOMPARE(r.value(QStringLiteral("uri")).toString(),
                     accountPath(kAccount) + QStringLiteral("/Recordings/") + o.sid + QStringLiteral(".json"));
        }
        const QJsonArray requests = out.value(QStringLiteral("requests")).toArray();
        // First page: the library's own query parameters; later pages: our relative next_page_uri.
        const QJsonObject firstParams = requests.at(0).toObject().value(QStringLiteral("params")).toObject();
        QCOMPARE(firstParams.value(QStringLiteral("PageSize")).toInt(), 50);
        QVERIFY(
            requests.at(1).toObject().value(QStringLiteral("uri")).toString().contains(QStringLiteral("PageToken=PA")));
        QVERIFY(requests.at(2).toObject().value(QStringLiteral("uri")).toString().contains(QStringLiteral("Page=2&")));

        const QJsonObject fetched = out.value(QStringLiteral("fetched")).toObject();
        QCOMPARE(fetched.value(QStringLiteral("sid")).toString(), ours.first().sid);
        QCOMPARE(fetched.value(QStringLiteral("accountSid")).toString(), kAccount);
        QCOMPARE(fetched.value(QStringLiteral("startTime")).toString(), isoOf(ours.first().startTime));
        QCOMPARE(fetched.value(QStringLiteral("priceUnit")).toString(), QStringLiteral("USD"));

        const QJsonArray calls = out.value(QStringLiteral("calls")).toArray();
        const QList<CallRecord> ourCalls = store.calls();
        QCOMPARE(calls.size(), 3); // pageSize 2: the library followed next_page_uri
        for (qsizetype i = 0; i < calls.size(); ++i) {
            QCOMPARE(calls.at(i).toObject().value(QStringLiteral("sid")).toString(), ourCalls.at(i).sid);
            QCOMPARE(calls.at(i).toObject().value(QStringLiteral("startTime")).toString(),
                     isoOf(ourCalls.at(i).startTime));
        }
        QCOMPARE(out.value(QStringLiteral("perCallRecordings")).toArray().size(), 40);

        const QJsonObject number = out.value(QStringLiteral("number")).toObject();
        QCOMPARE(number.value(QStringLiteral("voiceUrl")).toString(), QStringLiteral("http://127.0.0.1:9/voice?x=1 2"));
        QVERIFY(number.value(QStringLiteral("voiceApplicationSid")).isNull());
        QVERIFY(number.value(QStringLiteral("trunkSid")).isNull());
        QCOMPARE(number.value(QStringLiteral("friendlyName")).toString(), QStringLiteral("Oracle line"));
        QCOMPARE(store.phoneNumber(QStringLiteral("PN0123456789abcdef0123456789abcdef"))->voiceUrl,
                 QStringLiteral("http://127.0.0.1:9/voice?x=1 2"));
        QCOMPARE(out.value(QStringLiteral("numbersFound")).toArray(),
                 QJsonArray{QStringLiteral("PN0123456789abcdef0123456789abcdef")});

        QCOMPARE(out.value(QStringLiteral("redirectedStatus")).toString(), QStringLiteral("in-progress"));
        QCOMPARE(store.call(QStringLiteral("CA00000000000000000000000000000002"))->twiml,
                 QStringLiteral("<Response><Hangup/></Response>"));

        const QJsonObject ended = out.value(QStringLiteral("endedError")).toObject();
        QCOMPARE(ended.value(QStringLiteral("status")).toInt(), 400);
        QCOMPARE(ended.value(QStringLiteral("code")).toInt(), 21220);
        QCOMPARE(ended.value(QStringLiteral("message")).toString(),
                 QStringLiteral("Call is not in-progress. Cannot redirect."));
        QCOMPARE(ended.value(QStringLiteral("moreInfo")).toString(),
                 QStringLiteral("https://www.twilio.com/docs/errors/21220"));
        const QJsonObject missing = out.value(QStringLiteral("missingError")).toObject();
        QVERIFY2(missing.value(QStringLiteral("status")).toInt() == 404,
                 qPrintable(QString::fromUtf8(QJsonDocument(missing).toJson())));
        QCOMPARE(missing.value(QStringLiteral("code")).toInt(), 20404);
        QCOMPARE(out.value(QStringLiteral("account")).toObject().value(QStringLiteral("sid")).toString(), kAccount);
        const QJsonObject auth = out.value(QStringLiteral("authError")).toObject();
        QCOMPARE(auth.value(QStringLiteral("status")).toInt(), 401);
        QCOMPARE(auth.value(QStringLiteral("code")).toInt(), 20003);
    }
};

QTEST_GUILESS_MAIN(TestRestApiOracle)
#include "TestRestApiOracle.moc"
