// SPDX-License-Identifier: GPL-3.0-or-later
// PhoneNumberUpdater against a local server answering like Twilio's IncomingPhoneNumbers
// endpoint (app/twilio/PROTOCOL.md §7.2): fetch, list by PhoneNumber, update, errors.
#include "tunnel/PhoneNumberUpdater.h"
#include "twilio/Form.h"

#include <QAbstractHttpServer>
#include <QFile>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace sb::tunnel;

namespace {

const QString kAccount = QStringLiteral("AC00000000000000000000000000000001");
const QString kNumberSid = QStringLiteral("PN0123456789abcdef0123456789abcdef");
const QString kTrunkNumberSid = QStringLiteral("PNffffffffffffffffffffffffffffffff");
const QByteArray kToken = "tok3n-that-must-not-leak";

QByteArray basicAuth()
{
    const QByteArray credentials = kAccount.toUtf8() + ':' + kToken;
    return "Basic " + credentials.toBase64();
}

/// One request as the fake saw it.
struct Seen
{
    QByteArray method;
    QString path;
    QString phoneNumberFilter;
    sb::twilio::FormParams form;
    QByteArray authorization;
};

class FakeTwilio : public QAbstractHttpServer
{
public:
    QList<Seen> seen;
    QHash<QString, QJsonObject> numbers;

    FakeTwilio()
    {
        numbers.insert(kNumberSid, resource(kNumberSid, QStringLiteral("+14155550123")));
        QJsonObject trunk = resource(kTrunkNumberSid, QStringLiteral("+14155550999"));
        trunk.insert(QStringLiteral("trunk_sid"), QStringLiteral("TK00000000000000000000000000000001"));
        numbers.insert(kTrunkNumberSid, trunk);
    }

