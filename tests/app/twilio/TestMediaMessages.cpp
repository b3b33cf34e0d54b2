// SPDX-License-Identifier: GPL-3.0-or-later
#include <QtTest>

class TestMediaMessages : public QObject
{
    Q_OBJECT
};

QTEST_GUILESS_MAIN(TestMediaMessages)
#include "TestMediaMessages.moc"
