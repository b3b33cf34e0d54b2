// SPDX-License-Identifier: GPL-3.0-or-later
#include "twilio/TwimlValidator.h"

#include "twilio/TwimlSchema.h"

#include <QUrl>
#include <algorithm>

namespace sb::twilio::detail {
namespace {

QString tag(QStringView name)
{
    return QLatin1Char('<') + name.toString() + QLatin1Char('>');
}

QString tagList(const QStringList& names)
{
    QStringList tags;
    for (const QString& n : names)
        tags.append(tag(n));
    if (tags.size() <= 1)
        return tags.join(QString());
    return tags.mid(0, tags.size() - 1).join(QLatin1String(", ")) + QLatin1String(" or ") + tags.last();
}

void warn(Issues& out, int code, const TwimlNode& node, const QString& message)
{
    report(out, TwimlSeverity::Warning, code, node.line, node.column, message);
}

void fail(Issues& out, int code, const TwimlNode& node, const QString& message)
{
    report(out, TwimlSeverity::Error, code, node.line, node.column, message);
}

void reportAt(Issues& out,
              TwimlSeverity severity,
              int code,
              const TwimlNode& node,
              const TwimlAttribute* attribute,
              const QString& message)
{
    if (attribute && attribute->line > 0)
        report(out, severity, code, attribute->line, attribute->column, message);
    else
        report(out, severity, code, node.line, node.column, message);
}

qsizetype schemeLength(QStringView url)
{
    if (url.isEmpty() || !url.front().isLetter() || url.front().unicode() > 127)
        return -1;
    for (qsizetype i = 1; i < url.size(); ++i) {
        const QChar c = url[i];
        if (c == QLatin1Char(':'))
            return i;
        const bool ok = c.unicode() < 128 && (c.isLetterOrNumber() || c == QLatin1Char('+') || c == QLatin1Char('-') ||
                                              c == QLatin1Char('.'));
        if (!ok)
            return -1;
    }
    return -1;
}

class Validator
{
public:
    explicit Validator(Issues& out)
        : m_out(out)
    {
    }

    void validateRoot(const TwimlNode& root)
    {
        if (root.name != QLatin1String("Response")) {
            QString message = QStringLiteral("The root element must be <Response>, found %1").arg(tag(root.name));
            if (root.name.compare(QLatin1String("Response"), Qt::CaseInsensitive) == 0)
                message += QStringLiteral(" (TwiML names are case-sensitive)");
            fail(m_out, twiml_code::ParseFailure, root, message);
            return;
        }
        validateElement(root, nullptr);
        checkReachability(root);
    }

private:
    void validateElement(const TwimlNode& node, const TwimlNode* parent)
    {
        const ElementSpec* spec = schema().find(node.name);
        if (!spec) {
            const QString canonical = schema().caseInsensitiveMatch(node.name);
            if (!canonical.isEmpty())
                warn(m_out,
                     twiml_code::SchemaWarning,
                     node,
                     QStringLiteral("Unknown element %1: TwiML names are case-sensitive, did you mean %2?")
                         .arg(tag(node.name), tag(canonical)));
            else
                warn(m_out,
                     twiml_code::SchemaWarning,
                     node,
                     QStringLiteral("Unknown element %1 is not a TwiML verb or noun; Twilio ignores it")
                         .arg(tag(node.name)));
            return;
        }
        if (parent) {
            if (!spec->parents.contains(parent->name)) {
                QString message;
                if (spec->parents.isEmpty())
                    message = QStringLiteral("%1 may only be the root element").arg(tag(node.name));
                else
                    message = QStringLiteral("%1 is not allowed inside %2; it belongs in %3")
                                  .arg(tag(node.name), tag(parent->name), tagList(spec->parents));
                warn(m_out, twiml_code::SchemaWarning, node, message);
            }
        }
        checkAttributes(*spec, node);
        checkText(*spec, node);
        checkSemantics(node, parent);
        for (const TwimlNode& child : node.children)
            validateElement(child, &node);
    }

    void checkAttributes(const ElementSpec& spec, const TwimlNode& node)
    {
        for (const TwimlAttribute& a : node.attributes) {
            const AttrSpec* as = spec.attribute(a.name);
            if (!as) {
                if (!spec.attributesChecked)
                    continue;
                QString message = QStringLiteral("Unknown attribute %1 on %2").arg(quoted(a.name), tag(node.name));
                for (const AttrSpec& candidate : spec.attributes) {
                    if (candidate.name.compare(a.name, Qt::CaseInsensitive) == 0) {
                        message += QStringLiteral(": attribute names are case-sensitive, did you mean %1?")
                                       .arg(quoted(candidate.name));
                        break;
                    }
                }
                reportAt(m_out, TwimlSeverity::Warning, twiml_code::SchemaWarning, node, &a, message);
                continue;
            }
            const QString problem = valueProblem(*as, a.value);
            if (!problem.isEmpty()) {
                reportAt(m_out,
                         as->severity,
                         as->code,
                         node,
                         &a,
                         QStringLiteral("Invalid %1 %2=%3: %4").arg(tag(node.name), a.name, quoted(a.value), problem));
            }
        }
    }

