// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/Result.h"
#include "credentials/CredentialStore.h"
#include "credentials/Profiles.h"

#include <QByteArray>
#include <QObject>
#include <functional>

namespace sb::credentials {

/// One save of a credentials profile, as `credentials set` and the settings dialog's Save do it.
struct ProfileSaveRequest
{
    /// Saved to the settings as given: a valid name (not resolved: empty is refused) and an
    /// account SID; an empty apiKeySid removes the key from the settings.
    Profile profile;
    /// Written to the keychain when not empty; empty keeps the stored token.
    QByteArray authToken;
    /// Written to the keychain when not empty (then profile.apiKeySid must be set); empty keeps
    /// the stored one, unless removeApiKeySecret.
    QByteArray apiKeySecret;
    /// Remove the stored API key secret (the key was dropped). Excludes a non-empty apiKeySecret.
    bool removeApiKeySecret = false;
};

/// Where a save stopped.
enum class ProfileSaveFailure {
    None,     ///< everything was saved
    Request,  ///< the request itself is wrong (bad profile name, no account SID, ...); nothing written
    Keychain, ///< a keychain job failed; the settings were not touched
    Settings, ///< the keychain steps succeeded, the settings file could not be written
};

/// The one result of a save: which step failed, and what was done before it.
struct ProfileSaveOutcome
{
    ProfileSaveFailure failure = ProfileSaveFailure::None;
    /// Set when failure != None. Codes: those of CredentialStore (keychain.*, credentials.*),
    /// credentials.settings (settings file), credentials.bad-request. The message names the
    /// profile and never contains secret bytes.
    Error error;
    bool authTokenWritten = false;    ///< the auth token in the keychain is the requested one
    bool apiKeySecretWritten = false; ///< the API key secret in the keychain is the requested one
    bool apiKeySecretRemoved = false; ///< no API key secret is stored any more (removeApiKeySecret)
    bool settingsSaved = false;       ///< the profile's settings were written and synced
    bool madeActive = false;          ///< it was the first profile and is now the active one

    bool ok() const { return failure == ProfileSaveFailure::None; }
};

/// Saves a profile: keychain first, so that if a keychain step fails the settings still describe
/// what the keychain holds; the steps run in this order and stop at the first failure:
///   1. write the auth token            (skipped when request.authToken is empty)
///   2. write the API key secret        (when request.apiKeySecret is not empty), or
///      remove the stored one           (when request.removeApiKeySecret)
///   3. save the profile's settings, make it the active profile if no profile existed before,
///      and sync the settings file (ProfileSettings, a fresh instance on `context`'s thread)
///
/// Threads: may be called from any thread. `store` must live on the main thread (see
/// CredentialStore) and outlive the save. Every step after the call, the settings step included,
/// runs on `context`'s thread (the store's when `context` is null); `done` is called there exactly
/// once, never inline from saveProfile(). If `context` is destroyed before the save ends, the
/// remaining steps do not run (in particular the settings are not touched) and `done` is never
/// called; a keychain job already started still finishes on its own.
///
/// Time limits: each keychain job has the store's time limit (CredentialStore::timeoutMs()); a
/// job that runs out fails its step with keychain.timeout. Writing the token, then removing the
/// API key secret (a read and a delete) is at most three jobs, so a save ends within about three
/// times the limit. The settings step does not wait for anything but the file system.
///
/// Secrets: the request is taken by value; its authToken and apiKeySecret are wiped
/// (credentials::wipe) as soon as the store has copied them, and in any case when the save ends
/// or is dropped. The store wipes its own copies (see CredentialStore::write). The caller wipes
/// any buffer it kept (pass the secrets with std::move to keep none).
using ProfileSaveCallback = std::function<void(ProfileSaveOutcome)>;
void saveProfile(CredentialStore& store, ProfileSaveRequest request, QObject* context, ProfileSaveCallback done);

/// Blocking variant for the command line, in the style of writeSecret(): call it on the main
/// thread with a QCoreApplication and no other event-loop work that must not re-enter (it spins a
/// local QEventLoop until the save ends). `timeoutMs` is the time limit of each keychain job. Off
/// the main thread or without an application it writes nothing and fails with keychain.thread
/// (failure Keychain). The request's secrets are wiped as with saveProfile().
ProfileSaveOutcome saveProfileBlocking(ProfileSaveRequest request, int timeoutMs = kDefaultKeychainTimeoutMs);

} // namespace sb::credentials
