// SPDX-License-Identifier: GPL-3.0-or-later
// saveProfile / saveProfileBlocking against a real gnome-keyring on a private D-Bus session
// (with-keyring.sh): unlocked, or --locked for the failure path.
#include "KeyringTestSupport.h"
#include "credentials/CredentialStore.h"
#include "credentials/ProfileSave.h"
#include "credentials/Profiles.h"
#include "credentials/SecretBytes.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QThread>
#include <QtTest>
#include <atomic>
#include <memory>
#include <optional>

using namespace sb::credentials;

namespace {

const QString kAccountSid = QStringLiteral("AC0123456789abcdef0123456789abcdef");
const QString kOtherAccountSid = QStringLiteral("ACfedcba9876543210fedcba9876543210");
const QString kApiKeySid = QStringLiteral("SK0123456789abcdef0123456789abcdef");
const QString kBaseUrl = QStringLiteral("http://127.0.0.1:9");

Profile profile(const QString& name, const QString& apiKeySid = {})
{
    return Profile{name, kAccountSid, apiKeySid, kBaseUrl};
}

/// A fresh heap copy of `text` (never a literal's memory), so that a test can hand out a buffer
/// that shares it and see whether it was wiped.
QByteArray secret(const char* text)
{
    const QByteArray bytes(text);
    return QByteArray(bytes.constData(), bytes.size());
}

bool isWiped(const QByteArray& buffer, qsizetype size)
{
    return buffer == QByteArray(size, '\0');
}

/// Where the answer of one asynchronous save lands, and on which thread. `calls` is raised last,
/// so a thread that sees it raised also sees the rest.
struct Answer
{
    std::optional<ProfileSaveOutcome> outcome;
    QThread* thread = nullptr;
    std::atomic<int> calls = 0;
};

QString why(const ProfileSaveOutcome& o)
{
    return o.ok() ? QString() : o.error.code + QStringLiteral(": ") + o.error.message;
}

} // namespace

class TestProfileSave : public QObject
{
    Q_OBJECT

    bool locked = false;
    static constexpr int kTimeout = 5000;

    /// Starts saveProfile and returns where its answer will land (kept alive by the callback too).
    static std::shared_ptr<Answer> start(CredentialStore& store, ProfileSaveRequest request, QObject* context)
    {
        auto answer = std::make_shared<Answer>();
        saveProfile(store, std::move(request), context, [answer](ProfileSaveOutcome o) {
            answer->outcome.emplace(std::move(o));
            answer->thread = QThread::currentThread();
            ++answer->calls;
        });
        return answer;
    }

    static bool waitFor(const Answer& answer, int ms = 4 * kTimeout)
    {
        QElapsedTimer t;
        t.start();
        while (answer.calls == 0 && t.elapsed() < ms)
            QTest::qWait(10);
        return answer.calls > 0;
    }

    static bool missing(const QString& profileName, SecretKind kind)
    {
        const auto r = readSecret(profileName, kind, kTimeout);
        return !r.ok() && r.error().code == QLatin1String("credentials.missing");
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(!sbtest::keyringRoot().isEmpty(), "run me through tests/support/with-keyring.sh");
        const QString mode = qEnvironmentVariable("SB_KEYRING_MODE");
        QVERIFY2(mode == QLatin1String("unlocked") || mode == QLatin1String("locked"), qPrintable(mode));
        locked = mode == QLatin1String("locked");
        QVERIFY(qEnvironmentVariableIsEmpty("DISPLAY"));
    }

    void init()
    {
        if (const char* why = sbtest::keyringModeMismatch(locked))
            QSKIP(why);
    }

