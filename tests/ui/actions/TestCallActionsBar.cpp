// SPDX-License-Identifier: GPL-3.0-or-later
// The call actions bar over a real core (listener on loopback, SQLite in a temp folder) and the
// real REST stand-in on loopback: a click goes all the way to the stand-in's stored call, and the
// result comes back in words.
#include "RestApiTestSupport.h"
#include "bootstrap/Core.h"
#include "ui/actions/CallActionsBar.h"

#include <QComboBox>
#include <QLabel>
#include <QPushButton>
#include <QTemporaryDir>
#include <QtTest>

using namespace sb;
using namespace sb::restapi;
using namespace sb::restapi::testing;

namespace {
QString sid(int n)
{
    return QStringLiteral("CA%1").arg(n, 32, 16, QLatin1Char('0'));
}
} // namespace

class TestCallActionsBar : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    RestApiStore m_store;
    std::unique_ptr<RestApiServer> m_server;

    bootstrap::CoreOptions options(const QString& subdir, bool credentials)
    {
        bootstrap::CoreOptions o;
        o.dataDir = m_dir.filePath(subdir);
        o.port = 0;
        o.authToken = [] { return kToken.toUtf8(); };
        if (credentials) {
            o.accountSid = kAccount;
            o.apiBase = m_server->baseUrl();
        }
        return o;
    }

    void addLiveCall(const QString& callSid)
    {
        CallRecord call;
        call.sid = callSid;
        call.status = QStringLiteral("in-progress");
        QVERIFY(m_store.addCall(call).ok());
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_store.setAccount(Account{kAccount, kToken});
        m_server = std::make_unique<RestApiServer>(m_store, RestApiServerConfig{});
        QVERIFY(m_server->start().ok());
    }

    void hangUpAfterConfirmationEndToEnd()
    {
        bootstrap::Core core(options(QStringLiteral("hangup"), true));
        QVERIFY(core.start().ok());
        ui::CallActionsBar bar(&core);
        QStringList questions;
        bool answer = false;
        bar.setConfirm([&](const QString& question) {
            questions << question;
            return answer;
        });
        bar.show();
        QVERIFY(QTest::qWaitForWindowExposed(&bar));
        auto* hangUp = bar.findChild<QPushButton*>(QStringLiteral("hangUpButton"));
        auto* result = bar.findChild<QLabel*>(QStringLiteral("actionResult"));
        QVERIFY(hangUp && result);
        QVERIFY(!hangUp->isEnabled()); // no call yet

        addLiveCall(sid(1));
        bar.setCall(sid(1), true, core.flowNames());
        QVERIFY(hangUp->isEnabled());
        QVERIFY(bar.findChild<QComboBox*>(QStringLiteral("redirectFlow"))->count() >= 4);

        // Cancelled: nothing is sent.
        QTest::mouseClick(hangUp, Qt::LeftButton);
        QCOMPARE(questions.size(), 1);
        QVERIFY(questions.first().contains(sid(1)));
        QVERIFY(!bar.isBusy());
        QCOMPARE(m_store.call(sid(1))->status, QStringLiteral("in-progress"));

        answer = true;
        QSignalSpy finished(&bar, &ui::CallActionsBar::actionFinished);
        QTest::mouseClick(hangUp, Qt::LeftButton);
        QVERIFY(bar.isBusy());
        QVERIFY(!hangUp->isEnabled()); // disabled while the action runs
        QVERIFY(!bar.findChild<QPushButton*>(QStringLiteral("sayButton"))->isEnabled());
        QVERIFY(finished.wait(20000));
        QCOMPARE(result->text(), QStringLiteral("Hung up"));
        QCOMPARE(m_store.call(sid(1))->status, QStringLiteral("completed"));
        QVERIFY(hangUp->isEnabled());

        // The same again: Twilio refuses, and the bar says why.
        QTest::mouseClick(hangUp, Qt::LeftButton);
        QVERIFY(finished.wait(20000));
        QCOMPARE(result->text(), QStringLiteral("Twilio refused: the call is not in progress (21220)"));

        // The call ended: nothing more to do on it.
        bar.setCall(sid(1), false, core.flowNames());
        QVERIFY(!hangUp->isEnabled());
        QCOMPARE(result->text(), QStringLiteral("Twilio refused: the call is not in progress (21220)"));
    }

    void sayAsksForTheText()
    {
        bootstrap::Core core(options(QStringLiteral("say"), true));
        QVERIFY(core.start().ok());
        ui::CallActionsBar bar(&core);
        bar.setAskText([](const QString&, const QString&) { return QStringLiteral("Please hold"); });
        addLiveCall(sid(2));
        bar.setCall(sid(2), true, core.flowNames());
        QSignalSpy finished(&bar, &ui::CallActionsBar::actionFinished);
        bar.requestSay();
        QVERIFY(finished.wait(20000));
        QCOMPARE(finished.first().at(2).toBool(), true);
        QVERIFY(m_store.call(sid(2))->twiml.contains(QLatin1String("<Say>Please hold</Say>")));
    }

    void withoutCredentialsEverythingIsDisabledAndSaysWhy()
    {
        bootstrap::Core core(options(QStringLiteral("none"), false));
        QVERIFY(core.start().ok());
        ui::CallActionsBar bar(&core);
        bar.setCall(sid(3), true, core.flowNames());
        for (const char* name : {"hangUpButton", "redirectButton", "sayButton", "playButton"})
            QVERIFY2(!bar.findChild<QPushButton*>(QLatin1String(name))->isEnabled(), name);
        QCOMPARE(bar.findChild<QLabel*>(QStringLiteral("actionResult"))->text(),
                 QStringLiteral("No Twilio credentials: set them in Settings"));
    }
};

QTEST_MAIN(TestCallActionsBar)
#include "TestCallActionsBar.moc"
