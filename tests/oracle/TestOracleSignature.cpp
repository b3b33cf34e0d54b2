// SPDX-License-Identifier: GPL-3.0-or-later
#include <QtTest>

class TestOracleSignature : public QObject
{
    Q_OBJECT
};

QTEST_GUILESS_MAIN(TestOracleSignature)
#include "TestOracleSignature.moc"
