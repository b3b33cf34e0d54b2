// SPDX-License-Identifier: GPL-3.0-or-later
// Signature vectors from app/twilio/PROTOCOL.md §3.5 (recomputed from Twilio's own test suites).
#include "twilio/Form.h"
#include "twilio/Signature.h"

#include <QtTest>

using namespace sb::twilio;
namespace sig = sb::twilio::signature;

namespace {
const QByteArray kToken = QByteArrayLiteral("12345");
const QString kBase = QStringLiteral("https://mycompany.com/myapp.php?foo=1&bar=2");

FormParams docParams()
{
    return {{QStringLiteral("CallSid"), QStringLiteral("CA1234567890ABCDE")},
            {QStringLiteral("Caller"), QStringLiteral("+14158675309")},
            {QStringLiteral("Digits"), QStringLiteral("1234")},
            {QStringLiteral("From"), QStringLiteral("+14158675309")},
            {QStringLiteral("To"), QStringLiteral("+18005551212")}};
}
} // namespace

class TestSignature : public QObject
{
    Q_OBJECT

private slots:
    void signedPayloadSortsByNameWithoutSeparators()
    {
        FormParams shuffled = docParams();
        std::reverse(shuffled.begin(), shuffled.end());
        QCOMPARE(sig::signedPayload(kBase, shuffled),
                 QByteArrayLiteral("https://mycompany.com/myapp.php?foo=1&bar=2CallSidCA1234567890ABCDECaller+"
                                   "14158675309Digits1234From+14158675309To+18005551212"));
    }

    void signedPayloadUsesCodePointOrder()
    {
        const FormParams params{{QStringLiteral("alpha"), QStringLiteral("1")},
                                {QStringLiteral("Zeta"), QStringLiteral("2")}};
        QCOMPARE(sig::signedPayload(QStringLiteral("u"), params), QByteArrayLiteral("uZeta2alpha1"));
    }

