// SPDX-License-Identifier: GPL-3.0-or-later
#include "restapi/RestApiServer.h"

#include "restapi/RestApiJson.h"
#include "restapi/RestApiMedia.h"
#include "server/HttpHead.h"
#include "twilio/Form.h"

#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTcpSocket>
#include <functional>

namespace sb::restapi {

namespace {

using twilio::FormParams;

RestApiResponse json(int status, const QJsonObject& object)
{
    RestApiResponse r;
    r.status = status;
    r.body = QJsonDocument(object).toJson(QJsonDocument::Compact);
    return r;
}

RestApiResponse error(int status, int code, const QString& message, const QString& detail = QString())
{
    RestApiResponse r;
    r.status = status;
    r.body = errorBody(status, code, message, detail);
    return r;
}

RestApiResponse notFound(const QString& path)
{
    return error(404, 20404, QStringLiteral("The requested resource %1 was not found").arg(path));
}

RestApiResponse methodNotAllowed(const QByteArray& method)
{
    return error(405, 20004, QStringLiteral("Method not allowed: %1").arg(QString::fromLatin1(method)));
}

/// Twilio's error for a parameter it cannot use. The code for this family is not settled by the
/// protocol notes (app/twilio/PROTOCOL.md §6.4); 20001 ("Invalid parameter") is the generic one the helper libraries
/// surface.
RestApiResponse badParameter(const QString& message)
{
    return error(400, 20001, message);
}

RestApiResponse unauthorized(const QString& message)
{
    RestApiResponse r = error(401, 20003, message, QStringLiteral("Your AccountSid or AuthToken was incorrect."));
    r.extraHeaders.append({QByteArrayLiteral("WWW-Authenticate"), QByteArrayLiteral("Basic realm=\"Twilio API\"")});
    return r;
}

// ---- Paging -------------------------------------------------------------------------------------

struct Paging
{
    int pageSize = 50;
    int page = 0;
    QString token;
};

Result<Paging> parsePaging(const FormParams& query)
{
    Paging p;
    const QString size = twilio::formValue(query, u"PageSize");
    if (!size.isNull()) {
        bool ok = false;
        p.pageSize = size.toInt(&ok);
        if (!ok || p.pageSize < 1)
            return makeError(QStringLiteral("restapi.bad_parameter"),
                             QStringLiteral("PageSize must be a positive integer, not '%1'").arg(size));
        p.pageSize = std::min(p.pageSize, 1000);
    }
    const QString page = twilio::formValue(query, u"Page");
    if (!page.isNull()) {
        bool ok = false;
        p.page = page.toInt(&ok);
        if (!ok || p.page < 0)
            return makeError(QStringLiteral("restapi.bad_parameter"),
                             QStringLiteral("Page must be a non-negative integer, not '%1'").arg(page));
    }
    p.token = twilio::formValue(query, u"PageToken");
    return p;
}

QString pageUri(const QString& listPath, const FormParams& filters, int pageSize, int page, const QString& token)
{
    FormParams params = filters;
    params.append({QStringLiteral("PageSize"), QString::number(pageSize)});
    params.append({QStringLiteral("Page"), QString::number(page)});
    if (!token.isEmpty())
        params.append({QStringLiteral("PageToken"), token});
    return listPath + QLatin1Char('?') + QString::fromLatin1(twilio::encodeFormBody(params));
}

/// The list envelope of §6.3 with exactly its key set plus `arrayKey`. `items` are in list order
/// and `sids` holds their SIDs (PageToken `PA<sid>` = after that SID, `PB<sid>` = before it).
QJsonObject pageEnvelope(const QString& listPath,
                         const FormParams& filters,
                         const QString& arrayKey,
                         const QList<QJsonObject>& items,
                         const QStringList& sids,
                         const Paging& paging)
{
    const qsizetype n = items.size();
    qsizetype begin = qsizetype(paging.page) * paging.pageSize;
    qsizetype end = -1;
    if (paging.token.size() > 2) {
        const qsizetype at = sids.indexOf(paging.token.mid(2));
        if (at >= 0 && paging.token.startsWith(QLatin1String("PA"))) {
            begin = at + 1;
        } else if (at >= 0 && paging.token.startsWith(QLatin1String("PB"))) {
            end = at;
            begin = std::max<qsizetype>(0, at - paging.pageSize);
        }
    }
    begin = std::min(begin, n);
    if (end < 0)
        end = std::min(n, begin + paging.pageSize);

    QJsonArray array;
    for (qsizetype i = begin; i < end; ++i)
        array.append(items.at(i));

    const qsizetype start = qsizetype(paging.page) * paging.pageSize;
    QJsonObject o;
    o.insert(QStringLiteral("end"), double(end > begin ? start + (end - begin) - 1 : start));
    o.insert(QStringLiteral("first_page_uri"), pageUri(listPath, filters, paging.pageSize, 0, QString()));
    o.insert(QStringLiteral("next_page_uri"),
             end < n && end > begin
                 ? QJsonValue(pageUri(
                       listPath, filters, paging.pageSize, paging.page + 1, QStringLiteral("PA") + sids.at(end - 1)))
                 : QJsonValue(QJsonValue::Null));
    o.insert(QStringLiteral("page"), paging.page);
    o.insert(QStringLiteral("page_size"), paging.pageSize);
    o.insert(QStringLiteral("previous_page_uri"),
             paging.page > 0 && begin > 0 && begin < n
                 ? QJsonValue(pageUri(
                       listPath, filters, paging.pageSize, paging.page - 1, QStringLiteral("PB") + sids.at(begin)))
                 : QJsonValue(QJsonValue::Null));
    o.insert(QStringLiteral("start"), double(start));
    o.insert(QStringLiteral("uri"), pageUri(listPath, filters, paging.pageSize, paging.page, paging.token));
    o.insert(arrayKey, array);
    return o;
}

// ---- Filters ------------------------------------------------------------------------------------

/// A date filter `Name`, `Name<`, `Name>` (§6.3/§7.1): a bare date compares whole UTC days, a
/// date-time compares to the second; `<` means on or before, `>` on or after.
struct DateFilter
{
    QDateTime when;
    bool dateOnly = false;
    int relation = 0; ///< 0 equal, -1 on or before, +1 on or after