    void checkText(const ElementSpec& spec, const TwimlNode& node)
    {
        if (spec.content == Content::Text || spec.content == Content::Mixed)
            return;
        QString stray = node.text;
        for (const TwimlNode& child : node.children)
            stray += child.tail;
        if (!isBlank(stray)) {
            warn(m_out,
                 twiml_code::SchemaWarning,
                 node,
                 QStringLiteral("%1 does not take text; %2 is ignored").arg(tag(node.name), quoted(stray.trimmed())));
        }
    }

    void checkSemantics(const TwimlNode& node, const TwimlNode* parent)
    {
        const QString& name = node.name;
        const QString parentName = parent ? parent->name : QString();
        if (name == QLatin1String("Play")) {
            const TwimlAttribute* digits = node.findAttribute(u"digits");
            if (digits && parentName == QLatin1String("Gather")) {
                reportAt(m_out,
                         TwimlSeverity::Warning,
                         twiml_code::SchemaWarning,
                         node,
                         digits,
                         QStringLiteral("<Play digits> is not allowed inside <Gather>"));
            }
            if (!digits && isBlank(node.innerText())) {
                warn(m_out,
                     twiml_code::SchemaWarning,
                     node,
                     QStringLiteral("<Play> needs a media URL (or a digits attribute)"));
            }
        } else if (name == QLatin1String("Redirect")) {
            if (isBlank(node.innerText()))
                fail(m_out, twiml_code::InvalidUrl, node, QStringLiteral("<Redirect> needs a URL"));
        } else if (name == QLatin1String("Stream")) {
            checkStream(node, parentName);
        } else if (name == QLatin1String("Transcription")) {
            if (parentName == QLatin1String("Stop") && !node.hasAttribute(u"name")) {
                warn(m_out,
                     twiml_code::SchemaWarning,
                     node,
                     QStringLiteral("<Stop><Transcription> needs the name of the transcription to stop"));
            }
        } else if (name == QLatin1String("Parameter")) {
            checkParameter(node);
        } else if (name == QLatin1String("Start") || name == QLatin1String("Stop") ||
                   name == QLatin1String("Connect")) {
            if (node.children.empty()) {
                warn(m_out,
                     twiml_code::SchemaWarning,
                     node,
                     QStringLiteral("%1 needs a noun such as <Stream>").arg(tag(name)));
            } else if (name == QLatin1String("Connect") && node.children.size() > 1) {
                warn(m_out,
                     twiml_code::SchemaWarning,
                     node.children[1],
                     QStringLiteral("<Connect> takes exactly one noun"));
            }
        } else if (name == QLatin1String("Dial")) {
            if (node.children.empty() && isBlank(node.text))
                warn(m_out, twiml_code::SchemaWarning, node, QStringLiteral("<Dial> needs a number or a noun to dial"));
        }
    }

    void checkStream(const TwimlNode& node, const QString& parentName)
    {
        const TwimlAttribute* url = node.findAttribute(u"url");
        if (parentName == QLatin1String("Stop")) {
            if (!url && !node.hasAttribute(u"name")) {
                warn(m_out,
                     twiml_code::SchemaWarning,
                     node,
                     QStringLiteral("<Stop><Stream> needs the name (or url) of the stream to stop"));
            }
        } else if (!url) {
            fail(m_out, twiml_code::StreamUrlMalformed, node, QStringLiteral("<Stream> needs a url attribute"));
        }
        if (url)
            checkStreamUrl(node, *url);
        const TwimlAttribute* track = node.findAttribute(u"track");
        if (track && parentName == QLatin1String("Connect") && track->value != QLatin1String("inbound_track") &&
            schema().find(u"Stream")->attribute(u"track")->values.contains(track->value)) {
            reportAt(m_out,
                     TwimlSeverity::Error,
                     twiml_code::StreamInvalidTrack,
                     node,
                     track,
                     QStringLiteral("Invalid <Stream> track=%1 in <Connect>: a bidirectional stream only "
                                    "supports inbound_track")
                         .arg(quoted(track->value)));
        }
    }

