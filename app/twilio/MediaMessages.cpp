// SPDX-License-Identifier: GPL-3.0-or-later
#include "twilio/MediaMessages.h"

#include <QSet>
#include <QVarLengthArray>
#include <algorithm>
#include <array>
#include <initializer_list>
#include <limits>

namespace sb::twilio {
namespace {

// =============================================================================================
// A minimal, strict JSON reader (RFC 8259) that builds a flat tree of spans into the input.
// Strings are validated (UTF-8, escapes, surrogate pairs) while scanning but only decoded on
// demand, so a media frame's base64 payload is never copied into a QString.

constexpr int kMaxDepth = 32;
constexpr int kMaxNodes = 16384;

enum class JsonType : quint8 { Null, Bool, Number, String, Array, Object };

struct JsonNode
{
    JsonType type = JsonType::Null;
    bool boolValue = false;
    bool escaped = false;    ///< string value contains backslash escapes
    bool keyEscaped = false; ///< member name contains backslash escapes
    qsizetype begin = 0;     ///< string: first byte after the quote; number: first char
    qsizetype end = 0;       ///< string: the closing quote; number: one past the last char
    qsizetype keyBegin = 0;  ///< member name span (object members only)
    qsizetype keyEnd = 0;
    int firstChild = -1;
    int nextSibling = -1;
};

QLatin1String typeName(JsonType type)
{
    switch (type) {
    case JsonType::Null:
        return QLatin1String("null");
    case JsonType::Bool:
        return QLatin1String("a boolean");
    case JsonType::Number:
        return QLatin1String("a number");
    case JsonType::String:
        return QLatin1String("a string");
    case JsonType::Array:
        return QLatin1String("an array");
    case JsonType::Object:
        return QLatin1String("an object");
    }
    return QLatin1String("?");
}

int hexValue(uchar c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/// Four hex digits at `pos`, or -1.
int hex4(QByteArrayView text, qsizetype pos)
{
    if (pos + 4 > text.size())
        return -1;
    int value = 0;
    for (qsizetype i = pos; i < pos + 4; ++i) {
        const int digit = hexValue(static_cast<uchar>(text[i]));
        if (digit < 0)
            return -1;
        value = value * 16 + digit;
    }
    return value;
}

/// Length of the well-formed UTF-8 sequence starting at `pos` (lead byte >= 0x80), or 0.
qsizetype utf8SequenceLength(QByteArrayView text, qsizetype pos)
{
    const auto at = [&](qsizetype i) { return i < text.size() ? static_cast<uchar>(text[i]) : uchar(0); };
    const auto cont = [](uchar c) { return (c & 0xC0) == 0x80; };
    const uchar lead = at(pos);
    if (lead >= 0xC2 && lead <= 0xDF)
        return cont(at(pos + 1)) ? 2 : 0;
    if (lead >= 0xE0 && lead <= 0xEF) {
        const uchar second = at(pos + 1);
        const uchar low = lead == 0xE0 ? 0xA0 : 0x80;
        const uchar high = lead == 0xED ? 0x9F : 0xBF;
        return (second >= low && second <= high && cont(at(pos + 2))) ? 3 : 0;
    }
    if (lead >= 0xF0 && lead <= 0xF4) {
        const uchar second = at(pos + 1);
        const uchar low = lead == 0xF0 ? 0x90 : 0x80;
        const uchar high = lead == 0xF4 ? 0x8F : 0xBF;
        return (second >= low && second <= high && cont(at(pos + 2)) && cont(at(pos + 3))) ? 4 : 0;
    }
    return 0;
}

void appendUtf8(QByteArray& out, char32_t cp)
{
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

/// Decodes a string span that JsonReader has already validated.
QString decodeJsonString(QByteArrayView raw, bool escaped)
{
    if (!escaped)
        return QString::fromUtf8(raw);
    QByteArray utf8;
    utf8.reserve(raw.size());
    for (qsizetype i = 0; i < raw.size(); ++i) {
        const char c = raw[i];
        if (c != '\\') {
            utf8 += c;
            continue;
        }
        ++i;
        switch (raw[i]) {
        case 'b':
            utf8 += '\b';
            break;
        case 'f':
            utf8 += '\f';
            break;
        case 'n':
            utf8 += '\n';
            break;
        case 'r':
            utf8 += '\r';
            break;
        case 't':
            utf8 += '\t';
            break;
        case 'u': {
            char32_t cp = static_cast<char32_t>(hex4(raw, i + 1));
            i += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                const auto low = static_cast<char32_t>(hex4(raw, i + 3));
                cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                i += 6;
            }
            appendUtf8(utf8, cp);
            break;
        }
        default: // '"', '\\', '/'
            utf8 += raw[i];
            break;
        }
    }
    return QString::fromUtf8(utf8);
}

class JsonReader
{
public:
    explicit JsonReader(QByteArrayView text)
        : m_text(text)
    {
    }

    bool parse()
    {
        skipWhitespace();
        if (m_pos >= m_text.size())
            return fail("empty message");
        int root = 0;
        if (!parseValue(0, root))
            return false;
        skipWhitespace();
        if (m_pos != m_text.size())
            return fail("unexpected data after the JSON value");
        return true;
    }

    const JsonNode& node(int index) const { return m_nodes[index]; }
    const JsonNode& root() const { return m_nodes[0]; }

    QByteArrayView span(const JsonNode& n) const { return m_text.sliced(n.begin, n.end - n.begin); }
    QByteArrayView keySpan(const JsonNode& n) const { return m_text.sliced(n.keyBegin, n.keyEnd - n.keyBegin); }
    QString string(const JsonNode& n) const { return decodeJsonString(span(n), n.escaped); }
    QString key(const JsonNode& n) const { return decodeJsonString(keySpan(n), n.keyEscaped); }

    bool keyEquals(const JsonNode& n, QLatin1String name) const
    {
        if (!n.keyEscaped)
            return keySpan(n) == QByteArrayView(name.data(), name.size());
        return key(n) == name;
    }

    bool stringEquals(const JsonNode& n, QLatin1String value) const
    {
        if (!n.escaped)
            return span(n) == QByteArrayView(value.data(), value.size());
        return string(n) == value;
    }

    QString errorMessage;
    qsizetype errorOffset = 0;

private:
    uchar peek() const { return m_pos < m_text.size() ? static_cast<uchar>(m_text[m_pos]) : uchar(0); }
    bool atEnd() const { return m_pos >= m_text.size(); }

    void skipWhitespace()
    {
        while (!atEnd()) {
            const uchar c = peek();
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
                return;
            ++m_pos;
        }
    }

    bool fail(const char* message)
    {
        errorMessage = QString::fromLatin1(message);
        errorOffset = m_pos;
        return false;
    }

    bool parseValue(int depth, int& index)
    {
        if (m_nodes.size() >= kMaxNodes)
            return fail("too many JSON values");
        index = static_cast<int>(m_nodes.size());
        m_nodes.append(JsonNode{});
        if (atEnd())
            return fail("unexpected end of input");
        const uchar c = peek();
        switch (c) {
        case '{':
            return parseObject(depth, index);
        case '[':
            return parseArray(depth, index);
        case '"': {
            qsizetype begin = 0;
            qsizetype end = 0;
            bool escaped = false;
            if (!parseString(begin, end, escaped))
                return false;
            JsonNode& n = m_nodes[index];
            n.type = JsonType::String;
            n.begin = begin;
            n.end = end;
            n.escaped = escaped;
            return true;
        }
        case 't':
            return parseLiteral("true", JsonType::Bool, true, index);
        case 'f':
            return parseLiteral("false", JsonType::Bool, false, index);
        case 'n':
            return parseLiteral("null", JsonType::Null, false, index);
        default:
            if (c == '-' || (c >= '0' && c <= '9'))
                return parseNumber(index);
            return fail("unexpected character");
        }
    }

    bool parseLiteral(const char* word, JsonType type, bool value, int index)
    {
        const QByteArrayView expected(word);
        if (m_text.sliced(m_pos).startsWith(expected)) {
            m_pos += expected.size();
            m_nodes[index].type = type;
            m_nodes[index].boolValue = value;
            return true;
        }
        return fail("invalid literal");
    }

    bool parseNumber(int index)
    {
        const qsizetype begin = m_pos;
        const auto digits = [&] {
            const qsizetype start = m_pos;
            while (!atEnd() && peek() >= '0' && peek() <= '9')
                ++m_pos;
            return m_pos > start;
        };
        if (peek() == '-')
            ++m_pos;
        if (peek() == '0')
            ++m_pos;
        else if (!digits())
            return fail("invalid number");
        if (peek() == '.') {
            ++m_pos;
            if (!digits())
                return fail("invalid number: no digits after '.'");
        }
        if (peek() == 'e' || peek() == 'E') {
            ++m_pos;
            if (peek() == '+' || peek() == '-')
                ++m_pos;
            if (!digits())
                return fail("invalid number: no digits in the exponent");
        }
        JsonNode& n = m_nodes[index];
        n.type = JsonType::Number;
        n.begin = begin;
        n.end = m_pos;
        return true;
    }

    /// At the opening quote. On success `begin`/`end` delimit the content and m_pos is past the
    /// closing quote.
    bool parseString(qsizetype& begin, qsizetype& end, bool& escaped)
    {
        ++m_pos;
        begin = m_pos;
        escaped = false;
        while (!atEnd()) {
            const uchar c = peek();
            if (c == '"') {
                end = m_pos;
                ++m_pos;
                return true;
            }
            if (c == '\\') {
                escaped = true;
                ++m_pos;
                if (atEnd())
                    break;
                const uchar e = peek();
                if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' || e == 'r' || e == 't') {
                    ++m_pos;
                    continue;
                }
                if (e != 'u')
                    return fail("invalid escape sequence in string");
                const int cp = hex4(m_text, m_pos + 1);
                if (cp < 0)
                    return fail("invalid \\u escape in string");
                m_pos += 5;
                if (cp >= 0xDC00 && cp <= 0xDFFF)
                    return fail("unpaired surrogate escape in string");
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    const bool pair = m_pos + 1 < m_text.size() && m_text[m_pos] == '\\' && m_text[m_pos + 1] == 'u';
                    const int low = pair ? hex4(m_text, m_pos + 2) : -1;
                    if (low < 0xDC00 || low > 0xDFFF)
                        return fail("unpaired surrogate escape in string");
                    m_pos += 6;
                }
                continue;
            }
            if (c < 0x20)
                return fail("control character in string");
            if (c < 0x80) {
                ++m_pos;
                continue;
            }
            const qsizetype length = utf8SequenceLength(m_text, m_pos);
            if (length == 0)
                return fail("invalid UTF-8 in string");
            m_pos += length;
        }
        return fail("unterminated string");
    }

