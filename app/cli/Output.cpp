// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/Output.h"

#include "common/Version.h"

#include <cstdio>

namespace sb::cli {
namespace {

void write(FILE* stream, const QString& text)
{
    const QByteArray bytes = text.toUtf8();
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stream);
    std::fflush(stream);
}

QString prefix(QLatin1String command)
{
    if (command.isEmpty())
        return QLatin1String(kAppName);
    return QLatin1String(kAppName) + QLatin1Char(' ') + command;
}

} // namespace

void printLine(const QString& line)
{
    write(stdout, line + QLatin1Char('\n'));
}

void printText(const QString& text)
{
    write(stdout, text);
}

void printErrorLine(const QString& line)
{
    write(stderr, line + QLatin1Char('\n'));
}

int fail(QLatin1String command, const QString& reason)
{
    printErrorLine(prefix(command) + QLatin1String(": ") + reason);
    return kExitFailure;
}

QString usageMessage(QLatin1String command, const QString& problem)
{
    const QString who = prefix(command);
    return QStringLiteral("%1: %2\nTry '%1 --help' for more information.\n").arg(who, problem);
}

int usageError(QLatin1String command, const QString& problem)
{
    write(stderr, usageMessage(command, problem));
    return kExitUsage;
}

} // namespace sb::cli
