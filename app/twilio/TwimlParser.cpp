// SPDX-License-Identifier: GPL-3.0-or-later
#include "twilio/TwimlParser.h"

#include "twilio/TwimlSchema.h"
#include "twilio/TwimlValidator.h"

#include <QStringDecoder>
#include <QXmlStreamReader>
#include <algorithm>
#include <tuple>
#include <utility>
#include <vector>

namespace sb::twilio {
namespace {

using detail::isBlank;
using detail::Issues;
using detail::isXmlSpace;
using detail::quoted;
using detail::report;

// ----- source positions ------------------------------------------------------------------------

/// Offset → 1-based line/column; CRLF, CR and LF each end a line.
class LineIndex
{
public:
    explicit LineIndex(const QString& text)
    {
        m_starts.push_back(0);
        for (qsizetype i = 0; i < text.size(); ++i) {
            const QChar c = text.at(i);
            if (c == QLatin1Char('\n') ||
                (c == QLatin1Char('\r') && (i + 1 >= text.size() || text.at(i + 1) != QLatin1Char('\n'))))
                m_starts.push_back(i + 1);
        }
    }

    std::pair<int, int> position(qsizetype offset) const
    {
        const auto it = std::upper_bound(m_starts.begin(), m_starts.end(), offset);
        const auto line = it - m_starts.begin();
        return {int(line), int(offset - *(it - 1) + 1)};
    }

private:
    std::vector<qsizetype> m_starts;
};

/// Finds start tags and their attribute names in a document QXmlStreamReader has accepted (up to
/// the point it has read), in document order, so each StartElement can be given its position.
class TagScanner
{
public:
    struct Tag
    {
        qsizetype offset = -1;
        QString name;
        QList<std::pair<QString, qsizetype>> attributes;
    };

    TagScanner(const QString& text, qsizetype from)
        : m_text(text)
        , m_pos(from)
    {
    }

    bool next(Tag& tag)
    {
        const qsizetype n = m_text.size();
        while (true) {
            const qsizetype lt = m_text.indexOf(QLatin1Char('<'), m_pos);
            if (lt < 0)
                return false;
            if (skip(lt, u"<!--", u"-->") || skip(lt, u"<![CDATA[", u"]]>") || skip(lt, u"<?", u"?>") ||
                skip(lt, u"</", u">") || skip(lt, u"<!", u">"))
                continue;
            tag = Tag{};
            tag.offset = lt;
            qsizetype i = lt + 1;
            while (i < n && !isXmlSpace(m_text.at(i)) && m_text.at(i) != QLatin1Char('>') &&
                   m_text.at(i) != QLatin1Char('/'))
                ++i;
            tag.name = m_text.mid(lt + 1, i - lt - 1);
            while (true) {
                while (i < n && isXmlSpace(m_text.at(i)))
                    ++i;
                if (i >= n || m_text.at(i) == QLatin1Char('>') || m_text.at(i) == QLatin1Char('/'))
                    break;
                const qsizetype nameStart = i;
                while (i < n && !isXmlSpace(m_text.at(i)) && m_text.at(i) != QLatin1Char('='))
                    ++i;
                const QString attributeName = m_text.mid(nameStart, i - nameStart);
                while (i < n && (isXmlSpace(m_text.at(i)) || m_text.at(i) == QLatin1Char('=')))
                    ++i;
                if (i >= n)
                    break;
                const QChar quote = m_text.at(i);
                const qsizetype close = m_text.indexOf(quote, i + 1);
                if (close < 0)
                    break;
                tag.attributes.append({attributeName, nameStart});
                i = close + 1;
            }
            m_pos = i;
            return true;
        }
    }

private:
    bool skip(qsizetype at, QStringView open, QStringView close)
    {
        if (!QStringView(m_text).mid(at).startsWith(open))
            return false;
        const qsizetype end = m_text.indexOf(close, at + open.size());
        m_pos = end < 0 ? m_text.size() : end + close.size();
        return true;
    }

