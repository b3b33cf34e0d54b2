// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/Result.h"
#include "twilio/MediaMessages.h"
#include "twilio/StrictJson.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QLatin1String>
#include <QString>
#include <QStringView>
#include <initializer_list>
#include <optional>

/// Typed access to a parsed JsonReader with the Media Streams codec's errors (MediaError).
/// Internal to the codec (MediaMessages.cpp, MediaMessageParser.cpp).
namespace sb::twilio::detail {

Error mediaError(MediaError reason, const QString& message);

/// User text for an error message, cut to 64 characters.
QString shortened(const QString& text);

/// Reads members of the frame's objects. Keeps the first error and turns every later call into a
/// no-op, so a parser reads straight down.
class MessageReader
{
public:
    MessageReader(const JsonReader& json, bool rejectUnknown)
        : m_json(json)
        , m_rejectUnknown(rejectUnknown)
    {
    }

    std::optional<Error> error;

    const JsonReader& json() const { return m_json; }

    /// Index of member `key` in `object`, -1 when absent, -2 (error set) when it occurs twice.
    int find(int object, QLatin1String key, QLatin1String path);

    /// Required member of the given type; -1 with error set otherwise.
    int require(int object, QLatin1String key, QLatin1String path, JsonType type);

    bool string(int object, QLatin1String key, QLatin1String path, QString& out);

    /// A string member whose value is likely equal to `likely`: shares `likely` instead of
    /// allocating when the bytes match (streamSid on every frame of a bound stream).
    bool stringLike(int object, QLatin1String key, QLatin1String path, const QString& likely, QString& out);

    /// A counter Twilio sends as a JSON string of decimal digits.
    bool counter(int object, QLatin1String key, QLatin1String path, qint64& out);

    /// A JSON integer (no fraction or exponent) in [min, max].
    bool integer(int object, QLatin1String key, QLatin1String path, int min, int max, int& out);

    /// With UnknownFields::Reject, fails on any member not in `allowed`.
    bool allowOnly(int object, QLatin1String path, std::initializer_list<QLatin1String> allowed);

    void wrongType(int index, QLatin1String key, QLatin1String path, QLatin1String expected);

    void fail(MediaError reason, const QString& message);

private:
    const JsonReader& m_json;
    bool m_rejectUnknown;
};

/// The Error for a frame JsonReader rejected, with line and column.
Error jsonSyntaxError(const JsonReader& json, QByteArrayView text);

/// Checks the parsed frame is an object with a string `event` and finds that member (its text is
/// decoded only for error messages).
std::optional<Error> readEnvelope(const JsonReader& json, QByteArrayView text, bool parsed, int& eventIndex);

/// WrongStreamSid when `expected` is set and differs from `actual`.
std::optional<Error> streamSidMismatch(const QString& actual, QStringView expected);

/// The base64 `payload` member of `media`, decoded into `out`; InvalidPayload when it is not base64.
bool readPayload(MessageReader& reader, int media, QLatin1String path, QByteArray& out);

} // namespace sb::twilio::detail
