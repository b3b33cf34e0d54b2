// SPDX-License-Identifier: GPL-3.0-or-later
// `switchboard simulate --serve-api`: the command line of the local stand-in for Twilio's REST API.
#include "cli/Output.h"
#include "cli/SecretInput.h"
#include "common/ShutdownSignals.h"
#include "credentials/SecretBytes.h"
#include "restapi/RestApiSeed.h"
#include "restapi/RestApiServer.h"
#include "restapi/RestApiStore.h"
#include "twilio/Sid.h"

#include <QCommandLineParser>
#include <QCoreApplication>

namespace sb::cli {

namespace {

const QLatin1String kCommand("simulate --serve-api");

} // namespace

/// `switchboard simulate --serve-api [options]`: serves the local stand-in for Twilio's REST API
/// until SIGINT/SIGTERM (exit 0). `arguments` are the options (a leading `--serve-api` and any
/// program/subcommand names before the first option are ignored):
///
///     --account-sid AC…      the account (required)
///     --auth-token-stdin     read the auth token from the first line of stdin (required; never
///                            argv or the environment)
///     --api-key-sid SK…      also accept this API key; its secret is the second line of stdin
///     --port N               default 0 (any free port)
///     --bind ADDR            default 127.0.0.1
///     --seed FILE            seed JSON (see RestApiSeed.h); repeatable
///     --seed-dir DIR         every *.wav becomes a call with a recording; repeatable
///     --phone-number E164    add an incoming phone number; repeatable
///     --public-url URL       scheme+host for media_url (default http://ADDR:PORT)
///     --sox PATH             the sox program for MP3 (default: sox)
///     --no-media-auth        serve recording media without HTTP Basic auth
///
/// Prints `serving Twilio REST API on http://127.0.0.1:PORT` on stdout when ready, then one line
/// per request. Exit codes: 0 clean stop, 1 failure (one-line reason on stderr), 2 usage error.
int runServeApiCommand(const QStringList& arguments)
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
        return usageError(kCommand, parser.errorText());
    if (parser.isSet(help)) {
        printText(parser.helpText());
        return kExitOk;
    }
    if (!parser.positionalArguments().isEmpty())
        return usageError(kCommand,
                          QStringLiteral("unexpected argument '%1'").arg(parser.positionalArguments().first()));

    const QString account = parser.value(accountSid);
    if (!twilio::isValidSid(account, QLatin1String("AC")))
        return usageError(kCommand, QStringLiteral("--account-sid must be AC followed by 32 hex digits"));
    if (!parser.isSet(tokenStdin))
        return usageError(kCommand,
                          QStringLiteral("--auth-token-stdin is required (the token is never taken from argv)"));
    if (parser.isSet(keySid) && !twilio::isValidSid(parser.value(keySid), QLatin1String("SK")))
        return usageError(kCommand, QStringLiteral("--api-key-sid must be SK followed by 32 hex digits"));
    bool portOk = false;
    const uint portNumber = parser.value(port).toUInt(&portOk);
    if (!portOk || portNumber > 65535)
        return usageError(kCommand, QStringLiteral("--port must be 0..65535"));
    const QHostAddress address(parser.value(bind));
    if (address.isNull())
        return usageError(kCommand, QStringLiteral("--bind '%1' is not an IP address").arg(parser.value(bind)));

    QByteArray token;
    QByteArray keySecret;
    credentials::SecretGuard tokenGuard(token);
    credentials::SecretGuard keyGuard(keySecret);
    if (!readSecretLine(token) || token.isEmpty())
        return fail(kCommand, QStringLiteral("no auth token on stdin"));
    if (parser.isSet(keySid) && (!readSecretLine(keySecret) || keySecret.isEmpty()))
        return fail(kCommand, QStringLiteral("no API key secret on the second line of stdin"));

    restapi::RestApiStore store;
    restapi::Account acct;
    acct.sid = account;
    acct.authToken = QString::fromUtf8(token);
    store.setAccount(acct);
    if (parser.isSet(keySid))
        store.addApiKey(restapi::ApiKey{parser.value(keySid), QString::fromUtf8(keySecret)});
    for (const QString& file : parser.values(seed)) {
        Result<restapi::SeedCounts> seeded = restapi::seedFromJsonFile(store, file);
        if (!seeded)
            return fail(kCommand, QStringLiteral("seed %1: %2").arg(file, seeded.error().message));
    }
    for (const QString& dir : parser.values(seedDir)) {
        Result<restapi::SeedCounts> seeded = restapi::seedFromFolder(store, dir);
        if (!seeded)
            return fail(kCommand, QStringLiteral("seed folder %1: %2").arg(dir, seeded.error().message));
    }
    for (const QString& e164 : parser.values(number)) {
        restapi::PhoneNumberRecord n;
        n.phoneNumber = e164;
        Result<restapi::PhoneNumberRecord> added = store.addPhoneNumber(n);
        if (!added)
            return fail(kCommand, added.error().message);
    }

    restapi::RestApiServerConfig config;
    config.bindAddress = address;
    config.port = quint16(portNumber);
    config.soxProgram = parser.value(sox);
    config.publicBaseUrl = parser.value(publicUrl);
    config.mediaRequiresAuth = !parser.isSet(noMediaAuth);
    restapi::RestApiServer server(store, config);
    Result<quint16> started = server.start();
    if (!started)
        return fail(kCommand, started.error().message);
    QObject::connect(&server, &restapi::RestApiServer::requestServed, &server, [](const QString& line) {
        printLine(QStringLiteral("api: ") + line);
    });

    ShutdownSignals shutdown;
    printLine(QStringLiteral("serving Twilio REST API on %1").arg(server.baseUrl()));
    QCoreApplication::exec();
    printLine(QStringLiteral("stopped serving Twilio REST API"));
    return kExitOk;
}

} // namespace sb::cli
