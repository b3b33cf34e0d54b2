// SPDX-License-Identifier: GPL-3.0-or-later
#include <QtTest>

class TestMainWindow : public QObject
{
    Q_OBJECT
};

QTEST_GUILESS_MAIN(TestMainWindow)
#include "TestMainWindow.moc"
