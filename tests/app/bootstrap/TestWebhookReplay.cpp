// SPDX-License-Identifier: GPL-3.0-or-later
// Replay over a real core (listener on loopback, SQLite in a temp folder): Core::replayWebhook
// re-signs inside the core, an edited replay carries the edits, every replay is stored as one and
// none changes a call; a refused request is stored with its signature diagnosis.
#include "TestSupport.h"
#include "bootstrap/Core.h"
#include "bootstrap/WebhookReplay.h"
#include "storage/HistoryQueries.h"
#include "storage/Storage.h"
#include "twilio/Signature.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTemporaryDir>
#include <QtTest>

using namespace sb;

namespace {
const QByteArray kToken = QByteArrayLiteral("replay-test-token");
const QString kSid = QStringLiteral("CA0123456789abcdef0123456789abcdef");

struct Posted
{
    int status = 0;
    qint64 entryId = 0;
};
} // namespace

class TestWebhookReplay : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<bootstrap::Core> m_core;

    /// POSTs a form to the core's listener; `signature` null: signed properly, empty: unsigned.
    Posted post(const QString& path, const twilio::FormParams& params, const QByteArray& signature = QByteArray())
    {
        const QString url = m_core->publicUrl() + path;
        QNetworkAccessManager manager;
        QNetworkRequest request{QUrl(url)};
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/x-www-form-urlencoded"));
        if (signature.isNull())
            request.setRawHeader("X-Twilio-Signature", twilio::signature::compute(kToken, url, params));
        else if (!signature.isEmpty())
            request.setRawHeader("X-Twilio-Signature", signature);
        QSignalSpy stored(m_core.get(), &bootstrap::Core::webhookStored);
        QNetworkReply* reply = manager.post(request, twilio::encodeFormBody(params));
        QSignalSpy finished(reply, &QNetworkReply::finished);
        Posted out;
        if (!finished.wait(10000))
            return out;
        out.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        reply->deleteLater();
        if (stored.isEmpty() && !stored.wait(10000))
            return out;
        out.entryId = stored.first().first().value<storage::WebhookLogEntry>().id;
        return out;
    }

    Result<bootstrap::ReplayResult> replay(qint64 id, std::optional<bootstrap::ReplayEdits> edits = std::nullopt)
    {
        std::optional<Result<bootstrap::ReplayResult>> result;
        m_core->replayWebhook(id, std::move(edits), this, [&](Result<bootstrap::ReplayResult> r) { result = r; });
        if (!QTest::qWaitFor([&] { return result.has_value(); }, 20000))
            return makeError(QStringLiteral("test.timeout"), QStringLiteral("no replay result"));
        return *result;
    }

    storage::WebhookLogEntry entry(qint64 id)
    {
        auto history = storage::HistoryQueries::open(m_core->databasePath());
        if (!history.ok())
            return {};
        const auto found = history.value()->webhookEntry(id);
        return found.ok() ? found.value() : storage::WebhookLogEntry{};
    }

