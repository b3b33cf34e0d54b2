// SPDX-License-Identifier: GPL-3.0-or-later
#include "credentials/Profiles.h"

#include "common/Version.h"
#include "twilio/Sid.h"

#include <QRegularExpression>
#include <QUrl>

namespace sb::credentials {
namespace {

QString groupOf(const QString& name)
{
    return QStringLiteral("profiles/") + name;
}

} // namespace

bool isValidProfileName(const QString& name)
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$"));
    return re.match(name).hasMatch();
}

bool isValidAccountSid(const QString& sid)
{
    return twilio::isValidSid(sid, QLatin1String("AC"));
}

bool isValidApiKeySid(const QString& sid)
{
    return twilio::isValidSid(sid, QLatin1String("SK"));
}

Result<QString> normalizeBaseUrl(const QString& text)
{
    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid() || (url.scheme() != QLatin1String("https") && url.scheme() != QLatin1String("http")) ||
        url.host().isEmpty() || url.hasQuery() || url.hasFragment() || !url.userInfo().isEmpty())
        return makeError(
            QStringLiteral("credentials.bad-base-url"),
            QStringLiteral("'%1' is not a REST base URL (expected e.g. https://api.twilio.com)").arg(text));
    QString out = url.toString(QUrl::FullyEncoded);
    while (out.endsWith(QLatin1Char('/')))
        out.chop(1);
    return out;
}

ProfileSettings::ProfileSettings()
    : m_settings(QLatin1String(kAppName), QLatin1String(kAppName))
{
}

QStringList ProfileSettings::names() const
{
    m_settings.beginGroup(QStringLiteral("profiles"));
    QStringList out = m_settings.childGroups();
    m_settings.endGroup();
    out.removeIf([](const QString& n) { return !isValidProfileName(n); });
    out.sort();
    return out;
}

QString ProfileSettings::activeName() const
{
    const QString stored = m_settings.value(QStringLiteral("activeProfile")).toString();
    if (isValidProfileName(stored))
        return stored;
    const QStringList all = names();
    if (all.size() == 1)
        return all.first();
    return QLatin1String(kDefaultProfile);
}

void ProfileSettings::setActiveName(const QString& name)
{
    m_settings.setValue(QStringLiteral("activeProfile"), name);
}

QString ProfileSettings::resolve(const QString& name) const
{
    return name.isEmpty() ? activeName() : name;
}

std::optional<Profile> ProfileSettings::find(const QString& name) const
{
    if (!isValidProfileName(name) || !names().contains(name))
        return std::nullopt;
    m_settings.beginGroup(groupOf(name));
    Profile p;
    p.name = name;
    p.accountSid = m_settings.value(QStringLiteral("accountSid")).toString();
    p.apiKeySid = m_settings.value(QStringLiteral("apiKeySid")).toString();
    p.baseUrl = m_settings.value(QStringLiteral("baseUrl"), QLatin1String(kDefaultBaseUrl)).toString();
    m_settings.endGroup();
    return p;
}

void ProfileSettings::save(const Profile& profile)
{
    m_settings.beginGroup(groupOf(profile.name));
    m_settings.setValue(QStringLiteral("accountSid"), profile.accountSid);
    if (profile.apiKeySid.isEmpty())
        m_settings.remove(QStringLiteral("apiKeySid"));
    else
        m_settings.setValue(QStringLiteral("apiKeySid"), profile.apiKeySid);
    m_settings.setValue(QStringLiteral("baseUrl"),
                        profile.baseUrl.isEmpty() ? QLatin1String(kDefaultBaseUrl) : profile.baseUrl);
    m_settings.endGroup();
}

bool ProfileSettings::remove(const QString& name)
{
    const bool existed = names().contains(name);
    m_settings.remove(groupOf(name));
    if (m_settings.value(QStringLiteral("activeProfile")).toString() == name)
        m_settings.remove(QStringLiteral("activeProfile"));
    return existed;
}

Result<bool> ProfileSettings::sync()
{
    m_settings.sync();
    if (m_settings.status() != QSettings::NoError)
        return makeError(QStringLiteral("credentials.settings"),
                         QStringLiteral("cannot write the settings file %1").arg(m_settings.fileName()));
    return true;
}

QString ProfileSettings::fileName() const
{
    return m_settings.fileName();
}

} // namespace sb::credentials
