// SPDX-License-Identifier: GPL-3.0-or-later
// One start-up path: every documented option gives the same core options with and without a
// window (the window used to ignore four of them), and the token comes from the same places.
// Runs inside tests/support/with-keyring.sh: a real, empty gnome-keyring on a private D-Bus.
#include "KeyringTestSupport.h"
#include "cli/CommandLine.h"
#include "cli/CoreStartup.h"
#include "credentials/CredentialStore.h"
#include "credentials/Profiles.h"

#include <QtTest>

using namespace sb;

namespace {

const QString kAccount = QStringLiteral("AC0123456789abcdef0123456789abcdef");
const QString kOtherAccount = QStringLiteral("ACfedcba9876543210fedcba9876543210");
const QByteArray kToken = QByteArrayLiteral("startup-test-token-0123456789abcd");

/// `switchboard [--headless] ARGS` turned into core options the way main() does.
Result<cli::CoreStartup> startupFor(const QStringList& args, bool headless)
{
    QStringList argv{QStringLiteral("switchboard")};
    if (headless)
        argv << QStringLiteral("--headless");
    argv << args;
    const cli::Invocation inv = cli::parse(argv);
    if (inv.mode != (headless ? cli::Invocation::Mode::Headless : cli::Invocation::Mode::Gui))
        return makeError(QStringLiteral("test"), QStringLiteral("parse gave mode %1").arg(int(inv.mode)));
    return cli::prepareCoreStartup(inv.core);
}

/// Every field of the options, the token included, as one comparable text.
QString describe(const bootstrap::CoreOptions& o)
{
    return QStringList{o.dataDir,
                       o.bindAddress.toString(),
                       QString::number(o.port),
                       o.publicUrl,
                       o.validateSignatures ? QStringLiteral("check") : QStringLiteral("skip"),
                       o.flow,
                       QString::number(o.requestsPerSecond),
                       o.tunnel,
                       o.tunnelUrlPattern,
                       o.behindProxy,
                       o.numberUpdate.phoneNumber,
                       o.numberUpdate.accountSid,
                       o.numberUpdate.restBase.toString(),
                       o.numberUpdate.apiKeySid,
                       QString::fromLatin1(o.numberUpdate.secret),
                       o.restoreNumberOnExit ? QStringLiteral("restore") : QStringLiteral("keep"),
                       o.accountSid,
                       o.apiBase,
                       QString::number(o.reconcileAfterMs)}
        .join(QLatin1Char('|'));
}

} // namespace

