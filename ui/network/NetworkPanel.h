// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QPointer>
#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QNetworkAccessManager;
class QPlainTextEdit;
class QPushButton;
class QTimer;

namespace sb::bootstrap {
class Core;
}
namespace sb::tunnel {
class TunnelSupervisor;
}

namespace sb::ui {

/// The listener and tunnel panel: what Twilio must be told (the public webhook and stream URLs,
/// each with a copy button), whether the listener answers (/health, asked every 5 s over
/// loopback), the tunnel's state, its last lines of output, and controls to start, restart or
/// stop a tunnel (cloudflared, ngrok, a command of one's own or a fixed URL).
///
/// GUI thread. It never waits: the health check is an asynchronous request, and the tunnel
/// supervisor lives on the GUI thread already and reports through signals.
class NetworkPanel : public QWidget
{
    Q_OBJECT

public:
    explicit NetworkPanel(bootstrap::Core* core, QWidget* parent = nullptr);

    /// The last health answer in words ("answering (3 ms)", "not answering: ...").
    QString healthText() const;
    /// Asks /health now (also done every 5 s while the panel is shown).
    void checkHealth();

signals:
    /// A URL was put on the clipboard (for the status bar).
    void copied(const QString& what);

private:
    void showUrls();
    void attachTunnel(tunnel::TunnelSupervisor* tunnel);
    void showTunnelState();
    void startTunnel();
    void updateTunnelInputs();

    bootstrap::Core* m_core = nullptr;
    QPointer<tunnel::TunnelSupervisor> m_tunnel;
    QNetworkAccessManager* m_network = nullptr;
    QTimer* m_healthTimer = nullptr;
    QLabel* m_listenerUrl = nullptr;
    QLineEdit* m_webhookUrl = nullptr;
    QLineEdit* m_statusUrl = nullptr;
    QLineEdit* m_streamUrl = nullptr;
    QLabel* m_health = nullptr;
    QLabel* m_tunnelState = nullptr;
    QComboBox* m_tunnelKind = nullptr;
    QLineEdit* m_tunnelArgument = nullptr;
    QPushButton* m_startTunnel = nullptr;
    QPushButton* m_stopTunnel = nullptr;
    QPlainTextEdit* m_tunnelLog = nullptr;
    bool m_healthy = false;
};

} // namespace sb::ui
