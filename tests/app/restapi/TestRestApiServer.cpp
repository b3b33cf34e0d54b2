// SPDX-License-Identifier: GPL-3.0-or-later
// The REST API stand-in over real loopback HTTP: auth, every endpoint, paging, filters, media
// (WAV bytes, MP3 through sox, RequestedChannels), deletes, number and call updates, error shapes.
#include "RestApiTestSupport.h"
#include "restapi/RestApiJson.h"
#include "restapi/RestApiMedia.h"
#include "restapi/RestApiSeed.h"

#include <QJsonArray>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace sb;
using namespace sb::restapi;
using namespace sb::restapi::testing;

namespace {

const QStringList kEnvelopeKeys{QStringLiteral("end"),
                                QStringLiteral("first_page_uri"),
                                QStringLiteral("next_page_uri"),
                                QStringLiteral("page"),
                                QStringLiteral("page_size"),
                                QStringLiteral("previous_page_uri"),
                                QStringLiteral("start"),
                                QStringLiteral("uri")};

const QRegularExpression
    kRfc2822(QStringLiteral("^[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} \\+0000$"));

QStringList sortedKeys(const QJsonObject& o)
{
    QStringList keys = o.keys();
    keys.sort();
    return keys;
}

} // namespace

class TestRestApiServer : public QObject
{
    Q_OBJECT

private:
    RestApiStore m_store;
    std::unique_ptr<RestApiServer> m_server;
    QNetworkAccessManager m_nam;
    QString m_base;

    QString url(const QString& tail) const { return m_base + accountPath(kAccount) + tail; }

    void checkError(const HttpReply& r, int status, int code)
    {
        QCOMPARE(r.status, status);
        QVERIFY(r.contentType.startsWith("application/json"));
        const QJsonObject o = r.json();
        QCOMPARE(o.value(QStringLiteral("code")).toInt(), code);
        QCOMPARE(o.value(QStringLiteral("status")).toInt(), status);
        QVERIFY(o.value(QStringLiteral("code")).isDouble());
        QVERIFY(!o.value(QStringLiteral("message")).toString().isEmpty());
        QCOMPARE(o.value(QStringLiteral("more_info")).toString(),
                 QStringLiteral("https://www.twilio.com/docs/errors/%1").arg(code));
    }

private slots:
    void initTestCase()
    {
        seed(m_store, 120);
        m_server = std::make_unique<RestApiServer>(m_store, RestApiServerConfig{});
        Result<quint16> port = m_server->start();
        QVERIFY2(port.ok(), port.ok() ? "" : qPrintable(port.error().message));
        QVERIFY(*port > 0);
        m_base = m_server->baseUrl();
        QCOMPARE(m_base, QStringLiteral("http://127.0.0.1:%1").arg(*port));
    }

    void authFailuresHaveTwilioShape()
    {
        const HttpReply none = http(m_nam, "GET", url(QStringLiteral("/Recordings.json")), QByteArray());
        checkError(none, 401, 20003);
        QCOMPARE(none.json().value(QStringLiteral("message")).toString(),
                 QStringLiteral("Authentication Error - No credentials provided"));
        QCOMPARE(sortedKeys(none.json()),
                 (QStringList{QStringLiteral("code"),
                              QStringLiteral("detail"),
                              QStringLiteral("message"),
                              QStringLiteral("more_info"),
                              QStringLiteral("status")}));
        QVERIFY(none.header("WWW-Authenticate").startsWith("Basic"));

        checkError(http(m_nam, "GET", url(QStringLiteral("/Recordings.json")), basic(kAccount, QStringLiteral("nope"))),
                   401,
                   20003);
        checkError(http(m_nam, "GET", url(QStringLiteral("/Recordings.json")), basic(kKeySid, kToken)), 401, 20003);
        checkError(http(m_nam, "GET", url(QStringLiteral("/Recordings.json")), "Bearer abc"), 401, 20003);
        // Valid credentials, another account in the path.
        checkError(
            http(m_nam,
                 "GET",
                 m_base + QStringLiteral("/2010-04-01/Accounts/ACffffffffffffffffffffffffffffffff/Recordings.json")),
            401,
            20003);
        // Media needs auth too (Twilio enforces it today).
        checkError(
            http(m_nam, "GET", url(QStringLiteral("/Recordings/RE%1").arg(0, 32, 10, QLatin1Char('0'))), QByteArray()),
            401,
            20003);
    }

