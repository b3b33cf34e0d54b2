// SPDX-License-Identifier: GPL-3.0-or-later
// The settings dialog's actions: Save, Check, Remove and Make active. Each keychain job and the
// account check is asynchronous; its answer is posted back to the dialog (dropped if the dialog
// is gone). Secrets never reach QSettings or a log, and every buffer is wiped after use.
#include "credentials/AccountCheck.h"
#include "credentials/CredentialStore.h"
#include "credentials/ProfileSave.h"
#include "credentials/Profiles.h"
#include "credentials/SecretBytes.h"
#include "ui/settings/SettingsDialog.h"

#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalBlocker>

namespace sb::ui {

using namespace sb::credentials;

namespace {

/// Takes the text of a secret field as bytes and clears the field.
QByteArray takeSecret(QLineEdit* edit)
{
    QByteArray bytes = edit->text().toUtf8();
    edit->clear();
    return bytes;
}

/// Why a typed secret cannot be right (never quoting it), or empty.
QString secretProblem(const QString& text, const QString& label)
{
    for (const QChar c : text) {
        if (c.unicode() <= u' ' || c.unicode() > u'~')
            return SettingsDialog::tr("The %1 contains spaces or non-printable characters; paste it again "
                                      "from the Twilio console.")
                .arg(label);
    }
    return {};
}

} // namespace

bool SettingsDialog::validateForSave()
{
    validateFields();
    const QString sid = m_accountSidEdit->text().trimmed();
    if (sid.isEmpty())
        m_accountSidError->setText(tr("Enter the account SID (AC followed by 32 hexadecimal digits)."));
    m_accountSidError->setVisible(!m_accountSidError->text().isEmpty());
    if (m_accountSidError->isVisibleTo(this) || m_apiKeySidError->isVisibleTo(this) ||
        m_baseUrlError->isVisibleTo(this)) {
        showError(tr("Not saved: correct the fields marked in red."));
        return false;
    }
    if (m_authTokenEdit->text().isEmpty() && !m_tokenStored) {
        showError(tr("Not saved: enter the auth token of account %1 (Twilio console, Account Info).").arg(sid));
        return false;
    }
    QString problem = secretProblem(m_authTokenEdit->text(), tr("auth token"));
    if (problem.isEmpty())
        problem = secretProblem(m_apiKeySecretEdit->text(), tr("API key secret"));
    if (!problem.isEmpty()) {
        showError(problem);
        return false;
    }
    const QString key = m_apiKeySidEdit->text().trimmed();
    const std::optional<Profile> saved = m_settings->find(currentProfile());
    const bool sameKey = saved && saved->apiKeySid == key;
    if (!key.isEmpty() && m_apiKeySecretEdit->text().isEmpty() && !(sameKey && m_apiSecretStored)) {
        showError(tr("Not saved: enter the secret of API key %1 (it is shown only once, when the key is "
                     "created), or clear the API key SID.")
                      .arg(key));
        return false;
    }
    return true;
}

void SettingsDialog::save()
{
    if (isBusy() || !validateForSave())
        return;
    ProfileSaveRequest request;
    request.profile.name = currentProfile();
    request.profile.accountSid = m_accountSidEdit->text().trimmed();
    request.profile.apiKeySid = m_apiKeySidEdit->text().trimmed();
    const QString url = m_baseUrlEdit->text().trimmed();
    request.profile.baseUrl = url.isEmpty() ? QLatin1String(kDefaultBaseUrl) : normalizeBaseUrl(url).value();
    request.authToken = takeSecret(m_authTokenEdit);
    request.apiKeySecret = takeSecret(m_apiKeySecretEdit);
    if (request.profile.apiKeySid.isEmpty()) {
        wipe(request.apiKeySecret); // no key to file it under
        request.removeApiKeySecret = m_apiSecretStored;
    }
    beginBusy(tr("Saving to the OS keychain…"));
    // Keychain first: if it fails, the settings still describe what the keychain holds.
    const QString name = request.profile.name;
    saveProfile(
        *m_store, std::move(request), this, [this, name](ProfileSaveOutcome outcome) { finishSave(name, outcome); });
}

void SettingsDialog::finishSave(const QString& name, const ProfileSaveOutcome& outcome)
{
    if (outcome.authTokenWritten)
        setSecretState(m_tokenStateLabel, m_authTokenEdit, 1);
    if (outcome.apiKeySecretWritten)
        setSecretState(m_apiSecretStateLabel, m_apiKeySecretEdit, 1);
    if (outcome.apiKeySecretRemoved)
        setSecretState(m_apiSecretStateLabel, m_apiKeySecretEdit, 0);
    endBusy();
    switch (outcome.failure) {
    case ProfileSaveFailure::None:
        break;
    case ProfileSaveFailure::Settings:
        return showError(tr("The secrets are in the OS keychain, but %1").arg(outcome.error.message));
    case ProfileSaveFailure::Request:
    case ProfileSaveFailure::Keychain:
        return showError(tr("Not saved: %1").arg(outcome.error.message));
    }
    {
        const QSignalBlocker blocker(m_profileCombo);
        const int index = m_profileCombo->findData(name);
        m_profileCombo->setItemText(index, name); // no longer "(new)"
    }
    updateActiveState();
    showOk(tr("Saved profile '%1': the secrets are in the OS keychain, the rest in the settings.").arg(name));
    emit credentialsChanged(name);
}

void SettingsDialog::check()
{
    if (isBusy())
        return;
    validateFields();
    const QString sid = m_accountSidEdit->text().trimmed();
    if (!isValidAccountSid(sid) || m_apiKeySidError->isVisibleTo(this) || m_baseUrlError->isVisibleTo(this)) {
        if (sid.isEmpty()) {
            m_accountSidError->setText(tr("Enter the account SID (AC followed by 32 hexadecimal digits)."));
            m_accountSidError->show();
        }
        return showError(tr("Cannot check: correct the fields marked in red."));
    }
    // A typed secret is checked as typed (before saving); otherwise the stored one.
    const QString key = m_apiKeySidEdit->text().trimmed();
    const bool useKey = !key.isEmpty();
    QLineEdit* field = useKey ? m_apiKeySecretEdit : m_authTokenEdit;
    const QString username = useKey ? key : sid;
    if (!field->text().isEmpty()) {
        QByteArray typed = field->text().toUtf8();
        return runCheck(username, std::move(typed));
    }
    beginBusy(tr("Reading the OS keychain…"));
    m_store->read(currentProfile(),
                  useKey ? SecretKind::ApiKeySecret : SecretKind::AuthToken,
                  this,
                  [this, username](Result<QByteArray> secret) {
                      endBusy();
                      if (!secret.ok())
                          return showError(tr("Cannot check: %1").arg(secret.error().message));
                      runCheck(username, std::move(secret.value()));
                  });
}

void SettingsDialog::runCheck(const QString& username, QByteArray secret)
{
    AccountCheckRequest request;
    const QString url = m_baseUrlEdit->text().trimmed();
    request.baseUrl = url.isEmpty() ? QLatin1String(kDefaultBaseUrl) : normalizeBaseUrl(url).value();
    request.accountSid = m_accountSidEdit->text().trimmed();
    request.username = username;
    request.password = std::move(secret);
    request.timeoutMs = m_checkTimeoutMs;
    wipe(secret);
    const bool useKey = username != request.accountSid;
    beginBusy(tr("Asking %1 for account %2…").arg(request.baseUrl, request.accountSid));
    const QString baseUrl = request.baseUrl;
    checkAccount(m_network, request, this, [this, useKey, username, baseUrl](Result<AccountInfo> r) {
        endBusy();
        if (!r.ok())
            return showError(r.error().message);
        const AccountInfo& info = r.value();
        const QString what = useKey ? tr("API key %1").arg(username) : tr("auth token");
        if (!info.status.isEmpty() && info.status != QLatin1String("active"))
            return showError(tr("Account %1 \"%2\" accepts the %3, but it is %4, not active.")
                                 .arg(info.sid, info.friendlyName, what, info.status));
        showOk(tr("OK: account %1 \"%2\" (%3, %4) accepts the %5 at %6.")
                   .arg(info.sid,
                        info.friendlyName,
                        info.status.isEmpty() ? tr("status unknown") : info.status,
                        info.type.isEmpty() ? tr("type unknown") : info.type,
                        what,
                        baseUrl));
    });
    // checkAccount copied the request; wipe our copy (and the shared buffer behind both).
    wipe(request.password);
}

void SettingsDialog::removeStored()
{
    if (isBusy())
        return;
    const QString profile = currentProfile();
    const QString question = tr("Remove the auth token and API key secret of profile '%1' from the OS keychain, "
                                "and the profile from the settings?")
                                 .arg(profile);
    if (!m_confirm || !m_confirm(question))
        return;
    beginBusy(tr("Removing from the OS keychain…"));
    m_store->remove(profile, SecretKind::AuthToken, this, [this, profile](Result<bool> r) {
        if (!r.ok()) {
            endBusy();
            return showError(tr("Not removed: %1").arg(r.error().message));
        }
        removeApiSecretThenProfile(profile, r.value());
    });
}

void SettingsDialog::removeApiSecretThenProfile(const QString& profile, bool removedToken)
{
    m_store->remove(profile, SecretKind::ApiKeySecret, this, [this, profile, removedToken](Result<bool> r) {
        endBusy();
        if (!r.ok())
            return showError(tr("Removed the auth token, but not the API key secret: %1").arg(r.error().message));
        const bool hadProfile = m_settings->remove(profile);
        const auto synced = m_settings->sync();
        if (!synced.ok())
            return showError(synced.error().message);
        reloadProfiles(m_settings->activeName());
        if (!removedToken && !r.value() && !hadProfile)
            showOk(tr("Nothing was stored for profile '%1'.").arg(profile));
        else
            showOk(tr("Removed the credentials of profile '%1' from the OS keychain and the settings.").arg(profile));
        emit credentialsChanged(profile);
    });
}

void SettingsDialog::makeActive()
{
    const QString profile = currentProfile();
    if (isBusy() || !m_settings->find(profile))
        return;
    m_settings->setActiveName(profile);
    const auto synced = m_settings->sync();
    updateActiveState();
    if (!synced.ok())
        return showError(synced.error().message);
    showOk(tr("Profile '%1' is now the active one.").arg(profile));
    emit activeProfileChanged(profile);
}

} // namespace sb::ui
