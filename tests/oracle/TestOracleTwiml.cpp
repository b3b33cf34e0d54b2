// SPDX-License-Identifier: GPL-3.0-or-later
#include <QtTest>

class TestOracleTwiml : public QObject
{
    Q_OBJECT
};

QTEST_GUILESS_MAIN(TestOracleTwiml)
#include "TestOracleTwiml.moc"
