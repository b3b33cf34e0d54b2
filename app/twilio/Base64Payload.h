// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

/// Base64 (standard alphabet, as Twilio uses) for media payloads, in pieces the Media Streams
/// codec uses to decode straight from frame bytes. The public helpers (decodeBase64Payload(),
/// base64DecodedSize(), encodeBase64Payload()) are declared in MediaMessages.h.
namespace sb::twilio::detail {

/// Size of the decoded data, or -1 (with `reason`) when the length/padding is impossible.
/// `dataLength` receives the number of characters before the padding.
qsizetype checkBase64Shape(QByteArrayView in, qsizetype& dataLength, QString* reason);

/// Decodes the first `dataLength` characters (no padding) into `out`, which has room for the
/// result. False (with `reason`) on a character outside the alphabet.
bool decodeBase64Data(QByteArrayView in, qsizetype dataLength, char* out, QString* reason);

/// Appends standard padded base64 of `raw` to `out`.
void appendBase64(QByteArray& out, QByteArrayView raw);

} // namespace sb::twilio::detail
