// SPDX-License-Identifier: GPL-3.0-or-later
#include "HeadlessApp.h"

#include "twilio/Signature.h"
#include "twilio/TwimlParser.h"

#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QUuid>
#include <csignal>

namespace sb::test {

HeadlessApp::HeadlessApp(QString dataDir, QStringList extraArgs)
    : m_dataDir(std::move(dataDir))
    , m_extraArgs(std::move(extraArgs))
{
}

HeadlessApp::~HeadlessApp()
{
    if (m_process && m_process->state() != QProcess::NotRunning) {
        m_process->kill();
        m_process->waitForFinished(5000);
    }
}

void HeadlessApp::pump()
{
    if (!m_process)
        return;
    m_stdout += m_process->readAllStandardOutput();
    m_stderr += m_process->readAllStandardError();
}

bool HeadlessApp::start(int timeoutMs)
{
    m_process = std::make_unique<QProcess>();
    m_stdout.clear();
    m_stderr.clear();
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("HOME"), m_dataDir + QStringLiteral("/home"));
    m_process->setProcessEnvironment(env);
    QStringList args{QStringLiteral("--headless"),
                     QStringLiteral("--port"),
                     QStringLiteral("0"),
                     QStringLiteral("--data-dir"),
                     m_dataDir,
                     QStringLiteral("--auth-token-stdin")};
    args += m_extraArgs;
    m_process->start(QStringLiteral(SB_SWITCHBOARD_EXECUTABLE), args);
    if (!m_process->waitForStarted(5000))
        return false;
    m_process->write(kAuthToken + '\n');
    m_process->closeWriteChannel();
    if (!waitForLine(QStringLiteral("listening on"), timeoutMs))
        return false;
    static const QRegularExpression re(QStringLiteral("listening on [^ ]+:(\\d+) "));
    const auto match = re.match(QString::fromUtf8(m_stdout));
    m_port = quint16(match.captured(1).toUInt());
    return m_port != 0;
}

bool HeadlessApp::waitForLine(const QString& needle, int timeoutMs)
{
    const QByteArray wanted = needle.toUtf8();
    const bool seen = waitForOutput(
        *m_process,
        m_stdout,
        [&](const QByteArray& out) {
            m_stderr += m_process->readAllStandardError();
            return out.contains(wanted);
        },
        timeoutMs);
    pump();
    return seen;
}

bool HeadlessApp::waitForLineCount(const QString& needle, int count, int timeoutMs)
{
    const QByteArray wanted = needle.toUtf8();
    const bool seen = waitForOutput(
        *m_process,
        m_stdout,
        [&](const QByteArray& out) {
            m_stderr += m_process->readAllStandardError();
            return out.count(wanted) >= count;
        },
        timeoutMs);
    pump();
    return seen;
}

int HeadlessApp::terminate(int timeoutMs)
{
    if (!m_process)
        return -1;
    m_process->terminate();
    const bool exited = waitForExit(*m_process, timeoutMs);
    pump();
    if (!exited)
        return -1;
    return m_process->exitStatus() == QProcess::NormalExit ? m_process->exitCode() : -1;
}

void HeadlessApp::kill()
{
    if (!m_process)
        return;
    ::kill(pid_t(m_process->processId()), SIGKILL);
    m_process->waitForFinished(10000);
    pump();
}

QString HeadlessApp::baseUrl() const
{
    return QStringLiteral("http://127.0.0.1:%1").arg(m_port);
}

QString HeadlessApp::streamUrl() const
{
    return QStringLiteral("ws://127.0.0.1:%1/stream").arg(m_port);
}

HttpResult postSigned(const QString& url,
                      const twilio::FormParams& params,
                      const QByteArray& token,
                      const QString& signedUrl,
                      int timeoutMs)
{
    QNetworkAccessManager manager;
    QNetworkRequest request{QUrl(url)};
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/x-www-form-urlencoded"));
    request.setRawHeader("User-Agent", "TwilioProxy/1.1");
    request.setRawHeader("I-Twilio-Idempotency-Token", QUuid::createUuid().toByteArray(QUuid::WithoutBraces));
    if (!token.isNull())
        request.setRawHeader("X-Twilio-Signature",
                             twilio::signature::compute(token, signedUrl.isEmpty() ? url : signedUrl, params));
    QNetworkReply* reply = manager.post(request, twilio::encodeFormBody(params));
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    loop.exec();
    HttpResult result;
    if (!reply->isFinished()) {
        result.error = QStringLiteral("timeout");
        reply->abort();
    }
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.body = reply->readAll();
    if (reply->error() != QNetworkReply::NoError && result.status == 0)
        result.error = reply->errorString();
    reply->deleteLater();
    return result;
}

