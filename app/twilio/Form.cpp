// SPDX-License-Identifier: GPL-3.0-or-later
#include "twilio/Form.h"

namespace sb::twilio {
namespace {

QString decodeComponent(QByteArray part)
{
    part.replace('+', ' ');
    return QString::fromUtf8(QByteArray::fromPercentEncoding(part));
}

QByteArray encodeComponent(const QString& text)
{
    QByteArray out = text.toUtf8().toPercentEncoding(QByteArrayLiteral(" *"), QByteArrayLiteral("~"));
    out.replace(' ', '+');
    return out;
}

} // namespace

FormParams parseFormBody(const QByteArray& body)
{
    FormParams params;
    for (const QByteArray& segment : body.split('&')) {
        if (segment.isEmpty())
            continue;
        const qsizetype eq = segment.indexOf('=');
        if (eq < 0)
            params.append({decodeComponent(segment), QString()});
        else
            params.append({decodeComponent(segment.left(eq)), decodeComponent(segment.mid(eq + 1))});
    }
    return params;
}

QByteArray encodeFormBody(const FormParams& params)
{
    QByteArray out;
    for (const auto& [name, value] : params) {
        if (!out.isEmpty())
            out += '&';
        out += encodeComponent(name);
        out += '=';
        out += encodeComponent(value);
    }
    return out;
}

QString formValue(const FormParams& params, QStringView name)
{
    for (const auto& [key, value] : params) {
        if (key == name)
            return value.isNull() ? QString(QLatin1String("")) : value;
    }
    return QString();
}

QStringList formValues(const FormParams& params, QStringView name)
{
    QStringList values;
    for (const auto& [key, value] : params) {
        if (key == name)
            values << value;
    }
    return values;
}

} // namespace sb::twilio
