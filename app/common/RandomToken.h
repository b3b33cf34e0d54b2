// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QRandomGenerator>

namespace sb {

/// 128 bits from the system's cryptographic generator, as 32 lower-case hex characters: per-call
/// stream tokens and the window's in-process signing token.
inline QByteArray randomHexToken()
{
    quint32 words[4];
    QRandomGenerator::system()->fillRange(words);
    return QByteArray(reinterpret_cast<const char*>(words), sizeof(words)).toHex();
}

} // namespace sb
