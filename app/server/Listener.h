// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/Result.h"
#include "common/TokenBucket.h"
#include "server/ConnectionGate.h"
#include "twilio/Form.h"
#include "twilio/Signature.h"
#include "webhook/SignatureDiagnosis.h"
#include "webhook/Webhook.h"

#include <QAbstractHttpServer>
#include <QDateTime>
#include <QElapsedTimer>
#include <QHostAddress>
#include <QJsonObject>
#include <QPointer>
#include <functional>
#include <memory>

class QWebSocket;
class QWebSocketServer;

namespace sb::server {

using webhook::HeaderList;
using webhook::kReplayOfHeader;
using webhook::Route;
using webhook::routeName;
using webhook::WebhookReply;
using webhook::WebhookRequest;

struct ListenerConfig
{
    QHostAddress bindAddress = QHostAddress::LocalHost;
    quint16 port = 0; ///< 0: any free port
    /// Public base URL Twilio uses (tunnel or --public-url), e.g. `https://abc.trycloudflare.com`.
    /// Signatures are checked against it. Empty: `http://<bind>:<port>`.
    QString publicUrl;
    bool validateSignatures = true;
    GateLimits gate;
    qint64 maxWebSocketFrameBytes = 64 * 1024;
    qint64 maxWebSocketMessageBytes = 256 * 1024;
    int webSocketHandshakeTimeoutMs = 10000;
    QByteArray streamPath = "/stream";
};

/// Everything about one exchange, for the webhook log (inspect and replay).
struct WebhookExchange
{
    QDateTime receivedAt;
    QString remoteAddress;
    QByteArray method;
    QByteArray path;
    QByteArray query;
    HeaderList requestHeaders;
    QByteArray requestBody;
    int status = 0;
    HeaderList responseHeaders;
    QByteArray responseBody;
    qint64 durationMicros = 0;
    QString signatureVerdict; ///< valid, mismatch, missing-signature, not-checked, ...
    QString note;             ///< why it was refused, or a warning
    QString callSid;
    qint64 replayOf = 0; ///< webhook log id this request replays (X-Switchboard-Replay-Of), 0: none
    /// For a refused signature: why (webhook::SignatureDiagnosis::toJson()); empty otherwise.
    QJsonObject signatureDiagnosis;
};

/// The embedded listener: Twilio webhooks over HTTP and Media Streams over WebSocket on one port.
/// Requests pass the ConnectionGate (sizes, time, rates), then routing (404/405), then the
/// X-Twilio-Signature check against the public URL (403), and only then reach the handler.
/// Each HTTP response closes its connection, so every request goes through the gate.
///
/// A refused signature is diagnosed (webhook/SignatureDiagnosis.h) while the token is at hand:
/// the exchange's note holds the one-line cause and signatureDiagnosis the details. Diagnosing
/// costs a few dozen HMACs, so at most 20 per second (burst 40) are diagnosed; past that the note
/// keeps the plain verdict.
///
/// A request with X-Switchboard-Replay-Of is handed on with WebhookRequest::replayOf set: the
/// call layer answers it without changing any call.
///
/// Routes match, and signatures are checked against, the path and query exactly as received
/// (app/twilio/PROTOCOL.md §3.1): `/%76oice` is not `/voice`.
///
/// A WebSocket upgrade is checked here before QWebSocketServer sees it: path, method, signature,
/// and what QWebSocketServer itself would refuse (HTTP/1.1 with Host, a 16-byte
/// Sec-WebSocket-Key, version 13: else 400 or 426), so every refusal is answered and logged by
/// the listener with the status actually sent; 101 is logged only for a handshake handed over.
/// Not enforced: RFC 6455 §5.1 says a server must close on an unmasked client frame, but Qt 6.4's
/// QWebSocket reads the mask bit and applies the mask only if set, with no hook to refuse, and its
/// frame reader consumes the socket at its own pace (queued), so a second parser beside it could
/// not stay in step with it. Masking protects intermediaries that a browser could poison, not this
/// endpoint; the stream is accepted only after the signature check either way.
///
/// Lives on the network thread; the handler is called there and must not block.
class Listener : public QAbstractHttpServer
{
    Q_OBJECT

public:
    using Handler = std::function<WebhookReply(const WebhookRequest&)>;
    using TokenSource = std::function<QByteArray()>;

    explicit Listener(ListenerConfig config, QObject* parent = nullptr);
    ~Listener() override;

    /// Binds and listens. Fails with a clear reason (port in use, address not available).
    Result<quint16> start();
    quint16 port() const;
    const ListenerConfig& config() const { return m_config; }

    void setHandler(Handler handler) { m_handler = std::move(handler); }
    /// Where the auth token comes from (the keychain); asked on every check, never stored here.
    void setTokenSource(TokenSource source) { m_tokenSource = std::move(source); }
    void setPublicUrl(const QString& url);
    QString publicUrl() const;
    /// The wss:// URL of the Media Streams endpoint, as TwiML should name it.
    QString streamUrl() const;

signals:
    void exchangeLogged(const sb::server::WebhookExchange& exchange);
    /// A Media Streams WebSocket whose upgrade passed the signature check. The receiver owns it.
    void mediaSocketAccepted(QWebSocket* socket);

protected:
    bool handleRequest(const QHttpServerRequest& request, QTcpSocket* socket) override;
    void missingHandler(const QHttpServerRequest& request, QTcpSocket* socket) override;

private:
    void handleUpgrade(QTcpSocket* socket, const HttpHead& head);
    void handleRejected(const QString& address,
                        const QByteArray& method,
                        const QByteArray& target,
                        int status,
                        const QByteArray& reason);
    void respond(const QHttpServerRequest& request,
                 QTcpSocket* socket,
                 WebhookExchange& exchange,
                 const WebhookReply& reply,
                 const QElapsedTimer& timer);
    twilio::signature::Check checkSignature(const QByteArray& header,
                                            const QString& url,
                                            const twilio::FormParams& params,
                                            const QByteArray& body,
                                            bool jsonBody) const;
    /// Fills the exchange's note and signatureDiagnosis for a refused form or JSON request.
    void diagnose(WebhookExchange& exchange,
                  const HeaderList& headers,
                  const twilio::FormParams& params,
                  bool jsonBody,
                  const QByteArray& signature);

    ListenerConfig m_config;
    ConnectionGate* m_gate = nullptr;
    QWebSocketServer* m_webSockets = nullptr;
    Handler m_handler;
    TokenSource m_tokenSource;
    QHash<QString, qint64> m_lastRejectLogMs;
    TokenBucket m_diagnosisBudget;
    QElapsedTimer m_clock;
};

} // namespace sb::server

Q_DECLARE_METATYPE(sb::server::WebhookExchange)
