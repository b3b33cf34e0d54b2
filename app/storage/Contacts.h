// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/Result.h"

#include <QHash>
#include <QString>

namespace sb::storage {

/// The operator's local contacts: phone numbers with a label ("Ada Lovelace"), read from
/// `contacts.csv` in the data folder. One entry per line, `number,label`; empty lines and lines
/// whose first non-blank character is `#` are skipped; the label may be double-quoted (then it
/// may hold commas, and `""` stands for one `"`). Numbers are compared normalised: spaces, tabs,
/// dashes, dots and parentheses are dropped, so "+1 (555) 123-0001" and "+15551230001" are the
/// same number. A later line for the same number replaces the earlier one.
///
/// A value type with no thread affinity: load on any thread, copy freely, look up from anywhere
/// (const). It never writes the file.
///
/// Errors (sb::Error::code): `contacts.unreadable` (the file cannot be opened or read),
/// `contacts.malformed` (with Error::line set and the line number in the message).
class Contacts
{
public:
    /// The file's name in the data folder.
    static QString fileName() { return QStringLiteral("contacts.csv"); }

    /// Reads `path`. A missing file is an empty list (contacts are optional), not an error.
    static Result<Contacts> load(const QString& path);
    /// Parses the file's text (UTF-8); `source` names it in error messages.
    static Result<Contacts> parse(const QByteArray& text, const QString& source = QString());
    /// The number with every separator removed ("+1 (555) 123-0001" -> "+15551230001").
    static QString normalize(const QString& number);

    /// The label of `number` (any spelling), or an empty string when it is not a contact.
    QString lookup(const QString& number) const;
    int size() const { return int(m_labels.size()); }
    bool isEmpty() const { return m_labels.isEmpty(); }

private:
    QHash<QString, QString> m_labels; ///< normalised number -> label
};

} // namespace sb::storage
