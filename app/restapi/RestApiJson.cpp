// SPDX-License-Identifier: GPL-3.0-or-later
#include "restapi/RestApiJson.h"

#include <QJsonDocument>
#include <QRegularExpression>
#include <QTimeZone>

namespace sb::restapi {

namespace {

QJsonValue stringOrNull(const QString& s)
{
    return s.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(s);
}

QJsonValue dateOrNull(const QDateTime& when)
{
    return when.isValid() ? QJsonValue(formatRfc2822(when)) : QJsonValue(QJsonValue::Null);
}

/// `+14155550123` → `(415) 555-0123` for North American numbers; anything else unchanged.
QString formatted(const QString& number)
{
    static const QRegularExpression nanp(QStringLiteral("^\\+1(\\d{3})(\\d{3})(\\d{4})$"));
    const QRegularExpressionMatch m = nanp.match(number);
    if (!m.hasMatch())
        return number;
    return QStringLiteral("(%1) %2-%3").arg(m.captured(1), m.captured(2), m.captured(3));
}

} // namespace

QDateTime parseTwilioDate(const QString& text)
{
    const QString t = text.trimmed();
    static const QRegularExpression dateOnly(QStringLiteral("^\\d{4}-\\d{2}-\\d{2}$"));
    if (dateOnly.match(t).hasMatch()) {
        const QDate d = QDate::fromString(t, Qt::ISODate);
        return d.isValid() ? QDateTime(d, QTime(0, 0), QTimeZone::utc()) : QDateTime();
    }
    if (const Result<QDateTime> iso = twilio::parseIso8601(t); iso.ok())
        return iso.value();
    if (const Result<QDateTime> rfc = twilio::parseRfc2822(t); rfc.ok())
        return rfc.value();
    return QDateTime();
}

QString accountPath(const QString& accountSid)
{
    return QStringLiteral("/2010-04-01/Accounts/") + accountSid;
}

QJsonObject recordingJson(const RecordingRecord& r, const QString& accountSid, const QString& mediaBase)
{
    const QString base = accountPath(accountSid) + QStringLiteral("/Recordings/") + r.sid;
    QJsonObject o;
    o.insert(QStringLiteral("account_sid"), accountSid);
    o.insert(QStringLiteral("api_version"), kApiVersion);
    o.insert(QStringLiteral("call_sid"), stringOrNull(r.callSid));
    o.insert(QStringLiteral("conference_sid"), stringOrNull(r.conferenceSid));
    o.insert(QStringLiteral("date_created"), dateOrNull(r.dateCreated));
    o.insert(QStringLiteral("date_updated"), dateOrNull(r.dateUpdated));
    o.insert(QStringLiteral("start_time"), dateOrNull(r.startTime));
    o.insert(QStringLiteral("duration"),
             r.durationSeconds >= 0 ? QJsonValue(QString::number(r.durationSeconds)) : QJsonValue(QJsonValue::Null));
    o.insert(QStringLiteral("sid"), r.sid);
    o.insert(QStringLiteral("price"), stringOrNull(r.price));
    o.insert(QStringLiteral("price_unit"), r.priceUnit);
    o.insert(QStringLiteral("status"), r.status);
    o.insert(QStringLiteral("channels"), r.channels);
    o.insert(QStringLiteral("source"), r.source);
    o.insert(QStringLiteral("error_code"), r.errorCode ? QJsonValue(*r.errorCode) : QJsonValue(QJsonValue::Null));
    o.insert(QStringLiteral("uri"), QString(base + QStringLiteral(".json")));
    o.insert(QStringLiteral("encryption_details"), QJsonValue(QJsonValue::Null));
    o.insert(QStringLiteral("subresource_uris"),
             QJsonObject{{QStringLiteral("add_on_results"), QString(base + QStringLiteral("/AddOnResults.json"))},
                         {QStringLiteral("transcriptions"), QString(base + QStringLiteral("/Transcriptions.json"))}});
    o.insert(QStringLiteral("media_url"), QString(mediaBase + base));
    return o;
}

QJsonObject callJson(const CallRecord& c, const QString& accountSid)
{
    const QString base = accountPath(accountSid) + QStringLiteral("/Calls/") + c.sid;
    QJsonObject o;
    o.insert(QStringLiteral("sid"), c.sid);
    o.insert(QStringLiteral("date_created"), dateOrNull(c.dateCreated));
    o.insert(QStringLiteral("date_updated"), dateOrNull(c.dateUpdated));
    o.insert(QStringLiteral("parent_call_sid"), stringOrNull(c.parentCallSid));
    o.insert(QStringLiteral("account_sid"), accountSid);
    o.insert(QStringLiteral("to"), c.to);
    o.insert(QStringLiteral("to_formatted"), formatted(c.to));
    o.insert(QStringLiteral("from"), c.from);
    o.insert(QStringLiteral("from_formatted"), formatted(c.from));
    o.insert(QStringLiteral("phone_number_sid"), stringOrNull(c.phoneNumberSid));
    o.insert(QStringLiteral("status"), c.status);
    o.insert(QStringLiteral("start_time"), dateOrNull(c.startTime));
    o.insert(QStringLiteral("end_time"), dateOrNull(c.endTime));
    o.insert(QStringLiteral("duration"),
             c.durationSeconds >= 0 ? QJsonValue(QString::number(c.durationSeconds)) : QJsonValue(QJsonValue::Null));
    o.insert(QStringLiteral("price"), stringOrNull(c.price));
    o.insert(QStringLiteral("price_unit"), c.priceUnit);
    o.insert(QStringLiteral("direction"), c.direction);
    o.insert(QStringLiteral("answered_by"), stringOrNull(c.answeredBy));
    o.insert(QStringLiteral("api_version"), kApiVersion);
    o.insert(QStringLiteral("forwarded_from"), stringOrNull(c.forwardedFrom));
    o.insert(QStringLiteral("group_sid"), QJsonValue(QJsonValue::Null));
    o.insert(QStringLiteral("caller_name"), stringOrNull(c.callerName));
    o.insert(QStringLiteral("queue_time"), QStringLiteral("0"));
    o.insert(QStringLiteral("trunk_sid"), QJsonValue(QJsonValue::Null));
    o.insert(QStringLiteral("uri"), QString(base + QStringLiteral(".json")));
    QJsonObject subs;
    for (const char* name : {"notifications",
                             "recordings",
                             "payments",
                             "events",
                             "siprec",
                             "streams",
                             "transcriptions",
                             "user_defined_message_subscriptions",
                             "user_defined_messages"}) {
        QString segment;
        const QString key = QLatin1String(name);
        // snake_case → PascalCase path segment, as Twilio's URIs spell them.
        bool upper = true;
        for (QChar ch : key) {
            if (ch == QLatin1Char('_')) {
                upper = true;
                continue;
            }
            segment += upper ? ch.toUpper() : ch;
            upper = false;
        }
        if (key == QLatin1String("siprec"))
            segment = QStringLiteral("Siprec");
        subs.insert(key, QString(base + QLatin1Char('/') + segment + QStringLiteral(".json")));
    }
    o.insert(QStringLiteral("subresource_uris"), subs);
    return o;
}

QJsonObject phoneNumberJson(const PhoneNumberRecord& n, const QString& accountSid)
{
    QJsonObject o;
    o.insert(QStringLiteral("account_sid"), accountSid);
    o.insert(QStringLiteral("address_sid"), QJsonValue(QJsonValue::Null));
    o.insert(QStringLiteral("address_requirements"), QStringLiteral("none"));
    o.insert(QStringLiteral("api_version"), n.apiVersion);
    o.insert(QStringLiteral("beta"), false);
    o.insert(QStringLiteral("capabilities"),
             QJsonObject{{QStringLiteral("voice"), true},
                         {QStringLiteral("sms"), false},
                         {QStringLiteral("mms"), false},
                         {QStringLiteral("fax"), false}});
    o.insert(QStringLiteral("date_created"), dateOrNull(n.dateCreated));
    o.insert(QStringLiteral("date_updated"), dateOrNull(n.dateUpdated));
    o.insert(QStringLiteral("friendly_name"), n.friendlyName);
    o.insert(QStringLiteral("identity_sid"), QJsonValue(QJsonValue::Null));
    o.insert(QStringLiteral("phone_number"), n.phoneNumber);
    o.insert(QStringLiteral("origin"), QStringLiteral("twilio"));
    o.insert(QStringLiteral("sid"), n.sid);
    o.insert(QStringLiteral("sms_application_sid"), n.smsApplicationSid);
    o.insert(QStringLiteral("sms_fallback_method"), n.smsFallbackMethod);
    o.insert(QStringLiteral("sms_fallback_url"), n.smsFallbackUrl);
    o.insert(QStringLiteral("sms_method"), n.smsMethod);
    o.insert(QStringLiteral("sms_url"), n.smsUrl);
    o.insert(QStringLiteral("status_callback"), n.statusCallback);
    o.insert(QStringLiteral("status_callback_method"), n.statusCallbackMethod);
    o.insert(QStringLiteral("trunk_sid"), stringOrNull(n.trunkSid));
    o.insert(
        QStringLiteral("uri"),
        QString(accountPath(accountSid) + QStringLiteral("/IncomingPhoneNumbers/") + n.sid + QStringLiteral(".json")));
    o.insert(QStringLiteral("voice_receive_mode"), n.voiceReceiveMode);
    o.insert(QStringLiteral("voice_application_sid"), stringOrNull(n.voiceApplicationSid));
    o.insert(QStringLiteral("voice_caller_id_lookup"), n.voiceCallerIdLookup);
    o.insert(QStringLiteral("voice_fallback_method"), n.voiceFallbackMethod);
    o.insert(QStringLiteral("voice_fallback_url"), stringOrNull(n.voiceFallbackUrl));
    o.insert(QStringLiteral("voice_method"), n.voiceMethod);
    o.insert(QStringLiteral("voice_url"), stringOrNull(n.voiceUrl));
    o.insert(QStringLiteral("emergency_status"), QStringLiteral("Inactive"));
    o.insert(QStringLiteral("emergency_address_sid"), QJsonValue(QJsonValue::Null));
    o.insert(QStringLiteral("emergency_address_status"), QStringLiteral("unregistered"));
    o.insert(QStringLiteral("bundle_sid"), QJsonValue(QJsonValue::Null));
    o.insert(QStringLiteral("status"), QStringLiteral("in-use"));
    o.insert(QStringLiteral("type"), QStringLiteral("local"));
    return o;
}

QJsonObject accountJson(const Account& a, bool includeToken)
{
    const QString base = accountPath(a.sid);
    QJsonObject o;
    if (includeToken)
        o.insert(QStringLiteral("auth_token"), a.authToken);
    o.insert(QStringLiteral("date_created"), dateOrNull(a.dateCreated));
    o.insert(QStringLiteral("date_updated"), dateOrNull(a.dateCreated));
    o.insert(QStringLiteral("friendly_name"), a.friendlyName);
    o.insert(QStringLiteral("owner_account_sid"), a.sid);
    o.insert(QStringLiteral("sid"), a.sid);
    o.insert(QStringLiteral("status"), QStringLiteral("active"));
    o.insert(QStringLiteral("type"), QStringLiteral("Full"));
    o.insert(QStringLiteral("uri"), QString(base + QStringLiteral(".json")));
    o.insert(QStringLiteral("subresource_uris"),
             QJsonObject{{QStringLiteral("calls"), QString(base + QStringLiteral("/Calls.json"))},
                         {QStringLiteral("recordings"), QString(base + QStringLiteral("/Recordings.json"))},
                         {QStringLiteral("incoming_phone_numbers"),
                          QString(base + QStringLiteral("/IncomingPhoneNumbers.json"))}});
    return o;
}

QByteArray errorBody(int httpStatus, int code, const QString& message, const QString& detail)
{
    QJsonObject o;
    o.insert(QStringLiteral("code"), code);
    if (!detail.isEmpty())
        o.insert(QStringLiteral("detail"), detail);
    o.insert(QStringLiteral("message"), message);
    o.insert(QStringLiteral("more_info"), QStringLiteral("https://www.twilio.com/docs/errors/%1").arg(code));
    o.insert(QStringLiteral("status"), httpStatus);
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

} // namespace sb::restapi
