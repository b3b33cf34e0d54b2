// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/CommandLine.h"
#include "cli/Commands.h"
#include "cli/SubcommandTable.h"
#include "common/Version.h"

#include <QtTest>

using sb::cli::Invocation;

class TestCommandLine : public QObject
{
    Q_OBJECT

private slots:
    void noArgumentsStartsTheGui()
    {
        const Invocation inv = sb::cli::parse({QStringLiteral("/usr/bin/switchboard")});
        QCOMPARE(inv.mode, Invocation::Mode::Gui);
        QCOMPARE(inv.qtArguments, QStringList{QStringLiteral("/usr/bin/switchboard")});
    }

    void helpAndVersionFlags_data()
    {
        QTest::addColumn<QString>("flag");
        QTest::addColumn<int>("mode");
        QTest::newRow("--help") << QStringLiteral("--help") << int(Invocation::Mode::Help);
        QTest::newRow("-h") << QStringLiteral("-h") << int(Invocation::Mode::Help);
        QTest::newRow("--version") << QStringLiteral("--version") << int(Invocation::Mode::Version);
        QTest::newRow("-v") << QStringLiteral("-v") << int(Invocation::Mode::Version);
    }
    void helpAndVersionFlags()
    {
        QFETCH(QString, flag);
        QFETCH(int, mode);
        const Invocation inv = sb::cli::parse({QStringLiteral("switchboard"), flag});
        QCOMPARE(int(inv.mode), mode);
        QVERIFY(inv.message.endsWith(QLatin1Char('\n')));
        if (inv.mode == Invocation::Mode::Version)
            QVERIFY(inv.message.startsWith(QStringLiteral("switchboard %1").arg(QLatin1String(sb::kVersion))));
        else
            QVERIFY(inv.message.contains(QLatin1String("Usage: switchboard")));
    }

    void helpWinsOverVersion()
    {
        const Invocation inv =
            sb::cli::parse({QStringLiteral("switchboard"), QStringLiteral("--version"), QStringLiteral("--help")});
        QCOMPARE(inv.mode, Invocation::Mode::Help);
    }

