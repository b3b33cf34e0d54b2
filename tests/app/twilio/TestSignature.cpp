// SPDX-License-Identifier: GPL-3.0-or-later
#include <QtTest>

class TestSignature : public QObject
{
    Q_OBJECT
};

QTEST_GUILESS_MAIN(TestSignature)
#include "TestSignature.moc"
