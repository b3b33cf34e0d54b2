// SPDX-License-Identifier: GPL-3.0-or-later
#include <QtTest>

class TestCommandLine : public QObject
{
    Q_OBJECT
};

QTEST_GUILESS_MAIN(TestCommandLine)
#include "TestCommandLine.moc"