    bool parseArray(int depth, int index)
    {
        if (depth >= kMaxDepth)
            return fail("JSON nested too deeply");
        m_nodes[index].type = JsonType::Array;
        ++m_pos;
        skipWhitespace();
        if (peek() == ']') {
            ++m_pos;
            return true;
        }
        int last = -1;
        for (;;) {
            skipWhitespace();
            int child = 0;
            if (!parseValue(depth + 1, child))
                return false;
            link(index, last, child);
            skipWhitespace();
            if (atEnd())
                return fail("unterminated array");
            const uchar c = peek();
            ++m_pos;
            if (c == ']')
                return true;
            if (c != ',') {
                --m_pos;
                return fail("expected ',' or ']'");
            }
        }
    }

    bool parseObject(int depth, int index)
    {
        if (depth >= kMaxDepth)
            return fail("JSON nested too deeply");
        m_nodes[index].type = JsonType::Object;
        ++m_pos;
        skipWhitespace();
        if (peek() == '}') {
            ++m_pos;
            return true;
        }
        int last = -1;
        for (;;) {
            skipWhitespace();
            if (peek() != '"')
                return fail("expected a member name");
            qsizetype keyBegin = 0;
            qsizetype keyEnd = 0;
            bool keyEscaped = false;
            if (!parseString(keyBegin, keyEnd, keyEscaped))
                return false;
            skipWhitespace();
            if (peek() != ':')
                return fail("expected ':'");
            ++m_pos;
            skipWhitespace();
            int child = 0;
            if (!parseValue(depth + 1, child))
                return false;
            JsonNode& member = m_nodes[child];
            member.keyBegin = keyBegin;
            member.keyEnd = keyEnd;
            member.keyEscaped = keyEscaped;
            link(index, last, child);
            skipWhitespace();
            if (atEnd())
                return fail("unterminated object");
            const uchar c = peek();
            ++m_pos;
            if (c == '}')
                return true;
            if (c != ',') {
                --m_pos;
                return fail("expected ',' or '}'");
            }
        }
    }

