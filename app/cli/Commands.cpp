// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/Commands.h"

#include "bootstrap/Core.h"
#include "common/ShutdownSignals.h"
#include "common/Version.h"
#include "credentials/CredentialStore.h"
#include "credentials/Profiles.h"
#include "storage/HistoryQueries.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QTextStream>
#include <cstdio>
#include <iostream>
#include <string>

namespace sb::cli {
namespace {

void printLine(const QString& line, FILE* stream = stdout)
{
    const QByteArray bytes = line.toUtf8() + '\n';
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stream);
    std::fflush(stream);
}

int fail(const QString& reason)
{
    printLine(QStringLiteral("%1: %2").arg(QLatin1String(sb::kAppName), reason), stderr);
    return kExitFailure;
}

} // namespace

bootstrap::CoreOptions makeCoreOptions(const CoreArguments& arguments, const QByteArray& authToken)
{
    bootstrap::CoreOptions options;
    options.dataDir = resolveDataDir(arguments.dataDir);
    options.bindAddress = arguments.bind;
    options.port = arguments.port;
    options.publicUrl = arguments.publicUrl;
    options.flow = arguments.flow;
    options.validateSignatures = !arguments.skipSignatureCheck;
    options.requestsPerSecond = arguments.requestsPerSecond;
    options.tunnel = arguments.tunnel;
    options.tunnelUrlPattern = arguments.tunnelUrlPattern;
    options.authToken = [authToken] { return authToken; };
    return options;
}

QByteArray readTokenFromStdin()
{
    std::string line;
    std::getline(std::cin, line);
    QByteArray token = QByteArray::fromStdString(line).trimmed();
    std::fill(line.begin(), line.end(), '\0');
    return token;
}

std::optional<QString>
configureNumberUpdate(const CoreArguments& arguments, const QByteArray& authToken, bootstrap::CoreOptions& options)
{
    // Account and REST base from the options, else the active credentials profile.
    credentials::ProfileSettings profiles;
    const auto profile = profiles.find(profiles.activeName());
    tunnel::PhoneNumberUpdaterConfig& config = options.numberUpdate;
    config.phoneNumber = arguments.updateNumber;
    config.accountSid = !arguments.accountSid.isEmpty() ? arguments.accountSid
                        : profile                       ? profile->accountSid
                                                        : QString();
    if (config.accountSid.isEmpty())
        return QStringLiteral(
            "--update-number needs an account: run 'switchboard credentials set' or pass --account-sid");
    const QString base = !arguments.apiBase.isEmpty()               ? arguments.apiBase
                         : (profile && !profile->baseUrl.isEmpty()) ? profile->baseUrl
                                                                    : QStringLiteral("https://api.twilio.com");
    config.restBase = QUrl(base);
    if (arguments.accountSid.isEmpty() && profile && !profile->apiKeySid.isEmpty()) {
        const auto secret = credentials::readSecret(profile->name, credentials::SecretKind::ApiKeySecret, 10000);
        if (!secret.ok())
            return secret.error().message;
        config.apiKeySid = profile->apiKeySid;
        config.secret = secret.value();
    } else {
        config.secret = authToken;
    }
    if (config.secret.isEmpty())
        return QStringLiteral("--update-number needs the auth token (keychain or --auth-token-stdin)");
    options.restoreNumberOnExit = arguments.restoreNumberOnExit;
    return std::nullopt;
}

