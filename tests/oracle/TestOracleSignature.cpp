// SPDX-License-Identifier: GPL-3.0-or-later
// Oracle test: Twilio's official helper library (npm `twilio`, run by signature-oracle.js)
// signs and validates a few hundred generated requests; ours must agree with every one.
#include "twilio/Form.h"
#include "twilio/Signature.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QtTest>

using namespace sb::twilio;
namespace sig = sb::twilio::signature;

namespace {

FormParams toParams(const QJsonArray& pairs)
{
    FormParams params;
    for (const QJsonValue& p : pairs) {
        const QJsonArray pair = p.toArray();
        params.append({pair.at(0).toString(), pair.at(1).toString()});
    }
    return params;
}

} // namespace

class TestOracleSignature : public QObject
{
    Q_OBJECT

private:
    QJsonArray m_cases;
    QString m_library;

private slots:
    void initTestCase()
    {
        const QString node = QStringLiteral(SB_NODE_EXECUTABLE);
        const QString script = QStringLiteral(SB_ORACLE_DIR "/signature-oracle.js");
        QVERIFY2(!node.isEmpty() && QFileInfo(node).isExecutable(),
                 "node was not found at configure time; run the test command, which installs nodejs");
        QVERIFY2(QFileInfo::exists(QStringLiteral(SB_ORACLE_DIR "/node_modules/twilio/package.json")),
                 "npm package 'twilio' is missing; run: npm ci --prefix tests/oracle");
        QProcess proc;
        // SB_ORACLE_SEED / SB_ORACLE_COUNT explore other generated sets; CI uses the fixed defaults.
        const QString seed = qEnvironmentVariable("SB_ORACLE_SEED", QStringLiteral("20261125"));
        const int count =
            qEnvironmentVariableIntValue("SB_ORACLE_COUNT") > 0 ? qEnvironmentVariableIntValue("SB_ORACLE_COUNT") : 300;
        proc.start(node, {script, QStringLiteral("--count"), QString::number(count), QStringLiteral("--seed"), seed});
        QVERIFY2(proc.waitForFinished(60000), "the oracle script did not finish within 60 s");
        QVERIFY2(proc.exitStatus() == QProcess::NormalExit && proc.exitCode() == 0,
                 qPrintable(QString::fromUtf8(proc.readAllStandardError())));
        QJsonParseError error{};
        const QJsonDocument doc = QJsonDocument::fromJson(proc.readAllStandardOutput(), &error);
        QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
        m_cases = doc.object().value(QLatin1String("cases")).toArray();
        m_library = doc.object().value(QLatin1String("library")).toString();
        QCOMPARE(m_cases.size(), qsizetype(count));
        qInfo("oracle: %s, %lld cases", qPrintable(m_library), static_cast<long long>(m_cases.size()));
    }

    void signaturesMatchByteForByte()
    {
        for (qsizetype i = 0; i < m_cases.size(); ++i) {
            const QJsonObject c = m_cases.at(i).toObject();
            const QByteArray token = c.value(QLatin1String("token")).toString().toUtf8();
            const QString url = c.value(QLatin1String("url")).toString();
            const QByteArray ours = sig::compute(token, url, toParams(c.value(QLatin1String("pairs")).toArray()));
            const QByteArray theirs = c.value(QLatin1String("signature")).toString().toLatin1();
            QVERIFY2(ours == theirs,
                     qPrintable(QStringLiteral("case %1 url %2: ours %3, twilio %4")
                                    .arg(i)
                                    .arg(url, QString::fromLatin1(ours), QString::fromLatin1(theirs))));
        }
    }

    void validationVerdictsAgree()
    {
        int checked = 0;
        int accepted = 0;
        for (qsizetype i = 0; i < m_cases.size(); ++i) {
            const QJsonObject c = m_cases.at(i).toObject();
            const QString caseToken = c.value(QLatin1String("token")).toString();
            for (const QJsonValue& v : c.value(QLatin1String("checks")).toArray()) {
                const QJsonObject check = v.toObject();
                const QString token = check.value(QLatin1String("token")).toString(caseToken);
                const QString url = check.value(QLatin1String("url")).toString();
                const bool expected = check.value(QLatin1String("valid")).toBool();
                const auto ours = sig::validate(token.toUtf8(),
                                                check.value(QLatin1String("header")).toString().toLatin1(),
                                                url,
                                                toParams(check.value(QLatin1String("pairs")).toArray()));
                QVERIFY2(ours.valid() == expected,
                         qPrintable(QStringLiteral("case %1 url %2: twilio says %3, we say %4 (%5)")
                                        .arg(i)
                                        .arg(url)
                                        .arg(expected)
                                        .arg(ours.valid())
                                        .arg(ours.reason())));
                ++checked;
                accepted += expected ? 1 : 0;
            }
        }
        // Both outcomes must be exercised, or the comparison proves little.
        QVERIFY(accepted > 100);
        QVERIFY(checked - accepted > 100);
    }

    void bodyHashVariantAgrees()
    {
        for (qsizetype i = 0; i < m_cases.size(); ++i) {
            const QJsonObject c = m_cases.at(i).toObject();
            const QByteArray token = c.value(QLatin1String("token")).toString().toUtf8();
            const QJsonObject body = c.value(QLatin1String("body")).toObject();
            const QString url = body.value(QLatin1String("url")).toString();
            const QByteArray header = body.value(QLatin1String("signature")).toString().toLatin1();
            QCOMPARE(sig::compute(token, url), header);
            for (const QJsonValue& v : body.value(QLatin1String("checks")).toArray()) {
                const QJsonObject check = v.toObject();
                const QByteArray raw = check.value(QLatin1String("body")).toString().toUtf8();
                QCOMPARE(sig::bodySha256Hex(raw) == body.value(QLatin1String("hash")).toString().toLatin1(),
                         check.value(QLatin1String("valid")).toBool());
                const auto ours = sig::validateWithBody(token, header, url, raw);
                QVERIFY2(ours.valid() == check.value(QLatin1String("valid")).toBool(),
                         qPrintable(QStringLiteral("case %1: %2").arg(i).arg(ours.reason())));
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestOracleSignature)
#include "TestOracleSignature.moc"