    void link(int parent, int& last, int child)
    {
        if (last < 0)
            m_nodes[parent].firstChild = child;
        else
            m_nodes[last].nextSibling = child;
        last = child;
    }

    QByteArrayView m_text;
    qsizetype m_pos = 0;
    QVarLengthArray<JsonNode, 24> m_nodes;
};

// =============================================================================================
// Base64

constexpr char kBase64Alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<qint8, 256> makeDecodeTable()
{
    std::array<qint8, 256> table{};
    for (auto& entry : table)
        entry = -1;
    for (int i = 0; i < 64; ++i)
        table[static_cast<uchar>(kBase64Alphabet[i])] = static_cast<qint8>(i);
    return table;
}

constexpr std::array<qint8, 256> kBase64Decode = makeDecodeTable();

/// Size of the decoded data, or -1 (with `reason`) when the length/padding is impossible.
qsizetype checkBase64Shape(QByteArrayView in, qsizetype& dataLength, QString* reason)
{
    const qsizetype n = in.size();
    qsizetype padding = 0;
    if (n >= 1 && in[n - 1] == '=')
        padding = (n >= 2 && in[n - 2] == '=') ? 2 : 1;
    dataLength = n - padding;
    if (padding > 0 && n % 4 != 0) {
        if (reason)
            *reason = QStringLiteral("'=' padding does not complete a group of 4 characters");
        return -1;
    }
    const qsizetype remainder = dataLength % 4;
    if (remainder == 1) {
        if (reason)
            *reason = QStringLiteral("length %1 is not a valid base64 length").arg(n);
        return -1;
    }
    return dataLength / 4 * 3 + (remainder == 0 ? 0 : remainder - 1);
}

QString describeByte(uchar c, qsizetype offset)
{
    const QString hex = QStringLiteral("0x%1").arg(static_cast<uint>(c), 2, 16, QLatin1Char('0'));
    const QString shown = (c >= 0x21 && c < 0x7F)
                              ? QLatin1Char('\'') + QString(QLatin1Char(static_cast<char>(c))) + QStringLiteral("' ")
                              : QString();
    return QStringLiteral("invalid base64 character ") + shown + QLatin1Char('(') + hex +
           QStringLiteral(") at offset ") + QString::number(offset);
}

/// Decodes the first `dataLength` characters (no padding) into `out`, which has room for the
/// result. False (with `reason`) on a character outside the alphabet.
bool decodeBase64Data(QByteArrayView in, qsizetype dataLength, char* out, QString* reason)
{
    const auto lookup = [&](qsizetype i) { return kBase64Decode[static_cast<uchar>(in[i])]; };
    const auto invalidAt = [&](qsizetype from, qsizetype to) {
        for (qsizetype i = from; i < to; ++i) {
            if (lookup(i) < 0) {
                if (reason)
                    *reason = describeByte(static_cast<uchar>(in[i]), i);
                break;
            }
        }
        return false;
    };
    // Whole groups of four characters → three bytes.
    const qsizetype whole = dataLength / 4 * 4;
    qsizetype o = 0;
    for (qsizetype i = 0; i < whole; i += 4) {
        const qint8 a = lookup(i);
        const qint8 b = lookup(i + 1);
        const qint8 c = lookup(i + 2);
        const qint8 d = lookup(i + 3);
        if ((a | b | c | d) < 0)
            return invalidAt(i, i + 4);
        const quint32 v = (static_cast<quint32>(a) << 18) | (static_cast<quint32>(b) << 12) |
                          (static_cast<quint32>(c) << 6) | static_cast<quint32>(d);
        out[o++] = static_cast<char>(v >> 16);
        out[o++] = static_cast<char>((v >> 8) & 0xFF);
        out[o++] = static_cast<char>(v & 0xFF);
    }
    // A final partial group of 2 or 3 characters → 1 or 2 bytes (checkBase64Shape rejects 1).
    const qsizetype left = dataLength - whole;
    if (left >= 2) {
        quint32 v = 0;
        for (qsizetype i = whole; i < dataLength; ++i) {
            const qint8 value = lookup(i);
            if (value < 0)
                return invalidAt(i, i + 1);
            v = (v << 6) | static_cast<quint32>(value);
        }
        v <<= 6 * (4 - left); // as if padded to a whole group
        out[o++] = static_cast<char>(v >> 16);
        if (left == 3)
            out[o++] = static_cast<char>((v >> 8) & 0xFF);
    }
    return true;
}

void appendBase64(QByteArray& out, QByteArrayView raw)
{
    const qsizetype start = out.size();
    const qsizetype encodedSize = (raw.size() + 2) / 3 * 4;
    out.resize(start + encodedSize);
    char* dst = out.data() + start;
    qsizetype i = 0;
    for (; i + 3 <= raw.size(); i += 3) {
        const quint32 v = (static_cast<quint32>(static_cast<uchar>(raw[i])) << 16) |
                          (static_cast<quint32>(static_cast<uchar>(raw[i + 1])) << 8) |
                          static_cast<quint32>(static_cast<uchar>(raw[i + 2]));
        *dst++ = kBase64Alphabet[(v >> 18) & 0x3F];
        *dst++ = kBase64Alphabet[(v >> 12) & 0x3F];
        *dst++ = kBase64Alphabet[(v >> 6) & 0x3F];
        *dst++ = kBase64Alphabet[v & 0x3F];
    }
    const qsizetype left = raw.size() - i;
    if (left > 0) {
        quint32 v = static_cast<quint32>(static_cast<uchar>(raw[i])) << 16;
        if (left == 2)
            v |= static_cast<quint32>(static_cast<uchar>(raw[i + 1])) << 8;
        *dst++ = kBase64Alphabet[(v >> 18) & 0x3F];
        *dst++ = kBase64Alphabet[(v >> 12) & 0x3F];
        *dst++ = left == 2 ? kBase64Alphabet[(v >> 6) & 0x3F] : '=';
        *dst++ = '=';
    }
}

// =============================================================================================
// JSON writer: compact output, members in the order they are written.

class JsonWriter
{
public:
    explicit JsonWriter(qsizetype reserve) { m_out.reserve(reserve); }

    void beginObject()
    {
        m_out += '{';
        m_first = true;
    }
    void endObject()
    {
        m_out += '}';
        m_first = false;
    }
    void beginArray()
    {
        m_out += '[';
        m_first = true;
    }
    void endArray()
    {
        m_out += ']';
        m_first = false;
    }

