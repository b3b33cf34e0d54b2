// SPDX-License-Identifier: GPL-3.0-or-later
// Test support for the REST API tests: a seeded store and a blocking HTTP client.
#pragma once

#include "restapi/RestApiServer.h"
#include "restapi/RestApiStore.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimeZone>

namespace sb::restapi::testing {

inline const QString kAccount = QStringLiteral("AC0123456789abcdef0123456789abcdef");
inline const QString kToken = QStringLiteral("test-token-0123456789abcdef01234567");
inline const QString kKeySid = QStringLiteral("SKfedcba9876543210fedcba9876543210");
inline const QString kKeySecret = QStringLiteral("key-secret-abcdef");
inline const QDateTime kBase = QDateTime(QDate(2026, 3, 1), QTime(12, 0), QTimeZone::utc());

/// A tone of `frames` frames (`channels` interleaved, the second channel inverted).
QList<int16_t> tone(int frames, int channels, double hz = 440.0);

/// The account, an API key, 3 calls (CA…01 completed, CA…02 in-progress, CA…03 ringing),
/// `recordingCount` mono recordings one hour apart (newest = kBase + count-1 hours) spread over
/// the calls, and one phone number pointing at an application and a trunk.
void seed(RestApiStore& store, int recordingCount);

struct HttpReply
{
    int status = 0;
    QByteArray body;
    QByteArray contentType;
    QList<QNetworkReply::RawHeaderPair> headers;
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
    QByteArray header(const QByteArray& name) const;
};

QByteArray basic(const QString& user, const QString& password);

/// One request over real HTTP, waiting up to 15 s. `auth` empty: no Authorization header.
HttpReply http(QNetworkAccessManager& nam,
               const QByteArray& method,
               const QString& url,
               const QByteArray& auth = basic(kAccount, kToken),
               const QByteArray& form = QByteArray());

} // namespace sb::restapi::testing
