// SPDX-License-Identifier: GPL-3.0-or-later
#include "bootstrap/CallReconciler.h"

#include "calls/CallRegistry.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTimer>
#include <algorithm>

namespace sb::bootstrap {

CallReconciler::CallReconciler(calls::CallRegistry* registry, RestAccount account, qint64 quietMs, QObject* parent)
    : QObject(parent)
    , m_registry(registry)
    , m_account(std::move(account))
    , m_quietMs(qMax<qint64>(1, quietMs))
    , m_timer(new QTimer(this))
    , m_nam(new QNetworkAccessManager(this))
{
    m_timer->setInterval(int(std::clamp<qint64>(m_quietMs / 4, 100, 5000)));
    connect(m_timer, &QTimer::timeout, this, &CallReconciler::check);
    m_timer->start();
}

CallReconciler::~CallReconciler() = default;

void CallReconciler::check()
{
    for (const QString& callSid : m_registry->quietCalls(m_quietMs)) {
        if (m_asking.contains(callSid))
            continue;
        if (!m_account.configured())
            m_registry->reconcile(callSid, QStringLiteral("timeout"), QString());
        else
            ask(callSid);
    }
}

void CallReconciler::ask(const QString& callSid)
{
    m_asking.insert(callSid);
    QNetworkReply* reply = sendCallRequest(*m_nam, m_account, callSid, QByteArray());
    connect(reply, &QNetworkReply::finished, this, [this, reply, callSid] {
        reply->deleteLater();
        m_asking.remove(callSid);
        const RestOutcome outcome = readOutcome(reply, m_account);
        const QString status = outcome.resource.value(QLatin1String("status")).toString();
        if (outcome.ok && !status.isEmpty()) {
            bool known = false;
            const qint64 duration = outcome.resource.value(QLatin1String("duration")).toString().toLongLong(&known);
            m_registry->reconcile(callSid, QStringLiteral("rest"), status, known ? duration : -1);
        } else {
            m_registry->reconcile(callSid,
                                  QStringLiteral("timeout"),
                                  QString(),
                                  -1,
                                  outcome.ok ? QStringLiteral("Twilio's answer had no status") : outcome.message);
        }
    });
}

} // namespace sb::bootstrap