    void key(const char* name)
    {
        separator();
        m_out += '"';
        m_out += name;
        m_out += "\":";
    }
    void key(QStringView name)
    {
        separator();
        appendString(name);
        m_out += ':';
    }
    /// Prefix for an array element.
    void element() { separator(); }

    void string(QStringView value)
    {
        appendString(value);
        m_first = false;
    }
    void latin1(QLatin1String value)
    {
        m_out += '"';
        m_out += QByteArrayView(value.data(), value.size());
        m_out += '"';
        m_first = false;
    }
    void number(qint64 value)
    {
        m_out += QByteArray::number(value);
        m_first = false;
    }
    /// Twilio writes counters as JSON strings.
    void numericString(qint64 value)
    {
        m_out += '"';
        m_out += QByteArray::number(value);
        m_out += '"';
        m_first = false;
    }
    void base64(QByteArrayView raw)
    {
        m_out += '"';
        appendBase64(m_out, raw);
        m_out += '"';
        m_first = false;
    }

    QByteArray take() { return std::move(m_out); }

private:
    void separator()
    {
        if (!m_first)
            m_out += ',';
        m_first = false;
    }

    void appendString(QStringView s)
    {
        static constexpr char kHex[] = "0123456789abcdef";
        m_out += '"';
        for (qsizetype i = 0; i < s.size(); ++i) {
            const char16_t c = s[i].unicode();
            if (c < 0x80) {
                switch (c) {
                case u'"':
                    m_out += "\\\"";
                    break;
                case u'\\':
                    m_out += "\\\\";
                    break;
                case u'\b':
                    m_out += "\\b";
                    break;
                case u'\f':
                    m_out += "\\f";
                    break;
                case u'\n':
                    m_out += "\\n";
                    break;
                case u'\r':
                    m_out += "\\r";
                    break;
                case u'\t':
                    m_out += "\\t";
                    break;
                default:
                    if (c < 0x20) {
                        m_out += "\\u00";
                        m_out += kHex[c >> 4];
                        m_out += kHex[c & 0xF];
                    } else {
                        m_out += static_cast<char>(c);
                    }
                }
                continue;
            }
            char32_t cp = c;
            if (QChar::isHighSurrogate(c) && i + 1 < s.size() && QChar::isLowSurrogate(s[i + 1].unicode())) {
                cp = QChar::surrogateToUcs4(c, s[i + 1].unicode());
                ++i;
            } else if (QChar::isSurrogate(c)) {
                cp = 0xFFFD; // a lone surrogate cannot be encoded
            }
            appendUtf8(m_out, cp);
        }
        m_out += '"';
    }

    QByteArray m_out;
    bool m_first = true;
};

// =============================================================================================
// Message reader: typed access to a parsed JsonReader with protocol-specific errors.

Error mediaError(MediaError reason, const QString& message)
{
    return makeError(mediaErrorCode(reason), message);
}

QString shortened(const QString& text)
{
    constexpr qsizetype kMax = 64;
    return text.size() <= kMax ? text : text.left(kMax) + QStringLiteral("...");
}

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
    int find(int object, QLatin1String key, QLatin1String path)
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

    /// Required member of the given type; -1 with error set otherwise.
    int require(int object, QLatin1String key, QLatin1String path, JsonType type)
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

    bool string(int object, QLatin1String key, QLatin1String path, QString& out)
    {
        const int index = require(object, key, path, JsonType::String);
        if (index < 0)
            return false;
        out = m_json.string(m_json.node(index));
        return true;
    }

    /// A string member whose value is likely equal to `likely`: shares `likely` instead of
    /// allocating when the bytes match (streamSid on every frame of a bound stream).
    bool stringLike(int object, QLatin1String key, QLatin1String path, const QString& likely, QString& out)
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

    /// A counter Twilio sends as a JSON string of decimal digits.
    bool counter(int object, QLatin1String key, QLatin1String path, qint64& out)
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
                     QStringLiteral("' must be a string of 1 to 18 decimal digits, got \"") +
                     shortened(m_json.string(n)) + QLatin1Char('"'));
            return false;
        }
        return true;
    }

    /// A JSON integer (no fraction or exponent) in [min, max].
    bool integer(int object, QLatin1String key, QLatin1String path, int min, int max, int& out)
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

    /// With UnknownFields::Reject, fails on any member not in `allowed`.
    bool allowOnly(int object, QLatin1String path, std::initializer_list<QLatin1String> allowed)
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

    void wrongType(int index, QLatin1String key, QLatin1String path, QLatin1String expected)
    {
        fail(MediaError::WrongType,
             QStringLiteral("member '") + joinPath(path, key) + QStringLiteral("' must be ") + expected +
                 QStringLiteral(", got ") + typeName(m_json.node(index).type));
    }

    void fail(MediaError reason, const QString& message)
    {
        if (!error)
            error = mediaError(reason, message);
    }

private:
    const JsonReader& m_json;
    bool m_rejectUnknown;
};

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

/// Checks the parsed frame is an object with a string `event` and finds that member (its text is
/// decoded only for error messages).
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

