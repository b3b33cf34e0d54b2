// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QString>

/// Helpers shared by the CallDriver*.cpp files (the simulator's call driver, split by concern).
namespace sb::sim::detail {

inline constexpr qsizetype kFrameBytes = 160; // 20 ms of 8 kHz mu-law

/// Frame `index` (160 bytes) of `audio`, padded with mu-law silence past its end.
QByteArray frameAt(const QByteArray& audio, qint64 index);

/// `url` without its `#fragment` (Twilio's connection overrides are never sent or signed).
QString withoutFragment(const QString& url);

inline QDateTime nowUtc()
{
    return QDateTime::currentDateTimeUtc();
}

/// Media fetched for <Play> or returned as a webhook response, as mu-law; empty when it cannot
/// be decoded.
QByteArray decodeMedia(const QByteArray& contentType, const QByteArray& body);

} // namespace sb::sim::detail
