// SPDX-License-Identifier: GPL-3.0-or-later
// The call detail pane over a real core (listener on a free loopback port, SQLite in a temp
// folder, demo calls played by the built-in simulator): the timeline holds what happened in
// order, follows live calls, and shows a selected webhook in full.
#include "TestSupport.h"
#include "bootstrap/Core.h"
#include "bootstrap/DemoCalls.h"
#include "storage/Storage.h"
#include "twilio/Form.h"
#include "twilio/Signature.h"
#include "ui/detail/CallDetailPane.h"
#include "ui/detail/TimelineModel.h"
#include "ui/detail/TimelinePage.h"

#include <QAbstractItemModelTester>
#include <QLabel>
#include <QLineEdit>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPlainTextEdit>
#include <QPointer>
#include <QScrollBar>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QToolButton>
#include <QTreeView>
#include <QTreeWidget>
#include <QtTest>

using namespace sb;

namespace {
const QByteArray kToken = QByteArrayLiteral("detail-test-token");

QString callSid(int n)
{
    return QStringLiteral("CA%1").arg(n, 32, 16, QLatin1Char('0'));
}

/// POSTs a form to the core's listener, signed with the core's token unless `sign` is false.
int post(quint16 port, const QString& path, const twilio::FormParams& params, bool sign = true)
{
    const QString url = QStringLiteral("http://127.0.0.1:%1%2").arg(port).arg(path);
    QNetworkAccessManager manager;
    QNetworkRequest request{QUrl(url)};
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/x-www-form-urlencoded"));
    if (sign)
        request.setRawHeader("X-Twilio-Signature", twilio::signature::compute(kToken, url, params));
    QNetworkReply* reply = manager.post(request, twilio::encodeFormBody(params));
    QSignalSpy finished(reply, &QNetworkReply::finished);
    if (!finished.wait(10000))
        return 0;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    reply->deleteLater();
    return status;
}

twilio::FormParams statusParams(const QString& sid, const QString& status, int sequence)
{
    twilio::FormParams params = test::callParams(sid, status);
    params.append({QStringLiteral("SequenceNumber"), QString::number(sequence)});
    return params;
}

/// The first row whose kind is `kind` (events) or, for "webhook", whose line contains `text`.
int rowOf(const ui::TimelineModel& model, const QString& kind, const QString& text = QString())
{
    for (int row = 0; row < model.rowCount(); ++row) {
        const QModelIndex what = model.index(row, ui::TimelineModel::What);
        if (what.data(ui::TimelineModel::KindRole).toString() == kind &&
            (text.isEmpty() || what.data().toString().contains(text)))
            return row;
    }
    return -1;
}

bool anyLineContains(const ui::TimelineModel& model, const QString& text)
{
    for (int row = 0; row < model.rowCount(); ++row) {
        if (model.index(row, ui::TimelineModel::What).data().toString().contains(text))
            return true;
    }
    return false;
}

struct Running
{
    QTemporaryDir dir;
    std::unique_ptr<bootstrap::Core> core;

    bool start()
    {
        bootstrap::CoreOptions options;
        options.dataDir = dir.path();
        options.port = 0;
        options.authToken = [] { return kToken; };
        core = std::make_unique<bootstrap::Core>(options);
        return core->start().ok();
    }
};
} // namespace

