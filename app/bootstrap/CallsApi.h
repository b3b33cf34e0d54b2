// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <QUrl>
#include <functional>

class QNetworkAccessManager;
class QNetworkReply;

namespace sb::bootstrap {

/// Where and as whom the core reaches Twilio's REST API (app/twilio/PROTOCOL.md §7.1). The token
/// is asked for per request and wiped after use; it is never logged or stored.
struct RestAccount
{
    QUrl apiBase = QUrl(QStringLiteral("https://api.twilio.com"));
    QString accountSid; ///< AC…; empty: no credentials
    std::function<QByteArray()> authToken;
    int timeoutMs = 15000; ///< whole request, connection included

    bool configured() const { return !accountSid.isEmpty() && authToken != nullptr; }
};

/// A finished REST request, in words an operator understands.
struct RestOutcome
{
    bool ok = false;
    int httpStatus = 0;   ///< 0: no HTTP answer (network, timeout)
    int twilioCode = 0;   ///< Twilio's error `code`, 0 when none
    QString message;      ///< why it failed (empty on success)
    QJsonObject resource; ///< the call JSON on success
};

/// Sends one request for the call resource `…/Accounts/{AC}/Calls/{CA}.json`: GET when `form`
/// is empty, else POST with the form body. Basic auth with the account SID and token; bounded by
/// `timeoutMs`. The reply belongs to `nam`'s thread; read it with readOutcome() on finished().
QNetworkReply*
sendCallRequest(QNetworkAccessManager& nam, const RestAccount& account, const QString& callSid, const QByteArray& form);

/// Reads a finished reply: success (2xx with a JSON object) or the failure explained, e.g.
/// "No such call (20404)", "Authentication failed: check the account SID and auth token (20003)",
/// "Twilio refused: the call is not in progress (21220)", "Cannot reach Twilio at HOST:
/// connection refused", "No answer from Twilio within 15 s".
RestOutcome readOutcome(QNetworkReply* reply, const RestAccount& account);

} // namespace sb::bootstrap
