// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "storage/Records.h"

#include <QObject>
#include <QSet>

class QSystemTrayIcon;

namespace sb::ui {

class CallWall;

/// Tells the operator about a new call: once per call, when the wall first sees it through the
/// live feed (CallWall::callArrived; never for calls loaded from the history, never for a call
/// that is already over). Each notification is emitted as notified() and, by option:
/// - a tray message "Incoming call from <label or number> to <label or number>", when the
///   desktop has a system tray (the notifier makes its own tray icon unless given one);
/// - a beep (QApplication::beep());
/// - the call selected in the wall.
///
/// The options persist in QSettings: `notifications/showMessage` (default on),
/// `notifications/playSound` (off), `notifications/autoSelect` (off); they are read when the
/// notifier is made and written by the setters.
///
/// GUI thread only; the wall must outlive the notifier (parent it to the wall or its window).
class NewCallNotifier : public QObject
{
    Q_OBJECT

public:
    explicit NewCallNotifier(CallWall* wall, QObject* parent = nullptr);
    ~NewCallNotifier() override;

    bool showMessage() const { return m_showMessage; }
    bool playSound() const { return m_playSound; }
    bool autoSelect() const { return m_autoSelect; }
    void setShowMessage(bool on);
    void setPlaySound(bool on);
    void setAutoSelect(bool on);
    /// Use this tray icon for messages instead of one of the notifier's own (null: its own).
    void setTrayIcon(QSystemTrayIcon* tray);

    /// The notification's text for a call.
    QString textFor(const storage::CallRecord& call) const;

signals:
    void notified(const QString& callSid, const QString& text);

private:
    void onCallArrived(const storage::CallRecord& call);
    QSystemTrayIcon* tray();

    CallWall* m_wall;
    QSet<QString> m_notified;
    QSystemTrayIcon* m_tray = nullptr;
    bool m_ownTray = false;
    bool m_showMessage = true;
    bool m_playSound = false;
    bool m_autoSelect = false;
};

} // namespace sb::ui
