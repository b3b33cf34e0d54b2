// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/CoreStartup.h"

#include "cli/SecretInput.h"
#include "common/RandomToken.h"
#include "credentials/CredentialStore.h"
#include "credentials/Profiles.h"
#include "credentials/SecretBytes.h"

namespace sb::cli {
namespace {

constexpr char kDefaultRestBase[] = "https://api.twilio.com";

Error startupError(const QString& message)
{
    return makeError(QStringLiteral("startup"), message);
}

/// --update-number: which number, on which account, through which REST base, with which secret.
std::optional<Error>
configureNumberUpdate(const CoreArguments& arguments, const QByteArray& authToken, bootstrap::CoreOptions& options)
{
    credentials::ProfileSettings profiles;
    const auto profile = profiles.find(profiles.activeName());
    tunnel::PhoneNumberUpdaterConfig& config = options.numberUpdate;
    config.phoneNumber = arguments.updateNumber;
    config.accountSid = !arguments.accountSid.isEmpty() ? arguments.accountSid
                        : profile                       ? profile->accountSid
                                                        : QString();
    if (config.accountSid.isEmpty())
        return startupError(QStringLiteral(
            "--update-number needs an account: run 'switchboard credentials set' or pass --account-sid"));
    const QString base = !arguments.apiBase.isEmpty()               ? arguments.apiBase
                         : (profile && !profile->baseUrl.isEmpty()) ? profile->baseUrl
                                                                    : QLatin1String(kDefaultRestBase);
    config.restBase = QUrl(base);
    if (arguments.accountSid.isEmpty() && profile && !profile->apiKeySid.isEmpty()) {
        auto secret =
            credentials::readSecret(profile->name, credentials::SecretKind::ApiKeySecret, kStartupKeychainTimeoutMs);
        if (!secret.ok())
            return secret.error();
        config.apiKeySid = profile->apiKeySid;
        config.secret = std::move(secret.value()); // moved, not copied: the caller's guard is not shared
    } else {
        config.secret = QByteArray(authToken.constData(), authToken.size()); // its own buffer: the token is wiped
    }
    if (config.secret.isEmpty())
        return startupError(QStringLiteral("--update-number needs the auth token (keychain or --auth-token-stdin)"));
    options.restoreNumberOnExit = arguments.restoreNumberOnExit;
    return std::nullopt;
}

/// Operator actions and reconciliation: the account of --account-sid or the active profile, the
/// REST base of --api-base, the profile's, or api.twilio.com; the auth token is the listener's.
void configureRestAccount(const CoreArguments& arguments, bootstrap::CoreOptions& options)
{
    credentials::ProfileSettings profiles;
    const auto profile = profiles.find(profiles.activeName());
    options.accountSid = !arguments.accountSid.isEmpty() ? arguments.accountSid
                         : profile                       ? profile->accountSid
                                                         : QString();
    options.apiBase = !arguments.apiBase.isEmpty()               ? arguments.apiBase
                      : (profile && !profile->baseUrl.isEmpty()) ? profile->baseUrl
                                                                 : QLatin1String(kDefaultRestBase);
}

} // namespace

Result<CoreStartup> prepareCoreStartup(const CoreArguments& arguments)
{
    CoreStartup startup;
    bootstrap::CoreOptions& options = startup.options;
    options.dataDir = resolveDataDir(arguments.dataDir);
    options.bindAddress = arguments.bind;
    options.port = arguments.port;
    options.publicUrl = arguments.publicUrl;
    options.flow = arguments.flow;
    options.validateSignatures = !arguments.skipSignatureCheck;
    options.requestsPerSecond = arguments.requestsPerSecond;
    options.tunnel = arguments.tunnel;
    options.tunnelUrlPattern = arguments.tunnelUrlPattern;
    options.behindProxy = arguments.behindProxy;
    options.reconcileAfterMs = qint64(arguments.reconcileAfterSeconds) * 1000;
    startup.autoListen = arguments.autoListen;
    if (arguments.restoreNumberOnExit && arguments.updateNumber.isEmpty())
        return startupError(QStringLiteral("--restore-number-on-exit needs --update-number"));

    QByteArray token;
    credentials::SecretGuard tokenGuard(token);
    if (arguments.authTokenFromStdin) {
        if (!readSecretLine(token) || token.trimmed().isEmpty())
            return startupError(QStringLiteral("--auth-token-stdin: stdin gave no token"));
        startup.tokenSource = TokenSource::Stdin;
    } else if (!arguments.skipSignatureCheck) {
        auto stored = credentials::readAuthToken(QString(), kStartupKeychainTimeoutMs);
        if (stored.ok()) {
            token = std::move(stored.value());
            startup.tokenSource = TokenSource::Keychain;
        } else {
            startup.warnings << QStringLiteral("warning: %1").arg(stored.error().message);
        }
    }
    if (arguments.skipSignatureCheck) {
        startup.tokenSource = arguments.authTokenFromStdin ? TokenSource::Stdin : TokenSource::NotChecked;
        startup.warnings << QStringLiteral("warning: signature checking is OFF (--insecure-skip-signature-check)");
    }
    if (!arguments.updateNumber.isEmpty()) {
        if (auto problem = configureNumberUpdate(arguments, token, options))
            return *problem;
    }
    if (!token.isEmpty())
        configureRestAccount(arguments, options);
    if (token.isEmpty()) {
        if (startup.tokenSource != TokenSource::NotChecked) {
            startup.tokenSource = TokenSource::LocalOnly;
            startup.warnings << QStringLiteral(
                "warning: no Twilio auth token is configured, so Twilio's webhooks will be refused with 403; "
                "local demo calls are signed with a token that lives only in this process (store one with "
                "'switchboard credentials set' or give one with --auth-token-stdin)");
        }
        token = sb::randomHexToken();
    }
    // The token stays in this process's memory only; the listener asks for it per check.
    options.authToken = [kept = QByteArray(token.constData(), token.size())] { return kept; };
    return startup;
}

} // namespace sb::cli
