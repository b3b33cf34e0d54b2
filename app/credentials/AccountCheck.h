// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/Result.h"

#include <QByteArray>
#include <QNetworkReply>
#include <QString>
#include <functional>

class QNetworkAccessManager;
class QObject;

namespace sb::credentials {

/// What `credentials check` asks: GET {baseUrl}/2010-04-01/Accounts/{accountSid}.json with HTTP
/// Basic auth `username:password` (AccountSid:AuthToken, or ApiKeySid:ApiKeySecret).
struct AccountCheckRequest
{
    QString baseUrl;
    QString accountSid;
    QString username;    ///< AC... or SK...
    QByteArray password; ///< the secret; wiped by the caller after the check
    int timeoutMs = 15000;
};

/// The account as Twilio describes it (non-secret fields only).
struct AccountInfo
{
    QString sid;
    QString friendlyName;
    QString status; ///< active, suspended, closed
    QString type;   ///< Full, Trial
};

/// Error codes: check.unauthorized (401), check.not-found (404), check.forbidden (403),
/// check.http (other status), check.network (refused, DNS, TLS, ...), check.timeout,
/// check.bad-response (200 but not an account). Messages never contain the secret.

/// Reads a finished reply's status and body the way Twilio answers (JSON error shape with
/// `code`, `message`, `detail`, `status`). Pure; `usedApiKey` only shapes the 401 hint.
Result<AccountInfo> interpretAccountResponse(
    int httpStatus, const QByteArray& body, const QString& accountSid, const QString& username, bool usedApiKey);

/// Starts the check on `manager` (whose thread must be the current one). `done` runs once, on
/// `context`'s thread (the current one), after the reply or the time limit; not if `context`
/// is destroyed first. Redirects are not followed (credentials never go to another host).
void checkAccount(QNetworkAccessManager* manager,
                  const AccountCheckRequest& request,
                  QObject* context,
                  std::function<void(Result<AccountInfo>)> done);

/// Blocking variant for the command line: spins a local event loop on the calling thread, which
/// needs a QCoreApplication.
Result<AccountInfo> checkAccountBlocking(const AccountCheckRequest& request);

} // namespace sb::credentials
