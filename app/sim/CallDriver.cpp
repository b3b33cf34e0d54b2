// SPDX-License-Identifier: GPL-3.0-or-later
#include "sim/CallDriver.h"

#include "sim/CallDriverInternal.h"
#include "sim/StreamPeer.h"

#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QTimer>
#include <QWebSocket>

namespace sb::sim {

CallConfig CallDriver::withDefaults(CallConfig config)
{
    auto sid = [&config](QLatin1String prefix) { return config.newSid ? config.newSid(prefix) : randomSid(prefix); };
    if (config.accountSid.isEmpty())
        config.accountSid = sid(QLatin1String("AC"));
    if (config.callSid.isEmpty())
        config.callSid = sid(QLatin1String("CA"));
    return config;
}

InterpreterConfig CallDriver::interpreterConfig(const CallConfig& config)
{
    InterpreterConfig ic;
    ic.accountSid = config.accountSid;
    ic.apiBase = config.apiBase;
    ic.newSid = config.newSid;
    ic.dial = config.dial;
    return ic;
}

CallDriver::CallDriver(CallConfig config, QObject* parent)
    : QObject(parent)
    , m_config(withDefaults(std::move(config)))
    , m_interpreter(interpreterConfig(m_config))
{
    m_caller.script = m_config.caller;
    m_network = new QNetworkAccessManager(this);
    m_tickTimer = new QTimer(this);
    m_tickTimer->setTimerType(Qt::PreciseTimer);
    connect(m_tickTimer, &QTimer::timeout, this, &CallDriver::onTick);
    m_report.callSid = m_config.callSid;
    m_report.accountSid = m_config.accountSid;
    m_report.url = m_config.url;
    m_report.from = m_config.from;
    m_report.to = m_config.to;
}

CallDriver::~CallDriver()
{
    for (auto& s : m_streams) {
        if (s->socket)
            s->socket->abort();
    }
}

QString CallDriver::newSid(QLatin1String prefix) const
{
    return m_config.newSid ? m_config.newSid(prefix) : randomSid(prefix);
}

void CallDriver::note(const QString& kind, const QString& summary, const QJsonObject& data)
{
    TimelineEntry e;
    e.atMs = m_wall.isValid() ? m_wall.elapsed() : 0;
    e.callMs = m_callMs;
    e.kind = kind;
    e.summary = summary;
    e.data = data;
    m_report.timeline.append(e);
    emit entryAdded(e);
}

void CallDriver::issue(int code, bool fatal, const QString& message, const QString& url)
{
    SimIssue i;
    i.code = code;
    i.fatal = fatal;
    i.message = message;
    i.url = url;
    i.atMs = m_wall.isValid() ? m_wall.elapsed() : 0;
    m_report.issues.append(i);
    note(fatal ? QStringLiteral("error") : QStringLiteral("warning"),
         QStringLiteral("%1: %2").arg(code).arg(message),
         QJsonObject{{QStringLiteral("code"), code}, {QStringLiteral("url"), url}});
}

void CallDriver::start()
{
    if (m_started)
        return;
    m_started = true;
    m_wall.start();
    note(QStringLiteral("call.start"),
         QStringLiteral("%1 %2 -> %3, %4 %5")
             .arg(m_config.callSid, m_config.from, m_config.to, m_config.method, m_config.url),
         QJsonObject{{QStringLiteral("call_sid"), m_config.callSid},
                     {QStringLiteral("signed"), !m_config.authToken.isNull()},
                     {QStringLiteral("realtime"), m_config.realtime}});
    statusCallback(QStringLiteral("initiated"), QStringLiteral("initiated"));
    statusCallback(QStringLiteral("ringing"), QStringLiteral("ringing"));
    fetchDocument(Fetch{m_config.url, m_config.method.toUpper(), {}}, true);
}

void CallDriver::hangUp()
{
    if (!m_started) {
        m_started = true;
        m_wall.start();
    }
    finishCall(QStringLiteral("completed"), QStringLiteral("the caller hung up"));
}

CallReport CallDriver::run(CallConfig config, int wallTimeoutMs)
{
    CallDriver driver(std::move(config));
    QEventLoop loop;
    QObject::connect(&driver, &CallDriver::finished, &loop, &QEventLoop::quit);
    QTimer guard;
    guard.setSingleShot(true);
    QObject::connect(&guard, &QTimer::timeout, &driver, &CallDriver::hangUp);
    guard.start(wallTimeoutMs);
    driver.start();
    if (!driver.isFinished())
        loop.exec();
    return driver.report();
}

// ---------------------------------------------------------------------------------------------
// End of call

void CallDriver::finishCall(const QString& status, const QString& reason)
{
    if (m_ending)
        return;
    m_ending = true;
    m_inFinish = true; // closing sockets may report synchronously; complete only at the end
    m_tickTimer->stop();
    m_span.reset();
    for (auto& s : m_streams)
        stopStream(s.get(), reason);
    for (Transcription& t : m_transcriptions) {
        if (!t.stopped) {
            t.stopped = true;
            transcriptionCallback(t, twilio::TranscriptionEvent::Stopped);
        }
    }
    m_report.finalStatus = status;
    m_report.callDurationMs = m_callMs;
    note(QStringLiteral("call.end"),
         QStringLiteral("%1: %2").arg(status, reason),
         QJsonObject{{QStringLiteral("status"), status}});
    statusCallback(QStringLiteral("completed"), status);
    // Sockets that do not finish their closing handshake in time are dropped.
    QTimer::singleShot(2000, this, [this] {
        for (auto& s : m_streams) {
            if (s->socket && s->socket->state() != QAbstractSocket::UnconnectedState)
                s->socket->abort();
        }
        maybeComplete();
    });
    m_inFinish = false;
    maybeComplete();
}

void CallDriver::maybeComplete()
{
    if (!m_ending || m_inFinish || m_finished || m_callbackBusy || !m_callbacks.empty())
        return;
    for (const auto& s : m_streams) {
        if (s->socket && s->socket->state() != QAbstractSocket::UnconnectedState)
            return;
    }
    m_finished = true;
    m_report.streams.clear();
    for (const auto& s : m_streams)
        m_report.streams.append(s->report);
    m_report.wallMs = m_wall.isValid() ? m_wall.elapsed() : 0;
    emit finished(m_report);
}

} // namespace sb::sim