    void badInputIsAUsageError_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("unknown long") << QStringList{QStringLiteral("--frobnicate")}
                                      << QStringLiteral("'--frobnicate'");
        QTest::newRow("unknown short") << QStringList{QStringLiteral("-x")} << QStringLiteral("'-x'");
        QTest::newRow("unknown command") << QStringList{QStringLiteral("dance")} << QStringLiteral("'dance'");
        QTest::newRow("qt option without value")
            << QStringList{QStringLiteral("-platform")} << QStringLiteral("needs a value");
        QTest::newRow("bad after good") << QStringList{QStringLiteral("--help"), QStringLiteral("--nope")}
                                        << QStringLiteral("'--nope'");
    }
    void badInputIsAUsageError()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, mentions);
        args.prepend(QStringLiteral("switchboard"));
        const Invocation inv = sb::cli::parse(args);
        QCOMPARE(inv.mode, Invocation::Mode::UsageError);
        QVERIFY2(inv.message.contains(mentions), qPrintable(inv.message));
        QVERIFY(inv.message.contains(QLatin1String("--help")));
    }

    void qtOptionsPassThrough()
    {
        const Invocation inv = sb::cli::parse({QStringLiteral("switchboard"),
                                               QStringLiteral("-platform"),
                                               QStringLiteral("offscreen"),
                                               QStringLiteral("-reverse")});
        QCOMPARE(inv.mode, Invocation::Mode::Gui);
        QCOMPARE(inv.qtArguments,
                 (QStringList{QStringLiteral("switchboard"),
                              QStringLiteral("-platform"),
                              QStringLiteral("offscreen"),
                              QStringLiteral("-reverse")}));
    }

    void headlessOptionsAreParsed()
    {
        const Invocation inv = sb::cli::parse({QStringLiteral("switchboard"),
                                               QStringLiteral("--headless"),
                                               QStringLiteral("--port"),
                                               QStringLiteral("9000"),
                                               QStringLiteral("--bind=0.0.0.0"),
                                               QStringLiteral("--data-dir"),
                                               QStringLiteral("/tmp/x"),
                                               QStringLiteral("--public-url"),
                                               QStringLiteral("https://abc.trycloudflare.com"),
                                               QStringLiteral("--flow"),
                                               QStringLiteral("chunked"),
                                               QStringLiteral("--rate-limit"),
                                               QStringLiteral("200")});
        QCOMPARE(inv.mode, Invocation::Mode::Headless);
        QCOMPARE(inv.core.port, quint16(9000));
        QCOMPARE(inv.core.bind, QHostAddress(QStringLiteral("0.0.0.0")));
        QCOMPARE(inv.core.dataDir, QStringLiteral("/tmp/x"));
        QCOMPARE(inv.core.publicUrl, QStringLiteral("https://abc.trycloudflare.com"));
        QCOMPARE(inv.core.flow, QStringLiteral("chunked"));
        QCOMPARE(inv.core.requestsPerSecond, 200.0);
        QVERIFY(!inv.core.skipSignatureCheck);
        QVERIFY(!inv.core.autoListen);
        QVERIFY(sb::cli::parse(
                    {QStringLiteral("switchboard"), QStringLiteral("--headless"), QStringLiteral("--auto-listen")})
                    .core.autoListen);
        QVERIFY(sb::cli::parse({QStringLiteral("switchboard"), QStringLiteral("--auto-listen")}).core.autoListen);
    }

    void badHeadlessValuesAreUsageErrors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("port text") << QStringList{QStringLiteral("--port"), QStringLiteral("http")};
        QTest::newRow("port big") << QStringList{QStringLiteral("--port"), QStringLiteral("70000")};
        QTest::newRow("bind host") << QStringList{QStringLiteral("--bind"), QStringLiteral("localhost.example")};
        QTest::newRow("public url") << QStringList{QStringLiteral("--public-url"), QStringLiteral("ftp://x")};
        QTest::newRow("rate") << QStringList{QStringLiteral("--rate-limit"), QStringLiteral("0")};
        QTest::newRow("reconcile zero") << QStringList{QStringLiteral("--reconcile-after"), QStringLiteral("0")};
        QTest::newRow("reconcile text") << QStringList{QStringLiteral("--reconcile-after"), QStringLiteral("soon")};
        QTest::newRow("json outside calls") << QStringList{QStringLiteral("--headless"), QStringLiteral("--json")};
        QTest::newRow("subcommand not first")
            << QStringList{QStringLiteral("--data-dir"), QStringLiteral("/tmp/x"), QStringLiteral("calls")};
    }
    void badHeadlessValuesAreUsageErrors()
    {
        QFETCH(QStringList, args);
        args.prepend(QStringLiteral("switchboard"));
        QCOMPARE(sb::cli::parse(args).mode, Invocation::Mode::UsageError);
    }

    void subcommandsGetTheirArgumentsUnparsed()
    {
        const Invocation inv = sb::cli::parse({QStringLiteral("switchboard"),
                                               QStringLiteral("webhooks"),
                                               QStringLiteral("list"),
                                               QStringLiteral("--json")});
        QCOMPARE(inv.mode, Invocation::Mode::Subcommand);
        QCOMPARE(inv.subcommand, QStringLiteral("webhooks"));
        QCOMPARE(inv.subcommandArguments, (QStringList{QStringLiteral("list"), QStringLiteral("--json")}));
    }

    void everySubcommandGoesThroughOneTable()
    {
        QCOMPARE(sb::cli::subcommandNames(),
                 (QStringList{QStringLiteral("calls"),
                              QStringLiteral("webhooks"),
                              QStringLiteral("credentials"),
                              QStringLiteral("simulate")}));
        for (const QString& name : sb::cli::subcommandNames()) {
            const Invocation inv = sb::cli::parse({QStringLiteral("switchboard"), name, QStringLiteral("--help")});
            QCOMPARE(inv.mode, Invocation::Mode::Subcommand);
            QVERIFY(sb::cli::findSubcommand(name, inv.subcommandArguments));
        }
        // `simulate --serve-api` is its own entry of the same table, chosen by its flag.
        const auto* serve = sb::cli::findSubcommand(QStringLiteral("simulate"), {QStringLiteral("--serve-api")});
        const auto* simulate = sb::cli::findSubcommand(QStringLiteral("simulate"), {QStringLiteral("--url")});
        QVERIFY(serve && simulate);
        QVERIFY(serve != simulate);
        QCOMPARE(QLatin1String(serve->flag), QLatin1String("--serve-api"));
        QVERIFY(!sb::cli::findSubcommand(QStringLiteral("dance"), {}));
    }

    void subcommandUsageErrorsExitTwo_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("calls show no sid") << QStringList{QStringLiteral("calls"), QStringLiteral("show")};
        QTest::newRow("calls bad") << QStringList{QStringLiteral("calls"), QStringLiteral("delete")};
        QTest::newRow("calls nothing") << QStringList{QStringLiteral("calls")};
        QTest::newRow("calls limit") << QStringList{
            QStringLiteral("calls"), QStringLiteral("list"), QStringLiteral("--limit"), QStringLiteral("0")};
        QTest::newRow("webhooks bad") << QStringList{QStringLiteral("webhooks"), QStringLiteral("delete")};
        QTest::newRow("simulate no url") << QStringList{QStringLiteral("simulate"), QStringLiteral("--no-signature")};
        QTest::newRow("serve-api no account") << QStringList{QStringLiteral("simulate"), QStringLiteral("--serve-api")};
    }
    void subcommandUsageErrorsExitTwo()
    {
        QFETCH(QStringList, args);
        args.prepend(QStringLiteral("switchboard"));
        const Invocation inv = sb::cli::parse(args);
        QCOMPARE(inv.mode, Invocation::Mode::Subcommand);
        QCOMPARE(sb::cli::runSubcommand(inv), int(sb::cli::kExitUsage));
    }

    void exitCodesFollowTheContract()
    {
        QCOMPARE(int(sb::cli::kExitOk), 0);
        QCOMPARE(int(sb::cli::kExitFailure), 1);
        QCOMPARE(int(sb::cli::kExitUsage), 2);
    }
};

QTEST_GUILESS_MAIN(TestCommandLine)
#include "TestCommandLine.moc"
