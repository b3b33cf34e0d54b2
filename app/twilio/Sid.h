// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QLatin1String>
#include <QString>
#include <QStringView>

/// Twilio SIDs (app/twilio/PROTOCOL.md §0): a two-letter prefix naming the resource (`CA` call, `AC`
/// account, `MZ` stream, `RE` recording, ...) followed by 32 hex digits.
namespace sb::twilio {

/// True when `sid` is `prefix` (two letters, e.g. `CA`) followed by exactly 32 hex digits (§0).
bool isValidSid(QStringView sid, QLatin1String prefix);

/// A new random SID: `prefix` + 32 lower-case hex digits (128 bits from the system's
/// cryptographic generator). The one SID generator for the simulator and the local REST API.
QString randomSid(QLatin1String prefix);

} // namespace sb::twilio
