// SPDX-License-Identifier: GPL-3.0-or-later
// `switchboard credentials set|show|clear|check|list|use`: Twilio credentials per profile. Secrets
// come on stdin (or a no-echo prompt on a terminal), never from argv or the environment; they go
// only to the OS keychain. Runs on the main thread with a QCoreApplication.
#include "cli/CommandLine.h"
#include "cli/Output.h"
#include "cli/SecretInput.h"
#include "common/Version.h"
#include "credentials/AccountCheck.h"
#include "credentials/CredentialStore.h"
#include "credentials/ProfileSave.h"
#include "credentials/Profiles.h"
#include "credentials/SecretBytes.h"

#include <QCommandLineParser>
#include <QJsonDocument>
#include <QJsonObject>

namespace sb::cli {
namespace {

using namespace sb::credentials;

/// What `show` prints instead of a secret: fixed, so it reveals neither characters nor length.
const QString kMask = QStringLiteral("********");
/// The subcommand's name in messages: `switchboard credentials: ...`.
const QLatin1String kCommand("credentials");

QString credentialsHelpText()
{
    return QStringLiteral(
               "Usage: %1 credentials set --account-sid AC... [--api-key-sid SK... | --remove-api-key] [options]\n"
               "       %1 credentials show [--json] [options]\n"
               "       %1 credentials clear [options]\n"
               "       %1 credentials check [options]\n"
               "       %1 credentials list\n"
               "       %1 credentials use PROFILE\n"
               "\n"
               "Twilio credentials per profile. The auth token and API key secret are stored only in the OS\n"
               "keychain (Secret Service: GNOME Keyring, KWallet); never in a file, argv or the environment.\n"
               "\n"
               "set    reads the secrets from stdin, one per line: line 1 the auth token; line 2 the API key\n"
               "       secret, only when --api-key-sid is given. On a terminal it prompts without echo.\n"
               "       Without --api-key-sid an existing API key of the profile is kept.\n"
               "show   prints the SIDs and whether each secret is stored; secrets show as ******** only.\n"
               "clear  removes the profile's secrets from the keychain and its settings.\n"
               "check  asks the REST API (GET /2010-04-01/Accounts/AC....json) whether the credentials work,\n"
               "       using the API key when one is set, else the auth token.\n"
               "list   lists the profiles (* marks the active one).\n"
               "use    makes PROFILE the active one (used when --profile is not given).\n"
               "\n"
               "Options:\n"
               "  --profile NAME       Profile to act on (default: the active one, else \"default\").\n"
               "  --account-sid AC...  Account SID (set; required for a new profile).\n"
               "  --api-key-sid SK...  API key SID (set; its secret comes on stdin line 2).\n"
               "  --remove-api-key     set: drop the profile's API key.\n"
               "  --base-url URL       REST base URL (set: stored; check: this time only; default %2).\n"
               "  --timeout MS         Time limit of each keychain job and of the REST request (default %3).\n"
               "  --json               show: print JSON.\n"
               "  -h, --help           Show this help and exit.\n"
               "\n"
               "Exit codes: 0 success, 1 failure (one line on stderr), 2 usage error.\n")
        .arg(QLatin1String(sb::kAppName), QLatin1String(kDefaultBaseUrl))
        .arg(kDefaultKeychainTimeoutMs);
}

/// A secret as Twilio issues them: printable ASCII without spaces. Never echoed in messages.
QString checkSecret(const QByteArray& secret, const QString& label)
{
    if (secret.isEmpty())
        return QStringLiteral("no %1 on stdin (line %2)").arg(label);
    if (secret.size() > kMaxSecretLength)
        return QStringLiteral("the %1 is longer than %2 bytes").arg(label).arg(kMaxSecretLength);
    for (const char c : secret) {
        if (c <= ' ' || c > '~')
            return QStringLiteral("the %1 contains spaces or non-printable characters (not shown)").arg(label);
    }
    return {};
}

struct Options
{
    QString action;
    QStringList positional;
    QString profile; ///< resolved
    QString accountSid;
    QString apiKeySid;
    bool removeApiKey = false;
    QString baseUrl;
    int timeoutMs = kDefaultKeychainTimeoutMs;
    bool json = false;
};

int runSet(const Options& o, ProfileSettings& settings)
{
    const std::optional<Profile> existing = settings.find(o.profile);
    Profile profile = existing.value_or(Profile{o.profile, {}, {}, QLatin1String(kDefaultBaseUrl)});
    if (!o.accountSid.isEmpty())
        profile.accountSid = o.accountSid;
    if (profile.accountSid.isEmpty())
        return usageError(kCommand, QStringLiteral("profile '%1' is new: give --account-sid AC...").arg(o.profile));
    if (!o.baseUrl.isEmpty())
        profile.baseUrl = o.baseUrl;
    const bool newApiKey = !o.apiKeySid.isEmpty();
    if (newApiKey)
        profile.apiKeySid = o.apiKeySid;
    if (o.removeApiKey)
        profile.apiKeySid.clear();

    ProfileSaveRequest request;
    SecretGuard tokenGuard(request.authToken);
    SecretGuard apiGuard(request.apiKeySecret);
    cli::readSecret(QStringLiteral("Auth token for %1 (not shown): ").arg(profile.accountSid), request.authToken);
    if (newApiKey)
        cli::readSecret(QStringLiteral("Secret of API key %1 (not shown): ").arg(profile.apiKeySid),
                        request.apiKeySecret);
    QString problem = checkSecret(request.authToken, QStringLiteral("auth token"));
    if (!problem.isEmpty())
        return fail(kCommand, problem.contains(QLatin1String("%2")) ? problem.arg(1) : problem);
    if (newApiKey) {
        problem = checkSecret(request.apiKeySecret, QStringLiteral("API key secret"));
        if (!problem.isEmpty())
            return fail(kCommand, problem.contains(QLatin1String("%2")) ? problem.arg(2) : problem);
    }

    // Keychain first, then the settings (one sequence, shared with the settings dialog).
    request.profile = profile;
    request.removeApiKeySecret = o.removeApiKey;
    const ProfileSaveOutcome saved = saveProfileBlocking(std::move(request), o.timeoutMs);
    if (!saved.ok())
        return fail(kCommand, saved.error.message);
    printLine(QStringLiteral("stored the credentials of profile '%1' (account %2%3) in the OS keychain")
                  .arg(o.profile,
                       profile.accountSid,
                       profile.apiKeySid.isEmpty() ? QString() : QStringLiteral(", API key ") + profile.apiKeySid));
    return kExitOk;
}

/// Whether a secret is stored: read it (the only way the Secret Service tells), then wipe it.
Result<bool> isStored(const QString& profile, SecretKind kind, int timeoutMs)
{
    auto secret = credentials::readSecret(profile, kind, timeoutMs);
    if (secret.ok()) {
        wipe(secret.value());
        return true;
    }
    if (secret.error().code == QLatin1String("credentials.missing"))
        return false;
    return secret.error();
}

int runShow(const Options& o, ProfileSettings& settings)
{
    const std::optional<Profile> profile = settings.find(o.profile);
    const auto token = isStored(o.profile, SecretKind::AuthToken, o.timeoutMs);
    if (!token.ok())
        return fail(kCommand, token.error().message);
    if (!profile && !token.value())
        return fail(kCommand,
                    QStringLiteral("no profile '%1' (run `%2 credentials set --profile %1 --account-sid AC...`)")
                        .arg(o.profile, QLatin1String(sb::kAppName)));
    const Profile p = profile.value_or(Profile{o.profile, {}, {}, QLatin1String(kDefaultBaseUrl)});
    bool apiSecretStored = false;
    if (!p.apiKeySid.isEmpty()) {
        const auto api = isStored(o.profile, SecretKind::ApiKeySecret, o.timeoutMs);
        if (!api.ok())
            return fail(kCommand, api.error().message);
        apiSecretStored = api.value();
    }
    const bool active = settings.activeName() == o.profile;
    if (o.json) {
        QJsonObject j;
        j.insert(QStringLiteral("profile"), p.name);
        j.insert(QStringLiteral("active"), active);
        j.insert(QStringLiteral("accountSid"), p.accountSid.isEmpty() ? QJsonValue() : QJsonValue(p.accountSid));
        j.insert(QStringLiteral("authTokenStored"), token.value());
        j.insert(QStringLiteral("authToken"), token.value() ? QJsonValue(kMask) : QJsonValue());
        j.insert(QStringLiteral("apiKeySid"), p.apiKeySid.isEmpty() ? QJsonValue() : QJsonValue(p.apiKeySid));
        j.insert(QStringLiteral("apiKeySecretStored"), apiSecretStored);
        j.insert(QStringLiteral("apiKeySecret"), apiSecretStored ? QJsonValue(kMask) : QJsonValue());
        j.insert(QStringLiteral("baseUrl"), p.baseUrl);
        printLine(QString::fromUtf8(QJsonDocument(j).toJson(QJsonDocument::Indented)).trimmed());
        return kExitOk;
    }
    const QString notStored = QStringLiteral("not stored");
    printLine(QStringLiteral("profile:        %1%2").arg(p.name, active ? QStringLiteral(" (active)") : QString()));
    printLine(
        QStringLiteral("account SID:    %1").arg(p.accountSid.isEmpty() ? QStringLiteral("(not set)") : p.accountSid));
    printLine(QStringLiteral("auth token:     %1")
                  .arg(token.value() ? kMask + QStringLiteral(" (in the OS keychain)") : notStored));
    printLine(QStringLiteral("API key SID:    %1").arg(p.apiKeySid.isEmpty() ? QStringLiteral("(none)") : p.apiKeySid));
    if (!p.apiKeySid.isEmpty())
        printLine(QStringLiteral("API key secret: %1")
                      .arg(apiSecretStored ? kMask + QStringLiteral(" (in the OS keychain)") : notStored));
    printLine(QStringLiteral("REST base URL:  %1").arg(p.baseUrl));
    return kExitOk;
}

int runClear(const Options& o, ProfileSettings& settings)
{
    const auto token = removeSecret(o.profile, SecretKind::AuthToken, o.timeoutMs);
    if (!token.ok())
        return fail(kCommand, token.error().message);
    const auto api = removeSecret(o.profile, SecretKind::ApiKeySecret, o.timeoutMs);
    if (!api.ok())
        return fail(kCommand, api.error().message);
    const bool hadProfile = settings.remove(o.profile);
    const auto synced = settings.sync();
    if (!synced.ok())
        return fail(kCommand, synced.error().message);
    if (!token.value() && !api.value() && !hadProfile)
        printLine(QStringLiteral("nothing was stored for profile '%1'").arg(o.profile));
    else
        printLine(
            QStringLiteral("removed the credentials of profile '%1' from the OS keychain and settings").arg(o.profile));
    return kExitOk;
}

int runCheck(const Options& o, ProfileSettings& settings)
{
    const std::optional<Profile> profile = settings.find(o.profile);
    if (!profile || profile->accountSid.isEmpty())
        return fail(kCommand,
                    QStringLiteral("no profile '%1' (run `%2 credentials set --profile %1 --account-sid AC...`)")
                        .arg(o.profile, QLatin1String(sb::kAppName)));
    const bool apiKey = !profile->apiKeySid.isEmpty();
    auto secret =
        credentials::readSecret(o.profile, apiKey ? SecretKind::ApiKeySecret : SecretKind::AuthToken, o.timeoutMs);
    if (!secret.ok())
        return fail(kCommand, secret.error().message);
    AccountCheckRequest request;
    request.baseUrl = o.baseUrl.isEmpty() ? profile->baseUrl : o.baseUrl;
    request.accountSid = profile->accountSid;
    request.username = apiKey ? profile->apiKeySid : profile->accountSid;
    request.password = std::move(secret.value());
    request.timeoutMs = o.timeoutMs;
    SecretGuard guard(request.password);
    const auto result = checkAccountBlocking(request);
    if (!result.ok())
        return fail(kCommand, result.error().message);
    const AccountInfo& info = result.value();
    printLine(QStringLiteral("ok: account %1 \"%2\" (%3, %4) accepts the %5 of profile '%6' at %7")
                  .arg(info.sid,
                       info.friendlyName,
                       info.status.isEmpty() ? QStringLiteral("status unknown") : info.status,
                       info.type.isEmpty() ? QStringLiteral("type unknown") : info.type,
                       apiKey ? QStringLiteral("API key ") + profile->apiKeySid : QStringLiteral("auth token"),
                       o.profile,
                       request.baseUrl));
    if (!info.status.isEmpty() && info.status != QLatin1String("active"))
        return fail(kCommand, QStringLiteral("account %1 is %2, not active").arg(info.sid, info.status));
    return kExitOk;
}

} // namespace

int runCredentialsCommand(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("help"));
    const QCommandLineOption profileOpt(QStringLiteral("profile"), QStringLiteral("profile"), QStringLiteral("NAME"));
    const QCommandLineOption accountOpt(QStringLiteral("account-sid"), QStringLiteral("sid"), QStringLiteral("AC"));
    const QCommandLineOption apiKeyOpt(QStringLiteral("api-key-sid"), QStringLiteral("sid"), QStringLiteral("SK"));
    const QCommandLineOption removeApiKeyOpt(QStringLiteral("remove-api-key"), QStringLiteral("remove"));
    const QCommandLineOption baseUrlOpt(QStringLiteral("base-url"), QStringLiteral("url"), QStringLiteral("URL"));
    const QCommandLineOption timeoutOpt(QStringLiteral("timeout"), QStringLiteral("ms"), QStringLiteral("MS"));
    const QCommandLineOption jsonOpt(QStringLiteral("json"), QStringLiteral("json"));
    parser.addOptions({help, profileOpt, accountOpt, apiKeyOpt, removeApiKeyOpt, baseUrlOpt, timeoutOpt, jsonOpt});
    if (!parser.parse(QStringList{QStringLiteral("credentials")} + arguments))
        return usageError(kCommand, parser.errorText());
    if (parser.isSet(help)) {
        printText(credentialsHelpText());
        return kExitOk;
    }
    Options o;
    o.positional = parser.positionalArguments();
    if (o.positional.isEmpty())
        return usageError(kCommand, QStringLiteral("missing action: set, show, clear, check, list or use"));
    o.action = o.positional.takeFirst();
    static const QStringList actions{QStringLiteral("set"),
                                     QStringLiteral("show"),
                                     QStringLiteral("clear"),
                                     QStringLiteral("check"),
                                     QStringLiteral("list"),
                                     QStringLiteral("use")};
    if (!actions.contains(o.action))
        return usageError(kCommand, QStringLiteral("unknown action '%1'").arg(o.action));
    if (o.action == QLatin1String("use") ? o.positional.size() != 1 : !o.positional.isEmpty())
        return usageError(kCommand,
                          o.action == QLatin1String("use")
                              ? QStringLiteral("'use' takes exactly one profile name")
                              : QStringLiteral("unexpected argument '%1' (secrets are read from stdin, never from the "
                                               "command line)")
                                    .arg(o.positional.first()));

