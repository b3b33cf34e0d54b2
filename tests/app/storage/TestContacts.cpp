// SPDX-License-Identifier: GPL-3.0-or-later
// The local contacts file: numbers in any spelling find their label, comments and quoted labels
// work, a malformed line is named, and a missing file is simply no contacts.
#include "storage/Contacts.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

using namespace sb;
using namespace sb::storage;

class TestContacts : public QObject
{
    Q_OBJECT

private slots:
    void findsLabelsWhateverTheNumbersSpelling()
    {
        const auto contacts = Contacts::parse(QByteArrayLiteral("# the team\n"
                                                                "+1 (555) 123-0001,Ada Lovelace\n"
                                                                "\n"
                                                                "  # indented comment\n"
                                                                "+15551230002, \"Hopper, Grace \"\"Amazing\"\"\" \r\n"
                                                                "+44 20 7946.0000,London office\n"));
        QVERIFY2(contacts.ok(), qPrintable(contacts.ok() ? QString() : contacts.error().message));
        QCOMPARE(contacts->size(), 3);
        QCOMPARE(contacts->lookup(QStringLiteral("+15551230001")), QStringLiteral("Ada Lovelace"));
        QCOMPARE(contacts->lookup(QStringLiteral("+1 555-123-0001")), QStringLiteral("Ada Lovelace"));
        QCOMPARE(contacts->lookup(QStringLiteral("+1 (555) 123-0002")), QStringLiteral("Hopper, Grace \"Amazing\""));
        QCOMPARE(contacts->lookup(QStringLiteral("+442079460000")), QStringLiteral("London office"));
        QCOMPARE(contacts->lookup(QStringLiteral("+15551230003")), QString());
        QCOMPARE(contacts->lookup(QString()), QString());
    }

    void laterLineWins()
    {
        const auto contacts = Contacts::parse(QByteArrayLiteral("+15551230001,Old\n+1 555 123 0001,New\n"));
        QVERIFY(contacts.ok());
        QCOMPARE(contacts->size(), 1);
        QCOMPARE(contacts->lookup(QStringLiteral("+15551230001")), QStringLiteral("New"));
    }

    void malformedLinesAreNamed_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<int>("line");
        QTest::addColumn<QString>("why");
        QTest::newRow("no label") << QByteArrayLiteral("# x\n+15551230001\n") << 2 << QStringLiteral("1 field");
        QTest::newRow("three fields") << QByteArrayLiteral("+15551230001,a,b\n") << 1 << QStringLiteral("3 field");
        QTest::newRow("empty label") << QByteArrayLiteral("\n\n+15551230001,\n") << 3 << QStringLiteral("empty");
        QTest::newRow("not a number") << QByteArrayLiteral("+1555,ok\nAda,+1555\n") << 2
                                      << QStringLiteral("not a phone number");
        QTest::newRow("open quote") << QByteArrayLiteral("+15551230001,\"Ada\n") << 1 << QStringLiteral("not closed");
        QTest::newRow("after quote") << QByteArrayLiteral("+15551230001,\"Ada\" x\n") << 1
                                     << QStringLiteral("after a closing quote");
    }

    void malformedLinesAreNamed()
    {
        QFETCH(QByteArray, text);
        QFETCH(int, line);
        QFETCH(QString, why);
        const auto contacts = Contacts::parse(text, QStringLiteral("contacts.csv"));
        QVERIFY(!contacts.ok());
        QCOMPARE(contacts.error().code, QStringLiteral("contacts.malformed"));
        QCOMPARE(contacts.error().line, line);
        QVERIFY2(contacts.error().message.contains(QStringLiteral("contacts.csv, line %1:").arg(line)),
                 qPrintable(contacts.error().message));
        QVERIFY2(contacts.error().message.contains(why), qPrintable(contacts.error().message));
    }

    void loadsFromTheDataFolder()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(Contacts::fileName());
        const auto missing = Contacts::load(path);
        QVERIFY(missing.ok());
        QVERIFY(missing->isEmpty());

        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("+15551230001,Ada Lovelace\n");
        file.close();
        const auto loaded = Contacts::load(path);
        QVERIFY(loaded.ok());
        QCOMPARE(loaded->lookup(QStringLiteral("+1 (555) 123-0001")), QStringLiteral("Ada Lovelace"));

        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Append));
        file.write("oops\n");
        file.close();
        const auto broken = Contacts::load(path);
        QVERIFY(!broken.ok());
        QVERIFY2(broken.error().message.contains(path + QStringLiteral(", line 2")),
                 qPrintable(broken.error().message));
    }

    void unreadableFileIsAnError()
    {
        QTemporaryDir dir;
        // A folder where the file should be cannot be read as one.
        QVERIFY(QDir(dir.path()).mkdir(Contacts::fileName()));
        const auto contacts = Contacts::load(dir.filePath(Contacts::fileName()));
        QVERIFY(!contacts.ok());
        QCOMPARE(contacts.error().code, QStringLiteral("contacts.unreadable"));
    }
};

QTEST_GUILESS_MAIN(TestContacts)
#include "TestContacts.moc"
