// SPDX-License-Identifier: GPL-3.0-or-later
#include "twilio/StrictJson.h"

namespace sb::twilio::detail {
namespace {

constexpr int kMaxDepth = 32;
constexpr int kMaxNodes = 16384;

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

} // namespace

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

bool JsonReader::parse()
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

void JsonReader::skipWhitespace()
{
    while (!atEnd()) {
        const uchar c = peek();
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            return;
        ++m_pos;
    }
}

bool JsonReader::fail(const char* message)
{
    errorMessage = QString::fromLatin1(message);
    errorOffset = m_pos;
    return false;
}

bool JsonReader::parseValue(int depth, int& index)
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

bool JsonReader::parseLiteral(const char* word, JsonType type, bool value, int index)
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

bool JsonReader::parseNumber(int index)
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
bool JsonReader::parseString(qsizetype& begin, qsizetype& end, bool& escaped)
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

bool JsonReader::parseArray(int depth, int index)
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

bool JsonReader::parseObject(int depth, int index)
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

void JsonReader::link(int parent, int& last, int child)
{
    if (last < 0)
        m_nodes[parent].firstChild = child;
    else
        m_nodes[last].nextSibling = child;
    last = child;
}

} // namespace sb::twilio::detail