    bool matches(const QDateTime& value) const
    {
        if (!value.isValid())
            return false;
        if (dateOnly) {
            const QDate a = value.toUTC().date();
            const QDate b = when.date();
            return relation == 0 ? a == b : relation < 0 ? a <= b : a >= b;
        }
        const qint64 a = value.toSecsSinceEpoch();
        const qint64 b = when.toSecsSinceEpoch();
        return relation == 0 ? a == b : relation < 0 ? a <= b : a >= b;
    }
};

/// Collects the date filters on `name` from the query, appending them to `echo` (for page URIs).
Result<QList<DateFilter>> dateFilters(const FormParams& query, const QString& name, FormParams& echo)
{
    QList<DateFilter> out;
    static const QRegularExpression dateOnly(QStringLiteral("^\\d{4}-\\d{2}-\\d{2}$"));
    for (const auto& [key, value] : query) {
        int relation = 0;
        if (key == name)
            relation = 0;
        else if (key == name + QLatin1Char('<'))
            relation = -1;
        else if (key == name + QLatin1Char('>'))
            relation = 1;
        else
            continue;
        DateFilter f;
        f.relation = relation;
        f.when = parseTwilioDate(value);
        f.dateOnly = dateOnly.match(value.trimmed()).hasMatch();
        if (!f.when.isValid())
            return makeError(QStringLiteral("restapi.bad_parameter"),
                             QStringLiteral("%1 is not a date: '%2'").arg(key, value));
        out.append(f);
        echo.append({key, value});
    }
    return out;
}

bool allMatch(const QList<DateFilter>& filters, const QDateTime& value)
{
    for (const DateFilter& f : filters) {
        if (!f.matches(value))
            return false;
    }
    return true;
}

/// `PhoneNumber` filter: a partial match, `*` matching any run of characters.
bool phoneMatches(const QString& pattern, const QString& number)
{
    if (!pattern.contains(QLatin1Char('*')))
        return number.contains(pattern);
    QStringList parts = pattern.split(QLatin1Char('*'));
    for (QString& part : parts)
        part = QRegularExpression::escape(part);
    return QRegularExpression(parts.join(QStringLiteral(".*"))).match(number).hasMatch();
}

bool isHttpMethod(const QString& m)
{
    return m.compare(QLatin1String("GET"), Qt::CaseInsensitive) == 0 ||
           m.compare(QLatin1String("POST"), Qt::CaseInsensitive) == 0;
}

} // namespace

RestApiServer::RestApiServer(RestApiStore& store, RestApiServerConfig config, QObject* parent)
    : QAbstractHttpServer(parent)
    , m_store(store)
    , m_config(std::move(config))
{
}

RestApiServer::~RestApiServer() = default;

Result<quint16> RestApiServer::start()
{
    m_tcp = new QTcpServer(this);
    if (!m_tcp->listen(m_config.bindAddress, m_config.port)) {
        const QString reason = m_tcp->errorString();
        delete m_tcp;
        m_tcp = nullptr;
        return makeError(QStringLiteral("restapi.listen_failed"),
                         QStringLiteral("cannot listen on %1:%2: %3")
                             .arg(m_config.bindAddress.toString())
                             .arg(m_config.port)
                             .arg(reason));
    }
    bind(m_tcp);
    return m_tcp->serverPort();
}

quint16 RestApiServer::port() const
{
    return m_tcp ? m_tcp->serverPort() : 0;
}

QString RestApiServer::baseUrl() const
{
    QHostAddress host = m_config.bindAddress;
    if (host == QHostAddress::Any || host == QHostAddress::AnyIPv4)
        host = QHostAddress::LocalHost;
    if (host == QHostAddress::AnyIPv6)
        host = QHostAddress::LocalHostIPv6;
    QString name = host.toString();
    if (host.protocol() == QAbstractSocket::IPv6Protocol)
        name = QLatin1Char('[') + name + QLatin1Char(']');
    return QStringLiteral("http://%1:%2").arg(name).arg(port());
}

QString RestApiServer::mediaBase() const
{
    QString base = m_config.publicBaseUrl.isEmpty() ? baseUrl() : m_config.publicBaseUrl;
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    return base;
}

RestApiResponse RestApiServer::dispatch(const RestApiRequest& request)
{
    const QString& path = request.path;
    const QByteArray& method = request.method;
    const QString prefix = QStringLiteral("/2010-04-01/Accounts/");
    if (!path.startsWith(prefix))
        return notFound(path);
    QStringList segments = path.mid(prefix.size()).split(QLatin1Char('/'));
    if (segments.isEmpty() || segments.contains(QString()))
        return notFound(path);

    // Auth first: Twilio answers 401 before it says whether a resource exists.
    const bool mediaPath = segments.size() == 3 && segments.at(1) == QLatin1String("Recordings") &&
                           !segments.at(2).endsWith(QLatin1String(".json"));
    QString user;
    QString accountSid;
    if (!request.authorization.isEmpty()) {
        const QByteArray value = request.authorization.trimmed();
        if (!value.startsWith("Basic ") && !value.startsWith("basic "))
            return unauthorized(QStringLiteral("Authenticate"));
        const QByteArray decoded = QByteArray::fromBase64(value.mid(6).trimmed());
        const qsizetype colon = decoded.indexOf(':');
        if (colon < 0)
            return unauthorized(QStringLiteral("Authenticate"));
        user = QString::fromUtf8(decoded.left(colon));
        accountSid = m_store.authenticate(user, QString::fromUtf8(decoded.mid(colon + 1)));
        if (accountSid.isEmpty())
            return unauthorized(QStringLiteral("Authenticate"));
    } else if (mediaPath && !m_config.mediaRequiresAuth) {
        accountSid = m_store.account().sid;
    } else {
        return unauthorized(QStringLiteral("Authentication Error - No credentials provided"));
    }

    const QString pathAccount = segments.size() == 1 && segments.at(0).endsWith(QLatin1String(".json"))
                                    ? segments.at(0).chopped(5)
                                    : segments.at(0);
    if (pathAccount != accountSid)
        return unauthorized(QStringLiteral("Authenticate"));

    const FormParams query = twilio::parseFormBody(request.query);
    if (request.body.size() > m_config.maxBodyBytes)
        return error(413, 20001, QStringLiteral("Request body too large"));
    const FormParams form = method == "POST" ? twilio::parseFormBody(request.body) : FormParams();
    const QString base = accountPath(accountSid);
    const bool get = method == "GET";
    const bool post = method == "POST";
    const bool del = method == "DELETE";

    // /Accounts/{AC}.json
    if (segments.size() == 1) {
        if (!segments.at(0).endsWith(QLatin1String(".json")))
            return notFound(path);
        if (!get)
            return methodNotAllowed(method);
        return json(200, accountJson(m_store.account(), m_store.isAccountLogin(user)));
    }
    segments.removeFirst();
    const QString& collection = segments.at(0);

    // ---- Recordings ------------------------------------------------------------------------------
    auto listRecordings = [&](const QString& listPath, const QString& fixedCallSid) -> RestApiResponse {
        if (!get)
            return methodNotAllowed(method);
        Result<Paging> paging = parsePaging(query);
        if (!paging)
            return badParameter(paging.error().message);
        FormParams echo;
        QString callSid = fixedCallSid;
        if (callSid.isEmpty()) {
            callSid = twilio::formValue(query, u"CallSid");
            if (!callSid.isNull())
                echo.append({QStringLiteral("CallSid"), callSid});
        }
        const QString conferenceSid = twilio::formValue(query, u"ConferenceSid");
        if (!conferenceSid.isNull())
            echo.append({QStringLiteral("ConferenceSid"), conferenceSid});
        Result<QList<DateFilter>> dates = dateFilters(query, QStringLiteral("DateCreated"), echo);
        if (!dates)
            return badParameter(dates.error().message);
        QList<QJsonObject> items;
        QStringList sids;
        const QString media = mediaBase();
        for (const RecordingRecord& r : m_store.recordings()) {
            if (!callSid.isEmpty() && r.callSid != callSid)
                continue;
            if (!conferenceSid.isNull() && r.conferenceSid != conferenceSid)
                continue;
            if (!allMatch(*dates, r.dateCreated))
                continue;
            items.append(recordingJson(r, accountSid, media));
            sids.append(r.sid);
        }
        return json(200, pageEnvelope(listPath, echo, QStringLiteral("recordings"), items, sids, *paging));
    };

    if (collection == QLatin1String("Recordings.json") && segments.size() == 1)
        return listRecordings(base + QStringLiteral("/Recordings.json"), QString());

    if (collection == QLatin1String("Recordings") && segments.size() == 2) {
        QString name = segments.at(1);
        enum class Kind { Json, Wav, Mp3 } kind = Kind::Wav;
        if (name.endsWith(QLatin1String(".json"))) {
            kind = Kind::Json;
            name.chop(5);
        } else if (name.endsWith(QLatin1String(".wav"))) {
            name.chop(4);
        } else if (name.endsWith(QLatin1String(".mp3"))) {
            kind = Kind::Mp3;
            name.chop(4);
        }
        const std::optional<RecordingRecord> rec = m_store.recording(name);
        if (kind == Kind::Json) {
            if (del) {
                if (!m_store.deleteRecording(name))
                    return notFound(path);
                RestApiResponse r;
                r.status = 204;
                r.contentType.clear();
                return r;
            }
            if (!get)
                return methodNotAllowed(method);
            if (!rec)
                return notFound(path);
            return json(200, recordingJson(*rec, accountSid, mediaBase()));
        }
        if (!get)
            return methodNotAllowed(method);
        if (!rec || rec->status != QLatin1String("completed"))
            return notFound(path);
        int channels = rec->channels;
        const QString requested = twilio::formValue(query, u"RequestedChannels");
        if (!requested.isNull()) {
            if (requested == QLatin1String("1"))
                channels = 1;
            else if (requested == QLatin1String("2") && rec->channels == 2)
                channels = 2;
            else if (requested == QLatin1String("2"))
                return badParameter(QStringLiteral("RequestedChannels=2 is not available for this recording: it has "
                                                   "only one channel. Retry with RequestedChannels=1."));
            else
                return badParameter(QStringLiteral("RequestedChannels must be 1 or 2, not '%1'").arg(requested));
        }
        const QByteArray wav = recordingWav(*rec, channels);
        RestApiResponse r;
        if (kind == Kind::Wav) {
            r.contentType = QByteArrayLiteral("audio/x-wav");
            r.body = wav;
            return r;
        }
        Result<QByteArray> mp3 = encodeMp3(wav, m_config.soxProgram);
        if (!mp3)
            return error(500, 20500, mp3.error().message);
        r.contentType = QByteArrayLiteral("audio/mpeg");
        r.body = *mp3;
        return r;
    }

    // ---- Calls ----------------------------------------------------------------------------------
    if (collection == QLatin1String("Calls.json") && segments.size() == 1) {
        if (!get)
            return methodNotAllowed(method); // creating calls belongs to the simulator's driver
        Result<Paging> paging = parsePaging(query);
        if (!paging)
            return badParameter(paging.error().message);
        FormParams echo;
        QList<std::function<bool(const CallRecord&)>> tests;
        for (const char* name : {"To", "From", "ParentCallSid", "Status"}) {
            const QString key = QLatin1String(name);
            const QString value = twilio::formValue(query, key);
            if (value.isNull())
                continue;
            echo.append({key, value});
            tests.append([key, value](const CallRecord& c) {
                if (key == QLatin1String("To"))
                    return c.to == value;
                if (key == QLatin1String("From"))
                    return c.from == value;
                if (key == QLatin1String("ParentCallSid"))
                    return c.parentCallSid == value;
                return c.status == value;
            });
        }
        Result<QList<DateFilter>> starts = dateFilters(query, QStringLiteral("StartTime"), echo);
        if (!starts)
            return badParameter(starts.error().message);
        Result<QList<DateFilter>> ends = dateFilters(query, QStringLiteral("EndTime"), echo);
        if (!ends)
            return badParameter(ends.error().message);
        QList<QJsonObject> items;
        QStringList sids;
        for (const CallRecord& c : m_store.calls()) {
            bool keep = allMatch(*starts, c.startTime) && allMatch(*ends, c.endTime);
            for (const auto& t : tests)
                keep = keep && t(c);
            if (!keep)
                continue;
            items.append(callJson(c, accountSid));
            sids.append(c.sid);
        }
        return json(
            200,
            pageEnvelope(base + QStringLiteral("/Calls.json"), echo, QStringLiteral("calls"), items, sids, *paging));
    }

    if (collection == QLatin1String("Calls") && segments.size() == 3 &&
        segments.at(2) == QLatin1String("Recordings.json")) {
        const QString callSid = segments.at(1);
        if (!m_store.call(callSid))
            return notFound(path);
        return listRecordings(base + QStringLiteral("/Calls/") + callSid + QStringLiteral("/Recordings.json"), callSid);
    }

    if (collection == QLatin1String("Calls") && segments.size() == 2 &&
        segments.at(1).endsWith(QLatin1String(".json"))) {
        const QString sid = segments.at(1).chopped(5);
        if (get) {
            const std::optional<CallRecord> c = m_store.call(sid);
            return c ? json(200, callJson(*c, accountSid)) : notFound(path);
        }
        if (del) {
            if (!m_store.deleteCall(sid))
                return notFound(path);
            RestApiResponse r;
            r.status = 204;
            r.contentType.clear();
            return r;
        }
        if (!post)
            return methodNotAllowed(method);
        if (!m_store.call(sid))
            return notFound(path);
        CallUpdate update;
        update.status = twilio::formValue(form, u"Status");
        update.url = twilio::formValue(form, u"Url");
        update.method = twilio::formValue(form, u"Method");
        update.twiml = twilio::formValue(form, u"Twiml");
        update.fallbackUrl = twilio::formValue(form, u"FallbackUrl");
        update.statusCallback = twilio::formValue(form, u"StatusCallback");
        if (!update.method.isNull() && !isHttpMethod(update.method))
            return badParameter(QStringLiteral("Method must be GET or POST"));
        Result<CallRecord> updated = m_store.applyCallUpdate(sid, update);
        if (!updated) {
            const QString& code = updated.error().code;
            if (code == QLatin1String("restapi.not_found"))
                return notFound(path);
            if (code == QLatin1String("restapi.call_not_in_progress"))
                return error(400, 21220, updated.error().message);
            if (code == QLatin1String("restapi.twiml_too_long"))
                return error(400, 32018, updated.error().message);
            return badParameter(updated.error().message);
        }
        if (!update.status.isNull() || !update.url.isNull() || !update.twiml.isNull())
            emit callUpdateRequested(sid, update);
        return json(200, callJson(*updated, accountSid));
    }

    // ---- IncomingPhoneNumbers -------------------------------------------------------------------
    if (collection == QLatin1String("IncomingPhoneNumbers.json") && segments.size() == 1) {
        if (!get)
            return methodNotAllowed(method); // buying numbers is out of scope
        Result<Paging> paging = parsePaging(query);
        if (!paging)
            return badParameter(paging.error().message);
        FormParams echo;
        const QString number = twilio::formValue(query, u"PhoneNumber");
        if (!number.isNull())
            echo.append({QStringLiteral("PhoneNumber"), number});
        const QString friendly = twilio::formValue(query, u"FriendlyName");
        if (!friendly.isNull())
            echo.append({QStringLiteral("FriendlyName"), friendly});
        QList<QJsonObject> items;
        QStringList sids;
        for (const PhoneNumberRecord& n : m_store.phoneNumbers()) {
            if (!number.isNull() && !phoneMatches(number, n.phoneNumber))
                continue;
            if (!friendly.isNull() && n.friendlyName != friendly)
                continue;
            items.append(phoneNumberJson(n, accountSid));
            sids.append(n.sid);
        }
        return json(200,
                    pageEnvelope(base + QStringLiteral("/IncomingPhoneNumbers.json"),
                                 echo,
                                 QStringLiteral("incoming_phone_numbers"),
                                 items,
                                 sids,
                                 *paging));
    }

    if (collection == QLatin1String("IncomingPhoneNumbers") && segments.size() == 2 &&
        segments.at(1).endsWith(QLatin1String(".json"))) {
        const QString sid = segments.at(1).chopped(5);
        std::optional<PhoneNumberRecord> n = m_store.phoneNumber(sid);
        if (del) {
            if (!m_store.deletePhoneNumber(sid))
                return notFound(path);
            RestApiResponse r;
            r.status = 204;
            r.contentType.clear();
            return r;
        }
        if (!get && !post)
            return methodNotAllowed(method);
        if (!n)
            return notFound(path);
        if (get)
            return json(200, phoneNumberJson(*n, accountSid));

        PhoneNumberRecord u = *n;
        struct Field
        {
            const char* name;
            QString PhoneNumberRecord::*member;
            bool isMethod;
        };
        static const Field fields[] = {
            {"VoiceUrl", &PhoneNumberRecord::voiceUrl, false},
            {"VoiceMethod", &PhoneNumberRecord::voiceMethod, true},
            {"VoiceFallbackUrl", &PhoneNumberRecord::voiceFallbackUrl, false},
            {"VoiceFallbackMethod", &PhoneNumberRecord::voiceFallbackMethod, true},
            {"StatusCallback", &PhoneNumberRecord::statusCallback, false},
            {"StatusCallbackMethod", &PhoneNumberRecord::statusCallbackMethod, true},
            {"VoiceApplicationSid", &PhoneNumberRecord::voiceApplicationSid, false},
            {"TrunkSid", &PhoneNumberRecord::trunkSid, false},
            {"FriendlyName", &PhoneNumberRecord::friendlyName, false},
            {"VoiceReceiveMode", &PhoneNumberRecord::voiceReceiveMode, false},
            {"SmsUrl", &PhoneNumberRecord::smsUrl, false},
            {"SmsMethod", &PhoneNumberRecord::smsMethod, true},
            {"SmsFallbackUrl", &PhoneNumberRecord::smsFallbackUrl, false},
            {"SmsFallbackMethod", &PhoneNumberRecord::smsFallbackMethod, true},
            {"SmsApplicationSid", &PhoneNumberRecord::smsApplicationSid, false},
            {"ApiVersion", &PhoneNumberRecord::apiVersion, false},
        };
        for (const Field& f : fields) {
            const QString value = twilio::formValue(form, QString(QLatin1String(f.name)));
            if (value.isNull())
                continue;
            if (f.isMethod && !isHttpMethod(value))
                return badParameter(QStringLiteral("%1 must be GET or POST").arg(QLatin1String(f.name)));
            u.*f.member = f.isMethod ? value.toUpper() : value;
        }
        if (u.friendlyName.size() > 64)
            return badParameter(QStringLiteral("FriendlyName must be at most 64 characters"));
        if (u.voiceReceiveMode != QLatin1String("voice") && u.voiceReceiveMode != QLatin1String("fax"))
            return badParameter(QStringLiteral("VoiceReceiveMode must be voice or fax"));
        const QString lookup = twilio::formValue(form, u"VoiceCallerIdLookup");
        if (!lookup.isNull())
            u.voiceCallerIdLookup = lookup.compare(QLatin1String("true"), Qt::CaseInsensitive) == 0;
        // Precedence (§7.2): a voice URL only counts without an application or trunk, so setting
        // one clears the others.
        if (!twilio::formValue(form, u"VoiceUrl").isNull()) {
            if (twilio::formValue(form, u"VoiceApplicationSid").isNull())
                u.voiceApplicationSid.clear();
            if (twilio::formValue(form, u"TrunkSid").isNull())
                u.trunkSid.clear();
        }
        if (!twilio::formValue(form, u"VoiceApplicationSid").isEmpty() && twilio::formValue(form, u"TrunkSid").isNull())
            u.trunkSid.clear();
        if (!twilio::formValue(form, u"TrunkSid").isEmpty() && twilio::formValue(form, u"VoiceApplicationSid").isNull())
            u.voiceApplicationSid.clear();
        u.dateUpdated = QDateTime::currentDateTimeUtc();
        if (!m_store.updatePhoneNumber(u))
            return notFound(path);
        return json(200, phoneNumberJson(u, accountSid));
    }

    return notFound(path);
}

bool RestApiServer::handleRequest(const QHttpServerRequest& request, QTcpSocket* socket)
{
    RestApiRequest r;
    r.method = server::methodName(request.method());
    r.path = request.url().path(QUrl::FullyDecoded);
    r.query = request.url().query(QUrl::FullyEncoded).toUtf8();
    r.authorization = request.value("Authorization");
    r.body = request.body();
    const RestApiResponse response = dispatch(r);
    write(request, socket, response);
    emit requestServed(QStringLiteral("%1 %2 -> %3").arg(QString::fromLatin1(r.method), r.path).arg(response.status));
    return true;
}

void RestApiServer::missingHandler(const QHttpServerRequest& request, QTcpSocket* socket)
{
    write(request, socket, notFound(request.url().path()));
}

void RestApiServer::write(const QHttpServerRequest& request, QTcpSocket* socket, const RestApiResponse& response)
{
    QHttpServerResponder responder = makeResponder(request, socket);
    responder.writeStatusLine(static_cast<QHttpServerResponder::StatusCode>(response.status));
    if (!response.contentType.isEmpty())
        responder.writeHeader("Content-Type", response.contentType);
    responder.writeHeader("Content-Length", QByteArray::number(response.body.size()));
    responder.writeHeader("Connection", "close");
    for (const auto& [name, value] : response.extraHeaders)
        responder.writeHeader(name, value);
    responder.writeBody(response.body);
    socket->disconnectFromHost();
}

} // namespace sb::restapi