    static QJsonObject resource(const QString& sid, const QString& e164)
    {
        return QJsonObject{{QStringLiteral("account_sid"), kAccount},
                           {QStringLiteral("address_requirements"), QStringLiteral("none")},
                           {QStringLiteral("api_version"), QStringLiteral("2010-04-01")},
                           {QStringLiteral("beta"), false},
                           {QStringLiteral("capabilities"),
                            QJsonObject{{QStringLiteral("voice"), true},
                                        {QStringLiteral("sms"), false},
                                        {QStringLiteral("mms"), true},
                                        {QStringLiteral("fax"), false}}},
                           {QStringLiteral("date_created"), QStringLiteral("Thu, 30 Jul 2015 23:19:04 +0000")},
                           {QStringLiteral("date_updated"), QStringLiteral("Thu, 30 Jul 2015 23:19:04 +0000")},
                           {QStringLiteral("friendly_name"), QStringLiteral("(415) 555-0123")},
                           {QStringLiteral("phone_number"), e164},
                           {QStringLiteral("origin"), QStringLiteral("twilio")},
                           {QStringLiteral("sid"), sid},
                           {QStringLiteral("sms_application_sid"), QJsonValue::Null},
                           {QStringLiteral("sms_url"), QString()},
                           {QStringLiteral("status_callback"), QStringLiteral("https://old.example.com/status")},
                           {QStringLiteral("status_callback_method"), QStringLiteral("GET")},
                           {QStringLiteral("trunk_sid"), QJsonValue::Null},
                           {QStringLiteral("uri"),
                            QStringLiteral("/2010-04-01/Accounts/%1/IncomingPhoneNumbers/%2.json").arg(kAccount, sid)},
                           {QStringLiteral("voice_receive_mode"), QStringLiteral("voice")},
                           {QStringLiteral("voice_application_sid"), QJsonValue::Null},
                           {QStringLiteral("voice_caller_id_lookup"), false},
                           {QStringLiteral("voice_fallback_method"), QStringLiteral("POST")},
                           {QStringLiteral("voice_fallback_url"), QJsonValue::Null},
                           {QStringLiteral("voice_method"), QStringLiteral("GET")},
                           {QStringLiteral("voice_url"), QStringLiteral("https://old.example.com/voice")},
                           {QStringLiteral("status"), QStringLiteral("in-use")},
                           {QStringLiteral("type"), QStringLiteral("local")}};
    }

protected:
    bool handleRequest(const QHttpServerRequest& request, QTcpSocket* socket) override
    {
        Seen s;
        s.method = request.method() == QHttpServerRequest::Method::Post ? "POST" : "GET";
        s.path = request.url().path();
        s.phoneNumberFilter = request.query().queryItemValue(QStringLiteral("PhoneNumber"), QUrl::FullyDecoded);
        s.form = sb::twilio::parseFormBody(request.body());
        s.authorization = request.value("Authorization");
        seen.append(s);
        QHttpServerResponder responder = makeResponder(request, socket);

        const QByteArray expected = basicAuth();
        if (s.authorization != expected) {
            reply(responder,
                  401,
                  QJsonObject{{QStringLiteral("code"), 20003},
                              {QStringLiteral("detail"), QStringLiteral("Your AccountSid or AuthToken was incorrect.")},
                              {QStringLiteral("message"), QStringLiteral("Authentication Error - invalid username")},
                              {QStringLiteral("more_info"), QStringLiteral("https://www.twilio.com/docs/errors/20003")},
                              {QStringLiteral("status"), 401}});
            return true;
        }
        const QString base = QStringLiteral("/2010-04-01/Accounts/%1/IncomingPhoneNumbers").arg(kAccount);
        if (s.path == base + QStringLiteral(".json") && s.method == "GET") {
            QJsonArray list;
            for (const QJsonObject& n : std::as_const(numbers))
                if (n.value(QLatin1String("phone_number")).toString() == s.phoneNumberFilter)
                    list.append(n);
            reply(responder,
                  200,
                  QJsonObject{{QStringLiteral("incoming_phone_numbers"), list},
                              {QStringLiteral("page"), 0},
                              {QStringLiteral("page_size"), 50}});
            return true;
        }
        const QString sid = s.path.section(QLatin1Char('/'), -1).chopped(5); // drop ".json"
        if (!s.path.startsWith(base + QLatin1Char('/')) || !numbers.contains(sid)) {
            reply(responder,
                  404,
                  QJsonObject{{QStringLiteral("code"), 20404},
                              {QStringLiteral("message"), QStringLiteral("The requested resource was not found")},
                              {QStringLiteral("status"), 404}});
            return true;
        }
        QJsonObject& n = numbers[sid];
        if (s.method == "POST") {
            const QList<QPair<QString, QString>> fields = {
                {QStringLiteral("VoiceUrl"), QStringLiteral("voice_url")},
                {QStringLiteral("VoiceMethod"), QStringLiteral("voice_method")},
                {QStringLiteral("StatusCallback"), QStringLiteral("status_callback")},
                {QStringLiteral("StatusCallbackMethod"), QStringLiteral("status_callback_method")},
                {QStringLiteral("VoiceApplicationSid"), QStringLiteral("voice_application_sid")}};
            for (const auto& [param, field] : fields) {
                const QString v = sb::twilio::formValue(s.form, param);
                if (!v.isNull())
                    n.insert(field, v);
            }
        }
        reply(responder, 200, n);
        return true;
    }
    void missingHandler(const QHttpServerRequest&, QTcpSocket*) override {}

private:
    static void reply(QHttpServerResponder& r, int status, const QJsonObject& body)
    {
        r.write(QJsonDocument(body).toJson(QJsonDocument::Compact),
                "application/json",
                static_cast<QHttpServerResponder::StatusCode>(status));
    }
};

} // namespace

class TestPhoneNumberUpdater : public QObject
{
    Q_OBJECT

    FakeTwilio* m_twilio = nullptr;
    QTemporaryDir* m_dir = nullptr;
    quint16 m_port = 0;

    PhoneNumberUpdaterConfig config(const QString& number) const
    {
        PhoneNumberUpdaterConfig c;
        c.restBase = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_port));
        c.accountSid = kAccount;
        c.secret = kToken;
        c.phoneNumber = number;
        c.stateFilePath = m_dir->filePath(QStringLiteral("data/tunnel-phone-numbers.json"));
        c.timeoutMs = 5000;
        return c;
    }
    QByteArray stateFile() const
    {
        QFile f(m_dir->filePath(QStringLiteral("data/tunnel-phone-numbers.json")));
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }

