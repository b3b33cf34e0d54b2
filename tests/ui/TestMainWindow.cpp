// SPDX-License-Identifier: GPL-3.0-or-later
// The real main window over a real core (listener on a free loopback port, SQLite in a temp
// folder): a signed webhook shows up as a call, its events show in the detail pane.
#include "CoreTestSupport.h"
#include "bootstrap/Core.h"
#include "ui/MainWindow.h"
#include "ui/calls/CallWall.h"
#include "ui/calls/CallWallModel.h"
#include "ui/console/ConsoleSession.h"
#include "ui/console/FirstStart.h"
#include "ui/console/Palette.h"
#include "ui/console/SingleInstance.h"
#include "ui/detail/CallDetailPane.h"
#include "ui/detail/TimelineModel.h"
#include "ui/network/NetworkPanel.h"
#include "ui/settings/ListenerDialog.h"

#include <QAbstractButton>
#include <QAbstractItemModelTester>
#include <QAction>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTextEdit>
#include <QTreeView>
#include <QtTest>

using namespace sb;

namespace {
sb::ui::MainWindow* window(const sb::ui::ConsoleSession& session)
{
    return session.window();
}

const QByteArray kToken = QByteArrayLiteral("ui-test-token");

/// Whether any row of the shown call's timeline says `text` (its What column).
bool timelineSays(ui::MainWindow& window, const QString& text)
{
    const ui::TimelineModel* timeline = window.callDetail()->timelineModel();
    for (int row = 0; row < timeline->rowCount(); ++row) {
        if (timeline->index(row, ui::TimelineModel::What).data().toString().contains(text))
            return true;
    }
    return false;
}

} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT

