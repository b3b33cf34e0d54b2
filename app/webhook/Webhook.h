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
    /// The webhook log id this request replays (kReplayOfHeader); 0: none. The call layer answers
    /// a replay as it would the original, but changes no call and records no event.
    qint64 replayOf = 0;
};

struct WebhookReply
{
    int status = 200;
    QByteArray contentType = "text/xml";
    QByteArray body;
    HeaderList extraHeaders;
};

/// Header a replayed request carries: the id of the webhook log entry it repeats. It labels the
/// log entry and makes the call layer answer without changing any call (a dry run); the request
/// passes every check (signature included) like any other.
inline constexpr char kReplayOfHeader[] = "X-Switchboard-Replay-Of";

} // namespace sb::webhook
