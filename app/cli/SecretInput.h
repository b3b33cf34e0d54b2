// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QString>

namespace sb::cli {

/// The longest secret accepted on stdin; longer lines are cut here and refused by the caller.
inline constexpr qsizetype kMaxSecretLength = 1024;

/// The one reader of secrets (auth tokens, API key secrets) from standard input, for every
/// command and for the window's --auth-token-stdin.
///
/// Reads one line straight from file descriptor 0 with read(2), a byte at a time, into `out`, a
/// buffer the caller owns and wipes (credentials::wipe / SecretGuard): no stdio or iostream
/// buffer and no QString ever holds a copy, and nothing past the line is consumed, so the next
/// call reads the next line. Strips "\n" or "\r\n". Returns false at end of input before any
/// byte. At most kMaxSecretLength + 1 bytes are kept.
bool readSecretLine(QByteArray& out);

/// On a terminal, writes `prompt` to stderr and reads the line with echo off (restoring the
/// terminal afterwards); otherwise the same as readSecretLine().
bool readSecret(const QString& prompt, QByteArray& out);

/// Whether standard input is a terminal (then secrets are prompted for).
bool stdinIsTerminal();

} // namespace sb::cli
