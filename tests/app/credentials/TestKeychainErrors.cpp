// SPDX-License-Identifier: GPL-3.0-or-later
// No usable keychain: the error is clear, names what to do, comes within the time limit, and no
// secret is written anywhere instead. Mode from SB_KEYRING_MODE (set by with-keyring.sh, or
// "nobus" when run without a session bus).
#include "KeyringTestSupport.h"
#include "credentials/CredentialStore.h"

#include <QElapsedTimer>
#include <QtTest>

using namespace sb::credentials;

class TestKeychainErrors : public QObject
{
    Q_OBJECT

    QString mode;
    static constexpr int kTimeout = 5000;

    void checkError(const sb::Error& e, qint64 elapsed)
    {
        QVERIFY2(elapsed < kTimeout + 1000, qPrintable(QString::number(elapsed)));
        if (mode == QLatin1String("nobus")) {
            QCOMPARE(e.code, QStringLiteral("keychain.unavailable"));
            QVERIFY(e.message.contains(QLatin1String("no D-Bus session bus")));
            QVERIFY(e.message.contains(QLatin1String("gnome-keyring-daemon --unlock")));
        } else {
            QCOMPARE(e.code, QStringLiteral("keychain.locked"));
            QVERIFY(e.message.contains(QLatin1String("locked")));
            QVERIFY(e.message.contains(QLatin1String("unlock")));
        }
        QVERIFY(e.message.contains(QLatin1String("'pi'")));
    }

private slots:
    void initTestCase()
    {
        mode = qEnvironmentVariable("SB_KEYRING_MODE");
        QVERIFY2(mode == QLatin1String("nobus") || mode == QLatin1String("locked"), qPrintable(mode));
        if (mode == QLatin1String("nobus"))
            QVERIFY(qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"));
        QVERIFY(!sbtest::keyringRoot().isEmpty());
    }

    void writeFailsClearly()
    {
        QElapsedTimer t;
        t.start();
        auto w = writeSecret(QStringLiteral("pi"), SecretKind::AuthToken, "c0ffeec0ffeec0ffeec0ffeec0ffee99", kTimeout);
        QVERIFY(!w.ok());
        checkError(w.error(), t.elapsed());
        QVERIFY(!w.error().message.contains(QLatin1String("c0ffee")));
    }

    void readFailsClearly()
    {
        QElapsedTimer t;
        t.start();
        auto r = readAuthToken(QStringLiteral("pi"), kTimeout);
        QVERIFY(!r.ok());
        if (mode == QLatin1String("locked") && r.error().code == QLatin1String("credentials.missing"))
            QFAIL("a locked keyring must not look like a missing entry");
        checkError(r.error(), t.elapsed());
    }

    void removeFailsClearly()
    {
        QElapsedTimer t;
        t.start();
        auto r = removeSecret(QStringLiteral("pi"), SecretKind::AuthToken, kTimeout);
        QVERIFY(!r.ok());
        checkError(r.error(), t.elapsed());
    }

    void nothingWasWrittenInstead()
    {
        const QStringList hits = sbtest::filesContaining({sbtest::keyringRoot()}, "c0ffeec0ffeec0ffeec0ffeec0ffee99");
        QVERIFY2(hits.isEmpty(), qPrintable(hits.join(QLatin1Char(' '))));
        // QtKeychain's insecure fallback would write into QSettings: no such file may appear.
        QVERIFY(!QFile::exists(sbtest::keyringRoot() + QStringLiteral("/config/switchboard/switchboard.conf")));
    }
};

QTEST_GUILESS_MAIN(TestKeychainErrors)
#include "TestKeychainErrors.moc"
