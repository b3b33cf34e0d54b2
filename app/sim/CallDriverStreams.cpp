// SPDX-License-Identifier: GPL-3.0-or-later
// Media Streams: opening the WebSocket, the start/stop handshake, and what the app sends back.
#include "sim/CallDriver.h"
#include "sim/CallDriverInternal.h"
#include "sim/StreamPeer.h"
#include "twilio/Signature.h"

#include <QJsonObject>
#include <QNetworkRequest>
#include <QTimer>
#include <QWebSocket>

namespace sb::sim {

void CallDriver::openStream(const StreamSpec& spec, std::function<void(Stream*)> then)
{
    auto owned = std::make_unique<Stream>();
    Stream* s = owned.get();
    m_streams.push_back(std::move(owned));
    s->spec = spec;
    s->onOpen = std::move(then);
    s->report.streamSid = newSid(QLatin1String("MZ"));
    s->report.name = spec.name;
    s->report.url = spec.url;
    s->report.track = spec.track;
    s->report.bidirectional = spec.bidirectional;
    s->socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    s->connectTimer = new QTimer(s->socket);
    s->connectTimer->setSingleShot(true);

    auto opened = [this, s] {
        s->connectTimer->stop();
        if (auto cb = std::move(s->onOpen)) {
            s->onOpen = nullptr;
            QTimer::singleShot(0, this, [cb, s] { cb(s); });
        }
    };
    auto fail = [this, s, opened](int code, const QString& why) {
        if (s->failed || s->connected)
            return;
        s->failed = true;
        s->report.errorCode = code;
        issue(code, false, QStringLiteral("stream %1: %2").arg(s->report.streamSid, why), s->spec.url);
        streamCallback(s, twilio::StreamEvent::Error, why);
        opened();
    };

    connect(s->connectTimer, &QTimer::timeout, this, [s, fail] {
        fail(31901, QStringLiteral("no WebSocket connection within the timeout"));
        s->socket->abort();
    });
    connect(s->socket, &QWebSocket::connected, this, [this, s, opened] {
        if (m_ending || s->failed) {
            s->socket->close();
            return;
        }
        s->connected = true;
        s->send(twilio::ConnectedMessage{});
        twilio::StartMessage start;
        start.accountSid = m_config.accountSid;
        start.callSid = m_config.callSid;
        start.tracks = s->spec.tracks();
        start.customParameters = s->spec.parameters;
        s->send(start);
        s->started = true;
        s->startCallMs = m_callMs;
        QStringList params;
        for (const auto& p : s->spec.parameters)
            params << p.first;
        note(QStringLiteral("stream.start"),
             QStringLiteral("%1 %2 %3 %4 (parameters: %5)")
                 .arg(s->report.streamSid,
                      s->spec.bidirectional ? QStringLiteral("bidirectional") : QStringLiteral("unidirectional"),
                      s->spec.track,
                      s->spec.url,
                      params.join(QStringLiteral(", "))),
             QJsonObject{{QStringLiteral("stream_sid"), s->report.streamSid},
                         {QStringLiteral("track"), s->spec.track},
                         {QStringLiteral("bidirectional"), s->spec.bidirectional}});
        streamCallback(s, twilio::StreamEvent::Started);
        opened();
    });
    connect(s->socket,
            qOverload<QAbstractSocket::SocketError>(&QWebSocket::error),
            this,
            [s, fail](QAbstractSocket::SocketError error) {
                const QString why = s->socket->errorString();
                if (s->connected)
                    return;
                int code = 31920;
                if (error == QAbstractSocket::SocketTimeoutError)
                    code = 31901;
                else if (error == QAbstractSocket::ConnectionRefusedError &&
                         !why.contains(QLatin1String("status code")))
                    code = 31902;
                else if (error == QAbstractSocket::HostNotFoundError)
                    code = 31902;
                fail(code, why);
            });
    connect(
        s->socket, &QWebSocket::textMessageReceived, this, [this, s](const QString& text) { onStreamText(s, text); });
    connect(s->socket, &QWebSocket::binaryMessageReceived, this, [this, s](const QByteArray&) {
        ++s->report.appMessages;
        warnOnce(
            s, s->warnedBinary, twilio::kTwilioErrorUndecodableMessage, QStringLiteral("the app sent a binary frame"));
    });
    connect(s->socket, &QWebSocket::disconnected, this, [this, s, fail] {
        if (!s->connected) {
            fail(31920, QStringLiteral("the WebSocket closed during the handshake: %1").arg(s->socket->errorString()));
            maybeComplete();
            return;
        }
        if (s->started && !s->stopped && !s->closedByApp) {
            s->closedByApp = true;
            s->report.closedBy = QStringLiteral("app");
            const QStringList marks = s->playout.clear();
            note(QStringLiteral("stream.closed-by-app"),
                 QStringLiteral("%1 closed by the app (code %2)")
                     .arg(s->report.streamSid)
                     .arg(int(s->socket->closeCode())),
                 QJsonObject{{QStringLiteral("stream_sid"), s->report.streamSid},
                             {QStringLiteral("unplayed_marks"), qint64(marks.size())}});
            streamCallback(s, twilio::StreamEvent::Stopped);
        }
        maybeComplete();
    });

    QNetworkRequest request{QUrl(spec.url)};
    request.setRawHeader("User-Agent", "Twilio.TmeWs/1.0");
    if (!m_config.authToken.isNull())
        request.setRawHeader("X-Twilio-Signature",
                             twilio::signature::compute(m_config.authToken, detail::withoutFragment(spec.url)));
    note(QStringLiteral("stream.open"),
         QStringLiteral("%1 %2").arg(
             spec.bidirectional ? QStringLiteral("<Connect><Stream>") : QStringLiteral("<Start><Stream>"), spec.url));
    s->connectTimer->start(m_config.connectTimeoutMs);
    s->socket->open(request);
}

void CallDriver::warnOnce(Stream* s, bool& warned, int code, const QString& what)
{
    if (warned)
        return;
    warned = true;
    issue(code, false, QStringLiteral("stream %1: %2").arg(s->report.streamSid, what), s->spec.url);
}

void CallDriver::onStreamText(Stream* s, const QString& text)
{
    ++s->report.appMessages;
    if (!s->spec.bidirectional) {
        warnOnce(s,
                 s->warnedInvalid,
                 twilio::kTwilioErrorInvalidMessage,
                 QStringLiteral("message on a unidirectional stream ignored"));
        return;
    }
    twilio::ParseOptions options;
    options.expectedStreamSid = s->report.streamSid;
    const auto parsed = twilio::parseAppMessage(QStringView(text), options);
    if (!parsed.ok()) {
        warnOnce(s, s->warnedInvalid, twilio::kTwilioErrorInvalidMessage, parsed.error().message);
        return;
    }
    if (const auto* media = std::get_if<twilio::AppMediaMessage>(&parsed.value())) {
        if (s->report.receivedAudio.isEmpty())
            note(QStringLiteral("stream.media-received"),
                 QStringLiteral("%1: the app started sending audio").arg(s->report.streamSid));
        s->report.receivedAudio += media->payload;
        s->playout.pushAudio(media->payload);
    } else if (const auto* mark = std::get_if<twilio::AppMarkMessage>(&parsed.value())) {
        echoMarks(s, s->playout.pushMark(mark->name), QStringLiteral("nothing queued"));
    } else if (std::holds_alternative<twilio::ClearMessage>(parsed.value())) {
        ++s->report.clears;
        note(QStringLiteral("stream.clear"),
             QStringLiteral("%1: %2 bytes of queued audio dropped")
                 .arg(s->report.streamSid)
                 .arg(s->playout.queuedBytes()));
        echoMarks(s, s->playout.clear(), QStringLiteral("cleared"));
    }
}

void CallDriver::stopStream(Stream* s, const QString& why)
{
    if (!s->started || s->stopped || s->closedByApp)
        return;
    twilio::StopMessage stop;
    stop.accountSid = m_config.accountSid;
    stop.callSid = m_config.callSid;
    s->send(stop);
    s->stopped = true;
    s->report.closedBy = QStringLiteral("simulator");
    note(QStringLiteral("stream.stop"),
         QStringLiteral("%1 (%2; %3 inbound, %4 outbound frames)")
             .arg(s->report.streamSid, why)
             .arg(s->report.inboundFrames)
             .arg(s->report.outboundFrames));
    streamCallback(s, twilio::StreamEvent::Stopped);
    s->socket->close(QWebSocketProtocol::CloseCodeNormal);
}

CallDriver::Stream* CallDriver::findStream(const QString& nameOrUrl) const
{
    for (const auto& s : m_streams) {
        if (s->live() && !s->spec.bidirectional && (s->spec.name == nameOrUrl || s->spec.url == nameOrUrl))
            return s.get();
    }
    return nullptr;
}

} // namespace sb::sim