class TestCoreStartup : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY2(!qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"), "run under with-keyring.sh");
    }

    void cleanup() { credentials::removeSecret(QStringLiteral("default"), credentials::SecretKind::AuthToken); }

    void everyOptionMeansTheSameWithAndWithoutAWindow_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("expected");
        auto row = [](const char* name, QStringList args, const char* field, QString expected) {
            QTest::newRow(name) << args << QString::fromLatin1(field) << expected;
        };
        row("--port", {QStringLiteral("--port"), QStringLiteral("9123")}, "port", QStringLiteral("9123"));
        row("--bind", {QStringLiteral("--bind"), QStringLiteral("0.0.0.0")}, "bind", QStringLiteral("0.0.0.0"));
        row("--data-dir",
            {QStringLiteral("--data-dir"), QStringLiteral("/tmp/sb-x")},
            "dataDir",
            QStringLiteral("/tmp/sb-x"));
        row("--public-url",
            {QStringLiteral("--public-url"), QStringLiteral("https://abc.example.com")},
            "publicUrl",
            QStringLiteral("https://abc.example.com"));
        row("--flow", {QStringLiteral("--flow"), QStringLiteral("assistant")}, "flow", QStringLiteral("assistant"));
        row("--rate-limit", {QStringLiteral("--rate-limit"), QStringLiteral("7")}, "rate", QStringLiteral("7"));
        row("--tunnel",
            {QStringLiteral("--tunnel"), QStringLiteral("url:https://t.example.com")},
            "tunnel",
            QStringLiteral("url:https://t.example.com"));
        row("--tunnel-url-pattern",
            {QStringLiteral("--tunnel-url-pattern"), QStringLiteral("https://[a-z]+")},
            "tunnelUrlPattern",
            QStringLiteral("https://[a-z]+"));
        row("--behind-proxy",
            {QStringLiteral("--behind-proxy"), QStringLiteral("Cf-Connecting-Ip")},
            "behindProxy",
            QStringLiteral("Cf-Connecting-Ip"));
        row("--insecure-skip-signature-check",
            {QStringLiteral("--insecure-skip-signature-check")},
            "validate",
            QStringLiteral("false"));
        row("--update-number",
            {QStringLiteral("--update-number"), QStringLiteral("+15005550006")},
            "phoneNumber",
            QStringLiteral("+15005550006"));
        row("--account-sid",
            {QStringLiteral("--update-number"),
             QStringLiteral("+15005550006"),
             QStringLiteral("--account-sid"),
             kOtherAccount},
            "accountSid",
            kOtherAccount);
        row("--api-base",
            {QStringLiteral("--update-number"),
             QStringLiteral("+15005550006"),
             QStringLiteral("--api-base"),
             QStringLiteral("http://127.0.0.1:9")},
            "restBase",
            QStringLiteral("http://127.0.0.1:9"));
        row("--restore-number-on-exit",
            {QStringLiteral("--update-number"),
             QStringLiteral("+15005550006"),
             QStringLiteral("--restore-number-on-exit")},
            "restore",
            QStringLiteral("true"));
        row("--reconcile-after",
            {QStringLiteral("--reconcile-after"), QStringLiteral("30")},
            "reconcileAfterMs",
            QStringLiteral("30000"));
        row("--auto-listen", {QStringLiteral("--auto-listen")}, "autoListen", QStringLiteral("true"));
        row("no --auto-listen", {}, "autoListen", QStringLiteral("false"));
        row("call actions' account from the profile", {}, "restAccountSid", kAccount);
        row("call actions' --account-sid",
            {QStringLiteral("--account-sid"), kOtherAccount},
            "restAccountSid",
            kOtherAccount);
        row("call actions' --api-base",
            {QStringLiteral("--api-base"), QStringLiteral("http://127.0.0.1:9")},
            "restApiBase",
            QStringLiteral("http://127.0.0.1:9"));
    }
    void everyOptionMeansTheSameWithAndWithoutAWindow()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, field);
        QFETCH(QString, expected);
        // A profile with a token in the keychain, as `credentials set` leaves it.
        credentials::ProfileSettings profiles;
        profiles.save(
            credentials::Profile{QStringLiteral("default"), kAccount, {}, QStringLiteral("https://api.twilio.com")});
        profiles.setActiveName(QStringLiteral("default"));
        QVERIFY(profiles.sync().ok());
        const auto written =
            credentials::writeSecret(QStringLiteral("default"), credentials::SecretKind::AuthToken, kToken);
        QVERIFY2(written.ok(), qPrintable(sbtest::why(written)));

        const auto window = startupFor(args, false);
        const auto headless = startupFor(args, true);
        QVERIFY2(window.ok(), qPrintable(sbtest::why(window)));
        QVERIFY2(headless.ok(), qPrintable(sbtest::why(headless)));
        QCOMPARE(describe(window->options), describe(headless->options));
        QCOMPARE(window->warnings, headless->warnings);
        QCOMPARE(window->tokenSource, headless->tokenSource);
        QCOMPARE(window->autoListen, headless->autoListen);
        if (window->tokenSource == cli::TokenSource::Keychain)
            QCOMPARE(window->options.authToken(), headless->options.authToken());

        const bootstrap::CoreOptions& o = window->options;
        const QHash<QString, QString> actual{
            {QStringLiteral("port"), QString::number(o.port)},
            {QStringLiteral("bind"), o.bindAddress.toString()},
            {QStringLiteral("dataDir"), o.dataDir},
            {QStringLiteral("publicUrl"), o.publicUrl},
            {QStringLiteral("flow"), o.flow},
            {QStringLiteral("rate"), QString::number(o.requestsPerSecond)},
            {QStringLiteral("tunnel"), o.tunnel},
            {QStringLiteral("tunnelUrlPattern"), o.tunnelUrlPattern},
            {QStringLiteral("behindProxy"), o.behindProxy},
            {QStringLiteral("validate"), o.validateSignatures ? QStringLiteral("true") : QStringLiteral("false")},
            {QStringLiteral("phoneNumber"), o.numberUpdate.phoneNumber},
            {QStringLiteral("accountSid"), o.numberUpdate.accountSid},
            {QStringLiteral("restBase"), o.numberUpdate.restBase.toString()},
            {QStringLiteral("restore"), o.restoreNumberOnExit ? QStringLiteral("true") : QStringLiteral("false")},
            {QStringLiteral("reconcileAfterMs"), QString::number(o.reconcileAfterMs)},
            {QStringLiteral("restAccountSid"), o.accountSid},
            {QStringLiteral("restApiBase"), o.apiBase},
            {QStringLiteral("autoListen"), window->autoListen ? QStringLiteral("true") : QStringLiteral("false")},
        };
        QCOMPARE(actual.value(field), expected);
        if (field == QLatin1String("phoneNumber")) {
            // Account and secret come from the active profile and its keychain token.
            QCOMPARE(o.numberUpdate.accountSid, kAccount);
            QCOMPARE(o.numberUpdate.secret, kToken);
            QCOMPARE(o.numberUpdate.restBase, QUrl(QStringLiteral("https://api.twilio.com")));
        }
        if (field == QLatin1String("validate")) {
            QCOMPARE(window->tokenSource, cli::TokenSource::NotChecked);
        } else {
            QCOMPARE(window->tokenSource, cli::TokenSource::Keychain);
            QCOMPARE(o.authToken(), kToken); // the keychain's token checks signatures
        }
    }

    void withoutCredentialsBothRunOnALocalTokenAndSaySo()
    {
        credentials::ProfileSettings profiles;
        for (const QString& name : profiles.names())
            profiles.remove(name);
        QVERIFY(profiles.sync().ok());

        const auto gui = startupFor({}, false);
        const auto headless = startupFor({}, true);
        QVERIFY(gui.ok() && headless.ok());
        QCOMPARE(gui->tokenSource, cli::TokenSource::LocalOnly);
        QCOMPARE(headless->tokenSource, cli::TokenSource::LocalOnly);
        QCOMPARE(gui->warnings, headless->warnings);
        // The local-only token is no Twilio credential: call actions are refused.
        QVERIFY(gui->options.accountSid.isEmpty());
        QCOMPARE(gui->options.reconcileAfterMs, qint64(120000));
        QVERIFY(gui->warnings.join(QLatin1Char('\n')).contains(QLatin1String("refused with 403")));
        // A random token per process: 32 hex digits, different each time, never empty.
        QCOMPARE(gui->options.authToken().size(), 32);
        QVERIFY(gui->options.authToken() != headless->options.authToken());
    }

    void optionsNobodyCanHonourFailTheSameWay_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("reason");
        QTest::newRow("update-number without account")
            << QStringList{QStringLiteral("--update-number"), QStringLiteral("+15005550006")}
            << QStringLiteral("--update-number needs an account");
        QTest::newRow("update-number without token") << QStringList{QStringLiteral("--update-number"),
                                                                    QStringLiteral("+15005550006"),
                                                                    QStringLiteral("--account-sid"),
                                                                    kAccount}
                                                     << QStringLiteral("needs the auth token");
        QTest::newRow("restore without update")
            << QStringList{QStringLiteral("--restore-number-on-exit")} << QStringLiteral("needs --update-number");
    }
    void optionsNobodyCanHonourFailTheSameWay()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, reason);
        credentials::ProfileSettings profiles;
        for (const QString& name : profiles.names())
            profiles.remove(name);
        QVERIFY(profiles.sync().ok());
        const auto gui = startupFor(args, false);
        const auto headless = startupFor(args, true);
        QVERIFY(!gui.ok());
        QVERIFY(!headless.ok());
        QCOMPARE(gui.error().message, headless.error().message);
        QVERIFY2(gui.error().message.contains(reason), qPrintable(gui.error().message));
    }
};

QTEST_GUILESS_MAIN(TestCoreStartup)
#include "TestCoreStartup.moc"
