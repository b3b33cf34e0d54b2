// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QChar>
#include <QString>
#include <QStringView>

/// Small text helpers shared by the webhook parameter parsers and the date parsers.
namespace sb::twilio::detail {

/// Quotes a value for an error message, shortened so hostile input cannot bloat logs.
inline QString quoted(QStringView value)
{
    constexpr qsizetype kMax = 64;
    if (value.size() <= kMax)
        return QLatin1Char('\'') + value.toString() + QLatin1Char('\'');
    return QLatin1Char('\'') + value.left(kMax).toString() + QStringLiteral("...'");
}

inline bool isAsciiDigit(QChar c)
{
    return c.unicode() >= u'0' && c.unicode() <= u'9';
}

/// Strict decimal integer: optional '-', 1..18 ASCII digits, nothing else (no spaces, no '+').
bool parseInteger(QStringView text, qint64& out);

/// Strict decimal number: ASCII digits, sign, '.', exponent only; must be finite.
bool parseNumber(QStringView text, double& out);

} // namespace sb::twilio::detail
