// SPDX-License-Identifier: GPL-3.0-or-later
// CredentialStore against a real gnome-keyring on a private D-Bus session (with-keyring.sh).
#include "KeyringTestSupport.h"
#include "credentials/CredentialStore.h"
#include "credentials/Profiles.h"
#include "credentials/SecretBytes.h"

#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QThread>
#include <QtTest>
#include <csignal>
#include <sys/types.h>

using namespace sb::credentials;

class TestCredentialStore : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QCoreApplication::setOrganizationName(QStringLiteral("switchboard"));
        QCoreApplication::setApplicationName(QStringLiteral("switchboard"));
        QVERIFY2(!sbtest::keyringRoot().isEmpty(), "run me through tests/support/with-keyring.sh");
        QCOMPARE(qEnvironmentVariable("SB_KEYRING_MODE"), QStringLiteral("unlocked"));
        QVERIFY(qEnvironmentVariableIsEmpty("DISPLAY"));
    }

    void writeReadOverwriteRemove()
    {
        const QByteArray token("0123456789abcdef0123456789abcdef");
        QVERIFY(removeSecret(QStringLiteral("alpha"), SecretKind::AuthToken).ok());
        auto missing = readAuthToken(QStringLiteral("alpha"));
        QVERIFY(!missing.ok());
        QCOMPARE(missing.error().code, QStringLiteral("credentials.missing"));
        QVERIFY(missing.error().message.contains(QLatin1String("credentials set --profile alpha")));

        auto w = writeSecret(QStringLiteral("alpha"), SecretKind::AuthToken, token);
        QVERIFY2(w.ok(), qPrintable(sbtest::why(w)));
        auto r = readAuthToken(QStringLiteral("alpha"));
        QVERIFY2(r.ok(), qPrintable(sbtest::why(r)));
        QCOMPARE(r.value(), token);

        // Overwrite, and a second secret kind and profile do not disturb it.
        QVERIFY(writeSecret(QStringLiteral("alpha"), SecretKind::AuthToken, "second-token").ok());
        QVERIFY(writeSecret(QStringLiteral("alpha"), SecretKind::ApiKeySecret, "api-secret").ok());
        QVERIFY(writeSecret(QStringLiteral("beta"), SecretKind::AuthToken, "beta-token").ok());
        QCOMPARE(readAuthToken(QStringLiteral("alpha")).value(), QByteArray("second-token"));
        QCOMPARE(readSecret(QStringLiteral("alpha"), SecretKind::ApiKeySecret).value(), QByteArray("api-secret"));
        QCOMPARE(readAuthToken(QStringLiteral("beta")).value(), QByteArray("beta-token"));

        auto removed = removeSecret(QStringLiteral("alpha"), SecretKind::AuthToken);
        QVERIFY(removed.ok());
        QCOMPARE(removed.value(), true);
        auto again = removeSecret(QStringLiteral("alpha"), SecretKind::AuthToken);
        QVERIFY(again.ok());
        QCOMPARE(again.value(), false);
        QCOMPARE(readAuthToken(QStringLiteral("alpha")).error().code, QStringLiteral("credentials.missing"));
        QCOMPARE(readAuthToken(QStringLiteral("beta")).value(), QByteArray("beta-token"));
    }

    void emptyProfileMeansActiveProfile()
    {
        ProfileSettings settings;
        settings.save(Profile{QStringLiteral("gamma"), QStringLiteral("AC0123456789abcdef0123456789abcdef"), {}, {}});
        settings.setActiveName(QStringLiteral("gamma"));
        QVERIFY(settings.sync().ok());
        QVERIFY(writeSecret(QStringLiteral("gamma"), SecretKind::AuthToken, "gamma-token").ok());
        QCOMPARE(readAuthToken(QString()).value(), QByteArray("gamma-token"));
    }

    void invalidProfileNameIsRefused()
    {
        auto w = writeSecret(QStringLiteral("../evil"), SecretKind::AuthToken, "x");
        QVERIFY(!w.ok());
        QCOMPARE(w.error().code, QStringLiteral("credentials.bad-profile"));
    }

    void callbackIsPostedToTheContextThread()
    {
        QVERIFY(writeSecret(QStringLiteral("delta"), SecretKind::AuthToken, "delta-token").ok());
        CredentialStore store(5000);
        QThread worker;
        worker.start();
        QObject context;
        context.moveToThread(&worker);
        std::atomic<QThread*> ranOn{nullptr};
        QByteArray got;
        std::atomic<bool> done{false};
        bool calledInline = true;
        // Called from the worker thread, answered on the worker thread (context's), while the
        // job itself runs on the store's (main) thread.
        QMetaObject::invokeMethod(&context, [&] {
            store.read(QStringLiteral("delta"), SecretKind::AuthToken, &context, [&](sb::Result<QByteArray> r) {
                ranOn = QThread::currentThread();
                if (r.ok())
                    got = r.value();
                done = true;
            });
            calledInline = done.load();
        });
        QTRY_VERIFY_WITH_TIMEOUT(done.load(), 10000);
        QCOMPARE(ranOn.load(), &worker);
        QVERIFY(!calledInline);
        QCOMPARE(got, QByteArray("delta-token"));
        worker.quit();
        worker.wait();
    }

    void timeoutIsReportedAndTheStoreRecovers()
    {
        QVERIFY(writeSecret(QStringLiteral("eps"), SecretKind::AuthToken, "eps-token").ok());
        // The keychain stops answering, as behind a hung unlock prompt: this run's own daemon
        // (tests/support/with-keyring.sh names it) is stopped for the read. A short timeout alone
        // is no proof: a D-Bus round trip on loopback can beat 1 ms.
        QFile pidFile(qEnvironmentVariable("SB_KEYRING_ROOT") + QStringLiteral("/keyring.pid"));
        QVERIFY(pidFile.open(QIODevice::ReadOnly));
        bool pidOk = false;
        const pid_t daemon = QString::fromLatin1(pidFile.readAll()).trimmed().toInt(&pidOk);
        QVERIFY(pidOk && daemon > 0);
        QCOMPARE(::kill(daemon, SIGSTOP), 0);
        QElapsedTimer t;
        t.start();
        auto r = readAuthToken(QStringLiteral("eps"), 200);
        QCOMPARE(::kill(daemon, SIGCONT), 0);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, QStringLiteral("keychain.timeout"));
        QVERIFY(r.error().message.contains(QLatin1String("did not answer within 200 ms")));
        QVERIFY(r.error().message.contains(QLatin1String("unlock")));
        // Far under D-Bus's 25 s reply timeout, so it was our 1 ms that ended the wait, yet generous
        // for a loaded machine.
        QVERIFY(t.elapsed() < 10000);
        // The abandoned job finishes on its own; later jobs then work again.
        auto later = readAuthToken(QStringLiteral("eps"), 10000);
        QVERIFY2(later.ok(), qPrintable(sbtest::why(later)));
        QCOMPARE(later.value(), QByteArray("eps-token"));
    }

    void wipeClearsSharedBuffers()
    {
        QByteArray a("top-secret");
        QByteArray shared = a; // same buffer, as QtKeychain's job copy is
        const char* bytes = shared.constData();
        wipe(a);
        QVERIFY(a.isEmpty());
        QCOMPARE(QByteArray(bytes, 10), QByteArray(10, '\0'));
    }

    void noPlainTextCopyAnywhere()
    {
        const QByteArray token("f00dfacef00dfacef00dfacef00dface");
        QVERIFY(writeSecret(QStringLiteral("zeta"), SecretKind::AuthToken, token).ok());
        QCOMPARE(readAuthToken(QStringLiteral("zeta")).value(), token);
        int scanned = 0;
        const QStringList hits = sbtest::filesContaining({sbtest::keyringRoot()}, token, &scanned);
        QVERIFY2(hits.isEmpty(), qPrintable(hits.join(QLatin1Char(' '))));
        QVERIFY(scanned > 0); // the keyring file itself is there (encrypted)
        QVERIFY(QFile::exists(sbtest::keyringRoot() + QStringLiteral("/data/keyrings/login.keyring")));
    }
};

QTEST_GUILESS_MAIN(TestCredentialStore)
#include "TestCredentialStore.moc"
