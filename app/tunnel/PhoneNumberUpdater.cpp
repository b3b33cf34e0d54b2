// SPDX-License-Identifier: GPL-3.0-or-later
#include "tunnel/PhoneNumberUpdater.h"

#include "twilio/Form.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSaveFile>
#include <QUrlQuery>

namespace sb::tunnel {

namespace {
QString str(const QJsonObject& o, const char* key)
{
    // Twilio writes unset URLs as either "" or null: both read as "".
    return o.value(QLatin1String(key)).toString();
}
} // namespace

PhoneNumberVoiceSettings PhoneNumberVoiceSettings::fromResource(const QJsonObject& r)
{
    PhoneNumberVoiceSettings s;
    s.sid = str(r, "sid");
    s.phoneNumber = str(r, "phone_number");
    s.voiceUrl = str(r, "voice_url");
    s.voiceMethod = str(r, "voice_method");
    s.statusCallback = str(r, "status_callback");
    s.statusCallbackMethod = str(r, "status_callback_method");
    s.voiceApplicationSid = str(r, "voice_application_sid");
    return s;
}

QJsonObject PhoneNumberVoiceSettings::toJson() const
{
    return QJsonObject{{QStringLiteral("sid"), sid},
                       {QStringLiteral("phone_number"), phoneNumber},
                       {QStringLiteral("voice_url"), voiceUrl},
                       {QStringLiteral("voice_method"), voiceMethod},
                       {QStringLiteral("status_callback"), statusCallback},
                       {QStringLiteral("status_callback_method"), statusCallbackMethod},
                       {QStringLiteral("voice_application_sid"), voiceApplicationSid}};
}

PhoneNumberVoiceSettings PhoneNumberVoiceSettings::fromJson(const QJsonObject& json)
{
    return fromResource(json);
}

PhoneNumberUpdater::PhoneNumberUpdater(PhoneNumberUpdaterConfig config, QObject* parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_nam(new QNetworkAccessManager(this))
{
}

PhoneNumberUpdater::~PhoneNumberUpdater()
{
    if (m_reply)
        m_reply->disconnect(this);
    m_config.secret.fill('\0');
}

QUrl PhoneNumberUpdater::numberUrl(const QString& sid) const
{
    QUrl url = m_config.restBase;
    url.setPath(QStringLiteral("/2010-04-01/Accounts/%1/IncomingPhoneNumbers/%2.json")
                    .arg(QString::fromLatin1(QUrl::toPercentEncoding(m_config.accountSid)),
                         QString::fromLatin1(QUrl::toPercentEncoding(sid))),
                QUrl::StrictMode);
    return url;
}

void PhoneNumberUpdater::pointAt(const QString& publicUrl)
{
    if (busy()) {
        m_pendingUrl = publicUrl;
        return;
    }
    QString url = publicUrl.trimmed();
    while (url.endsWith(QLatin1Char('/')))
        url.chop(1);
    const QUrl parsed(url, QUrl::StrictMode);
    if (!parsed.isValid() || parsed.host().isEmpty() ||
        (parsed.scheme() != QLatin1String("https") && parsed.scheme() != QLatin1String("http"))) {
        emit failed(QStringLiteral("config"), QStringLiteral("not a public http(s) URL: \"%1\"").arg(publicUrl));
        return;
    }
    m_url = url;
    begin(Op::Point);
}

void PhoneNumberUpdater::restore()
{
    if (busy()) {
        emit failed(QStringLiteral("busy"), QStringLiteral("another phone number update is running"));
        return;
    }
    begin(Op::Restore);
}

void PhoneNumberUpdater::begin(Op op)
{
    if (m_config.accountSid.isEmpty() || m_config.secret.isEmpty() || m_config.phoneNumber.isEmpty() ||
        !m_config.restBase.isValid()) {
        emit failed(QStringLiteral("config"),
                    QStringLiteral("phone number update needs the account SID, a secret and the number"));
        return;
    }
    m_op = op;
    if (m_sid.isEmpty() && m_config.phoneNumber.startsWith(QLatin1String("PN")))
        m_sid = m_config.phoneNumber;
    if (op == Op::Restore) {
        const auto saved = savedFor(m_sid.isEmpty() ? m_config.phoneNumber : m_sid);
        if (!saved) {
            fail(QStringLiteral("nothing-saved"),
                 QStringLiteral("no saved settings for %1; nothing to restore").arg(m_config.phoneNumber));
            return;
        }
        m_sid = saved->sid;
        twilio::FormParams p;
        p.append({QStringLiteral("VoiceUrl"), saved->voiceUrl});
        if (!saved->voiceMethod.isEmpty())
            p.append({QStringLiteral("VoiceMethod"), saved->voiceMethod});
        p.append({QStringLiteral("StatusCallback"), saved->statusCallback});
        if (!saved->statusCallbackMethod.isEmpty())
            p.append({QStringLiteral("StatusCallbackMethod"), saved->statusCallbackMethod});
        if (!saved->voiceApplicationSid.isEmpty())
            p.append({QStringLiteral("VoiceApplicationSid"), saved->voiceApplicationSid});
        send("POST", numberUrl(m_sid), twilio::encodeFormBody(p), &PhoneNumberUpdater::posted);
        return;
    }
    if (!m_sid.isEmpty()) {
        send("GET", numberUrl(m_sid), {}, &PhoneNumberUpdater::resolved);
        return;
    }
    QUrl list = m_config.restBase;
    list.setPath(QStringLiteral("/2010-04-01/Accounts/%1/IncomingPhoneNumbers.json")
                     .arg(QString::fromLatin1(QUrl::toPercentEncoding(m_config.accountSid))),
                 QUrl::StrictMode);
    QUrlQuery q;
    q.addQueryItem(QStringLiteral("PhoneNumber"), QString::fromLatin1(QUrl::toPercentEncoding(m_config.phoneNumber)));
    list.setQuery(q);
    send("GET", list, {}, &PhoneNumberUpdater::listed);
}

void PhoneNumberUpdater::listed(const QJsonObject& page)
{
    const QJsonArray numbers = page.value(QLatin1String("incoming_phone_numbers")).toArray();
    for (const QJsonValue& v : numbers) {
        const QJsonObject n = v.toObject();
        if (str(n, "phone_number") == m_config.phoneNumber && !str(n, "sid").isEmpty()) {
            m_sid = str(n, "sid");
            resolved(n);
            return;
        }
    }
    fail(QStringLiteral("not-found"), QStringLiteral("%1 is not a number of this account").arg(m_config.phoneNumber));
}

void PhoneNumberUpdater::resolved(const QJsonObject& resource)
{
    const PhoneNumberVoiceSettings current = PhoneNumberVoiceSettings::fromResource(resource);
    if (current.sid.isEmpty()) {
        fail(QStringLiteral("bad-response"), QStringLiteral("IncomingPhoneNumber without a sid"));
        return;
    }
    m_sid = current.sid;
    if (!str(resource, "trunk_sid").isEmpty()) {
        fail(QStringLiteral("trunk"),
             QStringLiteral("%1 routes calls to SIP trunk %2; not changing it")
                 .arg(current.phoneNumber, str(resource, "trunk_sid")));
        return;
    }
    QJsonObject state = loadState();
    QJsonObject numbers = state.value(QLatin1String("numbers")).toObject();
    if (!numbers.contains(current.sid)) {
        // Only the first time: later the number points at an (earlier) tunnel of ours.
        QJsonObject entry = current.toJson();
        entry.insert(QStringLiteral("saved_at"), QDateTime::currentDateTimeUtc().toString(Qt::ISODate));
        numbers.insert(current.sid, entry);
        state.insert(QStringLiteral("version"), 1);
        state.insert(QStringLiteral("numbers"), numbers);
        const Result<bool> saved = saveState(state);
        if (!saved) {
            fail(saved.error().code, saved.error().message); // never change what we could not save
            return;
        }
    }
    twilio::FormParams p{{QStringLiteral("VoiceUrl"), m_url + QStringLiteral("/voice")},
                         {QStringLiteral("VoiceMethod"), QStringLiteral("POST")},
                         {QStringLiteral("StatusCallback"), m_url + QStringLiteral("/status")},
                         {QStringLiteral("StatusCallbackMethod"), QStringLiteral("POST")}};
    if (!current.voiceApplicationSid.isEmpty())
        p.append({QStringLiteral("VoiceApplicationSid"), QString()}); // else Twilio ignores VoiceUrl
    send("POST", numberUrl(m_sid), twilio::encodeFormBody(p), &PhoneNumberUpdater::posted);
}

void PhoneNumberUpdater::posted(const QJsonObject& resource)
{
    const QString voiceUrl = str(resource, "voice_url");
    if (m_op == Op::Point) {
        if (voiceUrl != m_url + QStringLiteral("/voice")) {
            fail(QStringLiteral("bad-response"),
                 QStringLiteral("Twilio kept voice_url \"%1\" after the update").arg(voiceUrl));
            return;
        }
        const QString sid = m_sid;
        finish();
        emit updated(sid, voiceUrl);
        return;
    }
    QJsonObject state = loadState();
    QJsonObject numbers = state.value(QLatin1String("numbers")).toObject();
    numbers.remove(m_sid);
    state.insert(QStringLiteral("numbers"), numbers);
    const Result<bool> saved = saveState(state);
    if (!saved) {
        fail(saved.error().code, saved.error().message);
        return;
    }
    const QString sid = m_sid;
    finish();
    emit restored(sid);
}

void PhoneNumberUpdater::send(const QByteArray& verb, const QUrl& url, const QByteArray& body, Handler handler)
{
    QNetworkRequest req(url);
    const QString user = m_config.apiKeySid.isEmpty() ? m_config.accountSid : m_config.apiKeySid;
    QByteArray credentials = user.toUtf8() + ':' + m_config.secret;
    req.setRawHeader("Authorization", "Basic " + credentials.toBase64());
    credentials.fill('\0');
    req.setRawHeader("Accept", "application/json");
    req.setRawHeader("User-Agent", "Switchboard");
    req.setTransferTimeout(m_config.timeoutMs);
    if (verb == "POST")
        req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/x-www-form-urlencoded"));
    QNetworkReply* reply = verb == "POST" ? m_nam->post(req, body) : m_nam->get(req);
    m_reply = reply;
    connect(reply, &QNetworkReply::finished, this, [this, reply, handler, verb] {
        reply->deleteLater();
        m_reply = nullptr;
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray bytes = reply->readAll();
        const QJsonObject json = QJsonDocument::fromJson(bytes).object();
        const QString what = QString::fromLatin1(verb) + QLatin1Char(' ') + reply->url().path();
        if (status == 0) {
            fail(QStringLiteral("network"), what + QStringLiteral(": ") + reply->errorString());
            return;
        }
        if (status < 200 || status >= 300) {
            QString message = str(json, "message");
            if (json.contains(QLatin1String("code")))
                message += QStringLiteral(" (Twilio error %1)").arg(json.value(QLatin1String("code")).toInt());
            fail(QStringLiteral("http-%1").arg(status),
                 QStringLiteral("%1: HTTP %2 %3").arg(what).arg(status).arg(message.trimmed()));
            return;
        }
        if (json.isEmpty()) {
            fail(QStringLiteral("bad-response"), what + QStringLiteral(": not a JSON object"));
            return;
        }
        (this->*handler)(json);
    });
}

void PhoneNumberUpdater::fail(const QString& code, const QString& message)
{
    finish();
    emit failed(code, message);
}

void PhoneNumberUpdater::finish()
{
    m_op = Op::Idle;
    if (!m_pendingUrl.isEmpty()) {
        const QString next = m_pendingUrl;
        m_pendingUrl.clear();
        pointAt(next);
    }
}

QJsonObject PhoneNumberUpdater::loadState() const
{
    QFile f(m_config.stateFilePath);
    if (m_config.stateFilePath.isEmpty() || !f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.read(1024 * 1024)).object();
}

Result<bool> PhoneNumberUpdater::saveState(const QJsonObject& state) const
{
    if (m_config.stateFilePath.isEmpty())
        return makeError(QStringLiteral("state-file"),
                         QStringLiteral("no state file configured to remember the number's settings"));
    QDir().mkpath(QFileInfo(m_config.stateFilePath).absolutePath());
    QSaveFile f(m_config.stateFilePath);
    if (!f.open(QIODevice::WriteOnly) || f.write(QJsonDocument(state).toJson(QJsonDocument::Indented)) < 0 ||
        !f.commit())
        return makeError(QStringLiteral("state-file"),
                         QStringLiteral("cannot write %1: %2").arg(m_config.stateFilePath, f.errorString()));
    return true;
}

std::optional<PhoneNumberVoiceSettings> PhoneNumberUpdater::savedFor(const QString& sidOrNumber) const
{
    const QJsonObject numbers = loadState().value(QLatin1String("numbers")).toObject();
    for (auto it = numbers.begin(); it != numbers.end(); ++it) {
        const PhoneNumberVoiceSettings s = PhoneNumberVoiceSettings::fromJson(it.value().toObject());
        if (!s.sid.isEmpty() && (s.sid == sidOrNumber || s.phoneNumber == sidOrNumber))
            return s;
    }
    return std::nullopt;
}

std::optional<PhoneNumberVoiceSettings> PhoneNumberUpdater::savedSettings() const
{
    return savedFor(m_sid.isEmpty() ? m_config.phoneNumber : m_sid);
}

} // namespace sb::tunnel
