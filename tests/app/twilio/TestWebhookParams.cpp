// SPDX-License-Identifier: GPL-3.0-or-later
#include <QtTest>

class TestWebhookParams : public QObject
{
    Q_OBJECT
};

QTEST_GUILESS_MAIN(TestWebhookParams)
#include "TestWebhookParams.moc"