private slots:
    void showsCallsAsTheyArriveAndTheirEvents()
    {
        QTemporaryDir dir;
        const auto owned = test::startCore(dir.path(), kToken);
        QVERIFY(owned);
        bootstrap::Core& core = *owned;

        ui::MainWindow window(&core);
        QAbstractItemModelTester tester(window.callWall()->model(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QCOMPARE(window.windowTitle(), QStringLiteral("Switchboard"));
        auto* status = window.findChild<QLabel*>(QStringLiteral("listenerStatus"));
        QVERIFY(status->text().contains(QStringLiteral("http://127.0.0.1:%1").arg(core.port())));

        auto* list = window.findChild<QTreeView*>(QStringLiteral("callList"));
        QCOMPARE(list->model()->rowCount(), 0);
        const QString sid = QStringLiteral("CA%1").arg(7, 32, 16, QLatin1Char('0'));
        QCOMPARE(test::postVoice(core.port(), sid, kToken), 200);
        QTRY_COMPARE(list->model()->rowCount(), 1);
        QCOMPARE(list->model()->index(0, ui::CallWallModel::Sid).data(ui::CallWallModel::CallSidRole).toString(), sid);
        QVERIFY(list->model()
                    ->index(0, ui::CallWallModel::Caller)
                    .data()
                    .toString()
                    .contains(QLatin1String("+14155550123")));
        QCOMPARE(list->model()->index(0, ui::CallWallModel::State).data().toString(), QStringLiteral("in progress"));

        list->setCurrentIndex(list->model()->index(0, 0));
        QCOMPARE(window.callDetail()->callSid(), sid);
        QTRY_VERIFY(timelineSays(window, QStringLiteral("POST /voice")));
        QTRY_VERIFY(timelineSays(window, QStringLiteral("signature valid")));

        // A second call goes on top.
        QCOMPARE(test::postVoice(core.port(), QStringLiteral("CA%1").arg(8, 32, 16, QLatin1Char('0')), kToken), 200);
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
        const auto owned = test::startCore(dir.path(), kToken);
        QVERIFY(owned);
        bootstrap::Core& core = *owned;
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
            list->model()->index(0, ui::CallWallModel::State).data().toString(), QStringLiteral("completed"), 30000);
        list->setCurrentIndex(list->model()->index(0, 0));
        QTRY_VERIFY(timelineSays(window, QStringLiteral("Stream MZ")));
        // The first-start page said how the demo call went, in words.
        QTRY_VERIFY(window.findChild<ui::FirstStart*>()->demoStatus().contains(QLatin1String("finished")));
    }

    void firstStartStepsUntilTheFirstCall()
    {
        QTemporaryDir dir;
        const auto owned = test::startCore(dir.path(), kToken);
        QVERIFY(owned);
        bootstrap::Core& core = *owned;
        ui::MainWindow window(&core);
        window.setDemoCallsRealtime(false);
        window.showScreen(ui::MainWindow::CallsScreen);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto* calls = window.findChild<QStackedWidget*>(QStringLiteral("callsScreen"));
        auto* firstStart = window.findChild<ui::FirstStart*>();
        QCOMPARE(calls->currentWidget(), firstStart);
        // "Start a tunnel" leads to the network screen.
        window.findChild<QPushButton*>(QStringLiteral("firstStartTunnel"))->click();
        QCOMPARE(window.currentScreen(), ui::MainWindow::NetworkScreen);
        window.showScreen(ui::MainWindow::CallsScreen);
        window.findChild<QPushButton*>(QStringLiteral("firstStartDemo"))->click();
        QVERIFY(firstStart->demoStatus().contains(QLatin1String("demo call")));
        QTRY_VERIFY_WITH_TIMEOUT(calls->currentWidget() != firstStart, 20000);
        QCOMPARE(calls->currentWidget()->objectName(), QStringLiteral("callSplitter"));
    }

    void screensHaveShortcutsAndTheNetworkScreenTellsTheUrls()
    {
        QTemporaryDir dir;
        const auto owned = test::startCore(dir.path(), kToken);
        QVERIFY(owned);
        bootstrap::Core& core = *owned;
        ui::MainWindow window(&core);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        for (int screen = 0; screen < 4; ++screen) {
            auto* action = window.findChild<QAction*>(QStringLiteral("actionScreen%1").arg(screen + 1));
            QVERIFY(action);
            QCOMPARE(action->shortcut(), QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + screen)));
            action->trigger();
            QCOMPARE(int(window.currentScreen()), screen);
        }
        const QString base = QStringLiteral("http://127.0.0.1:%1").arg(core.port());
        QCOMPARE(window.findChild<QLineEdit*>(QStringLiteral("webhookUrl"))->text(), base + QStringLiteral("/voice"));
        QCOMPARE(window.findChild<QLineEdit*>(QStringLiteral("streamUrl"))->text(), core.streamUrl());
        QTRY_VERIFY(window.networkPanel()->healthText().startsWith(QLatin1String("answering")));

        // A fixed-URL tunnel: everything, the status bar included, follows the public URL.
        auto* status = window.findChild<QLabel*>(QStringLiteral("listenerStatus"));
        QVERIFY(status->text().contains(QLatin1String("no tunnel")));
        QVERIFY(core.startTunnel(QStringLiteral("url:https://calls.example.test")).ok());
        QTRY_COMPARE(window.findChild<QLineEdit*>(QStringLiteral("webhookUrl"))->text(),
                     QStringLiteral("https://calls.example.test/voice"));
        QVERIFY(status->text().contains(QLatin1String("https://calls.example.test/voice")));
        QVERIFY(window.findChild<QLabel*>(QStringLiteral("tunnelState"))->text().contains(QLatin1String("up")));
        core.stopTunnel();
        QCOMPARE(window.findChild<QLineEdit*>(QStringLiteral("webhookUrl"))->text(), base + QStringLiteral("/voice"));
        QVERIFY(status->text().contains(QLatin1String("no tunnel")));
        // A spec that cannot work is refused in words and changes nothing.
        const auto bad = core.startTunnel(QStringLiteral("teleport"));
        QVERIFY(!bad.ok());
        QVERIFY(!bad.error().message.isEmpty());
        QCOMPARE(core.tunnel(), nullptr);
    }

    void everyControlHasANameAndEveryActionItsOwnKeys()
    {
        QTemporaryDir dir;
        const auto owned = test::startCore(dir.path(), kToken);
        QVERIFY(owned);
        bootstrap::Core& core = *owned;
        ui::MainWindow window(&core);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        // A screen reader names every control: by its accessible name, its own text, a label's
        // buddy or its placeholder.
        QSet<const QWidget*> buddies;
        for (const QLabel* label : window.findChildren<QLabel*>()) {
            if (label->buddy())
                buddies.insert(label->buddy());
        }
        QStringList unnamed;
        for (QWidget* w : window.findChildren<QWidget*>()) {
            const bool control = qobject_cast<QLineEdit*>(w) || qobject_cast<QComboBox*>(w) ||
                                 qobject_cast<QAbstractButton*>(w) || qobject_cast<QAbstractItemView*>(w) ||
                                 qobject_cast<QPlainTextEdit*>(w) || qobject_cast<QTextEdit*>(w);
            if (!control || w->focusPolicy() == Qt::NoFocus || w->inherits("QTabBar") ||
                w->parent()->inherits("QTabBar") || w->parent()->inherits("QAbstractScrollArea") ||
                w->parent()->inherits("QHeaderView"))
                continue;
            const auto* button = qobject_cast<QAbstractButton*>(w);
            const auto* line = qobject_cast<QLineEdit*>(w);
            const bool named = !w->accessibleName().isEmpty() || (button && !button->text().isEmpty()) ||
                               buddies.contains(w) || (line && !line->placeholderText().isEmpty());
            if (!named)
                unnamed << QStringLiteral("%1 %2").arg(QLatin1String(w->metaObject()->className()), w->objectName());
        }
        QVERIFY2(unnamed.isEmpty(), qPrintable(unnamed.join(QStringLiteral(", "))));
        // No two actions share keys, and Help lists each of them.
        QSet<QString> keys;
        for (const QAction* action : window.findChildren<QAction*>()) {
            if (action->shortcut().isEmpty())
                continue;
            const QString key = action->shortcut().toString();
            QVERIFY2(!keys.contains(key), qPrintable(key));
            keys.insert(key);
        }
        QVERIFY(keys.size() >= 12);
    }

    void followsADarkPalette()
    {
        QTemporaryDir dir;
        const auto owned = test::startCore(dir.path(), kToken);
        QVERIFY(owned);
        bootstrap::Core& core = *owned;
        ui::MainWindow window(&core);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        const QString sid = QStringLiteral("CA%1").arg(9, 32, 16, QLatin1Char('0'));
        QCOMPARE(test::postVoice(core.port(), sid, kToken), 200);
        QAbstractItemModel* wall = window.callWall()->model();
        QTRY_COMPARE(wall->rowCount(), 1);
        const auto stateColour = [&] {
            return wall->index(0, ui::CallWallModel::State).data(Qt::ForegroundRole).value<QBrush>().color();
        };
        const QPalette light = QApplication::palette();
        QVERIFY(!ui::darkPalette());
        const QColor onLight = stateColour();
        QPalette dark = light;
        dark.setColor(QPalette::Base, QColor(0x20, 0x20, 0x20));
        dark.setColor(QPalette::Window, QColor(0x30, 0x30, 0x30));
        dark.setColor(QPalette::Text, Qt::white);
        dark.setColor(QPalette::WindowText, Qt::white);
        QApplication::setPalette(dark);
        QVERIFY(ui::darkPalette());
        const QColor onDark = stateColour();
        QApplication::setPalette(light);
        QVERIFY(onLight.isValid());
        // The same state reads on both: darker text on the light base, lighter on the dark one.
        QVERIFY2(onDark.lightnessF() > onLight.lightnessF() + 0.15,
                 qPrintable(QStringLiteral("%1 vs %2").arg(onDark.name(), onLight.name())));
        window.grab(); // paints with either palette without complaint
    }

    void listenerAndDataFolderChangeWithoutLeavingTheApp()
    {
        // The port is taken: the window opens anyway and says why; the listener settings move it.
        QTcpServer squatter;
        QVERIFY(squatter.listen(QHostAddress::LocalHost));
        QTemporaryDir first;
        QTemporaryDir second;
        bootstrap::CoreOptions options;
        options.dataDir = first.path();
        options.port = squatter.serverPort();
        options.authToken = [] { return kToken; };
        ui::ConsoleSession session(options);
        session.start();
        QVERIFY(!session.startError().isEmpty());
        QVERIFY(session.window()->isVisible());
        QVERIFY(window(session)
                    ->findChild<QLabel*>(QStringLiteral("listenerStatus"))
                    ->text()
                    .contains(QLatin1String("not running")));

        // The dialog checks what it can, then hands the new options over.
        ui::ListenerDialog dialog(options);
        dialog.findChild<QComboBox*>(QStringLiteral("listenerBind"))->setCurrentText(QStringLiteral("not-an-ip"));
        dialog.accept();
        QVERIFY(dialog.result() != QDialog::Accepted);
        QVERIFY(
            dialog.findChild<QLabel*>(QStringLiteral("listenerProblem"))->text().contains(QLatin1String("not-an-ip")));
        dialog.findChild<QComboBox*>(QStringLiteral("listenerBind"))->setCurrentText(QStringLiteral("127.0.0.1"));
        dialog.findChild<QSpinBox*>(QStringLiteral("listenerPort"))->setValue(0);
        dialog.accept();
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        QSignalSpy replaced(&session, &ui::ConsoleSession::replaced);
        emit session.window()->restartRequested(dialog.options());
        QTRY_COMPARE(replaced.size(), 1);
        QVERIFY(session.startError().isEmpty());
        QVERIFY(session.core()->port() != 0);
        QVERIFY(session.window()->isVisible());
        const QString sid = QStringLiteral("CA%1").arg(0xa1, 32, 16, QLatin1Char('0'));
        QCOMPARE(test::postVoice(session.core()->port(), sid, kToken), 200);
        QTRY_COMPARE(session.window()->callWall()->model()->rowCount(), 1);

        // Another data folder: the running core stops in order (the call is stored in the first
        // folder), a new one starts on the second, and its window starts empty.
        bootstrap::CoreOptions moved = session.core()->options();
        moved.dataDir = second.path();
        emit session.window()->restartRequested(moved);
        QTRY_COMPARE(replaced.size(), 2);
        QCOMPARE(session.core()->options().dataDir, second.path());
        QVERIFY(session.window()->isVisible());
        QCOMPARE(session.window()->callWall()->model()->rowCount(), 0);
        QVERIFY(QFile::exists(QDir(second.path()).filePath(QStringLiteral("switchboard.sqlite"))));
        // The token went along: a signed request to the new listener is accepted.
        QCOMPARE(
            test::postVoice(session.core()->port(), QStringLiteral("CA%1").arg(0xa2, 32, 16, QLatin1Char('0')), kToken),
            200);
        QSignalSpy finished(&session, &ui::ConsoleSession::finished);
        session.shutdown();
        QTRY_COMPARE(finished.size(), 1);
    }

    void aNewTokenAppliesToTheRunningListener()
    {
        QTemporaryDir dir;
        const auto owned = test::startCore(dir.path(), kToken);
        QVERIFY(owned);
        bootstrap::Core& core = *owned;
        const QByteArray rotated("rotated-token");
        QCOMPARE(test::postVoice(core.port(), QStringLiteral("CA%1").arg(1, 32, 16, QLatin1Char('0')), rotated), 403);
        core.setAuthToken(rotated);
        QCOMPARE(test::postVoice(core.port(), QStringLiteral("CA%1").arg(2, 32, 16, QLatin1Char('0')), rotated), 200);
        QCOMPARE(test::postVoice(core.port(), QStringLiteral("CA%1").arg(3, 32, 16, QLatin1Char('0')), kToken), 403);
    }

    void aSecondStartOnTheSameDataFolderRaisesTheFirst()
    {
        QTemporaryDir dir;
        QTemporaryDir other;
        ui::SingleInstance first(dir.path());
        QVERIFY(!first.handOverToRunning(500)); // nobody there yet
        QVERIFY2(first.listen(), qPrintable(first.errorString()));
        QSignalSpy raised(&first, &ui::SingleInstance::raiseRequested);

        // The second start runs on a thread of its own, as another process would.
        bool handedOver = false;
        std::unique_ptr<QThread> second(QThread::create([&] {
            ui::SingleInstance instance(dir.path() + QStringLiteral("/./"));
            handedOver = instance.handOverToRunning(5000);
        }));
        second->start();
        QTRY_VERIFY(second->isFinished());
        QVERIFY(handedOver);
        QCOMPARE(raised.size(), 1);

        ui::SingleInstance elsewhere(other.path());
        QVERIFY(!elsewhere.handOverToRunning(500));
        QVERIFY(elsewhere.listen());
        QVERIFY(ui::SingleInstance::serverName(dir.path()) != ui::SingleInstance::serverName(other.path()));
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
