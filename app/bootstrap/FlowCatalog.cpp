// SPDX-License-Identifier: GPL-3.0-or-later
#include "bootstrap/FlowCatalog.h"

#include "bootstrap/CallerHears.h"
#include "calls/Flow.h"
#include "calls/FlowLibrary.h"
#include "storage/PrivateFiles.h"
#include "twilio/TwimlParser.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <cstdio>

#ifdef Q_OS_UNIX
#include <unistd.h>
#endif

namespace sb::bootstrap {
namespace {

/// The label parseFlow puts before every message; validate() takes it off again.
const QString kLabel = QStringLiteral("flow");
constexpr qint64 kMaxFlowBytes = 256 * 1024; // what FlowLibrary reads of a file

/// Line and column (1-based) of `offset` in `text`.
void place(const QString& text, qsizetype offset, int* line, int* column)
{
    *line = 1;
    *column = 1;
    for (qsizetype i = 0; i < offset && i < text.size(); ++i) {
        if (text.at(i) == QLatin1Char('\n')) {
            ++*line;
            *column = 1;
        } else {
            ++*column;
        }
    }
}

calls::FlowContext sampleContext(const QString& publicUrl, const QString& streamUrl)
{
    calls::FlowContext context;
    context.publicUrl = publicUrl.isEmpty() ? QStringLiteral("http://127.0.0.1:8080") : publicUrl;
    context.streamUrl = streamUrl.isEmpty() ? QStringLiteral("ws://127.0.0.1:8080/stream") : streamUrl;
    context.callSid = QStringLiteral("CA") + QString(32, QLatin1Char('0'));
    context.callToken = QStringLiteral("sample-call-token");
    return context;
}

Result<calls::Flow> parse(const QString& text)
{
    const auto flow = calls::parseFlow(text.toUtf8(), kLabel);
    if (flow.ok())
        return flow;
    const QList<FlowProblem> problems = FlowCatalog::validate(text);
    const FlowProblem first = problems.value(0);
    return makeError(flow.error().code, first.message, first.line, first.column);
}

QString pretty(const QByteArray& twiml)
{
    const auto root = twilio::parseTwiml(twiml);
    return root.ok() ? twilio::toPrettyTwiml(root.value()) : QString::fromUtf8(twiml);
}

} // namespace

QString FlowProblem::describe() const
{
    QString where = line > 0 ? QStringLiteral("line %1, column %2").arg(line).arg(column) : QStringLiteral("document");
    if (!field.isEmpty())
        where += QStringLiteral(" (%1)").arg(field);
    return where + QStringLiteral(": ") + message;
}

FlowCatalog::FlowCatalog(QString flowsFolder)
    : m_folder(std::move(flowsFolder))
{
}

QList<FlowInfo> FlowCatalog::list() const
{
    const calls::FlowLibrary builtIns = calls::FlowLibrary::load();
    const calls::FlowLibrary library = calls::FlowLibrary::load(m_folder);
    QList<FlowInfo> out;
    for (const calls::Flow& flow : library.flows()) {
        FlowInfo info;
        info.name = flow.name;
        info.description = flow.description;
        info.mode = calls::modeName(flow.mode);
        info.path = flow.sourcePath;
        info.builtIn = flow.sourcePath.startsWith(QLatin1Char(':'));
        info.overridesBuiltIn = !info.builtIn && builtIns.find(flow.name);
        out.append(info);
    }
    return out;
}

QStringList FlowCatalog::brokenFiles() const
{
    QStringList out;
    const calls::FlowLibrary library = calls::FlowLibrary::load(m_folder);
    for (const Error& problem : library.problems())
        out << problem.message;
    return out;
}

Result<QString> FlowCatalog::source(const QString& name) const
{
    const calls::FlowLibrary library = calls::FlowLibrary::load(m_folder);
    const calls::Flow* flow = library.find(name);
    if (!flow)
        return makeError(QStringLiteral("unknown-flow"), QStringLiteral("no flow named \"%1\"").arg(name));
    QFile file(flow->sourcePath);
    if (!file.open(QIODevice::ReadOnly))
        return makeError(QStringLiteral("flow-unreadable"),
                         QStringLiteral("%1: cannot read: %2").arg(flow->sourcePath, file.errorString()));
    return QString::fromUtf8(file.read(kMaxFlowBytes));
}

QList<FlowProblem> FlowCatalog::validate(const QString& text)
{
    const auto flow = calls::parseFlow(text.toUtf8(), kLabel);
    if (flow.ok())
        return {};
    FlowProblem problem;
    problem.message = flow.error().message;
    const QString prefix = kLabel + QStringLiteral(": ");
    if (problem.message.startsWith(prefix))
        problem.message.remove(0, prefix.size());
    if (flow.error().line > 0) { // JSON syntax: the position is in the message too
        static const QRegularExpression position(QStringLiteral("^line \\d+, column \\d+: "));
        problem.message.remove(position);
        problem.line = flow.error().line;
        problem.column = flow.error().column;
        return {problem};
    }
    // A field error names its field first, in quotes: place it on that field's line.
    static const QRegularExpression named(QStringLiteral("\"([A-Za-z]+)\""));
    if (const auto m = named.match(problem.message); m.hasMatch()) {
        problem.field = m.captured(1);
        const QRegularExpression key(QStringLiteral("\"%1\"\\s*:").arg(QRegularExpression::escape(problem.field)));
        if (const auto at = key.match(text); at.hasMatch())
            place(text, at.capturedStart(), &problem.line, &problem.column);
    } else if (problem.message.contains(QLatin1String("streamTrack"))) {
        problem.field = QStringLiteral("streamTrack");
        const auto at = QRegularExpression(QStringLiteral("\"streamTrack\"\\s*:")).match(text);
        if (at.hasMatch())
            place(text, at.capturedStart(), &problem.line, &problem.column);
    }
    return {problem};
}

Result<QString> FlowCatalog::renderTwiml(const QString& text, const QString& publicUrl, const QString& streamUrl)
{
    const auto flow = parse(text);
    if (!flow.ok())
        return flow.error();
    return pretty(calls::voiceTwiml(flow.value(), sampleContext(publicUrl, streamUrl)));
}

Result<QStringList> FlowCatalog::describe(const QString& text, const QString& publicUrl, const QString& streamUrl)
{
    const auto flow = parse(text);
    if (!flow.ok())
        return flow.error();
    calls::FlowContext context = sampleContext(publicUrl, streamUrl);
    auto first = describeTwiml(calls::voiceTwiml(flow.value(), context));
    if (!first.ok())
        return first.error();
    QStringList lines = first.value();
    if (flow->mode != calls::FlowMode::Chunked && flow->mode != calls::FlowMode::Hybrid)
        return lines;
    auto indented = [&lines](const QString& heading, const QByteArray& twiml) {
        lines << heading;
        const auto described = describeTwiml(twiml);
        for (const QString& line : described.value())
            lines << QStringLiteral("    ") + line;
    };
    if (flow->maxChunks > 1) {
        context.chunkIndex = 1;
        indented(QStringLiteral("After each recorded chunk but the last:"), calls::chunkTwiml(flow.value(), context));
    }
    context.chunkIndex = flow->maxChunks;
    indented(QStringLiteral("After chunk %1, the last:").arg(flow->maxChunks),
             calls::chunkTwiml(flow.value(), context));
    return lines;
}

QString FlowCatalog::templateFor(const QString& name)
{
    return QStringLiteral("{\n"
                          "  \"name\": \"%1\",\n"
                          "  \"description\": \"\",\n"
                          "  \"mode\": \"realtime\",\n"
                          "  \"greeting\": \"Thanks for calling. Please tell us what you need.\",\n"
                          "  \"goodbye\": \"Thank you. Goodbye.\",\n"
                          "  \"listenSeconds\": 30,\n"
                          "  \"streamTrack\": \"both_tracks\"\n"
                          "}\n")
        .arg(name);
}

bool FlowCatalog::isValidName(const QString& name)
{
    static const QRegularExpression pattern(QStringLiteral("^[a-z0-9][a-z0-9-]{0,63}$"));
    return pattern.match(name).hasMatch();
}

Result<QString> FlowCatalog::save(const QString& text) const
{
    const auto flow = parse(text);
    if (!flow.ok())
        return flow.error();
    if (m_folder.isEmpty())
        return makeError(QStringLiteral("no-flows-folder"), QStringLiteral("there is no data folder to save flows in"));
    if (!storage::makePrivateFolder(m_folder))
        return makeError(QStringLiteral("flows-folder"), QStringLiteral("cannot create %1").arg(m_folder));
    const QString path = QDir(m_folder).filePath(flow->name + QStringLiteral(".json"));
    const QString temporary = path + QStringLiteral(".saving"); // not *.json: never loaded as a flow
    auto failed = [&](const QString& what) {
        QFile::remove(temporary);
        return makeError(QStringLiteral("flow-save"), QStringLiteral("%1: %2").arg(path, what));
    };
    if (!storage::createPrivateFile(temporary))
        return failed(QStringLiteral("cannot create a private temporary file"));
    QFile file(temporary);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return failed(file.errorString());
    const QByteArray bytes = text.toUtf8();
    if (file.write(bytes) != bytes.size() || !file.flush())
        return failed(file.errorString());
#ifdef Q_OS_UNIX
    if (::fsync(file.handle()) != 0)
        return failed(QStringLiteral("cannot flush to disk"));
#endif
    file.close();
    // POSIX rename replaces the old file in one step: a reader sees the old flow or the new one.
    if (std::rename(QFile::encodeName(temporary).constData(), QFile::encodeName(path).constData()) != 0)
        return failed(QStringLiteral("cannot replace the file"));
    return path;
}

} // namespace sb::bootstrap
