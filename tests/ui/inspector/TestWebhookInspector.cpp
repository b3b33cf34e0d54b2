// SPDX-License-Identifier: GPL-3.0-or-later
// The webhook inspector over a real core (listener on a free loopback port, SQLite in a temp
// folder, a demo call from the built-in simulator): entries appear live, refused ones with the
// listener's explanation, filters narrow the table, and Replay makes a new entry marked as one.
#include "bootstrap/Core.h"
#include "bootstrap/DemoCalls.h"
#include "twilio/Form.h"
#include "twilio/Signature.h"
#include "ui/inspector/ReplayDialog.h"
#include "ui/inspector/WebhookInspector.h"
#include "ui/inspector/WebhookLogModel.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPushButton>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

using namespace sb;

namespace {
const QByteArray kToken = QByteArrayLiteral("inspector-test-token");

/// POSTs a voice webhook to the core; `signature` empty: none.
int postVoice(quint16 port, const QByteArray& signature)
{
    const QUrl url(QStringLiteral("http://127.0.0.1:%1/voice").arg(port));
    const twilio::FormParams params{
        {QStringLiteral("CallSid"), QStringLiteral("CA%1").arg(9, 32, 16, QLatin1Char('0'))},
        {QStringLiteral("CallStatus"), QStringLiteral("ringing")}};
    QNetworkAccessManager manager;
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/x-www-form-urlencoded"));
    if (!signature.isEmpty())
        request.setRawHeader("X-Twilio-Signature", signature);
    QNetworkReply* reply = manager.post(request, twilio::encodeFormBody(params));
    QSignalSpy finished(reply, &QNetworkReply::finished);
    if (!finished.wait(10000))
        return 0;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    reply->deleteLater();
    return status;
}

int rowWhere(const ui::WebhookLogModel* model, const std::function<bool(const storage::WebhookLogEntry&)>& pred)
{
    for (int row = 0; row < model->rowCount(); ++row) {
        if (pred(model->entryAt(row)))
            return row;
    }
    return -1;
}
} // namespace

