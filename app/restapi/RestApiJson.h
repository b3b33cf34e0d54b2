// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "restapi/RestApiStore.h"
#include "twilio/TwilioDates.h"

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QString>

/// JSON renderings of the store's records, with Twilio's exact field names and types
/// (app/twilio/PROTOCOL.md §6.3, §6.4, §7). Pure functions; reentrant, any thread.
namespace sb::restapi {

inline constexpr QLatin1String kApiVersion("2010-04-01");

/// RFC 2822 in GMT as the REST API writes it: `Fri, 14 Oct 2016 21:56:34 +0000` (twilio/TwilioDates.h).
using twilio::formatRfc2822;
/// Parses RFC 2822 (`+0000`, `GMT`, ...), ISO 8601 (`2016-10-14T21:56:34Z`) or a bare date
/// (`2016-10-14`, midnight UTC), with the parsers of twilio/TwilioDates.h. Invalid QDateTime when
/// none fits.
QDateTime parseTwilioDate(const QString& text);

/// `/2010-04-01/Accounts/{AC}`: the prefix of every resource path.
QString accountPath(const QString& accountSid);

/// `mediaBase` is the scheme and host put before `media_url` (e.g. `http://127.0.0.1:8089`).
QJsonObject recordingJson(const RecordingRecord& recording, const QString& accountSid, const QString& mediaBase);
QJsonObject callJson(const CallRecord& call, const QString& accountSid);
QJsonObject phoneNumberJson(const PhoneNumberRecord& number, const QString& accountSid);
/// `includeToken`: Twilio returns `auth_token` to a caller that authenticated with it.
QJsonObject accountJson(const Account& account, bool includeToken);

/// The error body of §6.4: `{code, message, more_info, status}` plus `detail` when non-empty.
QByteArray errorBody(int httpStatus, int code, const QString& message, const QString& detail = QString());

} // namespace sb::restapi
