// SPDX-License-Identifier: GPL-3.0-or-later
#include "storage/Contacts.h"

#include <QFile>
#include <QStringList>

namespace sb::storage {

namespace {

/// Splits one line into fields; a field may be double-quoted. Returns false with `why` on a
/// quoting error.
bool splitLine(const QString& line, QStringList& fields, QString& why)
{
    fields.clear();
    QString field;
    int i = 0;
    const int n = int(line.size());
    while (true) {
        while (i < n && (line.at(i) == QLatin1Char(' ') || line.at(i) == QLatin1Char('\t')))
            ++i;
        field.clear();
        if (i < n && line.at(i) == QLatin1Char('"')) {
            ++i;
            bool closed = false;
            while (i < n) {
                const QChar c = line.at(i++);
                if (c != QLatin1Char('"')) {
                    field.append(c);
                } else if (i < n && line.at(i) == QLatin1Char('"')) {
                    field.append(c);
                    ++i;
                } else {
                    closed = true;
                    break;
                }
            }
            if (!closed) {
                why = QStringLiteral("a quoted label is not closed");
                return false;
            }
            while (i < n && (line.at(i) == QLatin1Char(' ') || line.at(i) == QLatin1Char('\t')))
                ++i;
            if (i < n && line.at(i) != QLatin1Char(',')) {
                why = QStringLiteral("text after a closing quote");
                return false;
            }
        } else {
            while (i < n && line.at(i) != QLatin1Char(','))
                field.append(line.at(i++));
            field = field.trimmed();
        }
        fields.append(field);
        if (i >= n)
            return true;
        ++i; // the comma
    }
}

bool plausibleNumber(const QString& normalized)
{
    if (normalized.isEmpty())
        return false;
    for (int i = 0; i < normalized.size(); ++i) {
        const QChar c = normalized.at(i);
        if (!(c.isDigit() || (i == 0 && c == QLatin1Char('+'))))
            return false;
    }
    return true;
}

} // namespace

QString Contacts::normalize(const QString& number)
{
    QString out;
    out.reserve(number.size());
    for (const QChar c : number) {
        if (c.isSpace() || c == QLatin1Char('-') || c == QLatin1Char('(') || c == QLatin1Char(')') ||
            c == QLatin1Char('.'))
            continue;
        out.append(c);
    }
    return out;
}

Result<Contacts> Contacts::load(const QString& path)
{
    QFile file(path);
    if (!file.exists())
        return Contacts{};
    if (!file.open(QIODevice::ReadOnly))
        return makeError(QStringLiteral("contacts.unreadable"),
                         QStringLiteral("cannot read %1: %2").arg(path, file.errorString()));
    const QByteArray text = file.readAll();
    if (file.error() != QFileDevice::NoError)
        return makeError(QStringLiteral("contacts.unreadable"),
                         QStringLiteral("cannot read %1: %2").arg(path, file.errorString()));
    return parse(text, path);
}

Result<Contacts> Contacts::parse(const QByteArray& text, const QString& source)
{
    Contacts contacts;
    const QString name = source.isEmpty() ? fileName() : source;
    const QStringList lines = QString::fromUtf8(text).split(QLatin1Char('\n'));
    for (int i = 0; i < lines.size(); ++i) {
        QString line = lines.at(i);
        if (line.endsWith(QLatin1Char('\r')))
            line.chop(1);
        const QString trimmed = line.trimmed();
        if (trimmed.isEmpty() || trimmed.startsWith(QLatin1Char('#')))
            continue;
        const int lineNo = i + 1;
        auto malformed = [&](const QString& why) {
            return makeError(QStringLiteral("contacts.malformed"),
                             QStringLiteral("%1, line %2: %3").arg(name).arg(lineNo).arg(why),
                             lineNo);
        };
        QStringList fields;
        QString why;
        if (!splitLine(line, fields, why))
            return malformed(why);
        if (fields.size() != 2)
            return malformed(QStringLiteral("expected \"number,label\", found %1 field(s)").arg(fields.size()));
        const QString number = normalize(fields.at(0));
        if (!plausibleNumber(number))
            return malformed(QStringLiteral("\"%1\" is not a phone number").arg(fields.at(0)));
        if (fields.at(1).isEmpty())
            return malformed(QStringLiteral("the label is empty"));
        contacts.m_labels.insert(number, fields.at(1));
    }
    return contacts;
}

QString Contacts::lookup(const QString& number) const
{
    return m_labels.value(normalize(number));
}

} // namespace sb::storage
