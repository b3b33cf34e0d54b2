// SPDX-License-Identifier: GPL-3.0-or-later
#include "TestSupport.h"

#include <QTcpServer>
#include <QTest>
#include <tuple>

namespace sb::test {

twilio::FormParams callParams(const QString& callSid, const QString& status)
{
    return {{QStringLiteral("AccountSid"), kTestAccountSid},
            {QStringLiteral("ApiVersion"), QStringLiteral("2010-04-01")},
            {QStringLiteral("CallSid"), callSid},
            {QStringLiteral("CallStatus"), status},
            {QStringLiteral("Called"), QStringLiteral("+15005550006")},
            {QStringLiteral("Caller"), QStringLiteral("+14155550123")},
            {QStringLiteral("Direction"), QStringLiteral("inbound")},
            {QStringLiteral("From"), QStringLiteral("+14155550123")},
            {QStringLiteral("FromCity"), QStringLiteral("SAN FRANCISCO")},
            {QStringLiteral("FromCountry"), QStringLiteral("US")},
            {QStringLiteral("To"), QStringLiteral("+15005550006")},
            {QStringLiteral("ToCountry"), QStringLiteral("US")}};
}

bool waitForOutput(QProcess& process,
                   QByteArray& collected,
                   const std::function<bool(const QByteArray&)>& ready,
                   int timeoutMs)
{
    std::ignore = QTest::qWaitFor(
        [&] {
            collected += process.readAllStandardOutput();
            return ready(collected) || process.state() == QProcess::NotRunning;
        },
        timeoutMs);
    collected += process.readAllStandardOutput();
    return ready(collected);
}

bool waitForOutput(QProcess& process, QByteArray& collected, const QByteArray& needle, int timeoutMs)
{
    return waitForOutput(
        process, collected, [&](const QByteArray& out) { return out.contains(needle); }, timeoutMs);
}

bool waitForExit(QProcess& process, int timeoutMs)
{
    return QTest::qWaitFor([&] { return process.state() == QProcess::NotRunning; }, timeoutMs);
}

quint16 closedLoopbackPort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost))
        return 0;
    const quint16 port = probe.serverPort();
    probe.close();
    return port;
}

} // namespace sb::test