Error unknownEvent(const QString& event, const char* why)
{
    return mediaError(MediaError::UnknownEvent,
                      QStringLiteral("unknown event \"") + shortened(event) + QStringLiteral("\"") +
                          QString::fromLatin1(why));
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

// ---- Twilio → app -----------------------------------------------------------------------
// Each parser reads its members in wire order. MessageReader keeps the first error and turns
// every later call into a no-op, so the code reads straight down.

Result<TwilioMessage> finishTwilio(MessageReader& reader, TwilioMessage message, const ParseOptions& options)
{
    if (reader.error)
        return *reader.error;
    if (std::optional<Error> mismatch = checkStreamSid(message, options.expectedStreamSid))
        return *mismatch;
    return message;
}

Result<TwilioMessage> parseConnected(MessageReader& r, const ParseOptions& options)
{
    ConnectedMessage m;
    const QLatin1String top;
    r.allowOnly(0, top, {QLatin1String("event"), QLatin1String("protocol"), QLatin1String("version")});
    r.string(0, QLatin1String("protocol"), top, m.protocol);
    r.string(0, QLatin1String("version"), top, m.version);
    return finishTwilio(r, std::move(m), options);
}

void readCustomParameters(MessageReader& r, int start, CustomParameters& out)
{
    const QLatin1String path("start");
    const int index = r.find(start, QLatin1String("customParameters"), path);
    if (index < 0)
        return; // absent, or an error is already recorded
    const JsonReader& json = r.json();
    const JsonNode& object = json.node(index);
    if (object.type == JsonType::Null)
        return;
    if (object.type != JsonType::Object) {
        r.wrongType(index, QLatin1String("customParameters"), path, QLatin1String("an object"));
        return;
    }
    QSet<QString> seen;
    for (int i = object.firstChild; i >= 0; i = json.node(i).nextSibling) {
        const JsonNode& n = json.node(i);
        const QString name = json.key(n);
        if (seen.contains(name)) {
            r.fail(MediaError::DuplicateField,
                   QStringLiteral("start.customParameters has \"") + shortened(name) +
                       QStringLiteral("\" more than once"));
            return;
        }
        seen.insert(name);
        QString value;
        switch (n.type) {
        case JsonType::String:
            value = json.string(n);
            break;
        case JsonType::Number:
            value = QString::fromLatin1(json.span(n));
            break;
        case JsonType::Bool:
            value = n.boolValue ? QStringLiteral("true") : QStringLiteral("false");
            break;
        case JsonType::Null:
        case JsonType::Array:
        case JsonType::Object:
            r.fail(MediaError::WrongType,
                   QStringLiteral("start.customParameters[\"") + shortened(name) +
                       QStringLiteral("\"] must be a string, got ") + typeName(n.type));
            return;
        }
        out.append({name, value});
    }
}

void readTracks(MessageReader& r, int start, QList<MediaTrack>& out)
{
    const int index = r.require(start, QLatin1String("tracks"), QLatin1String("start"), JsonType::Array);
    if (index < 0)
        return;
    const JsonReader& json = r.json();
    out.clear();
    for (int i = json.node(index).firstChild; i >= 0; i = json.node(i).nextSibling) {
        const JsonNode& n = json.node(i);
        if (n.type != JsonType::String) {
            r.fail(MediaError::WrongType,
                   QStringLiteral("entries of 'start.tracks' must be strings, got ") + typeName(n.type));
            return;
        }
        const std::optional<MediaTrack> track = mediaTrackFromString(json.string(n));
        if (!track) {
            r.fail(MediaError::InvalidValue,
                   QStringLiteral("unknown track \"") + shortened(json.string(n)) +
                       QStringLiteral("\" in 'start.tracks' (expected inbound or outbound)"));
            return;
        }
        out.append(*track);
    }
}

Result<TwilioMessage> parseStart(MessageReader& r, const ParseOptions& options)
{
    StartMessage m;
    const QLatin1String top;
    const QLatin1String startPath("start");
    const QLatin1String formatPath("start.mediaFormat");
    r.allowOnly(
        0,
        top,
        {QLatin1String("event"), QLatin1String("sequenceNumber"), QLatin1String("start"), QLatin1String("streamSid")});
    r.counter(0, QLatin1String("sequenceNumber"), top, m.sequenceNumber);
    const int start = r.require(0, QLatin1String("start"), top, JsonType::Object);
    r.allowOnly(start,
                startPath,
                {QLatin1String("accountSid"),
                 QLatin1String("streamSid"),
                 QLatin1String("callSid"),
                 QLatin1String("tracks"),
                 QLatin1String("customParameters"),
                 QLatin1String("mediaFormat")});
    r.string(start, QLatin1String("accountSid"), startPath, m.accountSid);
    // start.streamSid is in every capture; tolerate its absence, but not a disagreement (checked below).
    QString innerStreamSid;
    if (r.find(start, QLatin1String("streamSid"), startPath) >= 0)
        r.string(start, QLatin1String("streamSid"), startPath, innerStreamSid);
    r.string(start, QLatin1String("callSid"), startPath, m.callSid);
    readTracks(r, start, m.tracks);
    readCustomParameters(r, start, m.customParameters);
    const int format = r.require(start, QLatin1String("mediaFormat"), startPath, JsonType::Object);
    r.allowOnly(
        format, formatPath, {QLatin1String("encoding"), QLatin1String("sampleRate"), QLatin1String("channels")});
    r.string(format, QLatin1String("encoding"), formatPath, m.mediaFormat.encoding);
    r.integer(format, QLatin1String("sampleRate"), formatPath, 1, 1'000'000, m.mediaFormat.sampleRate);
    r.integer(format, QLatin1String("channels"), formatPath, 1, 64, m.mediaFormat.channels);
    r.stringLike(0, QLatin1String("streamSid"), top, options.expectedStreamSid, m.streamSid);
    if (!r.error && !innerStreamSid.isNull() && innerStreamSid != m.streamSid) {
        r.fail(MediaError::InvalidValue,
               QStringLiteral("start.streamSid \"") + shortened(innerStreamSid) +
                   QStringLiteral("\" differs from streamSid \"") + shortened(m.streamSid) + QStringLiteral("\""));
    }
    return finishTwilio(r, std::move(m), options);
}

Result<TwilioMessage> parseTwilioMedia(MessageReader& r, const ParseOptions& options)
{
    MediaMessage m;
    const QLatin1String top;
    const QLatin1String path("media");
    r.allowOnly(
        0,
        top,
        {QLatin1String("event"), QLatin1String("sequenceNumber"), QLatin1String("media"), QLatin1String("streamSid")});
    r.counter(0, QLatin1String("sequenceNumber"), top, m.sequenceNumber);
    const int media = r.require(0, path, top, JsonType::Object);
    r.allowOnly(media,
                path,
                {QLatin1String("track"), QLatin1String("chunk"), QLatin1String("timestamp"), QLatin1String("payload")});
    const int track = r.require(media, QLatin1String("track"), path, JsonType::String);
    if (track >= 0) {
        const JsonReader& json = r.json();
        const JsonNode& trackNode = json.node(track);
        if (json.stringEquals(trackNode, QLatin1String("inbound"))) {
            m.track = MediaTrack::Inbound;
        } else if (json.stringEquals(trackNode, QLatin1String("outbound"))) {
            m.track = MediaTrack::Outbound;
        } else {
            r.fail(MediaError::InvalidValue,
                   QStringLiteral("unknown track \"") + shortened(json.string(trackNode)) +
                       QStringLiteral("\" in 'media.track' (expected inbound or outbound)"));
        }
    }
    r.counter(media, QLatin1String("chunk"), path, m.chunk);
    r.counter(media, QLatin1String("timestamp"), path, m.timestamp);
    readPayload(r, media, path, m.payload);
    r.stringLike(0, QLatin1String("streamSid"), top, options.expectedStreamSid, m.streamSid);
    return finishTwilio(r, std::move(m), options);
}

Result<TwilioMessage> parseDtmf(MessageReader& r, const ParseOptions& options)
{
    DtmfMessage m;
    const QLatin1String top;
    const QLatin1String path("dtmf");
    r.allowOnly(
        0,
        top,
        {QLatin1String("event"), QLatin1String("streamSid"), QLatin1String("sequenceNumber"), QLatin1String("dtmf")});
    r.stringLike(0, QLatin1String("streamSid"), top, options.expectedStreamSid, m.streamSid);
    r.counter(0, QLatin1String("sequenceNumber"), top, m.sequenceNumber);
    const int dtmf = r.require(0, path, top, JsonType::Object);
    r.allowOnly(dtmf, path, {QLatin1String("track"), QLatin1String("digit")});
    // dtmf.track is always "inbound_track"; tolerate its absence.
    if (r.find(dtmf, QLatin1String("track"), path) >= 0)
        r.string(dtmf, QLatin1String("track"), path, m.track);
    r.string(dtmf, QLatin1String("digit"), path, m.digit);
    return finishTwilio(r, std::move(m), options);
}

Result<TwilioMessage> parseTwilioMark(MessageReader& r, const ParseOptions& options)
{
    MarkMessage m;
    const QLatin1String top;
    const QLatin1String path("mark");
    r.allowOnly(
        0,
        top,
        {QLatin1String("event"), QLatin1String("sequenceNumber"), QLatin1String("streamSid"), QLatin1String("mark")});
    r.counter(0, QLatin1String("sequenceNumber"), top, m.sequenceNumber);
    r.stringLike(0, QLatin1String("streamSid"), top, options.expectedStreamSid, m.streamSid);
    const int mark = r.require(0, path, top, JsonType::Object);
    r.allowOnly(mark, path, {QLatin1String("name")});
    r.string(mark, QLatin1String("name"), path, m.name);
    return finishTwilio(r, std::move(m), options);
}

Result<TwilioMessage> parseStop(MessageReader& r, const ParseOptions& options)
{
    StopMessage m;
    const QLatin1String top;
    const QLatin1String path("stop");
    r.allowOnly(
        0,
        top,
        {QLatin1String("event"), QLatin1String("sequenceNumber"), QLatin1String("stop"), QLatin1String("streamSid")});
    r.counter(0, QLatin1String("sequenceNumber"), top, m.sequenceNumber);
    const int stop = r.require(0, path, top, JsonType::Object);
    r.allowOnly(stop, path, {QLatin1String("accountSid"), QLatin1String("callSid")});
    r.string(stop, QLatin1String("accountSid"), path, m.accountSid);
    r.string(stop, QLatin1String("callSid"), path, m.callSid);
    r.stringLike(0, QLatin1String("streamSid"), top, options.expectedStreamSid, m.streamSid);
    return finishTwilio(r, std::move(m), options);
}

// ---- App → Twilio -----------------------------------------------------------------------

Result<AppMessage> finishApp(MessageReader& reader, AppMessage message, const ParseOptions& options)
{
    if (reader.error)
        return *reader.error;
    if (std::optional<Error> mismatch = checkStreamSid(message, options.expectedStreamSid))
        return *mismatch;
    return message;
}

Result<AppMessage> parseAppMedia(MessageReader& r, const ParseOptions& options)
{
    AppMediaMessage m;
    const QLatin1String top;
    const QLatin1String path("media");
    r.allowOnly(0, top, {QLatin1String("event"), QLatin1String("streamSid"), QLatin1String("media")});
    r.stringLike(0, QLatin1String("streamSid"), top, options.expectedStreamSid, m.streamSid);
    const int media = r.require(0, path, top, JsonType::Object);
    r.allowOnly(media, path, {QLatin1String("payload")});
    readPayload(r, media, path, m.payload);
    return finishApp(r, std::move(m), options);
}

Result<AppMessage> parseAppMark(MessageReader& r, const ParseOptions& options)
{
    AppMarkMessage m;
    const QLatin1String top;
    const QLatin1String path("mark");
    r.allowOnly(0, top, {QLatin1String("event"), QLatin1String("streamSid"), QLatin1String("mark")});
    r.stringLike(0, QLatin1String("streamSid"), top, options.expectedStreamSid, m.streamSid);
    const int mark = r.require(0, path, top, JsonType::Object);
    r.allowOnly(mark, path, {QLatin1String("name")});
    r.string(mark, QLatin1String("name"), path, m.name);
    return finishApp(r, std::move(m), options);
}

Result<AppMessage> parseClear(MessageReader& r, const ParseOptions& options)
{
    ClearMessage m;
    const QLatin1String top;
    r.allowOnly(0, top, {QLatin1String("event"), QLatin1String("streamSid")});
    r.stringLike(0, QLatin1String("streamSid"), top, options.expectedStreamSid, m.streamSid);
    return finishApp(r, std::move(m), options);
}

bool rejectUnknown(const ParseOptions& options, bool defaultReject)
{
    switch (options.unknownFields) {
    case ParseOptions::UnknownFields::Ignore:
        return false;
    case ParseOptions::UnknownFields::Reject:
        return true;
    case ParseOptions::UnknownFields::Default:
        break;
    }
    return defaultReject;
}

template <typename... Ts> struct Overloaded : Ts...
{
    using Ts::operator()...;
};
template <typename... Ts> Overloaded(Ts...) -> Overloaded<Ts...>;

} // namespace