private slots:
    void init()
    {
        m_twilio = new FakeTwilio;
        m_port = m_twilio->listen(QHostAddress::LocalHost, 0);
        QVERIFY(m_port != 0);
        m_dir = new QTemporaryDir;
    }
    void cleanup()
    {
        delete m_twilio;
        delete m_dir;
    }

    void pointsNumberAtTunnelAndRestoresAfterRestart()
    {
        {
            PhoneNumberUpdater up(config(kNumberSid));
            QSignalSpy updated(&up, &PhoneNumberUpdater::updated);
            QSignalSpy failed(&up, &PhoneNumberUpdater::failed);
            up.pointAt(QStringLiteral("https://seasonal-deck-organisms-1.trycloudflare.com/"));
            QVERIFY(updated.wait(5000));
            QCOMPARE(failed.size(), 0);
            QCOMPARE(updated.first().at(0).toString(), kNumberSid);
            QCOMPARE(updated.first().at(1).toString(),
                     QStringLiteral("https://seasonal-deck-organisms-1.trycloudflare.com/voice"));

            QCOMPARE(m_twilio->seen.size(), 2);
            QCOMPARE(m_twilio->seen.at(0).method, QByteArray("GET"));
            QCOMPARE(m_twilio->seen.at(0).path,
                     QStringLiteral("/2010-04-01/Accounts/%1/IncomingPhoneNumbers/%2.json").arg(kAccount, kNumberSid));
            const Seen post = m_twilio->seen.at(1);
            QCOMPARE(post.method, QByteArray("POST"));
            QCOMPARE(sb::twilio::formValue(post.form, QStringLiteral("VoiceUrl")),
                     QStringLiteral("https://seasonal-deck-organisms-1.trycloudflare.com/voice"));
            QCOMPARE(sb::twilio::formValue(post.form, QStringLiteral("VoiceMethod")), QStringLiteral("POST"));
            QCOMPARE(sb::twilio::formValue(post.form, QStringLiteral("StatusCallback")),
                     QStringLiteral("https://seasonal-deck-organisms-1.trycloudflare.com/status"));
            QCOMPARE(sb::twilio::formValue(post.form, QStringLiteral("StatusCallbackMethod")), QStringLiteral("POST"));
            QVERIFY(sb::twilio::formValue(post.form, QStringLiteral("VoiceApplicationSid")).isNull());

            // Old values saved, no secret in the file.
            const auto saved = up.savedSettings();
            QVERIFY(saved.has_value());
            QCOMPARE(saved->voiceUrl, QStringLiteral("https://old.example.com/voice"));
            QCOMPARE(saved->voiceMethod, QStringLiteral("GET"));
            QCOMPARE(saved->statusCallback, QStringLiteral("https://old.example.com/status"));
            QCOMPARE(saved->statusCallbackMethod, QStringLiteral("GET"));
            QVERIFY(!stateFile().contains(kToken));
            QVERIFY(stateFile().contains("https://old.example.com/voice"));

            // A second tunnel URL (quick tunnels change): the saved original stays the user's own.
            up.pointAt(QStringLiteral("https://other-words-2.trycloudflare.com"));
            QVERIFY(updated.wait(5000));
            QCOMPARE(m_twilio->numbers[kNumberSid].value(QLatin1String("voice_url")).toString(),
                     QStringLiteral("https://other-words-2.trycloudflare.com/voice"));
            QCOMPARE(up.savedSettings()->voiceUrl, QStringLiteral("https://old.example.com/voice"));
        }
        // "Restart": a new updater, addressed by E.164, restores from the file.
        PhoneNumberUpdater again(config(QStringLiteral("+14155550123")));
        QVERIFY(again.savedSettings().has_value());
        QSignalSpy restored(&again, &PhoneNumberUpdater::restored);
        again.restore();
        QVERIFY(restored.wait(5000));
        QCOMPARE(restored.first().first().toString(), kNumberSid);
        const QJsonObject n = m_twilio->numbers[kNumberSid];
        QCOMPARE(n.value(QLatin1String("voice_url")).toString(), QStringLiteral("https://old.example.com/voice"));
        QCOMPARE(n.value(QLatin1String("voice_method")).toString(), QStringLiteral("GET"));
        QCOMPARE(n.value(QLatin1String("status_callback")).toString(),
                 QStringLiteral("https://old.example.com/status"));
        QCOMPARE(n.value(QLatin1String("status_callback_method")).toString(), QStringLiteral("GET"));
        QVERIFY(!again.savedSettings().has_value()); // forgotten once restored

        QSignalSpy failed(&again, &PhoneNumberUpdater::failed);
        again.restore();
        QCOMPARE(failed.size(), 1);
        QCOMPARE(failed.first().first().toString(), QStringLiteral("nothing-saved"));
        for (const Seen& s : std::as_const(m_twilio->seen))
            QCOMPARE(s.authorization, basicAuth());
    }

    void findsNumberByE164AndClearsVoiceApplication()
    {
        m_twilio->numbers[kNumberSid].insert(QStringLiteral("voice_application_sid"),
                                             QStringLiteral("AP00000000000000000000000000000001"));
        m_twilio->numbers[kNumberSid].insert(QStringLiteral("voice_url"), QJsonValue::Null); // null reads as ""
        PhoneNumberUpdater up(config(QStringLiteral("+14155550123")));
        QSignalSpy updated(&up, &PhoneNumberUpdater::updated);
        up.pointAt(QStringLiteral("https://t.example.net"));
        QVERIFY(updated.wait(5000));
        QCOMPARE(m_twilio->seen.at(0).path,
                 QStringLiteral("/2010-04-01/Accounts/%1/IncomingPhoneNumbers.json").arg(kAccount));
        QCOMPARE(m_twilio->seen.at(0).phoneNumberFilter, QStringLiteral("+14155550123")); // '+' survived encoding
        const Seen post = m_twilio->seen.last();
        QCOMPARE(sb::twilio::formValue(post.form, QStringLiteral("VoiceApplicationSid")), QString(QLatin1String("")));
        QVERIFY(up.savedSettings()->voiceUrl.isEmpty());
        QCOMPARE(up.savedSettings()->voiceApplicationSid, QStringLiteral("AP00000000000000000000000000000001"));

        QSignalSpy restored(&up, &PhoneNumberUpdater::restored);
        up.restore();
        QVERIFY(restored.wait(5000));
        QCOMPARE(m_twilio->numbers[kNumberSid].value(QLatin1String("voice_application_sid")).toString(),
                 QStringLiteral("AP00000000000000000000000000000001"));
    }

    void errorsAreReportedWithoutSecrets()
    {
        // Wrong token: Twilio's 401 body is reported, the token is not.
        PhoneNumberUpdaterConfig c = config(kNumberSid);
        c.secret = "wrong-secret-value";
        PhoneNumberUpdater bad(c);
        QSignalSpy failed(&bad, &PhoneNumberUpdater::failed);
        bad.pointAt(QStringLiteral("https://t.example.net"));
        QVERIFY(failed.wait(5000));
        QCOMPARE(failed.first().at(0).toString(), QStringLiteral("http-401"));
        const QString message = failed.first().at(1).toString();
        QVERIFY2(message.contains(QLatin1String("20003")), qPrintable(message));
        QVERIFY(!message.contains(QLatin1String("wrong-secret-value")));
        QVERIFY(stateFile().isEmpty()); // nothing saved when nothing was fetched

        // A number on a SIP trunk is left alone.
        PhoneNumberUpdater trunk(config(kTrunkNumberSid));
        QSignalSpy trunkFailed(&trunk, &PhoneNumberUpdater::failed);
        trunk.pointAt(QStringLiteral("https://t.example.net"));
        QVERIFY(trunkFailed.wait(5000));
        QCOMPARE(trunkFailed.first().at(0).toString(), QStringLiteral("trunk"));
        QCOMPARE(m_twilio->seen.last().method, QByteArray("GET")); // no POST went out

        // Unknown E.164 and unknown SID.
        PhoneNumberUpdater unknown(config(QStringLiteral("+15005550006")));
        QSignalSpy unknownFailed(&unknown, &PhoneNumberUpdater::failed);
        unknown.pointAt(QStringLiteral("https://t.example.net"));
        QVERIFY(unknownFailed.wait(5000));
        QCOMPARE(unknownFailed.first().at(0).toString(), QStringLiteral("not-found"));
        PhoneNumberUpdater missing(config(QStringLiteral("PN99999999999999999999999999999999")));
        QSignalSpy missingFailed(&missing, &PhoneNumberUpdater::failed);
        missing.pointAt(QStringLiteral("https://t.example.net"));
        QVERIFY(missingFailed.wait(5000));
        QCOMPARE(missingFailed.first().at(0).toString(), QStringLiteral("http-404"));

        // Nobody listening.
        PhoneNumberUpdaterConfig down = config(kNumberSid);
        down.restBase = QUrl(QStringLiteral("http://127.0.0.1:1"));
        PhoneNumberUpdater offline(down);
        QSignalSpy offlineFailed(&offline, &PhoneNumberUpdater::failed);
        offline.pointAt(QStringLiteral("https://t.example.net"));
        QVERIFY(offlineFailed.wait(5000));
        QCOMPARE(offlineFailed.first().at(0).toString(), QStringLiteral("network"));
    }
};

QTEST_GUILESS_MAIN(TestPhoneNumberUpdater)
#include "TestPhoneNumberUpdater.moc"
