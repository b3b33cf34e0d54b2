// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <cstring>

namespace sb::credentials {

/// Overwrites the bytes of `secret` with zeros in place, including when the buffer is shared with
/// other QByteArray copies (e.g. the copy QtKeychain keeps inside a job): those copies are wiped
/// too, which is the point. Then empties `secret`. Safe to call from any thread on a buffer that
/// thread owns.
inline void wipe(QByteArray& secret)
{
    if (!secret.isEmpty()) {
        // The buffer is heap memory owned by QByteArray, never a literal (fromRawData is not
        // used for secrets), so writing through constData() is well defined.
        volatile char* bytes = const_cast<char*>(secret.constData());
        for (qsizetype i = 0; i < secret.size(); ++i)
            bytes[i] = '\0';
    }
    secret.clear();
}

/// Wipes a QByteArray when it goes out of scope (RAII for local secret buffers).
class SecretGuard
{
public:
    explicit SecretGuard(QByteArray& secret)
        : m_secret(secret)
    {
    }
    ~SecretGuard() { wipe(m_secret); }
    SecretGuard(const SecretGuard&) = delete;
    SecretGuard& operator=(const SecretGuard&) = delete;

private:
    QByteArray& m_secret;
};

} // namespace sb::credentials