    void computesDocumentedVectors_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QByteArray>("expected");
        QTest::newRow("https no port") << kBase << QByteArrayLiteral("RSOYDt4T1cUTdK1PDd93/VVr8B8=");
        QTest::newRow("https :443") << QStringLiteral("https://mycompany.com:443/myapp.php?foo=1&bar=2")
                                    << QByteArrayLiteral("kvajT1Ptam85bY51eRf/AJRuM3w=");
        QTest::newRow("http :80") << QStringLiteral("http://mycompany.com:80/myapp.php?foo=1&bar=2")
                                  << QByteArrayLiteral("0ZXoZLH/DfblKGATFgpif+LLRf4=");
        QTest::newRow("http :1234") << QStringLiteral("http://mycompany.com:1234/myapp.php?foo=1&bar=2")
                                    << QByteArrayLiteral("Zmvh+3yNM1Phv2jhDCwEM3q5ebU=");
        QTest::newRow("userinfo") << QStringLiteral("https://user:pass@mycompany.com/myapp.php?foo=1&bar=2")
                                  << QByteArrayLiteral("CukzLTc1tT5dXEDIHm/tKBanW10=");
        QTest::newRow("encoded query") << kBase + QStringLiteral("&Body=It%27s+amazing")
                                       << QByteArrayLiteral("TfZzewPq8wqrGlMfyAud8+/IvJ0=");
    }
    void computesDocumentedVectors()
    {
        QFETCH(QString, url);
        QFETCH(QByteArray, expected);
        QCOMPARE(sig::compute(kToken, url, docParams()), expected);
    }

    void computesDocsWorkedExample()
    {
        const FormParams params{{QStringLiteral("Digits"), QStringLiteral("1234")},
                                {QStringLiteral("To"), QStringLiteral("+18005551212")},
                                {QStringLiteral("From"), QStringLiteral("+14158675310")},
                                {QStringLiteral("Caller"), QStringLiteral("+14158675310")},
                                {QStringLiteral("CallSid"), QStringLiteral("CA1234567890ABCDE")}};
        const QString url = QStringLiteral("https://example.com/myapp.php?foo=1&bar=2");
        QCOMPARE(sig::compute(kToken, url, params), QByteArrayLiteral("L/OH5YylLD5NRKLltdqwSvS0BnU="));
        QCOMPARE(QByteArray::fromBase64(sig::compute(kToken, url, params)).toHex(),
                 QByteArrayLiteral("2ff387e58ca52c3e4d44a2e5b5dab04af4b40675"));
    }

    void repeatedNamesUseDistinctSortedValues()
    {
        const FormParams params{{QStringLiteral("Sid"), QStringLiteral("CA123")},
                                {QStringLiteral("SidAccount"), QStringLiteral("AC123")},
                                {QStringLiteral("Digits"), QStringLiteral("5678")},
                                {QStringLiteral("Digits"), QStringLiteral("1234")},
                                {QStringLiteral("Digits"), QStringLiteral("1234")}};
        QCOMPARE(sig::signedPayload(QString(), params),
                 QByteArrayLiteral("Digits1234Digits5678SidCA123SidAccountAC123"));
        QCOMPARE(sig::compute(kToken, kBase, params), QByteArrayLiteral("IK+Dwps556ElfBT0I3Rgjkr1wJU="));
    }

    void arrayValueOrderDoesNotMatter()
    {
        const QString name = QStringLiteral("MessagingBinding.Address");
        const FormParams a{{name, QStringLiteral("+1325xxxxxxx")}, {name, QStringLiteral("+1415xxxxxxx")}};
        const FormParams b{{name, QStringLiteral("+1415xxxxxxx")}, {name, QStringLiteral("+1325xxxxxxx")}};
        QCOMPARE(sig::compute(kToken, kBase, a), QByteArrayLiteral("83O6e2vORAoJHUNzJjDWN1jz+BA="));
        QCOMPARE(sig::compute(kToken, kBase, b), QByteArrayLiteral("83O6e2vORAoJHUNzJjDWN1jz+BA="));
    }

    void validatorAcceptsPortVariants()
    {
        // Signed without port, validated against a URL that has one (https: port stripped).
        auto check = sig::validate(kToken,
                                   "RSOYDt4T1cUTdK1PDd93/VVr8B8=",
                                   QStringLiteral("https://mycompany.com:1234/myapp.php?foo=1&bar=2"),
                                   docParams());
        QVERIFY2(check.valid(), qPrintable(check.reason()));
        // Signed with :443, validated against the port-less URL (port added).
        check = sig::validate(kToken, "kvajT1Ptam85bY51eRf/AJRuM3w=", kBase, docParams());
        QVERIFY2(check.valid(), qPrintable(check.reason()));
        QCOMPARE(check.matchedUrl, QStringLiteral("https://mycompany.com:443/myapp.php?foo=1&bar=2"));
        check = sig::validate(kToken,
                              "0ZXoZLH/DfblKGATFgpif+LLRf4=",
                              QStringLiteral("http://mycompany.com/myapp.php?foo=1&bar=2"),
                              docParams());
        QVERIFY(check.valid());
    }

    void validatorRejectsTampering_data()
    {
        QTest::addColumn<QByteArray>("token");
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("param");
        QTest::addColumn<QString>("value");
        QTest::newRow("wrong token") << QByteArrayLiteral("54321") << kBase << QString() << QString();
        QTest::newRow("other path") << kToken << QStringLiteral("https://mycompany.com/other.php?foo=1&bar=2")
                                    << QString() << QString();
        QTest::newRow("other host") << kToken << QStringLiteral("https://evil.com/myapp.php?foo=1&bar=2") << QString()
                                    << QString();
        QTest::newRow("changed value") << kToken << kBase << QStringLiteral("Digits") << QStringLiteral("9999");
        QTest::newRow("added param") << kToken << kBase << QStringLiteral("Extra") << QStringLiteral("1");
        QTest::newRow("case of name") << kToken << kBase << QStringLiteral("digits") << QStringLiteral("1234");
    }
    void validatorRejectsTampering()
    {
        QFETCH(QByteArray, token);
        QFETCH(QString, url);
        QFETCH(QString, param);
        QFETCH(QString, value);
        FormParams params = docParams();
        if (!param.isEmpty()) {
            bool replaced = false;
            for (auto& p : params) {
                if (p.first == param) {
                    p.second = value;
                    replaced = true;
                }
            }
            if (!replaced)
                params.append({param, value});
        }
        const auto check = sig::validate(token, "RSOYDt4T1cUTdK1PDd93/VVr8B8=", url, params);
        QCOMPARE(check.verdict, sig::Verdict::Mismatch);
        QVERIFY(!check.reason().isEmpty());
    }

    void missingHeaderAndTokenAreReportedSeparately()
    {
        QCOMPARE(sig::validate(kToken, QByteArray(), kBase, docParams()).verdict, sig::Verdict::MissingHeader);
        QCOMPARE(sig::validate(QByteArray(), "RSOYDt4T1cUTdK1PDd93/VVr8B8=", kBase, docParams()).verdict,
                 sig::Verdict::NoAuthToken);
    }

    void legacyQuerystringVariantMakesEncodedQuoteEquivalent()
    {
        const QString encoded = kBase + QStringLiteral("&Body=It%27s+amazing");
        const QString literal = kBase + QStringLiteral("&Body=It's%20amazing");
        const QByteArray header = sig::compute(kToken, literal, docParams());
        QVERIFY(sig::validate(kToken, header, encoded, docParams()).valid());
    }

    void jsonBodyVectors()
    {
        const QByteArray body = QByteArrayLiteral("{\"property\": \"value\", \"boolean\": true}");
        QCOMPARE(sig::bodySha256Hex(body),
                 QByteArrayLiteral("0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620"));
        const QString url = sig::urlWithBodyHash(kBase, body);
        QCOMPARE(url,
                 kBase +
                     QStringLiteral("&bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620"));
        QCOMPARE(sig::compute(kToken, url), QByteArrayLiteral("a9nBmqA0ju/hNViExpshrM61xv4="));
        const QString bare = sig::urlWithBodyHash(QStringLiteral("https://mycompany.com/myapp.php"), body);
        QCOMPARE(sig::compute(kToken, bare), QByteArrayLiteral("y77kIzt2vzLz71DgmJGsen2scGs="));

        auto check = sig::validateWithBody(kToken, "a9nBmqA0ju/hNViExpshrM61xv4=", url, body);
        QVERIFY2(check.valid(), qPrintable(check.reason()));
        check = sig::validateWithBody(kToken, "a9nBmqA0ju/hNViExpshrM61xv4=", url, body + ' ');
        QCOMPARE(check.verdict, sig::Verdict::BodyHashMismatch);
        check = sig::validateWithBody(kToken, sig::compute(kToken, kBase), kBase, body);
        QCOMPARE(check.verdict, sig::Verdict::MissingBodyHash);
    }

    void emptyJsonBodyPassesOnlyThroughAddedPort()
    {
        const QByteArray body = QByteArrayLiteral("{}");
        QCOMPARE(sig::bodySha256Hex(body),
                 QByteArrayLiteral("44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"));
        const QString url = sig::urlWithBodyHash(kBase, body);
        QCOMPARE(sig::compute(kToken, url), QByteArrayLiteral("rw/jVviOgicj2+kHZULvebnA4ag="));
        const auto check = sig::validateWithBody(kToken, "Ldidvp12m26NI7eqEvxnEpkd9Hc=", url, body);
        QVERIFY2(check.valid(), qPrintable(check.reason()));
        QVERIFY(check.matchedUrl.contains(QLatin1String(":443")));
    }

    void docsJsonBodyHash()
    {
        QCOMPARE(
            sig::bodySha256Hex(QByteArrayLiteral("{\"CallSid\":\"CA1234567890ABCDE\",\"Caller\":\"+12349013030\"}")),
            QByteArrayLiteral("5ccde7145dfb8f56479710896586cb9d5911809d83afbe34627818790db0aec9"));
    }

    void signingUrlDropsFragmentUserinfoAndHttpsPort_data()
    {
        QTest::addColumn<QString>("configured");
        QTest::addColumn<QString>("expected");
        QTest::newRow("fragment") << QStringLiteral("https://a.example/voice#rc=3&rp=all")
                                  << QStringLiteral("https://a.example/voice");
        QTest::newRow("userinfo") << QStringLiteral("https://u:p@a.example/voice")
                                  << QStringLiteral("https://a.example/voice");
        QTest::newRow("https port") << QStringLiteral("https://a.example:8443/voice?x=1")
                                    << QStringLiteral("https://a.example/voice?x=1");
        QTest::newRow("http keeps port") << QStringLiteral("http://u:p@127.0.0.1:8080/voice")
                                         << QStringLiteral("http://127.0.0.1:8080/voice");
        QTest::newRow("ipv6") << QStringLiteral("http://[::1]:8080/v") << QStringLiteral("http://[::1]:8080/v");
    }
    void signingUrlDropsFragmentUserinfoAndHttpsPort()
    {
        QFETCH(QString, configured);
        QFETCH(QString, expected);
        QCOMPARE(sig::signingUrl(configured), expected);
    }

    void webSocketUpgradeAcceptsTrailingSlashVariant()
    {
        const QString url = QStringLiteral("wss://abc.trycloudflare.com/stream");
        QByteArray header = sig::compute(kToken, url);
        QVERIFY(sig::validateWebSocket(kToken, header, url).valid());
        header = sig::compute(kToken, url + QLatin1Char('/'));
        QVERIFY(sig::validateWebSocket(kToken, header, url).valid());
        QVERIFY(!sig::validateWebSocket(kToken, header, QStringLiteral("wss://abc.trycloudflare.com/other")).valid());
    }

    void constantTimeEqualsComparesWholeBuffers()
    {
        QVERIFY(sig::constantTimeEquals("abc", "abc"));
        QVERIFY(!sig::constantTimeEquals("abc", "abd"));
        QVERIFY(!sig::constantTimeEquals("abc", "ab"));
        QVERIFY(sig::constantTimeEquals(QByteArray(), QByteArray()));
    }

    void formBodyDecodesPlusAndPercent()
    {
        const FormParams p =
            parseFormBody("From=%2B14155550123&FromCity=SAN+FRANCISCO&Empty=&Flag&&Caf%C3%A9=%E2%82%AC");
        QCOMPARE(p.size(), 5);
        QCOMPARE(formValue(p, u"From"), QStringLiteral("+14155550123"));
        QCOMPARE(formValue(p, u"FromCity"), QStringLiteral("SAN FRANCISCO"));
        QVERIFY(!formValue(p, u"Empty").isNull());
        QVERIFY(formValue(p, u"Empty").isEmpty());
        QVERIFY(!formValue(p, u"Flag").isNull());
        QCOMPARE(formValue(p, QString::fromUtf8("Café")), QString::fromUtf8("€"));
        QVERIFY(formValue(p, u"Missing").isNull());
    }

    void formBodyRoundTrips()
    {
        const FormParams p{{QStringLiteral("A b"), QStringLiteral("x+y&z=1 %")},
                           {QStringLiteral("E"), QStringLiteral("")},
                           {QStringLiteral("E"), QString::fromUtf8("é😀")}};
        const QByteArray body = encodeFormBody(p);
        QCOMPARE(body, QByteArrayLiteral("A+b=x%2By%26z%3D1+%25&E=&E=%C3%A9%F0%9F%98%80"));
        QCOMPARE(parseFormBody(body), p);
        QCOMPARE(formValues(p, u"E").size(), 2);
    }
};

QTEST_GUILESS_MAIN(TestSignature)
#include "TestSignature.moc"
