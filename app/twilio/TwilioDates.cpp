// SPDX-License-Identifier: GPL-3.0-or-later
#include "twilio/TwilioDates.h"

#include "twilio/WebhookText.h"

#include <QVarLengthArray>
#include <algorithm>

namespace sb::twilio {
namespace {

using detail::isAsciiDigit;
using detail::quoted;

/// Exactly `width` ASCII digits.
bool parseFixedDigits(QStringView text, qsizetype width, int& out)
{
    if (text.size() != width)
        return false;
    int value = 0;
    for (const QChar c : text) {
        if (!isAsciiDigit(c))
            return false;
        value = value * 10 + (c.unicode() - u'0');
    }
    out = value;
    return true;
}

void appendPadded(QString& out, int value, int width)
{
    out += QString::number(value).rightJustified(width, QLatin1Char('0'));
}

Error dateError(QStringView text, QLatin1String format, const QString& why)
{
    return makeError(QString(kErrorInvalidDate),
                     QStringLiteral("invalid ") + format + QStringLiteral(" date-time ") + quoted(text) +
                         QStringLiteral(": ") + why);
}

constexpr QLatin1String kDayNames[] = {QLatin1String("Mon"),
                                       QLatin1String("Tue"),
                                       QLatin1String("Wed"),
                                       QLatin1String("Thu"),
                                       QLatin1String("Fri"),
                                       QLatin1String("Sat"),
                                       QLatin1String("Sun")};
constexpr QLatin1String kMonthNames[] = {QLatin1String("Jan"),
                                         QLatin1String("Feb"),
                                         QLatin1String("Mar"),
                                         QLatin1String("Apr"),
                                         QLatin1String("May"),
                                         QLatin1String("Jun"),
                                         QLatin1String("Jul"),
                                         QLatin1String("Aug"),
                                         QLatin1String("Sep"),
                                         QLatin1String("Oct"),
                                         QLatin1String("Nov"),
                                         QLatin1String("Dec")};

struct NamedZone
{
    QLatin1String name;
    int offsetMinutes;
};

constexpr NamedZone kNamedZones[] = {
    {QLatin1String("GMT"), 0},
    {QLatin1String("UT"), 0},
    {QLatin1String("UTC"), 0},
    {QLatin1String("Z"), 0},
    {QLatin1String("EST"), -5 * 60},
    {QLatin1String("EDT"), -4 * 60},
    {QLatin1String("CST"), -6 * 60},
    {QLatin1String("CDT"), -5 * 60},
    {QLatin1String("MST"), -7 * 60},
    {QLatin1String("MDT"), -6 * 60},
    {QLatin1String("PST"), -8 * 60},
    {QLatin1String("PDT"), -7 * 60},
};

bool isRfcSpace(QChar c)
{
    return c == QLatin1Char(' ') || c == QLatin1Char('\t') || c == QLatin1Char('\r') || c == QLatin1Char('\n');
}

/// `+hhmm` / `-hhmm` / `±hh:mm` / `±hh` (the last two only when `allowIsoForms`), minutes east of UTC.
bool parseNumericZone(QStringView zone, bool allowIsoForms, int& minutes)
{
    if (zone.size() < 3 || (zone.front() != QLatin1Char('+') && zone.front() != QLatin1Char('-')))
        return false;
    const int sign = zone.front() == QLatin1Char('-') ? -1 : 1;
    const QStringView rest = zone.mid(1);
    int hours = 0;
    int mins = 0;
    bool ok = false;
    if (rest.size() == 4)
        ok = parseFixedDigits(rest.left(2), 2, hours) && parseFixedDigits(rest.mid(2), 2, mins);
    else if (allowIsoForms && rest.size() == 5 && rest.at(2) == QLatin1Char(':'))
        ok = parseFixedDigits(rest.left(2), 2, hours) && parseFixedDigits(rest.mid(3), 2, mins);
    else if (allowIsoForms && rest.size() == 2)
        ok = parseFixedDigits(rest, 2, hours);
    if (!ok || hours > 23 || mins > 59)
        return false;
    minutes = sign * (hours * 60 + mins);
    return true;
}

} // namespace

QString formatRfc2822(const QDateTime& dateTime)
{
    if (!dateTime.isValid())
        return QString();
    const QDateTime utc = dateTime.toUTC();
    const QDate date = utc.date();
    const QTime time = utc.time();
    if (date.year() < 1 || date.year() > 9999)
        return QString();
    QString out;
    out.reserve(31);
    out += kDayNames[date.dayOfWeek() - 1];
    out += QStringLiteral(", ");
    appendPadded(out, date.day(), 2);
    out += QLatin1Char(' ');
    out += kMonthNames[date.month() - 1];
    out += QLatin1Char(' ');
    appendPadded(out, date.year(), 4);
    out += QLatin1Char(' ');
    appendPadded(out, time.hour(), 2);
    out += QLatin1Char(':');
    appendPadded(out, time.minute(), 2);
    out += QLatin1Char(':');
    appendPadded(out, time.second(), 2);
    out += QStringLiteral(" +0000");
    return out;
}

Result<QDateTime> parseRfc2822(QStringView text)
{
    const QLatin1String format("RFC 2822");
    QStringView rest = text.trimmed();
    if (rest.isEmpty())
        return dateError(text, format, QStringLiteral("empty"));

    const qsizetype comma = rest.indexOf(QLatin1Char(','));
    if (comma >= 0) {
        const QStringView dayName = rest.left(comma).trimmed();
        const bool known = std::any_of(std::begin(kDayNames), std::end(kDayNames), [&](QLatin1String name) {
            return dayName.compare(name, Qt::CaseInsensitive) == 0;
        });
        if (!known)
            return dateError(text, format, QStringLiteral("unknown day name ") + quoted(dayName));
        rest = rest.mid(comma + 1).trimmed();
    }

    QVarLengthArray<QStringView, 8> tokens;
    qsizetype i = 0;
    while (i < rest.size()) {
        while (i < rest.size() && isRfcSpace(rest.at(i)))
            ++i;
        const qsizetype start = i;
        while (i < rest.size() && !isRfcSpace(rest.at(i)))
            ++i;
        if (i > start) {
            if (tokens.size() == 5)
                return dateError(text, format, QStringLiteral("unexpected text after the zone"));
            tokens.append(rest.mid(start, i - start));
        }
    }
    if (tokens.size() != 5)
        return dateError(text, format, QStringLiteral("expected 'day month year hh:mm[:ss] zone'"));

    int day = 0;
    if (tokens[0].size() > 2 || !parseFixedDigits(tokens[0], tokens[0].size(), day) || day < 1)
        return dateError(text, format, QStringLiteral("bad day ") + quoted(tokens[0]));
    int month = 0;
    for (int m = 0; m < 12; ++m) {
        if (tokens[1].compare(kMonthNames[m], Qt::CaseInsensitive) == 0)
            month = m + 1;
    }
    if (month == 0)
        return dateError(text, format, QStringLiteral("unknown month ") + quoted(tokens[1]));
    int year = 0;
    if (!parseFixedDigits(tokens[2], 4, year) || year < 1)
        return dateError(text, format, QStringLiteral("bad year ") + quoted(tokens[2]));

    const QStringView timeText = tokens[3];
    int hour = 0;
    int minute = 0;
    int second = 0;
    bool timeOk = false;
    if (timeText.size() == 5 && timeText.at(2) == QLatin1Char(':'))
        timeOk = parseFixedDigits(timeText.left(2), 2, hour) && parseFixedDigits(timeText.mid(3), 2, minute);
    else if (timeText.size() == 8 && timeText.at(2) == QLatin1Char(':') && timeText.at(5) == QLatin1Char(':'))
        timeOk = parseFixedDigits(timeText.left(2), 2, hour) && parseFixedDigits(timeText.mid(3, 2), 2, minute) &&
                 parseFixedDigits(timeText.mid(6), 2, second);
    if (!timeOk)
        return dateError(text, format, QStringLiteral("bad time ") + quoted(timeText));

    int offsetMinutes = 0;
    const QStringView zone = tokens[4];
    if (!parseNumericZone(zone, false, offsetMinutes)) {
        const NamedZone* named = std::find_if(std::begin(kNamedZones), std::end(kNamedZones), [&](const NamedZone& z) {
            return zone.compare(z.name, Qt::CaseInsensitive) == 0;
        });
        if (named == std::end(kNamedZones))
            return dateError(text, format, QStringLiteral("bad zone ") + quoted(zone));
        offsetMinutes = named->offsetMinutes;
    }

    const QDate date(year, month, day);
    if (!date.isValid())
        return dateError(text, format, QStringLiteral("no such date"));
    const QTime time(hour, minute, second);
    if (!time.isValid())
        return dateError(text, format, QStringLiteral("no such time"));
    return QDateTime(date, time, Qt::UTC).addSecs(-static_cast<qint64>(offsetMinutes) * 60);
}

QString formatIso8601(const QDateTime& dateTime, int fractionDigits)
{
    if (!dateTime.isValid())
        return QString();
    const QDateTime utc = dateTime.toUTC();
    const QDate date = utc.date();
    const QTime time = utc.time();
    if (date.year() < 0 || date.year() > 9999)
        return QString();
    fractionDigits = std::clamp(fractionDigits, 0, 9);
    QString out;
    out.reserve(30);
    appendPadded(out, date.year(), 4);
    out += QLatin1Char('-');
    appendPadded(out, date.month(), 2);
    out += QLatin1Char('-');
    appendPadded(out, date.day(), 2);
    out += QLatin1Char('T');
    appendPadded(out, time.hour(), 2);
    out += QLatin1Char(':');
    appendPadded(out, time.minute(), 2);
    out += QLatin1Char(':');
    appendPadded(out, time.second(), 2);
    if (fractionDigits > 0) {
        out += QLatin1Char('.');
        QString fraction = QString::number(time.msec()).rightJustified(3, QLatin1Char('0'));
        if (fractionDigits < 3)
            fraction.truncate(fractionDigits);
        else
            fraction = fraction.leftJustified(fractionDigits, QLatin1Char('0'));
        out += fraction;
    }
    out += QLatin1Char('Z');
    return out;
}

Result<QDateTime> parseIso8601(QStringView text)
{
    const QLatin1String format("ISO 8601");
    const QStringView s = text.trimmed();
    if (s.size() < 19)
        return dateError(text, format, QStringLiteral("expected YYYY-MM-DDTHH:MM:SS"));
    int year = 0;
    int month = 0;
    int day = 0;
    int hour = 0;
    int minute = 0;
    int second = 0;
    const QChar sep = s.at(10);
    const bool shapeOk = parseFixedDigits(s.mid(0, 4), 4, year) && s.at(4) == QLatin1Char('-') &&
                         parseFixedDigits(s.mid(5, 2), 2, month) && s.at(7) == QLatin1Char('-') &&
                         parseFixedDigits(s.mid(8, 2), 2, day) &&
                         (sep == QLatin1Char('T') || sep == QLatin1Char('t') || sep == QLatin1Char(' ')) &&
                         parseFixedDigits(s.mid(11, 2), 2, hour) && s.at(13) == QLatin1Char(':') &&
                         parseFixedDigits(s.mid(14, 2), 2, minute) && s.at(16) == QLatin1Char(':') &&
                         parseFixedDigits(s.mid(17, 2), 2, second);
    if (!shapeOk)
        return dateError(text, format, QStringLiteral("expected YYYY-MM-DDTHH:MM:SS"));

    qsizetype pos = 19;
    int msec = 0;
    if (pos < s.size() && (s.at(pos) == QLatin1Char('.') || s.at(pos) == QLatin1Char(','))) {
        ++pos;
        const qsizetype start = pos;
        while (pos < s.size() && isAsciiDigit(s.at(pos))) {
            if (pos - start < 3)
                msec = msec * 10 + (s.at(pos).unicode() - u'0');
            ++pos;
        }
        const qsizetype digits = pos - start;
        if (digits == 0)
            return dateError(text, format, QStringLiteral("no digits after the decimal separator"));
        for (qsizetype d = digits; d < 3; ++d)
            msec *= 10;
    }

    int offsetMinutes = 0;
    const QStringView zone = s.mid(pos);
    if (zone.isEmpty() || zone == QLatin1String("Z") || zone == QLatin1String("z"))
        offsetMinutes = 0;
    else if (!parseNumericZone(zone, true, offsetMinutes))
        return dateError(text, format, QStringLiteral("bad zone ") + quoted(zone));

    const QDate date(year, month, day);
    if (!date.isValid())
        return dateError(text, format, QStringLiteral("no such date"));
    const QTime time(hour, minute, second, msec);
    if (!time.isValid())
        return dateError(text, format, QStringLiteral("no such time"));
    return QDateTime(date, time, Qt::UTC).addSecs(-static_cast<qint64>(offsetMinutes) * 60);
}

} // namespace sb::twilio
