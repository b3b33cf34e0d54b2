// SPDX-License-Identifier: GPL-3.0-or-later
// The settings dialog: layout, profile chooser, validation and state. The keychain and network
// actions (Save, Check, Remove, Make active) are in SettingsDialogActions.cpp.
#include "ui/settings/SettingsDialog.h"

#include "credentials/CredentialStore.h"
#include "credentials/Profiles.h"
#include "credentials/SecretBytes.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QNetworkAccessManager>
#include <QPushButton>
#include <QSignalBlocker>
#include <QVBoxLayout>

namespace sb::ui {

using namespace sb::credentials;

namespace {

constexpr int kNewProfileRole = Qt::UserRole + 1;

QLabel* errorLabel(QWidget* parent, const char* name)
{
    auto* label = new QLabel(parent);
    label->setObjectName(QLatin1String(name));
    label->setStyleSheet(QStringLiteral("color: #b00020;"));
    label->setWordWrap(true);
    label->hide();
    return label;
}

void setInlineError(QLabel* label, const QString& text)
{
    label->setText(text);
    label->setVisible(!text.isEmpty());
}

} // namespace

SettingsDialog::SettingsDialog(QWidget* parent)
    : QDialog(parent)
    , m_store(new CredentialStore(kDefaultKeychainTimeoutMs, this))
    , m_settings(std::make_unique<ProfileSettings>())
    , m_network(new QNetworkAccessManager(this))
{
    setObjectName(QStringLiteral("settingsDialog"));
    setWindowTitle(tr("Twilio credentials"));
    m_confirm = [this](const QString& question) {
        return QMessageBox::question(this, tr("Remove credentials"), question) == QMessageBox::Yes;
    };
    m_askName = [this]() {
        bool ok = false;
        const QString name = QInputDialog::getText(this,
                                                   tr("New profile"),
                                                   tr("Profile name (letters, digits, '.', '_', '-'):"),
                                                   QLineEdit::Normal,
                                                   QString(),
                                                   &ok);
        return ok ? name.trimmed() : QString();
    };
    buildUi();
    reloadProfiles(m_settings->activeName());
}

SettingsDialog::~SettingsDialog() = default;

void SettingsDialog::buildUi()
{
    m_profileCombo = new QComboBox(this);
    m_profileCombo->setObjectName(QStringLiteral("profileCombo"));
    m_activeLabel = new QLabel(this);
    m_activeLabel->setObjectName(QStringLiteral("activeLabel"));
    m_makeActiveButton = new QPushButton(tr("Make active"), this);
    m_makeActiveButton->setObjectName(QStringLiteral("makeActiveButton"));
    auto* profileRow = new QHBoxLayout;
    profileRow->addWidget(m_profileCombo, 1);
    profileRow->addWidget(m_activeLabel);
    profileRow->addWidget(m_makeActiveButton);

    m_accountSidEdit = new QLineEdit(this);
    m_accountSidEdit->setObjectName(QStringLiteral("accountSidEdit"));
    m_accountSidEdit->setPlaceholderText(QStringLiteral("AC…"));
    m_accountSidError = errorLabel(this, "accountSidError");

    m_authTokenEdit = new QLineEdit(this);
    m_authTokenEdit->setObjectName(QStringLiteral("authTokenEdit"));
    m_authTokenEdit->setEchoMode(QLineEdit::Password);
    m_tokenStateLabel = new QLabel(this);
    m_tokenStateLabel->setObjectName(QStringLiteral("tokenStateLabel"));

    m_apiKeySidEdit = new QLineEdit(this);
    m_apiKeySidEdit->setObjectName(QStringLiteral("apiKeySidEdit"));
    m_apiKeySidEdit->setPlaceholderText(tr("SK… (optional)"));
    m_apiKeySidError = errorLabel(this, "apiKeySidError");

    m_apiKeySecretEdit = new QLineEdit(this);
    m_apiKeySecretEdit->setObjectName(QStringLiteral("apiKeySecretEdit"));
    m_apiKeySecretEdit->setEchoMode(QLineEdit::Password);
    m_apiSecretStateLabel = new QLabel(this);
    m_apiSecretStateLabel->setObjectName(QStringLiteral("apiSecretStateLabel"));

    m_baseUrlEdit = new QLineEdit(this);
    m_baseUrlEdit->setObjectName(QStringLiteral("baseUrlEdit"));
    m_baseUrlEdit->setPlaceholderText(QLatin1String(kDefaultBaseUrl));
    m_baseUrlError = errorLabel(this, "baseUrlError");

    auto* form = new QFormLayout;
    form->addRow(tr("Profile:"), profileRow);
    form->addRow(tr("Account SID:"), m_accountSidEdit);
    form->addRow(QString(), m_accountSidError);
    form->addRow(tr("Auth token:"), m_authTokenEdit);
    form->addRow(QString(), m_tokenStateLabel);
    form->addRow(tr("API key SID:"), m_apiKeySidEdit);
    form->addRow(QString(), m_apiKeySidError);
    form->addRow(tr("API key secret:"), m_apiKeySecretEdit);
    form->addRow(QString(), m_apiSecretStateLabel);
    form->addRow(tr("REST base URL:"), m_baseUrlEdit);
    form->addRow(QString(), m_baseUrlError);

    m_statusLabel = new QLabel(this);
    m_statusLabel->setObjectName(QStringLiteral("statusLabel"));
    m_statusLabel->setWordWrap(true);
    m_statusLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* buttons = new QDialogButtonBox(this);
    m_saveButton = buttons->addButton(tr("Save"), QDialogButtonBox::ApplyRole);
    m_saveButton->setObjectName(QStringLiteral("saveButton"));
    m_checkButton = buttons->addButton(tr("Check"), QDialogButtonBox::ActionRole);
    m_checkButton->setObjectName(QStringLiteral("checkButton"));
    m_removeButton = buttons->addButton(tr("Remove stored secrets…"), QDialogButtonBox::DestructiveRole);
    m_removeButton->setObjectName(QStringLiteral("removeButton"));
    m_closeButton = buttons->addButton(QDialogButtonBox::Close);
    m_closeButton->setObjectName(QStringLiteral("closeButton"));
    for (QPushButton* b : {m_saveButton, m_checkButton, m_removeButton, m_closeButton})
        b->setAutoDefault(false);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_statusLabel);
    layout->addWidget(buttons);
    setMinimumWidth(560);