class TestCallDetail : public QObject
{
    Q_OBJECT

private slots:
    void demoCallTimelineIsInOrderAndShowsWebhooksInFull()
    {
        Running r;
        QVERIFY(r.start());
        QString sid;
        connect(r.core.get(), &bootstrap::Core::callStored, this, [&sid](const storage::CallRecord& c) {
            sid = c.callSid;
        });
        QSignalSpy finished(r.core->demoCalls(), &bootstrap::DemoCalls::finished);
        bootstrap::DemoCallRequest request;
        request.realtime = false;
        r.core->demoCalls()->start(r.core->publicUrl(), request);
        QVERIFY(finished.wait(60000));
        QVERIFY(!sid.isEmpty());

        ui::CallDetailPane pane(r.core.get());
        ui::TimelineModel& model = *pane.timelineModel();
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        pane.resize(1000, 700);
        pane.show();
        QVERIFY(QTest::qWaitForWindowExposed(&pane));
        pane.showCall(sid);
        QCOMPARE(pane.callSid(), sid);
        QTRY_VERIFY_WITH_TIMEOUT(pane.isLoaded(), 10000);
        // The status callback may be stored after the simulator reports the end.
        QTRY_VERIFY_WITH_TIMEOUT(rowOf(model, QStringLiteral("status.completed")) >= 0, 10000);

        const int voice = rowOf(model, QStringLiteral("webhook"), QStringLiteral("POST /voice → 200"));
        const int start = rowOf(model, QStringLiteral("stream.start"));
        const int stop = rowOf(model, QStringLiteral("stream.stop"));
        const int status = rowOf(model, QStringLiteral("webhook"), QStringLiteral("POST /status → 200"));
        const int completed = rowOf(model, QStringLiteral("status.completed"));
        QVERIFY(voice >= 0 && start >= 0 && stop >= 0 && status >= 0);
        QVERIFY2(voice < start && start < stop && stop < completed,
                 qPrintable(QStringLiteral("%1 %2 %3 %4").arg(voice).arg(start).arg(stop).arg(completed)));
        const QString voiceLine = model.index(voice, ui::TimelineModel::What).data().toString();
        QVERIFY2(voiceLine.contains(QLatin1String("signature valid")), qPrintable(voiceLine));
        QVERIFY2(voiceLine.contains(QLatin1String("flow '")), qPrintable(voiceLine));
        const QString startLine = model.index(start, ui::TimelineModel::What).data().toString();
        QVERIFY2(startLine.contains(QLatin1String("started: inbound")), qPrintable(startLine));
        QTRY_VERIFY2(
            model.index(start, ui::TimelineModel::What).data().toString().contains(QStringLiteral("8 kHz μ-law")),
            qPrintable(model.index(start, ui::TimelineModel::What).data().toString()));
        QCOMPARE(model.index(start, ui::TimelineModel::Source).data().toString(), QStringLiteral("Stream"));
        // One list, by time.
        for (int row = 1; row < model.rowCount(); ++row) {
            const QString before = model.index(row - 1, ui::TimelineModel::Time).data(Qt::ToolTipRole).toString();
            const QString after = model.index(row, ui::TimelineModel::Time).data(Qt::ToolTipRole).toString();
            QVERIFY2(QDateTime::fromString(before, Qt::ISODateWithMs) <=
                         QDateTime::fromString(after, Qt::ISODateWithMs),
                     qPrintable(before + QStringLiteral(" > ") + after));
        }
        QVERIFY(model.index(voice, ui::TimelineModel::Time).data().toString().contains(QLatin1String("  +")));

        // The overview tells the story in words.
        auto* states = pane.findChild<QLabel*>(QStringLiteral("overviewStates"));
        QTRY_VERIFY(states->text().contains(QLatin1String("completed (status callback)")));
        auto* streams = pane.findChild<QLabel*>(QStringLiteral("overviewStreams"));
        QVERIFY2(streams->text().contains(QLatin1String("inbound: ")) &&
                     streams->text().contains(QLatin1String("frames")),
                 qPrintable(streams->text()));
        QVERIFY(pane.findChild<QLabel*>(QStringLiteral("callHeader"))->text().contains(QLatin1String("completed")));

        // Selecting the /voice row shows its request and response in full (bodies read lazily).
        pane.tabs()->setCurrentWidget(pane.timelinePage());
        QTreeView* view = pane.timelinePage()->view();
        view->setCurrentIndex(view->model()->index(voice, 0));
        auto* details = pane.findChild<QPlainTextEdit*>(QStringLiteral("timelineDetails"));
        QTRY_VERIFY(details->toPlainText().contains(QLatin1String("<Response>")));
        QVERIFY(details->toPlainText().contains(QStringLiteral("CallSid=%1").arg(sid)));
        QVERIFY(details->toPlainText().contains(QLatin1String("POST /voice")));
        QVERIFY(details->toPlainText().contains(QLatin1String("HTTP 200")));
        // An event shows its JSON detail.
        view->setCurrentIndex(view->model()->index(start, 0));
        QTRY_VERIFY(details->toPlainText().contains(QLatin1String("\"stream_sid\": \"MZ")));

        // The source filter hides a whole category; the text filter finds words.
        auto* webhooks = pane.findChild<QToolButton*>(QStringLiteral("timelineSourceWebhook"));
        webhooks->setChecked(false);
        for (int row = 0; row < view->model()->rowCount(); ++row)
            QVERIFY(view->model()->index(row, ui::TimelineModel::Source).data().toString() != QLatin1String("Webhook"));
        webhooks->setChecked(true);
        QCOMPARE(view->model()->rowCount(), model.rowCount());
        pane.findChild<QLineEdit*>(QStringLiteral("timelineFilterText"))->setText(QStringLiteral("stream.stop"));
        QCOMPARE(view->model()->rowCount(), 1);

        const QImage shot = pane.grab().toImage();
        QVERIFY(shot.save(QDir::temp().filePath(QStringLiteral("switchboard-calldetail.png"))));
    }

