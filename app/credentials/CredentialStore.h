// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/Result.h"

#include <QByteArray>
#include <QObject>
#include <QString>
#include <functional>

namespace QKeychain {
class Job;
}

namespace sb::credentials {

/// The keychain "service" every Switchboard secret is filed under.
inline constexpr char kKeychainService[] = "switchboard";
/// Default time limit of one keychain job. A locked keyring with a display shows an unlock
/// prompt and the job waits for the user; without a limit it would hang forever.
inline constexpr int kDefaultKeychainTimeoutMs = 10000;

/// Which secret of a profile.
enum class SecretKind {
    AuthToken,    ///< the account's auth token (also signs and checks webhooks)
    ApiKeySecret, ///< the secret of the profile's API key (SK...), when one is configured
};

/// The keychain key of a secret: `<profile>/auth-token` or `<profile>/api-key-secret`.
QString keychainKey(const QString& profile, SecretKind kind);
/// "auth token" / "API key secret", for messages.
QString secretLabel(SecretKind kind);

/// Error codes returned by this module (Error::code):
///   credentials.missing    nothing stored under that key
///   keychain.unavailable   no D-Bus session bus or no Secret Service on it
///   keychain.locked        the keyring is locked or access was denied
///   keychain.timeout       the job did not finish within the time limit
///   keychain.failed        anything else the keychain reported
///   keychain.thread        a blocking helper was called off the main thread or without an app
/// Messages name the profile and say what to do; they never contain secret bytes.

/// Asynchronous access to the secrets in the OS keychain (Secret Service via QtKeychain; the
/// insecure plain-text fallback is never enabled).
///
/// Threads: the store must live on the main thread (the one running the QCoreApplication event
/// loop): QtKeychain runs every job through one process-wide, unsynchronised queue, and libsecret
/// delivers its answers on the main GLib context. The methods may be called from any thread; the
/// job is posted to the store's thread and `done` is always posted (never called inline) to
/// `context`'s thread, or dropped if `context` is destroyed first. QtKeychain's callbacks only
/// post. The caller owns the secret it receives and should wipe it (credentials::wipe) after use.
///
/// Time limit: a job that does not finish within timeoutMs() completes with keychain.timeout. The
/// abandoned QtKeychain job cannot be cancelled or freed safely (libsecret still holds a pointer
/// to it); it is left to finish on its own and its result is wiped. Until it does, later jobs of
/// this process wait behind it in QtKeychain's queue and time out as well.
class CredentialStore : public QObject
{
    Q_OBJECT

public:
    using SecretCallback = std::function<void(Result<QByteArray>)>;
    /// Write: true. Remove: true if something was removed, false if nothing was stored.
    using DoneCallback = std::function<void(Result<bool>)>;

    explicit CredentialStore(int timeoutMs = kDefaultKeychainTimeoutMs, QObject* parent = nullptr);
    ~CredentialStore() override;

    int timeoutMs() const { return m_timeoutMs; }

    void read(const QString& profile, SecretKind kind, QObject* context, SecretCallback done);
    /// Stores `secret` (copied; the caller wipes its own buffer).
    void write(const QString& profile, SecretKind kind, const QByteArray& secret, QObject* context, DoneCallback done);
    void remove(const QString& profile, SecretKind kind, QObject* context, DoneCallback done);

private:
    void startRead(const QString& profile, SecretKind kind, QObject* context, SecretCallback done);
    void startWrite(const QString& profile, SecretKind kind, QByteArray secret, QObject* context, DoneCallback done);
    void startRemove(const QString& profile, SecretKind kind, QObject* context, DoneCallback done);
    /// Starts `job` with the time limit; exactly one of the two handlers runs, on this thread.
    void run(QKeychain::Job* job,
             const QString& what,
             std::function<void(QKeychain::Job*)> onFinished,
             std::function<void(const Error&)> onTimeout,
             std::function<void(QKeychain::Job*)> onLateFinish);

    int m_timeoutMs;
};

/// Blocking helpers for the command line and headless start-up. Call them on the main thread with
/// a QCoreApplication and no other event-loop work that must not re-enter (they spin a local
/// QEventLoop until the job ends or `timeoutMs` passes). An empty `profile` means the active
/// profile (ProfileSettings::activeName()).
Result<QByteArray> readSecret(const QString& profile, SecretKind kind, int timeoutMs = kDefaultKeychainTimeoutMs);
Result<QByteArray> readAuthToken(const QString& profile, int timeoutMs = kDefaultKeychainTimeoutMs);
Result<bool> writeSecret(const QString& profile,
                         SecretKind kind,
                         const QByteArray& secret,
                         int timeoutMs = kDefaultKeychainTimeoutMs);
Result<bool> removeSecret(const QString& profile, SecretKind kind, int timeoutMs = kDefaultKeychainTimeoutMs);

} // namespace sb::credentials
