// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/Result.h"

#include <QDateTime>
#include <QLatin1String>
#include <QString>
#include <QStringView>

/// Twilio's date formats (app/twilio/PROTOCOL.md §0): RFC 2822 as in the REST API's JSON and webhook
/// `Timestamp`s, ISO 8601 as in stream and transcription callbacks. The one implementation in the
/// code base; WebhookParams.h includes this header.
namespace sb::twilio {

/// `Error::code` from parseRfc2822() and parseIso8601().
inline constexpr QLatin1String kErrorInvalidDate{"webhook.invalid-date"};

// Dates (§0). Both formats are locale-independent (English names, ASCII digits).

/// `Tue, 31 Aug 2010 20:36:28 +0000`: converted to UTC, day zero-padded, milliseconds dropped.
/// Returns an empty string for an invalid QDateTime or a year outside 1..9999.
QString formatRfc2822(const QDateTime& dateTime);

/// Parses an RFC 2822 date-time and returns it in UTC. Accepts an optional (English, any case)
/// day name with comma, a 1- or 2-digit day, English month abbreviation (any case), 4-digit year,
/// `HH:MM[:SS]`, and a zone of `+hhmm`/`-hhmm`, `GMT`, `UT`, `UTC`, `Z` or a US zone (`EST`…`PDT`).
/// A day name that disagrees with the date is tolerated. Errors carry kErrorInvalidDate.
Result<QDateTime> parseRfc2822(QStringView text);

/// `2024-06-25T18:45:12.135000Z`: UTC, with `fractionDigits` digits after the seconds (clamped to
/// 0..9; 0 omits the dot). QDateTime holds milliseconds, so digits after the third are zeros.
/// Returns an empty string for an invalid QDateTime or a year outside 0..9999.
QString formatIso8601(const QDateTime& dateTime, int fractionDigits = 6);

/// Parses `YYYY-MM-DDTHH:MM:SS[.fraction][Z|±HH:MM|±HHMM|±HH]` and returns it in UTC. Any number of
/// fraction digits is accepted (truncated to milliseconds); `t`/space are accepted for `T`, `z` for
/// `Z`; a missing zone is read as UTC. Errors carry kErrorInvalidDate.
Result<QDateTime> parseIso8601(QStringView text);

} // namespace sb::twilio
