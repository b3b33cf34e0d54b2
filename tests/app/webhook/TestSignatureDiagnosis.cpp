// SPDX-License-Identifier: GPL-3.0-or-later
// Why a signature was refused: each cause, with signatures computed by twilio's own Signature code
// for the URL Twilio would have signed, checked against what the listener received.
#include "TestSupport.h"
#include "twilio/Signature.h"
#include "webhook/SignatureDiagnosis.h"

#include <QJsonArray>
#include <QtTest>

using namespace sb;
using webhook::DiagnosisCause;

namespace {
const QByteArray kToken = QByteArrayLiteral("diagnosis-token");
const QString kPublic = QStringLiteral("https://abc.trycloudflare.com");

twilio::FormParams params()
{
    return test::callParams(QStringLiteral("CA0123456789abcdef0123456789abcdef"), QStringLiteral("ringing"));
}

/// What the listener received for POST `path`?`query` signed by Twilio for `signedUrl`.
webhook::DiagnosisRequest received(const QByteArray& path,
                                   const QByteArray& query,
                                   const QString& signedUrl,
                                   const QByteArray& host = "abc.trycloudflare.com")
{
    webhook::DiagnosisRequest r;
    r.publicBase = kPublic;
    r.path = path;
    r.query = query;
    r.headers = {{"Host", host}, {"Content-Type", "application/x-www-form-urlencoded"}};
    r.params = params();
    r.body = twilio::encodeFormBody(r.params);
    r.signature = signedUrl.isEmpty() ? QByteArray() : twilio::signature::compute(kToken, signedUrl, r.params);
    return r;
}
} // namespace

class TestSignatureDiagnosis : public QObject
{
    Q_OBJECT

private slots:
    void validSignatureHasNoCause()
    {
        const auto d = webhook::diagnoseSignature(kToken, received("/voice", "", kPublic + QStringLiteral("/voice")));
        QCOMPARE(d.cause, DiagnosisCause::None);
    }

    void missingHeader()
    {
        const auto d = webhook::diagnoseSignature(kToken, received("/voice", "", QString()));
        QCOMPARE(d.cause, DiagnosisCause::MissingSignature);
        QCOMPARE(d.summary, QStringLiteral("no X-Twilio-Signature: not from Twilio, or a proxy stripped it"));
        QCOMPARE(d.toJson().value(QLatin1String("cause")).toString(), QStringLiteral("missing-signature"));
    }

    void noAuthToken()
    {
        const auto d =
            webhook::diagnoseSignature(QByteArray(), received("/voice", "", kPublic + QStringLiteral("/voice")));
        QCOMPARE(d.cause, DiagnosisCause::NoAuthToken);
    }

    void otherHostIsTheWrongPublicUrl()
    {
        // Twilio calls the tunnel's old URL; the Host header names it.
        const QString old = QStringLiteral("https://old-tunnel.trycloudflare.com/voice");
        const auto d = webhook::diagnoseSignature(kToken, received("/voice", "", old, "old-tunnel.trycloudflare.com"));
        QCOMPARE(d.cause, DiagnosisCause::WrongPublicUrl);
        QCOMPARE(d.expectedUrl, kPublic + QStringLiteral("/voice"));
        QCOMPARE(d.summary,
                 QStringLiteral("wrong public URL (Twilio signed %1; we expected %2/voice)").arg(old, kPublic));
        QCOMPARE(d.toJson().value(QLatin1String("signed_url")).toString(), old);
    }

    void httpInsteadOfHttps()
    {
        const auto d = webhook::diagnoseSignature(
            kToken, received("/voice", "", QStringLiteral("http://abc.trycloudflare.com/voice")));
        QCOMPARE(d.cause, DiagnosisCause::WrongPublicUrl);
        QVERIFY(d.summary.contains(QLatin1String("Twilio signed http://abc.trycloudflare.com/voice")));
    }

    void hostHeaderWithAPort()
    {
        // Twilio calls http://host:8080 directly (no tunnel); we expect the https public URL.
        const QString direct = QStringLiteral("http://203.0.113.7:8080/voice");
        const auto d = webhook::diagnoseSignature(kToken, received("/voice", "", direct, "203.0.113.7:8080"));
        QCOMPARE(d.cause, DiagnosisCause::WrongPublicUrl);
        QCOMPARE(d.signedUrl, direct);
    }