    void firstSaveWritesKeychainThenSettingsAndBecomesActive()
    {
        QVERIFY(ProfileSettings().names().isEmpty());
        const QByteArray expectedToken("alpha-token-0123456789abcdef0123");
        const QByteArray expectedSecret("alpha-api-secret-0123456789abcdef");
        QByteArray token = secret(expectedToken.constData());
        QByteArray apiSecret = secret(expectedSecret.constData());

        ProfileSaveRequest request;
        request.profile = profile(QStringLiteral("alpha"), kApiKeySid);
        request.authToken = token; // shares the buffer: wiping it shows in `token`
        request.apiKeySecret = apiSecret;
        CredentialStore store(kTimeout);
        QObject context;
        const auto answer = start(store, std::move(request), &context);
        QVERIFY2(!answer->outcome, "done must never be called inline");
        QVERIFY(waitFor(*answer));
        const ProfileSaveOutcome& o = *answer->outcome;
        QVERIFY2(o.ok(), qPrintable(why(o)));
        QCOMPARE(o.failure, ProfileSaveFailure::None);
        QVERIFY(o.authTokenWritten);
        QVERIFY(o.apiKeySecretWritten);
        QVERIFY(!o.apiKeySecretRemoved);
        QVERIFY(o.settingsSaved);
        QVERIFY(o.madeActive);
        QCOMPARE(answer->thread, context.thread());
        QTest::qWait(50);
        QCOMPARE(answer->calls, 1);

        // The request's secrets were wiped, in place, once the store had its own copies.
        QVERIFY(isWiped(token, expectedToken.size()));
        QVERIFY(isWiped(apiSecret, expectedSecret.size()));

        QCOMPARE(readAuthToken(QStringLiteral("alpha"), kTimeout).value(), expectedToken);
        QCOMPARE(readSecret(QStringLiteral("alpha"), SecretKind::ApiKeySecret, kTimeout).value(), expectedSecret);
        ProfileSettings settings;
        const auto p = settings.find(QStringLiteral("alpha"));
        QVERIFY(p.has_value());
        QCOMPARE(p->accountSid, kAccountSid);
        QCOMPARE(p->apiKeySid, kApiKeySid);
        QCOMPARE(p->baseUrl, kBaseUrl);
        QCOMPARE(settings.activeName(), QStringLiteral("alpha"));
    }

    void laterSaveKeepsStoredSecretsAndTheActiveProfile()
    {
        // A second profile is saved but does not become active.
        ProfileSaveRequest beta;
        beta.profile = profile(QStringLiteral("beta"));
        beta.authToken = secret("beta-token-0123456789abcdef012345");
        CredentialStore store(kTimeout);
        QObject context;
        auto answer = start(store, std::move(beta), &context);
        QVERIFY(waitFor(*answer));
        QVERIFY2(answer->outcome->ok(), qPrintable(why(*answer->outcome)));
        QVERIFY(answer->outcome->authTokenWritten);
        QVERIFY(!answer->outcome->madeActive);
        QCOMPARE(ProfileSettings().activeName(), QStringLiteral("alpha"));
        QCOMPARE(readAuthToken(QStringLiteral("beta"), kTimeout).value(),
                 QByteArray("beta-token-0123456789abcdef012345"));

        // No secrets in the request: the stored ones are kept, only the settings change.
        ProfileSaveRequest alpha;
        alpha.profile = profile(QStringLiteral("alpha"), kApiKeySid);
        alpha.profile.accountSid = kOtherAccountSid;
        answer = start(store, std::move(alpha), &context);
        QVERIFY(waitFor(*answer));
        const ProfileSaveOutcome& o = *answer->outcome;
        QVERIFY2(o.ok(), qPrintable(why(o)));
        QVERIFY(!o.authTokenWritten);
        QVERIFY(!o.apiKeySecretWritten);
        QVERIFY(!o.apiKeySecretRemoved);
        QVERIFY(o.settingsSaved);
        QVERIFY(!o.madeActive);
        QCOMPARE(ProfileSettings().find(QStringLiteral("alpha"))->accountSid, kOtherAccountSid);
        QCOMPARE(readAuthToken(QStringLiteral("alpha"), kTimeout).value(),
                 QByteArray("alpha-token-0123456789abcdef0123"));
        QCOMPARE(readSecret(QStringLiteral("alpha"), SecretKind::ApiKeySecret, kTimeout).value(),
                 QByteArray("alpha-api-secret-0123456789abcdef"));
    }

