// SPDX-License-Identifier: GPL-3.0-or-later
// sb::storage::HistoryQueries and the JSON of `switchboard calls list|show --json`, over a real
// SQLite file written by Storage.
#include "StorageTestSupport.h"
#include "storage/HistoryQueries.h"
#include "storage/Storage.h"

#include <QJsonDocument>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

using namespace sb::storage;
using namespace sb::storage::test;
using sb::Result;

class TestHistoryQueries : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    QString path() const { return m_dir->filePath(QStringLiteral("switchboard.sqlite")); }

    std::unique_ptr<HistoryQueries> open()
    {
        auto history = HistoryQueries::open(path());
        if (!history) {
            qWarning("%s", qPrintable(history.error().message));
            return nullptr;
        }
        return std::move(history).value();
    }

    /// One complete call: CA1 with two streams, events, transcript, a recording and webhooks.
    static void writeFullCall(Storage& storage)
    {
        CallRecord call = sampleCall(QStringLiteral("CA1"), at(0));
        call.status = QStringLiteral("completed");
        call.endedAt = at(61, 500);
        call.durationSeconds = 60;
        call.lastStatusSequence = 3;
        call.state = QStringLiteral("completed");
        call.streamToken = QStringLiteral("stream-token-never-exported");
        call.chunks = 2;
        storage.upsertCall(call);
        storage.appendEvent(sampleEvent(QStringLiteral("CA1"), QStringLiteral("webhook.voice")));
        storage.appendEvent(sampleEvent(
            QStringLiteral("CA1"), QStringLiteral("dtmf"), {{QStringLiteral("digit"), QStringLiteral("1")}}));
        StreamRecord second = sampleStream(QStringLiteral("MZ2"), QStringLiteral("CA1"));
        second.startedAt = at(30);
        second.tracks = {QStringLiteral("inbound")};
        storage.upsertStream(second);
        StreamRecord first = sampleStream(QStringLiteral("MZ1"), QStringLiteral("CA1"));
        first.stoppedAt = at(60, 250);
        first.status = QStringLiteral("stopped");
        storage.upsertStream(first);
        storage.updateTrackStats(sampleStats(QStringLiteral("MZ1"), QStringLiteral("outbound"), 100));
        storage.updateTrackStats(sampleStats(QStringLiteral("MZ1"), QStringLiteral("inbound"), 2900));
        storage.updateTrackStats(sampleStats(QStringLiteral("MZ2"), QStringLiteral("inbound"), 50));
        storage.appendTranscript(sampleTranscript(QStringLiteral("CA1"), QStringLiteral("second"), 20));
        storage.appendTranscript(sampleTranscript(QStringLiteral("CA1"), QStringLiteral("first"), 10));
        storage.upsertRecording(sampleRecording(QStringLiteral("RE1"), QStringLiteral("CA1")));
        storage.appendWebhook(sampleWebhook(QStringLiteral("/voice"), QStringLiteral("CA1")));
        storage.appendWebhook(sampleWebhook(QStringLiteral("/status"), QStringLiteral("CA1")));
    }

