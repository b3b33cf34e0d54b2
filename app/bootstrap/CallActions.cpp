// SPDX-License-Identifier: GPL-3.0-or-later
#include "bootstrap/CallActions.h"

#include "storage/Records.h"
#include "storage/Storage.h"
#include "twilio/Form.h"
#include "twilio/Sid.h"
#include "twilio/TwimlBuilder.h"

#include <QDateTime>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPointer>
#include <QTimer>

namespace sb::bootstrap {

CallActions::CallActions(RestAccount account,
                         std::function<QString()> publicUrl,
                         storage::Storage* storage,
                         QObject* parent)
    : QObject(parent)
    , m_account(std::move(account))
    , m_publicUrl(std::move(publicUrl))
    , m_storage(storage)
    , m_nam(new QNetworkAccessManager(this))
{
}

CallActions::~CallActions() = default;

QString CallActions::noCredentialsMessage()
{
    return QStringLiteral("No Twilio credentials: set them in Settings");
}

int CallActions::hangUp(const QString& callSid)
{
    return run(callSid,
               QStringLiteral("hangup"),
               QString(),
               QString(),
               twilio::encodeFormBody({{QStringLiteral("Status"), QStringLiteral("completed")}}),
               QStringLiteral("Hung up"));
}

int CallActions::redirect(const QString& callSid, const QString& flow)
{
    QString base = m_publicUrl ? m_publicUrl() : QString();
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    const QString url =
        base + QStringLiteral("/voice?") + QString::fromUtf8(twilio::encodeFormBody({{QStringLiteral("flow"), flow}}));
    return run(callSid,
               QStringLiteral("redirect"),
               QStringLiteral("flow"),
               flow,
               flow.isEmpty() || base.isEmpty()
                   ? QByteArray()
                   : twilio::encodeFormBody(
                         {{QStringLiteral("Url"), url}, {QStringLiteral("Method"), QStringLiteral("POST")}}),
               QStringLiteral("Redirected to flow %1").arg(flow));
}

int CallActions::say(const QString& callSid, const QString& text)
{
    const QString words = text.trimmed();
    QByteArray form;
    if (!words.isEmpty()) {
        twilio::VoiceResponse response;
        response.say(words);
        form = twilio::encodeFormBody({{QStringLiteral("Twiml"), QString::fromUtf8(response.toXml())}});
    }
    return run(
        callSid, QStringLiteral("say"), QStringLiteral("text"), words, form, QStringLiteral("Saying the message"));
}

int CallActions::play(const QString& callSid, const QString& mediaUrl)
{
    const QString trimmed = mediaUrl.trimmed();
    const QUrl url(trimmed, QUrl::StrictMode);
    QByteArray form;
    if (url.isValid() && !url.host().isEmpty() &&
        (url.scheme() == QLatin1String("https") || url.scheme() == QLatin1String("http"))) {
        twilio::VoiceResponse response;
        response.play(trimmed);
        form = twilio::encodeFormBody({{QStringLiteral("Twiml"), QString::fromUtf8(response.toXml())}});
    }
    return run(callSid,
               QStringLiteral("play"),
               QStringLiteral("url"),
               trimmed,
               form,
               QStringLiteral("Playing %1").arg(trimmed));
}

int CallActions::run(const QString& callSid,
                     const QString& action,
                     const QString& argumentName,
                     const QString& argument,
                     const QByteArray& form,
                     const QString& success)
{
    const int id = m_nextId++;
    QJsonObject detail;
    if (!argumentName.isEmpty())
        detail.insert(argumentName, argument);
    // Refusals before any request still answer asynchronously, like every other outcome.
    auto refuse = [this, id, callSid, action, detail](const QString& message) {
        QTimer::singleShot(0, this, [this, id, callSid, action, detail, message] {
            conclude(id, callSid, action, detail, false, message);
        });
        return id;
    };
    if (!twilio::isValidSid(callSid, QLatin1String("CA")))
        return refuse(QStringLiteral("Not a call SID: %1").arg(callSid));
    if (!m_account.configured())
        return refuse(noCredentialsMessage());
    if (form.isEmpty()) {
        if (action == QLatin1String("redirect"))
            return refuse(argument.isEmpty() ? QStringLiteral("Choose a flow to redirect to")
                                             : QStringLiteral("The listener has no public URL to redirect to"));
        if (action == QLatin1String("say"))
            return refuse(QStringLiteral("Nothing to say: type a message"));
        return refuse(QStringLiteral("Not a playable URL: give an http(s):// address"));
    }
    QNetworkReply* reply = sendCallRequest(*m_nam, m_account, callSid, form);
    connect(reply, &QNetworkReply::finished, this, [this, reply, id, callSid, action, detail, success] {
        reply->deleteLater();
        const RestOutcome outcome = readOutcome(reply, m_account);
        QJsonObject facts = detail;
        if (outcome.httpStatus)
            facts.insert(QStringLiteral("http_status"), outcome.httpStatus);
        if (outcome.twilioCode)
            facts.insert(QStringLiteral("twilio_code"), outcome.twilioCode);
        conclude(id, callSid, action, facts, outcome.ok, outcome.ok ? success : outcome.message);
    });
    return id;
}

void CallActions::conclude(
    int id, const QString& callSid, const QString& action, const QJsonObject& detail, bool ok, const QString& message)
{
    if (m_storage && twilio::isValidSid(callSid, QLatin1String("CA"))) {
        QJsonObject facts = detail;
        facts.insert(QStringLiteral("ok"), ok);
        facts.insert(QStringLiteral("result"), message);
        m_storage->appendEvent(storage::CallEvent{
            0, callSid, QDateTime::currentDateTimeUtc(), QStringLiteral("operator.") + action, facts});
    }
    emit finished(id, callSid, action, ok, message);
}

} // namespace sb::bootstrap