    const QString& m_text;
    qsizetype m_pos;
};

// ----- decoding --------------------------------------------------------------------------------

/// Byte offset of the first invalid UTF-8 sequence, or -1.
qsizetype firstInvalidUtf8(const QByteArray& bytes)
{
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.constData());
    const qsizetype n = bytes.size();
    qsizetype i = 0;
    while (i < n) {
        const unsigned char c = p[i];
        if (c < 0x80) {
            ++i;
            continue;
        }
        int extra = 0;
        char32_t cp = 0;
        char32_t minimum = 0;
        if ((c & 0xE0) == 0xC0) {
            extra = 1;
            cp = c & 0x1F;
            minimum = 0x80;
        } else if ((c & 0xF0) == 0xE0) {
            extra = 2;
            cp = c & 0x0F;
            minimum = 0x800;
        } else if ((c & 0xF8) == 0xF0) {
            extra = 3;
            cp = c & 0x07;
            minimum = 0x10000;
        } else {
            return i;
        }
        if (i + extra >= n)
            return i;
        for (int k = 1; k <= extra; ++k) {
            const unsigned char cc = p[i + k];
            if ((cc & 0xC0) != 0x80)
                return i;
            cp = (cp << 6) | (cc & 0x3F);
        }
        if (cp < minimum || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return i;
        i += extra + 1;
    }
    return -1;
}

/// The encoding named in the XML declaration, or an empty string.
QString declaredEncoding(const QByteArray& bytes)
{
    if (!bytes.startsWith("<?xml"))
        return {};
    const qsizetype end = bytes.indexOf("?>");
    if (end < 0)
        return {};
    const QByteArray decl = bytes.left(end);
    const qsizetype at = decl.indexOf("encoding");
    if (at < 0)
        return {};
    qsizetype i = decl.indexOf('=', at);
    if (i < 0)
        return {};
    ++i;
    while (i < decl.size() && (decl.at(i) == ' ' || decl.at(i) == '\t' || decl.at(i) == '\r' || decl.at(i) == '\n'))
        ++i;
    if (i >= decl.size() || (decl.at(i) != '"' && decl.at(i) != '\''))
        return {};
    const qsizetype close = decl.indexOf(decl.at(i), i + 1);
    if (close < 0)
        return {};
    return QString::fromLatin1(decl.mid(i + 1, close - i - 1));
}

/// Offset of the first character XML 1.0 forbids, or -1.
qsizetype firstForbiddenChar(const QString& text)
{
    const qsizetype n = text.size();
    for (qsizetype i = 0; i < n; ++i) {
        const char16_t c = text.at(i).unicode();
        if (QChar::isHighSurrogate(c)) {
            if (i + 1 < n && QChar::isLowSurrogate(text.at(i + 1).unicode())) {
                ++i;
                continue;
            }
            return i;
        }
        if (QChar::isLowSurrogate(c) || c == 0xFFFE || c == 0xFFFF)
            return i;
        if (c < 0x20 && c != u'\t' && c != u'\n' && c != u'\r')
            return i;
    }
    return -1;
}

void sortIssues(Issues& issues)
{
    std::stable_sort(issues.begin(), issues.end(), [](const TwimlIssue& a, const TwimlIssue& b) {
        return std::pair(a.line, a.column) < std::pair(b.line, b.column);
    });
}

/// Drops formatting whitespace (see the header) once an element is complete.
void dropFormattingWhitespace(TwimlNode& node)
{
    if (node.children.empty() || !isBlank(node.text))
        return;
    for (const TwimlNode& child : node.children) {
        if (!isBlank(child.tail))
            return;
    }
    node.text.clear();
    for (TwimlNode& child : node.children)
        child.tail.clear();
}

} // namespace

// ----- public API ------------------------------------------------------------------------------

QString TwimlIssue::toString() const
{
    const QString kind = severity == TwimlSeverity::Error ? QStringLiteral("error") : QStringLiteral("warning");
    const QString head = code > 0 ? kind + QLatin1Char(' ') + QString::number(code) : kind;
    if (line > 0)
        return QStringLiteral("line %1, column %2: %3: %4").arg(line).arg(column).arg(head, message);
    return head + QLatin1String(": ") + message;
}

bool TwimlParseResult::hasErrors() const
{
    return std::any_of(issues.begin(), issues.end(), [](const TwimlIssue& i) { return i.isError(); });
}

std::optional<TwimlIssue> TwimlParseResult::documentError() const
{
    for (const TwimlIssue& i : issues) {
        if (i.isError() && (i.code == twiml_code::ParseFailure || i.code == twiml_code::BodyTooLarge))
            return i;
    }
    return std::nullopt;
}

TwimlParseResult analyzeTwiml(const QByteArray& body)
{
    TwimlParseResult result;
    Issues& issues = result.issues;
    auto documentError = [&](int line, int column, const QString& message) {
        report(issues, TwimlSeverity::Error, twiml_code::ParseFailure, line, column, message);
    };

    if (body.size() > kMaxTwimlBodyBytes) {
        report(issues,
               TwimlSeverity::Error,
               twiml_code::BodyTooLarge,
               0,
               0,
               QStringLiteral("The response body is %1 bytes; Twilio accepts at most %2 bytes (64 kB)")
                   .arg(body.size())
                   .arg(kMaxTwimlBodyBytes));
    }

    QByteArray bytes = body;
    if (bytes.startsWith("\xEF\xBB\xBF")) {
        documentError(1, 1, QStringLiteral("The document starts with a byte-order mark; Twilio rejects it"));
        bytes.remove(0, 3);
    }

    // Decode ourselves so positions are computed on exactly the text QXmlStreamReader reads.
    QString text;
    const QString encoding = declaredEncoding(bytes);
    if (encoding.isEmpty() || encoding.compare(QLatin1String("UTF-8"), Qt::CaseInsensitive) == 0) {
        const qsizetype bad = firstInvalidUtf8(bytes);
        if (bad >= 0) {
            const QString prefix = QString::fromUtf8(bytes.left(bad));
            const auto [line, column] = LineIndex(prefix).position(prefix.size());
            documentError(line, column, QStringLiteral("The document is not valid UTF-8 (byte offset %1)").arg(bad));
            sortIssues(issues);
            return result;
        }
        text = QString::fromUtf8(bytes);
    } else {
        QStringDecoder decoder(encoding.toLatin1().constData());
        if (!decoder.isValid()) {
            documentError(1, 1, QStringLiteral("Unsupported document encoding %1").arg(quoted(encoding)));
            sortIssues(issues);
            return result;
        }
        text = decoder.decode(bytes);
    }
    const LineIndex lines(text);

    const qsizetype forbidden = firstForbiddenChar(text);
    if (forbidden >= 0) {
        const auto [line, column] = lines.position(forbidden);
        const QString hex =
            QString::number(text.at(forbidden).unicode(), 16).toUpper().rightJustified(4, QLatin1Char('0'));
        documentError(line, column, QStringLiteral("Character U+%1 is not allowed in XML").arg(hex));
        sortIssues(issues);
        return result;
    }

    qsizetype start = 0;
    while (start < text.size() && isXmlSpace(text.at(start)))
        ++start;
    if (start > 0 && QStringView(text).mid(start).startsWith(QLatin1String("<?xml")))
        documentError(1, 1, QStringLiteral("Whitespace before the XML declaration; Twilio rejects it"));
    else
        start = 0;

    QXmlStreamReader reader(QStringView(text).mid(start).toString());
    reader.setNamespaceProcessing(false);
    TagScanner scanner(text, start);
    std::optional<TwimlNode> root;
    std::vector<TwimlNode*> stack;
    bool rejected = false;
    while (!reader.atEnd() && !rejected) {
        switch (reader.readNext()) {
        case QXmlStreamReader::StartElement: {
            TwimlNode node;
            node.name = reader.qualifiedName().toString();
            TagScanner::Tag scanned;
            const bool located = scanner.next(scanned) && scanned.name == node.name;
            if (located)
                std::tie(node.line, node.column) = lines.position(scanned.offset);
            const QXmlStreamAttributes attributes = reader.attributes();
            for (qsizetype i = 0; i < attributes.size(); ++i) {
                TwimlAttribute a{attributes[i].qualifiedName().toString(), attributes[i].value().toString()};
                if (located && i < scanned.attributes.size() && scanned.attributes[i].first == a.name)
                    std::tie(a.line, a.column) = lines.position(scanned.attributes[i].second);
                node.attributes.append(std::move(a));
            }
            if (stack.empty()) {
                root = std::move(node);
                stack.push_back(&*root);
            } else {
                stack.push_back(&stack.back()->appendChild(std::move(node)));
            }
            break;
        }
        case QXmlStreamReader::EndElement:
            if (!stack.empty()) {
                dropFormattingWhitespace(*stack.back());
                stack.pop_back();
            }
            break;
        case QXmlStreamReader::Characters:
            if (!stack.empty())
                stack.back()->appendText(reader.text().toString());
            break;
        case QXmlStreamReader::DTD: {
            const qsizetype at = text.indexOf(QLatin1String("<!DOCTYPE"), start);
            const auto [line, column] = lines.position(std::max(at, start));
            documentError(line, column, QStringLiteral("A DOCTYPE is not allowed in TwiML"));
            rejected = true;
            break;
        }
        default:
            break;
        }
    }
    if (reader.hasError() && !rejected) {
        int line = int(reader.lineNumber());
        int column = int(reader.columnNumber());
        const auto [prefixLine, prefixColumn] = lines.position(start);
        if (line <= 1)
            column += prefixColumn - 1;
        line += prefixLine - 1;
        documentError(line, std::max(column, 1), QStringLiteral("Invalid XML: %1").arg(reader.errorString()));
        rejected = true;
    }
    if (!rejected && root) {
        detail::validateTwimlRoot(*root, issues);
        result.root = std::move(root);
    }
    sortIssues(issues);
    return result;
}

sb::Result<TwimlNode> parseTwiml(const QByteArray& body)
{
    TwimlParseResult result = analyzeTwiml(body);
    if (const std::optional<TwimlIssue> error = result.documentError())
        return sb::makeError(QString::number(error->code), error->message, error->line, error->column);
    if (!result.root)
        return sb::makeError(QString::number(twiml_code::ParseFailure), QStringLiteral("No root element"));
    return std::move(*result.root);
}

QList<TwimlIssue> validateTwiml(const QByteArray& body)
{
    return analyzeTwiml(body).issues;
}

QList<TwimlIssue> validateTwimlTree(const TwimlNode& root)
{
    Issues issues;
    detail::validateTwimlRoot(root, issues);
    sortIssues(issues);
    return issues;
}

QStringList knownTwimlElements()
{
    return detail::schema().names();
}

QStringList knownTwimlAttributes(QStringView element)
{
    QStringList out;
    if (const detail::ElementSpec* spec = detail::schema().find(element)) {
        for (const detail::AttrSpec& a : spec->attributes)
            out.append(a.name);
    }
    return out;
}

} // namespace sb::twilio
