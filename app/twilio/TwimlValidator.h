// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "twilio/TwimlParser.h"

#include <QChar>
#include <QList>
#include <QString>
#include <QStringView>

/// Schema and semantic checks of a TwiML tree (TwimlSchema.h has the table), and the small text
/// helpers the parser shares with them. Internal to TwimlParser.cpp / TwimlValidator.cpp.
namespace sb::twilio::detail {

using Issues = QList<TwimlIssue>;

bool isXmlSpace(QChar c);
bool isBlank(QStringView s);
/// Shortens user text quoted in messages.
QString quoted(QStringView s);
void report(Issues& out, TwimlSeverity severity, int code, int line, int column, const QString& message);

/// Appends the issues of the tree under `root` (the 12100 root-name check included) to `out`.
void validateTwimlRoot(const TwimlNode& root, Issues& out);

} // namespace sb::twilio::detail
