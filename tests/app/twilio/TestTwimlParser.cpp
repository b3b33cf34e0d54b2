// SPDX-License-Identifier: GPL-3.0-or-later
#include <QtTest>

class TestTwimlParser : public QObject
{
    Q_OBJECT
};

QTEST_GUILESS_MAIN(TestTwimlParser)
#include "TestTwimlParser.moc"
