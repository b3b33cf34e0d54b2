// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "twilio/TwimlParser.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>
#include <QStringView>
#include <limits>

/// The TwiML schema table the validator checks against: every element the validator knows, where
/// it may appear, what content it takes, and its attributes with their value types. Internal to
/// TwimlParser.cpp / TwimlValidator.cpp.
namespace sb::twilio::detail {

enum class ValueKind {
    Any,
    Integer,       ///< decimal integer within [min, max]
    Boolean,       ///< true | false
    Enum,          ///< one of `values`
    EnumList,      ///< space-separated, each one of `values`, at least one
    Keys,          ///< characters from `chars`, at most `max` of them (empty allowed)
    Digits,        ///< one or more characters from `chars`
    SecondsOrAuto, ///< `auto` or an integer >= 0
    AbsoluteUrl,   ///< absolute http(s) URL
};

struct AttrSpec
{
    QString name;
    ValueKind kind = ValueKind::Any;
    qint64 min = 0;
    qint64 max = std::numeric_limits<qint64>::max();
    QStringList values;
    QString chars;
    int code = twiml_code::SchemaWarning;
    TwimlSeverity severity = TwimlSeverity::Warning;
};

enum class Content {
    Empty,    ///< no text, no children
    Text,     ///< text only
    Elements, ///< child elements only
    Mixed,    ///< text and child elements
};

struct ElementSpec
{
    QString name;
    QStringList parents; ///< allowed parent elements; empty = root only
    Content content = Content::Empty;
    bool attributesChecked = true;
    QList<AttrSpec> attributes;

    const AttrSpec* attribute(QStringView attributeName) const
    {
        for (const AttrSpec& a : attributes) {
            if (a.name == attributeName)
                return &a;
        }
        return nullptr;
    }
};

/// The element table (built once).
class Schema
{
public:
    Schema();

    const ElementSpec* find(QStringView name) const
    {
        const auto it = m_elements.constFind(name.toString());
        return it == m_elements.cend() ? nullptr : &it.value();
    }

    /// The canonical spelling of a name that matches a known element case-insensitively.
    QString caseInsensitiveMatch(QStringView name) const { return m_lowerCase.value(name.toString().toLower()); }

    QStringList names() const
    {
        QStringList out = m_elements.keys();
        out.sort();
        return out;
    }

private:
    void add(const char* name, const char* parents, Content content, QList<AttrSpec> attributes, bool checked = true)
    {
        ElementSpec spec;
        spec.name = QLatin1String(name);
        spec.parents = QString(QLatin1String(parents)).split(QLatin1Char(' '), Qt::SkipEmptyParts);
        spec.content = content;
        spec.attributesChecked = checked;
        spec.attributes = std::move(attributes);
        m_lowerCase.insert(spec.name.toLower(), spec.name);
        m_elements.insert(spec.name, std::move(spec));
    }
    void addOpen(const char* name, const char* parents, Content content) { add(name, parents, content, {}, false); }

    QHash<QString, ElementSpec> m_elements;
    QHash<QString, QString> m_lowerCase;
};

const Schema& schema();

/// Why `value` is not valid for `spec`, or an empty string when it is.
QString valueProblem(const AttrSpec& spec, const QString& value);

} // namespace sb::twilio::detail
