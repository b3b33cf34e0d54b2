// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QLatin1String>
#include <QString>
#include <QVarLengthArray>

/// A minimal, strict JSON reader (RFC 8259) that builds a flat tree of spans into the input.
/// Strings are validated (UTF-8, escapes, surrogate pairs) while scanning but only decoded on
/// demand, so a media frame's base64 payload is never copied into a QString. Internal to the
/// Media Streams codec (MediaMessages.cpp).
namespace sb::twilio::detail {

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

/// "a string", "an object", ... for error messages.
QLatin1String typeName(JsonType type);

/// Appends code point `cp` as UTF-8.
void appendUtf8(QByteArray& out, char32_t cp);

/// Decodes a string span that JsonReader has already validated.
QString decodeJsonString(QByteArrayView raw, bool escaped);

/// Parses one JSON text into a flat node array (index 0 is the root); spans point into the text,
/// which must outlive the reader.
class JsonReader
{
public:
    explicit JsonReader(QByteArrayView text)
        : m_text(text)
    {
    }

    /// Parses the whole text; false with errorMessage/errorOffset set on the first problem.
    bool parse();

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

    void skipWhitespace();
    bool fail(const char* message);
    bool parseValue(int depth, int& index);
    bool parseLiteral(const char* word, JsonType type, bool value, int index);
    bool parseNumber(int index);
    /// At the opening quote. On success `begin`/`end` delimit the content and m_pos is past the
    /// closing quote.
    bool parseString(qsizetype& begin, qsizetype& end, bool& escaped);
    bool parseArray(int depth, int index);
    bool parseObject(int depth, int index);
    void link(int parent, int& last, int child);

    QByteArrayView m_text;
    qsizetype m_pos = 0;
    QVarLengthArray<JsonNode, 24> m_nodes;
};

} // namespace sb::twilio::detail
