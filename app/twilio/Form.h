// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

namespace sb::twilio {

/// Decoded `application/x-www-form-urlencoded` parameters in wire order. Names may repeat
/// (e.g. `StatusCallbackEvent`), which is why this is a list and not a map.
using FormParams = QList<QPair<QString, QString>>;

/// Decodes a form body: `+` means space, `%XX` is percent-decoded as UTF-8. Pairs without `=`
/// get an empty value; empty segments (`a=1&&b=2`) are skipped.
FormParams parseFormBody(const QByteArray& body);

/// Encodes parameters as a form body, in the given order. Spaces become `+`; every byte outside
/// `A-Z a-z 0-9 * - . _` is percent-encoded (the same set browsers and Twilio use).
QByteArray encodeFormBody(const FormParams& params);

/// The first value of `name`, or a null QString when absent.
QString formValue(const FormParams& params, QStringView name);

/// Every value of `name`, in wire order.
QStringList formValues(const FormParams& params, QStringView name);

} // namespace sb::twilio