    void liveCallUpdatesWithoutReselectingAndFollows()
    {
        Running r;
        QVERIFY(r.start());
        const QString sid = callSid(1);
        QCOMPARE(post(r.core->port(), QStringLiteral("/voice"), test::callParams(sid, QStringLiteral("ringing"))), 200);
        ui::CallDetailPane pane(r.core.get());
        pane.resize(700, 320);
        pane.show();
        QVERIFY(QTest::qWaitForWindowExposed(&pane));
        pane.tabs()->setCurrentWidget(pane.timelinePage());
        pane.showCall(sid);
        ui::TimelineModel& model = *pane.timelineModel();
        QTRY_VERIFY_WITH_TIMEOUT(pane.isLoaded(), 10000);
        QTRY_VERIFY(rowOf(model, QStringLiteral("webhook.voice")) >= 0);
        QTRY_VERIFY(rowOf(model, QStringLiteral("webhook"), QStringLiteral("/voice")) >= 0);

        // New callbacks appear without selecting the call again, each once.
        for (int i = 1; i <= 30; ++i) {
            QCOMPARE(
                post(r.core->port(), QStringLiteral("/status"), statusParams(sid, QStringLiteral("in-progress"), i)),
                200);
        }
        QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 2 + 2 * 30, 10000);
        QVERIFY(rowOf(model, QStringLiteral("status.in-progress")) > rowOf(model, QStringLiteral("webhook.voice")));

        // Follow on (the default): the view shows the newest entry.
        auto* follow = pane.findChild<QToolButton*>(QStringLiteral("followLive"));
        QVERIFY(follow->isCheckable() && follow->isChecked());
        QScrollBar* bar = pane.timelinePage()->view()->verticalScrollBar();
        QTRY_VERIFY(bar->maximum() > 0);
        QTRY_COMPARE(bar->value(), bar->maximum());

