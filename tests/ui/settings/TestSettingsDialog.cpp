// SPDX-License-Identifier: GPL-3.0-or-later
// The credentials settings dialog, offscreen, against a real gnome-keyring (with-keyring.sh) and a
// local stand-in for Twilio's account endpoint.
#include "KeyringTestSupport.h"
#include "TwilioStandIn.h"
#include "credentials/CredentialStore.h"
#include "credentials/Profiles.h"
#include "ui/settings/SettingsDialog.h"

#include <QComboBox>
#include <QDir>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QtTest>

using namespace sb::credentials;
using sb::ui::SettingsDialog;

class TestSettingsDialog : public QObject
{
    Q_OBJECT

    sbtest::TwilioStandIn twilio;
    quint16 port = 0;
    bool locked = false;

    template <typename W> static W* child(SettingsDialog& d, const char* name)
    {
        W* w = d.findChild<W*>(QLatin1String(name));
        if (!w)
            qFatal("no widget %s", name);
        return w;
    }
    static QString status(SettingsDialog& d) { return child<QLabel>(d, "statusLabel")->text(); }
    static QVariant statusOk(SettingsDialog& d) { return child<QLabel>(d, "statusLabel")->property("ok"); }
    void fill(SettingsDialog& d, const QString& sid, const QString& token, const QString& baseUrl)
    {
        child<QLineEdit>(d, "accountSidEdit")->setText(sid);
        child<QLineEdit>(d, "authTokenEdit")->setText(token);
        child<QLineEdit>(d, "baseUrlEdit")->setText(baseUrl);
    }
    void click(SettingsDialog& d, const char* button)
    {
        QPushButton* b = child<QPushButton>(d, button);
        QVERIFY2(b->isEnabled(), button);
        QTest::mouseClick(b, Qt::LeftButton);
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(!sbtest::keyringRoot().isEmpty(), "run me through tests/support/with-keyring.sh");
        const QString mode = qEnvironmentVariable("SB_KEYRING_MODE");
        QVERIFY2(mode == QLatin1String("unlocked") || mode == QLatin1String("locked"), qPrintable(mode));
        locked = mode == QLatin1String("locked");
        QVERIFY(qEnvironmentVariableIsEmpty("DISPLAY"));
        port = twilio.start();
        QVERIFY(port != 0);
        ProfileSettings settings;
        for (const QString& n : settings.names())
            settings.remove(n);
        QVERIFY(settings.sync().ok());
    }

    void init()
    {
        if (const char* why = sbtest::keyringModeMismatch(locked))
            QSKIP(why);
    }

    void lockedKeyringSaysWhatToDo()
    {
        SettingsDialog d;
        QTRY_VERIFY_WITH_TIMEOUT(!d.isBusy(), 20000);
        // Reading the state already fails, and says so (not "not stored").
        QCOMPARE(statusOk(d).toBool(), false);
        QVERIFY2(status(d).contains(QLatin1String("unlock")), qPrintable(status(d)));
        QVERIFY(child<QLabel>(d, "tokenStateLabel")->text().contains(QLatin1String("Unknown")));

        QVERIFY(d.selectProfile(QStringLiteral("locked")));
        QTRY_VERIFY_WITH_TIMEOUT(!d.isBusy(), 20000);
        fill(d, twilio.accountSid, QString::fromLatin1(twilio.authToken), twilio.baseUrl(port));
        QSignalSpy changed(&d, &SettingsDialog::credentialsChanged);
        click(d, "saveButton");
        QTRY_VERIFY_WITH_TIMEOUT(!d.isBusy(), 20000);
        QCOMPARE(statusOk(d).toBool(), false);
        QVERIFY2(status(d).startsWith(QLatin1String("Not saved")), qPrintable(status(d)));
        QVERIFY(status(d).contains(QLatin1String("locked")));
        QVERIFY(status(d).contains(QLatin1String("unlock")));
        QCOMPARE(changed.size(), 0);
        // No plain-text fallback: nothing reached the settings or any file.
        QVERIFY(!ProfileSettings().find(QStringLiteral("locked")));
        const QStringList hits = sbtest::filesContaining({sbtest::keyringRoot()}, twilio.authToken);
        QVERIFY2(hits.isEmpty(), qPrintable(hits.join(QLatin1Char(' '))));
    }

