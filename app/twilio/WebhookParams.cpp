// SPDX-License-Identifier: GPL-3.0-or-later
#include "twilio/WebhookParams.h"

#include <QJsonDocument>
#include <QJsonParseError>
#include <QJsonValue>
#include <QList>
#include <QLocale>
#include <QVarLengthArray>
#include <algorithm>
#include <cmath>
#include <cstddef>

namespace sb::twilio {
namespace {

// ---------------------------------------------------------------------------------------------
// Enum tables

template <typename E> struct EnumEntry
{
    E value;
    QLatin1String text;
};

constexpr EnumEntry<CallStatus> kCallStatuses[] = {
    {CallStatus::Queued, QLatin1String("queued")},
    {CallStatus::Initiated, QLatin1String("initiated")},
    {CallStatus::Ringing, QLatin1String("ringing")},
    {CallStatus::InProgress, QLatin1String("in-progress")},
    {CallStatus::Completed, QLatin1String("completed")},
    {CallStatus::Busy, QLatin1String("busy")},
    {CallStatus::Failed, QLatin1String("failed")},
    {CallStatus::NoAnswer, QLatin1String("no-answer")},
    {CallStatus::Canceled, QLatin1String("canceled")},
};

constexpr EnumEntry<CallDirection> kCallDirections[] = {
    {CallDirection::Inbound, QLatin1String("inbound")},
    {CallDirection::OutboundApi, QLatin1String("outbound-api")},
    {CallDirection::OutboundDial, QLatin1String("outbound-dial")},
};

constexpr EnumEntry<StreamEvent> kStreamEvents[] = {
    {StreamEvent::Started, QLatin1String("stream-started")},
    {StreamEvent::Stopped, QLatin1String("stream-stopped")},
    {StreamEvent::Error, QLatin1String("stream-error")},
};

constexpr EnumEntry<RecordingStatus> kRecordingStatuses[] = {
    {RecordingStatus::InProgress, QLatin1String("in-progress")},
    {RecordingStatus::Paused, QLatin1String("paused")},
    {RecordingStatus::Stopped, QLatin1String("stopped")},
    {RecordingStatus::Processing, QLatin1String("processing")},
    {RecordingStatus::Completed, QLatin1String("completed")},
    {RecordingStatus::Absent, QLatin1String("absent")},
    {RecordingStatus::Failed, QLatin1String("failed")},
    {RecordingStatus::Deleted, QLatin1String("deleted")},
};

constexpr EnumEntry<TranscriptionEvent> kTranscriptionEvents[] = {
    {TranscriptionEvent::Started, QLatin1String("transcription-started")},
    {TranscriptionEvent::Content, QLatin1String("transcription-content")},
    {TranscriptionEvent::Stopped, QLatin1String("transcription-stopped")},
    {TranscriptionEvent::Error, QLatin1String("transcription-error")},
};

constexpr EnumEntry<TranscriptionTrack> kTranscriptionTracks[] = {
    {TranscriptionTrack::Inbound, QLatin1String("inbound_track")},
    {TranscriptionTrack::Outbound, QLatin1String("outbound_track")},
    {TranscriptionTrack::Both, QLatin1String("both_tracks")},
};

template <typename E, std::size_t N> QString enumToString(const EnumEntry<E> (&table)[N], E value)
{
    for (const EnumEntry<E>& entry : table) {
        if (entry.value == value)
            return QString(entry.text);
    }
    return QString();
}

template <typename E, std::size_t N> std::optional<E> enumFromString(const EnumEntry<E> (&table)[N], QStringView text)
{
    for (const EnumEntry<E>& entry : table) {
        if (text == entry.text)
            return entry.value;
    }
    return std::nullopt;
}

template <typename E, std::size_t N> QString enumChoices(const EnumEntry<E> (&table)[N])
{
    QString out;
    for (const EnumEntry<E>& entry : table) {
        if (!out.isEmpty())
            out += QStringLiteral(", ");
        out += entry.text;
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// Small scalar parsers

/// Quotes a value for an error message, shortened so hostile input cannot bloat logs.
QString quoted(QStringView value)
{
    constexpr qsizetype kMax = 64;
    if (value.size() <= kMax)
        return QLatin1Char('\'') + value.toString() + QLatin1Char('\'');
    return QLatin1Char('\'') + value.left(kMax).toString() + QStringLiteral("...'");
}

bool isAsciiDigit(QChar c)
{
    return c.unicode() >= u'0' && c.unicode() <= u'9';
}

/// Strict decimal integer: optional '-', 1..18 ASCII digits, nothing else (no spaces, no '+').
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

/// Strict decimal number: ASCII digits, sign, '.', exponent only; must be finite.
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

QString formatDouble(double value)
{
    return QString::number(value, 'g', QLocale::FloatingPointShortest);
}

void appendPadded(QString& out, int value, int width)
{
    out += QString::number(value).rightJustified(width, QLatin1Char('0'));
}

// ---------------------------------------------------------------------------------------------
// Parameter reader: takes parameters by name, validates them, records the first error and
// remembers which entries were consumed so the rest can be kept in `extra`.

class ParamReader
{
public:
    explicit ParamReader(const FormParams& params)
        : m_params(params)
        , m_used(params.size(), false)
    {
    }

    bool failed() const { return m_error.has_value(); }
    const Error& error() const { return *m_error; }

    /// The first occurrence of `name` (later repeats stay in rest()).
    std::optional<QString> optional(const QString& name)
    {
        for (qsizetype i = 0; i < m_params.size(); ++i) {
            if (!m_used[i] && m_params[i].first == name) {
                m_used[i] = true;
                return m_params[i].second;
            }
        }
        return std::nullopt;
    }

    QString required(const QString& name)
    {
        std::optional<QString> value = optional(name);
        if (!value) {
            missing(name);
            return QString();
        }
        return *value;
    }

    QString requiredNonEmpty(const QString& name)
    {
        const std::optional<QString> value = optional(name);
        if (!value)
            missing(name);
        else if (value->isEmpty())
            invalid(name, *value, QStringLiteral("must not be empty"));
        return value.value_or(QString());
    }

    QString requiredSid(const QString& name, QLatin1String prefix)
    {
        const std::optional<QString> value = optional(name);
        if (!value) {
            missing(name);
            return QString();
        }
        checkSid(name, *value, prefix);
        return *value;
    }

    std::optional<QString> optionalSid(const QString& name, QLatin1String prefix)
    {
        std::optional<QString> value = optional(name);
        if (value)
            checkSid(name, *value, prefix);
        return value;
    }

    template <typename E, std::size_t N> E requiredEnum(const QString& name, const EnumEntry<E> (&table)[N], E fallback)
    {
        const std::optional<QString> value = optional(name);
        if (!value) {
            missing(name);
            return fallback;
        }
        return checkEnum(name, *value, table).value_or(fallback);
    }

    template <typename E, std::size_t N>
    std::optional<E> optionalEnum(const QString& name, const EnumEntry<E> (&table)[N])
    {
        const std::optional<QString> value = optional(name);
        if (!value || value->isEmpty())
            return std::nullopt;
        return checkEnum(name, *value, table);
    }

    std::optional<qint64> optionalInteger(const QString& name, qint64 min, qint64 max)
    {
        const std::optional<QString> value = optional(name);
        if (!value || value->isEmpty())
            return std::nullopt;
        qint64 number = 0;
        if (!parseInteger(*value, number)) {
            invalid(name, *value, QStringLiteral("is not an integer"));
            return std::nullopt;
        }
        if (number < min || number > max) {
            invalid(name,
                    *value,
                    QStringLiteral("is out of range (%1..%2)").arg(QString::number(min), QString::number(max)));
            return std::nullopt;
        }
        return number;
    }

    std::optional<int> optionalInt(const QString& name, int min, int max)
    {
        const std::optional<qint64> value = optionalInteger(name, min, max);
        if (!value)
            return std::nullopt;
        return static_cast<int>(*value);
    }

    std::optional<double> optionalFraction(const QString& name)
    {
        const std::optional<QString> value = optional(name);
        if (!value || value->isEmpty())
            return std::nullopt;
        double number = 0;
        if (!parseNumber(*value, number)) {
            invalid(name, *value, QStringLiteral("is not a number"));
            return std::nullopt;
        }
        if (number < 0.0 || number > 1.0) {
            invalid(name, *value, QStringLiteral("is out of range (0.0..1.0)"));
            return std::nullopt;
        }
        return number;
    }

    std::optional<bool> optionalBool(const QString& name)
    {
        const std::optional<QString> value = optional(name);
        if (!value || value->isEmpty())
            return std::nullopt;
        if (value->compare(QLatin1String("true"), Qt::CaseInsensitive) == 0)
            return true;
        if (value->compare(QLatin1String("false"), Qt::CaseInsensitive) == 0)
            return false;
        invalid(name, *value, QStringLiteral("is not a boolean (expected true or false)"));
        return std::nullopt;
    }

    std::optional<QDateTime> optionalDate(const QString& name, Result<QDateTime> (*parse)(QStringView))
    {
        const std::optional<QString> value = optional(name);
        if (!value || value->isEmpty())
            return std::nullopt;
        Result<QDateTime> parsed = parse(*value);
        if (!parsed.ok()) {
            fail(makeError(QString(kErrorInvalidParameter),
                           QStringLiteral("parameter '") + name + QStringLiteral("': ") + parsed.error().message));
            return std::nullopt;
        }
        return parsed.value();
    }

    std::optional<TranscriptionData> optionalTranscriptionData(const QString& name, bool isRequired)
    {
        const std::optional<QString> value = optional(name);
        if (!value) {
            if (isRequired)
                missing(name);
            return std::nullopt;
        }
        Result<TranscriptionData> parsed = parseTranscriptionData(*value);
        if (!parsed.ok()) {
            fail(parsed.error());
            return std::nullopt;
        }
        return std::move(parsed).value();
    }

    /// Everything not consumed, in wire order.
    FormParams rest() const
    {
        FormParams out;
        for (qsizetype i = 0; i < m_params.size(); ++i) {
            if (!m_used[i])
                out.append(m_params[i]);
        }
        return out;
    }

    void fail(Error error)
    {
        if (!m_error)
            m_error = std::move(error);
    }

    void missing(const QString& name)
    {
        fail(makeError(QString(kErrorMissingParameter),
                       QStringLiteral("missing required parameter '") + name + QLatin1Char('\'')));
    }

    void invalid(const QString& name, QStringView value, const QString& why)
    {
        fail(makeError(QString(kErrorInvalidParameter),
                       QStringLiteral("parameter '") + name + QStringLiteral("' has an invalid value ") +
                           quoted(value) + QStringLiteral(": ") + why));
    }

private:
    void checkSid(const QString& name, const QString& value, QLatin1String prefix)
    {
        if (!isValidSid(value, prefix))
            invalid(name, value, QStringLiteral("expected '") + prefix + QStringLiteral("' followed by 32 hex digits"));
    }

    template <typename E, std::size_t N>
    std::optional<E> checkEnum(const QString& name, const QString& value, const EnumEntry<E> (&table)[N])
    {
        const std::optional<E> parsed = enumFromString(table, value);
        if (!parsed)
            invalid(name, value, QStringLiteral("expected one of ") + enumChoices(table));
        return parsed;
    }

    const FormParams& m_params;
    QList<bool> m_used;
    std::optional<Error> m_error;
};

void readGeo(ParamReader& reader, QLatin1String party, GeoInfo& geo)
{
    geo.city = reader.optional(party + QStringLiteral("City"));
    geo.state = reader.optional(party + QStringLiteral("State"));
    geo.zip = reader.optional(party + QStringLiteral("Zip"));
    geo.country = reader.optional(party + QStringLiteral("Country"));
}

void readCallParams(ParamReader& reader, CallParams& call)
{
    call.callSid = reader.requiredSid(QStringLiteral("CallSid"), QLatin1String("CA"));
    call.accountSid = reader.requiredSid(QStringLiteral("AccountSid"), QLatin1String("AC"));
    call.from = reader.required(QStringLiteral("From"));
    call.to = reader.required(QStringLiteral("To"));
    call.callStatus = reader.requiredEnum(QStringLiteral("CallStatus"), kCallStatuses, CallStatus::Ringing);
    call.apiVersion = reader.required(QStringLiteral("ApiVersion"));
    call.direction = reader.requiredEnum(QStringLiteral("Direction"), kCallDirections, CallDirection::Inbound);
    call.caller = reader.optional(QStringLiteral("Caller"));
    call.called = reader.optional(QStringLiteral("Called"));
    call.forwardedFrom = reader.optional(QStringLiteral("ForwardedFrom"));
    call.callerName = reader.optional(QStringLiteral("CallerName"));
    call.parentCallSid = reader.optionalSid(QStringLiteral("ParentCallSid"), QLatin1String("CA"));
    call.callToken = reader.optional(QStringLiteral("CallToken"));
    readGeo(reader, QLatin1String("From"), call.fromGeo);
    readGeo(reader, QLatin1String("To"), call.toGeo);
    readGeo(reader, QLatin1String("Caller"), call.callerGeo);
    readGeo(reader, QLatin1String("Called"), call.calledGeo);
}

constexpr qint64 kMaxCount = 999'999'999'999'999'999LL; // 18 digits, what parseInteger accepts

// ---------------------------------------------------------------------------------------------
// Form writer helpers

void put(FormParams& out, QLatin1String name, const QString& value)
{
    out.append({QString(name), value});
}

void putOptional(FormParams& out, const QString& name, const std::optional<QString>& value)
{
    if (value)
        out.append({name, *value});
}

void putOptional(FormParams& out, QLatin1String name, const std::optional<QString>& value)
{
    putOptional(out, QString(name), value);
}

template <typename Int> void putInteger(FormParams& out, QLatin1String name, const std::optional<Int>& value)
{
    if (value)
        out.append({QString(name), QString::number(*value)});
}

void putDouble(FormParams& out, QLatin1String name, const std::optional<double>& value)
{
    if (value)
        out.append({QString(name), formatDouble(*value)});
}

void putBool(FormParams& out, QLatin1String name, const std::optional<bool>& value)
{
    if (value)
        out.append({QString(name), *value ? QStringLiteral("true") : QStringLiteral("false")});
}

void putGeo(FormParams& out, QLatin1String party, const GeoInfo& geo)
{
    putOptional(out, party + QStringLiteral("City"), geo.city);
    putOptional(out, party + QStringLiteral("State"), geo.state);
    putOptional(out, party + QStringLiteral("Zip"), geo.zip);
    putOptional(out, party + QStringLiteral("Country"), geo.country);
}

void putCallParams(FormParams& out, const CallParams& call)
{
    put(out, QLatin1String("CallSid"), call.callSid);
    put(out, QLatin1String("AccountSid"), call.accountSid);
    put(out, QLatin1String("From"), call.from);
    put(out, QLatin1String("To"), call.to);
    put(out, QLatin1String("CallStatus"), toWireString(call.callStatus));
    put(out, QLatin1String("ApiVersion"), call.apiVersion);
    put(out, QLatin1String("Direction"), toWireString(call.direction));
    putOptional(out, QLatin1String("Caller"), call.caller);
    putOptional(out, QLatin1String("Called"), call.called);
    putOptional(out, QLatin1String("ForwardedFrom"), call.forwardedFrom);
    putOptional(out, QLatin1String("CallerName"), call.callerName);
    putOptional(out, QLatin1String("ParentCallSid"), call.parentCallSid);
    putOptional(out, QLatin1String("CallToken"), call.callToken);
    putGeo(out, QLatin1String("From"), call.fromGeo);
    putGeo(out, QLatin1String("To"), call.toGeo);
    putGeo(out, QLatin1String("Caller"), call.callerGeo);
    putGeo(out, QLatin1String("Called"), call.calledGeo);
}

/// Sorts the modelled parameters by name and appends the extras unchanged.
FormParams finish(FormParams typed, const FormParams& extra)
{
    std::stable_sort(
        typed.begin(), typed.end(), [](const QPair<QString, QString>& a, const QPair<QString, QString>& b) {
            return a.first < b.first;
        });
    typed.append(extra);
    return typed;
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

// ---------------------------------------------------------------------------------------------
// Enums

QString toWireString(CallStatus status)
{
    return enumToString(kCallStatuses, status);
}

std::optional<CallStatus> callStatusFromString(QStringView text)
{
    return enumFromString(kCallStatuses, text);
}

bool isTerminal(CallStatus status)
{
    switch (status) {
    case CallStatus::Completed:
    case CallStatus::Busy:
    case CallStatus::Failed:
    case CallStatus::NoAnswer:
    case CallStatus::Canceled:
        return true;
    case CallStatus::Queued:
    case CallStatus::Initiated:
    case CallStatus::Ringing:
    case CallStatus::InProgress:
        return false;
    }
    return false;
}

QString toWireString(CallDirection direction)
{
    return enumToString(kCallDirections, direction);
}

std::optional<CallDirection> callDirectionFromString(QStringView text)
{
    return enumFromString(kCallDirections, text);
}

QString toWireString(StreamEvent event)
{
    return enumToString(kStreamEvents, event);
}

std::optional<StreamEvent> streamEventFromString(QStringView text)
{
    return enumFromString(kStreamEvents, text);
}

QString toWireString(RecordingStatus status)
{
    return enumToString(kRecordingStatuses, status);
}

std::optional<RecordingStatus> recordingStatusFromString(QStringView text)
{
    return enumFromString(kRecordingStatuses, text);
}

QString toWireString(TranscriptionEvent event)
{
    return enumToString(kTranscriptionEvents, event);
}

std::optional<TranscriptionEvent> transcriptionEventFromString(QStringView text)
{
    return enumFromString(kTranscriptionEvents, text);
}

QString toWireString(TranscriptionTrack track)
{
    return enumToString(kTranscriptionTracks, track);
}

std::optional<TranscriptionTrack> transcriptionTrackFromString(QStringView text)
{
    return enumFromString(kTranscriptionTracks, text);
}

// ---------------------------------------------------------------------------------------------
// Dates

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

// ---------------------------------------------------------------------------------------------
// TranscriptionData

Result<TranscriptionData> parseTranscriptionData(QStringView json)
{
    const auto fail = [](const QString& why) {
        return makeError(QString(kErrorInvalidParameter), QStringLiteral("parameter 'TranscriptionData' ") + why);
    };
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json.toUtf8(), &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return fail(QStringLiteral("is not valid JSON: ") + parseError.errorString() + QStringLiteral(" at offset ") +
                    QString::number(parseError.offset));
    if (!doc.isObject())
        return fail(QStringLiteral("is not a JSON object"));
    QJsonObject object = doc.object();

    TranscriptionData data;
    const QJsonValue transcript = object.value(QLatin1String("transcript"));
    if (transcript.isUndefined())
        return fail(QStringLiteral("has no 'transcript' member"));
    if (!transcript.isString())
        return fail(QStringLiteral("member 'transcript' is not a string"));
    data.transcript = transcript.toString();

    const QJsonValue confidence = object.value(QLatin1String("confidence"));
    if (confidence.isDouble()) {
        data.confidence = confidence.toDouble();
    } else if (confidence.isString()) {
        double value = 0;
        if (!parseNumber(confidence.toString(), value))
            return fail(QStringLiteral("member 'confidence' is not a number"));
        data.confidence = value;
    } else if (!confidence.isUndefined() && !confidence.isNull()) {
        return fail(QStringLiteral("member 'confidence' is not a number"));
    }
    if (data.confidence && !std::isfinite(*data.confidence))
        return fail(QStringLiteral("member 'confidence' is not finite"));

    object.remove(QLatin1String("transcript"));
    object.remove(QLatin1String("confidence"));
    data.other = object;
    return data;
}

QString toJsonString(const TranscriptionData& data)
{
    // QJsonObject sorts its keys, so serialise one member at a time to keep Twilio's order.
    const auto member = [](const QString& key, const QJsonValue& value) {
        const QByteArray one = QJsonDocument(QJsonObject{{key, value}}).toJson(QJsonDocument::Compact);
        return QString::fromUtf8(one.mid(1, one.size() - 2));
    };
    QStringList members;
    members << member(QStringLiteral("transcript"), data.transcript);
    if (data.confidence)
        members << member(QStringLiteral("confidence"), *data.confidence);
    for (auto it = data.other.begin(); it != data.other.end(); ++it)
        members << member(it.key(), it.value());
    return QLatin1Char('{') + members.join(QLatin1Char(',')) + QLatin1Char('}');
}

std::optional<QDateTime> RecordingStatusCallback::recordingStartDateTime() const
{
    if (!recordingStartTime)
        return std::nullopt;
    if (Result<QDateTime> rfc = parseRfc2822(*recordingStartTime); rfc.ok())
        return rfc.value();
    if (Result<QDateTime> iso = parseIso8601(*recordingStartTime); iso.ok())
        return iso.value();
    return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// Parsers

Result<CallParams> parseCallParams(const FormParams& params)
{
    ParamReader reader(params);
    CallParams call;
    readCallParams(reader, call);
    if (reader.failed())
        return reader.error();
    return call;
}

Result<VoiceRequest> parseVoiceRequest(const FormParams& params)
{
    ParamReader reader(params);
    VoiceRequest request;
    readCallParams(reader, request.call);
    request.errorCode = reader.optionalInt(QStringLiteral("ErrorCode"), 0, 999999);
    request.errorUrl = reader.optional(QStringLiteral("ErrorUrl"));
    if (reader.failed())
        return reader.error();
    request.extra = reader.rest();
    return request;
}

Result<CallStatusCallback> parseCallStatusCallback(const FormParams& params)
{
    ParamReader reader(params);
    CallStatusCallback callback;
    readCallParams(reader, callback.call);
    callback.timestamp = reader.optionalDate(QStringLiteral("Timestamp"), &parseRfc2822);
    callback.callbackSource = reader.optional(QStringLiteral("CallbackSource"));
    callback.sequenceNumber = reader.optionalInteger(QStringLiteral("SequenceNumber"), 0, kMaxCount);
    callback.callDuration = reader.optionalInteger(QStringLiteral("CallDuration"), 0, kMaxCount);
    callback.duration = reader.optionalInteger(QStringLiteral("Duration"), 0, kMaxCount);
    callback.sipResponseCode = reader.optionalInt(QStringLiteral("SipResponseCode"), 100, 699);
    callback.recordingUrl = reader.optional(QStringLiteral("RecordingUrl"));
    callback.recordingSid = reader.optionalSid(QStringLiteral("RecordingSid"), QLatin1String("RE"));
    callback.recordingDuration = reader.optionalInteger(QStringLiteral("RecordingDuration"), -1, kMaxCount);
    callback.stirStatus = reader.optional(QStringLiteral("StirStatus"));
    if (reader.failed())
        return reader.error();
    callback.extra = reader.rest();
    return callback;
}

Result<RecordActionRequest> parseRecordActionRequest(const FormParams& params)
{
    ParamReader reader(params);
    RecordActionRequest request;
    readCallParams(reader, request.call);
    request.recordingUrl = reader.required(QStringLiteral("RecordingUrl"));
    request.recordingDuration = reader.optionalInteger(QStringLiteral("RecordingDuration"), -1, kMaxCount);
    request.digits = reader.optional(QStringLiteral("Digits"));
    request.recordingSid = reader.optionalSid(QStringLiteral("RecordingSid"), QLatin1String("RE"));
    if (reader.failed())
        return reader.error();
    request.extra = reader.rest();
    return request;
}

Result<GatherActionRequest> parseGatherActionRequest(const FormParams& params)
{
    ParamReader reader(params);
    GatherActionRequest request;
    readCallParams(reader, request.call);
    request.digits = reader.optional(QStringLiteral("Digits"));
    request.speechResult = reader.optional(QStringLiteral("SpeechResult"));
    request.confidence = reader.optionalFraction(QStringLiteral("Confidence"));
    if (reader.failed())
        return reader.error();
    request.extra = reader.rest();
    return request;
}

Result<RecordingStatusCallback> parseRecordingStatusCallback(const FormParams& params)
{
    ParamReader reader(params);
    RecordingStatusCallback callback;
    callback.accountSid = reader.requiredSid(QStringLiteral("AccountSid"), QLatin1String("AC"));
    callback.callSid = reader.requiredSid(QStringLiteral("CallSid"), QLatin1String("CA"));
    callback.recordingSid = reader.requiredSid(QStringLiteral("RecordingSid"), QLatin1String("RE"));
    callback.status =
        reader.requiredEnum(QStringLiteral("RecordingStatus"), kRecordingStatuses, RecordingStatus::Completed);
    callback.recordingUrl = reader.optional(QStringLiteral("RecordingUrl"));
    callback.recordingDuration = reader.optionalInteger(QStringLiteral("RecordingDuration"), -1, kMaxCount);
    callback.recordingChannels = reader.optionalInt(QStringLiteral("RecordingChannels"), 1, 2);
    callback.recordingSource = reader.optional(QStringLiteral("RecordingSource"));
    callback.recordingStartTime = reader.optional(QStringLiteral("RecordingStartTime"));
    callback.recordingTrack = reader.optional(QStringLiteral("RecordingTrack"));
    callback.errorCode = reader.optionalInt(QStringLiteral("ErrorCode"), 0, 999999);
    if (reader.failed())
        return reader.error();
    callback.extra = reader.rest();
    return callback;
}

Result<StreamStatusCallback> parseStreamStatusCallback(const FormParams& params)
{
    ParamReader reader(params);
    StreamStatusCallback callback;
    callback.accountSid = reader.requiredSid(QStringLiteral("AccountSid"), QLatin1String("AC"));
    callback.callSid = reader.requiredSid(QStringLiteral("CallSid"), QLatin1String("CA"));
    callback.streamSid = reader.requiredNonEmpty(QStringLiteral("StreamSid"));
    callback.event = reader.requiredEnum(QStringLiteral("StreamEvent"), kStreamEvents, StreamEvent::Started);
    callback.streamName = reader.optional(QStringLiteral("StreamName"));
    callback.streamError = reader.optional(QStringLiteral("StreamError"));
    callback.timestamp = reader.optionalDate(QStringLiteral("Timestamp"), &parseIso8601);
    if (reader.failed())
        return reader.error();
    callback.extra = reader.rest();
    return callback;
}

Result<TranscriptionCallback> parseTranscriptionCallback(const FormParams& params)
{
    ParamReader reader(params);
    TranscriptionCallback callback;
    callback.accountSid = reader.requiredSid(QStringLiteral("AccountSid"), QLatin1String("AC"));
    callback.callSid = reader.requiredSid(QStringLiteral("CallSid"), QLatin1String("CA"));
    callback.transcriptionSid = reader.requiredSid(QStringLiteral("TranscriptionSid"), QLatin1String("GT"));
    callback.event =
        reader.requiredEnum(QStringLiteral("TranscriptionEvent"), kTranscriptionEvents, TranscriptionEvent::Content);
    callback.timestamp = reader.optionalDate(QStringLiteral("Timestamp"), &parseIso8601);
    callback.sequenceId = reader.optionalInteger(QStringLiteral("SequenceId"), 0, kMaxCount);
    callback.providerConfiguration = reader.optional(QStringLiteral("ProviderConfiguration"));
    callback.transcriptionEngine = reader.optional(QStringLiteral("TranscriptionEngine"));
    callback.name = reader.optional(QStringLiteral("Name"));
    callback.track = reader.optionalEnum(QStringLiteral("Track"), kTranscriptionTracks);
    callback.inboundTrackLabel = reader.optional(QStringLiteral("InboundTrackLabel"));
    callback.outboundTrackLabel = reader.optional(QStringLiteral("OutboundTrackLabel"));
    callback.partialResults = reader.optionalBool(QStringLiteral("PartialResults"));
    callback.languageCode = reader.optional(QStringLiteral("LanguageCode"));
    const bool isContent = !reader.failed() && callback.event == TranscriptionEvent::Content;
    callback.data = reader.optionalTranscriptionData(QStringLiteral("TranscriptionData"), isContent);
    callback.isFinal = reader.optionalBool(QStringLiteral("Final"));
    callback.stability = reader.optionalFraction(QStringLiteral("Stability"));
    callback.transcriptionProviderData = reader.optional(QStringLiteral("TranscriptionProviderData"));
    callback.errorCode = reader.optionalInt(QStringLiteral("TranscriptionErrorCode"), 0, 999999);
    callback.errorMessage = reader.optional(QStringLiteral("TranscriptionError"));
    if (reader.failed())
        return reader.error();
    callback.extra = reader.rest();
    return callback;
}

// ---------------------------------------------------------------------------------------------
// Builders

FormParams toFormParams(const CallParams& call)
{
    FormParams typed;
    putCallParams(typed, call);
    return finish(std::move(typed), {});
}

FormParams toFormParams(const VoiceRequest& request)
{
    FormParams typed;
    putCallParams(typed, request.call);
    putInteger(typed, QLatin1String("ErrorCode"), request.errorCode);
    putOptional(typed, QLatin1String("ErrorUrl"), request.errorUrl);
    return finish(std::move(typed), request.extra);
}

FormParams toFormParams(const CallStatusCallback& callback)
{
    FormParams typed;
    putCallParams(typed, callback.call);
    if (callback.timestamp)
        put(typed, QLatin1String("Timestamp"), formatRfc2822(*callback.timestamp));
    putOptional(typed, QLatin1String("CallbackSource"), callback.callbackSource);
    putInteger(typed, QLatin1String("SequenceNumber"), callback.sequenceNumber);
    putInteger(typed, QLatin1String("CallDuration"), callback.callDuration);
    putInteger(typed, QLatin1String("Duration"), callback.duration);
    putInteger(typed, QLatin1String("SipResponseCode"), callback.sipResponseCode);
    putOptional(typed, QLatin1String("RecordingUrl"), callback.recordingUrl);
    putOptional(typed, QLatin1String("RecordingSid"), callback.recordingSid);
    putInteger(typed, QLatin1String("RecordingDuration"), callback.recordingDuration);
    putOptional(typed, QLatin1String("StirStatus"), callback.stirStatus);
    return finish(std::move(typed), callback.extra);
}

FormParams toFormParams(const RecordActionRequest& request)
{
    FormParams typed;
    putCallParams(typed, request.call);
    put(typed, QLatin1String("RecordingUrl"), request.recordingUrl);
    putInteger(typed, QLatin1String("RecordingDuration"), request.recordingDuration);
    putOptional(typed, QLatin1String("Digits"), request.digits);
    putOptional(typed, QLatin1String("RecordingSid"), request.recordingSid);
    return finish(std::move(typed), request.extra);
}

FormParams toFormParams(const GatherActionRequest& request)
{
    FormParams typed;
    putCallParams(typed, request.call);
    putOptional(typed, QLatin1String("Digits"), request.digits);
    putOptional(typed, QLatin1String("SpeechResult"), request.speechResult);
    putDouble(typed, QLatin1String("Confidence"), request.confidence);
    return finish(std::move(typed), request.extra);
}

FormParams toFormParams(const RecordingStatusCallback& callback)
{
    FormParams typed;
    put(typed, QLatin1String("AccountSid"), callback.accountSid);
    put(typed, QLatin1String("CallSid"), callback.callSid);
    put(typed, QLatin1String("RecordingSid"), callback.recordingSid);
    put(typed, QLatin1String("RecordingStatus"), toWireString(callback.status));
    putOptional(typed, QLatin1String("RecordingUrl"), callback.recordingUrl);
    putInteger(typed, QLatin1String("RecordingDuration"), callback.recordingDuration);
    putInteger(typed, QLatin1String("RecordingChannels"), callback.recordingChannels);
    putOptional(typed, QLatin1String("RecordingSource"), callback.recordingSource);
    putOptional(typed, QLatin1String("RecordingStartTime"), callback.recordingStartTime);
    putOptional(typed, QLatin1String("RecordingTrack"), callback.recordingTrack);
    putInteger(typed, QLatin1String("ErrorCode"), callback.errorCode);
    return finish(std::move(typed), callback.extra);
}

FormParams toFormParams(const StreamStatusCallback& callback)
{
    FormParams typed;
    put(typed, QLatin1String("AccountSid"), callback.accountSid);
    put(typed, QLatin1String("CallSid"), callback.callSid);
    put(typed, QLatin1String("StreamSid"), callback.streamSid);
    put(typed, QLatin1String("StreamEvent"), toWireString(callback.event));
    putOptional(typed, QLatin1String("StreamName"), callback.streamName);
    putOptional(typed, QLatin1String("StreamError"), callback.streamError);
    if (callback.timestamp)
        put(typed, QLatin1String("Timestamp"), formatIso8601(*callback.timestamp, 6));
    return finish(std::move(typed), callback.extra);
}

FormParams toFormParams(const TranscriptionCallback& callback)
{
    FormParams typed;
    put(typed, QLatin1String("AccountSid"), callback.accountSid);
    put(typed, QLatin1String("CallSid"), callback.callSid);
    put(typed, QLatin1String("TranscriptionSid"), callback.transcriptionSid);
    put(typed, QLatin1String("TranscriptionEvent"), toWireString(callback.event));
    if (callback.timestamp)
        put(typed, QLatin1String("Timestamp"), formatIso8601(*callback.timestamp, 3));
    putInteger(typed, QLatin1String("SequenceId"), callback.sequenceId);
    putOptional(typed, QLatin1String("ProviderConfiguration"), callback.providerConfiguration);
    putOptional(typed, QLatin1String("TranscriptionEngine"), callback.transcriptionEngine);
    putOptional(typed, QLatin1String("Name"), callback.name);
    if (callback.track)
        put(typed, QLatin1String("Track"), toWireString(*callback.track));
    putOptional(typed, QLatin1String("InboundTrackLabel"), callback.inboundTrackLabel);
    putOptional(typed, QLatin1String("OutboundTrackLabel"), callback.outboundTrackLabel);
    putBool(typed, QLatin1String("PartialResults"), callback.partialResults);
    putOptional(typed, QLatin1String("LanguageCode"), callback.languageCode);
    if (callback.data)
        put(typed, QLatin1String("TranscriptionData"), toJsonString(*callback.data));
    putBool(typed, QLatin1String("Final"), callback.isFinal);
    putDouble(typed, QLatin1String("Stability"), callback.stability);
    putOptional(typed, QLatin1String("TranscriptionProviderData"), callback.transcriptionProviderData);
    putInteger(typed, QLatin1String("TranscriptionErrorCode"), callback.errorCode);
    putOptional(typed, QLatin1String("TranscriptionError"), callback.errorMessage);
    return finish(std::move(typed), callback.extra);
}

} // namespace sb::twilio
