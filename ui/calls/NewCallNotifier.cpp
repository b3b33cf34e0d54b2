// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/calls/NewCallNotifier.h"

#include "ui/calls/CallStateStyle.h"
#include "ui/calls/CallWall.h"
#include "ui/calls/CallWallModel.h"

#include <QApplication>
#include <QSettings>
#include <QSystemTrayIcon>

namespace sb::ui {

namespace {
const QString kShowMessage = QStringLiteral("notifications/showMessage");
const QString kPlaySound = QStringLiteral("notifications/playSound");
const QString kAutoSelect = QStringLiteral("notifications/autoSelect");
} // namespace

NewCallNotifier::NewCallNotifier(CallWall* wall, QObject* parent)
    : QObject(parent)
    , m_wall(wall)
{
    const QSettings settings;
    m_showMessage = settings.value(kShowMessage, true).toBool();
    m_playSound = settings.value(kPlaySound, false).toBool();
    m_autoSelect = settings.value(kAutoSelect, false).toBool();
    connect(m_wall, &CallWall::callArrived, this, &NewCallNotifier::onCallArrived);
}

NewCallNotifier::~NewCallNotifier()
{
    if (m_ownTray)
        delete m_tray;
}

void NewCallNotifier::setShowMessage(bool on)
{
    m_showMessage = on;
    QSettings().setValue(kShowMessage, on);
}

void NewCallNotifier::setPlaySound(bool on)
{
    m_playSound = on;
    QSettings().setValue(kPlaySound, on);
}

void NewCallNotifier::setAutoSelect(bool on)
{
    m_autoSelect = on;
    QSettings().setValue(kAutoSelect, on);
}

void NewCallNotifier::setTrayIcon(QSystemTrayIcon* tray)
{
    if (m_ownTray)
        delete m_tray;
    m_tray = tray;
    m_ownTray = false;
}

QString NewCallNotifier::textFor(const storage::CallRecord& call) const
{
    const CallWallModel* model = m_wall->model();
    const QString from = call.from.isEmpty() ? tr("an unknown caller") : model->displayNumber(call.from);
    return tr("Incoming call from %1 to %2").arg(from, model->displayNumber(call.to));
}

QSystemTrayIcon* NewCallNotifier::tray()
{
    if (!m_tray && QSystemTrayIcon::isSystemTrayAvailable()) {
        const QIcon appIcon = QApplication::windowIcon();
        m_tray = new QSystemTrayIcon(appIcon.isNull() ? stateIcon(CallWallModel::StateKind::Ringing) : appIcon);
        m_ownTray = true;
        m_tray->setToolTip(QApplication::applicationDisplayName());
        m_tray->show();
    }
    return m_tray;
}

void NewCallNotifier::onCallArrived(const storage::CallRecord& call)
{
    if (CallWallModel::categoryOf(call) == CallWallModel::Category::Ended || m_notified.contains(call.callSid))
        return;
    m_notified.insert(call.callSid);
    const QString text = textFor(call);
    if (m_showMessage) {
        if (QSystemTrayIcon* icon = tray())
            icon->showMessage(tr("Incoming call"), text, QSystemTrayIcon::Information, 10000);
    }
    if (m_playSound)
        QApplication::beep();
    if (m_autoSelect)
        m_wall->selectCall(call.callSid);
    emit notified(call.callSid, text);
}

} // namespace sb::ui
