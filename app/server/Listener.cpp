// SPDX-License-Identifier: GPL-3.0-or-later
#include "server/Listener.h"

#include "common/Logging.h"

#include <QElapsedTimer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QTcpSocket>
#include <QWebSocket>
#include <QWebSocketServer>

namespace sb::server {
namespace {

struct RouteInfo
{
    const char* path;
    Route route;
};

constexpr RouteInfo kRoutes[] = {
    {"/voice", Route::Voice},
    {"/status", Route::Status},
    {"/recording", Route::Recording},
    {"/process-voice", Route::ProcessVoice},
    {"/transcription", Route::Transcription},
    {"/stream-status", Route::StreamStatus},
    {"/health", Route::Health},
};

QString stripTrailingSlash(QString url)
{
    while (url.endsWith(QLatin1Char('/')))
        url.chop(1);
    return url;
}

/// Authorization and cookies are masked here already; the signature header is kept in the
/// exchange for the listener's own use, and Storage redacts it (and stream tokens) before
/// anything is stored or shown (storage/Redaction.h).
HeaderList redactHeaders(const HeaderList& headers)
{
    HeaderList out;
    out.reserve(headers.size());
    for (const auto& [name, value] : headers) {
        if (name.compare("Authorization", Qt::CaseInsensitive) == 0 || name.compare("Cookie", Qt::CaseInsensitive) == 0)
            out.append({name, "[redacted]"});
        else
            out.append({name, value});
    }
    return out;
}

bool isFormContentType(const QByteArray& contentType)
{
    const QByteArray base = contentType.split(';').constFirst().trimmed().toLower();
    return base == "application/x-www-form-urlencoded";
}

bool isJsonContentType(const QByteArray& contentType)
{
    const QByteArray base = contentType.split(';').constFirst().trimmed().toLower();
    return base == "application/json";
}

} // namespace

Listener::Listener(ListenerConfig config, QObject* parent)
    : QAbstractHttpServer(parent)
    , m_config(std::move(config))
{
    qRegisterMetaType<sb::server::WebhookExchange>();
    m_clock.start();
    m_diagnosisBudget = TokenBucket(20, 40, 0);
}

Listener::~Listener() = default;

Result<quint16> Listener::start()
{
    m_gate = new ConnectionGate(m_config.gate, this);
    if (!m_gate->listen(m_config.bindAddress, m_config.port)) {
        const QString reason = m_gate->errorString();
        delete m_gate;
        m_gate = nullptr;
        return makeError(QStringLiteral("listen-failed"),
                         QStringLiteral("cannot listen on %1:%2: %3")
                             .arg(m_config.bindAddress.toString())
                             .arg(m_config.port)
                             .arg(reason));
    }
    bind(m_gate);
    connect(m_gate, &ConnectionGate::webSocketRequested, this, &Listener::handleUpgrade);
    connect(m_gate, &ConnectionGate::rejected, this, &Listener::handleRejected);

    m_webSockets = new QWebSocketServer(QStringLiteral("switchboard"), QWebSocketServer::NonSecureMode, this);
    m_webSockets->setHandshakeTimeout(m_config.webSocketHandshakeTimeoutMs);
    connect(m_webSockets, &QWebSocketServer::newConnection, this, [this] {
        while (QWebSocket* socket = m_webSockets->nextPendingConnection()) {
            socket->setMaxAllowedIncomingFrameSize(quint64(m_config.maxWebSocketFrameBytes));
            socket->setMaxAllowedIncomingMessageSize(quint64(m_config.maxWebSocketMessageBytes));
            emit mediaSocketAccepted(socket);
        }
    });
    if (m_config.publicUrl.isEmpty())
        setPublicUrl(QString());
    return m_gate->serverPort();
}

quint16 Listener::port() const
{
    return m_gate ? m_gate->serverPort() : 0;
}

void Listener::setPublicUrl(const QString& url)
{
    if (url.isEmpty()) {
        QString host = m_config.bindAddress.toString();
        if (m_config.bindAddress.protocol() == QAbstractSocket::IPv6Protocol)
            host = QLatin1Char('[') + host + QLatin1Char(']');
        if (m_config.bindAddress == QHostAddress::Any || m_config.bindAddress == QHostAddress::AnyIPv4)
            host = QStringLiteral("127.0.0.1");
        m_config.publicUrl = QStringLiteral("http://%1:%2").arg(host).arg(port());
    } else {
        m_config.publicUrl = stripTrailingSlash(url);
    }
}

QString Listener::publicUrl() const
{
    return m_config.publicUrl;
}

QString Listener::streamUrl() const
{
    QString base = m_config.publicUrl;
    if (base.startsWith(QLatin1String("https://")))
        base = QStringLiteral("wss://") + base.mid(8);
    else if (base.startsWith(QLatin1String("http://")))
        base = QStringLiteral("ws://") + base.mid(7);
    return base + QString::fromLatin1(m_config.streamPath);
}

twilio::signature::Check Listener::checkSignature(const QByteArray& header,
                                                  const QString& url,
                                                  const twilio::FormParams& params,
                                                  const QByteArray& body,
                                                  bool jsonBody) const
{
    QByteArray token = m_tokenSource ? m_tokenSource() : QByteArray();
    twilio::signature::Check check = jsonBody ? twilio::signature::validateWithBody(token, header, url, body)
                                              : twilio::signature::validate(token, header, url, params);
    token.fill('\0');
    return check;
}

void Listener::diagnose(WebhookExchange& exchange,
                        const HeaderList& headers,
                        const twilio::FormParams& params,
                        bool jsonBody,
                        const QByteArray& signature)
{
    if (!m_diagnosisBudget.take(m_clock.elapsed()))
        return; // a flood of bad signatures: the plain verdict will do
    webhook::DiagnosisRequest request;
    request.publicBase = m_config.publicUrl;
    request.path = exchange.path;
    request.query = exchange.query;
    request.headers = headers;
    request.params = params;
    request.body = exchange.requestBody;
    request.jsonBody = jsonBody;
    request.signature = signature;
    QByteArray token = m_tokenSource ? m_tokenSource() : QByteArray();
    const webhook::SignatureDiagnosis diagnosis = webhook::diagnoseSignature(token, request);
    token.fill('\0');
    exchange.note = diagnosis.summary;
    exchange.signatureDiagnosis = diagnosis.toJson();
}

void Listener::handleUpgrade(QTcpSocket* socket, const HttpHead& head)
{
    QElapsedTimer timer;
    timer.start();
    WebhookExchange exchange;
    exchange.receivedAt = QDateTime::currentDateTimeUtc();
    exchange.remoteAddress = socket->peerAddress().toString();
    exchange.method = head.method;
    exchange.path = head.path();
    exchange.query = head.query();
    exchange.requestHeaders = redactHeaders(head.headers);

    auto refuse = [&](int status, const QByteArray& reason, const QByteArray& extraHeaders = QByteArray()) {
        m_gate->reject(socket, status, reason, -1, extraHeaders);
        exchange.status = status;
        exchange.note = QString::fromUtf8(reason);
        exchange.durationMicros = timer.nsecsElapsed() / 1000;
        qCWarning(log::app).noquote() << "listener: refused WebSocket upgrade from" << exchange.remoteAddress << "-"
                                      << exchange.note;
        emit exchangeLogged(exchange);
    };

    if (head.path() != m_config.streamPath) {
        refuse(404, "no WebSocket endpoint at this path");
        return;
    }
    if (head.method != "GET") {
        refuse(405, "WebSocket upgrade must use GET");
        return;
    }
    // What QWebSocketServer would refuse (with a response this log would not see) is refused
    // here, so the log shows the status actually sent (RFC 6455 §4.2.1, §4.4).
    if (head.version != "HTTP/1.1" || !head.hasHeader("Host")) {
        refuse(400, "a WebSocket handshake needs HTTP/1.1 and a Host header");
        return;
    }
    if (QByteArray::fromBase64(head.header("Sec-WebSocket-Key").trimmed()).size() != 16) {
        refuse(400, "Sec-WebSocket-Key must be 16 bytes in base64");
        return;
    }
    if (head.header("Sec-WebSocket-Version").trimmed() != "13") {
        refuse(426, "only WebSocket version 13 is supported", "Sec-WebSocket-Version: 13\r\n");
        return;
    }
    // Twilio signs the wss:// URL from the TwiML (no query string: parameters travel in <Parameter>).
    const QString url =
        streamUrl() + (head.query().isEmpty() ? QString() : QLatin1Char('?') + QString::fromUtf8(head.query()));
    if (m_config.validateSignatures) {
        const auto check = checkSignature(head.header("X-Twilio-Signature"), url, {}, {}, false);
        exchange.signatureVerdict = twilio::signature::verdictName(check.verdict);
        if (!check.valid()) {
            refuse(403, "Twilio signature check failed: " + check.reason().toUtf8());
            return;
        }
    } else {
        exchange.signatureVerdict = QStringLiteral("not-checked");
        exchange.note = QStringLiteral("signature validation is turned off");
        qCWarning(log::app) << "listener: signature validation is OFF; accepted an unchecked WebSocket upgrade";
    }
    exchange.status = 101;
    exchange.durationMicros = timer.nsecsElapsed() / 1000;
    emit exchangeLogged(exchange);
    m_webSockets->handleConnection(socket);
}

void Listener::handleRejected(
    const QString& address, const QByteArray& method, const QByteArray& target, int status, const QByteArray& reason)
{
    // A flood would fill the log: keep at most one entry per address and status per second.
    const QString key = address + QLatin1Char('|') + QString::number(status);
    const qint64 now = m_gate ? m_gate->nowMs() : 0;
    auto it = m_lastRejectLogMs.find(key);
    if (it != m_lastRejectLogMs.end() && now - *it < 1000)
        return;
    m_lastRejectLogMs.insert(key, now);
    if (m_lastRejectLogMs.size() > 10000)
        m_lastRejectLogMs.clear();

    WebhookExchange exchange;
    exchange.receivedAt = QDateTime::currentDateTimeUtc();
    exchange.remoteAddress = address;
    exchange.method = method;
    const qsizetype q = target.indexOf('?');
    exchange.path = q < 0 ? target : target.left(q);
    exchange.query = q < 0 ? QByteArray() : target.mid(q + 1);
    exchange.status = status;
    exchange.note = QString::fromUtf8(reason);
    exchange.signatureVerdict = QStringLiteral("not-checked");
    qCInfo(log::app).noquote() << "listener: answered" << status << "to" << address << "-" << exchange.note;
    emit exchangeLogged(exchange);
}

bool Listener::handleRequest(const QHttpServerRequest& request, QTcpSocket* socket)
{
    QElapsedTimer timer;
    timer.start();
    WebhookExchange exchange;
    exchange.receivedAt = QDateTime::currentDateTimeUtc();
    exchange.remoteAddress = request.remoteAddress().toString();
    exchange.method = methodName(request.method());
    // The path and query exactly as sent: QHttpServer's url() is rebuilt from the Host header and
    // normalized (`/%76oice` reads as `/voice`), but routes match, and Twilio signs, the URL
    // character for character (app/twilio/PROTOCOL.md §3.1).
    const QByteArray target = ConnectionGate::rawTarget(socket);
    if (!target.isEmpty()) {
        const qsizetype q = target.indexOf('?');
        exchange.path = q < 0 ? target : target.left(q);
        exchange.query = q < 0 ? QByteArray() : target.mid(q + 1);
    } else {
        exchange.path = request.url().path(QUrl::FullyEncoded).toUtf8();
        exchange.query = request.url().query(QUrl::FullyEncoded).toUtf8();
    }
    exchange.requestHeaders = redactHeaders(request.headers());
    exchange.requestBody = request.body();
    exchange.signatureVerdict = QStringLiteral("not-checked");
    WebhookRequest webhook;
    exchange.replayOf = qMax<qint64>(0, request.value(kReplayOfHeader).toLongLong());
    webhook.replayOf = exchange.replayOf;

    WebhookReply reply;
    auto plain = [&reply](int status, const QByteArray& text) {
        reply.status = status;
        reply.contentType = "text/plain; charset=utf-8";
        reply.body = text + '\n';
    };

    const RouteInfo* found = nullptr;
    for (const RouteInfo& r : kRoutes) {
        if (exchange.path == r.path)
            found = &r;
    }
    if (exchange.path == m_config.streamPath) {
        plain(426, "this is the Media Streams WebSocket endpoint; connect with a WebSocket upgrade");
        reply.extraHeaders.append(qMakePair(QByteArray("Upgrade"), QByteArray("websocket")));
        respond(request, socket, exchange, reply, timer);
        return true;
    }
    if (!found) {
        plain(404, "no such endpoint");
        respond(request, socket, exchange, reply, timer);
        return true;
    }
    if (found->route == Route::Health) {
        if (exchange.method != "GET" && exchange.method != "HEAD") {
            plain(405, "use GET");
            reply.extraHeaders.append(qMakePair(QByteArray("Allow"), QByteArray("GET, HEAD")));
        } else {
            reply.contentType = "application/json";
            reply.body = "{\"status\":\"ok\"}\n";
        }
        respond(request, socket, exchange, reply, timer);
        return true;
    }
    if (exchange.method != "POST" && exchange.method != "GET") {
        plain(405, "webhooks accept POST or GET");
        reply.extraHeaders.append(qMakePair(QByteArray("Allow"), QByteArray("GET, POST")));
        respond(request, socket, exchange, reply, timer);
        return true;
    }

    webhook.route = found->route;
    webhook.method = exchange.method;
    webhook.path = exchange.path;
    webhook.query = exchange.query;
    webhook.headers = request.headers();
    webhook.body = request.body();
    webhook.remoteAddress = exchange.remoteAddress;
    webhook.signedUrl = m_config.publicUrl + QString::fromUtf8(exchange.path) +
                        (exchange.query.isEmpty() ? QString() : QLatin1Char('?') + QString::fromUtf8(exchange.query));

    bool jsonBody = false;
    if (exchange.method == "POST") {
        const QByteArray contentType = request.value("Content-Type");
        if (isFormContentType(contentType)) {
            webhook.params = twilio::parseFormBody(webhook.body);
        } else if (isJsonContentType(contentType)) {
            jsonBody = true;
        } else {
            plain(415, "expected Content-Type application/x-www-form-urlencoded");
            respond(request, socket, exchange, reply, timer);
            return true;
        }
    } else {
        webhook.params = twilio::parseFormBody(exchange.query);
    }

    if (m_config.validateSignatures) {
        const auto check = checkSignature(request.value("X-Twilio-Signature"),
                                          webhook.signedUrl,
                                          exchange.method == "POST" ? webhook.params : twilio::FormParams{},
                                          webhook.body,
                                          jsonBody);
        exchange.signatureVerdict = twilio::signature::verdictName(check.verdict);
        if (!check.valid()) {
            exchange.note = check.reason();
            diagnose(exchange,
                     request.headers(),
                     exchange.method == "POST" ? webhook.params : twilio::FormParams{},
                     jsonBody,
                     request.value("X-Twilio-Signature"));
            qCWarning(log::app).noquote() << "listener: 403 for" << QString::fromUtf8(exchange.path) << "from"
                                          << exchange.remoteAddress << "-" << check.reason();
            plain(403, "Twilio signature check failed: " + check.reason().toUtf8());
            respond(request, socket, exchange, reply, timer);
            return true;
        }
    } else {
        exchange.note = QStringLiteral("signature validation is turned off");
        qCWarning(log::app).noquote() << "listener: signature validation is OFF; accepted unchecked"
                                      << QString::fromUtf8(exchange.path) << "from" << exchange.remoteAddress;
    }
    exchange.callSid = twilio::formValue(webhook.params, u"CallSid");

    if (m_handler) {
        reply = m_handler(webhook);
    } else {
        reply.status = 503;
        reply.contentType = "text/plain; charset=utf-8";
        reply.body = "no call handler is running\n";
    }
    respond(request, socket, exchange, reply, timer);
    return true;
}

void Listener::missingHandler(const QHttpServerRequest& request, QTcpSocket* socket)
{
    WebhookExchange exchange;
    exchange.receivedAt = QDateTime::currentDateTimeUtc();
    exchange.remoteAddress = request.remoteAddress().toString();
    WebhookReply reply;
    reply.status = 404;
    reply.contentType = "text/plain; charset=utf-8";
    reply.body = "no such endpoint\n";
    QElapsedTimer timer;
    timer.start();
    respond(request, socket, exchange, reply, timer);
}

void Listener::respond(const QHttpServerRequest& request,
                       QTcpSocket* socket,
                       WebhookExchange& exchange,
                       const WebhookReply& reply,
                       const QElapsedTimer& timer)
{
    QHttpServerResponder responder = makeResponder(request, socket);
    responder.writeStatusLine(static_cast<QHttpServerResponder::StatusCode>(reply.status));
    HeaderList headers{{"Content-Type", reply.contentType},
                       {"Content-Length", QByteArray::number(reply.body.size())},
                       {"Connection", "close"}};
    headers += reply.extraHeaders;
    for (const auto& [name, value] : headers)
        responder.writeHeader(name, value);
    responder.writeBody(reply.body);
    socket->disconnectFromHost();

    exchange.status = reply.status;
    exchange.responseHeaders = headers;
    exchange.responseBody = reply.body;
    exchange.durationMicros = timer.nsecsElapsed() / 1000;
    emit exchangeLogged(exchange);
}

} // namespace sb::server