    void blockingSaveDropsTheApiKeyAndItsSecret()
    {
        ProfileSaveRequest request;
        request.profile = profile(QStringLiteral("alpha")); // no API key any more
        request.authToken = secret("alpha-token-2-0123456789abcdef01");
        request.removeApiKeySecret = true;
        const ProfileSaveOutcome o = saveProfileBlocking(std::move(request), kTimeout);
        QVERIFY2(o.ok(), qPrintable(why(o)));
        QVERIFY(o.authTokenWritten);
        QVERIFY(!o.apiKeySecretWritten);
        QVERIFY(o.apiKeySecretRemoved);
        QVERIFY(o.settingsSaved);
        QVERIFY(missing(QStringLiteral("alpha"), SecretKind::ApiKeySecret));
        QCOMPARE(readAuthToken(QStringLiteral("alpha"), kTimeout).value(),
                 QByteArray("alpha-token-2-0123456789abcdef01"));
        QVERIFY(ProfileSettings().find(QStringLiteral("alpha"))->apiKeySid.isEmpty());

        // Removing what is not there is no failure.
        ProfileSaveRequest again;
        again.profile = profile(QStringLiteral("alpha"));
        again.removeApiKeySecret = true;
        const ProfileSaveOutcome o2 = saveProfileBlocking(std::move(again), kTimeout);
        QVERIFY2(o2.ok(), qPrintable(why(o2)));
        QVERIFY(o2.apiKeySecretRemoved);
    }

    void doneRunsOnTheContextThread()
    {
        QThread worker;
        worker.start();
        QObject context;
        context.moveToThread(&worker);
        CredentialStore store(kTimeout); // on the main thread, as its contract wants
        ProfileSaveRequest request;
        request.profile = profile(QStringLiteral("gamma"));
        request.authToken = secret("gamma-token-0123456789abcdef01234");
        const auto answer = start(store, std::move(request), &context);
        QVERIFY(waitFor(*answer));
        QVERIFY2(answer->outcome->ok(), qPrintable(why(*answer->outcome)));
        QCOMPARE(answer->thread, &worker);
        QVERIFY(ProfileSettings().find(QStringLiteral("gamma")).has_value());
        // Back to this thread, where it is destroyed.
        QMetaObject::invokeMethod(
            &context,
            [&context, here = QThread::currentThread()] { context.moveToThread(here); },
            Qt::BlockingQueuedConnection);
        worker.quit();
        QVERIFY(worker.wait(5000));
    }

    void destroyedContextDropsTheSave()
    {
        QByteArray token = secret("delta-token-0123456789abcdef01234");
        const qsizetype size = token.size();
        ProfileSaveRequest request;
        request.profile = profile(QStringLiteral("delta"));
        request.authToken = token;
        CredentialStore store(kTimeout);
        auto* context = new QObject;
        const auto answer = start(store, std::move(request), context);
        delete context;
        QTest::qWait(500);
        QCOMPARE(answer->calls, 0);
        QVERIFY(isWiped(token, size));
        QVERIFY(!ProfileSettings().find(QStringLiteral("delta")));
        QVERIFY(missing(QStringLiteral("delta"), SecretKind::AuthToken));
    }

