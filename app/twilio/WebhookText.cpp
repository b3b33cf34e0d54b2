// SPDX-License-Identifier: GPL-3.0-or-later
#include "twilio/WebhookText.h"

#include <cmath>

namespace sb::twilio::detail {

bool parseInteger(QStringView text, qint64& out)
{
    qsizetype i = 0;
    bool negative = false;
    if (!text.isEmpty() && text.front() == QLatin1Char('-')) {
        negative = true;
        i = 1;
    }
    const qsizetype digits = text.size() - i;
    if (digits < 1 || digits > 18)
        return false;
    qint64 value = 0;
    for (; i < text.size(); ++i) {
        if (!isAsciiDigit(text.at(i)))
            return false;
        value = value * 10 + (text.at(i).unicode() - u'0');
    }
    out = negative ? -value : value;
    return true;
}

bool parseNumber(QStringView text, double& out)
{
    if (text.isEmpty() || text.size() > 64)
        return false;
    bool sawDigit = false;
    for (const QChar c : text) {
        const char16_t u = c.unicode();
        if (isAsciiDigit(c))
            sawDigit = true;
        else if (u != u'.' && u != u'-' && u != u'+' && u != u'e' && u != u'E')
            return false;
    }
    if (!sawDigit)
        return false;
    bool ok = false;
    const double value = text.toDouble(&ok);
    if (!ok || !std::isfinite(value))
        return false;
    out = value;
    return true;
}

} // namespace sb::twilio::detail
