// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/Result.h"

#include <QSettings>
#include <QString>
#include <QStringList>
#include <optional>

namespace sb::credentials {

/// The profile used when none is named and none is marked active.
inline constexpr char kDefaultProfile[] = "default";
/// Twilio's REST API; tests and the simulator point a profile at a local stand-in instead.
inline constexpr char kDefaultBaseUrl[] = "https://api.twilio.com";

/// One Twilio account (or subaccount) the app can use. Only non-secret fields: the auth token and
/// the API key secret live in the OS keychain (CredentialStore), never here.
struct Profile
{
    QString name;
    QString accountSid; ///< AC + 32 hex digits
    QString apiKeySid;  ///< SK + 32 hex digits, empty when no API key is configured
    QString baseUrl;    ///< REST base URL, e.g. https://api.twilio.com
};

/// Profile names: 1 to 64 of [A-Za-z0-9._-], not starting with a dot.
bool isValidProfileName(const QString& name);
/// `AC` followed by 32 hex digits.
bool isValidAccountSid(const QString& sid);
/// `SK` followed by 32 hex digits.
bool isValidApiKeySid(const QString& sid);
/// An http(s) URL with a host and no query, fragment or user info; returned without a trailing slash.
Result<QString> normalizeBaseUrl(const QString& url);

/// The non-secret profile settings in QSettings (organization and application "switchboard"):
/// `activeProfile`, and `profiles/<name>/{accountSid,apiKeySid,baseUrl}`.
/// Not thread-safe: use one instance from one thread (QSettings itself syncs across processes).
class ProfileSettings
{
public:
    ProfileSettings();

    /// Every configured profile, sorted.
    QStringList names() const;
    /// The active profile's name: the stored one, else the only profile, else "default".
    QString activeName() const;
    void setActiveName(const QString& name);
    /// `name` or, when empty, the active profile's name.
    QString resolve(const QString& name) const;

    std::optional<Profile> find(const QString& name) const;
    void save(const Profile& profile);
    /// Removes the profile (and the active mark if it pointed there). Returns whether it existed.
    bool remove(const QString& name);

    /// Writes pending changes; an error if the settings file cannot be written.
    Result<bool> sync();
    QString fileName() const;

private:
    mutable QSettings m_settings;
};

} // namespace sb::credentials
