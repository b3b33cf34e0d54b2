// SPDX-License-Identifier: GPL-3.0-or-later
#include "restapi/ServeApi.h"

#include "common/ShutdownSignals.h"
#include "restapi/RestApiSeed.h"
#include "restapi/RestApiServer.h"
#include "restapi/RestApiStore.h"
#include "twilio/Sid.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <cstdio>

namespace sb::restapi {

namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

void printLine(std::FILE* stream, const QString& text)
{
    const QByteArray bytes = (text + QLatin1Char('\n')).toLocal8Bit();
    std::fputs(bytes.constData(), stream);
    std::fflush(stream);
}

int usage(const QString& message)
{
    printLine(stderr, QStringLiteral("switchboard simulate --serve-api: %1 (see --help)").arg(message));
    return kExitUsage;
}

int failure(const QString& message)
{
    printLine(stderr, QStringLiteral("switchboard simulate --serve-api: %1").arg(message));
    return kExitFailure;
}

/// One line from stdin without its line end (null QString at end of input).
QString readStdinLine(QFile& in)
{
    if (in.atEnd())
        return QString();
    QByteArray line = in.readLine();
    while (line.endsWith('\n') || line.endsWith('\r'))
        line.chop(1);
    return QString::fromUtf8(line);
}

} // namespace

int runServeApi(const QStringList& arguments)
{
    QStringList args = arguments;
    while (!args.isEmpty() && !args.first().startsWith(QLatin1Char('-')))
        args.removeFirst();
    args.removeAll(QStringLiteral("--serve-api"));
    args.prepend(QStringLiteral("switchboard-simulate-serve-api"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Serves a local stand-in for Twilio's REST API."));
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show this help."));
    const QCommandLineOption accountSid(
        QStringLiteral("account-sid"), QStringLiteral("The account SID (AC…)."), QStringLiteral("AC"));
    const QCommandLineOption tokenStdin(QStringLiteral("auth-token-stdin"),
                                        QStringLiteral("Read the auth token from the first line of stdin."));
    const QCommandLineOption keySid(QStringLiteral("api-key-sid"),
                                    QStringLiteral("Also accept this API key; its secret is stdin's second line."),
                                    QStringLiteral("SK"));
    const QCommandLineOption port(QStringLiteral("port"),
                                  QStringLiteral("TCP port (0: any free port)."),
                                  QStringLiteral("N"),
                                  QStringLiteral("0"));
    const QCommandLineOption bind(QStringLiteral("bind"),
                                  QStringLiteral("Address to listen on."),
                                  QStringLiteral("ADDR"),
                                  QStringLiteral("127.0.0.1"));
    const QCommandLineOption seed(QStringLiteral("seed"), QStringLiteral("Seed JSON file."), QStringLiteral("FILE"));
    const QCommandLineOption seedDir(
        QStringLiteral("seed-dir"), QStringLiteral("Folder of WAV recordings."), QStringLiteral("DIR"));
    const QCommandLineOption number(
        QStringLiteral("phone-number"), QStringLiteral("Add an incoming phone number."), QStringLiteral("E164"));
    const QCommandLineOption publicUrl(
        QStringLiteral("public-url"), QStringLiteral("Scheme and host for media_url."), QStringLiteral("URL"));
    const QCommandLineOption sox(QStringLiteral("sox"),
                                 QStringLiteral("The sox program for MP3."),
                                 QStringLiteral("PATH"),
                                 QStringLiteral("sox"));
    const QCommandLineOption noMediaAuth(QStringLiteral("no-media-auth"),
                                         QStringLiteral("Serve recording media without HTTP Basic auth."));
    parser.addOptions(
        {help, accountSid, tokenStdin, keySid, port, bind, seed, seedDir, number, publicUrl, sox, noMediaAuth});
    if (!parser.parse(args))
        return usage(parser.errorText());
    if (parser.isSet(help)) {
        printLine(stdout, parser.helpText());
        return kExitOk;
    }
    if (!parser.positionalArguments().isEmpty())
        return usage(QStringLiteral("unexpected argument '%1'").arg(parser.positionalArguments().first()));

    const QString account = parser.value(accountSid);
    if (!twilio::isValidSid(account, QLatin1String("AC")))
        return usage(QStringLiteral("--account-sid must be AC followed by 32 hex digits"));
    if (!parser.isSet(tokenStdin))
        return usage(QStringLiteral("--auth-token-stdin is required (the token is never taken from argv)"));
    if (parser.isSet(keySid) && !twilio::isValidSid(parser.value(keySid), QLatin1String("SK")))
        return usage(QStringLiteral("--api-key-sid must be SK followed by 32 hex digits"));
    bool portOk = false;
    const uint portNumber = parser.value(port).toUInt(&portOk);
    if (!portOk || portNumber > 65535)
        return usage(QStringLiteral("--port must be 0..65535"));
    const QHostAddress address(parser.value(bind));
    if (address.isNull())
        return usage(QStringLiteral("--bind '%1' is not an IP address").arg(parser.value(bind)));

    QFile in;
    if (!in.open(stdin, QIODevice::ReadOnly))
        return failure(QStringLiteral("cannot read stdin"));
    const QString token = readStdinLine(in);
    if (token.isEmpty())
        return failure(QStringLiteral("no auth token on stdin"));
    QString keySecret;
    if (parser.isSet(keySid)) {
        keySecret = readStdinLine(in);
        if (keySecret.isEmpty())
            return failure(QStringLiteral("no API key secret on the second line of stdin"));
    }
    in.close();

    RestApiStore store;
    Account acct;
    acct.sid = account;
    acct.authToken = token;
    store.setAccount(acct);
    if (parser.isSet(keySid))
        store.addApiKey(ApiKey{parser.value(keySid), keySecret});
    for (const QString& file : parser.values(seed)) {
        Result<SeedCounts> seeded = seedFromJsonFile(store, file);
        if (!seeded)
            return failure(QStringLiteral("seed %1: %2").arg(file, seeded.error().message));
    }
    for (const QString& dir : parser.values(seedDir)) {
        Result<SeedCounts> seeded = seedFromFolder(store, dir);
        if (!seeded)
            return failure(QStringLiteral("seed folder %1: %2").arg(dir, seeded.error().message));
    }
    for (const QString& e164 : parser.values(number)) {
        PhoneNumberRecord n;
        n.phoneNumber = e164;
        Result<PhoneNumberRecord> added = store.addPhoneNumber(n);
        if (!added)
            return failure(added.error().message);
    }

    RestApiServerConfig config;
    config.bindAddress = address;
    config.port = quint16(portNumber);
    config.soxProgram = parser.value(sox);
    config.publicBaseUrl = parser.value(publicUrl);
    config.mediaRequiresAuth = !parser.isSet(noMediaAuth);
    RestApiServer server(store, config);
    Result<quint16> started = server.start();
    if (!started)
        return failure(started.error().message);
    QObject::connect(&server, &RestApiServer::requestServed, &server, [](const QString& line) {
        printLine(stdout, QStringLiteral("api: ") + line);
    });

    ShutdownSignals shutdown;
    printLine(stdout, QStringLiteral("serving Twilio REST API on %1").arg(server.baseUrl()));
    QCoreApplication::exec();
    printLine(stdout, QStringLiteral("stopped serving Twilio REST API"));
    return kExitOk;
}

} // namespace sb::restapi
