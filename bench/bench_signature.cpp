// SPDX-License-Identifier: GPL-3.0-or-later
// Measures X-Twilio-Signature computation and validation for a typical voice webhook
// (21 parameters). Prints figures; asserts nothing. Run: build/bench/bench_signature [iterations]
#include "twilio/Form.h"
#include "twilio/Signature.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <cstdio>

using namespace sb::twilio;

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    const int iterations = argc > 1 ? QByteArray(argv[1]).toInt() : 20000;
    const QByteArray body = QByteArrayLiteral(
        "AccountSid=AC0123456789abcdef0123456789abcdef&ApiVersion=2010-04-01&CallSid=CAfedcba9876543210fedcba9876543210"
        "&CallStatus=ringing&Called=%2B15005550006&Caller=%2B14155550123&Direction=inbound&From=%2B14155550123"
        "&FromCity=SAN+FRANCISCO&FromCountry=US&FromState=CA&FromZip=94105&To=%2B15005550006&ToCity=&ToCountry=US"
        "&ToState=&ToZip=&CallToken=%7B%22parentCallInfoToken%22%3A%22x%22%7D&CalledCity=&CalledState=&CalledZip=");
    const QByteArray token = QByteArrayLiteral("0123456789abcdef0123456789abcdef");
    const QString url = QStringLiteral("https://abc-def.trycloudflare.com/voice");

    QElapsedTimer timer;
    timer.start();
    qint64 sink = 0;
    for (int i = 0; i < iterations; ++i)
        sink += parseFormBody(body).size();
    const double parseUs = double(timer.nsecsElapsed()) / 1000.0 / iterations;

    const FormParams params = parseFormBody(body);
    timer.restart();
    for (int i = 0; i < iterations; ++i)
        sink += signature::compute(token, url, params).size();
    const double computeUs = double(timer.nsecsElapsed()) / 1000.0 / iterations;

    const QByteArray header = signature::compute(token, url, params);
    timer.restart();
    for (int i = 0; i < iterations; ++i)
        sink += signature::validate(token, header, url, params).valid() ? 1 : 0;
    const double validateUs = double(timer.nsecsElapsed()) / 1000.0 / iterations;

    timer.restart();
    for (int i = 0; i < iterations; ++i)
        sink += signature::validate(token, "AAAAAAAAAAAAAAAAAAAAAAAAAAA=", url, params).valid() ? 1 : 0;
    const double rejectUs = double(timer.nsecsElapsed()) / 1000.0 / iterations;

    std::printf("bench_signature: %d iterations, 21-parameter voice webhook\n", iterations);
    std::printf("  parse form body      %8.2f us\n", parseUs);
    std::printf("  compute signature    %8.2f us\n", computeUs);
    std::printf("  validate (valid)     %8.2f us   (all URL variants tried, constant time)\n", validateUs);
    std::printf("  validate (forged)    %8.2f us\n", rejectUs);
    std::printf("  (checksum %lld)\n", static_cast<long long>(sink));
    return 0;
}