// =============================================================================================
// Errors

QString mediaErrorCode(MediaError reason)
{
    switch (reason) {
    case MediaError::InvalidJson:
        return QStringLiteral("media-stream.invalid-json");
    case MediaError::NotAnObject:
        return QStringLiteral("media-stream.not-an-object");
    case MediaError::MissingField:
        return QStringLiteral("media-stream.missing-field");
    case MediaError::WrongType:
        return QStringLiteral("media-stream.wrong-type");
    case MediaError::InvalidValue:
        return QStringLiteral("media-stream.invalid-value");
    case MediaError::UnknownEvent:
        return QStringLiteral("media-stream.unknown-event");
    case MediaError::UnexpectedField:
        return QStringLiteral("media-stream.unexpected-field");
    case MediaError::DuplicateField:
        return QStringLiteral("media-stream.duplicate-field");
    case MediaError::InvalidPayload:
        return QStringLiteral("media-stream.invalid-payload");
    case MediaError::WrongStreamSid:
        return QStringLiteral("media-stream.wrong-stream-sid");
    case MediaError::BinaryFrame:
        return QStringLiteral("media-stream.binary-frame");
    }
    return QString();
}

std::optional<MediaError> mediaErrorFromCode(QStringView code)
{
    constexpr MediaError all[] = {MediaError::InvalidJson,
                                  MediaError::NotAnObject,
                                  MediaError::MissingField,
                                  MediaError::WrongType,
                                  MediaError::InvalidValue,
                                  MediaError::UnknownEvent,
                                  MediaError::UnexpectedField,
                                  MediaError::DuplicateField,
                                  MediaError::InvalidPayload,
                                  MediaError::WrongStreamSid,
                                  MediaError::BinaryFrame};
    for (const MediaError reason : all) {
        if (code == mediaErrorCode(reason))
            return reason;
    }
    return std::nullopt;
}