    void saveStoresTokenInKeychainOnly()
    {
        SettingsDialog d;
        QTRY_VERIFY(!d.isBusy());
        QCOMPARE(d.currentProfile(), QStringLiteral("default")); // nothing configured yet
        QVERIFY(d.selectProfile(QStringLiteral("alpha")));
        QTRY_VERIFY(!d.isBusy());
        QCOMPARE(child<QLabel>(d, "tokenStateLabel")->property("stored").toBool(), false);
        QCOMPARE(child<QLineEdit>(d, "authTokenEdit")->echoMode(), QLineEdit::Password);
        QSignalSpy changed(&d, &SettingsDialog::credentialsChanged);

        fill(d, twilio.accountSid, QString::fromLatin1(twilio.authToken), twilio.baseUrl(port));
        click(d, "saveButton");
        QTRY_VERIFY_WITH_TIMEOUT(!d.isBusy(), 20000);
        QVERIFY2(statusOk(d).toBool(), qPrintable(status(d)));
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed.first().first().toString(), QStringLiteral("alpha"));

        auto token = readAuthToken(QStringLiteral("alpha"));
        QVERIFY2(token.ok(), qPrintable(sbtest::why(token)));
        QCOMPARE(token.value(), twilio.authToken);
        ProfileSettings settings;
        const auto p = settings.find(QStringLiteral("alpha"));
        QVERIFY(p.has_value());
        QCOMPARE(p->accountSid, twilio.accountSid);
        QCOMPARE(p->baseUrl, twilio.baseUrl(port));
        QCOMPARE(settings.activeName(), QStringLiteral("alpha")); // the first profile becomes active
        QVERIFY(child<QLineEdit>(d, "authTokenEdit")->text().isEmpty());
        QVERIFY(child<QLabel>(d, "tokenStateLabel")->property("stored").toBool());
        QVERIFY(child<QLabel>(d, "tokenStateLabel")->text().contains(QLatin1String("Stored")));

        // A new dialog shows the profile without ever filling the secret in.
        SettingsDialog again;
        QCOMPARE(again.currentProfile(), QStringLiteral("alpha"));
        QTRY_VERIFY_WITH_TIMEOUT(!again.isBusy(), 20000);
        QCOMPARE(child<QLineEdit>(again, "accountSidEdit")->text(), twilio.accountSid);
        QVERIFY(child<QLineEdit>(again, "authTokenEdit")->text().isEmpty());
        QVERIFY(child<QLabel>(again, "tokenStateLabel")->property("stored").toBool());

