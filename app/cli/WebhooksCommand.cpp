// SPDX-License-Identifier: GPL-3.0-or-later
// `switchboard webhooks list|show|replay`: the webhook log, like ngrok's inspector.
#include "bootstrap/WebhookReplay.h"
#include "cli/CommandLine.h"
#include "cli/CoreStartup.h"
#include "cli/Output.h"
#include "cli/SecretInput.h"
#include "common/Version.h"
#include "credentials/CredentialStore.h"
#include "credentials/SecretBytes.h"
#include "storage/HistoryQueries.h"

#include <QCommandLineParser>
#include <QDir>
#include <QEventLoop>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTimer>
#include <cstdio>

namespace sb::cli {
namespace {

const QLatin1String kCommand("webhooks");

const char* kHelp = "Usage: switchboard webhooks list [--search TEXT] [--status CODE|--errors] [--call CALLSID]\n"
                    "                                [--limit N] [--json] [--data-dir DIR]\n"
                    "       switchboard webhooks show ID [--json] [--data-dir DIR]\n"
                    "       switchboard webhooks replay ID [--url BASE] [--public-url URL]\n"
                    "                                [--auth-token-stdin] [--data-dir DIR]\n"
                    "\n"
                    "The webhook log: every request the listener received and what it answered.\n"
                    "  list     newest first; --search looks in path, query, CallSid and bodies\n"
                    "  show     one exchange with headers and bodies\n"
                    "  replay   send the stored request again (method, path, query, headers, body) to\n"
                    "           BASE (default http://127.0.0.1:8080). The log keeps no signatures (a\n"
                    "           stored one could be replayed by anyone who reads it), so a request whose\n"
                    "           signature was valid is signed again with the auth token (from the\n"
                    "           keychain, or one line on stdin with --auth-token-stdin) for URL, the\n"
                    "           listener's public URL (default BASE); any other request is sent unsigned\n"
                    "           and is refused again. The new log entry points back to ID. A replay changes\n"
                    "           no call: the call layer answers it without touching the call's state.\n";

bool textBody(const QByteArray& body)
{
    const QString text = QString::fromUtf8(body);
    return text.toUtf8() == body;
}

} // namespace

int runWebhooksCommand(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")}, QString());
    const QCommandLineOption json(QStringLiteral("json"), QString());
    const QCommandLineOption dataDir(QStringLiteral("data-dir"), QString(), QStringLiteral("DIR"));
    const QCommandLineOption search(QStringLiteral("search"), QString(), QStringLiteral("TEXT"));
    const QCommandLineOption status(QStringLiteral("status"), QString(), QStringLiteral("CODE"));
    const QCommandLineOption errors(QStringLiteral("errors"), QString());
    const QCommandLineOption call(QStringLiteral("call"), QString(), QStringLiteral("CALLSID"));
    const QCommandLineOption limit(QStringLiteral("limit"), QString(), QStringLiteral("N"), QStringLiteral("50"));
    const QCommandLineOption url(
        QStringLiteral("url"), QString(), QStringLiteral("BASE"), QStringLiteral("http://127.0.0.1:8080"));
    const QCommandLineOption publicUrl(QStringLiteral("public-url"), QString(), QStringLiteral("URL"));
    const QCommandLineOption tokenStdin(QStringLiteral("auth-token-stdin"), QString());
    parser.addOptions({help, json, dataDir, search, status, errors, call, limit, url, publicUrl, tokenStdin});
    if (!parser.parse(QStringList{QStringLiteral("webhooks")} + arguments))
        return usageError(kCommand, parser.errorText());
    if (parser.isSet(help)) {
        printText(QLatin1String(kHelp));
        return kExitOk;
    }
    const QStringList positional = parser.positionalArguments();
    const QString verb = positional.value(0);
    if (verb != QLatin1String("list") && verb != QLatin1String("show") && verb != QLatin1String("replay"))
        return usageError(kCommand,
                          verb.isEmpty() ? QStringLiteral("needs list, show or replay")
                                         : QStringLiteral("unknown action '%1'").arg(verb));

    const QString path = QDir(resolveDataDir(parser.value(dataDir))).filePath(QStringLiteral("switchboard.sqlite"));
    if (!QFileInfo::exists(path))
        return fail(kCommand, QStringLiteral("no webhook log at %1 (start the app or pass --data-dir)").arg(path));
    auto history = storage::HistoryQueries::open(path);
    if (!history.ok())
        return fail(kCommand, history.error().message);

    if (verb == QLatin1String("list")) {
        if (positional.size() != 1)
            return usageError(kCommand, QStringLiteral("list takes no positional argument"));
        storage::WebhookFilter filter;
        filter.text = parser.value(search);
        bool ok = true;
        filter.limit = parser.value(limit).toInt(&ok);
        if (!ok || filter.limit < 1)
            return usageError(kCommand, QStringLiteral("--limit needs a positive number"));
        if (parser.isSet(status)) {
            filter.minStatus = filter.maxStatus = parser.value(status).toInt(&ok);
            if (!ok)
                return usageError(kCommand, QStringLiteral("--status needs an HTTP status code"));
        }
        if (parser.isSet(errors))
            filter.minStatus = 400;
        filter.callSid = parser.value(call);
        const auto entries = history.value()->webhookLog(filter);
        if (!entries.ok())
            return fail(kCommand, entries.error().message);
        if (parser.isSet(json)) {
            QJsonArray array;
            for (const auto& e : entries.value())
                array.append(storage::json::webhookEntry(e, false));
            printLine(
                QString::fromUtf8(
                    QJsonDocument(QJsonObject{{QStringLiteral("webhooks"), array}}).toJson(QJsonDocument::Indented))
                    .trimmed());
            return kExitOk;
        }
        for (const auto& e : entries.value()) {
            printLine(QStringLiteral("%1  %2  %3 %4%5  -> %6  %7  %8%9")
                          .arg(e.id, 6)
                          .arg(e.at.toString(Qt::ISODateWithMs),
                               e.method,
                               e.path,
                               e.query.isEmpty() ? QString() : QLatin1Char('?') + e.query.left(40))
                          .arg(e.status)
                          .arg(e.signatureVerdict,
                               e.callSid,
                               e.replayOf ? QStringLiteral("  (replay of %1)").arg(e.replayOf) : QString()));
        }
        return kExitOk;
    }

    if (positional.size() != 2)
        return usageError(kCommand, QStringLiteral("%1 needs the entry's ID").arg(verb));
    bool ok = false;
    const qint64 id = positional.at(1).toLongLong(&ok);
    if (!ok || id <= 0)
        return usageError(kCommand, QStringLiteral("'%1' is not a webhook log ID").arg(positional.at(1)));
    const auto entry = history.value()->webhookEntry(id);
    if (!entry.ok())
        return fail(kCommand, entry.error().message);
    const storage::WebhookLogEntry& e = entry.value();

    if (verb == QLatin1String("show")) {
        if (parser.isSet(json)) {
            printLine(
                QString::fromUtf8(QJsonDocument(storage::json::webhookEntry(e, true)).toJson(QJsonDocument::Indented))
                    .trimmed());
            return kExitOk;
        }
        printLine(QStringLiteral("#%1 %2 from %3, signature %4, %5 us")
                      .arg(e.id)
                      .arg(e.at.toString(Qt::ISODateWithMs), e.remoteAddress, e.signatureVerdict)
                      .arg(e.durationMicros));
        printLine(QStringLiteral("> %1 %2%3")
                      .arg(e.method, e.path, e.query.isEmpty() ? QString() : QLatin1Char('?') + e.query));
        for (const auto& [name, value] : e.requestHeaders)
            printLine(QStringLiteral("> %1: %2").arg(QString::fromLatin1(name), QString::fromLatin1(value)));
        printLine(textBody(e.requestBody) ? QString::fromUtf8(e.requestBody)
                                          : QStringLiteral("[%1 bytes of binary]").arg(e.requestBody.size()));
        printLine(QStringLiteral("< %1").arg(e.status));
        for (const auto& [name, value] : e.responseHeaders)
            printLine(QStringLiteral("< %1: %2").arg(QString::fromLatin1(name), QString::fromLatin1(value)));
        printLine(textBody(e.responseBody) ? QString::fromUtf8(e.responseBody)
                                           : QStringLiteral("[%1 bytes of binary]").arg(e.responseBody.size()));
        if (!e.note.isEmpty())
            printLine(QStringLiteral("note: %1").arg(e.note));
        return kExitOk;
    }

    // replay: sign again what Twilio had signed, so only a replay of an accepted request is accepted.
    QString base = parser.value(url);
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    if (const QUrl check(base); !check.isValid() || check.scheme().isEmpty())
        return usageError(kCommand, QStringLiteral("--url '%1' is not a valid URL").arg(base));
    QByteArray token;
    credentials::SecretGuard tokenGuard(token);
    if (bootstrap::replaySignedByDefault(e)) {
        QString problem;
        if (parser.isSet(tokenStdin)) {
            if (!readSecretLine(token) || token.trimmed().isEmpty())
                problem = QStringLiteral("--auth-token-stdin: stdin gave no token");
        } else {
            auto stored = credentials::readAuthToken(QString(), kStartupKeychainTimeoutMs);
            if (stored.ok())
                token = std::move(stored.value());
            else
                problem = stored.error().message;
        }
        if (!problem.isEmpty()) {
            token.clear();
            printErrorLine(QStringLiteral("webhooks: warning: cannot sign the replay (%1); the listener will refuse it "
                                          "unless it does not check signatures")
                               .arg(problem));
        }
    }
    const bootstrap::ReplayRequest replay =
        bootstrap::buildReplay(e, base, parser.isSet(publicUrl) ? parser.value(publicUrl) : base, token);
    const QUrl target = replay.target;
    const QNetworkRequest request = replay.toNetworkRequest();
    QNetworkAccessManager manager;
    QNetworkReply* reply = manager.sendCustomRequest(request, e.method.toLatin1(), e.requestBody);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(15000, &loop, &QEventLoop::quit);
    loop.exec();
    if (!reply->isFinished()) {
        reply->abort();
        return fail(kCommand, QStringLiteral("no answer from %1 within 15 s").arg(target.toString()));
    }
    const int code = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (code == 0)
        return fail(kCommand, QStringLiteral("cannot reach %1: %2").arg(target.toString(), reply->errorString()));
    printLine(QStringLiteral("replayed #%1 %2 %3 -> %4").arg(e.id).arg(e.method, target.toString()).arg(code));
    printLine(QString::fromUtf8(reply->readAll()));
    reply->deleteLater();
    return code < 400 ? kExitOk : kExitFailure;
}

} // namespace sb::cli