int twilioErrorCode(MediaError reason)
{
    return reason == MediaError::BinaryFrame ? kTwilioErrorUndecodableMessage : kTwilioErrorInvalidMessage;
}

int twilioErrorCode(const Error& error)
{
    const std::optional<MediaError> reason = mediaErrorFromCode(error.code);
    return reason ? twilioErrorCode(*reason) : 0;
}

Error binaryFrameError()
{
    return mediaError(MediaError::BinaryFrame,
                      QStringLiteral("binary WebSocket frames are not part of the Media Streams protocol; "
                                     "messages must be JSON text frames"));
}

// =============================================================================================
// Messages

QString toWireString(MediaTrack track)
{
    return track == MediaTrack::Inbound ? QStringLiteral("inbound") : QStringLiteral("outbound");
}

std::optional<MediaTrack> mediaTrackFromString(QStringView text)
{
    if (text == QLatin1String("inbound"))
        return MediaTrack::Inbound;
    if (text == QLatin1String("outbound"))
        return MediaTrack::Outbound;
    return std::nullopt;
}

QString StartMessage::customParameter(QStringView name) const
{
    for (const auto& [key, value] : customParameters) {
        if (key == name)
            return value;
    }
    return QString();
}

QString eventName(const TwilioMessage& message)
{
    return std::visit(Overloaded{[](const ConnectedMessage&) { return QStringLiteral("connected"); },
                                 [](const StartMessage&) { return QStringLiteral("start"); },
                                 [](const MediaMessage&) { return QStringLiteral("media"); },
                                 [](const DtmfMessage&) { return QStringLiteral("dtmf"); },
                                 [](const MarkMessage&) { return QStringLiteral("mark"); },
                                 [](const StopMessage&) { return QStringLiteral("stop"); }},
                      message);
}

QString eventName(const AppMessage& message)
{
    return std::visit(Overloaded{[](const AppMediaMessage&) { return QStringLiteral("media"); },
                                 [](const AppMarkMessage&) { return QStringLiteral("mark"); },
                                 [](const ClearMessage&) { return QStringLiteral("clear"); }},
                      message);
}

QString streamSidOf(const TwilioMessage& message)
{
    return std::visit(
        Overloaded{[](const ConnectedMessage&) { return QString(); }, [](const auto& m) { return m.streamSid; }},
        message);
}

QString streamSidOf(const AppMessage& message)
{
    return std::visit([](const auto& m) { return m.streamSid; }, message);
}

std::optional<Error> checkStreamSid(const TwilioMessage& message, QStringView expected)
{
    if (std::holds_alternative<ConnectedMessage>(message))
        return std::nullopt;
    return streamSidMismatch(streamSidOf(message), expected);
}

std::optional<Error> checkStreamSid(const AppMessage& message, QStringView expected)
{
    return streamSidMismatch(streamSidOf(message), expected);
}

// =============================================================================================
// Parsing

Result<TwilioMessage> parseTwilioMessage(QByteArrayView utf8, const ParseOptions& options)
{
    JsonReader json(utf8);
    const bool parsed = json.parse();
    int eventIndex = -1;
    if (std::optional<Error> error = readEnvelope(json, utf8, parsed, eventIndex))
        return *error;
    MessageReader reader(json, rejectUnknown(options, false));
    const JsonNode& event = json.node(eventIndex);
    if (json.stringEquals(event, QLatin1String("media")))
        return parseTwilioMedia(reader, options);
    if (json.stringEquals(event, QLatin1String("start")))
        return parseStart(reader, options);
    if (json.stringEquals(event, QLatin1String("connected")))
        return parseConnected(reader, options);
    if (json.stringEquals(event, QLatin1String("mark")))
        return parseTwilioMark(reader, options);
    if (json.stringEquals(event, QLatin1String("dtmf")))
        return parseDtmf(reader, options);
    if (json.stringEquals(event, QLatin1String("stop")))
        return parseStop(reader, options);
    if (json.stringEquals(event, QLatin1String("clear")))
        return unknownEvent(json.string(event), " from Twilio: 'clear' is only sent by the app");
    return unknownEvent(json.string(event), "");
}

Result<TwilioMessage> parseTwilioMessage(QStringView text, const ParseOptions& options)
{
    return parseTwilioMessage(QByteArrayView(text.toUtf8()), options);
}

Result<AppMessage> parseAppMessage(QByteArrayView utf8, const ParseOptions& options)
{
    JsonReader json(utf8);
    const bool parsed = json.parse();
    int eventIndex = -1;
    if (std::optional<Error> error = readEnvelope(json, utf8, parsed, eventIndex))
        return *error;
    MessageReader reader(json, rejectUnknown(options, true));
    const JsonNode& event = json.node(eventIndex);
    if (json.stringEquals(event, QLatin1String("media")))
        return parseAppMedia(reader, options);
    if (json.stringEquals(event, QLatin1String("mark")))
        return parseAppMark(reader, options);
    if (json.stringEquals(event, QLatin1String("clear")))
        return parseClear(reader, options);
    if (json.stringEquals(event, QLatin1String("dtmf")))
        return unknownEvent(json.string(event), " from the app: sending DTMF over a stream is not supported");
    for (const char* twilioOnly : {"connected", "start", "stop"}) {
        if (json.stringEquals(event, QLatin1String(twilioOnly)))
            return unknownEvent(json.string(event), " from the app: it is only sent by Twilio");
    }
    return unknownEvent(json.string(event), "");
}

