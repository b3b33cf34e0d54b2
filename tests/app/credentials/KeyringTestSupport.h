// SPDX-License-Identifier: GPL-3.0-or-later
// Helpers shared by the keychain tests (run inside tests/support/with-keyring.sh).
#pragma once

#include <QDirIterator>
#include <QFile>
#include <QStringList>

namespace sbtest {

/// The forms a leaked secret could take in a file.
inline QList<QByteArray> secretForms(const QByteArray& secret)
{
    QList<QByteArray> forms{secret, secret.toBase64(), secret.toHex(), secret.toPercentEncoding()};
    QByteArray utf16;
    for (const char c : secret) {
        utf16.append(c);
        utf16.append('\0');
    }
    forms << utf16;
    return forms;
}

/// Every regular file under `roots` that contains one of the forms of `secret` (symlinks not
/// followed). Unreadable files are reported too, so nothing is skipped silently.
inline QStringList filesContaining(const QStringList& roots, const QByteArray& secret, int* scanned = nullptr)
{
    QStringList hits;
    const QList<QByteArray> forms = secretForms(secret);
    for (const QString& root : roots) {
        QDirIterator it(root, QDir::Files | QDir::Hidden | QDir::NoSymLinks, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = it.next();
            QFile f(path);
            if (!f.open(QIODevice::ReadOnly)) {
                hits << path + QStringLiteral(" (unreadable)");
                continue;
            }
            const QByteArray bytes = f.readAll();
            if (scanned)
                ++*scanned;
            for (const QByteArray& form : forms) {
                if (bytes.contains(form)) {
                    hits << path;
                    break;
                }
            }
        }
    }
    return hits;
}

/// The error message of a failed Result, empty when it succeeded (QVERIFY2 evaluates its
/// message even when the check passes).
template <typename R> QString why(const R& result)
{
    return result.ok() ? QString() : result.error().message;
}

inline QString keyringRoot()
{
    return qEnvironmentVariable("SB_KEYRING_ROOT");
}

} // namespace sbtest
