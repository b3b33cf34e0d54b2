// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QStringList>
#include <QWidget>
#include <functional>

class QComboBox;
class QLabel;
class QPushButton;

namespace sb::bootstrap {
class Core;
}

namespace sb::ui {

/// The operator's actions on the selected call: Hang up (after a confirmation), Redirect to the
/// flow chosen in the combo box, Say… (a text) and Play… (a media URL), sent through the core's
/// CallActions (Twilio's REST API). The buttons are enabled only for a live call when the core
/// has Twilio credentials, and disabled while an action runs; the result of the last action (or
/// why nothing can be done) is shown in words in the label `actionResult`.
///
/// Object names (for the window's shortcuts and tests): `hangUpButton`, `redirectButton`,
/// `redirectFlow`, `sayButton`, `playButton`, `actionResult`. The request*() slots do what the
/// buttons do (and nothing when the button is disabled), so actions with shortcuts can call them.
///
/// Thread: GUI thread only. The core (may be null: everything disabled) must outlive the bar.
class CallActionsBar : public QWidget
{
    Q_OBJECT

public:
    /// Asks the user a yes/no question; true to go ahead. Default: a QMessageBox question.
    using Confirm = std::function<bool(const QString& question)>;
    /// Asks for a text (`title`, `label`); empty or cancelled: nothing. Default: QInputDialog.
    using AskText = std::function<QString(const QString& title, const QString& label)>;

    explicit CallActionsBar(bootstrap::Core* core, QWidget* parent = nullptr);
    ~CallActionsBar() override;

    /// The call the actions apply to (empty: none), whether it is live, and the flows it can be
    /// redirected to. Calling it again for the same call (its state changed) keeps the result
    /// shown; another call clears it.
    void setCall(const QString& callSid, bool live, const QStringList& flows);
    QString callSid() const { return m_callSid; }
    /// True while an action runs.
    bool isBusy() const { return m_pending != 0; }

    void setConfirm(Confirm confirm) { m_confirm = std::move(confirm); }
    void setAskText(AskText ask) { m_askText = std::move(ask); }

public slots:
    void requestHangUp();
    void requestRedirect();
    void requestSay();
    void requestPlay();

signals:
    /// An action this bar started has finished (also stored as an `operator.*` call event).
    void actionFinished(const QString& callSid, const QString& action, bool ok, const QString& message);

private:
    bool canAct() const;
    void started(int id, const QString& what);
    void refresh();

    bootstrap::Core* m_core;
    QPushButton* m_hangUp;
    QPushButton* m_redirect;
    QComboBox* m_flows;
    QPushButton* m_say;
    QPushButton* m_play;
    QLabel* m_result;
    Confirm m_confirm;
    AskText m_askText;
    QString m_callSid;
    bool m_live = false;
    int m_pending = 0; ///< id of the running action, 0: none
};

} // namespace sb::ui
