// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/console/FirstStart.h"

#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace sb::ui {

namespace {

QPushButton* step(QVBoxLayout* layout, const QString& name, const QString& text, const QString& explanation)
{
    auto* button = new QPushButton(text);
    button->setObjectName(name);
    button->setMinimumWidth(260);
    auto* why = new QLabel(explanation);
    why->setWordWrap(true);
    why->setAlignment(Qt::AlignHCenter);
    why->setForegroundRole(QPalette::PlaceholderText);
    layout->addWidget(button, 0, Qt::AlignHCenter);
    layout->addWidget(why);
    layout->addSpacing(12);
    return button;
}

} // namespace

FirstStart::FirstStart(QWidget* parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("firstStart"));
    auto* layout = new QVBoxLayout(this);
    layout->addStretch(1);
    auto* title = new QLabel(tr("No calls yet"), this);
    QFont big = title->font();
    big.setPointSizeF(big.pointSizeF() * 1.6);
    big.setBold(true);
    title->setFont(big);
    title->setAlignment(Qt::AlignHCenter);
    layout->addWidget(title);
    auto* intro = new QLabel(tr("Calls Twilio sends to this listener appear here as they ring, with their audio, "
                                "transcript and every webhook on one timeline."),
                             this);
    intro->setWordWrap(true);
    intro->setAlignment(Qt::AlignHCenter);
    layout->addWidget(intro);
    layout->addSpacing(18);

    m_demo = step(layout,
                  QStringLiteral("firstStartDemo"),
                  tr("Place a demo call"),
                  tr("The built-in simulator plays Twilio's side: no phone and no Twilio account needed."));
    QPushButton* credentials = step(layout,
                                    QStringLiteral("firstStartCredentials"),
                                    tr("Set Twilio credentials…"),
                                    tr("Kept in the system keychain; needed to check Twilio's signatures, act on "
                                       "calls and fetch recordings."));
    QPushButton* tunnel = step(layout,
                               QStringLiteral("firstStartTunnel"),
                               tr("Start a tunnel…"),
                               tr("Gives this listener a public URL Twilio can reach (cloudflared or ngrok)."));
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("firstStartStatus"));
    m_status->setAlignment(Qt::AlignHCenter);
    m_status->setWordWrap(true);
    m_status->hide();
    layout->addWidget(m_status);
    layout->addStretch(2);

    connect(m_demo, &QPushButton::clicked, this, &FirstStart::demoCallRequested);
    connect(credentials, &QPushButton::clicked, this, &FirstStart::credentialsRequested);
    connect(tunnel, &QPushButton::clicked, this, &FirstStart::tunnelRequested);
}

void FirstStart::setDemoStatus(const QString& text)
{
    m_status->setText(text);
    m_status->setVisible(!text.isEmpty());
}

QString FirstStart::demoStatus() const
{
    return m_status->text();
}

void FirstStart::setListenerError(const QString& error)
{
    m_demo->setEnabled(false);
    setDemoStatus(tr("The listener is not running: %1").arg(error));
}

} // namespace sb::ui
