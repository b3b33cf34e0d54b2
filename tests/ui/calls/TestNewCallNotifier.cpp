// SPDX-License-Identifier: GPL-3.0-or-later
// New-call notifications over a real core: a demo call placed while the wall watches is
// announced exactly once (and selected, when asked); calls loaded from the history never are.
// The options persist in QSettings (test mode: a private folder).
#include "CoreTestSupport.h"
#include "HeadlessApp.h"
#include "bootstrap/Core.h"
#include "bootstrap/DemoCalls.h"
#include "ui/calls/CallWall.h"
#include "ui/calls/CallWallModel.h"
#include "ui/calls/NewCallNotifier.h"

#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

using namespace sb;

namespace {
const QByteArray kToken = QByteArrayLiteral("notifier-test-token");

/// A call answered by the flow, stored before any wall exists.
bool storeAnsweredCall(bootstrap::Core& core, const QString& sid)
{
    QSignalSpy stored(&core, &bootstrap::Core::callStored);
    const twilio::FormParams params{
        {QStringLiteral("AccountSid"), QStringLiteral("AC0123456789abcdef0123456789abcdef")},
        {QStringLiteral("ApiVersion"), QStringLiteral("2010-04-01")},
        {QStringLiteral("CallSid"), sid},
        {QStringLiteral("CallStatus"), QStringLiteral("ringing")},
        {QStringLiteral("Direction"), QStringLiteral("inbound")},
        {QStringLiteral("From"), QStringLiteral("+15551230001")},
        {QStringLiteral("To"), QStringLiteral("+15005550006")}};
    const auto reply = test::postSigned(QStringLiteral("http://127.0.0.1:%1/voice").arg(core.port()), params, kToken);
    return reply.status == 200 && (!stored.isEmpty() || stored.wait(10000));
}
} // namespace

class TestNewCallNotifier : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("switchboard-tests"));
        QCoreApplication::setApplicationName(QStringLiteral("TestNewCallNotifier"));
        QSettings().clear();
    }

    void optionsPersist()
    {
        ui::CallWall wall(nullptr);
        {
            ui::NewCallNotifier notifier(&wall);
            QVERIFY(notifier.showMessage());
            QVERIFY(!notifier.playSound());
            QVERIFY(!notifier.autoSelect());
            notifier.setShowMessage(false);
            notifier.setPlaySound(true);
            notifier.setAutoSelect(true);
        }
        QCOMPARE(QSettings().value(QStringLiteral("notifications/autoSelect")).toBool(), true);
        ui::NewCallNotifier again(&wall);
        QVERIFY(!again.showMessage());
        QVERIFY(again.playSound());
        QVERIFY(again.autoSelect());
        QSettings().clear();
    }

    void demoCallIsAnnouncedOnceAndHistoryNever()
    {
        QTemporaryDir dir;
        auto core = test::startCore(dir.path(), kToken);
        QVERIFY(core);
        const QString old = QStringLiteral("CA%1").arg(0x01d, 32, 16, QLatin1Char('0'));
        QVERIFY(storeAnsweredCall(*core, old)); // live, but already there when the wall opens

        ui::CallWall wall(core.get());
        ui::NewCallNotifier notifier(&wall);
        notifier.setAutoSelect(true);
        notifier.setPlaySound(true); // a beep offscreen is harmless
        QSignalSpy notified(&notifier, &ui::NewCallNotifier::notified);
        QSignalSpy current(&wall, &ui::CallWall::currentCallChanged);
        wall.show();
        QTRY_COMPARE(wall.model()->rowCount(), 1); // the history is in
        QCOMPARE(wall.model()->callAt(0)->callSid, old);

        QSignalSpy finished(core->demoCalls(), &bootstrap::DemoCalls::finished);
        bootstrap::DemoCallRequest request;
        request.realtime = false;
        core->demoCalls()->start(core->publicUrl(), request);
        QVERIFY(finished.wait(60000));
        QVERIFY2(finished.first().at(1).toBool(), qPrintable(finished.first().at(2).toString()));
        QTRY_COMPARE(wall.model()->rowCount(), 2);
        const QString demo = wall.model()->callAt(1)->callSid;
        QTRY_COMPARE(wall.model()->index(1, ui::CallWallModel::State).data().toString(), QStringLiteral("completed"));

        // Every status callback of the demo call was stored and shown; one notification.
        QCOMPARE(notified.count(), 1);
        QCOMPARE(notified.first().at(0).toString(), demo);
        QCOMPARE(notified.first().at(1).toString(), QStringLiteral("Incoming call from +14155550123 to +15005550006"));
        // Auto-select picked it.
        QCOMPARE(wall.currentCallSid(), demo);
        QVERIFY(!current.isEmpty());
        QCOMPARE(current.last().at(0).toString(), demo);

        // A new wall over the same history announces nothing, even for the live call.
        ui::CallWall reopened(core.get());
        ui::NewCallNotifier quiet(&reopened);
        QSignalSpy none(&quiet, &ui::NewCallNotifier::notified);
        QTRY_COMPARE(reopened.model()->rowCount(), 2);
        QCOMPARE(none.count(), 0);
        QVERIFY(reopened.currentCallSid().isEmpty());
        QSettings().clear();
    }

    void notificationNamesTheContact()
    {
        QTemporaryDir dir;
        QFile contacts(dir.filePath(QStringLiteral("contacts.csv")));
        QVERIFY(contacts.open(QIODevice::WriteOnly));
        contacts.write("+1 (415) 555-0123,Demo Caller\n");
        contacts.close();
        auto core = test::startCore(dir.path(), kToken);
        QVERIFY(core);
        ui::CallWall wall(core.get());
        ui::NewCallNotifier notifier(&wall);
        QVERIFY(!notifier.autoSelect());
        QSignalSpy notified(&notifier, &ui::NewCallNotifier::notified);
        QSignalSpy finished(core->demoCalls(), &bootstrap::DemoCalls::finished);
        bootstrap::DemoCallRequest request;
        request.realtime = false;
        core->demoCalls()->start(core->publicUrl(), request);
        QTRY_COMPARE_WITH_TIMEOUT(notified.count(), 1, 30000);
        QCOMPARE(notified.first().at(1).toString(),
                 QStringLiteral("Incoming call from Demo Caller (+14155550123) to +15005550006"));
        QVERIFY(wall.currentCallSid().isEmpty()); // not asked to select
        QVERIFY(finished.wait(60000));
        QCOMPARE(notified.count(), 1);
    }
};

QTEST_MAIN(TestNewCallNotifier)
#include "TestNewCallNotifier.moc"