        // Save with an empty token field keeps the stored token.
        click(again, "saveButton");
        QTRY_VERIFY_WITH_TIMEOUT(!again.isBusy(), 20000);
        QVERIFY2(statusOk(again).toBool(), qPrintable(status(again)));
        QCOMPARE(readAuthToken(QStringLiteral("alpha")).value(), twilio.authToken);
    }

    void invalidSidBlocksSave()
    {
        SettingsDialog d;
        QTRY_VERIFY_WITH_TIMEOUT(!d.isBusy(), 20000); // reading the keychain state
        QVERIFY(d.selectProfile(QStringLiteral("broken")));
        QTRY_VERIFY_WITH_TIMEOUT(!d.isBusy(), 20000);
        fill(d, QStringLiteral("AC123"), QStringLiteral("some-token"), twilio.baseUrl(port));
        click(d, "saveButton");
        QLabel* error = child<QLabel>(d, "accountSidError");
        QVERIFY(error->isVisibleTo(&d));
        QVERIFY(error->text().contains(QLatin1String("32 hexadecimal digits")));
        QCOMPARE(statusOk(d).toBool(), false);
        QVERIFY(!d.isBusy()); // nothing was started
        QVERIFY(!ProfileSettings().find(QStringLiteral("broken")));
        QCOMPARE(readAuthToken(QStringLiteral("broken")).error().code, QStringLiteral("credentials.missing"));

        // A bad API key SID is rejected the same way.
        fill(d, twilio.accountSid, QStringLiteral("some-token"), twilio.baseUrl(port));
        child<QLineEdit>(d, "apiKeySidEdit")->setText(QStringLiteral("SKnothex"));
        click(d, "saveButton");
        QVERIFY(!child<QLabel>(d, "accountSidError")->isVisibleTo(&d));
        QVERIFY(child<QLabel>(d, "apiKeySidError")->isVisibleTo(&d));
        QVERIFY(!ProfileSettings().find(QStringLiteral("broken")));
    }

    void checkSaysOkOr401()
    {
        SettingsDialog d;
        QTRY_VERIFY_WITH_TIMEOUT(!d.isBusy(), 20000); // reading the keychain state
        QVERIFY(d.selectProfile(QStringLiteral("alpha")));
        QTRY_VERIFY_WITH_TIMEOUT(!d.isBusy(), 20000);
        const int before = twilio.requests;
        click(d, "checkButton");
        QTRY_VERIFY_WITH_TIMEOUT(!d.isBusy(), 20000);
        QVERIFY2(statusOk(d).toBool(), qPrintable(status(d)));
        QVERIFY(status(d).contains(QLatin1String("Stand-in account")));
        QVERIFY(status(d).contains(QLatin1String("accepts the auth token")));
        QCOMPARE(twilio.requests, before + 1);
        QCOMPARE(twilio.lastAuthorization, sbtest::basicAuth(twilio.accountSid, twilio.authToken));

        // A typed (unsaved) wrong token is checked as typed and gets a clear 401 message.
        child<QLineEdit>(d, "authTokenEdit")->setText(QStringLiteral("wrong-token-value"));
        click(d, "checkButton");
        QTRY_VERIFY_WITH_TIMEOUT(!d.isBusy(), 20000);
        QCOMPARE(statusOk(d).toBool(), false);
        QVERIFY2(status(d).contains(QLatin1String("HTTP 401")), qPrintable(status(d)));
        QVERIFY(status(d).contains(QLatin1String("auth token is wrong")));
        QVERIFY(!status(d).contains(QLatin1String("wrong-token-value")));
        QVERIFY(child<QLabel>(d, "statusLabel")->styleSheet().contains(QLatin1String("#b00020")));
        // Checking did not store it.
        QCOMPARE(readAuthToken(QStringLiteral("alpha")).value(), twilio.authToken);
    }

    void secondProfileWithApiKeyAndMakeActive()
    {
        SettingsDialog d;
        d.setAskProfileName([] { return QStringLiteral("bad name!"); });
        QComboBox* combo = child<QComboBox>(d, "profileCombo");
        QTRY_VERIFY_WITH_TIMEOUT(!d.isBusy(), 20000);
        const int newItem = combo->count() - 1;
        QVERIFY(combo->itemText(newItem).startsWith(QLatin1String("New profile")));
        combo->setCurrentIndex(newItem);
        emit combo->activated(newItem);
        QCOMPARE(d.currentProfile(), QStringLiteral("alpha")); // rejected: selection restored
        QVERIFY(status(d).contains(QLatin1String("not a valid profile name")));

        d.setAskProfileName([] { return QStringLiteral("beta"); });
        combo->setCurrentIndex(combo->count() - 1);
        emit combo->activated(combo->count() - 1);
        QCOMPARE(d.currentProfile(), QStringLiteral("beta"));
        QTRY_VERIFY_WITH_TIMEOUT(!d.isBusy(), 20000);
        QVERIFY(!child<QPushButton>(d, "makeActiveButton")->isEnabled()); // not saved yet

        fill(d, twilio.accountSid, QStringLiteral("beta-token-0123"), twilio.baseUrl(port));
        child<QLineEdit>(d, "apiKeySidEdit")->setText(twilio.apiKeySid);
        click(d, "saveButton"); // API key SID without its secret
        QCOMPARE(statusOk(d).toBool(), false);
        QVERIFY(status(d).contains(QLatin1String("secret of API key")));
        QVERIFY(!ProfileSettings().find(QStringLiteral("beta")));

        child<QLineEdit>(d, "apiKeySecretEdit")->setText(QString::fromLatin1(twilio.apiKeySecret));
        click(d, "saveButton");
        QTRY_VERIFY_WITH_TIMEOUT(!d.isBusy(), 20000);
        QVERIFY2(statusOk(d).toBool(), qPrintable(status(d)));
        QVERIFY(child<QLineEdit>(d, "apiKeySecretEdit")->text().isEmpty());
        QCOMPARE(readSecret(QStringLiteral("beta"), SecretKind::ApiKeySecret).value(), twilio.apiKeySecret);
        QCOMPARE(readAuthToken(QStringLiteral("beta")).value(), QByteArray("beta-token-0123"));

        // Check uses the stored API key secret.
        click(d, "checkButton");
        QTRY_VERIFY_WITH_TIMEOUT(!d.isBusy(), 20000);
        QVERIFY2(statusOk(d).toBool(), qPrintable(status(d)));
        QCOMPARE(twilio.lastAuthorization, sbtest::basicAuth(twilio.apiKeySid, twilio.apiKeySecret));

        ProfileSettings settings;
        QCOMPARE(settings.names(), (QStringList{QStringLiteral("alpha"), QStringLiteral("beta")}));
        QCOMPARE(settings.activeName(), QStringLiteral("alpha"));
        QSignalSpy active(&d, &SettingsDialog::activeProfileChanged);
        click(d, "makeActiveButton");
        QCOMPARE(active.size(), 1);
        QCOMPARE(ProfileSettings().activeName(), QStringLiteral("beta"));
        QVERIFY(!child<QPushButton>(d, "makeActiveButton")->isEnabled());
        QCOMPARE(ProfileSettings().find(QStringLiteral("beta"))->apiKeySid, twilio.apiKeySid);
    }

    void settingsFileHoldsNoSecret()
    {
        const QString file = ProfileSettings().fileName();
        QVERIFY(QFileInfo::exists(file));
        QFile f(file);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(f.readAll().contains(twilio.accountSid.toLatin1()));
        const QStringList roots{QFileInfo(file).absolutePath()};
        for (const QByteArray& secret : {twilio.authToken, twilio.apiKeySecret, QByteArray("beta-token-0123")}) {
            const QStringList hits = sbtest::filesContaining(roots, secret);
            QVERIFY2(hits.isEmpty(), qPrintable(hits.join(QLatin1Char(' '))));
        }
    }

    void screenshot()
    {
        SettingsDialog d;
        QTRY_VERIFY_WITH_TIMEOUT(!d.isBusy(), 20000);
        click(d, "checkButton");
        QTRY_VERIFY_WITH_TIMEOUT(!d.isBusy(), 20000);
        d.resize(d.sizeHint());
        d.show();
        QVERIFY(QTest::qWaitForWindowExposed(&d));
        const QString path = QDir::temp().filePath(QStringLiteral("switchboard-settings.png"));
        QVERIFY(d.grab().save(path));
        QVERIFY(QFileInfo(path).size() > 0);
        // QDir::temp() is the harness's private TMPDIR, removed afterwards: keep a copy in the
        // caller's temp folder (the parent of SB_KEYRING_ROOT).
        const QString kept =
            QFileInfo(sbtest::keyringRoot()).dir().filePath(QStringLiteral("switchboard-settings.png"));
        QFile::remove(kept);
        QVERIFY(QFile::copy(path, kept));
        qInfo("screenshot: %s", qPrintable(kept));
    }

    void removeDeletesSecretsAfterConfirming()
    {
        SettingsDialog d;
        QTRY_VERIFY_WITH_TIMEOUT(!d.isBusy(), 20000); // reading the keychain state
        QVERIFY(d.selectProfile(QStringLiteral("alpha")));
        QTRY_VERIFY_WITH_TIMEOUT(!d.isBusy(), 20000);
        QString asked;
        d.setConfirm([&](const QString& q) {
            asked = q;
            return false;
        });
        click(d, "removeButton");
        QVERIFY(asked.contains(QLatin1String("'alpha'")));
        QVERIFY(!d.isBusy());
        QVERIFY(readAuthToken(QStringLiteral("alpha")).ok()); // declined: still there

        d.setConfirm([](const QString&) { return true; });
        QSignalSpy changed(&d, &SettingsDialog::credentialsChanged);
        click(d, "removeButton");
        QTRY_VERIFY_WITH_TIMEOUT(!d.isBusy(), 20000);
        QVERIFY2(statusOk(d).toBool(), qPrintable(status(d)));
        QCOMPARE(changed.size(), 1);
        QCOMPARE(readAuthToken(QStringLiteral("alpha")).error().code, QStringLiteral("credentials.missing"));
        QVERIFY(!ProfileSettings().find(QStringLiteral("alpha")));
        QCOMPARE(d.currentProfile(), QStringLiteral("beta")); // shows the active one now
        QCOMPARE(readAuthToken(QStringLiteral("beta")).value(), QByteArray("beta-token-0123"));
    }
};

QTEST_MAIN(TestSettingsDialog)
#include "TestSettingsDialog.moc"