    void badRequestWritesNothing()
    {
        CredentialStore store(kTimeout);
        QObject context;
        const auto check = [&](ProfileSaveRequest request, const char* what) {
            QByteArray token = request.authToken;
            const qsizetype size = token.size();
            const auto answer = start(store, std::move(request), &context);
            QVERIFY2(waitFor(*answer), what);
            const ProfileSaveOutcome& o = *answer->outcome;
            QVERIFY2(o.failure == ProfileSaveFailure::Request, what);
            QCOMPARE(o.error.code, QStringLiteral("credentials.bad-request"));
            QVERIFY(!o.authTokenWritten && !o.apiKeySecretWritten && !o.apiKeySecretRemoved && !o.settingsSaved);
            QVERIFY2(isWiped(token, size), what);
        };
        ProfileSaveRequest badName;
        badName.profile = profile(QStringLiteral("../evil"));
        badName.authToken = secret("epsilon-token-0123456789abcdef012");
        check(std::move(badName), "bad name");
        ProfileSaveRequest noSid;
        noSid.profile = profile(QStringLiteral("epsilon"));
        noSid.profile.accountSid.clear();
        noSid.authToken = secret("epsilon-token-0123456789abcdef012");
        check(std::move(noSid), "no account SID");
        ProfileSaveRequest secretWithoutKey;
        secretWithoutKey.profile = profile(QStringLiteral("epsilon"));
        secretWithoutKey.authToken = secret("epsilon-token-0123456789abcdef012");
        secretWithoutKey.apiKeySecret = secret("epsilon-api-secret");
        check(std::move(secretWithoutKey), "API key secret without an API key SID");
        ProfileSaveRequest writeAndRemove;
        writeAndRemove.profile = profile(QStringLiteral("epsilon"), kApiKeySid);
        writeAndRemove.authToken = secret("epsilon-token-0123456789abcdef012");
        writeAndRemove.apiKeySecret = secret("epsilon-api-secret");
        writeAndRemove.removeApiKeySecret = true;
        check(std::move(writeAndRemove), "write and remove");
        QVERIFY(!ProfileSettings().find(QStringLiteral("epsilon")));
        QVERIFY(missing(QStringLiteral("epsilon"), SecretKind::AuthToken));
    }

    void blockingSaveRefusesOtherThreads()
    {
        std::optional<ProfileSaveOutcome> out;
        QByteArray token = secret("zeta-token-0123456789abcdef012345");
        const qsizetype size = token.size();
        std::unique_ptr<QThread> thread(QThread::create([&out, &token] {
            ProfileSaveRequest request;
            request.profile = profile(QStringLiteral("zeta"));
            request.authToken = token;
            out.emplace(saveProfileBlocking(std::move(request), kTimeout));
        }));
        thread->start();
        QVERIFY(thread->wait(10000));
        QVERIFY(out.has_value());
        QCOMPARE(out->failure, ProfileSaveFailure::Keychain);
        QCOMPARE(out->error.code, QStringLiteral("keychain.thread"));
        QVERIFY(!out->authTokenWritten && !out->settingsSaved);
        QVERIFY(isWiped(token, size));
        QVERIFY(!ProfileSettings().find(QStringLiteral("zeta")));
        QVERIFY(missing(QStringLiteral("zeta"), SecretKind::AuthToken));
    }

    void settingsFailureComesAfterTheKeychain()
    {
        // The settings file cannot be replaced: a directory stands where it would go.
        const QString file = ProfileSettings().fileName();
        QVERIFY(QFile::exists(file));
        QVERIFY(QFile::rename(file, file + QStringLiteral(".saved")));
        QVERIFY(QDir().mkpath(file + QStringLiteral("/blocker")));
        ProfileSaveRequest request;
        request.profile = profile(QStringLiteral("eta"));
        request.authToken = secret("eta-token-0123456789abcdef0123456");
        const ProfileSaveOutcome o = saveProfileBlocking(std::move(request), kTimeout);
        QVERIFY(QDir(file).removeRecursively());
        QVERIFY(QFile::rename(file + QStringLiteral(".saved"), file));

        QCOMPARE(o.failure, ProfileSaveFailure::Settings);
        QCOMPARE(o.error.code, QStringLiteral("credentials.settings"));
        QVERIFY(o.error.message.contains(file));
        QVERIFY(o.authTokenWritten);
        QVERIFY(!o.settingsSaved);
        QVERIFY(!o.madeActive);
        QCOMPARE(readAuthToken(QStringLiteral("eta"), kTimeout).value(),
                 QByteArray("eta-token-0123456789abcdef0123456"));
    }