    connect(m_profileCombo, &QComboBox::activated, this, &SettingsDialog::onProfileActivated);
    connect(m_makeActiveButton, &QPushButton::clicked, this, &SettingsDialog::makeActive);
    connect(m_saveButton, &QPushButton::clicked, this, &SettingsDialog::save);
    connect(m_checkButton, &QPushButton::clicked, this, &SettingsDialog::check);
    connect(m_removeButton, &QPushButton::clicked, this, &SettingsDialog::removeStored);
    connect(m_closeButton, &QPushButton::clicked, this, &SettingsDialog::reject);
    for (QLineEdit* e : {m_accountSidEdit, m_apiKeySidEdit, m_baseUrlEdit})
        connect(e, &QLineEdit::textEdited, this, &SettingsDialog::validateFields);
}

QString SettingsDialog::currentProfile() const
{
    return m_profileCombo->currentData().toString();
}

bool SettingsDialog::selectProfile(const QString& name)
{
    if (!isValidProfileName(name) || isBusy())
        return false;
    reloadProfiles(name);
    return true;
}

void SettingsDialog::reloadProfiles(const QString& select)
{
    QStringList names = m_settings->names();
    if (!select.isEmpty() && !names.contains(select)) {
        names << select; // new, not saved yet
        names.sort();
    }
    {
        const QSignalBlocker blocker(m_profileCombo);
        m_profileCombo->clear();
        for (const QString& n : names)
            m_profileCombo->addItem(m_settings->find(n) ? n : tr("%1 (new)").arg(n), n);
        m_profileCombo->addItem(tr("New profile…"));
        m_profileCombo->setItemData(m_profileCombo->count() - 1, true, kNewProfileRole);
        m_profileCombo->setCurrentIndex(std::max(0, m_profileCombo->findData(select)));
    }
    m_lastIndex = m_profileCombo->currentIndex();
    showProfile(currentProfile());
}

void SettingsDialog::onProfileActivated(int index)
{
    m_statusLabel->clear(); // the last status was about the profile shown before
    m_statusLabel->setProperty("ok", QVariant());
    if (!m_profileCombo->itemData(index, kNewProfileRole).toBool()) {
        m_lastIndex = index;
        showProfile(currentProfile());
        return;
    }
    const QString name = m_askName ? m_askName() : QString();
    if (name.isEmpty() || !isValidProfileName(name)) {
        {
            const QSignalBlocker blocker(m_profileCombo);
            m_profileCombo->setCurrentIndex(m_lastIndex);
        }
        if (!name.isEmpty())
            showError(tr("'%1' is not a valid profile name: use 1 to 64 letters, digits, '.', '_' or '-', "
                         "not starting with a dot.")
                          .arg(name));
        return;
    }
    reloadProfiles(name);
}

void SettingsDialog::showProfile(const QString& name)
{
    const std::optional<Profile> p = m_settings->find(name);
    m_accountSidEdit->setText(p ? p->accountSid : QString());
    m_apiKeySidEdit->setText(p ? p->apiKeySid : QString());
    m_baseUrlEdit->setText(p ? p->baseUrl : QLatin1String(kDefaultBaseUrl));
    m_authTokenEdit->clear();
    m_apiKeySecretEdit->clear();
    for (QLabel* l : {m_accountSidError, m_apiKeySidError, m_baseUrlError})
        setInlineError(l, QString());
    updateActiveState();
    refreshSecretState();
}

