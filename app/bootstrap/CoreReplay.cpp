// SPDX-License-Identifier: GPL-3.0-or-later
// Core::replayWebhook: replays from the window, signed inside the core (the token never leaves it).
#include "bootstrap/Core.h"
#include "common/RandomToken.h"
#include "storage/HistoryReader.h"
#include "storage/Records.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPointer>
#include <QTimer>

namespace sb::bootstrap {
namespace {

constexpr int kReplayTimeoutMs = 15000;

/// The listener as this process reaches it: loopback when it listens on every address.
QString listenerBase(const QHostAddress& bind, quint16 port)
{
    QHostAddress address = bind;
    if (bind == QHostAddress::Any || bind == QHostAddress::AnyIPv4)
        address = QHostAddress::LocalHost;
    else if (bind == QHostAddress::AnyIPv6)
        address = QHostAddress::LocalHostIPv6;
    QString host = address.toString();
    if (address.protocol() == QAbstractSocket::IPv6Protocol)
        host = QLatin1Char('[') + host + QLatin1Char(']');
    return QStringLiteral("http://%1:%2").arg(host).arg(port);
}

bool hasTag(const storage::WebhookLogEntry& entry, const QByteArray& tag)
{
    for (const auto& [name, value] : entry.requestHeaders) {
        if (name.compare(kReplayTagHeader, Qt::CaseInsensitive) == 0 && value == tag)
            return true;
    }
    return false;
}

} // namespace

void Core::replayWebhook(qint64 entryId,
                         std::optional<ReplayEdits> edits,
                         QObject* context,
                         std::function<void(Result<ReplayResult>)> done)
{
    if (!m_started || !m_history) {
        QTimer::singleShot(0, context, [done] {
            done(makeError(QStringLiteral("replay.not-started"), QStringLiteral("the listener is not running")));
        });
        return;
    }
    QPointer<QObject> guard(context);
    m_history->webhookEntry(entryId, this, [this, edits, guard, done](Result<storage::WebhookLogEntry> entry) {
        if (!guard)
            return;
        if (!entry.ok()) {
            done(entry.error());
            return;
        }
        sendReplay(entry.value(), edits, guard, done);
    });
}

void Core::sendReplay(const storage::WebhookLogEntry& entry,
                      const std::optional<ReplayEdits>& edits,
                      QObject* context,
                      std::function<void(Result<ReplayResult>)> done)
{
    const bool sign = edits ? edits->sign : replaySignedByDefault(entry);
    QByteArray token = sign && m_options.authToken ? m_options.authToken() : QByteArray();
    const QByteArray tag = randomHexToken();
    const ReplayRequest request = buildReplay(
        entry, listenerBase(m_options.bindAddress, m_port), m_publicUrl, token, edits ? &*edits : nullptr, tag);
    token.fill('\0');
    if (!m_replayNetwork)
        m_replayNetwork = new QNetworkAccessManager(this);

    // Finished when both have come: the listener's answer and the stored entry (either order).
    struct Pending
    {
        ReplayResult result;
        bool answered = false;
        bool stored = false;
        bool finished = false;
        QString error;
        QMetaObject::Connection watch;
    };
    auto pending = std::make_shared<Pending>();
    pending->result.replayedId = entry.id;
    pending->result.isSigned = request.isSigned;
    QPointer<QObject> guard(context);
    auto finish = [this, pending, guard, done](bool force) {
        if (pending->finished || (!force && !(pending->answered && pending->stored)))
            return;
        pending->finished = true;
        disconnect(pending->watch);
        if (!guard)
            return;
        if (!pending->answered)
            done(makeError(QStringLiteral("replay.network"),
                           pending->error.isEmpty() ? QStringLiteral("no answer from the listener within 15 s")
                                                    : pending->error));
        else
            done(pending->result);
    };
    pending->watch =
        connect(this, &Core::webhookStored, this, [pending, tag, finish](const storage::WebhookLogEntry& w) {
            if (w.replayOf != pending->result.replayedId || !hasTag(w, tag))
                return;
            pending->result.entryId = w.id;
            pending->stored = true;
            finish(false);
        });
    QNetworkReply* reply =
        m_replayNetwork->sendCustomRequest(request.toNetworkRequest(), request.method.toLatin1(), request.body);
    connect(reply, &QNetworkReply::finished, this, [reply, pending, finish] {
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (status > 0) {
            pending->answered = true;
            pending->result.status = status;
            pending->result.responseBody = reply->readAll();
        } else {
            pending->error = reply->errorString();
            finish(true);
        }
        reply->deleteLater();
        finish(false);
    });
    QTimer::singleShot(kReplayTimeoutMs, this, [finish] { finish(true); });
}

} // namespace sb::bootstrap