    void noSecretReachedAnyFile()
    {
        int scanned = 0;
        for (const char* s : {"alpha-token-0123456789abcdef0123",
                              "alpha-api-secret-0123456789abcdef",
                              "alpha-token-2-0123456789abcdef01",
                              "beta-token-0123456789abcdef012345",
                              "gamma-token-0123456789abcdef01234",
                              "eta-token-0123456789abcdef0123456"}) {
            const QStringList hits = sbtest::filesContaining({sbtest::keyringRoot()}, QByteArray(s), &scanned);
            QVERIFY2(hits.isEmpty(), qPrintable(hits.join(QLatin1Char(' '))));
        }
        QVERIFY(scanned > 0);
    }

    void lockedKeychainLeavesTheSettingsUntouched()
    {
        const QString file = ProfileSettings().fileName();
        QVERIFY(!QFile::exists(file));
        QByteArray token = secret("locked-token-0123456789abcdef0123");
        const qsizetype size = token.size();
        ProfileSaveRequest request;
        request.profile = profile(QStringLiteral("locked"), kApiKeySid);
        request.authToken = token;
        request.apiKeySecret = secret("locked-api-secret-0123456789abcd");
        CredentialStore store(kTimeout);
        QObject context;
        QElapsedTimer t;
        t.start();
        const auto answer = start(store, std::move(request), &context);
        QVERIFY(waitFor(*answer));
        QVERIFY(t.elapsed() < kTimeout + 1000);
        const ProfileSaveOutcome& o = *answer->outcome;
        QCOMPARE(o.failure, ProfileSaveFailure::Keychain);
        QCOMPARE(o.error.code, QStringLiteral("keychain.locked"));
        QVERIFY(o.error.message.contains(QLatin1String("'locked'")));
        QVERIFY(o.error.message.contains(QLatin1String("unlock")));
        QVERIFY(!o.error.message.contains(QLatin1String("locked-token")));
        QVERIFY(!o.authTokenWritten && !o.apiKeySecretWritten && !o.apiKeySecretRemoved);
        QVERIFY(!o.settingsSaved && !o.madeActive);
        QVERIFY(isWiped(token, size));
        // Nothing reached the settings: the file was never even written.
        QVERIFY(!QFile::exists(file));
        QVERIFY(!ProfileSettings().find(QStringLiteral("locked")));
    }

    void lockedKeychainKeepsTheSettingsAsTheyWere()
    {
        // A profile saved earlier (with an API key) keeps describing what the keychain holds.
        ProfileSettings before;
        before.save(profile(QStringLiteral("kept"), kApiKeySid));
        before.setActiveName(QStringLiteral("kept"));
        QVERIFY(before.sync().ok());

        ProfileSaveRequest request;
        request.profile = profile(QStringLiteral("kept"));
        request.profile.accountSid = kOtherAccountSid;
        request.authToken = secret("kept-token-0123456789abcdef012345");
        request.removeApiKeySecret = true;
        const ProfileSaveOutcome o = saveProfileBlocking(std::move(request), kTimeout);
        QCOMPARE(o.failure, ProfileSaveFailure::Keychain);
        QCOMPARE(o.error.code, QStringLiteral("keychain.locked"));
        QVERIFY(!o.settingsSaved);

        // Token empty: the removal of the API key secret is the step that fails.
        ProfileSaveRequest drop;
        drop.profile = profile(QStringLiteral("kept"));
        drop.removeApiKeySecret = true;
        const ProfileSaveOutcome o2 = saveProfileBlocking(std::move(drop), kTimeout);
        QCOMPARE(o2.failure, ProfileSaveFailure::Keychain);
        QCOMPARE(o2.error.code, QStringLiteral("keychain.locked"));
        QVERIFY(!o2.apiKeySecretRemoved && !o2.settingsSaved);

        const auto p = ProfileSettings().find(QStringLiteral("kept"));
        QVERIFY(p.has_value());
        QCOMPARE(p->accountSid, kAccountSid);
        QCOMPARE(p->apiKeySid, kApiKeySid);
        const QStringList hits = sbtest::filesContaining({sbtest::keyringRoot()}, "kept-token-0123456789abcdef012345");
        QVERIFY2(hits.isEmpty(), qPrintable(hits.join(QLatin1Char(' '))));
    }
};

QTEST_GUILESS_MAIN(TestProfileSave)
#include "TestProfileSave.moc"
