// SPDX-License-Identifier: GPL-3.0-or-later
#include "RestApiTestSupport.h"

#include <QEventLoop>
#include <QTimer>
#include <QtMath>

namespace sb::restapi::testing {

QList<int16_t> tone(int frames, int channels, double hz)
{
    QList<int16_t> samples;
    for (int i = 0; i < frames; ++i) {
        const auto v = int16_t(8000.0 * qSin(2.0 * M_PI * hz * i / 8000.0));
        samples.append(v);
        if (channels == 2)
            samples.append(int16_t(-v / 2));
    }
    return samples;
}

void seed(RestApiStore& store, int recordingCount)
{
    store.setAccount(Account{kAccount, kToken, QStringLiteral("Test"), kBase.addDays(-30)});
    store.addApiKey(ApiKey{kKeySid, kKeySecret});
    const QStringList statuses{QStringLiteral("completed"), QStringLiteral("in-progress"), QStringLiteral("ringing")};
    for (int i = 0; i < 3; ++i) {
        CallRecord c;
        c.sid = QStringLiteral("CA0000000000000000000000000000000%1").arg(i + 1);
        c.from = QStringLiteral("+1415555010%1").arg(i);
        c.to = QStringLiteral("+14155550199");
        c.status = statuses.at(i);
        c.startTime = kBase.addSecs(-3600 * (i + 1));
        c.dateCreated = c.startTime;
        if (i == 0) {
            c.endTime = c.startTime.addSecs(42);
            c.durationSeconds = 42;
        }
        store.addCall(c);
    }
    for (int i = 0; i < recordingCount; ++i) {
        RecordingRecord r;
        r.sid = QStringLiteral("RE%1").arg(i, 32, 10, QLatin1Char('0'));
        r.callSid = QStringLiteral("CA0000000000000000000000000000000%1").arg(i % 3 + 1);
        r.dateCreated = kBase.addSecs(3600 * i);
        r.samples = tone(8000 + 80 * i, 1);
        store.addRecording(r);
    }
    PhoneNumberRecord n;
    n.sid = QStringLiteral("PN0123456789abcdef0123456789abcdef");
    n.phoneNumber = QStringLiteral("+14155550199");
    n.friendlyName = QStringLiteral("Support line");
    n.voiceApplicationSid = QStringLiteral("AP0123456789abcdef0123456789abcdef");
    n.trunkSid = QStringLiteral("TK0123456789abcdef0123456789abcdef");
    n.dateCreated = kBase.addDays(-10);
    store.addPhoneNumber(n);
}

QByteArray HttpReply::header(const QByteArray& name) const
{
    for (const auto& [k, v] : headers) {
        if (k.compare(name, Qt::CaseInsensitive) == 0)
            return v;
    }
    return QByteArray();
}

QByteArray basic(const QString& user, const QString& password)
{
    return "Basic " + (user + QLatin1Char(':') + password).toUtf8().toBase64();
}

HttpReply http(QNetworkAccessManager& nam,
               const QByteArray& method,
               const QString& url,
               const QByteArray& auth,
               const QByteArray& form)
{
    QNetworkRequest request{QUrl(url)};
    if (!auth.isEmpty())
        request.setRawHeader("Authorization", auth);
    request.setRawHeader("Accept", "application/json");
    if (method == "POST")
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/x-www-form-urlencoded"));
    QNetworkReply* reply = nam.sendCustomRequest(request, method, form);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(15000, &loop, &QEventLoop::quit);
    loop.exec();
    HttpReply r;
    r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    r.body = reply->readAll();
    r.contentType = reply->header(QNetworkRequest::ContentTypeHeader).toByteArray();
    r.headers = reply->rawHeaderPairs();
    reply->deleteLater();
    return r;
}

} // namespace sb::restapi::testing
