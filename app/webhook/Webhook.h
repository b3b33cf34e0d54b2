// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "twilio/Form.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

/// The value types a webhook is handed over in, between the listener (server/) that receives it
/// and the call layer (calls/) that answers it, so neither depends on the other. Plain values:
/// copyable, usable on any thread.
namespace sb::webhook {

using HeaderList = QList<QPair<QByteArray, QByteArray>>;

/// The webhook routes the listener serves; each has its own handler in the call layer.
enum class Route { Voice, Status, Recording, ProcessVoice, Transcription, StreamStatus, Health };
QString routeName(Route route);

/// One webhook as the call layer sees it: already size-checked and signature-checked.
struct WebhookRequest
{
    Route route = Route::Health;
    QByteArray method;
    QByteArray path;
    QByteArray query;
    HeaderList headers;
    QByteArray body;
    twilio::FormParams params; ///< form body (POST) or query (GET)
    QString remoteAddress;
    QString signedUrl; ///< the public URL the signature was checked against
};

struct WebhookReply
{
    int status = 200;
    QByteArray contentType = "text/xml";
    QByteArray body;
    HeaderList extraHeaders;
};

/// Header a replayed request carries: the id of the webhook log entry it repeats. It only labels
/// the log entry; the request passes every check like any other.
inline constexpr char kReplayOfHeader[] = "X-Switchboard-Replay-Of";

} // namespace sb::webhook