Result<AppMessage> parseAppMessage(QStringView text, const ParseOptions& options)
{
    return parseAppMessage(QByteArrayView(text.toUtf8()), options);
}

// =============================================================================================
// Building

QByteArray toJson(const ConnectedMessage& message)
{
    JsonWriter w(64);
    w.beginObject();
    w.key("event");
    w.latin1(QLatin1String("connected"));
    w.key("protocol");
    w.string(message.protocol);
    w.key("version");
    w.string(message.version);
    w.endObject();
    return w.take();
}

QByteArray toJson(const StartMessage& message)
{
    JsonWriter w(384);
    w.beginObject();
    w.key("event");
    w.latin1(QLatin1String("start"));
    w.key("sequenceNumber");
    w.numericString(message.sequenceNumber);
    w.key("start");
    w.beginObject();
    w.key("accountSid");
    w.string(message.accountSid);
    w.key("streamSid");
    w.string(message.streamSid);
    w.key("callSid");
    w.string(message.callSid);
    w.key("tracks");
    w.beginArray();
    for (const MediaTrack track : message.tracks) {
        w.element();
        w.string(toWireString(track));
    }
    w.endArray();
    w.key("customParameters");
    w.beginObject();
    for (const auto& [name, value] : message.customParameters) {
        w.key(name);
        w.string(value);
    }
    w.endObject();
    w.key("mediaFormat");
    w.beginObject();
    w.key("encoding");
    w.string(message.mediaFormat.encoding);
    w.key("sampleRate");
    w.number(message.mediaFormat.sampleRate);
    w.key("channels");
    w.number(message.mediaFormat.channels);
    w.endObject();
    w.endObject();
    w.key("streamSid");
    w.string(message.streamSid);
    w.endObject();
    return w.take();
}

QByteArray toJson(const MediaMessage& message)
{
    JsonWriter w(160 + (message.payload.size() + 2) / 3 * 4);
    w.beginObject();
    w.key("event");
    w.latin1(QLatin1String("media"));
    w.key("sequenceNumber");
    w.numericString(message.sequenceNumber);
    w.key("media");
    w.beginObject();
    w.key("track");
    w.string(toWireString(message.track));
    w.key("chunk");
    w.numericString(message.chunk);
    w.key("timestamp");
    w.numericString(message.timestamp);
    w.key("payload");
    w.base64(message.payload);
    w.endObject();
    w.key("streamSid");
    w.string(message.streamSid);
    w.endObject();
    return w.take();
}

QByteArray toJson(const DtmfMessage& message)
{
    JsonWriter w(128);
    w.beginObject();
    w.key("event");
    w.latin1(QLatin1String("dtmf"));
    w.key("streamSid");
    w.string(message.streamSid);
    w.key("sequenceNumber");
    w.numericString(message.sequenceNumber);
    w.key("dtmf");
    w.beginObject();
    w.key("track");
    w.string(message.track);
    w.key("digit");
    w.string(message.digit);
    w.endObject();
    w.endObject();
    return w.take();
}

QByteArray toJson(const MarkMessage& message)
{
    JsonWriter w(128 + message.name.size());
    w.beginObject();
    w.key("event");
    w.latin1(QLatin1String("mark"));
    w.key("sequenceNumber");
    w.numericString(message.sequenceNumber);
    w.key("streamSid");
    w.string(message.streamSid);
    w.key("mark");
    w.beginObject();
    w.key("name");
    w.string(message.name);
    w.endObject();
    w.endObject();
    return w.take();
}

QByteArray toJson(const StopMessage& message)
{
    JsonWriter w(192);
    w.beginObject();
    w.key("event");
    w.latin1(QLatin1String("stop"));
    w.key("sequenceNumber");
    w.numericString(message.sequenceNumber);
    w.key("stop");
    w.beginObject();
    w.key("accountSid");
    w.string(message.accountSid);
    w.key("callSid");
    w.string(message.callSid);
    w.endObject();
    w.key("streamSid");
    w.string(message.streamSid);
    w.endObject();
    return w.take();
}

QByteArray toJson(const TwilioMessage& message)
{
    return std::visit([](const auto& m) { return toJson(m); }, message);
}

QByteArray toJson(const AppMediaMessage& message)
{
    JsonWriter w(96 + (message.payload.size() + 2) / 3 * 4);
    w.beginObject();
    w.key("event");
    w.latin1(QLatin1String("media"));
    w.key("streamSid");
    w.string(message.streamSid);
    w.key("media");
    w.beginObject();
    w.key("payload");
    w.base64(message.payload);
    w.endObject();
    w.endObject();
    return w.take();
}

QByteArray toJson(const AppMarkMessage& message)
{
    JsonWriter w(96 + message.name.size());
    w.beginObject();
    w.key("event");
    w.latin1(QLatin1String("mark"));
    w.key("streamSid");
    w.string(message.streamSid);
    w.key("mark");
    w.beginObject();
    w.key("name");
    w.string(message.name);
    w.endObject();
    w.endObject();
    return w.take();
}

QByteArray toJson(const ClearMessage& message)
{
    JsonWriter w(80);
    w.beginObject();
    w.key("event");
    w.latin1(QLatin1String("clear"));
    w.key("streamSid");
    w.string(message.streamSid);
    w.endObject();
    return w.take();
}

QByteArray toJson(const AppMessage& message)
{
    return std::visit([](const auto& m) { return toJson(m); }, message);
}

// =============================================================================================
// Base64 helpers

bool decodeBase64Payload(QByteArrayView base64, QByteArray& out, QString* reason)
{
    qsizetype dataLength = 0;
    const qsizetype size = checkBase64Shape(base64, dataLength, reason);
    if (size < 0) {
        out.resize(0);
        return false;
    }
    out.resize(size); // keeps the existing capacity when it is large enough
    if (!decodeBase64Data(base64, dataLength, out.data(), reason)) {
        out.resize(0);
        return false;
    }
    return true;
}

qsizetype base64DecodedSize(QByteArrayView base64)
{
    qsizetype dataLength = 0;
    return std::max<qsizetype>(0, checkBase64Shape(base64, dataLength, nullptr));
}

QByteArray encodeBase64Payload(QByteArrayView raw)
{
    QByteArray out;
    appendBase64(out, raw);
    return out;
}

} // namespace sb::twilio
