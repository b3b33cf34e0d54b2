// SPDX-License-Identifier: GPL-3.0-or-later
#include <QtTest>

class TestExecutable : public QObject
{
    Q_OBJECT
};

QTEST_GUILESS_MAIN(TestExecutable)
#include "TestExecutable.moc"