    void apiKeyAndAccountFetch()
    {
        const HttpReply withKey =
            http(m_nam, "GET", m_base + accountPath(kAccount) + QStringLiteral(".json"), basic(kKeySid, kKeySecret));
        QCOMPARE(withKey.status, 200);
        const QJsonObject a = withKey.json();
        QCOMPARE(a.value(QStringLiteral("sid")).toString(), kAccount);
        QCOMPARE(a.value(QStringLiteral("status")).toString(), QStringLiteral("active"));
        QVERIFY(!a.contains(QStringLiteral("auth_token"))); // not revealed to an API key
        QVERIFY(kRfc2822.match(a.value(QStringLiteral("date_created")).toString()).hasMatch());
        const HttpReply withToken = http(m_nam, "GET", m_base + accountPath(kAccount) + QStringLiteral(".json"));
        QCOMPARE(withToken.status, 200);
        QCOMPARE(withToken.json().value(QStringLiteral("auth_token")).toString(), kToken);
    }

    void unknownPathsAre20404()
    {
        const HttpReply r = http(m_nam, "GET", url(QStringLiteral("/Nope.json")));
        checkError(r, 404, 20404);
        QVERIFY(r.json().value(QStringLiteral("message")).toString().contains(QStringLiteral("/Nope.json")));
        checkError(http(m_nam, "GET", m_base + QStringLiteral("/elsewhere")), 404, 20404);
        checkError(
            http(m_nam, "GET", url(QStringLiteral("/Recordings/RE99999999999999999999999999999999.json"))), 404, 20404);
        checkError(http(m_nam, "PUT", url(QStringLiteral("/Recordings.json"))), 405, 20004);
    }

    void pagingThrough120Recordings()
    {
        QStringList seen;
        QString next = accountPath(kAccount) + QStringLiteral("/Recordings.json?PageSize=50");
        int pages = 0;
        QJsonObject first;
        while (!next.isEmpty()) {
            const HttpReply r = http(m_nam, "GET", m_base + next);
            QCOMPARE(r.status, 200);
            const QJsonObject page = r.json();
            QStringList expectedKeys = kEnvelopeKeys;
            expectedKeys.append(QStringLiteral("recordings"));
            expectedKeys.sort();
            QCOMPARE(sortedKeys(page), expectedKeys);
            QCOMPARE(page.value(QStringLiteral("page")).toInt(), pages);
            QCOMPARE(page.value(QStringLiteral("page_size")).toInt(), 50);
            QCOMPARE(page.value(QStringLiteral("start")).toInt(), pages * 50);
            QVERIFY(page.value(QStringLiteral("first_page_uri"))
                        .toString()
                        .endsWith(QStringLiteral("/Recordings.json?PageSize=50&Page=0")));
            QCOMPARE(page.value(QStringLiteral("previous_page_uri")).isNull(), pages == 0);
            const QJsonArray items = page.value(QStringLiteral("recordings")).toArray();
            QCOMPARE(page.value(QStringLiteral("end")).toInt(), pages * 50 + int(items.size()) - 1);
            for (const QJsonValue& v : items)
                seen.append(v.toObject().value(QStringLiteral("sid")).toString());
            if (pages == 0)
                first = page;
            const QJsonValue nextUri = page.value(QStringLiteral("next_page_uri"));
            next = nextUri.isNull() ? QString() : nextUri.toString();
            if (!next.isEmpty()) {
                QVERIFY2(next.startsWith(QStringLiteral("/2010-04-01/")), qPrintable(next)); // relative
                QVERIFY(next.contains(QStringLiteral("PageToken=PA")));
            }
            ++pages;
            QVERIFY(pages <= 5);
        }
        QCOMPARE(pages, 3);
        QCOMPARE(seen.size(), 120);
        QCOMPARE(QSet<QString>(seen.begin(), seen.end()).size(), 120); // no duplicates, so no gaps
        // Newest first.
        QCOMPARE(seen.first(), QStringLiteral("RE%1").arg(119, 32, 10, QLatin1Char('0')));
        QCOMPARE(seen.last(), QStringLiteral("RE%1").arg(0, 32, 10, QLatin1Char('0')));

        // previous_page_uri of page 1 leads back to page 0's items.
        const HttpReply p1 = http(m_nam, "GET", m_base + first.value(QStringLiteral("next_page_uri")).toString());
        const HttpReply back =
            http(m_nam, "GET", m_base + p1.json().value(QStringLiteral("previous_page_uri")).toString());
        QCOMPARE(back.json().value(QStringLiteral("recordings")).toArray(),
                 first.value(QStringLiteral("recordings")).toArray());

        // Default page size, and the 1000 cap.
        const QJsonObject defaults = http(m_nam, "GET", url(QStringLiteral("/Recordings.json"))).json();
        QCOMPARE(defaults.value(QStringLiteral("page_size")).toInt(), 50);
        QCOMPARE(defaults.value(QStringLiteral("recordings")).toArray().size(), 50);
        const QJsonObject big = http(m_nam, "GET", url(QStringLiteral("/Recordings.json?PageSize=5000"))).json();
        QCOMPARE(big.value(QStringLiteral("page_size")).toInt(), 1000);
        QCOMPARE(big.value(QStringLiteral("recordings")).toArray().size(), 120);
        QVERIFY(big.value(QStringLiteral("next_page_uri")).isNull());
        // Page without a token: plain offset.
        const QJsonObject page2 = http(m_nam, "GET", url(QStringLiteral("/Recordings.json?PageSize=50&Page=2"))).json();
        QCOMPARE(page2.value(QStringLiteral("recordings")).toArray().size(), 20);
        checkError(http(m_nam, "GET", url(QStringLiteral("/Recordings.json?PageSize=abc"))), 400, 20001);
    }

