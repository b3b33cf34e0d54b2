// SPDX-License-Identifier: GPL-3.0-or-later
#include "KeyringTestSupport.h"

#include <QTest>

namespace sbtest {

QList<QByteArray> secretForms(const QByteArray& secret)
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

QStringList filesContaining(const QStringList& roots, const QByteArray& secret, int* scanned)
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

const char* keyringModeMismatch(bool lockedRun)
{
    const bool lockedTest = QByteArray(QTest::currentTestFunction()).startsWith("locked");
    if (lockedRun && !lockedTest)
        return "needs an unlocked keyring";
    if (!lockedRun && lockedTest)
        return "needs a locked keyring (with-keyring.sh --locked)";
    return nullptr;
}

QString keyringRoot()
{
    return qEnvironmentVariable("SB_KEYRING_ROOT");
}

} // namespace sbtest