int runHeadless(const Invocation& inv)
{
    QByteArray token;
    if (inv.core.authTokenFromStdin) {
        token = readTokenFromStdin();
        if (token.isEmpty())
            return fail(QStringLiteral("--auth-token-stdin: stdin gave no token"));
    } else if (!inv.core.skipSignatureCheck) {
        // The active profile's auth token from the OS keychain (switchboard credentials set).
        const auto stored = credentials::readAuthToken(QString(), 10000);
        if (stored.ok())
            token = stored.value();
        else
            printLine(QStringLiteral("warning: %1").arg(stored.error().message), stderr);
    }
    // The token stays in this process's memory only; the listener asks for it per check.
    bootstrap::CoreOptions options = makeCoreOptions(inv.core, token);
    if (token.isEmpty() && options.validateSignatures)
        printLine(QStringLiteral("warning: no auth token is configured; every webhook will be refused with 403 "
                                 "(store one with 'switchboard credentials set' or give one with --auth-token-stdin)"),
                  stderr);
    if (!options.validateSignatures)
        printLine(QStringLiteral("warning: signature checking is OFF (--insecure-skip-signature-check)"), stderr);
    if (!inv.core.updateNumber.isEmpty()) {
        if (auto problem = configureNumberUpdate(inv.core, token, options))
            return fail(*problem);
    }

    ShutdownSignals shutdown;
    bootstrap::Core core(options);
    QObject::connect(&core, &bootstrap::Core::logLine, [](const QString& line) { printLine(line); });
    const auto started = core.start();
    if (!started.ok())
        return fail(started.error().message);
    printLine(QStringLiteral("listening on %1:%2 public %3 stream %4 data %5")
                  .arg(options.bindAddress.toString())
                  .arg(started.value())
                  .arg(core.publicUrl(), core.streamUrl(), options.dataDir));
    QObject::connect(&shutdown, &ShutdownSignals::shutdownRequested, [](int signal) {
        printLine(QStringLiteral("stopping (signal %1)").arg(signal));
    });
    QCoreApplication::exec();
    core.stop();
    printLine(QStringLiteral("stopped"));
    return kExitOk;
}

int runCalls(const Invocation& inv)
{
    const QString dataDir = resolveDataDir(inv.core.dataDir);
    const QString path = QDir(dataDir).filePath(QStringLiteral("switchboard.sqlite"));
    if (!QFileInfo::exists(path))
        return fail(QStringLiteral("no call history at %1 (start the app or pass --data-dir)").arg(path));
    auto history = storage::HistoryQueries::open(path);
    if (!history.ok())
        return fail(history.error().message);
    const storage::HistoryQueries& queries = *history.value();

    if (inv.mode == Invocation::Mode::CallsShow) {
        const auto detail = queries.callDetail(inv.callSid);
        if (!detail.ok())
            return fail(detail.error().message);
        if (inv.json) {
            printLine(QString::fromUtf8(
                          QJsonDocument(storage::json::callDetail(detail.value())).toJson(QJsonDocument::Indented))
                          .trimmed());
            return kExitOk;
        }
        const storage::CallDetail& d = detail.value();
        printLine(QStringLiteral("%1  %2 -> %3  %4 (%5)  flow %6")
                      .arg(d.call.callSid, d.call.from, d.call.to, d.call.state, d.call.status, d.call.flow));
        for (const storage::StreamDetail& s : d.streams) {
            printLine(QStringLiteral("  stream %1 %2").arg(s.stream.streamSid, s.stream.status));
            for (const storage::StreamTrackStats& t : s.tracks)
                printLine(QStringLiteral("    %1: %2 frames, %3 gaps, %4 late, %5 duplicates  %6")
                              .arg(t.track)
                              .arg(t.frames)
                              .arg(t.gaps)
                              .arg(t.lateFrames)
                              .arg(t.duplicates)
                              .arg(t.wavPath));
        }
        for (const storage::CallEvent& e : d.events)
            printLine(QStringLiteral("  %1 %2").arg(e.at.toString(Qt::ISODateWithMs), e.kind));
        return kExitOk;
    }

    const auto calls = queries.listCalls(inv.limit, 0);
    if (!calls.ok())
        return fail(calls.error().message);
    if (inv.json) {
        const auto total = queries.countCalls();
        printLine(QString::fromUtf8(QJsonDocument(storage::json::callList(
                                                      calls.value(), total.ok() ? total.value() : -1, inv.limit, 0))
                                        .toJson(QJsonDocument::Indented))
                      .trimmed());
        return kExitOk;
    }
    for (const storage::CallSummary& s : calls.value()) {
        printLine(QStringLiteral("%1  %2  %3 -> %4  %5  %6s")
                      .arg(s.call.callSid, s.call.createdAt.toString(Qt::ISODate), s.call.from, s.call.to, s.call.state)
                      .arg(s.call.durationSeconds));
    }
    return kExitOk;
}

} // namespace sb::cli
