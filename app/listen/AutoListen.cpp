// SPDX-License-Identifier: GPL-3.0-or-later
#include "listen/AutoListen.h"

#include "bootstrap/Core.h"
#include "listen/LivePlayback.h"
#include "storage/Records.h"

namespace sb::listen {

AutoListen::AutoListen(LivePlayback* playback, QObject* parent)
    : QObject(parent)
    , m_playback(playback)
{
}

AutoListen::~AutoListen()
{
    disconnect(m_connection);
}

void AutoListen::attach(bootstrap::Core* core)
{
    disconnect(m_connection);
    m_core = core;
    m_live.clear();
    m_current.clear();
    m_playback->stop();
    if (!core) {
        m_playback->setRoute({});
        return;
    }
    QPointer<bootstrap::Core> guarded(core);
    m_playback->setRoute([guarded](const QString& callSid, calls::MediaSession::FrameTap tap) {
        if (guarded)
            guarded->listenTo(callSid, std::move(tap));
    });
    m_connection = connect(core, &bootstrap::Core::callStored, this, &AutoListen::onCall);
}

void AutoListen::onCall(const storage::CallRecord& call)
{
    static const QStringList liveStates = {
        QStringLiteral("ringing"), QStringLiteral("in-progress"), QStringLiteral("streaming")};
    const bool live = call.endedAt.isNull() && liveStates.contains(call.state);
    if (live && !m_live.contains(call.callSid))
        m_live.insert(call.callSid, ++m_seen);
    else if (!live && !m_live.remove(call.callSid))
        return;
    choose();
}

void AutoListen::choose()
{
    QString newest;
    quint64 order = 0;
    for (auto it = m_live.cbegin(); it != m_live.cend(); ++it) {
        if (it.value() > order) {
            order = it.value();
            newest = it.key();
        }
    }
    if (newest == m_current)
        return;
    m_current = newest;
    if (newest.isEmpty())
        m_playback->stop();
    else
        m_playback->listen(newest);
}

} // namespace sb::listen
