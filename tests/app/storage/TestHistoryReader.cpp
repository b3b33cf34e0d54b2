// SPDX-License-Identifier: GPL-3.0-or-later
// The window's asynchronous history reads over a real SQLite file written by the real Storage:
// answers come later on the caller's thread (never inline), in request order, carry errors in
// words, and are dropped when their receiver is gone.
#include "StorageTestSupport.h"
#include "storage/HistoryQueries.h"
#include "storage/HistoryReader.h"
#include "storage/Storage.h"

#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

using namespace sb;
using namespace sb::storage;
using namespace sb::storage::test;

class TestHistoryReader : public QObject
{
    Q_OBJECT

private slots:
    void answersLaterOnTheCallersThreadInOrder()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("switchboard.sqlite"));
        Storage storage;
        QVERIFY(storage.open(path).ok());
        const QString sid = QStringLiteral("CA%1").arg(1, 32, 16, QLatin1Char('0'));
        storage.upsertCall(sampleCall(sid));
        storage.appendEvent(sampleEvent(sid, QStringLiteral("webhook.voice")));
        storage.upsertCall(sampleCall(QStringLiteral("CA%1").arg(2, 32, 16, QLatin1Char('0')), at(5)));
        QVERIFY(storage.flush());

        HistoryReader reader(path);
        QStringList order;
        QThread* answeredOn = nullptr;
        reader.callDetail(sid, this, [&](const Result<CallDetail>& detail) {
            answeredOn = QThread::currentThread();
            QVERIFY2(detail.ok(), qPrintable(detail.ok() ? QString() : detail.error().message));
            QCOMPARE(detail->call.callSid, sid);
            QCOMPARE(detail->events.size(), 1);
            order << QStringLiteral("detail");
        });
        reader.recentCalls(10, this, [&](const Result<QList<CallSummary>>& calls) {
            QVERIFY(calls.ok());
            QCOMPARE(calls->size(), 2);
            QCOMPARE(calls->first().call.callSid, QStringLiteral("CA%1").arg(2, 32, 16, QLatin1Char('0')));
            order << QStringLiteral("list");
        });
        QVERIFY(order.isEmpty()); // never answered inline
        QTRY_COMPARE(order.size(), 2);
        QCOMPARE(order, (QStringList{QStringLiteral("detail"), QStringLiteral("list")}));
        QCOMPARE(answeredOn, QThread::currentThread());
    }

    void webhookLogAndEntryAreReadOffTheGuiThread()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("switchboard.sqlite"));
        Storage storage;
        QVERIFY(storage.open(path).ok());
        const QString sid = QStringLiteral("CA%1").arg(3, 32, 16, QLatin1Char('0'));
        WebhookLogEntry voice;
        voice.method = QStringLiteral("POST");
        voice.path = QStringLiteral("/voice");
        voice.status = 200;
        voice.callSid = sid;
        voice.requestBody = "CallSid=" + sid.toLatin1();
        voice.responseBody = "<Response/>";
        const qint64 voiceId = storage.appendWebhook(voice);
        WebhookLogEntry refused = voice;
        refused.path = QStringLiteral("/status");
        refused.status = 403;
        refused.signatureVerdict = QStringLiteral("mismatch");
        storage.appendWebhook(refused);
        QVERIFY(storage.flush());

        HistoryReader reader(path);
        WebhookFilter refusedOnly;
        refusedOnly.minStatus = 400;
        QList<WebhookLogEntry> listed;
        reader.webhookLog(refusedOnly, this, [&](const Result<QList<WebhookLogEntry>>& entries) {
            QVERIFY(entries.ok());
            listed = entries.value();
        });
        WebhookLogEntry one;
        reader.webhookEntry(voiceId, this, [&](const Result<WebhookLogEntry>& entry) {
            QVERIFY(entry.ok());
            one = entry.value();
        });
        QTRY_COMPARE(one.id, voiceId);
        QCOMPARE(listed.size(), 1);
        QCOMPARE(listed.first().path, QStringLiteral("/status"));
        QCOMPARE(listed.first().signatureVerdict, QStringLiteral("mismatch"));
        QCOMPARE(one.responseBody, QByteArray("<Response/>"));
        QCOMPARE(one.callSid, sid);
    }

    void errorsAreAnswersToo()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("switchboard.sqlite"));
        {
            HistoryReader missing(dir.filePath(QStringLiteral("nothing-here.sqlite")));
            QString error;
            missing.recentCalls(10, this, [&](const Result<QList<CallSummary>>& calls) {
                QVERIFY(!calls.ok());
                error = calls.error().message;
            });
            QTRY_VERIFY(!error.isEmpty());
        }
        Storage storage;
        QVERIFY(storage.open(path).ok());
        HistoryReader reader(path);
        QString code;
        reader.callDetail(
            QStringLiteral("CA%1").arg(9, 32, 16, QLatin1Char('0')), this, [&](const Result<CallDetail>& d) {
                QVERIFY(!d.ok());
                code = d.error().code;
            });
        QTRY_COMPARE(code, QStringLiteral("storage.not-found"));
    }

    void anAnswerForAGoneReceiverIsDropped()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("switchboard.sqlite"));
        Storage storage;
        QVERIFY(storage.open(path).ok());
        HistoryReader reader(path);
        int called = 0;
        auto* receiver = new QObject;
        reader.recentCalls(10, receiver, [&](const Result<QList<CallSummary>>&) { ++called; });
        delete receiver;
        // A later request on a live receiver is answered; by then the first one has been too.
        bool second = false;
        reader.recentCalls(10, this, [&](const Result<QList<CallSummary>>&) { second = true; });
        QTRY_VERIFY(second);
        QCOMPARE(called, 0);
    }

    void destroyingTheReaderWithQueriesQueuedIsSafe()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("switchboard.sqlite"));
        Storage storage;
        QVERIFY(storage.open(path).ok());
        int called = 0;
        {
            HistoryReader reader(path);
            for (int i = 0; i < 50; ++i)
                reader.recentCalls(10, this, [&](const Result<QList<CallSummary>>&) { ++called; });
        }
        QCoreApplication::processEvents();
        QCOMPARE(called, 0); // answers of a destroyed reader are never delivered
    }
};

QTEST_GUILESS_MAIN(TestHistoryReader)
#include "TestHistoryReader.moc"