CommandResult runSwitchboard(const QStringList& args, const QByteArray& input, int timeoutMs)
{
    QProcess process;
    process.start(QStringLiteral(SB_SWITCHBOARD_EXECUTABLE), args);
    CommandResult r;
    if (!process.waitForStarted(timeoutMs))
        return r;
    process.write(input);
    process.closeWriteChannel();
    if (!process.waitForFinished(timeoutMs))
        return r;
    r.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    r.out = process.readAllStandardOutput();
    r.err = process.readAllStandardError();
    return r;
}

CommandResult runSwitchboard(const QStringList& args, int timeoutMs)
{
    return runSwitchboard(args, QByteArray(), timeoutMs);
}

QJsonObject showCallJson(const QString& dataDir, const QString& callSid)
{
    const CommandResult r = runSwitchboard({QStringLiteral("calls"),
                                            QStringLiteral("show"),
                                            callSid,
                                            QStringLiteral("--json"),
                                            QStringLiteral("--data-dir"),
                                            dataDir});
    if (r.exitCode != 0)
        qWarning("calls show failed (%d): %s", r.exitCode, r.err.constData());
    return QJsonDocument::fromJson(r.out).object();
}

QStringList eventKinds(const QJsonObject& call)
{
    QStringList kinds;
    for (const QJsonValue& e : call.value(QLatin1String("events")).toArray())
        kinds << e.toObject().value(QLatin1String("kind")).toString();
    return kinds;
}

QByteArray speechMuLaw(const QString& text, QString* error)
{
    QTemporaryDir dir;
    const QString wav = dir.filePath(QStringLiteral("speech.wav"));
    const QString raw = dir.filePath(QStringLiteral("speech.ulaw"));
    QProcess espeak;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("HOME"), dir.path());
    espeak.setProcessEnvironment(env);
    espeak.start(QStringLiteral("espeak-ng"), {QStringLiteral("-w"), wav, text});
    if (!espeak.waitForFinished(30000) || espeak.exitCode() != 0) {
        *error = QStringLiteral("espeak-ng failed: ") + QString::fromUtf8(espeak.readAllStandardError()) +
                 espeak.errorString();
        return {};
    }
    QProcess sox;
    sox.start(QStringLiteral("sox"),
              {wav,
               QStringLiteral("-r"),
               QStringLiteral("8000"),
               QStringLiteral("-c"),
               QStringLiteral("1"),
               QStringLiteral("-e"),
               QStringLiteral("mu-law"),
               QStringLiteral("-t"),
               QStringLiteral("raw"),
               raw});
    if (!sox.waitForFinished(30000) || sox.exitCode() != 0) {
        *error = QStringLiteral("sox failed: ") + QString::fromUtf8(sox.readAllStandardError()) + sox.errorString();
        return {};
    }
    QFile file(raw);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = file.errorString();
        return {};
    }
    return file.readAll();
}

namespace {
const twilio::TwimlNode* findElement(const twilio::TwimlNode& node, const QString& name)
{
    if (node.name == name)
        return &node;
    for (const auto& child : node.children) {
        if (const auto* found = findElement(child, name))
            return found;
    }
    return nullptr;
}

void collectParameters(const twilio::TwimlNode& node, QHash<QString, QString>& out)
{
    if (node.name == QLatin1String("Parameter"))
        out.insert(node.attribute(u"name"), node.attribute(u"value"));
    for (const auto& child : node.children)
        collectParameters(child, out);
}
} // namespace

QString twimlParameter(const QByteArray& twiml, const QString& name)
{
    const auto root = twilio::parseTwiml(twiml);
    if (!root.ok())
        return QString();
    QHash<QString, QString> parameters;
    collectParameters(root.value(), parameters);
    return parameters.value(name);
}

QString twimlStreamUrl(const QByteArray& twiml)
{
    const auto root = twilio::parseTwiml(twiml);
    if (!root.ok())
        return QString();
    const auto* stream = findElement(root.value(), QStringLiteral("Stream"));
    return stream ? stream->attribute(u"url") : QString();
}

} // namespace sb::test
