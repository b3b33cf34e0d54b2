// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "bootstrap/CallsApi.h"

#include <QObject>
#include <QSet>

class QNetworkAccessManager;
class QTimer;

namespace sb::calls {
class CallRegistry;
}

namespace sb::bootstrap {

/// Makes sure no call stays "live" forever. A live call with no open stream where nothing has
/// arrived (no webhook, no callback, no stream event) for `quietMs` is reconciled: with
/// credentials the REST API is asked for the call (`GET …/Calls/{CA}.json`) and the status
/// Twilio reports is applied (`call.reconciled` how `rest`; a still-live call stays live and its
/// quiet time starts again); without credentials, or when the request fails, the call ends as
/// `ended-unknown` (how `timeout`, with the failure as `note`).
///
/// A timer (a quarter of `quietMs`, between 100 ms and 5 s) looks for quiet calls; one request
/// per call at a time. Thread: lives on the thread of the call registry (the network thread) and
/// must be created there; the registry must outlive it.
class CallReconciler : public QObject
{
    Q_OBJECT

public:
    CallReconciler(calls::CallRegistry* registry, RestAccount account, qint64 quietMs, QObject* parent = nullptr);
    ~CallReconciler() override;

    /// The account asked from now on (settings applied while running). Its thread.
    void setAccount(RestAccount account) { m_account = std::move(account); }
    /// Looks for quiet calls now (the timer calls it too).
    void check();

private:
    void ask(const QString& callSid);

    calls::CallRegistry* m_registry;
    RestAccount m_account;
    qint64 m_quietMs;
    QTimer* m_timer;
    QNetworkAccessManager* m_nam;
    QSet<QString> m_asking; ///< calls with a REST request under way
};

} // namespace sb::bootstrap
