// SPDX-License-Identifier: GPL-3.0-or-later
#include "storage/SqlValues.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace sb::storage::sqlvalue {

QVariant time(const QDateTime& value)
{
    if (!value.isValid())
        return QVariant(QMetaType::fromType<qint64>());
    return QVariant::fromValue<qint64>(value.toMSecsSinceEpoch());
}

QDateTime toTime(const QVariant& value)
{
    if (value.isNull())
        return {};
    return QDateTime::fromMSecsSinceEpoch(value.toLongLong(), Qt::UTC);
}

QDateTime normalized(const QDateTime& value)
{
    if (!value.isValid())
        return {};
    return QDateTime::fromMSecsSinceEpoch(value.toMSecsSinceEpoch(), Qt::UTC);
}

QVariant optionalInt(qint64 value)
{
    if (value < 0)
        return QVariant(QMetaType::fromType<qint64>());
    return QVariant::fromValue<qint64>(value);
}

qint64 toOptionalInt(const QVariant& value, qint64 unknown)
{
    return value.isNull() ? unknown : value.toLongLong();
}

QString json(const QJsonObject& object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

QJsonObject toJsonObject(const QVariant& value)
{
    return QJsonDocument::fromJson(value.toString().toUtf8()).object();
}

QString json(const QStringList& list)
{
    return QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(list)).toJson(QJsonDocument::Compact));
}

QStringList toStringList(const QVariant& value)
{
    QStringList out;
    const QJsonArray array = QJsonDocument::fromJson(value.toString().toUtf8()).array();
    for (const QJsonValue& item : array)
        out.append(item.toString());
    return out;
}

QString json(const HeaderList& headers)
{
    QJsonArray array;
    for (const auto& [name, value] : headers)
        array.append(QJsonArray{QString::fromLatin1(name), QString::fromLatin1(value)});
    return QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Compact));
}

HeaderList toHeaders(const QVariant& value)
{
    HeaderList out;
    const QJsonArray array = QJsonDocument::fromJson(value.toString().toUtf8()).array();
    out.reserve(array.size());
    for (const QJsonValue& item : array) {
        const QJsonArray pair = item.toArray();
        out.append({pair.at(0).toString().toLatin1(), pair.at(1).toString().toLatin1()});
    }
    return out;
}

QVariant text(const QString& value)
{
    if (value.isNull())
        return QVariant(QStringLiteral(""));
    return QVariant(value);
}

QVariant blob(const QByteArray& bytes)
{
    if (bytes.isNull())
        return QVariant(QByteArray(""));
    return QVariant(bytes);
}

} // namespace sb::storage::sqlvalue