    void droppedQueryIsAProxyRewrite()
    {
        // Twilio signed /voice; a proxy added ?via=edge on the way.
        const auto d =
            webhook::diagnoseSignature(kToken, received("/voice", "via=edge", kPublic + QStringLiteral("/voice")));
        QCOMPARE(d.cause, DiagnosisCause::ProxyRewrote);
        QVERIFY2(d.summary.startsWith(QLatin1String("a proxy rewrote the request (a query string was added")),
                 qPrintable(d.summary));
        QVERIFY(d.summary.contains(kPublic + QStringLiteral("/voice;")));
    }

    void encodedPathIsAProxyRewrite()
    {
        // Twilio signed /hooks/call(1); a proxy passed it on percent-encoded.
        const auto d = webhook::diagnoseSignature(
            kToken, received("/hooks/call%281%29", "", kPublic + QStringLiteral("/hooks/call(1)")));
        QCOMPARE(d.cause, DiagnosisCause::ProxyRewrote);
        QVERIFY2(d.summary.contains(QLatin1String("percent-decoded")), qPrintable(d.summary));
        QCOMPARE(d.signedUrl, kPublic + QStringLiteral("/hooks/call(1)"));
    }

    void decodedPathIsAProxyRewrite()
    {
        // Twilio signed /hooks/call%281%29 as configured; a proxy decoded it.
        const auto d = webhook::diagnoseSignature(
            kToken, received("/hooks/call(1)", "", kPublic + QStringLiteral("/hooks/call%281%29")));
        QCOMPARE(d.cause, DiagnosisCause::ProxyRewrote);
        QVERIFY2(d.summary.contains(QLatin1String("percent-encoding")), qPrintable(d.summary));
    }

    void trailingSlash()
    {
        const auto d = webhook::diagnoseSignature(kToken, received("/voice/", "", kPublic + QStringLiteral("/voice")));
        QCOMPARE(d.cause, DiagnosisCause::ProxyRewrote);
        QVERIFY2(d.summary.contains(QLatin1String("trailing /")), qPrintable(d.summary));
    }

    void otherTokenMatchesNothing()
    {
        auto r = received("/voice", "", kPublic + QStringLiteral("/voice"));
        r.signature = twilio::signature::compute("another-token", kPublic + QStringLiteral("/voice"), r.params);
        const auto d = webhook::diagnoseSignature(kToken, r);
        QCOMPARE(d.cause, DiagnosisCause::WrongTokenOrBody);
        QCOMPARE(d.summary, QStringLiteral("wrong auth token (or the body was changed on the way)"));
        QVERIFY(d.triedUrls.size() >= 4); // the other scheme, and each with a trailing /
        QCOMPARE(d.triedUrls.first(), kPublic + QStringLiteral("/voice"));
    }

    void changedParameterMatchesNothing()
    {
        auto r = received("/voice", "", kPublic + QStringLiteral("/voice"));
        r.params.append({QStringLiteral("Injected"), QStringLiteral("1")});
        QCOMPARE(webhook::diagnoseSignature(kToken, r).cause, DiagnosisCause::WrongTokenOrBody);
    }

    void jsonBodyChanged()
    {
        const QByteArray body = R"({"a":1})";
        const QString url = twilio::signature::urlWithBodyHash(kPublic + QStringLiteral("/transcription"), body);
        webhook::DiagnosisRequest r;
        r.publicBase = kPublic;
        r.path = "/transcription";
        r.query = QUrl(url).query(QUrl::FullyEncoded).toUtf8();
        r.jsonBody = true;
        r.body = R"({"a":2})";
        r.signature = twilio::signature::compute(kToken, url);
        QCOMPARE(webhook::diagnoseSignature(kToken, r).cause, DiagnosisCause::BodyChanged);
    }

    void jsonRecordsParametersButNoSecrets()
    {
        auto r = received("/voice", "", QString());
        r.params.append({QStringLiteral("callToken"), QStringLiteral("s3cret")});
        const QJsonObject json = webhook::diagnoseSignature(kToken, r).toJson();
        const QJsonArray list = json.value(QLatin1String("parameters")).toArray();
        QCOMPARE(list.size(), r.params.size());
        QCOMPARE(list.first().toObject().value(QLatin1String("name")).toString(), r.params.first().first);
        QVERIFY(!QJsonDocument(json).toJson().contains("s3cret"));
        QVERIFY(!QJsonDocument(json).toJson().contains(kToken));
    }
};

QTEST_GUILESS_MAIN(TestSignatureDiagnosis)
#include "TestSignatureDiagnosis.moc"
