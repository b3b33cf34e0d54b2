// SPDX-License-Identifier: GPL-3.0-or-later
#include "credentials/ProfileSave.h"

#include "credentials/SecretBytes.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QPointer>
#include <QThread>
#include <memory>
#include <optional>

namespace sb::credentials {
namespace {

/// The state of one save, shared by the callbacks of its steps. Every step runs on the context's
/// thread, so no two touch it at once.
struct SaveRun
{
    QPointer<CredentialStore> store;
    QPointer<QObject> context;
    ProfileSaveRequest request;
    ProfileSaveCallback done;
    ProfileSaveOutcome outcome;

    void wipeSecrets()
    {
        wipe(request.authToken);
        wipe(request.apiKeySecret);
    }
    ~SaveRun() { wipeSecrets(); }
};
using RunPtr = std::shared_ptr<SaveRun>;

void finish(const RunPtr& run)
{
    run->wipeSecrets();
    ProfileSaveCallback done = std::move(run->done);
    run->done = nullptr;
    if (done)
        done(std::move(run->outcome));
}

void stop(const RunPtr& run, ProfileSaveFailure failure, Error error)
{
    run->outcome.failure = failure;
    run->outcome.error = std::move(error);
    finish(run);
}

Error badRequest(const QString& why)
{
    return makeError(QStringLiteral("credentials.bad-request"), QStringLiteral("internal error: %1").arg(why));
}

std::optional<Error> checkRequest(const ProfileSaveRequest& r)
{
    const Profile& p = r.profile;
    if (!isValidProfileName(p.name))
        return badRequest(QStringLiteral("'%1' is not a valid profile name").arg(p.name));
    if (!isValidAccountSid(p.accountSid))
        return badRequest(QStringLiteral("profile '%1' has no valid account SID").arg(p.name));
    if (!p.apiKeySid.isEmpty() && !isValidApiKeySid(p.apiKeySid))
        return badRequest(QStringLiteral("profile '%1' has an invalid API key SID").arg(p.name));
    if (!p.baseUrl.isEmpty() && !normalizeBaseUrl(p.baseUrl).ok())
        return badRequest(QStringLiteral("profile '%1' has an invalid REST base URL").arg(p.name));
    if (!r.apiKeySecret.isEmpty() && p.apiKeySid.isEmpty())
        return badRequest(QStringLiteral("an API key secret for profile '%1' without an API key SID").arg(p.name));
    if (!r.apiKeySecret.isEmpty() && r.removeApiKeySecret)
        return badRequest(QStringLiteral("both writing and removing the API key secret of profile '%1'").arg(p.name));
    return std::nullopt;
}

/// Whether the next step may run: false drops the save (the context is gone). When the store is
/// gone the save ends with a keychain failure.
bool canGoOn(const RunPtr& run)
{
    if (!run->context) {
        run->wipeSecrets();
        return false;
    }
    if (!run->store) {
        stop(run,
             ProfileSaveFailure::Keychain,
             makeError(QStringLiteral("keychain.failed"),
                       QStringLiteral("internal error: the credential store was destroyed while saving profile '%1'")
                           .arg(run->request.profile.name)));
        return false;
    }
    return true;
}

void saveSettings(const RunPtr& run)
{
    if (!run->context)
        return run->wipeSecrets();
    ProfileSettings settings;
    const bool first = settings.names().isEmpty();
    settings.save(run->request.profile);
    if (first)
        settings.setActiveName(run->request.profile.name);
    const auto synced = settings.sync();
    if (!synced.ok())
        return stop(run, ProfileSaveFailure::Settings, synced.error());
    run->outcome.settingsSaved = true;
    run->outcome.madeActive = first;
    finish(run);
}

void saveApiKeySecret(const RunPtr& run)
{
    const ProfileSaveRequest& r = run->request;
    if (r.apiKeySecret.isEmpty() && !r.removeApiKeySecret)
        return saveSettings(run);
    if (!canGoOn(run))
        return;
    if (!r.apiKeySecret.isEmpty()) {
        run->store->write(
            r.profile.name, SecretKind::ApiKeySecret, r.apiKeySecret, run->context, [run](Result<bool> w) {
                if (!w.ok())
                    return stop(run, ProfileSaveFailure::Keychain, w.error());
                run->outcome.apiKeySecretWritten = true;
                saveSettings(run);
            });
        wipe(run->request.apiKeySecret); // the store made its own copy
        return;
    }
    run->store->remove(r.profile.name, SecretKind::ApiKeySecret, run->context, [run](Result<bool> removed) {
        if (!removed.ok())
            return stop(run, ProfileSaveFailure::Keychain, removed.error());
        run->outcome.apiKeySecretRemoved = true;
        saveSettings(run);
    });
}

void saveAuthToken(const RunPtr& run)
{
    const ProfileSaveRequest& r = run->request;
    if (r.authToken.isEmpty())
        return saveApiKeySecret(run);
    if (!canGoOn(run))
        return;
    run->store->write(r.profile.name, SecretKind::AuthToken, r.authToken, run->context, [run](Result<bool> w) {
        if (!w.ok())
            return stop(run, ProfileSaveFailure::Keychain, w.error());
        run->outcome.authTokenWritten = true;
        saveApiKeySecret(run);
    });
    wipe(run->request.authToken); // the store made its own copy
}

} // namespace

void saveProfile(CredentialStore& store, ProfileSaveRequest request, QObject* context, ProfileSaveCallback done)
{
    auto run = std::make_shared<SaveRun>();
    run->store = &store;
    run->context = context ? context : &store;
    run->request = std::move(request);
    run->done = std::move(done);
    // Every step, the first included, runs on the context's thread; `done` is never called inline.
    QMetaObject::invokeMethod(
        run->context.data(),
        [run] {
            if (const std::optional<Error> bad = checkRequest(run->request))
                return stop(run, ProfileSaveFailure::Request, *bad);
            saveAuthToken(run);
        },
        Qt::QueuedConnection);
}

ProfileSaveOutcome saveProfileBlocking(ProfileSaveRequest request, int timeoutMs)
{
    QCoreApplication* app = QCoreApplication::instance();
    if (!app || QThread::currentThread() != app->thread()) {
        wipe(request.authToken);
        wipe(request.apiKeySecret);
        ProfileSaveOutcome out;
        out.failure = ProfileSaveFailure::Keychain;
        out.error = makeError(QStringLiteral("keychain.thread"),
                              QStringLiteral("internal error: blocking keychain access needs a QCoreApplication and "
                                             "must run on its thread"));
        return out;
    }
    std::optional<ProfileSaveOutcome> out;
    QEventLoop loop;
    CredentialStore store(timeoutMs);
    saveProfile(store, std::move(request), &loop, [&out, &loop](ProfileSaveOutcome o) {
        out.emplace(std::move(o));
        loop.quit();
    });
    if (!out)
        loop.exec(QEventLoop::ExcludeUserInputEvents);
    return std::move(*out);
}

} // namespace sb::credentials
