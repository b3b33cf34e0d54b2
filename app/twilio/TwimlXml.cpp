// SPDX-License-Identifier: GPL-3.0-or-later
// Writing TwiML trees as XML (toTwimlXml(), toPrettyTwiml(), escaping; TwimlBuilder.h).
#include "twilio/TwimlBuilder.h"

#include <algorithm>

namespace sb::twilio {
namespace {

constexpr char16_t kReplacement = 0xFFFD;

bool isXmlWhitespaceChar(QChar c)
{
    return c == QLatin1Char(' ') || c == QLatin1Char('\t') || c == QLatin1Char('\n') || c == QLatin1Char('\r');
}

/// Escapes `input` into `out` the way xmlbuilder 13 does (textEscape / attEscape), replacing
/// characters XML 1.0 cannot carry with U+FFFD.
void appendEscaped(QString& out, QStringView input, bool attribute)
{
    const qsizetype n = input.size();
    for (qsizetype i = 0; i < n; ++i) {
        const char16_t c = input[i].unicode();
        if (QChar::isHighSurrogate(c)) {
            if (i + 1 < n && QChar::isLowSurrogate(input[i + 1].unicode())) {
                out += input[i];
                out += input[i + 1];
                ++i;
            } else {
                out += QChar(kReplacement);
            }
            continue;
        }
        if (QChar::isLowSurrogate(c)) {
            out += QChar(kReplacement);
            continue;
        }
        switch (c) {
        case u'&':
            out += QLatin1String("&amp;");
            break;
        case u'<':
            out += QLatin1String("&lt;");
            break;
        case u'>':
            if (attribute)
                out += QLatin1Char('>');
            else
                out += QLatin1String("&gt;");
            break;
        case u'"':
            if (attribute)
                out += QLatin1String("&quot;");
            else
                out += QLatin1Char('"');
            break;
        case u'\t':
            if (attribute)
                out += QLatin1String("&#x9;");
            else
                out += QLatin1Char('\t');
            break;
        case u'\n':
            if (attribute)
                out += QLatin1String("&#xA;");
            else
                out += QLatin1Char('\n');
            break;
        case u'\r':
            out += QLatin1String("&#xD;");
            break;
        default:
            if (c < 0x20 || c == 0xFFFE || c == 0xFFFF)
                out += QChar(kReplacement);
            else
                out += QChar(c);
        }
    }
}

bool isAsciiNameStart(QChar c)
{
    const char16_t u = c.unicode();
    return (u >= u'A' && u <= u'Z') || (u >= u'a' && u <= u'z') || u == u'_';
}

bool isAsciiNameChar(QChar c)
{
    const char16_t u = c.unicode();
    return isAsciiNameStart(c) || (u >= u'0' && u <= u'9') || u == u'-' || u == u'.';
}

bool isAsciiNcName(QStringView s)
{
    if (s.isEmpty() || !isAsciiNameStart(s.front()))
        return false;
    return std::all_of(s.begin() + 1, s.end(), isAsciiNameChar);
}

/// The attributes that will be written: writable names only, each name once (first position,
/// last value — the same rule as setTwimlAttribute()).
TwimlAttributes writableAttributes(const TwimlAttributes& attributes)
{
    TwimlAttributes out;
    out.reserve(attributes.size());
    for (const TwimlAttribute& a : attributes) {
        if (isWritableXmlName(a.name))
            setTwimlAttribute(out, a.name, a.value);
    }
    return out;
}

void writeStartTagOpen(QString& out, const TwimlNode& node)
{
    out += QLatin1Char('<');
    out += node.name;
    for (const TwimlAttribute& a : writableAttributes(node.attributes)) {
        out += QLatin1Char(' ');
        out += a.name;
        out += QLatin1String("=\"");
        appendEscaped(out, a.value, true);
        out += QLatin1Char('"');
    }
}

bool hasWritableChildren(const TwimlNode& node)
{
    return std::any_of(
        node.children.begin(), node.children.end(), [](const TwimlNode& c) { return isWritableXmlName(c.name); });
}

void writeCompact(QString& out, const TwimlNode& node)
{
    if (!isWritableXmlName(node.name))
        return;
    writeStartTagOpen(out, node);
    // xmlbuilder self-closes an element whose content is empty, including a single "" text node.
    bool empty = node.text.isEmpty();
    for (const TwimlNode& child : node.children) {
        if (isWritableXmlName(child.name) || !child.tail.isEmpty()) {
            empty = false;
            break;
        }
    }
    if (empty) {
        out += QLatin1String("/>");
        return;
    }
    out += QLatin1Char('>');
    appendEscaped(out, node.text, false);
    for (const TwimlNode& child : node.children) {
        writeCompact(out, child);
        appendEscaped(out, child.tail, false);
    }
    out += QLatin1String("</");
    out += node.name;
    out += QLatin1Char('>');
}

/// Element-only content (children, no character data) is indented; everything else is written
/// compact on one line so the character data is kept exactly.
bool isBlock(const TwimlNode& node)
{
    if (!hasWritableChildren(node) || !node.text.isEmpty())
        return false;
    return std::all_of(node.children.begin(), node.children.end(), [](const TwimlNode& c) { return c.tail.isEmpty(); });
}

void writePretty(QString& out, const TwimlNode& node, int depth, int indent)
{
    if (!isWritableXmlName(node.name))
        return;
    out += QString(qsizetype(depth) * indent, QLatin1Char(' '));
    if (!isBlock(node)) {
        writeCompact(out, node);
        out += QLatin1Char('\n');
        return;
    }
    writeStartTagOpen(out, node);
    out += QLatin1String(">\n");
    for (const TwimlNode& child : node.children)
        writePretty(out, child, depth + 1, indent);
    out += QString(qsizetype(depth) * indent, QLatin1Char(' '));
    out += QLatin1String("</");
    out += node.name;
    out += QLatin1String(">\n");
}

} // namespace

QByteArray toTwimlXml(const TwimlNode& root)
{
    QString out = QLatin1String(kTwimlXmlDeclaration);
    writeCompact(out, root);
    return out.toUtf8();
}

QString toTwimlElementString(const TwimlNode& node)
{
    QString out;
    writeCompact(out, node);
    return out;
}

QString toPrettyTwiml(const TwimlNode& root, int indent)
{
    QString out = QLatin1String(kTwimlXmlDeclaration);
    out += QLatin1Char('\n');
    writePretty(out, root, 0, std::max(0, indent));
    return out;
}

QString escapeTwimlText(QStringView text)
{
    QString out;
    out.reserve(text.size());
    appendEscaped(out, text, false);
    return out;
}

QString escapeTwimlAttribute(QStringView value)
{
    QString out;
    out.reserve(value.size());
    appendEscaped(out, value, true);
    return out;
}

bool isXmlRepresentable(QStringView text)
{
    const qsizetype n = text.size();
    for (qsizetype i = 0; i < n; ++i) {
        const char16_t c = text[i].unicode();
        if (QChar::isHighSurrogate(c)) {
            if (i + 1 < n && QChar::isLowSurrogate(text[i + 1].unicode())) {
                ++i;
                continue;
            }
            return false;
        }
        if (QChar::isLowSurrogate(c) || c == 0xFFFE || c == 0xFFFF)
            return false;
        if (c < 0x20 && !isXmlWhitespaceChar(QChar(c)))
            return false;
    }
    return true;
}

bool isWritableXmlName(QStringView name)
{
    const qsizetype colon = name.indexOf(QLatin1Char(':'));
    if (colon < 0)
        return isAsciiNcName(name);
    return isAsciiNcName(name.left(colon)) && isAsciiNcName(name.mid(colon + 1));
}

} // namespace sb::twilio
