// SPDX-License-Identifier: GPL-3.0-or-later
// `switchboard calls list|show`: the call history, read while the app may be running.
#include "cli/CommandLine.h"
#include "cli/Output.h"
#include "storage/HistoryQueries.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>

namespace sb::cli {
namespace {

const QLatin1String kCommand("calls");

QString callsHelpText()
{
    return QStringLiteral("Usage: switchboard calls list [--json] [--limit N] [--data-dir DIR]\n"
                          "       switchboard calls show CALLSID [--json] [--data-dir DIR]\n"
                          "\n"
                          "The call history in the data folder (works while the app runs).\n"
                          "  list     newest first, at most --limit calls (default 50)\n"
                          "  show     one call: streams, their track figures, every event\n"
                          "  --json   print JSON (see README \"calls show --json\")\n");
}

QString pretty(const QJsonObject& object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Indented)).trimmed();
}

int showCall(const storage::HistoryQueries& queries, const QString& callSid, bool json)
{
    const auto detail = queries.callDetail(callSid);
    if (!detail.ok())
        return fail(kCommand, detail.error().message);
    if (json) {
        printLine(pretty(storage::json::callDetail(detail.value())));
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

int listCalls(const storage::HistoryQueries& queries, int limit, bool json)
{
    const auto calls = queries.listCalls(limit, 0);
    if (!calls.ok())
        return fail(kCommand, calls.error().message);
    if (json) {
        const auto total = queries.countCalls();
        printLine(pretty(storage::json::callList(calls.value(), total.ok() ? total.value() : -1, limit, 0)));
        return kExitOk;
    }
    for (const storage::CallSummary& s : calls.value()) {
        printLine(QStringLiteral("%1  %2  %3 -> %4  %5  %6s")
                      .arg(s.call.callSid, s.call.createdAt.toString(Qt::ISODate), s.call.from, s.call.to, s.call.state)
                      .arg(s.call.durationSeconds));
    }
    return kExitOk;
}

} // namespace

int runCallsCommand(const QStringList& arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show this help."));
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print JSON."));
    const QCommandLineOption limit(
        QStringLiteral("limit"), QStringLiteral("At most N calls."), QStringLiteral("N"), QStringLiteral("50"));
    const QCommandLineOption dataDir(QStringLiteral("data-dir"), QStringLiteral("Data folder."), QStringLiteral("DIR"));
    parser.addOptions({help, json, limit, dataDir});
    if (!parser.parse(QStringList{QStringLiteral("calls")} + arguments))
        return usageError(kCommand, parser.errorText());
    if (parser.isSet(help)) {
        printText(callsHelpText());
        return kExitOk;
    }
    const QStringList positional = parser.positionalArguments();
    const QString verb = positional.value(0);
    if (verb.isEmpty())
        return usageError(kCommand, QStringLiteral("needs a subcommand: list or show"));
    if (verb != QLatin1String("list") && verb != QLatin1String("show"))
        return usageError(kCommand, QStringLiteral("unknown subcommand '%1'").arg(verb));
    if (verb == QLatin1String("list") && positional.size() > 1)
        return usageError(kCommand, QStringLiteral("'list' takes no argument '%1'").arg(positional.at(1)));
    if (verb == QLatin1String("show") && positional.size() != 2)
        return usageError(kCommand, QStringLiteral("usage: calls show CALLSID [--json]"));
    bool limitOk = false;
    const int maxCalls = parser.value(limit).toInt(&limitOk);
    if (!limitOk || maxCalls < 1)
        return usageError(kCommand,
                          QStringLiteral("'--limit %1': expected a positive number").arg(parser.value(limit)));
    if (verb == QLatin1String("show") && parser.isSet(limit))
        return usageError(kCommand, QStringLiteral("--limit belongs to 'list'"));

    const QString path = QDir(resolveDataDir(parser.value(dataDir))).filePath(QStringLiteral("switchboard.sqlite"));
    if (!QFileInfo::exists(path))
        return fail(kCommand, QStringLiteral("no call history at %1 (start the app or pass --data-dir)").arg(path));
    auto history = storage::HistoryQueries::open(path);
    if (!history.ok())
        return fail(kCommand, history.error().message);
    return verb == QLatin1String("show") ? showCall(*history.value(), positional.at(1), parser.isSet(json))
                                         : listCalls(*history.value(), maxCalls, parser.isSet(json));
}

} // namespace sb::cli