class TestWebhookInspector : public QObject
{
    Q_OBJECT

private slots:
    void showsFiltersExplainsAndReplays()
    {
        QTemporaryDir dir;
        bootstrap::CoreOptions options;
        options.dataDir = dir.path();
        options.port = 0;
        options.authToken = [] { return kToken; };
        bootstrap::Core core(options);
        const auto started = core.start();
        QVERIFY2(started.ok(), qPrintable(started.ok() ? QString() : started.error().message));

        ui::WebhookInspector inspector(&core);
        QAbstractItemModelTester tester(inspector.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        inspector.resize(1000, 700);
        inspector.show();
        QVERIFY(QTest::qWaitForWindowExposed(&inspector));
        ui::WebhookLogModel* model = inspector.model();
        auto* table = inspector.findChild<QTableView*>(QStringLiteral("webhookTable"));
        QCOMPARE(table->model(), model);

        // A demo call's webhooks appear as they are stored, newest first.
        bootstrap::DemoCallRequest demo;
        demo.realtime = false;
        QSignalSpy demoDone(core.demoCalls(), &bootstrap::DemoCalls::finished);
        core.demoCalls()->start(core.publicUrl(), demo);
        QVERIFY(demoDone.wait(60000));
        const auto isVoice = [](const storage::WebhookLogEntry& e) {
            return e.path == QLatin1String("/voice") && e.status == 200;
        };
        QTRY_VERIFY_WITH_TIMEOUT(rowWhere(model, isVoice) >= 0, 20000);
        QTRY_VERIFY(rowWhere(model, [](const auto& e) { return e.path == QLatin1String("/status"); }) >= 0);
        const storage::WebhookLogEntry voice = model->entryAt(rowWhere(model, isVoice));
        QVERIFY(!voice.callSid.isEmpty());
        QCOMPARE(voice.signatureVerdict, QStringLiteral("valid"));
        for (int row = 1; row < model->rowCount(); ++row)
            QVERIFY(model->entryAt(row - 1).id > model->entryAt(row).id);

        // Refused requests appear too, with the listener's explanation.
        QCOMPARE(postVoice(core.port(), QByteArray()), 403);
        QCOMPARE(postVoice(core.port(), twilio::signature::compute("not-the-token", QStringLiteral("http://x/voice"))),
                 403);
        QTRY_VERIFY(rowWhere(model, [](const auto& e) { return e.signatureVerdict == QLatin1String("mismatch"); }) >=
                    0);
        const int unsignedRow =
            rowWhere(model, [](const auto& e) { return e.signatureVerdict == QLatin1String("missing-signature"); });
        QVERIFY(unsignedRow >= 0);
        QCOMPARE(model->index(unsignedRow, ui::WebhookLogModel::Status).data().toInt(), 403);
        QVERIFY(model->index(unsignedRow, ui::WebhookLogModel::Status).data(Qt::ForegroundRole).isValid());

        auto* explanation = inspector.findChild<QLabel*>(QStringLiteral("signatureExplanation"));
        QSignalSpy shown(&inspector, &ui::WebhookInspector::entryShown);
        table->setCurrentIndex(model->index(unsignedRow, 0));
        QVERIFY(shown.wait(10000));
        QVERIFY(explanation->isVisible());
        QVERIFY2(explanation->text().contains(QLatin1String("no X-Twilio-Signature: not from Twilio, or a proxy "
                                                            "stripped it")),
                 qPrintable(explanation->text()));
        const int mismatchRow =
            rowWhere(model, [](const auto& e) { return e.signatureVerdict == QLatin1String("mismatch"); });
        table->setCurrentIndex(model->index(mismatchRow, 0));
        QVERIFY(shown.wait(10000));
        QVERIFY2(explanation->text().contains(QLatin1String("wrong auth token (or the body was changed on the way)")),
                 qPrintable(explanation->text()));
        QVERIFY(explanation->text().contains(QStringLiteral("Validated against: %1/voice").arg(core.publicUrl())));
        QVERIFY(explanation->text().contains(QLatin1String("CallStatus")));
        // A valid entry has no explanation.
        table->setCurrentIndex(model->index(model->rowOf(voice.id), 0));
        QVERIFY(shown.wait(10000));
        QVERIFY(explanation->isHidden());

        // Filters narrow the table (read through the history, then live entries too).
        const int all = model->rowCount();
        auto* status = inspector.findChild<QComboBox*>(QStringLiteral("statusFilter"));
        status->setCurrentIndex(status->findText(QStringLiteral("Refused (signature)")));
        QTRY_COMPARE(model->rowCount(), 2);
        QCOMPARE(postVoice(core.port(), QByteArray()), 403);
        QTRY_COMPARE(model->rowCount(), 3);
        status->setCurrentIndex(0);
        auto* route = inspector.findChild<QComboBox*>(QStringLiteral("routeFilter"));
        route->setCurrentIndex(route->findData(QStringLiteral("/status")));
        QTRY_VERIFY(model->rowCount() > 0 && model->entryAt(0).path == QLatin1String("/status"));
        for (int row = 0; row < model->rowCount(); ++row)
            QCOMPARE(model->entryAt(row).path, QStringLiteral("/status"));
        QVERIFY(model->rowCount() < all);
        route->setCurrentIndex(0);
        auto* call = inspector.findChild<QLineEdit*>(QStringLiteral("callFilter"));
        call->setText(voice.callSid);
        emit call->editingFinished();
        QTRY_VERIFY(model->rowCount() > 0 && model->rowOf(voice.id) >= 0 &&
                    rowWhere(model, [](const auto& e) { return e.callSid.isEmpty(); }) < 0);
        call->clear();
        emit call->editingFinished();
        QTRY_VERIFY(model->rowCount() > all);

        // Replay from the window: a new entry, marked as a replay of the one selected, selected.
        table->setCurrentIndex(model->index(model->rowOf(voice.id), 0));
        QTRY_COMPARE(inspector.currentEntryId(), voice.id);
        QSignalSpy replayed(&inspector, &ui::WebhookInspector::replayed);
        auto* replay = inspector.findChild<QPushButton*>(QStringLiteral("replayButton"));
        QVERIFY(replay->isEnabled());
        replay->click();
        QVERIFY(replayed.wait(20000));
        const qint64 newId = replayed.first().at(0).toLongLong();
        QCOMPARE(replayed.first().at(1).toInt(), 200);
        QVERIFY(newId > voice.id);
        const int newRow = model->rowOf(newId);
        QVERIFY(newRow >= 0);
        QCOMPARE(model->index(newRow, ui::WebhookLogModel::ReplayOf).data().toLongLong(), voice.id);
        QCOMPARE(model->entryAt(newRow).signatureVerdict, QStringLiteral("valid"));
        QTRY_COMPARE(inspector.currentEntryId(), newId);
        auto* result = inspector.findChild<QLabel*>(QStringLiteral("replayResult"));
        QVERIFY2(result->text().contains(QStringLiteral("#%1, status 200").arg(newId)), qPrintable(result->text()));

        // Edit & replay: the parameters in an editable table, re-signed, the edit in the new entry.
        inspector.editAndReplaySelected();
        auto* dialog = inspector.findChild<ui::ReplayDialog*>(QStringLiteral("replayDialog"));
        QVERIFY(dialog && dialog->isVisible());
        QTableWidget* params = dialog->parameterTable();
        const auto from = params->findItems(QStringLiteral("From"), Qt::MatchExactly);
        QCOMPARE(from.size(), 1);
        params->item(from.first()->row(), 1)->setText(QStringLiteral("+14155559999"));
        replayed.clear();
        dialog->accept();
        QVERIFY(replayed.wait(20000));
        const qint64 editedId = replayed.first().at(0).toLongLong();
        QCOMPARE(replayed.first().at(1).toInt(), 200);
        QTRY_COMPARE(inspector.currentEntryId(), editedId);
        QCOMPARE(model->entryAt(model->rowOf(editedId)).replayOf, newId);
        QCOMPARE(model->entryAt(model->rowOf(editedId)).signatureVerdict, QStringLiteral("valid"));
        QVERIFY(model->entryAt(model->rowOf(editedId)).requestBody.contains("From=%2B14155559999"));

        const QString path = QDir::temp().filePath(QStringLiteral("switchboard-inspector.png"));
        QVERIFY(inspector.grab().toImage().save(path));
        qInfo("screenshot: %s", qPrintable(path));
    }
};

QTEST_MAIN(TestWebhookInspector)
#include "TestWebhookInspector.moc"
