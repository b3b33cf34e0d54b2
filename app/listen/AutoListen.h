// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QHash>
#include <QObject>
#include <QPointer>

namespace sb::storage {
struct CallRecord;
}

namespace sb::bootstrap {
class Core;
}

namespace sb::listen {

class LivePlayback;

/// --auto-listen: always plays the newest live call. A call is live from its first stored record
/// until it ends (state ringing, in-progress or streaming, no end time); the newest is the one
/// first seen last. When a newer call starts, playback switches to it; when the played call ends,
/// it switches to the newest call still live, or stops.
///
/// Main thread. attach() again after the core is replaced (the window's settings can do that).
class AutoListen : public QObject
{
    Q_OBJECT

public:
    AutoListen(LivePlayback* playback, QObject* parent = nullptr);
    ~AutoListen() override;

    /// Follows `core`'s calls and routes the playback's tap through it (null: detaches and stops).
    void attach(bootstrap::Core* core);
    /// The call being played; empty when none.
    QString current() const { return m_current; }

private:
    void onCall(const storage::CallRecord& call);
    void choose();

    LivePlayback* m_playback;
    QPointer<bootstrap::Core> m_core;
    QMetaObject::Connection m_connection;
    QHash<QString, quint64> m_live; ///< live calls and the order they were first seen in
    quint64 m_seen = 0;
    QString m_current;
};

} // namespace sb::listen
