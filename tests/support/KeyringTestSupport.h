// SPDX-License-Identifier: GPL-3.0-or-later
// Helpers shared by the keychain tests (run inside tests/support/with-keyring.sh).
#pragma once

#include <QByteArray>
#include <QDirIterator>
#include <QFile>
#include <QList>
#include <QString>
#include <QStringList>

namespace sbtest {

/// The forms a leaked secret could take in a file.
QList<QByteArray> secretForms(const QByteArray& secret);

/// Every regular file under `roots` that contains one of the forms of `secret` (symlinks not
/// followed). Unreadable files are reported too, so nothing is skipped silently.
QStringList filesContaining(const QStringList& roots, const QByteArray& secret, int* scanned = nullptr);

/// The error message of a failed Result, empty when it succeeded (QVERIFY2 evaluates its
/// message even when the check passes).
template <typename R> QString why(const R& result)
{
    return result.ok() ? QString() : result.error().message;
}

/// Suites that run once unlocked and once under `with-keyring.sh --locked` name their locked-only
/// functions `locked...`: the reason to skip the current function in this run, or null to run it.
const char* keyringModeMismatch(bool lockedRun);

/// The private folder with-keyring.sh made for this run.
QString keyringRoot();

} // namespace sbtest
