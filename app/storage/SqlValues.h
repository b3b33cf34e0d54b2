// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "storage/Records.h"

#include <QVariant>

/// Conversions between record fields and SQL column values, shared by the writer and the
/// readers of this module (module-internal; pure functions, any thread).
namespace sb::storage::sqlvalue {

/// Milliseconds since the epoch, or SQL NULL for a null/invalid QDateTime.
QVariant time(const QDateTime& value);
/// A UTC QDateTime from a column written by time(); null for SQL NULL.
QDateTime toTime(const QVariant& value);
/// The same instant as UTC with millisecond precision (what a round trip through SQL gives).
QDateTime normalized(const QDateTime& value);

/// `value < 0` (for "unknown" fields) as SQL NULL.
QVariant optionalInt(qint64 value);
qint64 toOptionalInt(const QVariant& value, qint64 unknown = -1);

QString json(const QJsonObject& object);
QJsonObject toJsonObject(const QVariant& value);
QString json(const QStringList& list);
QStringList toStringList(const QVariant& value);

/// `[["Name","value"],...]`, bytes decoded as Latin-1.
QString json(const HeaderList& headers);
HeaderList toHeaders(const QVariant& value);

/// A TEXT column that is never NULL (Qt binds a null QString as SQL NULL).
QVariant text(const QString& value);
/// A BLOB column that is never NULL (an empty QByteArray would bind as NULL).
QVariant blob(const QByteArray& bytes);

} // namespace sb::storage::sqlvalue