void SettingsDialog::updateActiveState()
{
    const QString name = currentProfile();
    const bool saved = m_settings->find(name).has_value();
    const bool active = saved && m_settings->activeName() == name;
    m_activeLabel->setText(active ? tr("active") : saved ? tr("not active") : tr("not saved yet"));
    m_makeActiveButton->setEnabled(!isBusy() && saved && !active);
}

void SettingsDialog::refreshSecretState()
{
    const QString profile = currentProfile();
    setSecretState(m_tokenStateLabel, m_authTokenEdit, -1);
    setSecretState(m_apiSecretStateLabel, m_apiKeySecretEdit, -1);
    if (profile.isEmpty())
        return;
    beginBusy(); // keeps the status of the last action
    // Reading is the only way the Secret Service tells whether a secret exists; wipe it at once.
    m_store->read(profile, SecretKind::AuthToken, this, [this, profile](Result<QByteArray> token) {
        const bool tokenOk = token.ok();
        if (tokenOk)
            wipe(token.value());
        const bool missing = !tokenOk && token.error().code == QLatin1String("credentials.missing");
        setSecretState(m_tokenStateLabel, m_authTokenEdit, tokenOk ? 1 : missing ? 0 : -1);
        if (!tokenOk && !missing) {
            endBusy();
            showError(token.error().message);
            return;
        }
        m_store->read(profile, SecretKind::ApiKeySecret, this, [this](Result<QByteArray> secret) {
            const bool secretOk = secret.ok();
            if (secretOk)
                wipe(secret.value());
            const bool none = !secretOk && secret.error().code == QLatin1String("credentials.missing");
            setSecretState(m_apiSecretStateLabel, m_apiKeySecretEdit, secretOk ? 1 : none ? 0 : -1);
            endBusy();
            if (!secretOk && !none)
                showError(secret.error().message);
        });
    });
}

void SettingsDialog::setSecretState(QLabel* label, QLineEdit* edit, int state)
{
    if (label == m_tokenStateLabel)
        m_tokenStored = state == 1;
    else
        m_apiSecretStored = state == 1;
    label->setProperty("stored", state == 1);
    if (state == 1) {
        label->setText(tr("Stored in the OS keychain. Leave the field empty to keep it."));
        edit->setPlaceholderText(tr("(stored; type to replace)"));
    } else if (state == 0) {
        label->setText(tr("Not stored."));
        edit->setPlaceholderText(tr("(not stored)"));
    } else {
        label->setText(tr("Unknown (the OS keychain did not answer)."));
        edit->setPlaceholderText(QString());
    }
}

void SettingsDialog::validateFields()
{
    const QString sid = m_accountSidEdit->text().trimmed();
    setInlineError(m_accountSidError,
                   sid.isEmpty() || isValidAccountSid(sid)
                       ? QString()
                       : tr("An account SID is AC followed by 32 hexadecimal digits (see the Twilio console)."));
    const QString key = m_apiKeySidEdit->text().trimmed();
    setInlineError(m_apiKeySidError,
                   key.isEmpty() || isValidApiKeySid(key)
                       ? QString()
                       : tr("An API key SID is SK followed by 32 hexadecimal digits; leave it empty to use "
                            "the auth token."));
    const QString url = m_baseUrlEdit->text().trimmed();
    setInlineError(m_baseUrlError,
                   url.isEmpty() || normalizeBaseUrl(url).ok() ? QString() : normalizeBaseUrl(url).error().message);
}

void SettingsDialog::beginBusy(const QString& what)
{
    if (m_busy++ == 0) {
        for (QWidget* w : std::initializer_list<QWidget*>{
                 m_profileCombo, m_makeActiveButton, m_saveButton, m_checkButton, m_removeButton})
            w->setEnabled(false);
        emit busyChanged(true);
    }
    if (what.isEmpty())
        return;
    m_statusLabel->setStyleSheet(QString());
    m_statusLabel->setProperty("ok", QVariant());
    m_statusLabel->setText(what);
}

void SettingsDialog::endBusy()
{
    if (m_busy == 0 || --m_busy > 0)
        return;
    for (QWidget* w : std::initializer_list<QWidget*>{m_profileCombo, m_saveButton, m_checkButton, m_removeButton})
        w->setEnabled(true);
    updateActiveState();
    emit busyChanged(false);
}

void SettingsDialog::showOk(const QString& text)
{
    m_statusLabel->setStyleSheet(QStringLiteral("color: #1b7f2a;"));
    m_statusLabel->setProperty("ok", true);
    m_statusLabel->setText(text);
}

void SettingsDialog::showError(const QString& text)
{
    m_statusLabel->setStyleSheet(QStringLiteral("color: #b00020;"));
    m_statusLabel->setProperty("ok", false);
    m_statusLabel->setText(text);
}

} // namespace sb::ui
