// SPDX-License-Identifier: GPL-3.0-or-later
// Drives the real `switchboard` executable as a user's script would.
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

namespace {
struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

Run run(const QStringList& args,
        const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment(),
        int waitMs = 30000)
{
    QProcess proc;
    proc.setProcessEnvironment(env);
    proc.start(QStringLiteral(SB_SWITCHBOARD_EXECUTABLE), args);
    proc.closeWriteChannel(); // stdin at end of input, as for a script that pipes nothing
    Run r;
    if (!proc.waitForFinished(waitMs)) {
        proc.kill();
        proc.waitForFinished();
        return r;
    }
    r.exitCode = proc.exitStatus() == QProcess::NormalExit ? proc.exitCode() : -1;
    r.out = proc.readAllStandardOutput();
    r.err = proc.readAllStandardError();
    return r;
}
} // namespace

class TestExecutable : public QObject
{
    Q_OBJECT

private slots:
    void helpPrintsUsageWithoutADisplay()
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("DISPLAY"));
        env.remove(QStringLiteral("WAYLAND_DISPLAY"));
        env.remove(QStringLiteral("QT_QPA_PLATFORM"));
        const Run r = run({QStringLiteral("--help")}, env);
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.startsWith("Usage: switchboard"));
        QVERIFY(r.out.contains("--version"));
        QVERIFY(r.err.isEmpty());
    }

    void versionPrintsOneLine()
    {
        const Run r = run({QStringLiteral("--version")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.startsWith("switchboard "));
        QCOMPARE(r.out.count('\n'), 1);
    }

    void badOptionExitsTwoWithAClearMessage()
    {
        const Run r = run({QStringLiteral("--no-such-option")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.out.isEmpty());
        QVERIFY2(r.err.contains("unknown option '--no-such-option'"), r.err.constData());
    }

#if SB_BUILD_GUI
    void windowStartsAndStaysUpOffscreen()
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        QTemporaryDir home;
        env.insert(QStringLiteral("HOME"), home.path());
        QProcess proc;
        proc.setProcessEnvironment(env);
        proc.start(QStringLiteral(SB_SWITCHBOARD_EXECUTABLE), {QStringLiteral("--port"), QStringLiteral("0")});
        QVERIFY(proc.waitForStarted());
        // Start-up opened the default data folder (XDG under HOME here) ...
        const QString database = home.filePath(QStringLiteral(".local/share/switchboard/switchboard.sqlite"));
        QTRY_VERIFY2_WITH_TIMEOUT(
            QFile::exists(database) || proc.state() == QProcess::NotRunning, "no database after 60 s", 60000);
        QVERIFY2(proc.state() == QProcess::Running, proc.readAllStandardError().constData());
        // ... and the window stays up: staying alive for a while is the behaviour under test.
        QVERIFY2(!proc.waitForFinished(1500), proc.readAllStandardError().constData());

        // A second start on the same data folder hands over to this one (raises its window) and
        // ends with status 0; the first keeps running. Another data folder is an instance of its own.
        const Run second = run({QStringLiteral("--port"), QStringLiteral("0")}, env);
        QCOMPARE(second.exitCode, 0);
        QVERIFY2(second.out.contains("already running on this data folder"), second.out.constData());
        QVERIFY(proc.state() == QProcess::Running);
        QTemporaryDir otherFolder;
        QProcess other;
        other.setProcessEnvironment(env);
        other.start(QStringLiteral(SB_SWITCHBOARD_EXECUTABLE),
                    {QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--data-dir"), otherFolder.path()});
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(otherFolder.filePath(QStringLiteral("switchboard.sqlite"))), 60000);
        QVERIFY2(!other.waitForFinished(1000), other.readAllStandardError().constData());
        other.terminate();
        QVERIFY(other.waitForFinished(10000));
        QCOMPARE(other.exitCode(), 0);

        proc.terminate();
        QVERIFY(proc.waitForFinished(10000));
        QCOMPARE(proc.exitStatus(), QProcess::NormalExit);
        QCOMPARE(proc.exitCode(), 0);
        // The default data folder follows the platform rules (XDG under HOME here).
        QVERIFY(QFile::exists(database));
    }

    void windowRefusesWhatHeadlessRefuses_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QByteArray>("reason");
        QTest::newRow("update-number without account")
            << QStringList{QStringLiteral("--update-number"), QStringLiteral("+15005550006")}
            << QByteArray("--update-number needs an account");
        QTest::newRow("empty token on stdin") << QStringList{QStringLiteral("--auth-token-stdin")}
                                              << QByteArray("--auth-token-stdin: stdin gave no token");
    }
    void windowRefusesWhatHeadlessRefuses()
    {
        // The window used to start and silently ignore these; now it stops before any window
        // opens, with the same one line and exit code as --headless.
        QFETCH(QStringList, args);
        QFETCH(QByteArray, reason);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        QTemporaryDir home;
        env.insert(QStringLiteral("HOME"), home.path());
        env.remove(QStringLiteral("DBUS_SESSION_BUS_ADDRESS")); // no keychain: no profile either
        args << QStringLiteral("--port") << QStringLiteral("0") << QStringLiteral("--data-dir") << home.path();
        const Run window = run(args, env);
        const Run headless = run(QStringList{QStringLiteral("--headless")} + args, env);
        QCOMPARE(window.exitCode, 1);
        QCOMPARE(headless.exitCode, 1);
        const QByteArray windowLast = window.err.trimmed().split('\n').last();
        QVERIFY2(windowLast.startsWith("switchboard: ") && windowLast.contains(reason), window.err.constData());
        QCOMPARE(windowLast, headless.err.trimmed().split('\n').last());
        // Nothing was started: no database in the data folder.
        QVERIFY(!QFile::exists(home.filePath(QStringLiteral("switchboard.sqlite"))));
    }
#else
    void widgetFreeBuildSaysItHasNoWindow()
    {
        const Run r = run({});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("this build has no window"), r.err.constData());
    }

    void widgetFreeBuildLinksNoWidgets()
    {
        // The dynamic section lists every shared library the program needs.
        QProcess readelf;
        readelf.start(QStringLiteral("readelf"), {QStringLiteral("-d"), QStringLiteral(SB_SWITCHBOARD_EXECUTABLE)});
        QVERIFY(readelf.waitForFinished(30000));
        QCOMPARE(readelf.exitCode(), 0);
        const QByteArray needed = readelf.readAllStandardOutput();
        QVERIFY2(needed.contains("libQt6Core.so"), needed.constData());
        QVERIFY2(!needed.contains("libQt6Widgets"), needed.constData());
        QVERIFY2(!needed.contains("libQt6Gui"), needed.constData());
    }
#endif
};

QTEST_GUILESS_MAIN(TestExecutable)
#include "TestExecutable.moc"
