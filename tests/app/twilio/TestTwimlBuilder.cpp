// SPDX-License-Identifier: GPL-3.0-or-later
#include <QtTest>

class TestTwimlBuilder : public QObject
{
    Q_OBJECT
};

QTEST_GUILESS_MAIN(TestTwimlBuilder)
#include "TestTwimlBuilder.moc"
