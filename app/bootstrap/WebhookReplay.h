// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "storage/Records.h"
#include "twilio/Form.h"

#include <QByteArray>
#include <QNetworkRequest>
#include <QString>
#include <QUrl>
#include <optional>

namespace sb::bootstrap {

/// Replay of a logged webhook, shared by `switchboard webhooks replay` and the window (through
/// Core::replayWebhook). The log keeps no signatures (a stored one could be replayed by anyone
/// who reads it), so a replay is signed anew with the auth token for the listener's public URL.
/// Every replay carries X-Switchboard-Replay-Of: the listener stores it as a replay and the call
/// layer answers it without changing any call. Pure functions; any thread. The token passed in
/// is used and not kept; callers wipe their copy.

/// What an "edit and replay" changes; anything unset stays as logged.
struct ReplayEdits
{
    /// The form parameters: a POST's body (form encoded), or a GET's query.
    std::optional<twilio::FormParams> params;
    std::optional<QString> path;  ///< e.g. "/status"
    std::optional<QString> query; ///< without '?' (for a GET, `params` wins)
    bool sign = true;             ///< sign with the current token (else sent unsigned)
};

struct ReplayRequest
{
    QString method;
    QUrl target;       ///< where it is sent (the listener, usually on loopback)
    QString signedUrl; ///< the URL it was signed for (the public URL + path + query)
    storage::HeaderList headers;
    QByteArray body;
    bool isSigned = false;

    QNetworkRequest toNetworkRequest() const;
};

/// Header that tells one replay's log entry from another replay of the same entry.
inline constexpr char kReplayTagHeader[] = "X-Switchboard-Replay-Tag";

/// Whether a plain replay is signed: only a request whose signature had been valid (anything
/// else was refused, and is refused again).
bool replaySignedByDefault(const storage::WebhookLogEntry& entry);

/// The form parameters of a logged request: its form body (POST) or its query (GET).
twilio::FormParams loggedParams(const storage::WebhookLogEntry& entry);

/// The request to send: the entry's method, path, query, headers (no Host, length, connection,
/// signature, replay or redacted ones) and body, with `edits` applied, sent to `targetBase` and,
/// when `token` is not empty, signed for `signedBase` + path + query (a JSON body through the
/// bodySHA256 its query already carries). `tag` (may be empty) goes in kReplayTagHeader.
ReplayRequest buildReplay(const storage::WebhookLogEntry& entry,
                          const QString& targetBase,
                          const QString& signedBase,
                          const QByteArray& token,
                          const ReplayEdits* edits = nullptr,
                          const QByteArray& tag = QByteArray());

/// What came of a replay sent by Core::replayWebhook.
struct ReplayResult
{
    qint64 replayedId = 0; ///< the entry replayed
    qint64 entryId = 0;    ///< the new log entry (0: not stored in time)
    int status = 0;        ///< HTTP status the listener answered
    QByteArray responseBody;
    bool isSigned = false;
};

} // namespace sb::bootstrap
