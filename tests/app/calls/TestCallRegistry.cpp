// SPDX-License-Identifier: GPL-3.0-or-later
// The call state machine, fed with webhooks in Twilio's order, out of order, and repeated.
#include "TestSupport.h"
#include "TwimlIssues.h"
#include "bootstrap/RecordMapping.h"
#include "calls/CallRegistry.h"
#include "storage/HistoryQueries.h"
#include "storage/Redaction.h"
#include "storage/Storage.h"
#include "twilio/Form.h"
#include "twilio/TwimlParser.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace sb;
using namespace sb::calls;

using webhook::Route;
using webhook::WebhookRequest;

namespace {

const QString kCall = QStringLiteral("CAfedcba9876543210fedcba9876543210");
const QString kAccount = QStringLiteral("AC0123456789abcdef0123456789abcdef");

twilio::FormParams base(const QString& status)
{
    return sb::test::callParams(kCall, status);
}

WebhookRequest request(Route route, twilio::FormParams params)
{
    WebhookRequest r;
    r.route = route;
    r.method = "POST";
    r.params = std::move(params);
    return r;
}

WebhookRequest status(const QString& callStatus, int sequence, int duration = -1)
{
    twilio::FormParams p = base(callStatus);
    p.append({QStringLiteral("SequenceNumber"), QString::number(sequence)});
    p.append({QStringLiteral("CallbackSource"), QStringLiteral("call-progress-events")});
    p.append({QStringLiteral("Timestamp"), QStringLiteral("Tue, 31 Aug 2010 20:36:28 +0000")});
    if (duration >= 0)
        p.append({QStringLiteral("CallDuration"), QString::number(duration)});
    return request(Route::Status, p);
}

QString sidNumber(int n)
{
    return QStringLiteral("CA%1").arg(n, 32, 16, QLatin1Char('0'));
}

/// One whole call: answered, then completed.
void runCall(CallRegistry& registry, const QString& sid)
{
    registry.handle(request(Route::Voice, sb::test::callParams(sid, QStringLiteral("ringing"))));
    twilio::FormParams done = sb::test::callParams(sid, QStringLiteral("completed"));
    done.append({QStringLiteral("SequenceNumber"), QStringLiteral("2")});
    done.append({QStringLiteral("CallDuration"), QStringLiteral("12")});
    registry.handle(request(Route::Status, done));
}

WebhookRequest recordingDone(const QString& sid)
{
    twilio::FormParams p{{QStringLiteral("AccountSid"), kAccount},
                         {QStringLiteral("CallSid"), sid},
                         {QStringLiteral("RecordingSid"), QStringLiteral("RE0123456789abcdef0123456789abcdef")},
                         {QStringLiteral("RecordingStatus"), QStringLiteral("completed")},
                         {QStringLiteral("RecordingUrl"), QStringLiteral("https://api.twilio.com/rec")},
                         {QStringLiteral("RecordingDuration"), QStringLiteral("11")}};
    return request(Route::Recording, p);
}

} // namespace

class TestCallRegistry : public QObject
{
    Q_OBJECT

    std::unique_ptr<CallRegistry> makeRegistry(const QString& flow = QStringLiteral("appointment"))
    {
        auto registry = std::make_unique<CallRegistry>(FlowLibrary::load(), flow);
        registry->setUrls(QStringLiteral("https://pub.example"), QStringLiteral("wss://pub.example/stream"));
        registry->setTokenGenerator([] { return QByteArrayLiteral("0123456789abcdef0123456789abcdef"); });
        return registry;
    }

private slots:
    void voiceWebhookCreatesTheCallAndAnswersWithTheFlowsTwiml()
    {
        auto registry = makeRegistry();
        QSignalSpy events(registry.get(), &CallRegistry::eventRecorded);
        const auto reply = registry->handle(request(Route::Voice, base(QStringLiteral("ringing"))));
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.contentType, QByteArray("text/xml"));
        QVERIFY(reply.body.contains("<Stream "));
        QVERIFY(reply.body.contains("url=\"wss://pub.example/stream\""));
        QVERIFY(reply.body.contains("<Parameter name=\"callToken\" value=\"0123456789abcdef0123456789abcdef\"/>"));
        QVERIFY(reply.body.contains("When would you like your appointment?"));
        const auto issues = sb::test::realTwimlIssues(reply.body);
        QVERIFY2(issues.isEmpty(), qPrintable(issues.isEmpty() ? QString() : issues.first().message));