    ProfileSettings settings;
    const QString requested = o.action == QLatin1String("use") ? o.positional.first() : parser.value(profileOpt);
    if (!requested.isEmpty() && !isValidProfileName(requested))
        return usageError(
            kCommand, QStringLiteral("'%1' is not a valid profile name (1 to 64 of A-Z a-z 0-9 . _ -)").arg(requested));
    o.profile = settings.resolve(requested);

    if (parser.isSet(accountOpt)) {
        o.accountSid = parser.value(accountOpt);
        if (!isValidAccountSid(o.accountSid))
            return usageError(
                kCommand,
                QStringLiteral("'--account-sid %1': expected AC followed by 32 hex digits").arg(o.accountSid));
    }
    if (parser.isSet(apiKeyOpt)) {
        o.apiKeySid = parser.value(apiKeyOpt);
        if (!isValidApiKeySid(o.apiKeySid))
            return usageError(
                kCommand, QStringLiteral("'--api-key-sid %1': expected SK followed by 32 hex digits").arg(o.apiKeySid));
    }
    o.removeApiKey = parser.isSet(removeApiKeyOpt);
    if (o.removeApiKey && parser.isSet(apiKeyOpt))
        return usageError(kCommand, QStringLiteral("--api-key-sid and --remove-api-key exclude each other"));
    if (parser.isSet(baseUrlOpt)) {
        const auto url = normalizeBaseUrl(parser.value(baseUrlOpt));
        if (!url.ok())
            return usageError(kCommand, url.error().message);
        o.baseUrl = url.value();
    }
    if (parser.isSet(timeoutOpt)) {
        bool ok = false;
        o.timeoutMs = parser.value(timeoutOpt).toInt(&ok);
        if (!ok || o.timeoutMs < 1 || o.timeoutMs > 600000)
            return usageError(
                kCommand,
                QStringLiteral("'--timeout %1': expected milliseconds from 1 to 600000").arg(parser.value(timeoutOpt)));
    }
    o.json = parser.isSet(jsonOpt);
    const bool setOnly = parser.isSet(accountOpt) || parser.isSet(apiKeyOpt) || o.removeApiKey;
    if (setOnly && o.action != QLatin1String("set"))
        return usageError(kCommand,
                          QStringLiteral("--account-sid, --api-key-sid and --remove-api-key belong to 'set'"));
    if (o.json && o.action != QLatin1String("show"))
        return usageError(kCommand, QStringLiteral("--json belongs to 'show'"));

    if (o.action == QLatin1String("set"))
        return runSet(o, settings);
    if (o.action == QLatin1String("show"))
        return runShow(o, settings);
    if (o.action == QLatin1String("clear"))
        return runClear(o, settings);
    if (o.action == QLatin1String("check"))
        return runCheck(o, settings);
    if (o.action == QLatin1String("list")) {
        const QString active = settings.activeName();
        for (const QString& name : settings.names()) {
            const auto p = settings.find(name);
            printLine(QStringLiteral("%1 %2  %3")
                          .arg(name == active ? QStringLiteral("*") : QStringLiteral(" "),
                               name,
                               p ? p->accountSid : QString()));
        }
        return kExitOk;
    }
    // use
    if (!settings.find(o.profile))
        return fail(
            kCommand,
            QStringLiteral("no profile '%1' (known: %2)").arg(o.profile, settings.names().join(QStringLiteral(", "))));
    settings.setActiveName(o.profile);
    const auto synced = settings.sync();
    if (!synced.ok())
        return fail(kCommand, synced.error().message);
    printLine(QStringLiteral("profile '%1' is now active").arg(o.profile));
    return kExitOk;
}

} // namespace sb::cli