    void recordingFieldsAndTypes()
    {
        const QString sid = QStringLiteral("RE%1").arg(7, 32, 10, QLatin1Char('0'));
        const HttpReply r = http(m_nam, "GET", url(QStringLiteral("/Recordings/%1.json").arg(sid)));
        QCOMPARE(r.status, 200);
        QVERIFY(r.contentType.startsWith("application/json"));
        const QJsonObject o = r.json();
        const QStringList expected{QStringLiteral("account_sid"),
                                   QStringLiteral("api_version"),
                                   QStringLiteral("call_sid"),
                                   QStringLiteral("channels"),
                                   QStringLiteral("conference_sid"),
                                   QStringLiteral("date_created"),
                                   QStringLiteral("date_updated"),
                                   QStringLiteral("duration"),
                                   QStringLiteral("encryption_details"),
                                   QStringLiteral("error_code"),
                                   QStringLiteral("media_url"),
                                   QStringLiteral("price"),
                                   QStringLiteral("price_unit"),
                                   QStringLiteral("sid"),
                                   QStringLiteral("source"),
                                   QStringLiteral("start_time"),
                                   QStringLiteral("status"),
                                   QStringLiteral("subresource_uris"),
                                   QStringLiteral("uri")};
        QCOMPARE(sortedKeys(o), expected);
        QCOMPARE(o.value(QStringLiteral("sid")).toString(), sid);
        QCOMPARE(o.value(QStringLiteral("account_sid")).toString(), kAccount);
        QCOMPARE(o.value(QStringLiteral("api_version")).toString(), QStringLiteral("2010-04-01"));
        QCOMPARE(o.value(QStringLiteral("call_sid")).toString(), QStringLiteral("CA00000000000000000000000000000002"));
        QVERIFY(o.value(QStringLiteral("duration")).isString());
        QCOMPARE(o.value(QStringLiteral("duration")).toString(), QStringLiteral("1")); // 8560 frames at 8 kHz
        QVERIFY(o.value(QStringLiteral("channels")).isDouble());
        QCOMPARE(o.value(QStringLiteral("channels")).toInt(), 1);
        QVERIFY(o.value(QStringLiteral("conference_sid")).isNull());
        QVERIFY(o.value(QStringLiteral("error_code")).isNull());
        QCOMPARE(o.value(QStringLiteral("status")).toString(), QStringLiteral("completed"));
        QCOMPARE(o.value(QStringLiteral("date_created")).toString(), QStringLiteral("Sun, 01 Mar 2026 19:00:00 +0000"));
        QVERIFY(kRfc2822.match(o.value(QStringLiteral("start_time")).toString()).hasMatch());
        QCOMPARE(o.value(QStringLiteral("uri")).toString(),
                 accountPath(kAccount) + QStringLiteral("/Recordings/") + sid + QStringLiteral(".json"));
        QCOMPARE(o.value(QStringLiteral("media_url")).toString(), url(QStringLiteral("/Recordings/")) + sid);
        const QJsonObject subs = o.value(QStringLiteral("subresource_uris")).toObject();
        QCOMPARE(subs.value(QStringLiteral("transcriptions")).toString(),
                 accountPath(kAccount) + QStringLiteral("/Recordings/") + sid + QStringLiteral("/Transcriptions.json"));
        QVERIFY(subs.contains(QStringLiteral("add_on_results")));
    }