private slots:
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
    }

    void openRefusesMissingHistory()
    {
        const auto history = HistoryQueries::open(path());
        QVERIFY(!history.ok());
        QCOMPARE(history.error().code, QStringLiteral("storage.not-found"));
        QVERIFY(!QFileInfo::exists(path()));
    }

    void listCallsNewestFirstWithCountsAndPaging()
    {
        {
            Storage storage;
            QVERIFY(storage.open(path()).ok());
            storage.upsertCall(sampleCall(QStringLiteral("CAold"), at(0)));
            storage.upsertCall(sampleCall(QStringLiteral("CAnew"), at(300)));
            storage.upsertCall(sampleCall(QStringLiteral("CAmid"), at(100)));
            // Same creation time: the one stored later is listed first.
            storage.upsertCall(sampleCall(QStringLiteral("CAtieA"), at(200)));
            storage.upsertCall(sampleCall(QStringLiteral("CAtieB"), at(200)));
            storage.appendEvent(sampleEvent(QStringLiteral("CAmid"), QStringLiteral("a")));
            storage.appendEvent(sampleEvent(QStringLiteral("CAmid"), QStringLiteral("b")));
            storage.upsertStream(sampleStream(QStringLiteral("MZ1"), QStringLiteral("CAmid")));
            storage.appendTranscript(sampleTranscript(QStringLiteral("CAmid"), QStringLiteral("hi"), 1));
            storage.upsertRecording(sampleRecording(QStringLiteral("RE1"), QStringLiteral("CAmid")));
            storage.upsertRecording(sampleRecording(QStringLiteral("RE2"), QStringLiteral("CAmid")));
            QVERIFY(storage.close());
        }
        auto history = open();
        QVERIFY(history);
        QCOMPARE(*history->countCalls(), 5);
        const Result<QList<CallSummary>> all = history->listCalls(10, 0);
        QVERIFY(all.ok());
        QStringList order;
        for (const CallSummary& s : *all)
            order.append(s.call.callSid);
        QCOMPARE(order,
                 (QStringList{QStringLiteral("CAnew"),
                              QStringLiteral("CAtieB"),
                              QStringLiteral("CAtieA"),
                              QStringLiteral("CAmid"),
                              QStringLiteral("CAold")}));
        const CallSummary& mid = all->at(3);
        QCOMPARE(mid.eventCount, 2);
        QCOMPARE(mid.streamCount, 1);
        QCOMPARE(mid.transcriptSegmentCount, 1);
        QCOMPARE(mid.recordingCount, 2);
        QCOMPARE(mid.call, sampleCall(QStringLiteral("CAmid"), at(100)));
        QCOMPARE(all->at(0).eventCount, 0);

        const Result<QList<CallSummary>> page = history->listCalls(2, 2);
        QVERIFY(page.ok());
        QCOMPARE(page->size(), 2);
        QCOMPARE(page->at(0).call.callSid, QStringLiteral("CAtieA"));
        QCOMPARE(page->at(1).call.callSid, QStringLiteral("CAmid"));
        QCOMPARE(history->listCalls(10, 5)->size(), 0);
        QCOMPARE(history->listCalls(0, 1)->size(), 4); // no limit
    }

    void callDetailAssemblesEverything()
    {
        {
            Storage storage;
            QVERIFY(storage.open(path()).ok());
            writeFullCall(storage);
            storage.appendWebhook(sampleWebhook(QStringLiteral("/voice"), QStringLiteral("CAother")));
            QVERIFY(storage.close());
        }
        auto history = open();
        QVERIFY(history);
        const Result<CallDetail> detail = history->callDetail(QStringLiteral("CA1"));
        QVERIFY2(detail.ok(), qPrintable(detail.ok() ? QString() : detail.error().message));
        QCOMPARE(detail->call.status, QStringLiteral("completed"));
        QCOMPARE(detail->call.endedAt, at(61, 500));
        QCOMPARE(detail->events.size(), 2);
        QCOMPARE(detail->events.at(0).kind, QStringLiteral("webhook.voice"));
        QCOMPARE(detail->events.at(1).detail.value(QStringLiteral("digit")).toString(), QStringLiteral("1"));
        QVERIFY(detail->events.at(0).id < detail->events.at(1).id);

        QCOMPARE(detail->streams.size(), 2);
        QCOMPARE(detail->streams.at(0).stream.streamSid, QStringLiteral("MZ1")); // by start time
        QCOMPARE(detail->streams.at(0).stream, [] {
            StreamRecord s = sampleStream(QStringLiteral("MZ1"), QStringLiteral("CA1"));
            s.stoppedAt = at(60, 250);
            s.status = QStringLiteral("stopped");
            return s;
        }());
        QCOMPARE(detail->streams.at(0).tracks.size(), 2);
        QCOMPARE(detail->streams.at(0).tracks.at(0),
                 sampleStats(QStringLiteral("MZ1"), QStringLiteral("inbound"), 2900));
        QCOMPARE(detail->streams.at(0).tracks.at(1).track, QStringLiteral("outbound"));
        QCOMPARE(detail->streams.at(1).stream.streamSid, QStringLiteral("MZ2"));
        QCOMPARE(detail->streams.at(1).tracks.size(), 1);
        QCOMPARE(detail->streams.at(1).tracks.at(0).frames, 50);

        QCOMPARE(detail->transcripts.size(), 2);
        QCOMPARE(detail->transcripts.at(0).text, QStringLiteral("first")); // by time, not append order
        QCOMPARE(detail->transcripts.at(0).confidence, 0.875);
        QCOMPARE(detail->recordings.size(), 1);
        QCOMPARE(detail->recordings.at(0), sampleRecording(QStringLiteral("RE1"), QStringLiteral("CA1")));
        QCOMPARE(detail->webhookIds, (QList<qint64>{1, 2}));

        const Result<CallDetail> missing = history->callDetail(QStringLiteral("CAnope"));
        QVERIFY(!missing.ok());
        QCOMPARE(missing.error().code, QStringLiteral("storage.not-found"));
        QVERIFY(missing.error().message.contains(QStringLiteral("CAnope")));
    }

    void optionalValuesRoundTripAsUnknown()
    {
        CallRecord bare;
        bare.callSid = QStringLiteral("CAbare");
        bare.createdAt = at(1);
        TranscriptSegment segment = sampleTranscript(QStringLiteral("CAbare"), QStringLiteral("uh"), 2);
        segment.confidence = -1;
        segment.sequence = -1;
        segment.isFinal = false;
        RecordingRecord recording = sampleRecording(QStringLiteral("REbare"), QString());
        recording.durationSeconds = -1;
        {
            Storage storage;
            QVERIFY(storage.open(path()).ok());
            storage.upsertCall(bare);
            storage.appendTranscript(segment);
            storage.upsertRecording(recording);
            QVERIFY(storage.close());
        }
        auto history = open();
        QVERIFY(history);
        const Result<CallDetail> detail = history->callDetail(QStringLiteral("CAbare"));
        QVERIFY(detail.ok());
        QCOMPARE(detail->call, bare);
        QVERIFY(detail->call.answeredAt.isNull());
        QCOMPARE(detail->call.durationSeconds, -1);
        QCOMPARE(detail->transcripts.size(), 1);
        QCOMPARE(detail->transcripts.first().confidence, -1.0);
        QCOMPARE(detail->transcripts.first().sequence, -1);
        QVERIFY(!detail->transcripts.first().isFinal);
        QCOMPARE(detail->recordings.size(), 0); // the recording names no call

        const QJsonObject json = json::callDetail(*detail);
        QVERIFY(json.value(QStringLiteral("answered_at")).isNull());
        QVERIFY(json.value(QStringLiteral("duration_seconds")).isNull());
        QVERIFY(json.value(QStringLiteral("error_code")).isNull());
        const QJsonObject t = json.value(QStringLiteral("transcript")).toArray().first().toObject();
        QVERIFY(t.value(QStringLiteral("confidence")).isNull());
        QVERIFY(t.value(QStringLiteral("sequence")).isNull());
        QCOMPARE(t.value(QStringLiteral("is_final")), QJsonValue(false));
    }

    void webhookLogFiltersAndPages()
    {
        {
            Storage storage;
            QVERIFY(storage.open(path()).ok());
            storage.appendWebhook(sampleWebhook(QStringLiteral("/voice"), QStringLiteral("CA1")));        // 1
            storage.appendWebhook(sampleWebhook(QStringLiteral("/status"), QStringLiteral("CA1")));       // 2
            WebhookLogEntry forged = sampleWebhook(QStringLiteral("/voice"), QStringLiteral("CA2"), 403); // 3
            forged.signatureVerdict = QStringLiteral("mismatch");
            forged.note = QStringLiteral("signature mismatch");
            storage.appendWebhook(forged);
            WebhookLogEntry odd = sampleWebhook(QStringLiteral("/recording"), QString(), 500); // 4
            odd.requestBody = "Digits=100%_done&Speech=Hello+World";
            odd.signatureVerdict = QStringLiteral("not-checked");
            storage.appendWebhook(odd);
            WebhookLogEntry replay = sampleWebhook(QStringLiteral("/voice"), QStringLiteral("CA1")); // 5
            replay.replayOf = 1;
            storage.appendWebhook(replay);
            QVERIFY(storage.close());
        }
        auto history = open();
        QVERIFY(history);
        const auto ids = [&](const WebhookFilter& filter) {
            QList<qint64> out;
            const Result<QList<WebhookLogEntry>> log = history->webhookLog(filter);
            if (!log) {
                qWarning("%s", qPrintable(log.error().message));
                return QList<qint64>{-1};
            }
            for (const WebhookLogEntry& e : *log)
                out.append(e.id);
            return out;
        };
        QCOMPARE(ids({}), (QList<qint64>{5, 4, 3, 2, 1}));
        WebhookFilter f;
        f.text = QStringLiteral("/STAT"); // path, case-insensitive
        QCOMPARE(ids(f), (QList<qint64>{2}));
        f.text = QStringLiteral("ca2"); // call SID (and the body that names it)
        QCOMPARE(ids(f), (QList<qint64>{3}));
        f.text = QStringLiteral("hello+world"); // request body
        QCOMPARE(ids(f), (QList<qint64>{4}));
        f.text = QStringLiteral("%_d"); // % and _ are literal (as wildcards they would match "Sid")
        QCOMPARE(ids(f), (QList<qint64>{4}));
        f.text = QStringLiteral("a%s");
        QCOMPARE(ids(f), QList<qint64>{});
        f.text = QStringLiteral("<Say>"); // response body
        QCOMPARE(ids(f).size(), 5);
        f = {};
        f.minStatus = 400;
        QCOMPARE(ids(f), (QList<qint64>{4, 3}));
        f.maxStatus = 499;
        QCOMPARE(ids(f), (QList<qint64>{3}));
        f = {};
        f.verdict = QStringLiteral("valid");
        f.callSid = QStringLiteral("CA1");
        QCOMPARE(ids(f), (QList<qint64>{5, 2, 1}));
        f.limit = 2;
        QCOMPARE(ids(f), (QList<qint64>{5, 2}));
        f.beforeId = 2;
        QCOMPARE(ids(f), (QList<qint64>{1}));
        f = {};
        f.limit = 0; // all
        QCOMPARE(ids(f).size(), 5);

        const Result<QList<WebhookLogEntry>> list = history->webhookLog({});
        QVERIFY(list.ok());
        QVERIFY(list->first().requestBody.isEmpty()); // no bodies in the list by default
        QCOMPARE(list->first().replayOf, 1);
        QCOMPARE(list->first().requestHeaders.size(), 2);
        WebhookFilter withBodies;
        withBodies.withBodies = true;
        QVERIFY(!history->webhookLog(withBodies)->first().requestBody.isEmpty());
    }

    void webhookEntryRoundTripsBytesExactly()
    {
        WebhookLogEntry entry = sampleWebhook(QStringLiteral("/voice"), QStringLiteral("CA1"));
        entry.requestHeaders = {{"X-Odd", QByteArray("caf\xe9 \x01 bytes")}, {"host", "h"}, {"Host", "dup"}};
        entry.requestBody = QByteArray("\x00\xff\x80 binary", 10);
        entry.responseBody = QByteArray();
        entry.status = 0;
        qint64 id = 0;
        {
            Storage storage;
            QVERIFY(storage.open(path()).ok());
            id = storage.appendWebhook(entry);
            QVERIFY(storage.close());
        }
        entry.id = id;
        auto history = open();
        QVERIFY(history);
        const Result<WebhookLogEntry> stored = history->webhookEntry(id);
        QVERIFY(stored.ok());
        QCOMPARE(stored->requestHeaders, entry.requestHeaders);
        QCOMPARE(stored->requestBody, entry.requestBody);
        QCOMPARE(stored->responseBody, QByteArray(""));
        QCOMPARE(stored->at, entry.at);
        QCOMPARE(stored->id, id);

        const QJsonObject json = json::webhookEntry(*stored, true);
        QVERIFY(json.value(QStringLiteral("request_body")).isNull());
        QCOMPARE(QByteArray::fromBase64(json.value(QStringLiteral("request_body_base64")).toString().toLatin1()),
                 entry.requestBody);
        QCOMPARE(json.value(QStringLiteral("response_body")).toString(), QString());
        QCOMPARE(json.value(QStringLiteral("request_headers")).toArray().at(0).toArray().at(1).toString(),
                 QString::fromLatin1("caf\xe9 \x01 bytes"));
        QCOMPARE(json.value(QStringLiteral("duration_seconds")).toDouble(), 0.00125);
        QVERIFY(!json::webhookEntry(*stored, false).contains(QStringLiteral("request_body")));

        const Result<WebhookLogEntry> missing = history->webhookEntry(999);
        QVERIFY(!missing.ok());
        QCOMPARE(missing.error().code, QStringLiteral("storage.not-found"));
    }

    void signatureDiagnosisRoundTripsAndLiveFilterAgreesWithTheQuery()
    {
        QList<WebhookLogEntry> written;
        {
            Storage storage;
            QVERIFY(storage.open(path()).ok());
            WebhookLogEntry refused = sampleWebhook(QStringLiteral("/voice"), QStringLiteral("CA1"), 403);
            refused.signatureVerdict = QStringLiteral("mismatch");
            refused.signatureDiagnosis = QJsonObject{{QStringLiteral("cause"), QStringLiteral("wrong-public-url")},
                                                     {QStringLiteral("summary"), QStringLiteral("wrong public URL")}};
            written = {refused,
                       sampleWebhook(QStringLiteral("/status"), QStringLiteral("CA1"), 200),
                       sampleWebhook(QStringLiteral("/voice"), QStringLiteral("CA2"), 200),
                       sampleWebhook(QStringLiteral("/status"), QStringLiteral("CA2"), 500)};
            for (WebhookLogEntry& e : written)
                e.id = storage.appendWebhook(e);
            QVERIFY(storage.close());
        }
        auto history = open();
        QVERIFY(history);
        const Result<WebhookLogEntry> stored = history->webhookEntry(written[0].id);
        QVERIFY(stored.ok());
        QCOMPARE(stored->signatureDiagnosis, written[0].signatureDiagnosis);
        QCOMPARE(json::webhookEntry(*stored, false).value(QStringLiteral("signature_diagnosis")).toObject(),
                 written[0].signatureDiagnosis);
        QVERIFY(json::webhookEntry(*history->webhookEntry(written[1].id), false)
                    .value(QStringLiteral("signature_diagnosis"))
                    .isNull());

        // Each filter selects, from the query and from the live matcher, the same entries.
        QList<WebhookFilter> filters(6);
        filters[1].path = QStringLiteral("/status");
        filters[2].minStatus = filters[2].maxStatus = 403;
        filters[3].callSid = QStringLiteral("CA2");
        filters[4].text = QStringLiteral("ca1"); // case folded, found in the call SID and body
        filters[5].path = QStringLiteral("/status");
        filters[5].minStatus = 500;
        for (WebhookFilter filter : filters) {
            filter.withBodies = true;
            const auto queried = history->webhookLog(filter);
            QVERIFY(queried.ok());
            QList<qint64> fromQuery;
            for (const WebhookLogEntry& e : *queried)
                fromQuery.prepend(e.id);
            QList<qint64> fromMatcher;
            for (const WebhookLogEntry& e : written) {
                if (matchesWebhookFilter(filter, e))
                    fromMatcher.append(e.id);
            }
            QCOMPARE(fromMatcher, fromQuery);
        }
        QCOMPARE(history->webhookLog(filters[1])->size(), 2);
    }

    void callListJsonShape()
    {
        {
            Storage storage;
            QVERIFY(storage.open(path()).ok());
            writeFullCall(storage);
            QVERIFY(storage.close());
        }
        auto history = open();
        QVERIFY(history);
        const Result<QList<CallSummary>> calls = history->listCalls(20, 0);
        QVERIFY(calls.ok());
        const QJsonObject doc = json::callList(*calls, *history->countCalls(), 20, 0);
        QCOMPARE(
            doc.keys(),
            (QStringList{
                QStringLiteral("calls"), QStringLiteral("limit"), QStringLiteral("offset"), QStringLiteral("total")}));
        QCOMPARE(doc.value(QStringLiteral("total")).toInteger(), 1);
        const QJsonObject call = doc.value(QStringLiteral("calls")).toArray().first().toObject();
        const QJsonObject expected{
            {QStringLiteral("call_sid"), QStringLiteral("CA1")},
            {QStringLiteral("account_sid"), QStringLiteral("AC0123456789abcdef0123456789abcdef")},
            {QStringLiteral("parent_call_sid"), QJsonValue::Null},
            {QStringLiteral("from"), QStringLiteral("+14155550123")},
            {QStringLiteral("to"), QStringLiteral("+15005550006")},
            {QStringLiteral("direction"), QStringLiteral("inbound")},
            {QStringLiteral("status"), QStringLiteral("completed")},
            {QStringLiteral("state"), QStringLiteral("completed")},
            {QStringLiteral("flow"), QStringLiteral("echo")},
            {QStringLiteral("chunks"), 2},
            {QStringLiteral("created_at"), QStringLiteral("2024-05-01T12:00:00.000Z")},
            {QStringLiteral("answered_at"), QStringLiteral("2024-05-01T12:00:01.500Z")},
            {QStringLiteral("ended_at"), QStringLiteral("2024-05-01T12:01:01.500Z")},
            {QStringLiteral("duration_seconds"), 60},
            {QStringLiteral("last_status_sequence"), 3},
            {QStringLiteral("error_code"), QJsonValue::Null},
            {QStringLiteral("error_message"), QJsonValue::Null},
            {QStringLiteral("event_count"), 2},
            {QStringLiteral("stream_count"), 2},
            {QStringLiteral("transcript_segment_count"), 2},
            {QStringLiteral("recording_count"), 1},
        };
        QCOMPARE(QJsonDocument(call).toJson(QJsonDocument::Compact),
                 QJsonDocument(expected).toJson(QJsonDocument::Compact));
        // The per-call stream token is kept for crash recovery but never exported.
        QVERIFY(!QJsonDocument(doc).toJson().contains("stream-token-never-exported"));
        const Result<CallDetail> detail = history->callDetail(QStringLiteral("CA1"));
        QVERIFY(detail.ok());
        QCOMPARE(detail->call.streamToken, QStringLiteral("stream-token-never-exported"));
        QVERIFY(!QJsonDocument(json::callDetail(*detail)).toJson().contains("stream-token-never-exported"));
    }

    void liveCallsAreThoseNotOver()
    {
        QTemporaryDir dir;
        {
            Storage storage;
            QVERIFY(storage.open(dir.filePath(QStringLiteral("s.sqlite"))).ok());
            CallRecord live = sampleCall(QStringLiteral("CAlive"), at(0));
            live.state = QStringLiteral("streaming");
            live.streamToken = QStringLiteral("tok");
            storage.upsertCall(live);
            CallRecord over = sampleCall(QStringLiteral("CAover"), at(1));
            over.state = QStringLiteral("completed");
            over.endedAt = at(5);
            storage.upsertCall(over);
            CallRecord failedNoEnd = sampleCall(QStringLiteral("CAfailed"), at(2));
            failedNoEnd.state = QStringLiteral("failed");
            storage.upsertCall(failedNoEnd);
            QVERIFY(storage.close());
        }
        auto history = HistoryQueries::open(dir.filePath(QStringLiteral("s.sqlite")));
        QVERIFY(history.ok());
        const auto live = history.value()->liveCalls();
        QVERIFY(live.ok());
        QCOMPARE(live->size(), 1);
        QCOMPARE(live->first().callSid, QStringLiteral("CAlive"));
        QCOMPARE(live->first().streamToken, QStringLiteral("tok"));
        QCOMPARE(live->first().state, QStringLiteral("streaming"));
    }

    void callShowJsonShape()
    {
        {
            Storage storage;
            QVERIFY(storage.open(path()).ok());
            writeFullCall(storage);
            QVERIFY(storage.close());
        }
        auto history = open();
        QVERIFY(history);
        const Result<CallDetail> detail = history->callDetail(QStringLiteral("CA1"));
        QVERIFY(detail.ok());
        const QJsonObject doc = json::callDetail(*detail);
        for (const char* key :
             {"call_sid", "status", "created_at", "events", "streams", "transcript", "recordings", "webhook_ids"})
            QVERIFY2(doc.contains(QLatin1String(key)), key);
        QVERIFY(!doc.contains(QStringLiteral("event_count")));

        const QJsonObject event = doc.value(QStringLiteral("events")).toArray().at(1).toObject();
        QCOMPARE(event.keys(),
                 (QStringList{
                     QStringLiteral("at"), QStringLiteral("detail"), QStringLiteral("id"), QStringLiteral("kind")}));
        QCOMPARE(event.value(QStringLiteral("at")).toString(), QStringLiteral("2024-05-01T12:00:05.250Z"));
        QCOMPARE(event.value(QStringLiteral("detail")).toObject().value(QStringLiteral("digit")).toString(),
                 QStringLiteral("1"));

        const QJsonObject stream = doc.value(QStringLiteral("streams")).toArray().at(0).toObject();
        QCOMPARE(stream.value(QStringLiteral("stream_sid")).toString(), QStringLiteral("MZ1"));
        QCOMPARE(stream.value(QStringLiteral("tracks")).toArray(),
                 (QJsonArray{QStringLiteral("inbound"), QStringLiteral("outbound")}));
        QCOMPARE(stream.value(QStringLiteral("bidirectional")).toBool(), true);
        QCOMPARE(stream.value(QStringLiteral("custom_parameters")).toObject().value(QStringLiteral("token")).toString(),
                 QStringLiteral("t-123"));
        QCOMPARE(stream.value(QStringLiteral("started_at")).toString(), QStringLiteral("2024-05-01T12:00:02.000Z"));
        QCOMPARE(stream.value(QStringLiteral("stopped_at")).toString(), QStringLiteral("2024-05-01T12:01:00.250Z"));
        QCOMPARE(stream.value(QStringLiteral("duration_seconds")).toDouble(), 58.25);
        QCOMPARE(stream.value(QStringLiteral("error")), QJsonValue(QJsonValue::Null));
        const QJsonObject inbound = stream.value(QStringLiteral("track_stats")).toArray().at(0).toObject();
        const QJsonObject expectedTrack{
            {QStringLiteral("track"), QStringLiteral("inbound")},
            {QStringLiteral("frames"), 2900},
            {QStringLiteral("bytes"), 464000},
            {QStringLiteral("audio_seconds"), 58.0}, // 464000 mu-law bytes at 8000 Hz
            {QStringLiteral("gaps"), 2},
            {QStringLiteral("missing_frames"), 5},
            {QStringLiteral("reordered"), 1},
            {QStringLiteral("duplicates"), 3},
            {QStringLiteral("late_frames"), 4},
            {QStringLiteral("wav_path"), QStringLiteral("/data/audio/MZ1-inbound.wav")},
        };
        QCOMPARE(inbound, expectedTrack);
        const QJsonObject live = doc.value(QStringLiteral("streams")).toArray().at(1).toObject();
        QVERIFY(live.value(QStringLiteral("stopped_at")).isNull());
        QVERIFY(live.value(QStringLiteral("duration_seconds")).isNull());

        const QJsonObject segment = doc.value(QStringLiteral("transcript")).toArray().at(0).toObject();
        QCOMPARE(segment.value(QStringLiteral("text")).toString(), QStringLiteral("first"));
        QCOMPARE(segment.value(QStringLiteral("source")).toString(), QStringLiteral("twilio-rtt"));
        QCOMPARE(segment.value(QStringLiteral("confidence")).toDouble(), 0.875);
        QCOMPARE(segment.value(QStringLiteral("sequence")).toInteger(), 10);

        const QJsonObject recording = doc.value(QStringLiteral("recordings")).toArray().at(0).toObject();
        QCOMPARE(recording.value(QStringLiteral("duration_seconds")).toInteger(), 42);
        QCOMPARE(recording.value(QStringLiteral("channels")).toInteger(), 2);
        QVERIFY(recording.value(QStringLiteral("local_path")).isNull());
        QVERIFY(recording.value(QStringLiteral("downloaded_at")).isNull());
        QCOMPARE(doc.value(QStringLiteral("webhook_ids")).toArray(), (QJsonArray{1, 2}));
        // Every time in the document is ISO 8601 UTC with milliseconds.
        QCOMPARE(json::time(at(0, 7)).toString(), QStringLiteral("2024-05-01T12:00:00.007Z"));
        QVERIFY(json::time(QDateTime()).isNull());
    }

    void readersWorkOnAnyThreadBesideTheWriter()
    {
        Storage storage;
        QVERIFY(storage.open(path()).ok());
        storage.upsertCall(sampleCall(QStringLiteral("CA1")));
        QVERIFY(storage.flush());
        std::atomic<int> okReads{0};
        std::vector<std::unique_ptr<QThread>> threads;
        const QString file = path();
        for (int t = 0; t < 3; ++t) {
            threads.emplace_back(QThread::create([file, &okReads] {
                auto history = HistoryQueries::open(file);
                if (!history)
                    return;
                for (int i = 0; i < 50; ++i) {
                    const Result<QList<CallSummary>> calls = (*history)->listCalls();
                    if (calls && !calls->isEmpty() && (*history)->callDetail(QStringLiteral("CA1")).ok())
                        ++okReads;
                }
            }));
            threads.back()->start();
        }
        for (int i = 0; i < 500; ++i)
            storage.appendEvent(sampleEvent(QStringLiteral("CA1"), QStringLiteral("mark")));
        for (auto& thread : threads)
            QVERIFY(thread->wait(30000));
        QCOMPARE(okReads.load(), 150);
        QVERIFY(storage.flush());
        auto history = open();
        QVERIFY(history);
        QCOMPARE(history->callDetail(QStringLiteral("CA1"))->events.size(), 500);
    }
};

QTEST_GUILESS_MAIN(TestHistoryQueries)
#include "TestHistoryQueries.moc"
