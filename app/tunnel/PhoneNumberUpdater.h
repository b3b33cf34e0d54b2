// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/Result.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QUrl>
#include <optional>

class QNetworkAccessManager;
class QNetworkReply;

namespace sb::tunnel {

/// Where the number lives and how to reach Twilio's REST API. The secret is held in memory only:
/// never logged, never written to the state file, never passed to a child process.
struct PhoneNumberUpdaterConfig
{
    QUrl restBase = QUrl(QStringLiteral("https://api.twilio.com")); ///< tests point this at a local server
    QString accountSid;                                             ///< AC…, used in the path
    QString apiKeySid;   ///< SK… to authenticate with an API key; empty: accountSid + auth token
    QByteArray secret;   ///< the auth token, or the API key's secret
    QString phoneNumber; ///< PN… SID or E.164 (`+14155550123`)
    /// Small JSON file (in the data folder) remembering each number's settings from before we
    /// pointed it at the tunnel, so they can be restored after a restart. Holds no secrets.
    QString stateFilePath;
    int timeoutMs = 15000;
};

/// A number's voice settings, as Twilio reports them (unset URLs read as empty strings).
struct PhoneNumberVoiceSettings
{
    QString sid;
    QString phoneNumber;
    QString voiceUrl;
    QString voiceMethod;
    QString statusCallback;
    QString statusCallbackMethod;
    QString voiceApplicationSid;

    static PhoneNumberVoiceSettings fromResource(const QJsonObject& resource);
    QJsonObject toJson() const;
    static PhoneNumberVoiceSettings fromJson(const QJsonObject& json);
};

/// Opt-in: points an IncomingPhoneNumber's VoiceUrl/StatusCallback at the tunnel
/// (`{public}/voice`, `{public}/status`, both POST) and can put the previous values back.
///
/// The first pointAt() for a number saves its settings to the state file; later calls (also
/// after a restart) keep that first copy, so restore() always returns to the user's own settings,
/// never to an earlier tunnel URL. A number on a voice application has it cleared (Twilio ignores
/// VoiceUrl otherwise) and restored later; a number on a SIP trunk is refused.
///
/// Thread ownership: a QObject of the thread that creates it (uses its event loop); call from
/// that thread. One operation at a time: a pointAt() during another operation is queued (only
/// the newest URL is kept).
class PhoneNumberUpdater : public QObject
{
    Q_OBJECT
public:
    explicit PhoneNumberUpdater(PhoneNumberUpdaterConfig config, QObject* parent = nullptr);
    ~PhoneNumberUpdater() override;

    /// Fetches the number, saves its settings once, then POSTs VoiceUrl/StatusCallback.
    /// Emits updated() or failed().
    void pointAt(const QString& publicUrl);
    /// POSTs the saved settings back and forgets them. Emits restored() or failed()
    /// (code `nothing-saved` when there is nothing to restore).
    void restore();

    bool busy() const { return m_op != Op::Idle; }
    /// The saved settings of the configured number, if any (read from the state file).
    std::optional<PhoneNumberVoiceSettings> savedSettings() const;

signals:
    void updated(const QString& phoneNumberSid, const QString& voiceUrl);
    void restored(const QString& phoneNumberSid);
    /// `code`: network, http-NNN (with Twilio's error code and message), trunk, not-found,
    /// nothing-saved, bad-response, state-file, config.
    void failed(const QString& code, const QString& message);

private:
    enum class Op { Idle, Point, Restore };
    using Handler = void (PhoneNumberUpdater::*)(const QJsonObject&);

    void begin(Op op);
    void resolved(const QJsonObject& resource);
    void listed(const QJsonObject& page);
    void posted(const QJsonObject& resource);
    void send(const QByteArray& verb, const QUrl& url, const QByteArray& body, Handler handler);
    void fail(const QString& code, const QString& message);
    void finish();
    QUrl numberUrl(const QString& sid) const;
    QJsonObject loadState() const;
    Result<bool> saveState(const QJsonObject& state) const;
    std::optional<PhoneNumberVoiceSettings> savedFor(const QString& sidOrNumber) const;

    PhoneNumberUpdaterConfig m_config;
    QNetworkAccessManager* m_nam = nullptr;
    QPointer<QNetworkReply> m_reply;
    Op m_op = Op::Idle;
    QString m_url;        ///< the public URL of the running pointAt
    QString m_pendingUrl; ///< a pointAt that arrived while busy
    QString m_sid;        ///< resolved PN… SID
};

} // namespace sb::tunnel