    void filters()
    {
        auto sids = [this](const QString& query) {
            QStringList out;
            const HttpReply r = http(m_nam, "GET", url(QStringLiteral("/Recordings.json?PageSize=1000&") + query));
            for (const QJsonValue& v : r.json().value(QStringLiteral("recordings")).toArray())
                out.append(v.toObject().value(QStringLiteral("sid")).toString());
            return out;
        };
        const QStringList byCall = sids(QStringLiteral("CallSid=CA00000000000000000000000000000001"));
        QCOMPARE(byCall.size(), 40);
        for (const QString& s : byCall)
            QCOMPARE(m_store.recording(s)->callSid, QStringLiteral("CA00000000000000000000000000000001"));
        // kBase is 2026-03-01 12:00; one recording per hour: 12 on Mar 1, 24 on Mar 2, ...
        QCOMPARE(sids(QStringLiteral("DateCreated=2026-03-01")).size(), 12);
        QCOMPARE(sids(QStringLiteral("DateCreated=2026-03-02")).size(), 24);
        QCOMPARE(sids(QStringLiteral("DateCreated%3C=2026-03-02")).size(), 36); // on or before
        QCOMPARE(sids(QStringLiteral("DateCreated%3E=2026-03-02")).size(), 120 - 12);
        QCOMPARE(sids(QStringLiteral("DateCreated%3E=2026-03-02&DateCreated%3C=2026-03-02")).size(), 24);
        // twilio-python sends date-times.
        QCOMPARE(sids(QStringLiteral("DateCreated%3E=2026-03-01T13:00:00Z")).size(), 119);
        QCOMPARE(sids(QStringLiteral("DateCreated=2026-03-01T13:00:00Z")),
                 QStringList{QStringLiteral("RE%1").arg(1, 32, 10, QLatin1Char('0'))});
        checkError(http(m_nam, "GET", url(QStringLiteral("/Recordings.json?DateCreated=yesterday"))), 400, 20001);

        // Filters stay in the paging URIs.
        const QJsonObject page = http(m_nam,
                                      "GET",
                                      url(QStringLiteral("/Recordings.json?CallSid=CA00000000000000000000000000000001&"
                                                         "PageSize=30")))
                                     .json();
        const QString nextUri = page.value(QStringLiteral("next_page_uri")).toString();
        QVERIFY(nextUri.contains(QStringLiteral("CallSid=CA00000000000000000000000000000001")));
        const QJsonObject page1 = http(m_nam, "GET", m_base + nextUri).json();
        QCOMPARE(page1.value(QStringLiteral("recordings")).toArray().size(), 10);
        QVERIFY(page1.value(QStringLiteral("next_page_uri")).isNull());

        // Per-call list.
        const HttpReply perCall =
            http(m_nam, "GET", url(QStringLiteral("/Calls/CA00000000000000000000000000000003/Recordings.json")));
        QCOMPARE(perCall.status, 200);
        QCOMPARE(perCall.json().value(QStringLiteral("recordings")).toArray().size(), 40);
        QCOMPARE(perCall.json().value(QStringLiteral("uri")).toString(),
                 accountPath(kAccount) +
                     QStringLiteral("/Calls/CA00000000000000000000000000000003/Recordings.json?PageSize=50&Page=0"));
        checkError(http(m_nam, "GET", url(QStringLiteral("/Calls/CA99999999999999999999999999999999/Recordings.json"))),
                   404,
                   20404);
    }

    void mediaWavIsTheStoredAudio()
    {
        const QString sid = QStringLiteral("RE%1").arg(3, 32, 10, QLatin1Char('0'));
        const RecordingRecord rec = *m_store.recording(sid);
        for (const QString& suffix : {QString(), QStringLiteral(".wav")}) {
            const HttpReply r = http(m_nam, "GET", url(QStringLiteral("/Recordings/") + sid + suffix));
            QCOMPARE(r.status, 200);
            QCOMPARE(r.contentType, QByteArrayLiteral("audio/x-wav"));
            QCOMPARE(r.body.size(), 44 + rec.samples.size() * 2);
            QCOMPARE(r.body.left(4), QByteArrayLiteral("RIFF"));
            QCOMPARE(qFromLittleEndian<quint16>(r.body.constData() + 22), quint16(1));    // channels
            QCOMPARE(qFromLittleEndian<quint32>(r.body.constData() + 24), quint32(8000)); // rate
            for (qsizetype i = 0; i < rec.samples.size(); ++i) {
                if (qFromLittleEndian<qint16>(r.body.constData() + 44 + 2 * i) != rec.samples.at(i))
                    QFAIL(qPrintable(QStringLiteral("sample %1 differs").arg(i)));
            }
        }
        // Media of a recording that is not completed: 404.
        RecordingRecord busy;
        busy.sid = QStringLiteral("RE1nprogress0000000000000000000000").left(2) + QStringLiteral("f").repeated(32);
        busy.status = QStringLiteral("in-progress");
        QVERIFY(m_store.addRecording(busy).ok());
        checkError(http(m_nam, "GET", url(QStringLiteral("/Recordings/") + busy.sid)), 404, 20404);
        QCOMPARE(http(m_nam, "GET", url(QStringLiteral("/Recordings/") + busy.sid + QStringLiteral(".json"))).status,
                 200);
        QVERIFY(m_store.deleteRecording(busy.sid));
    }

