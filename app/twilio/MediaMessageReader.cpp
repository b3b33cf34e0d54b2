// SPDX-License-Identifier: GPL-3.0-or-later
#include "twilio/MediaMessageReader.h"

#include "twilio/Base64Payload.h"

#include <algorithm>
#include <limits>

namespace sb::twilio::detail {
namespace {

/// Decimal digits only, 1..18 of them.
bool parseCounter(QByteArrayView digits, qint64& out)
{
    if (digits.isEmpty() || digits.size() > 18)
        return false;
    qint64 value = 0;
    for (const char c : digits) {
        if (c < '0' || c > '9')
            return false;
        value = value * 10 + (c - '0');
    }
    out = value;
    return true;
}

/// True when the UTF-8 bytes equal the (ASCII) QString; false on any difference or non-ASCII.
bool asciiEquals(QByteArrayView bytes, QStringView text)
{
    if (bytes.size() != text.size())
        return false;
    for (qsizetype i = 0; i < bytes.size(); ++i) {
        const auto b = static_cast<uchar>(bytes[i]);
        if (b >= 0x80 || text[i].unicode() != b)
            return false;
    }
    return true;
}

QString joinPath(QLatin1String parent, QLatin1String key)
{
    if (parent.isEmpty())
        return QString(key);
    return parent + QLatin1Char('.') + key;
}

} // namespace

Error mediaError(MediaError reason, const QString& message)
{
    return makeError(mediaErrorCode(reason), message);
}

QString shortened(const QString& text)
{
    constexpr qsizetype kMax = 64;
    return text.size() <= kMax ? text : text.left(kMax) + QStringLiteral("...");
}

int MessageReader::find(int object, QLatin1String key, QLatin1String path)
{
    if (error || object < 0)
        return -1;
    int found = -1;
    for (int i = m_json.node(object).firstChild; i >= 0; i = m_json.node(i).nextSibling) {
        if (!m_json.keyEquals(m_json.node(i), key))
            continue;
        if (found >= 0) {
            fail(MediaError::DuplicateField,
                 QStringLiteral("member '") + joinPath(path, key) + QStringLiteral("' appears more than once"));
            return -2;
        }
        found = i;
    }
    return found;
}

int MessageReader::require(int object, QLatin1String key, QLatin1String path, JsonType type)
{
    if (error || object < 0)
        return -1;
    const int index = find(object, key, path);
    if (index == -2)
        return -1;
    if (index < 0) {
        fail(MediaError::MissingField,
             QStringLiteral("required member '") + joinPath(path, key) + QStringLiteral("' is missing"));
        return -1;
    }
    if (m_json.node(index).type != type) {
        wrongType(index, key, path, typeName(type));
        return -1;
    }
    return index;
}

bool MessageReader::string(int object, QLatin1String key, QLatin1String path, QString& out)
{
    const int index = require(object, key, path, JsonType::String);
    if (index < 0)
        return false;
    out = m_json.string(m_json.node(index));
    return true;
}

bool MessageReader::stringLike(int object, QLatin1String key, QLatin1String path, const QString& likely, QString& out)
{
    const int index = require(object, key, path, JsonType::String);
    if (index < 0)
        return false;
    const JsonNode& n = m_json.node(index);
    if (!n.escaped && !likely.isEmpty() && asciiEquals(m_json.span(n), likely))
        out = likely;
    else
        out = m_json.string(n);
    return true;
}

bool MessageReader::counter(int object, QLatin1String key, QLatin1String path, qint64& out)
{
    const int index = require(object, key, path, JsonType::String);
    if (index < 0)
        return false;
    const JsonNode& n = m_json.node(index);
    const QByteArray decoded = n.escaped ? m_json.string(n).toUtf8() : QByteArray();
    const QByteArrayView digits = n.escaped ? QByteArrayView(decoded) : m_json.span(n);
    if (!parseCounter(digits, out)) {
        fail(MediaError::WrongType,
             QStringLiteral("member '") + joinPath(path, key) +
                 QStringLiteral("' must be a string of 1 to 18 decimal digits, got \"") + shortened(m_json.string(n)) +
                 QLatin1Char('"'));
        return false;
    }
    return true;
}

bool MessageReader::integer(int object, QLatin1String key, QLatin1String path, int min, int max, int& out)
{
    const int index = require(object, key, path, JsonType::Number);
    if (index < 0)
        return false;
    const QByteArrayView raw = m_json.span(m_json.node(index));
    const bool negative = raw.startsWith('-');
    const QByteArrayView digits = negative ? raw.sliced(1) : raw;
    qint64 value = 0;
    if (digits.size() > 9 || !parseCounter(digits, value)) {
        fail(MediaError::WrongType,
             QStringLiteral("member '") + joinPath(path, key) + QStringLiteral("' must be an integer, got ") +
                 shortened(QString::fromLatin1(raw)));
        return false;
    }
    value = negative ? -value : value;
    if (value < min || value > max) {
        fail(MediaError::InvalidValue,
             QStringLiteral("member '") + joinPath(path, key) + QStringLiteral("' is out of range: ") +
                 QString::number(value));
        return false;
    }
    out = static_cast<int>(value);
    return true;
}

bool MessageReader::allowOnly(int object, QLatin1String path, std::initializer_list<QLatin1String> allowed)
{
    if (error || object < 0)
        return false;
    if (!m_rejectUnknown)
        return true;
    for (int i = m_json.node(object).firstChild; i >= 0; i = m_json.node(i).nextSibling) {
        const JsonNode& n = m_json.node(i);
        bool known = false;
        for (const QLatin1String name : allowed)
            known = known || m_json.keyEquals(n, name);
        if (!known) {
            const QString key = m_json.key(n);
            fail(MediaError::UnexpectedField,
                 QStringLiteral("unexpected member '") + (path.isEmpty() ? QString() : path + QLatin1Char('.')) +
                     shortened(key) + QLatin1Char('\''));
            return false;
        }
    }
    return true;
}

void MessageReader::wrongType(int index, QLatin1String key, QLatin1String path, QLatin1String expected)
{
    fail(MediaError::WrongType,
         QStringLiteral("member '") + joinPath(path, key) + QStringLiteral("' must be ") + expected +
             QStringLiteral(", got ") + typeName(m_json.node(index).type));
}

void MessageReader::fail(MediaError reason, const QString& message)
{
    if (!error)
        error = mediaError(reason, message);
}

Error jsonSyntaxError(const JsonReader& json, QByteArrayView text)
{
    int line = 1;
    qsizetype lineStart = 0;
    const qsizetype offset = std::min(json.errorOffset, text.size());
    for (qsizetype i = 0; i < offset; ++i) {
        if (text[i] == '\n') {
            ++line;
            lineStart = i + 1;
        }
    }
    const int column = static_cast<int>(std::min<qsizetype>(offset - lineStart + 1, std::numeric_limits<int>::max()));
    return makeError(mediaErrorCode(MediaError::InvalidJson),
                     QStringLiteral("invalid JSON: ") + json.errorMessage + QStringLiteral(" (offset ") +
                         QString::number(json.errorOffset) + QLatin1Char(')'),
                     line,
                     column);
}

std::optional<Error> readEnvelope(const JsonReader& json, QByteArrayView text, bool parsed, int& eventIndex)
{
    if (!parsed)
        return jsonSyntaxError(json, text);
    if (json.root().type != JsonType::Object)
        return mediaError(MediaError::NotAnObject,
                          QStringLiteral("a message must be a JSON object, got ") + typeName(json.root().type));
    MessageReader reader(json, false);
    const int index = reader.require(0, QLatin1String("event"), QLatin1String(), JsonType::String);
    if (index < 0)
        return reader.error;
    eventIndex = index;
    return std::nullopt;
}

std::optional<Error> streamSidMismatch(const QString& actual, QStringView expected)
{
    if (expected.isEmpty() || actual == expected)
        return std::nullopt;
    return mediaError(MediaError::WrongStreamSid,
                      QStringLiteral("streamSid \"") + shortened(actual) +
                          QStringLiteral("\" does not match this stream (\"") + expected.toString() +
                          QStringLiteral("\")"));
}

bool readPayload(MessageReader& reader, int media, QLatin1String path, QByteArray& out)
{
    const int index = reader.require(media, QLatin1String("payload"), path, JsonType::String);
    if (index < 0)
        return false;
    const JsonReader& json = reader.json();
    const JsonNode& n = json.node(index);
    // Payloads are plain ASCII; an escaped one (e.g. "\/" from some JSON encoders) is rare.
    const QByteArray unescaped = n.escaped ? json.string(n).toLatin1() : QByteArray();
    const QByteArrayView base64 = n.escaped ? QByteArrayView(unescaped) : json.span(n);
    qsizetype dataLength = 0;
    QString reason;
    const qsizetype size = checkBase64Shape(base64, dataLength, &reason);
    if (size >= 0) {
        QByteArray decoded(size, Qt::Uninitialized);
        if (decodeBase64Data(base64, dataLength, decoded.data(), &reason)) {
            out = std::move(decoded);
            return true;
        }
    }
    reader.fail(MediaError::InvalidPayload,
                QStringLiteral("member '") + joinPath(path, QLatin1String("payload")) +
                    QStringLiteral("' is not valid base64: ") + reason);
    return false;
}

} // namespace sb::twilio::detail
