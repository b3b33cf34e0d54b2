// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/Result.h"
#include "restapi/RestApiStore.h"

#include <QAbstractHttpServer>
#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QPair>
#include <QString>

class QTcpServer;

/// A local stand-in for Twilio's REST API (2010-04-01) over HTTP: recordings (list, fetch,
/// media as WAV/MP3, delete), calls (list, fetch, update, delete), incoming phone numbers (list,
/// fetch, update, delete) and the account, with HTTP Basic auth, Twilio's paging envelope and
/// its error bodies (app/twilio/PROTOCOL.md §6.3, §6.4, §7).
namespace sb::restapi {

struct RestApiServerConfig
{
    QHostAddress bindAddress = QHostAddress::LocalHost;
    quint16 port = 0; ///< 0: any free port (see RestApiServer::port())
    /// The program that encodes MP3 (`sox` with libsox-fmt-mp3).
    QString soxProgram = QStringLiteral("sox");
    /// Scheme and host put before `media_url` paths. Empty: `http://<bind>:<port>`.
    QString publicBaseUrl;
    /// Twilio enforces HTTP Basic auth on media URLs today (§6.3); false serves media without it.
    bool mediaRequiresAuth = true;
    /// Larger request bodies are answered with 413 (QHttpServer 6.4 has no limit of its own).
    qsizetype maxBodyBytes = 64 * 1024;
};

/// One request, already read (what dispatch() needs).
struct RestApiRequest
{
    QByteArray method;        ///< GET, POST, DELETE, ...
    QString path;             ///< decoded path, e.g. `/2010-04-01/Accounts/AC…/Recordings.json`
    QByteArray query;         ///< the raw query string, without `?`
    QByteArray authorization; ///< the Authorization header value, or empty
    QByteArray body;          ///< form body of a POST
};

/// One answer.
struct RestApiResponse
{
    int status = 200;
    QByteArray contentType = QByteArrayLiteral("application/json");
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> extraHeaders;
};

/// The HTTP server. Lives on the thread that creates it (normally the main thread); the store may
/// be shared with other threads (it locks itself) and must outlive the server.
class RestApiServer : public QAbstractHttpServer
{
    Q_OBJECT

public:
    RestApiServer(RestApiStore& store, RestApiServerConfig config, QObject* parent = nullptr);
    ~RestApiServer() override;

    /// Binds and listens; returns the port. Error code restapi.listen_failed with the reason.
    Result<quint16> start();
    quint16 port() const;
    /// `http://<bind>:<port>` (what a client puts before `/2010-04-01/…`).
    QString baseUrl() const;

    /// Answers one request without any socket: routing, auth, resources, errors. Public so the
    /// simulator (and tests) can call the API in-process. Blocks while sox encodes an MP3.
    RestApiResponse dispatch(const RestApiRequest& request);

signals:
    /// A REST update of a live call was accepted (and already applied to the store): the
    /// simulator should hang up, cancel or redirect the call accordingly.
    void callUpdateRequested(const QString& callSid, const sb::restapi::CallUpdate& update);
    /// One line per answered request, e.g. for a log: `GET /2010-04-01/… -> 200`.
    void requestServed(const QString& summary);

protected:
    bool handleRequest(const QHttpServerRequest& request, QTcpSocket* socket) override;
    void missingHandler(const QHttpServerRequest& request, QTcpSocket* socket) override;

private:
    void write(const QHttpServerRequest& request, QTcpSocket* socket, const RestApiResponse& response);
    QString mediaBase() const;

    RestApiStore& m_store;
    RestApiServerConfig m_config;
    QTcpServer* m_tcp = nullptr;
};

} // namespace sb::restapi
