// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "bootstrap/CallsApi.h"

#include <QObject>
#include <QString>
#include <functional>

class QNetworkAccessManager;

namespace sb::storage {
class Storage;
}

namespace sb::bootstrap {

/// An operator's actions on a live call through Twilio's REST API (update a call,
/// app/twilio/PROTOCOL.md §7.1): hang up (`Status=completed`), redirect to a flow (`Url` =
/// the listener's `/voice?flow=NAME`, `Method=POST`; the call registry then runs that flow),
/// say a message and play a file (`Twiml` built with the TwiML builder).
///
/// Every action is asynchronous and bounded (the account's timeout, 15 s by default): it returns
/// an id at once and later emits finished() exactly once with the result in words ("Hung up",
/// "No such call (20404)", "No Twilio credentials: set them in Settings", ...), also when it
/// fails before any request is sent. Each outcome is stored as a call event
/// `operator.<action>` {ok, result, twilio_code, http_status, and the action's argument}, so it
/// shows on the call's timeline. Twilio's own answer to the change (status callbacks, the
/// redirected webhook) arrives through the listener as usual; the call's state is not changed
/// here.
///
/// Thread: lives on the thread that creates it (the Core's, i.e. the main thread) and uses its
/// event loop; call it there. The auth token is read per request and never kept.
class CallActions : public QObject
{
    Q_OBJECT

public:
    /// `publicUrl` gives the listener's current public URL (redirect targets follow the tunnel).
    /// `storage` may be null (outcomes are then only emitted); it must outlive this object.
    CallActions(RestAccount account,
                std::function<QString()> publicUrl,
                storage::Storage* storage,
                QObject* parent = nullptr);
    ~CallActions() override;

    /// True when an account SID and a token are configured.
    bool hasCredentials() const { return m_account.configured(); }
    /// The account used by actions started from now on (settings applied while running).
    void setAccount(RestAccount account) { m_account = std::move(account); }

    int hangUp(const QString& callSid);
    int redirect(const QString& callSid, const QString& flow);
    int say(const QString& callSid, const QString& text);
    int play(const QString& callSid, const QString& mediaUrl);

    /// The message when no credentials are configured.
    static QString noCredentialsMessage();

signals:
    /// `action`: hangup, redirect, say, play.
    void finished(int id, const QString& callSid, const QString& action, bool ok, const QString& message);

private:
    int run(const QString& callSid,
            const QString& action,
            const QString& argumentName,
            const QString& argument,
            const QByteArray& form,
            const QString& success);
    void conclude(int id,
                  const QString& callSid,
                  const QString& action,
                  const QJsonObject& detail,
                  bool ok,
                  const QString& message);

    RestAccount m_account;
    std::function<QString()> m_publicUrl;
    storage::Storage* m_storage;
    QNetworkAccessManager* m_nam;
    int m_nextId = 1;
};

} // namespace sb::bootstrap
