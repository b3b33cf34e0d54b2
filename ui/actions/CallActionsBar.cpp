// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/actions/CallActionsBar.h"

#include "bootstrap/CallActions.h"
#include "bootstrap/Core.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>

namespace sb::ui {

CallActionsBar::CallActionsBar(bootstrap::Core* core, QWidget* parent)
    : QWidget(parent)
    , m_core(core)
    , m_hangUp(new QPushButton(tr("Hang up"), this))
    , m_redirect(new QPushButton(tr("Redirect"), this))
    , m_flows(new QComboBox(this))
    , m_say(new QPushButton(tr("Say…"), this))
    , m_play(new QPushButton(tr("Play…"), this))
    , m_result(new QLabel(this))
{
    m_hangUp->setObjectName(QStringLiteral("hangUpButton"));
    m_redirect->setObjectName(QStringLiteral("redirectButton"));
    m_flows->setObjectName(QStringLiteral("redirectFlow"));
    m_flows->setAccessibleName(tr("Flow to redirect to"));
    m_say->setObjectName(QStringLiteral("sayButton"));
    m_play->setObjectName(QStringLiteral("playButton"));
    m_result->setObjectName(QStringLiteral("actionResult"));
    m_result->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_result->setWordWrap(true);
    m_hangUp->setToolTip(tr("End the call (Twilio: Status=completed)"));
    m_redirect->setToolTip(tr("Run the chosen flow on the call from now on"));
    m_say->setToolTip(tr("Speak a message to the caller (replaces what the call is doing)"));
    m_play->setToolTip(tr("Play an audio file to the caller (replaces what the call is doing)"));

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_hangUp);
    layout->addWidget(m_flows);
    layout->addWidget(m_redirect);
    layout->addWidget(m_say);
    layout->addWidget(m_play);
    layout->addWidget(m_result, 1);

    m_confirm = [this](const QString& question) {
        return QMessageBox::question(
                   this, tr("Hang up"), question, QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel) ==
               QMessageBox::Yes;
    };
    m_askText = [this](const QString& title, const QString& label) {
        bool ok = false;
        const QString text = QInputDialog::getText(this, title, label, QLineEdit::Normal, QString(), &ok);
        return ok ? text : QString();
    };

    connect(m_hangUp, &QPushButton::clicked, this, &CallActionsBar::requestHangUp);
    connect(m_redirect, &QPushButton::clicked, this, &CallActionsBar::requestRedirect);
    connect(m_say, &QPushButton::clicked, this, &CallActionsBar::requestSay);
    connect(m_play, &QPushButton::clicked, this, &CallActionsBar::requestPlay);
    if (m_core && m_core->callActions()) {
        connect(m_core->callActions(),
                &bootstrap::CallActions::finished,
                this,
                [this](int id, const QString& callSid, const QString& action, bool ok, const QString& message) {
                    if (id != m_pending)
                        return; // someone else's action
                    m_pending = 0;
                    if (callSid == m_callSid)
                        m_result->setText(message);
                    refresh();
                    emit actionFinished(callSid, action, ok, message);
                });
    }
    refresh();
}

CallActionsBar::~CallActionsBar() = default;

void CallActionsBar::setCall(const QString& callSid, bool live, const QStringList& flows)
{
    if (callSid != m_callSid)
        m_result->clear();
    m_callSid = callSid;
    m_live = live;
    const QString chosen = m_flows->currentText();
    m_flows->clear();
    m_flows->addItems(flows);
    if (const int index = m_flows->findText(chosen); index >= 0)
        m_flows->setCurrentIndex(index);
    refresh();
}

bool CallActionsBar::canAct() const
{
    return m_core && m_core->callActions() && m_core->callActions()->hasCredentials() && !m_callSid.isEmpty() &&
           m_live && m_pending == 0;
}

void CallActionsBar::refresh()
{
    const bool can = canAct();
    for (QWidget* w : {static_cast<QWidget*>(m_hangUp), static_cast<QWidget*>(m_say), static_cast<QWidget*>(m_play)})
        w->setEnabled(can);
    m_redirect->setEnabled(can && m_flows->count() > 0);
    m_flows->setEnabled(can && m_flows->count() > 0);
    const bool credentials = m_core && m_core->callActions() && m_core->callActions()->hasCredentials();
    if (!m_callSid.isEmpty() && !credentials && m_result->text().isEmpty())
        m_result->setText(bootstrap::CallActions::noCredentialsMessage());
}

void CallActionsBar::started(int id, const QString& what)
{
    m_pending = id;
    m_result->setText(what);
    refresh();
}

void CallActionsBar::requestHangUp()
{
    if (!canAct() || !m_confirm(tr("Hang up call %1?").arg(m_callSid)) || !canAct())
        return;
    started(m_core->callActions()->hangUp(m_callSid), tr("Hanging up…"));
}

void CallActionsBar::requestRedirect()
{
    const QString flow = m_flows->currentText();
    if (!canAct() || flow.isEmpty())
        return;
    started(m_core->callActions()->redirect(m_callSid, flow), tr("Redirecting to flow %1…").arg(flow));
}

void CallActionsBar::requestSay()
{
    if (!canAct())
        return;
    const QString sid = m_callSid;
    const QString text = m_askText(tr("Say"), tr("Message to speak to the caller:")).trimmed();
    if (text.isEmpty() || sid != m_callSid || !canAct())
        return;
    started(m_core->callActions()->say(m_callSid, text), tr("Sending the message…"));
}

void CallActionsBar::requestPlay()
{
    if (!canAct())
        return;
    const QString sid = m_callSid;
    const QString url = m_askText(tr("Play"), tr("URL of the audio file (http or https):")).trimmed();
    if (url.isEmpty() || sid != m_callSid || !canAct())
        return;
    started(m_core->callActions()->play(m_callSid, url), tr("Sending the file…"));
}

} // namespace sb::ui
