// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/network/NetworkPanel.h"

#include "bootstrap/Core.h"
#include "tunnel/TunnelSupervisor.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QElapsedTimer>
#include <QFontDatabase>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

namespace sb::ui {

namespace {

constexpr int kHealthIntervalMs = 5000;
constexpr int kHealthTimeoutMs = 3000;
constexpr int kTunnelLogLines = 200;

/// A read-only URL field with a copy button beside it.
QLineEdit* urlRow(QFormLayout* form, const QString& label, const QString& name, NetworkPanel* panel)
{
    auto* row = new QWidget;
    auto* layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* field = new QLineEdit(row);
    field->setReadOnly(true);
    field->setObjectName(name);
    field->setAccessibleName(label);
    auto* copy = new QToolButton(row);
    copy->setText(QObject::tr("Copy"));
    copy->setObjectName(name + QStringLiteral("Copy"));
    copy->setToolTip(QObject::tr("Copy %1 to the clipboard").arg(label));
    copy->setAccessibleName(QObject::tr("Copy %1").arg(label));
    QObject::connect(copy, &QToolButton::clicked, panel, [field, label, panel] {
        QApplication::clipboard()->setText(field->text());
        emit panel->copied(label);
    });
    layout->addWidget(field, 1);
    layout->addWidget(copy);
    form->addRow(label + QLatin1Char(':'), row);
    return field;
}

} // namespace

NetworkPanel::NetworkPanel(bootstrap::Core* core, QWidget* parent)
    : QWidget(parent)
    , m_core(core)
    , m_network(new QNetworkAccessManager(this))
    , m_healthTimer(new QTimer(this))
{
    setObjectName(QStringLiteral("networkPanel"));
    auto* layout = new QVBoxLayout(this);

    auto* listener = new QGroupBox(tr("Listener"), this);
    auto* form = new QFormLayout(listener);
    m_listenerUrl = new QLabel(listener);
    m_listenerUrl->setObjectName(QStringLiteral("listenerUrl"));
    m_listenerUrl->setTextInteractionFlags(Qt::TextSelectableByMouse);
    form->addRow(tr("Listening on:"), m_listenerUrl);
    m_webhookUrl = urlRow(form, tr("Voice webhook URL"), QStringLiteral("webhookUrl"), this);
    m_statusUrl = urlRow(form, tr("Status callback URL"), QStringLiteral("statusUrl"), this);
    m_streamUrl = urlRow(form, tr("Media Streams URL"), QStringLiteral("streamUrl"), this);
    m_health = new QLabel(tr("not checked yet"), listener);
    m_health->setObjectName(QStringLiteral("listenerHealth"));
    form->addRow(tr("Health:"), m_health);
    layout->addWidget(listener);

    auto* tunnelBox = new QGroupBox(tr("Tunnel"), this);
    auto* tunnelLayout = new QVBoxLayout(tunnelBox);
    m_tunnelState = new QLabel(tunnelBox);
    m_tunnelState->setObjectName(QStringLiteral("tunnelState"));
    m_tunnelState->setWordWrap(true);
    m_tunnelState->setTextInteractionFlags(Qt::TextSelectableByMouse);
    tunnelLayout->addWidget(m_tunnelState);
    auto* controls = new QHBoxLayout;
    m_tunnelKind = new QComboBox(tunnelBox);
    m_tunnelKind->setObjectName(QStringLiteral("tunnelKind"));
    m_tunnelKind->setAccessibleName(tr("Tunnel kind"));
    m_tunnelKind->addItem(tr("cloudflared (quick tunnel)"), QStringLiteral("cloudflared"));
    m_tunnelKind->addItem(tr("ngrok"), QStringLiteral("ngrok"));
    m_tunnelKind->addItem(tr("Command of my own"), QStringLiteral("command"));
    m_tunnelKind->addItem(tr("Fixed public URL"), QStringLiteral("url"));
    m_tunnelArgument = new QLineEdit(tunnelBox);
    m_tunnelArgument->setObjectName(QStringLiteral("tunnelArgument"));
    m_tunnelArgument->setAccessibleName(tr("Tunnel program, command or URL"));
    m_startTunnel = new QPushButton(tr("Start tunnel"), tunnelBox);
    m_startTunnel->setObjectName(QStringLiteral("startTunnel"));
    m_stopTunnel = new QPushButton(tr("Stop"), tunnelBox);
    m_stopTunnel->setObjectName(QStringLiteral("stopTunnel"));
    controls->addWidget(m_tunnelKind);
    controls->addWidget(m_tunnelArgument, 1);
    controls->addWidget(m_startTunnel);
    controls->addWidget(m_stopTunnel);
    tunnelLayout->addLayout(controls);
    m_tunnelLog = new QPlainTextEdit(tunnelBox);
    m_tunnelLog->setObjectName(QStringLiteral("tunnelLog"));
    m_tunnelLog->setAccessibleName(tr("Tunnel output"));
    m_tunnelLog->setReadOnly(true);
    m_tunnelLog->setMaximumBlockCount(kTunnelLogLines);
    m_tunnelLog->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_tunnelLog->setPlaceholderText(
        tr("The tunnel program's last %1 lines of output appear here.").arg(kTunnelLogLines));
    tunnelLayout->addWidget(m_tunnelLog, 1);
    layout->addWidget(tunnelBox, 1);

    connect(m_tunnelKind, &QComboBox::currentIndexChanged, this, &NetworkPanel::updateTunnelInputs);
    connect(m_startTunnel, &QPushButton::clicked, this, &NetworkPanel::startTunnel);
    connect(m_stopTunnel, &QPushButton::clicked, this, [this] {
        if (m_core)
            m_core->stopTunnel();
    });
    updateTunnelInputs();

    if (!m_core) {
        m_listenerUrl->setText(tr("not running"));
        m_health->setText(tr("the listener is not running"));
        setEnabled(false);
        return;
    }
    connect(m_core, &bootstrap::Core::publicUrlChanged, this, &NetworkPanel::showUrls);
    connect(m_core, &bootstrap::Core::tunnelChanged, this, &NetworkPanel::attachTunnel);
    showUrls();
    attachTunnel(m_core->tunnel());
    m_healthTimer->setInterval(kHealthIntervalMs);
    connect(m_healthTimer, &QTimer::timeout, this, &NetworkPanel::checkHealth);
    m_healthTimer->start();
    checkHealth();
}

QString NetworkPanel::healthText() const
{
    return m_health->text();
}

void NetworkPanel::showUrls()
{
    const QString base = m_core->publicUrl();
    m_listenerUrl->setText(m_core->listenerUrl());
    m_webhookUrl->setText(base + QStringLiteral("/voice"));
    m_statusUrl->setText(base + QStringLiteral("/status"));
    m_streamUrl->setText(m_core->streamUrl());
}

void NetworkPanel::checkHealth()
{
    if (!m_core)
        return;
    QNetworkRequest request(QUrl(m_core->listenerUrl() + QStringLiteral("/health")));
    request.setTransferTimeout(kHealthTimeoutMs);
    auto* timer = new QElapsedTimer;
    timer->start();
    QNetworkReply* reply = m_network->get(request);
    connect(reply, &QNetworkReply::finished, this, [this, reply, timer] {
        const qint64 ms = timer->elapsed();
        delete timer;
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        m_healthy = reply->error() == QNetworkReply::NoError && status == 200;
        m_health->setText(m_healthy
                              ? tr("answering (%1 ms)").arg(ms)
                              : tr("not answering: %1").arg(status ? tr("HTTP %1").arg(status) : reply->errorString()));
    });
}

void NetworkPanel::attachTunnel(tunnel::TunnelSupervisor* tunnel)
{
    if (m_tunnel)
        disconnect(m_tunnel, nullptr, this, nullptr);
    m_tunnel = tunnel;
    if (m_tunnel) {
        connect(m_tunnel, &tunnel::TunnelSupervisor::stateChanged, this, &NetworkPanel::showTunnelState);
        connect(m_tunnel, &tunnel::TunnelSupervisor::healthChecked, this, &NetworkPanel::showTunnelState);
        connect(m_tunnel, &tunnel::TunnelSupervisor::logLine, this, [this](const QString& line) {
            m_tunnelLog->appendPlainText(line);
        });
    }
    showTunnelState();
}

void NetworkPanel::showTunnelState()
{
    if (!m_tunnel) {
        m_tunnelState->setText(tr("No tunnel: Twilio cannot reach this listener from the internet. Start one "
                                  "below, or use demo calls, which need none."));
        m_startTunnel->setText(tr("Start tunnel"));
        m_stopTunnel->setEnabled(false);
        return;
    }
    const tunnel::TunnelStatus status = m_tunnel->status();
    m_tunnelState->setText(tr("Tunnel %1").arg(tunnel::describeStatus(status)) +
                           (status.restarts ? tr(" · restarted %n time(s)", nullptr, status.restarts) : QString()));
    m_startTunnel->setText(tr("Restart"));
    m_stopTunnel->setEnabled(true);
}

void NetworkPanel::updateTunnelInputs()
{
    const QString kind = m_tunnelKind->currentData().toString();
    if (kind == QLatin1String("url"))
        m_tunnelArgument->setPlaceholderText(tr("https://calls.example.com"));
    else if (kind == QLatin1String("command"))
        m_tunnelArgument->setPlaceholderText(tr("my-tunnel --port {port}"));
    else
        m_tunnelArgument->setPlaceholderText(tr("program path (empty: %1 from PATH)").arg(kind));
}

void NetworkPanel::startTunnel()
{
    if (!m_core)
        return;
    const QString kind = m_tunnelKind->currentData().toString();
    const QString argument = m_tunnelArgument->text().trimmed();
    const QString spec = argument.isEmpty() ? kind : kind + QLatin1Char(':') + argument;
    const Result<bool> started = m_core->startTunnel(spec);
    if (!started.ok())
        m_tunnelState->setText(tr("Could not start the tunnel: %1").arg(started.error().message));
}

} // namespace sb::ui