private slots:
    void init()
    {
        bootstrap::CoreOptions options;
        options.dataDir = m_dir.filePath(QString::fromLatin1(QTest::currentTestFunction()));
        options.port = 0;
        options.authToken = [] { return kToken; };
        m_core = std::make_unique<bootstrap::Core>(options);
        const auto started = m_core->start();
        QVERIFY2(started.ok(), qPrintable(started.ok() ? QString() : started.error().message));
    }

    void cleanup() { m_core.reset(); }

    void signedReplayIsAcceptedAndStoredAsAReplay()
    {
        const Posted voice = post(QStringLiteral("/voice"), test::callParams(kSid, QStringLiteral("ringing")));
        QCOMPARE(voice.status, 200);
        QVERIFY(voice.entryId > 0);
        const auto result = replay(voice.entryId);
        QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().message));
        QCOMPARE(result->status, 200);
        QVERIFY(result->isSigned);
        QVERIFY(result->entryId > voice.entryId);
        QVERIFY(result->responseBody.contains("<Response>"));
        const storage::WebhookLogEntry stored = entry(result->entryId);
        QCOMPARE(stored.replayOf, voice.entryId);
        QCOMPARE(stored.signatureVerdict, QStringLiteral("valid"));
        QCOMPARE(stored.requestBody, entry(voice.entryId).requestBody);
    }

    void editedReplayCarriesTheEdits()
    {
        const Posted voice = post(QStringLiteral("/voice"), test::callParams(kSid, QStringLiteral("ringing")));
        QCOMPARE(voice.status, 200);
        bootstrap::ReplayEdits edits;
        edits.params = test::callParams(kSid, QStringLiteral("ringing"));
        for (auto& [name, value] : *edits.params) {
            if (name == QLatin1String("From"))
                value = QStringLiteral("+14155559999");
        }
        const auto result = replay(voice.entryId, edits);
        QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().message));
        QCOMPARE(result->status, 200);
        const storage::WebhookLogEntry stored = entry(result->entryId);
        QCOMPARE(stored.replayOf, voice.entryId);
        QCOMPARE(stored.signatureVerdict, QStringLiteral("valid"));
        QVERIFY(stored.requestBody.contains("From=%2B14155559999"));
        QCOMPARE(stored.requestBody, twilio::encodeFormBody(*edits.params));
    }

    void replayedCompletedStatusLeavesTheCallLive()
    {
        const Posted voice = post(QStringLiteral("/voice"), test::callParams(kSid, QStringLiteral("ringing")));
        QCOMPARE(voice.status, 200);
        const Posted answered = post(QStringLiteral("/status"), test::callParams(kSid, QStringLiteral("in-progress")));
        QCOMPARE(answered.status, 200);
        // The status callback, edited to say the call completed, replayed: the call stays live.
        bootstrap::ReplayEdits edits;
        edits.params = test::callParams(kSid, QStringLiteral("completed"));
        edits.params->append({QStringLiteral("CallDuration"), QStringLiteral("12")});
        const auto result = replay(answered.entryId, edits);
        QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().message));
        QCOMPARE(result->status, 200);
        QCOMPARE(entry(result->entryId).replayOf, answered.entryId);
        QVERIFY(entry(result->entryId).requestBody.contains("CallStatus=completed"));

        QVERIFY(m_core->storage()->flush());
        auto history = storage::HistoryQueries::open(m_core->databasePath());
        QVERIFY(history.ok());
        const auto detail = history.value()->callDetail(kSid);
        QVERIFY(detail.ok());
        QCOMPARE(detail->call.state, QStringLiteral("in-progress"));
        QVERIFY(!detail->call.endedAt.isValid());
        for (const storage::CallEvent& e : detail->events)
            QVERIFY2(e.kind != QLatin1String("status.completed"), qPrintable(e.kind));

        // The same callback from Twilio itself still ends the call: the replay was the difference.
        QCOMPARE(post(QStringLiteral("/status"), *edits.params).status, 200);
        QVERIFY(m_core->storage()->flush());
        QCOMPARE(history.value()->callDetail(kSid)->call.state, QStringLiteral("completed"));
    }

    void refusedRequestIsStoredWithItsDiagnosisAndReplaysUnsigned()
    {
        const twilio::FormParams params = test::callParams(kSid, QStringLiteral("ringing"));
        const QString wrongUrl = QStringLiteral("https://old.example.com/voice");
        const Posted bad = post(QStringLiteral("/voice"), params, twilio::signature::compute(kToken, wrongUrl, params));
        QCOMPARE(bad.status, 403);
        const storage::WebhookLogEntry refused = entry(bad.entryId);
        QCOMPARE(refused.signatureVerdict, QStringLiteral("mismatch"));
        QCOMPARE(refused.signatureDiagnosis.value(QLatin1String("cause")).toString(),
                 QStringLiteral("wrong-token-or-body"));
        QCOMPARE(refused.note, QStringLiteral("wrong auth token (or the body was changed on the way)"));
        QVERIFY(!refused.signatureDiagnosis.value(QLatin1String("parameters")).toArray().isEmpty());

        // A plain replay of a refused request is not signed, and is refused again.
        const auto result = replay(bad.entryId);
        QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().message));
        QVERIFY(!result->isSigned);
        QCOMPARE(result->status, 403);
        const storage::WebhookLogEntry again = entry(result->entryId);
        QCOMPARE(again.replayOf, bad.entryId);
        QCOMPARE(again.signatureDiagnosis.value(QLatin1String("cause")).toString(),
                 QStringLiteral("missing-signature"));
    }

    void unknownEntryIsAnError()
    {
        const auto result = replay(999999);
        QVERIFY(!result.ok());
        QCOMPARE(result.error().code, QStringLiteral("storage.not-found"));
    }
};

QTEST_GUILESS_MAIN(TestWebhookReplay)
#include "TestWebhookReplay.moc"
