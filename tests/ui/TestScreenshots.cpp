// SPDX-License-Identifier: GPL-3.0-or-later
// The scripted tour of the console under a virtual display (Xvfb, through CTest when xvfb-run is
// installed; offscreen otherwise): simulated calls are placed against a real core, each main
// screen is opened and saved as <build>/screenshots/NAME.png (README shows them). Each picture
// must really show something: the window's size, and more than a handful of colours.
#include "bootstrap/Core.h"
#include "bootstrap/DemoCalls.h"
#include "twilio/Form.h"
#include "ui/MainWindow.h"
#include "ui/calls/CallWall.h"
#include "ui/calls/CallWallModel.h"
#include "ui/console/FirstStart.h"
#include "ui/detail/CallDetailPane.h"
#include "ui/flows/FlowsPane.h"
#include "ui/inspector/WebhookInspector.h"
#include "ui/inspector/WebhookLogModel.h"
#include "ui/network/NetworkPanel.h"

#include <QDir>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSet>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QtTest>

using namespace sb;

namespace {

const QByteArray kToken = QByteArrayLiteral("screenshot-token");

/// Saves the window as NAME.png and checks the picture is a rendered window, not a blank one.
void saveShot(QWidget& window, const QString& name)
{
    QCoreApplication::processEvents();
    QTest::qWait(200); // one more paint after the last model update
    const QImage shot = window.grab().toImage();
    QVERIFY(!shot.isNull());
    QCOMPARE(shot.size(), window.size() * window.devicePixelRatio());
    QSet<QRgb> colours;
    for (int y = 0; y < shot.height(); y += 7) {
        for (int x = 0; x < shot.width(); x += 7)
            colours.insert(shot.pixel(x, y));
    }
    QVERIFY2(colours.size() > 8, qPrintable(QStringLiteral("%1 looks blank").arg(name)));
    const QDir dir(QStringLiteral(SB_SCREENSHOT_DIR));
    QVERIFY(dir.mkpath(QStringLiteral(".")));
    const QString path = dir.filePath(name + QStringLiteral(".png"));
    QVERIFY(shot.save(path));
    qInfo("screenshot: %s", qPrintable(path));
}

/// An unsigned POST /voice: refused with 403, kept in the webhook log with the reason.
int postUnsigned(quint16 port)
{
    QNetworkAccessManager manager;
    QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1/voice").arg(port)));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/x-www-form-urlencoded"));
    QNetworkReply* reply = manager.post(request, QByteArrayLiteral("CallSid=CAffffffffffffffffffffffffffffffff"));
    QSignalSpy finished(reply, &QNetworkReply::finished);
    if (!finished.wait(10000))
        return 0;
    reply->deleteLater();
    return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
}

bootstrap::CoreOptions optionsIn(const QTemporaryDir& dir)
{
    bootstrap::CoreOptions options;
    options.dataDir = dir.path();
    options.port = 0;
    options.authToken = [] { return kToken; };
    return options;
}

} // namespace

class TestScreenshots : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true); // window layout kept apart from the user's
        qInfo("platform: %s", qPrintable(QGuiApplication::platformName()));
    }

    void firstStart()
    {
        QTemporaryDir dir;
        bootstrap::Core core(optionsIn(dir));
        QVERIFY(core.start().ok());
        ui::MainWindow window(&core);
        window.resize(1280, 800);
        window.showScreen(ui::MainWindow::CallsScreen);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.findChild<ui::FirstStart*>()->isVisible());
        saveShot(window, QStringLiteral("first-start"));
    }

    void everyScreenWithCalls()
    {
        QTemporaryDir dir;
        bootstrap::Core core(optionsIn(dir));
        QVERIFY(core.start().ok());
        ui::MainWindow window(&core);
        window.resize(1280, 800);
        window.setDemoCallsRealtime(false);
        window.showScreen(ui::MainWindow::CallsScreen);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));

        // Two simulated calls run to the end; a refused request lands in the inspector.
        QSignalSpy finished(core.demoCalls(), &bootstrap::DemoCalls::finished);
        window.placeDemoCall();
        window.placeDemoCall();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, 60000);
        QCOMPARE(postUnsigned(core.port()), 403);
        ui::CallWall* wall = window.callWall();
        QTRY_COMPARE(wall->model()->rowCount(), 2);

        const QString sid = wall->model()->callAt(0)->callSid;
        QVERIFY(wall->selectCall(sid));
        ui::CallDetailPane* detail = window.callDetail();
        QTRY_VERIFY(detail->isLoaded());
        detail->tabs()->setCurrentIndex(1); // Timeline
        saveShot(window, QStringLiteral("calls-timeline"));
        detail->tabs()->setCurrentIndex(0); // Overview
        saveShot(window, QStringLiteral("call-overview"));

        // A call live on the wall: streaming in real time, its timeline filling as it goes.
        window.setDemoCallsRealtime(true);
        window.placeDemoCall();
        QTRY_COMPARE_WITH_TIMEOUT(wall->model()->rowCount(), 3, 30000);
        const auto liveRow = [wall]() -> int {
            for (int row = 0; row < wall->model()->rowCount(); ++row) {
                const storage::CallRecord* call = wall->model()->callAt(row);
                if (call && call->state == QLatin1String("streaming"))
                    return row;
            }
            return -1;
        };
        QTRY_VERIFY_WITH_TIMEOUT(liveRow() >= 0, 30000);
        const QString live = wall->model()->callAt(liveRow())->callSid;
        QVERIFY(wall->selectCall(live));
        detail->tabs()->setCurrentIndex(1);
        QTRY_VERIFY(detail->isLoaded());
        QTest::qWait(1500); // a second of ticking duration and streamed events
        saveShot(window, QStringLiteral("calls-live"));

        window.showScreen(ui::MainWindow::WebhooksScreen);
        ui::WebhookInspector* inspector = window.webhookInspector();
        QTRY_VERIFY(inspector->model()->rowCount() >= 3);
        qint64 refused = 0;
        for (int row = 0; row < inspector->model()->rowCount(); ++row) {
            if (inspector->model()->entryAt(row).status == 403)
                refused = inspector->model()->entryAt(row).id;
        }
        QVERIFY(refused > 0);
        inspector->selectEntry(refused);
        QTRY_COMPARE(inspector->currentEntryId(), refused);
        saveShot(window, QStringLiteral("webhooks"));

        window.showScreen(ui::MainWindow::FlowsScreen);
        QVERIFY(window.flows()->openFlow(QStringLiteral("appointment")));
        saveShot(window, QStringLiteral("flows"));

        window.showScreen(ui::MainWindow::NetworkScreen);
        QTRY_VERIFY(window.networkPanel()->healthText().startsWith(QLatin1String("answering")));
        saveShot(window, QStringLiteral("network"));
    }
};

QTEST_MAIN(TestScreenshots)
#include "TestScreenshots.moc"