    void checkStreamUrl(const TwimlNode& node, const TwimlAttribute& attribute)
    {
        const QString& value = attribute.value;
        auto error = [&](int code, const QString& message) {
            reportAt(m_out, TwimlSeverity::Error, code, node, &attribute, message);
        };
        if (value.isEmpty()) {
            error(twiml_code::StreamUrlMalformed, QStringLiteral("<Stream> url is empty"));
            return;
        }
        const qsizetype scheme = schemeLength(value);
        if (scheme > 0 && value.left(scheme).compare(QLatin1String("wss"), Qt::CaseInsensitive) != 0) {
            error(twiml_code::StreamUrlScheme,
                  QStringLiteral("<Stream> url %1 uses the scheme %2; only wss is supported")
                      .arg(quoted(value), quoted(value.left(scheme))));
            return;
        }
        const QUrl url(value, QUrl::StrictMode);
        if (!url.isValid() || value != value.trimmed() || (scheme > 0 && url.host().isEmpty())) {
            error(twiml_code::StreamUrlMalformed, QStringLiteral("<Stream> url %1 is malformed").arg(quoted(value)));
            return;
        }
        if (url.hasQuery()) {
            reportAt(m_out,
                     TwimlSeverity::Warning,
                     twiml_code::StreamUrlMalformed,
                     node,
                     &attribute,
                     QStringLiteral("<Stream> url %1 has a query string, which can break the WebSocket handshake; "
                                    "pass values with <Parameter>")
                         .arg(quoted(value)));
        }
    }

    void checkParameter(const TwimlNode& node)
    {
        const TwimlAttribute* name = node.findAttribute(u"name");
        if (!name || name->value.isEmpty()) {
            reportAt(m_out,
                     TwimlSeverity::Warning,
                     twiml_code::SchemaWarning,
                     node,
                     name,
                     QStringLiteral("<Parameter> needs a non-empty name"));
            return;
        }
        const qsizetype length = name->value.size() + node.attribute(u"value").size();
        if (length >= 500) {
            warn(m_out,
                 twiml_code::SchemaWarning,
                 node,
                 QStringLiteral("<Parameter> %1: name and value together must be under 500 characters (%2)")
                     .arg(quoted(name->value))
                     .arg(length));
        }
    }

    /// Verbs after one that never returns to this document can never run.
    void checkReachability(const TwimlNode& response)
    {
        const std::vector<TwimlNode>& verbs = response.children;
        for (std::size_t i = 0; i + 1 < verbs.size(); ++i) {
            const QString reason = terminalReason(verbs[i]);
            if (!reason.isEmpty()) {
                warn(m_out,
                     twiml_code::Hint,
                     verbs[i + 1],
                     QStringLiteral("%1 and the verbs after it are never reached: %2")
                         .arg(tag(verbs[i + 1].name), reason));
                break;
            }
        }
        if (!verbs.empty() && verbs.back().name == QLatin1String("Start")) {
            warn(m_out,
                 twiml_code::Hint,
                 verbs.back(),
                 QStringLiteral("<Start> is the last verb: the call ends right after the stream starts; add a verb "
                                "after it (e.g. <Pause>)"));
        }
    }

    static QString terminalReason(const TwimlNode& verb)
    {
        const QString& n = verb.name;
        if (n == QLatin1String("Record"))
            return QStringLiteral("<Record> continues at its action URL");
        if (n == QLatin1String("Redirect"))
            return QStringLiteral("<Redirect> transfers control to another document");
        if (n == QLatin1String("Hangup"))
            return QStringLiteral("<Hangup> ends the call");
        if (n == QLatin1String("Reject"))
            return QStringLiteral("<Reject> ends the call");
        if (n == QLatin1String("Gather") && verb.attribute(u"actionOnEmptyResult") == QLatin1String("true"))
            return QStringLiteral("<Gather actionOnEmptyResult=\"true\"> always continues at its action URL");
        if ((n == QLatin1String("Dial") || n == QLatin1String("Connect")) && verb.hasAttribute(u"action"))
            return QStringLiteral("%1 with an action continues at the action URL").arg(tag(n));
        return {};
    }

    Issues& m_out;
};

} // namespace

bool isXmlSpace(QChar c)
{
    return c == QLatin1Char(' ') || c == QLatin1Char('\t') || c == QLatin1Char('\n') || c == QLatin1Char('\r');
}

bool isBlank(QStringView s)
{
    return std::all_of(s.begin(), s.end(), isXmlSpace);
}

QString quoted(QStringView s)
{
    constexpr qsizetype kMax = 60;
    QString t = s.size() > kMax ? s.left(kMax).toString() + QStringLiteral("...") : s.toString();
    t.replace(QLatin1Char('\n'), QLatin1String("\\n"));
    t.replace(QLatin1Char('\r'), QLatin1String("\\r"));
    t.replace(QLatin1Char('\t'), QLatin1String("\\t"));
    return QLatin1Char('"') + t + QLatin1Char('"');
}

void report(Issues& out, TwimlSeverity severity, int code, int line, int column, const QString& message)
{
    out.append(TwimlIssue{severity, code, line, column, message});
}

void validateTwimlRoot(const TwimlNode& root, Issues& out)
{
    Validator(out).validateRoot(root);
}

} // namespace sb::twilio::detail
