// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/Result.h"

#include <QByteArray>
#include <QDialog>
#include <QString>
#include <functional>
#include <memory>

class QComboBox;
class QLabel;
class QLineEdit;
class QNetworkAccessManager;
class QPushButton;

namespace sb::credentials {
class CredentialStore;
class ProfileSettings;
struct ProfileSaveOutcome;
} // namespace sb::credentials

namespace sb::ui {

/// Twilio credentials per profile: the account SID, API key SID and REST base URL go to QSettings
/// (ProfileSettings); the auth token and API key secret only to the OS keychain (CredentialStore),
/// never to a plain-text fallback. Secret fields are never prefilled: the dialog shows whether a
/// secret is stored, and an empty field on Save keeps the stored one. Every keychain job and the
/// account check run asynchronously; the buttons are disabled while one runs.
class SettingsDialog : public QDialog
{
    Q_OBJECT

public:
    /// Asks the user something; true to go ahead. Default: a QMessageBox question.
    using Confirm = std::function<bool(const QString& question)>;
    /// Asks for the name of a new profile; empty to cancel. Default: a QInputDialog.
    using AskName = std::function<QString()>;

    explicit SettingsDialog(QWidget* parent = nullptr);
    ~SettingsDialog() override;

    void setConfirm(Confirm confirm) { m_confirm = std::move(confirm); }
    void setAskProfileName(AskName ask) { m_askName = std::move(ask); }
    /// Time limit of the account check (default 15 s).
    void setCheckTimeoutMs(int ms) { m_checkTimeoutMs = ms; }

    /// The profile shown (possibly new, not saved yet).
    QString currentProfile() const;
    /// Shows `name`, adding it as a new (unsaved) profile if needed. False if the name is
    /// invalid or a job runs (isBusy()).
    bool selectProfile(const QString& name);
    /// True while a keychain job or an account check runs.
    bool isBusy() const { return m_busy > 0; }

signals:
    /// After a successful Save or Remove of `profile`.
    void credentialsChanged(const QString& profile);
    /// After "Make active".
    void activeProfileChanged(const QString& profile);
    void busyChanged(bool busy);

private:
    void buildUi();
    void reloadProfiles(const QString& select);
    void onProfileActivated(int index);
    void showProfile(const QString& name);
    void refreshSecretState();
    void updateActiveState();
    void validateFields();
    bool validateForSave();

    void save();
    void finishSave(const QString& name, const credentials::ProfileSaveOutcome& outcome);
    void check();
    void runCheck(const QString& username, QByteArray secret);
    void removeStored();
    void removeApiSecretThenProfile(const QString& profile, bool removedToken);
    void makeActive();

    /// Disables the actions; `what` (if not empty) replaces the status text.
    void beginBusy(const QString& what = {});
    void endBusy();
    void showOk(const QString& text);
    void showError(const QString& text);
    void setSecretState(QLabel* label, QLineEdit* edit, int state); ///< -1 unknown, 0 no, 1 yes

    credentials::CredentialStore* m_store = nullptr;
    std::unique_ptr<credentials::ProfileSettings> m_settings;
    QNetworkAccessManager* m_network = nullptr;
    Confirm m_confirm;
    AskName m_askName;
    int m_checkTimeoutMs = 15000;
    int m_busy = 0;
    int m_lastIndex = -1;
    bool m_tokenStored = false;
    bool m_apiSecretStored = false;

    QComboBox* m_profileCombo = nullptr;
    QPushButton* m_makeActiveButton = nullptr;
    QLabel* m_activeLabel = nullptr;
    QLineEdit* m_accountSidEdit = nullptr;
    QLabel* m_accountSidError = nullptr;
    QLineEdit* m_authTokenEdit = nullptr;
    QLabel* m_tokenStateLabel = nullptr;
    QLineEdit* m_apiKeySidEdit = nullptr;
    QLabel* m_apiKeySidError = nullptr;
    QLineEdit* m_apiKeySecretEdit = nullptr;
    QLabel* m_apiSecretStateLabel = nullptr;
    QLineEdit* m_baseUrlEdit = nullptr;
    QLabel* m_baseUrlError = nullptr;
    QLabel* m_statusLabel = nullptr;
    QPushButton* m_saveButton = nullptr;
    QPushButton* m_checkButton = nullptr;
    QPushButton* m_removeButton = nullptr;
    QPushButton* m_closeButton = nullptr;
};

} // namespace sb::ui
