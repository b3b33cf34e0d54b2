// SPDX-License-Identifier: GPL-3.0-or-later
#include "MainWindow.h"

#include <QAction>
#include <QLabel>
#include <QMenuBar>
#include <QStatusBar>
#include <QTreeView>
#include <QtTest>

class TestMainWindow : public QObject
{
    Q_OBJECT

private slots:
    void showsEmptyCallListAndListenerState()
    {
        sb::ui::MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QCOMPARE(window.windowTitle(), QStringLiteral("Switchboard"));

        auto* list = window.findChild<QTreeView*>(QStringLiteral("callList"));
        QVERIFY(list);
        QVERIFY(list->isVisible());
        QCOMPARE(list->model()->rowCount(), 0);
        QCOMPARE(list->model()->headerData(0, Qt::Horizontal).toString(), QStringLiteral("Call"));

        auto* status = window.findChild<QLabel*>(QStringLiteral("listenerStatus"));
        QVERIFY(status);
        QVERIFY(status->text().contains(QLatin1String("Listener")));

        // A screenshot proves the window really renders; keep it for humans to look at.
        const QImage shot = window.grab().toImage();
        QVERIFY(!shot.isNull());
        QVERIFY(shot.width() >= 800);
        const QString path = QDir::temp().filePath(QStringLiteral("switchboard-mainwindow.png"));
        QVERIFY(shot.save(path));
        qInfo("screenshot: %s", qPrintable(path));
    }

    void quitActionClosesTheWindow()
    {
        sb::ui::MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto* quit = window.findChild<QAction*>(QStringLiteral("actionQuit"));
        QVERIFY(quit);
        QCOMPARE(quit->shortcut(), QKeySequence(QKeySequence::Quit));
        quit->trigger();
        QTRY_VERIFY(!window.isVisible());
    }
};

QTEST_MAIN(TestMainWindow)
#include "TestMainWindow.moc"
