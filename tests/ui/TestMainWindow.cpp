// SPDX-License-Identifier: GPL-3.0-or-later
// The real main window over a real core (listener on a free loopback port, SQLite in a temp
// folder): a signed webhook shows up as a call, its events show in the detail pane.
#include "bootstrap/Core.h"
#include "twilio/Form.h"
#include "twilio/Signature.h"
#include "ui/MainWindow.h"
#include "ui/calls/CallListModel.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QLabel>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPlainTextEdit>
#include <QTemporaryDir>
#include <QTreeView>
#include <QtTest>

using namespace sb;

namespace {
const QByteArray kToken = QByteArrayLiteral("ui-test-token");

int postVoice(quint16 port, const QString& callSid)
{
    const QString url = QStringLiteral("http://127.0.0.1:%1/voice").arg(port);
    const twilio::FormParams params{
        {QStringLiteral("AccountSid"), QStringLiteral("AC0123456789abcdef0123456789abcdef")},
        {QStringLiteral("ApiVersion"), QStringLiteral("2010-04-01")},
        {QStringLiteral("CallSid"), callSid},
        {QStringLiteral("CallStatus"), QStringLiteral("ringing")},
        {QStringLiteral("Direction"), QStringLiteral("inbound")},
        {QStringLiteral("From"), QStringLiteral("+14155550123")},
        {QStringLiteral("To"), QStringLiteral("+15005550006")}};
    QNetworkAccessManager manager;
    QNetworkRequest request{QUrl(url)};
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/x-www-form-urlencoded"));
    request.setRawHeader("X-Twilio-Signature", twilio::signature::compute(kToken, url, params));
    QNetworkReply* reply = manager.post(request, twilio::encodeFormBody(params));
    QSignalSpy finished(reply, &QNetworkReply::finished);
    if (!finished.wait(10000))
        return 0;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    reply->deleteLater();
    return status;
}
} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT

private slots:
    void showsCallsAsTheyArriveAndTheirEvents()
    {
        QTemporaryDir dir;
        bootstrap::CoreOptions options;
        options.dataDir = dir.path();
        options.port = 0;
        options.authToken = [] { return kToken; };
        bootstrap::Core core(options);
        const auto started = core.start();
        QVERIFY2(started.ok(), qPrintable(started.ok() ? QString() : started.error().message));

        ui::MainWindow window(&core);
        QAbstractItemModelTester tester(window.callModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QCOMPARE(window.windowTitle(), QStringLiteral("Switchboard"));
        auto* status = window.findChild<QLabel*>(QStringLiteral("listenerStatus"));
        QVERIFY(status->text().contains(QStringLiteral("http://127.0.0.1:%1").arg(core.port())));

        auto* list = window.findChild<QTreeView*>(QStringLiteral("callList"));
        QCOMPARE(list->model()->rowCount(), 0);
        const QString sid = QStringLiteral("CA%1").arg(7, 32, 16, QLatin1Char('0'));
        QCOMPARE(postVoice(core.port(), sid), 200);
        QTRY_COMPARE(list->model()->rowCount(), 1);
        QCOMPARE(list->model()->index(0, ui::CallListModel::Sid).data().toString(), sid);
        QCOMPARE(list->model()->index(0, ui::CallListModel::From).data().toString(), QStringLiteral("+14155550123"));
        QCOMPARE(list->model()->index(0, ui::CallListModel::State).data().toString(), QStringLiteral("in-progress"));

        list->setCurrentIndex(list->model()->index(0, 0));
        auto* detail = window.findChild<QPlainTextEdit*>(QStringLiteral("callDetail"));
        QTRY_VERIFY(detail->toPlainText().contains(QLatin1String("webhook.voice")));
        QVERIFY(detail->toPlainText().contains(QLatin1String("Flow      appointment")));

        // A second call goes on top.
        QCOMPARE(postVoice(core.port(), QStringLiteral("CA%1").arg(8, 32, 16, QLatin1Char('0'))), 200);
        QTRY_COMPARE(list->model()->rowCount(), 2);

        // A screenshot proves the window really renders; keep it for humans to look at.
        const QImage shot = window.grab().toImage();
        QVERIFY(!shot.isNull());
        const QString path = QDir::temp().filePath(QStringLiteral("switchboard-mainwindow.png"));
        QVERIFY(shot.save(path));
        qInfo("screenshot: %s", qPrintable(path));
    }

    void demoCallRunsWithoutATwilioAccount()
    {
        QTemporaryDir dir;
        bootstrap::CoreOptions options;
        options.dataDir = dir.path();
        options.port = 0;
        options.authToken = [] { return kToken; };
        bootstrap::Core core(options);
        QVERIFY(core.start().ok());
        ui::MainWindow window(&core);
        window.setDemoCallsRealtime(false);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto* demo = window.findChild<QAction*>(QStringLiteral("actionDemoCall"));
        QVERIFY(demo && demo->isEnabled());
        demo->trigger();
        auto* list = window.findChild<QTreeView*>(QStringLiteral("callList"));
        QTRY_COMPARE_WITH_TIMEOUT(list->model()->rowCount(), 1, 20000);
        // The simulator streams the caller's words and hangs up; the call ends completed.
        QTRY_COMPARE_WITH_TIMEOUT(
            list->model()->index(0, ui::CallListModel::State).data().toString(), QStringLiteral("completed"), 30000);
        list->setCurrentIndex(list->model()->index(0, 0));
        auto* detail = window.findChild<QPlainTextEdit*>(QStringLiteral("callDetail"));
        QTRY_VERIFY(detail->toPlainText().contains(QLatin1String("stream.start")));
        QVERIFY(detail->toPlainText().contains(QLatin1String("Stream    MZ")));
    }

    void saysWhyTheListenerIsNotRunning()
    {
        ui::MainWindow window(nullptr, QStringLiteral("cannot listen on 127.0.0.1:8080: address in use"));
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto* status = window.findChild<QLabel*>(QStringLiteral("listenerStatus"));
        QVERIFY(status->text().contains(QLatin1String("address in use")));
    }

    void quitActionClosesTheWindow()
    {
        ui::MainWindow window(nullptr);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto* quit = window.findChild<QAction*>(QStringLiteral("actionQuit"));
        QVERIFY(quit);
        QCOMPARE(quit->shortcut(), QKeySequence(QKeySequence::Quit));
        auto* settings = window.findChild<QAction*>(QStringLiteral("actionSettings"));
        QVERIFY(settings);
        quit->trigger();
        QTRY_VERIFY(!window.isVisible());
    }
};

QTEST_MAIN(TestMainWindow)
#include "TestMainWindow.moc"