        const Call* call = registry->find(kCall);
        QVERIFY(call);
        QCOMPARE(call->state, CallState::InProgress);
        QCOMPARE(call->from, QStringLiteral("+14155550123"));
        QCOMPARE(call->flow, QStringLiteral("appointment"));
        QCOMPARE(events.size(), 1);
        QCOMPARE(events[0][0].value<CallEvent>().kind, QStringLiteral("webhook.voice"));
    }

    void malformedWebhookIs400AndChangesNothing_data()
    {
        QTest::addColumn<int>("route");
        QTest::addColumn<QString>("drop");
        QTest::newRow("voice without CallSid") << int(Route::Voice) << QStringLiteral("CallSid");
        QTest::newRow("status without CallStatus") << int(Route::Status) << QStringLiteral("CallStatus");
        QTest::newRow("voice with bad AccountSid") << int(Route::Voice) << QStringLiteral("AccountSid");
    }
    void malformedWebhookIs400AndChangesNothing()
    {
        QFETCH(int, route);
        QFETCH(QString, drop);
        auto registry = makeRegistry();
        twilio::FormParams p = base(QStringLiteral("ringing"));
        for (auto it = p.begin(); it != p.end(); ++it) {
            if (it->first == drop) {
                if (drop == QLatin1String("AccountSid"))
                    it->second = QStringLiteral("not-a-sid");
                else
                    p.erase(it);
                break;
            }
        }
        QSignalSpy changes(registry.get(), &CallRegistry::callChanged);
        const auto reply = registry->handle(request(Route(route), p));
        QCOMPARE(reply.status, 400);
        QVERIFY(reply.body.contains(drop.toLatin1()));
        QVERIFY(registry->calls().isEmpty());
        QCOMPARE(changes.size(), 0);
    }

    void statusCallbacksInOrderEndTheCall()
    {
        auto registry = makeRegistry();
        registry->handle(request(Route::Voice, base(QStringLiteral("ringing"))));
        registry->handle(status(QStringLiteral("ringing"), 0));
        registry->handle(status(QStringLiteral("in-progress"), 1));
        QCOMPARE(registry->find(kCall)->state, CallState::InProgress);
        registry->handle(status(QStringLiteral("completed"), 2, 42));
        const Call* call = registry->find(kCall);
        QCOMPARE(call->state, CallState::Completed);
        QCOMPARE(call->twilioStatus, QStringLiteral("completed"));
        QCOMPARE(call->durationSeconds, qint64(42));
        QVERIFY(call->endedAt.isValid());
    }

    void outOfOrderAndRepeatedCallbacksNeverMoveBackwards()
    {
        auto registry = makeRegistry();
        QSignalSpy events(registry.get(), &CallRegistry::eventRecorded);
        registry->handle(status(QStringLiteral("completed"), 3, 10));
        registry->handle(status(QStringLiteral("in-progress"), 1));
        registry->handle(status(QStringLiteral("ringing"), 0));
        registry->handle(status(QStringLiteral("completed"), 3, 10));
        const Call* call = registry->find(kCall);
        QVERIFY(call);
        QCOMPARE(call->state, CallState::Completed);
        QCOMPARE(call->durationSeconds, qint64(10));
        QCOMPARE(events.size(), 4);
        QCOMPARE(events[1][0].value<CallEvent>().kind, QStringLiteral("status.stale"));
        QCOMPARE(events[3][0].value<CallEvent>().kind, QStringLiteral("status.stale"));
    }

    void callbacksWithoutSequenceNumbersAreOrderedByState()
    {
        auto registry = makeRegistry();
        registry->handle(request(Route::Status, base(QStringLiteral("busy"))));
        registry->handle(request(Route::Status, base(QStringLiteral("ringing"))));
        QCOMPARE(registry->find(kCall)->state, CallState::Failed);
        QCOMPARE(registry->find(kCall)->twilioStatus, QStringLiteral("busy"));
    }

    void streamBindingNeedsTheCallsToken()
    {
        auto registry = makeRegistry();
        registry->handle(request(Route::Voice, base(QStringLiteral("ringing"))));
        QVERIFY(!registry->bindStream(kCall, "wrong", QStringLiteral("MZ1")).ok());
        QVERIFY(!registry->bindStream(kCall, QByteArray(), QStringLiteral("MZ1")).ok());
        QVERIFY(!registry
                     ->bindStream(QStringLiteral("CA00000000000000000000000000000000"),
                                  "0123456789abcdef0123456789abcdef",
                                  QStringLiteral("MZ1"))
                     .ok());
        const auto bound = registry->bindStream(kCall, "0123456789abcdef0123456789abcdef", QStringLiteral("MZ1"));
        QVERIFY(bound.ok());
        QCOMPARE(registry->find(kCall)->state, CallState::Streaming);
        // An in-progress callback while streaming keeps the call streaming.
        registry->handle(status(QStringLiteral("in-progress"), 1));
        QCOMPARE(registry->find(kCall)->state, CallState::Streaming);
        registry->streamEnded(kCall, QStringLiteral("MZ1"), QStringLiteral("stop"));
        QCOMPARE(registry->find(kCall)->state, CallState::InProgress);
        registry->handle(status(QStringLiteral("completed"), 2, 5));
        QVERIFY(!registry->bindStream(kCall, "0123456789abcdef0123456789abcdef", QStringLiteral("MZ2")).ok());
    }

    void chunkedFlowAnswersEachChunkThenSaysGoodbye()
    {
        auto registry = makeRegistry(QStringLiteral("chunked"));
        auto reply = registry->handle(request(Route::Voice, base(QStringLiteral("ringing"))));
        QVERIFY(reply.body.contains("<Record action=\"https://pub.example/process-voice\""));
        for (int chunk = 1; chunk <= 4; ++chunk) {
            twilio::FormParams p = base(QStringLiteral("in-progress"));
            p.append({QStringLiteral("RecordingUrl"),
                      QStringLiteral("https://api.twilio.com/2010-04-01/Accounts/%1/Recordings/RE%2")
                          .arg(kAccount)
                          .arg(chunk, 32, 10, QLatin1Char('0'))});
            p.append({QStringLiteral("RecordingDuration"), QStringLiteral("3")});
            reply = registry->handle(request(Route::ProcessVoice, p));
            QCOMPARE(reply.status, 200);
            if (chunk < 4) {
                QVERIFY2(reply.body.contains("<Record "), reply.body.constData());
                QVERIFY(reply.body.contains("Is there anything else?"));
            } else {
                QVERIFY(!reply.body.contains("<Record "));
                QVERIFY(reply.body.contains("<Hangup/>"));
            }
        }
        QCOMPARE(registry->find(kCall)->chunks, 4);
    }

    void hangupDuringRecordGetsAnEmptyResponse()
    {
        auto registry = makeRegistry(QStringLiteral("chunked"));
        registry->handle(request(Route::Voice, base(QStringLiteral("ringing"))));
        twilio::FormParams p = base(QStringLiteral("completed"));
        p.append({QStringLiteral("RecordingUrl"), QStringLiteral("https://api.twilio.com/x")});
        p.append({QStringLiteral("Digits"), QStringLiteral("hangup")});
        const auto reply = registry->handle(request(Route::ProcessVoice, p));
        QCOMPARE(reply.body, emptyTwiml());
    }

    void transcriptionContentBecomesAnEvent()
    {
        auto registry = makeRegistry();
        QSignalSpy events(registry.get(), &CallRegistry::eventRecorded);
        twilio::FormParams p{{QStringLiteral("AccountSid"), kAccount},
                             {QStringLiteral("CallSid"), kCall},
                             {QStringLiteral("TranscriptionSid"), QStringLiteral("GT0123456789abcdef0123456789abcdef")},
                             {QStringLiteral("Timestamp"), QStringLiteral("2026-01-05T10:00:03.120Z")},
                             {QStringLiteral("SequenceId"), QStringLiteral("4")},
                             {QStringLiteral("TranscriptionEvent"), QStringLiteral("transcription-content")},
                             {QStringLiteral("LanguageCode"), QStringLiteral("en-US")},
                             {QStringLiteral("Track"), QStringLiteral("inbound_track")},
                             {QStringLiteral("TranscriptionData"),
                              QStringLiteral("{\"transcript\":\"next Tuesday at ten\",\"confidence\":0.97}")},
                             {QStringLiteral("Final"), QStringLiteral("true")}};
        const auto reply = registry->handle(request(Route::Transcription, p));
        QCOMPARE(reply.status, 204);
        QCOMPARE(events.size(), 1);
        const CallEvent e = events[0][0].value<CallEvent>();
        QCOMPARE(e.kind, QStringLiteral("transcription.transcription-content"));
        QCOMPARE(e.detail.value(QLatin1String("transcript")).toString(), QStringLiteral("next Tuesday at ten"));
        QCOMPARE(e.detail.value(QLatin1String("final")).toBool(), true);
    }

    void restoredCallsKeepTheirTokenAndState()
    {
        auto registry = makeRegistry();
        Call live;
        live.callSid = kCall;
        live.state = CallState::Streaming;
        live.token = "tok";
        live.activeStreams.insert(QStringLiteral("MZold"));
        registry->restore({live});
        QCOMPARE(registry->find(kCall)->state, CallState::InProgress);
        QVERIFY(registry->find(kCall)->activeStreams.isEmpty());
        QVERIFY(registry->bindStream(kCall, "tok", QStringLiteral("MZnew")).ok());
    }
    void finishedCallsLeaveMemoryAndTheRegistryLevelsOff()
    {
        auto registry = makeRegistry();
        qint64 now = 0;
        registry->setClock([&now] { return now; });
        registry->setRetention({/*finishedMs*/ 1000, /*tombstoneMs*/ 20000, /*maxTombstones*/ 100});
        qsizetype largestLater = 0;
        const int calls = 2000;
        for (int i = 0; i < calls; ++i) {
            runCall(*registry, sidNumber(i));
            now += 100; // ten calls a second
            if (i >= calls / 2)
                largestLater = qMax(largestLater, registry->size());
        }
        // About ten seconds' worth of calls are finished but recent; never thousands.
        QVERIFY2(largestLater <= 15, qPrintable(QString::number(largestLater)));
        QVERIFY2(registry->evictedCount() <= 100, qPrintable(QString::number(registry->evictedCount())));
        QVERIFY(registry->isEvicted(sidNumber(calls - 50)));
        QVERIFY(registry->find(sidNumber(calls - 1)));
    }

    void aRecentFinishedCallHandlesLateCallbacksAsBefore()
    {
        auto registry = makeRegistry();
        qint64 now = 0;
        registry->setClock([&now] { return now; });
        registry->setRetention({60000, 600000, 1000});
        runCall(*registry, kCall);
        now += 59000;
        QSignalSpy events(registry.get(), &CallRegistry::eventRecorded);
        QCOMPARE(registry->handle(status(QStringLiteral("in-progress"), 1)).status, 200);
        QCOMPARE(events.last().at(0).value<CallEvent>().kind, QStringLiteral("status.stale"));
        QVERIFY(registry->find(kCall));
        QCOMPARE(registry->find(kCall)->state, CallState::Completed);
        QVERIFY(!registry->isEvicted(kCall));
    }

    void aLateCallbackAfterEvictionIsAnsweredAndStored()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("switchboard.sqlite"));
        storage::Storage store;
        QVERIFY(store.open(path).ok());
        auto registry = makeRegistry();
        qint64 now = 0;
        registry->setClock([&now] { return now; });
        registry->setRetention({1000, 600000, 1000});
        // Wired as the network side wires it.
        QList<QString> changed;
        connect(registry.get(), &CallRegistry::callChanged, &store, [&](const Call& c) {
            changed << c.callSid;
            store.upsertCall(bootstrap::toRecord(c));
        });
        connect(registry.get(), &CallRegistry::eventRecorded, &store, [&](const CallEvent& e) {
            store.appendEvent(bootstrap::toRecord(e));
            if (auto recording = bootstrap::recordingFrom(e))
                store.upsertRecording(*recording);
        });
        QCOMPARE(registry->handle(request(Route::Voice, base(QStringLiteral("ringing")))).status, 200);
        QCOMPARE(registry->handle(status(QStringLiteral("in-progress"), 1)).status, 200);
        QCOMPARE(registry->handle(status(QStringLiteral("completed"), 3, 42)).status, 200);
        now += 5000;
        runCall(*registry, sidNumber(1)); // any webhook sweeps what is due
        QVERIFY(!registry->find(kCall));
        QVERIFY(registry->isEvicted(kCall));
        changed.clear();

        // Late and out of order: an older status, the recording, a repeated final status.
        const auto stale = registry->handle(status(QStringLiteral("ringing"), 2));
        QCOMPARE(stale.status, 200);
        QVERIFY(stale.body.contains("<Response"));
        QCOMPARE(registry->handle(recordingDone(kCall)).status, 200);
        QCOMPARE(registry->handle(status(QStringLiteral("completed"), 4, 42)).status, 200);
        // A late voice webhook for it gets no new stream and no new token.
        const auto voice = registry->handle(request(Route::Voice, base(QStringLiteral("in-progress"))));
        QCOMPARE(voice.status, 200);
        QVERIFY(!voice.body.contains("<Stream"));
        QVERIFY(!registry->find(kCall));
        QVERIFY2(!changed.contains(kCall), "an evicted call was announced again (its stored row would be replaced)");
        QVERIFY(!registry->bindStream(kCall, "0123456789abcdef0123456789abcdef", QStringLiteral("MZ1")).ok());

        QVERIFY(store.flush());
        auto history = storage::HistoryQueries::open(path);
        QVERIFY(history.ok());
        const auto detail = history.value()->callDetail(kCall);
        QVERIFY(detail.ok());
        // The stored call is the one that ended, untouched by the late callbacks...
        QCOMPARE(detail->call.state, QStringLiteral("completed"));
        QCOMPARE(detail->call.durationSeconds, 42);
        QCOMPARE(detail->call.from, QStringLiteral("+14155550123"));
        QVERIFY(detail->call.answeredAt.isValid());
        // ...and the late callbacks are stored as its events, in order.
        QStringList kinds;
        for (const storage::CallEvent& e : detail->events)
            kinds << e.kind;
        const QStringList tail = kinds.mid(kinds.size() - 4);
        QCOMPARE(tail,
                 (QStringList{QStringLiteral("status.stale"),
                              QStringLiteral("recording.completed"),
                              QStringLiteral("status.completed"),
                              QStringLiteral("webhook.voice")}));
        QCOMPARE(detail->recordings.size(), 1);
        QVERIFY(store.close());
    }

    void storageRedactsTheParameterThatCarriesTheToken()
    {
        QCOMPARE(QLatin1String(storage::kStreamTokenParameter), QLatin1String(kCallTokenParameter));
    }

    void redirectToVoiceWithAFlowSwitchesTheCallsFlow()
    {
        auto registry = makeRegistry();
        registry->handle(request(Route::Voice, base(QStringLiteral("ringing"))));
        WebhookRequest redirected = request(Route::Voice, base(QStringLiteral("in-progress")));
        redirected.query = "flow=chunked";
        const auto reply = registry->handle(redirected);
        QCOMPARE(registry->find(kCall)->flow, QStringLiteral("chunked"));
        QVERIFY(reply.body.contains("<Record "));
        // An unknown flow leaves the call where it is.
        redirected.query = "flow=no-such-flow";
        registry->handle(redirected);
        QCOMPARE(registry->find(kCall)->flow, QStringLiteral("chunked"));
    }

    void quietCallsAreThoseWithoutStreamOrActivity()
    {
        auto registry = makeRegistry();
        qint64 now = 1000;
        registry->setClock([&now] { return now; });
        registry->handle(request(Route::Voice, base(QStringLiteral("ringing"))));
        QVERIFY(registry->quietCalls(500).isEmpty());
        QVERIFY(registry->bindStream(kCall, "0123456789abcdef0123456789abcdef", QStringLiteral("MZ1")).ok());
        now += 10000;
        QVERIFY(registry->quietCalls(500).isEmpty()); // an open stream is activity enough
        registry->streamEnded(kCall, QStringLiteral("MZ1"), QStringLiteral("stop"));
        QVERIFY(registry->quietCalls(500).isEmpty()); // stream.closed just arrived
        now += 500;
        QCOMPARE(registry->quietCalls(500), QStringList{kCall});

        // Twilio says it is still live: it stays live, and its quiet time starts again.
        QSignalSpy events(registry.get(), &CallRegistry::eventRecorded);
        registry->reconcile(kCall, QStringLiteral("rest"), QStringLiteral("in-progress"));
        QCOMPARE(registry->find(kCall)->state, CallState::InProgress);
        QVERIFY(registry->quietCalls(500).isEmpty());
        QCOMPARE(events.size(), 1);
        QCOMPARE(events[0][0].value<CallEvent>().kind, QStringLiteral("call.reconciled"));

        registry->reconcile(kCall, QStringLiteral("rest"), QStringLiteral("no-answer"), 0);
        QCOMPARE(registry->find(kCall)->state, CallState::Failed);
        QCOMPARE(registry->find(kCall)->twilioStatus, QStringLiteral("no-answer"));
        QVERIFY(registry->find(kCall)->endedAt.isValid());
        const CallEvent last = events.last()[0].value<CallEvent>();
        QCOMPARE(last.detail.value(QStringLiteral("how")).toString(), QStringLiteral("rest"));
        QCOMPARE(last.detail.value(QStringLiteral("status")).toString(), QStringLiteral("no-answer"));
        // A final state is final: reconciling again changes nothing and records nothing.
        registry->reconcile(kCall, QStringLiteral("timeout"), QString());
        QCOMPARE(registry->find(kCall)->state, CallState::Failed);
        QCOMPARE(events.size(), 2);
    }

    void reconcilingWithoutAnswerEndsTheCallAsEndedUnknown()
    {
        auto registry = makeRegistry();
        registry->handle(request(Route::Voice, base(QStringLiteral("ringing"))));
        QSignalSpy changed(registry.get(), &CallRegistry::callChanged);
        registry->reconcile(kCall, QStringLiteral("timeout"), QString(), -1, QStringLiteral("no credentials"));
        const Call* call = registry->find(kCall);
        QCOMPARE(call->state, CallState::EndedUnknown);
        QCOMPARE(stateName(call->state), QStringLiteral("ended-unknown"));
        QCOMPARE(callStateFromString(u"ended-unknown"), std::optional<CallState>(CallState::EndedUnknown));
        QVERIFY(isTerminal(call->state));
        QCOMPARE(changed.size(), 1);
        // Webhooks after that do not bring it back to life.
        registry->handle(request(Route::Voice, base(QStringLiteral("in-progress"))));
        QCOMPARE(registry->find(kCall)->state, CallState::EndedUnknown);
    }
};

QTEST_GUILESS_MAIN(TestCallRegistry)
#include "TestCallRegistry.moc"