        // Off: the view stays where the user put it while entries keep coming.
        follow->setChecked(false);
        bar->setValue(0);
        const int maximum = bar->maximum();
        for (int i = 31; i <= 40; ++i) {
            QCOMPARE(
                post(r.core->port(), QStringLiteral("/status"), statusParams(sid, QStringLiteral("in-progress"), i)),
                200);
        }
        QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 2 + 2 * 40, 10000);
        QTRY_VERIFY(bar->maximum() > maximum);
        QCoreApplication::processEvents();
        QCOMPARE(bar->value(), 0);
        // Turning it back on jumps to the newest.
        follow->setChecked(true);
        QTRY_COMPARE(bar->value(), bar->maximum());

        // Words heard live reach the transcript tab.
        const twilio::FormParams words{
            {QStringLiteral("AccountSid"), test::kTestAccountSid},
            {QStringLiteral("CallSid"), sid},
            {QStringLiteral("TranscriptionSid"), QStringLiteral("GT%1").arg(5, 32, 16, QLatin1Char('0'))},
            {QStringLiteral("TranscriptionEvent"), QStringLiteral("transcription-content")},
            {QStringLiteral("Track"), QStringLiteral("inbound_track")},
            {QStringLiteral("TranscriptionData"),
             QStringLiteral("{\"transcript\":\"next Tuesday\",\"confidence\":0.9}")},
            {QStringLiteral("Final"), QStringLiteral("false")}};
        QCOMPARE(post(r.core->port(), QStringLiteral("/transcription"), words), 204);
        auto* transcript = pane.findChild<QTreeWidget*>(QStringLiteral("transcriptView"));
        QTRY_COMPARE(transcript->topLevelItemCount(), 1);
        QCOMPARE(transcript->topLevelItem(0)->text(1), QStringLiteral("Caller"));
        QVERIFY(transcript->topLevelItem(0)->text(2).contains(QLatin1String("next Tuesday")));
        QVERIFY(transcript->topLevelItem(0)->text(2).contains(QLatin1String("partial")));
        QTRY_VERIFY(rowOf(model, QStringLiteral("transcription.transcription-content")) >= 0);
        // Shown again from the history, it is the same transcript.
        pane.showCall(sid);
        QTRY_VERIFY_WITH_TIMEOUT(pane.isLoaded(), 10000);
        QCOMPARE(transcript->topLevelItemCount(), 1);
        QCOMPARE(model.rowCount(), 2 + 2 * 40 + 2);
    }

    void refusedWebhooksShowOnlyInTheCallTheyName()
    {
        Running r;
        QVERIFY(r.start());
        const QString a = callSid(0xa), b = callSid(0xb);
        QCOMPARE(post(r.core->port(), QStringLiteral("/voice"), test::callParams(a, QStringLiteral("ringing"))), 200);
        QCOMPARE(post(r.core->port(), QStringLiteral("/voice"), test::callParams(b, QStringLiteral("ringing"))), 200);
        ui::CallDetailPane pane(r.core.get());
        pane.showCall(a);
        QTRY_VERIFY_WITH_TIMEOUT(pane.isLoaded(), 10000);
        ui::TimelineModel& model = *pane.timelineModel();

        // Unsigned: refused before anything trusts its CallSid, so it names no call.
        QSignalSpy stored(r.core.get(), &bootstrap::Core::webhookStored);
        QCOMPARE(post(r.core->port(), QStringLiteral("/voice"), test::callParams(a, QStringLiteral("ringing")), false),
                 403);
        QTRY_VERIFY(!stored.isEmpty());
        const auto refused = stored.takeFirst().at(0).value<storage::WebhookLogEntry>();
        QCOMPARE(refused.status, 403);
        QVERIFY(refused.callSid.isEmpty());
        QVERIFY(!refused.note.isEmpty());
        // Signed but not a valid status callback: refused by the call layer, and it names call a.
        twilio::FormParams broken = test::callParams(a, QStringLiteral("ringing"));
        broken.append({QStringLiteral("SequenceNumber"), QStringLiteral("not-a-number")});
        QCOMPARE(post(r.core->port(), QStringLiteral("/status"), broken), 400);
        QTRY_VERIFY(anyLineContains(model, QStringLiteral("POST /status → 400")));
        QVERIFY(!anyLineContains(model, QStringLiteral("→ 403")));

        pane.showCall(b);
        QTRY_VERIFY_WITH_TIMEOUT(pane.isLoaded(), 10000);
        QTRY_VERIFY(rowOf(model, QStringLiteral("webhook.voice")) >= 0);
        QVERIFY(!anyLineContains(model, QStringLiteral("→ 403")));
        QVERIFY(!anyLineContains(model, QStringLiteral("→ 400")));
        // And from the history, a's timeline still has its refused callback.
        pane.showCall(a);
        QTRY_VERIFY_WITH_TIMEOUT(pane.isLoaded(), 10000);
        QVERIFY(anyLineContains(model, QStringLiteral("POST /status → 400")));
        QVERIFY(!anyLineContains(model, QStringLiteral("→ 403")));
    }

    void staleAnswersAndUnknownEventKinds()
    {
        Running r;
        QVERIFY(r.start());
        const QString a = callSid(0x21), b = callSid(0x22);
        QCOMPARE(post(r.core->port(), QStringLiteral("/voice"), test::callParams(a, QStringLiteral("ringing"))), 200);
        QCOMPARE(post(r.core->port(), QStringLiteral("/voice"), test::callParams(b, QStringLiteral("ringing"))), 200);
        ui::CallDetailPane pane(r.core.get());
        QSignalSpy loaded(&pane, &ui::CallDetailPane::loaded);
        pane.showCall(a);
        pane.showCall(b); // a's answers arrive for a call no longer shown
        QTRY_VERIFY_WITH_TIMEOUT(pane.isLoaded(), 10000);
        QCOMPARE(loaded.count(), 1);
        QCOMPARE(loaded.at(0).at(0).toString(), b);
        ui::TimelineModel& model = *pane.timelineModel();
        for (int row = 0; row < model.rowCount(); ++row) {
            if (const storage::CallEvent* e = model.eventAt(row))
                QCOMPARE(e->callSid, b);
            if (const storage::WebhookLogEntry* w = model.webhookAt(row))
                QCOMPARE(w->callSid, b);
        }

        // A kind nobody taught the timeline still shows, with its detail.
        const int before = model.rowCount();
        r.core->storage()->appendEvent(
            storage::CallEvent{0,
                               b,
                               {},
                               QStringLiteral("operator.note"),
                               QJsonObject{{QStringLiteral("text"), QStringLiteral("called back")}}});
        r.core->storage()->appendEvent(storage::CallEvent{0, b, {}, QStringLiteral("brand.new-kind"), QJsonObject{}});
        QTRY_COMPARE(model.rowCount(), before + 2);
        const int note = rowOf(model, QStringLiteral("operator.note"));
        QVERIFY(note >= 0);
        QCOMPARE(model.index(note, ui::TimelineModel::Source).data().toString(), QStringLiteral("Operator"));
        QVERIFY(model.index(note, ui::TimelineModel::What).data().toString().contains(QLatin1String("called back")));
        const int unknown = rowOf(model, QStringLiteral("brand.new-kind"));
        QCOMPARE(model.index(unknown, ui::TimelineModel::Source).data().toString(), QStringLiteral("App"));
        QCOMPARE(model.index(unknown, ui::TimelineModel::What).data().toString(), QStringLiteral("brand.new-kind"));
    }

    void panesCanBeAddedAndReplaced()
    {
        ui::CallDetailPane pane(nullptr);
        pane.show();
        QVERIFY(QTest::qWaitForWindowExposed(&pane));
        auto* placeholder = pane.findChild<QLabel*>(QStringLiteral("callDetailPlaceholder"));
        QVERIFY(placeholder->isVisible());
        QCOMPARE(placeholder->text(), QStringLiteral("No call selected"));
        QTabWidget* tabs = pane.findChild<QTabWidget*>(QStringLiteral("callDetailTabs"));
        QCOMPARE(tabs, pane.tabs());
        QStringList titles;
        for (int i = 0; i < tabs->count(); ++i)
            titles << tabs->tabText(i);
        QCOMPARE(titles,
                 QStringList({QStringLiteral("Overview"),
                              QStringLiteral("Timeline"),
                              QStringLiteral("Transcript"),
                              QStringLiteral("Audio"),
                              QStringLiteral("Recording")}));
        QVERIFY(qobject_cast<QLabel*>(pane.pane(QStringLiteral("Audio")))->text().contains(QLatin1String("waveform")));

        QPointer<QWidget> oldAudio = pane.pane(QStringLiteral("Audio"));
        tabs->setCurrentIndex(3);
        auto* audio = new QLabel(QStringLiteral("real audio pane"));
        QCOMPARE(pane.replacePane(QStringLiteral("Audio"), audio), 3);
        QVERIFY(oldAudio.isNull());
        QCOMPARE(pane.pane(QStringLiteral("Audio")), audio);
        QCOMPARE(tabs->currentWidget(), audio);
        QCOMPARE(tabs->count(), 5);
        QCOMPARE(pane.addPane(QStringLiteral("Notes"), new QLabel(QStringLiteral("notes"))), 5);
        QCOMPARE(pane.replacePane(QStringLiteral("Other"), new QLabel), 6);

        // With no core, showing a call shows its (empty) detail and loads nothing.
        pane.showCall(callSid(3));
        QVERIFY(!placeholder->isVisible());
        QCOMPARE(pane.timelineModel()->rowCount(), 0);
        pane.showCall(QString());
        QVERIFY(placeholder->isVisible());
    }
};

QTEST_MAIN(TestCallDetail)
#include "TestCallDetail.moc"
