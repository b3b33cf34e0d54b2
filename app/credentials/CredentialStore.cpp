// SPDX-License-Identifier: GPL-3.0-or-later
#include "credentials/CredentialStore.h"

#include "credentials/Profiles.h"
#include "credentials/SecretBytes.h"

#include <QCoreApplication>
#include <QDBusConnection>
#include <QDBusMessage>
#include <QDBusVariant>
#include <QEventLoop>
#include <QPointer>
#include <QThread>
#include <QTimer>
#include <memory>
#include <optional>
#include <qt6keychain/keychain.h>

namespace sb::credentials {
namespace {

const QString kUnlockHint = QStringLiteral(
    "unlock the keyring (log in to the desktop session, open \"Passwords and Keys\", or run "
    "`gnome-keyring-daemon --replace --unlock --components=secrets` and type the keyring password on its stdin)");

bool busMissing()
{
    return qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS");
}

Error keychainError(QKeychain::Error code, const QString& detail, const QString& what, const QString& profile)
{
    switch (code) {
    case QKeychain::EntryNotFound:
        return makeError(QStringLiteral("credentials.missing"),
                         QStringLiteral("no %1 is stored in the OS keychain (run `switchboard credentials set "
                                        "--profile %2`)")
                             .arg(what, profile));
    case QKeychain::AccessDenied:
    case QKeychain::AccessDeniedByUser:
        return makeError(QStringLiteral("keychain.locked"),
                         QStringLiteral("the OS keychain refused access to the %1 of profile '%2' (%3): the keyring "
                                        "is locked or access was denied; %4, then try again")
                             .arg(what, profile, detail, kUnlockHint));
    case QKeychain::NoBackendAvailable:
    case QKeychain::NotImplemented:
    case QKeychain::OtherError:
    default:
        break;
    }
    const bool noService = detail.contains(QLatin1String("org.freedesktop.secrets")) ||
                           detail.contains(QLatin1String("ServiceUnknown")) ||
                           detail.contains(QLatin1String("not provided by any"));
    if (code == QKeychain::NoBackendAvailable || busMissing() || detail.contains(QLatin1String("D-Bus")) ||
        detail.contains(QLatin1String("DBus")) || noService) {
        const QString cause = busMissing() ? QStringLiteral("there is no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS "
                                                            "is not set)")
                                           : QStringLiteral("no Secret Service answers on the D-Bus session bus");
        return makeError(QStringLiteral("keychain.unavailable"),
                         QStringLiteral("no OS keychain is reachable for the %1 of profile '%2': %3 (%4). Run "
                                        "Switchboard in a desktop session with GNOME Keyring or KWallet running, or "
                                        "start one: `dbus-run-session -- sh`, then in that shell `gnome-keyring-daemon "
                                        "--unlock --components=secrets` (type a keyring password on its stdin). "
                                        "Secrets are never stored in a plain file instead.")
                             .arg(what, profile, cause, detail));
    }
    return makeError(QStringLiteral("keychain.failed"),
                     QStringLiteral("the OS keychain failed on the %1 of profile '%2': %3").arg(what, profile, detail));
}

/// libsecret reports an item in a locked collection as "not found" (a lookup only sees unlocked
/// items and cannot prompt without a display). Ask the Secret Service whether the default
/// collection is locked, so that a locked keyring is never mistaken for a missing secret.
/// A short blocking D-Bus call (at most 1 s), made only on the not-found path.
bool defaultCollectionLocked()
{
    if (busMissing())
        return false;
    QDBusMessage msg = QDBusMessage::createMethodCall(QStringLiteral("org.freedesktop.secrets"),
                                                      QStringLiteral("/org/freedesktop/secrets/aliases/default"),
                                                      QStringLiteral("org.freedesktop.DBus.Properties"),
                                                      QStringLiteral("Get"));
    msg << QStringLiteral("org.freedesktop.Secret.Collection") << QStringLiteral("Locked");
    const QDBusMessage reply = QDBusConnection::sessionBus().call(msg, QDBus::Block, 1000);
    if (reply.type() != QDBusMessage::ReplyMessage || reply.arguments().isEmpty())
        return false;
    return qvariant_cast<QDBusVariant>(reply.arguments().constFirst()).variant().toBool();
}

Error timeoutError(int timeoutMs, const QString& what, const QString& profile)
{
    return makeError(QStringLiteral("keychain.timeout"),
                     QStringLiteral("the OS keychain did not answer within %1 ms for the %2 of profile '%3': a locked "
                                    "keyring may be waiting for its unlock prompt; %4 (or answer the prompt), then "
                                    "try again")
                         .arg(timeoutMs)
                         .arg(what, profile, kUnlockHint));
}

template <typename T> void post(QObject* context, std::function<void(Result<T>)> done, Result<T> result)
{
    QMetaObject::invokeMethod(
        context,
        [done = std::move(done), result = std::move(result)]() mutable { done(std::move(result)); },
        Qt::QueuedConnection);
}

Error badProfile(const QString& profile)
{
    return makeError(QStringLiteral("credentials.bad-profile"),
                     QStringLiteral("'%1' is not a valid profile name (1 to 64 of A-Z a-z 0-9 . _ -)").arg(profile));
}

} // namespace

QString keychainKey(const QString& profile, SecretKind kind)
{
    return profile + (kind == SecretKind::AuthToken ? QLatin1String("/auth-token") : QLatin1String("/api-key-secret"));
}

QString secretLabel(SecretKind kind)
{
    return kind == SecretKind::AuthToken ? QStringLiteral("auth token") : QStringLiteral("API key secret");
}

CredentialStore::CredentialStore(int timeoutMs, QObject* parent)
    : QObject(parent)
    , m_timeoutMs(timeoutMs > 0 ? timeoutMs : kDefaultKeychainTimeoutMs)
{
}

CredentialStore::~CredentialStore() = default;

void CredentialStore::read(const QString& profile, SecretKind kind, QObject* context, SecretCallback done)
{
    QPointer<QObject> ctx(context ? context : this);
    QMetaObject::invokeMethod(
        this,
        [this, profile, kind, ctx, done = std::move(done)]() mutable {
            if (ctx)
                startRead(profile, kind, ctx, std::move(done));
        },
        Qt::QueuedConnection);
}

void CredentialStore::write(
    const QString& profile, SecretKind kind, const QByteArray& secret, QObject* context, DoneCallback done)
{
    QPointer<QObject> ctx(context ? context : this);
    // A deep copy that this module owns and wipes, whatever the caller does with its buffer.
    QByteArray copy(secret.constData(), secret.size());
    QMetaObject::invokeMethod(
        this,
        [this, profile, kind, ctx, copy, done = std::move(done)]() mutable {
            // startWrite wipes the buffer once the keychain job has finished with it.
            if (ctx)
                startWrite(profile, kind, std::move(copy), ctx, std::move(done));
            else
                wipe(copy);
        },
        Qt::QueuedConnection);
}

void CredentialStore::remove(const QString& profile, SecretKind kind, QObject* context, DoneCallback done)
{
    QPointer<QObject> ctx(context ? context : this);
    QMetaObject::invokeMethod(
        this,
        [this, profile, kind, ctx, done = std::move(done)]() mutable {
            if (ctx)
                startRemove(profile, kind, ctx, std::move(done));
        },
        Qt::QueuedConnection);
}

void CredentialStore::run(QKeychain::Job* job,
                          const QString& what,
                          std::function<void(QKeychain::Job*)> onFinished,
                          std::function<void(const Error&)> onTimeout,
                          std::function<void(QKeychain::Job*)> onLateFinish)
{
    // Never a parent: deleting a job whose libsecret call is still pending would leave libsecret
    // with a dangling pointer. The job deletes itself (autoDelete) once it finishes.
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    auto settled = std::make_shared<bool>(false);
    auto* timer = new QTimer(this);
    timer->setSingleShot(true);
    timer->setInterval(m_timeoutMs);
    const QString profile = job->key().section(QLatin1Char('/'), 0, 0);
    connect(timer, &QTimer::timeout, this, [settled, timer, onTimeout, what, profile, this] {
        timer->deleteLater();
        if (*settled)
            return;
        *settled = true;
        onTimeout(timeoutError(m_timeoutMs, what, profile));
    });
    connect(job, &QKeychain::Job::finished, this, [settled, timer, onFinished, onLateFinish](QKeychain::Job* j) {
        if (*settled) {
            onLateFinish(j);
            return;
        }
        *settled = true;
        timer->stop();
        timer->deleteLater();
        onFinished(j);
    });
    timer->start();
    job->start();
}

void CredentialStore::startRead(const QString& profile, SecretKind kind, QObject* context, SecretCallback done)
{
    if (!isValidProfileName(profile))
        return post<QByteArray>(context, std::move(done), badProfile(profile));
    auto* job = new QKeychain::ReadPasswordJob(QLatin1String(kKeychainService));
    job->setKey(keychainKey(profile, kind));
    const QString what = secretLabel(kind);
    QPointer<QObject> ctx(context);
    run(
        job,
        what,
        [ctx, done, what, profile](QKeychain::Job* j) {
            auto* rj = static_cast<QKeychain::ReadPasswordJob*>(j);
            QByteArray shared = rj->binaryData();
            if (j->error() != QKeychain::NoError) {
                wipe(shared);
                QKeychain::Error code = j->error();
                QString detail = j->errorString();
                if (code == QKeychain::EntryNotFound && defaultCollectionLocked()) {
                    code = QKeychain::AccessDenied;
                    detail = QStringLiteral("the default collection is locked");
                }
                if (ctx)
                    post<QByteArray>(ctx, done, keychainError(code, detail, what, profile));
                return;
            }
            QByteArray secret(shared.constData(), shared.size()); // ours alone
            wipe(shared);                                         // also wipes the job's copy (same buffer)
            if (ctx)
                post<QByteArray>(ctx, done, std::move(secret)); // handed over, not shared
            else
                wipe(secret);
        },
        [ctx, done](const Error& e) {
            if (ctx)
                post<QByteArray>(ctx, done, e);
        },
        [](QKeychain::Job* j) {
            QByteArray shared = static_cast<QKeychain::ReadPasswordJob*>(j)->binaryData();
            wipe(shared);
        });
}

void CredentialStore::startWrite(
    const QString& profile, SecretKind kind, QByteArray secret, QObject* context, DoneCallback done)
{
    if (!isValidProfileName(profile)) {
        wipe(secret);
        return post<bool>(context, std::move(done), badProfile(profile));
    }
    if (secret.isEmpty() || secret.size() > 4096) {
        wipe(secret);
        return post<bool>(
            context,
            std::move(done),
            makeError(
                QStringLiteral("credentials.empty"),
                QStringLiteral("refusing to store an empty or over-long (> 4096 bytes) %1").arg(secretLabel(kind))));
    }
    auto* job = new QKeychain::WritePasswordJob(QLatin1String(kKeychainService));
    job->setKey(keychainKey(profile, kind));
    // The job shares this buffer; wiping it once the job has finished wipes the job's copy too.
    auto buffer = std::make_shared<QByteArray>(std::move(secret));
    job->setBinaryData(*buffer);
    const QString what = secretLabel(kind);
    QPointer<QObject> ctx(context);
    run(
        job,
        what,
        [ctx, done, what, profile, buffer](QKeychain::Job* j) {
            wipe(*buffer);
            if (!ctx)
                return;
            if (j->error() != QKeychain::NoError)
                post<bool>(ctx, done, keychainError(j->error(), j->errorString(), what, profile));
            else
                post<bool>(ctx, done, true);
        },
        [ctx, done](const Error& e) {
            if (ctx)
                post<bool>(ctx, done, e);
        },
        [buffer](QKeychain::Job*) { wipe(*buffer); });
}

void CredentialStore::startRemove(const QString& profile, SecretKind kind, QObject* context, DoneCallback done)
{
    if (!isValidProfileName(profile))
        return post<bool>(context, std::move(done), badProfile(profile));
    // QtKeychain's libsecret backend reports success whether or not an entry existed, so look
    // first: `remove` tells the caller whether there was something to remove.
    QPointer<QObject> ctx(context);
    startRead(profile, kind, this, [this, ctx, profile, kind, done](Result<QByteArray> existing) mutable {
        if (existing.ok())
            wipe(existing.value());
        const bool missing = !existing.ok() && existing.error().code == QLatin1String("credentials.missing");
        if (!existing.ok() && !missing) {
            if (ctx)
                post<bool>(ctx, done, existing.error());
            return;
        }
        auto* job = new QKeychain::DeletePasswordJob(QLatin1String(kKeychainService));
        job->setKey(keychainKey(profile, kind));
        const QString what = secretLabel(kind);
        run(
            job,
            what,
            [ctx, done, what, profile, missing](QKeychain::Job* j) {
                if (!ctx)
                    return;
                if (j->error() == QKeychain::NoError || j->error() == QKeychain::EntryNotFound)
                    post<bool>(ctx, done, !missing && j->error() == QKeychain::NoError);
                else
                    post<bool>(ctx, done, keychainError(j->error(), j->errorString(), what, profile));
            },
            [ctx, done](const Error& e) {
                if (ctx)
                    post<bool>(ctx, done, e);
            },
            [](QKeychain::Job*) {});
    });
}

namespace {

template <typename T, typename Start> Result<T> runBlocking(const QString& profileIn, int timeoutMs, Start start)
{
    QCoreApplication* app = QCoreApplication::instance();
    if (!app || QThread::currentThread() != app->thread())
        return makeError(QStringLiteral("keychain.thread"),
                         QStringLiteral("internal error: blocking keychain access needs a QCoreApplication and "
                                        "must run on its thread"));
    const QString profile = profileIn.isEmpty() ? ProfileSettings().activeName() : profileIn;
    std::optional<Result<T>> out;
    QEventLoop loop;
    CredentialStore store(timeoutMs);
    start(store, profile, &loop, [&out, &loop](Result<T> r) {
        out.emplace(std::move(r));
        loop.quit();
    });
    if (!out)
        loop.exec(QEventLoop::ExcludeUserInputEvents);
    return std::move(*out);
}

} // namespace

Result<QByteArray> readSecret(const QString& profile, SecretKind kind, int timeoutMs)
{
    return runBlocking<QByteArray>(
        profile, timeoutMs, [kind](CredentialStore& s, const QString& p, QObject* c, auto cb) {
            s.read(p, kind, c, cb);
        });
}

Result<QByteArray> readAuthToken(const QString& profile, int timeoutMs)
{
    return readSecret(profile, SecretKind::AuthToken, timeoutMs);
}

Result<bool> writeSecret(const QString& profile, SecretKind kind, const QByteArray& secret, int timeoutMs)
{
    return runBlocking<bool>(
        profile, timeoutMs, [kind, &secret](CredentialStore& s, const QString& p, QObject* c, auto cb) {
            s.write(p, kind, secret, c, cb);
        });
}

Result<bool> removeSecret(const QString& profile, SecretKind kind, int timeoutMs)
{
    return runBlocking<bool>(profile, timeoutMs, [kind](CredentialStore& s, const QString& p, QObject* c, auto cb) {
        s.remove(p, kind, c, cb);
    });
}

} // namespace sb::credentials