    void mediaMp3()
    {
        const QString sid = QStringLiteral("RE%1").arg(5, 32, 10, QLatin1Char('0'));
        const HttpReply r = http(m_nam, "GET", url(QStringLiteral("/Recordings/") + sid + QStringLiteral(".mp3")));
        if (!soxCanWriteMp3(QStringLiteral("sox"))) {
            // This machine cannot encode MP3 (no libsox-fmt-mp3): the answer must say so clearly.
            checkError(r, 500, 20500);
            QVERIFY(r.json().value(QStringLiteral("message")).toString().contains(QStringLiteral("MP3")));
            qWarning("sox cannot write mp3 here: checked the error answer only");
            return;
        }
        QCOMPARE(r.status, 200);
        QCOMPARE(r.contentType, QByteArrayLiteral("audio/mpeg"));
        QVERIFY(r.body.size() > 100);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QFile f(dir.filePath(QStringLiteral("r.mp3")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(r.body);
        f.close();
        QProcess sox;
        sox.start(QStringLiteral("sox"), {f.fileName(), QStringLiteral("-n"), QStringLiteral("stat")});
        QVERIFY(sox.waitForFinished(20000));
        QCOMPARE(sox.exitCode(), 0);
        const QString stat = QString::fromLocal8Bit(sox.readAllStandardError());
        const QRegularExpressionMatch m =
            QRegularExpression(QStringLiteral("Length \\(seconds\\):\\s+([0-9.]+)")).match(stat);
        QVERIFY2(m.hasMatch(), qPrintable(stat));
        const double expected = double(m_store.recording(sid)->frames()) / 8000.0;
        QVERIFY2(qAbs(m.captured(1).toDouble() - expected) < 0.15, qPrintable(stat)); // encoder padding only
        const QRegularExpressionMatch rms =
            QRegularExpression(QStringLiteral("RMS\\s+amplitude:\\s+([0-9.]+)")).match(stat);
        QVERIFY(rms.hasMatch());
        QVERIFY(rms.captured(1).toDouble() > 0.1); // the tone survived, not silence

        // A sox that cannot run: a clear JSON 500.
        RestApiServerConfig broken;
        broken.soxProgram = QStringLiteral("/nonexistent/sox");
        RestApiServer other(m_store, broken);
        QVERIFY(other.start().ok());
        const HttpReply e = http(m_nam,
                                 "GET",
                                 other.baseUrl() + accountPath(kAccount) + QStringLiteral("/Recordings/") + sid +
                                     QStringLiteral(".mp3"));
        checkError(e, 500, 20500);
        QVERIFY(e.json().value(QStringLiteral("message")).toString().contains(QStringLiteral("MP3")));
    }

    void requestedChannels()
    {
        const QString mono = QStringLiteral("RE%1").arg(9, 32, 10, QLatin1Char('0'));
        checkError(http(m_nam, "GET", url(QStringLiteral("/Recordings/%1?RequestedChannels=2").arg(mono))), 400, 20001);
        checkError(
            http(m_nam, "GET", url(QStringLiteral("/Recordings/%1.wav?RequestedChannels=3").arg(mono))), 400, 20001);
        QCOMPARE(http(m_nam, "GET", url(QStringLiteral("/Recordings/%1?RequestedChannels=1").arg(mono))).status, 200);

        RecordingRecord dual;
        dual.channels = 2;
        dual.source = QStringLiteral("DialVerb");
        dual.samples = tone(4000, 2);
        Result<RecordingRecord> added = m_store.addRecording(dual);
        QVERIFY(added.ok());
        const HttpReply both =
            http(m_nam, "GET", url(QStringLiteral("/Recordings/%1?RequestedChannels=2").arg(added->sid)));
        QCOMPARE(both.status, 200);
        QCOMPARE(qFromLittleEndian<quint16>(both.body.constData() + 22), quint16(2));
        QCOMPARE(both.body.mid(44), recordingWav(*added, 2).mid(44));
        const HttpReply one =
            http(m_nam, "GET", url(QStringLiteral("/Recordings/%1?RequestedChannels=1").arg(added->sid)));
        QCOMPARE(one.status, 200);
        QCOMPARE(qFromLittleEndian<quint16>(one.body.constData() + 22), quint16(1));
        QCOMPARE(one.body.size(), 44 + 4000 * 2);
        const int l = added->samples.at(200), rr = added->samples.at(201);
        QCOMPARE(int(qFromLittleEndian<qint16>(one.body.constData() + 44 + 200)), (l + rr) / 2);
        QCOMPARE(http(m_nam, "GET", url(QStringLiteral("/Recordings/%1.json").arg(added->sid)))
                     .json()
                     .value(QStringLiteral("channels"))
                     .toInt(),
                 2);
        QVERIFY(m_store.deleteRecording(added->sid));
    }

    void deleteThen404()
    {
        const QString sid = QStringLiteral("RE%1").arg(11, 32, 10, QLatin1Char('0'));
        const RecordingRecord keep = *m_store.recording(sid);
        const HttpReply del = http(m_nam, "DELETE", url(QStringLiteral("/Recordings/%1.json").arg(sid)));
        QCOMPARE(del.status, 204);
        QVERIFY(del.body.isEmpty());
        checkError(http(m_nam, "GET", url(QStringLiteral("/Recordings/%1.json").arg(sid))), 404, 20404);
        checkError(http(m_nam, "GET", url(QStringLiteral("/Recordings/%1").arg(sid))), 404, 20404);
        checkError(http(m_nam, "DELETE", url(QStringLiteral("/Recordings/%1.json").arg(sid))), 404, 20404);
        QCOMPARE(http(m_nam, "GET", url(QStringLiteral("/Recordings.json?PageSize=1000")))
                     .json()
                     .value(QStringLiteral("recordings"))
                     .toArray()
                     .size(),
                 119);
        QVERIFY(m_store.addRecording(keep).ok()); // restore for the other cases
    }

    void phoneNumbers()
    {
        const QString pn = QStringLiteral("PN0123456789abcdef0123456789abcdef");
        const QJsonObject list = http(m_nam, "GET", url(QStringLiteral("/IncomingPhoneNumbers.json"))).json();
        QStringList keys = kEnvelopeKeys;
        keys.append(QStringLiteral("incoming_phone_numbers"));
        keys.sort();
        QCOMPARE(sortedKeys(list), keys);
        QCOMPARE(list.value(QStringLiteral("incoming_phone_numbers")).toArray().size(), 1);
        auto found = [this](const QString& filter) {
            return http(m_nam, "GET", url(QStringLiteral("/IncomingPhoneNumbers.json?PhoneNumber=") + filter))
                .json()
                .value(QStringLiteral("incoming_phone_numbers"))
                .toArray()
                .size();
        };
        QCOMPARE(found(QStringLiteral("%2B14155550199")), 1);
        QCOMPARE(found(QStringLiteral("555")), 1); // partial
        QCOMPARE(found(QStringLiteral("415*199")), 1);
        QCOMPARE(found(QStringLiteral("666")), 0);

        const QJsonObject before =
            http(m_nam, "GET", url(QStringLiteral("/IncomingPhoneNumbers/%1.json").arg(pn))).json();
        QCOMPARE(before.value(QStringLiteral("voice_application_sid")).toString(),
                 QStringLiteral("AP0123456789abcdef0123456789abcdef"));
        QVERIFY(before.value(QStringLiteral("capabilities")).toObject().value(QStringLiteral("voice")).toBool());
        QCOMPARE(before.value(QStringLiteral("phone_number")).toString(), QStringLiteral("+14155550199"));

        const HttpReply updated = http(m_nam,
                                       "POST",
                                       url(QStringLiteral("/IncomingPhoneNumbers/%1.json").arg(pn)),
                                       basic(kAccount, kToken),
                                       "VoiceUrl=https%3A%2F%2Fexample.test%2Fvoice%3Fa%3D1%2B2&VoiceMethod=get&"
                                       "StatusCallback=https%3A%2F%2Fexample.test%2Fstatus&FriendlyName=My+line");
        QCOMPARE(updated.status, 200);
        const QJsonObject u = updated.json();
        QCOMPARE(u.value(QStringLiteral("voice_url")).toString(), QStringLiteral("https://example.test/voice?a=1+2"));
        QCOMPARE(u.value(QStringLiteral("voice_method")).toString(), QStringLiteral("GET"));
        QCOMPARE(u.value(QStringLiteral("status_callback")).toString(), QStringLiteral("https://example.test/status"));
        QCOMPARE(u.value(QStringLiteral("friendly_name")).toString(), QStringLiteral("My line")); // + is a space
        QVERIFY(u.value(QStringLiteral("voice_application_sid")).isNull());                       // cleared by VoiceUrl
        QVERIFY(u.value(QStringLiteral("trunk_sid")).isNull());
        QCOMPARE(m_store.phoneNumber(pn)->voiceUrl, QStringLiteral("https://example.test/voice?a=1+2"));
        // A later fetch sees the same.
        QCOMPARE(http(m_nam, "GET", url(QStringLiteral("/IncomingPhoneNumbers/%1.json").arg(pn))).json(), u);

        checkError(http(m_nam,
                        "POST",
                        url(QStringLiteral("/IncomingPhoneNumbers/%1.json").arg(pn)),
                        basic(kAccount, kToken),
                        "VoiceMethod=PATCH"),
                   400,
                   20001);
        checkError(http(m_nam,
                        "POST",
                        url(QStringLiteral("/IncomingPhoneNumbers/%1.json").arg(pn)),
                        basic(kAccount, kToken),
                        "FriendlyName=" + QByteArray(65, 'x')),
                   400,
                   20001);
        checkError(
            http(m_nam, "GET", url(QStringLiteral("/IncomingPhoneNumbers/PN99999999999999999999999999999999.json"))),
            404,
            20404);
    }

    void calls()
    {
        const QJsonObject list = http(m_nam, "GET", url(QStringLiteral("/Calls.json?PageSize=2"))).json();
        QStringList keys = kEnvelopeKeys;
        keys.append(QStringLiteral("calls"));
        keys.sort();
        QCOMPARE(sortedKeys(list), keys);
        QCOMPARE(list.value(QStringLiteral("calls")).toArray().size(), 2);
        QVERIFY(!list.value(QStringLiteral("next_page_uri")).isNull());
        const QJsonObject c1 =
            http(m_nam, "GET", url(QStringLiteral("/Calls/CA00000000000000000000000000000001.json"))).json();
        QCOMPARE(c1.value(QStringLiteral("status")).toString(), QStringLiteral("completed"));
        QCOMPARE(c1.value(QStringLiteral("duration")).toString(), QStringLiteral("42"));
        QCOMPARE(c1.value(QStringLiteral("from_formatted")).toString(), QStringLiteral("(415) 555-0100"));
        QVERIFY(kRfc2822.match(c1.value(QStringLiteral("end_time")).toString()).hasMatch());
        QVERIFY(c1.value(QStringLiteral("subresource_uris"))
                    .toObject()
                    .value(QStringLiteral("recordings"))
                    .toString()
                    .endsWith(QStringLiteral("/Calls/CA00000000000000000000000000000001/Recordings.json")));
        const QJsonArray live = http(m_nam, "GET", url(QStringLiteral("/Calls.json?Status=in-progress")))
                                    .json()
                                    .value(QStringLiteral("calls"))
                                    .toArray();
        QCOMPARE(live.size(), 1);
        QCOMPARE(live.at(0).toObject().value(QStringLiteral("sid")).toString(),
                 QStringLiteral("CA00000000000000000000000000000002"));
        QCOMPARE(http(m_nam, "GET", url(QStringLiteral("/Calls.json?From=%2B14155550102")))
                     .json()
                     .value(QStringLiteral("calls"))
                     .toArray()
                     .size(),
                 1);
        QCOMPARE(http(m_nam, "GET", url(QStringLiteral("/Calls.json?StartTime%3E=2026-03-01T10:30:00Z")))
                     .json()
                     .value(QStringLiteral("calls"))
                     .toArray()
                     .size(),
                 1);

        QSignalSpy spy(m_server.get(), &RestApiServer::callUpdateRequested);
        const auto update = [this](const QString& sid, const QByteArray& form) {
            return http(m_nam, "POST", url(QStringLiteral("/Calls/%1.json").arg(sid)), basic(kAccount, kToken), form);
        };
        // Ended call: 21220.
        const HttpReply ended =
            update(QStringLiteral("CA00000000000000000000000000000001"), "Url=https%3A%2F%2Fx.test%2Fa");
        checkError(ended, 400, 21220);
        QCOMPARE(ended.json().value(QStringLiteral("message")).toString(),
                 QStringLiteral("Call is not in-progress. Cannot redirect."));
        // Ringing call cannot be "completed", only "canceled".
        checkError(update(QStringLiteral("CA00000000000000000000000000000003"), "Status=completed"), 400, 21220);
        checkError(update(QStringLiteral("CA00000000000000000000000000000002"), "Url=a&Twiml=b"), 400, 20001);
        checkError(
            update(QStringLiteral("CA00000000000000000000000000000002"), "Twiml=" + QByteArray(4001, 'x')), 400, 32018);
        checkError(update(QStringLiteral("CA00000000000000000000000000000002"), "Status=paused"), 400, 20001);
        QCOMPARE(spy.count(), 0);

        const HttpReply redirect =
            update(QStringLiteral("CA00000000000000000000000000000002"), "Url=https%3A%2F%2Fx.test%2Fnext&Method=GET");
        QCOMPARE(redirect.status, 200);
        QCOMPARE(redirect.json().value(QStringLiteral("status")).toString(), QStringLiteral("in-progress"));
        QCOMPARE(spy.count(), 1);
        QCOMPARE(spy.at(0).at(0).toString(), QStringLiteral("CA00000000000000000000000000000002"));
        QCOMPARE(m_store.call(QStringLiteral("CA00000000000000000000000000000002"))->url,
                 QStringLiteral("https://x.test/next"));

        const HttpReply hangup = update(QStringLiteral("CA00000000000000000000000000000002"), "Status=completed");
        QCOMPARE(hangup.status, 200);
        QCOMPARE(hangup.json().value(QStringLiteral("status")).toString(), QStringLiteral("completed"));
        QVERIFY(hangup.json().value(QStringLiteral("duration")).isString());
        QVERIFY(kRfc2822.match(hangup.json().value(QStringLiteral("end_time")).toString()).hasMatch());
        checkError(update(QStringLiteral("CA00000000000000000000000000000002"), "Status=completed"), 400, 21220);

        const HttpReply cancel = update(QStringLiteral("CA00000000000000000000000000000003"), "Status=canceled");
        QCOMPARE(cancel.status, 200);
        QCOMPARE(cancel.json().value(QStringLiteral("status")).toString(), QStringLiteral("canceled"));
        QCOMPARE(spy.count(), 3);
        checkError(update(QStringLiteral("CA99999999999999999999999999999999"), "Status=completed"), 404, 20404);
    }

    void mediaWithoutAuthWhenConfigured()
    {
        RestApiServerConfig open;
        open.mediaRequiresAuth = false;
        RestApiServer other(m_store, open);
        QVERIFY(other.start().ok());
        const QString sid = QStringLiteral("RE%1").arg(2, 32, 10, QLatin1Char('0'));
        const QString base = other.baseUrl() + accountPath(kAccount);
        QCOMPARE(http(m_nam, "GET", base + QStringLiteral("/Recordings/") + sid, QByteArray()).status, 200);
        checkError(
            http(m_nam, "GET", base + QStringLiteral("/Recordings/") + sid + QStringLiteral(".json"), QByteArray()),
            401,
            20003);
    }

    void seedFromJsonAndFolder()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        RecordingRecord src;
        src.samples = tone(1600, 1);
        QFile wav(dir.filePath(QStringLiteral("a.wav")));
        QVERIFY(wav.open(QIODevice::WriteOnly));
        wav.write(recordingWav(src, 1));
        wav.close();
        const QByteArray json = R"({"calls":[{"sid":"CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","from":"+15005550006",
            "to":"+15005550007","status":"completed","start_time":"2026-01-02T03:04:05Z","end_time":"2026-01-02T03:04:15Z"}],
            "recordings":[{"sid":"REaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","call_sid":"CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "wav":"a.wav","date_created":"Fri, 02 Jan 2026 03:04:15 +0000"}],
            "incoming_phone_numbers":[{"phone_number":"+15005550007","voice_url":"https://x.test/v"}]})";
        RestApiStore store;
        Result<SeedCounts> seeded = seedFromJson(store, json, dir.path());
        QVERIFY2(seeded.ok(), seeded.ok() ? "" : qPrintable(seeded.error().message));
        QCOMPARE(seeded->calls, 1);
        QCOMPARE(seeded->recordings, 1);
        QCOMPARE(seeded->phoneNumbers, 1);
        const RecordingRecord r = *store.recording(QStringLiteral("REaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
        QCOMPARE(r.samples, src.samples);
        QCOMPARE(formatRfc2822(r.dateCreated), QStringLiteral("Fri, 02 Jan 2026 03:04:15 +0000"));
        QCOMPARE(store.call(QStringLiteral("CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"))->durationSeconds, 10);
        QVERIFY(!seedFromJson(store, "[1]", dir.path()).ok());
        QCOMPARE(seedFromJson(store, R"({"recordings":[{"wav":"missing.wav"}]})", dir.path()).error().code,
                 QStringLiteral("restapi.seed.bad_entry"));

        RestApiStore fromFolder;
        Result<SeedCounts> folder = seedFromFolder(fromFolder, dir.path());
        QVERIFY(folder.ok());
        QCOMPARE(folder->recordings, 1);
        const RecordingRecord f = fromFolder.recordings().first();
        QCOMPARE(f.samples, src.samples);
        QVERIFY(fromFolder.call(f.callSid).has_value());
    }
};

QTEST_GUILESS_MAIN(TestRestApiServer)
#include "TestRestApiServer.moc"
