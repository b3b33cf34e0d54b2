// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/SecretInput.h"

#include <cerrno>
#include <cstdio>
#include <termios.h>
#include <unistd.h>

namespace sb::cli {

bool readSecretLine(QByteArray& out)
{
    out.clear();
    out.reserve(kMaxSecretLength + 2);
    bool any = false;
    char c = 0;
    for (;;) {
        const ssize_t n = ::read(STDIN_FILENO, &c, 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        any = true;
        if (c == '\n')
            break;
        if (out.size() <= kMaxSecretLength)
            out.append(c);
    }
    c = 0;
    if (out.endsWith('\r'))
        out.chop(1);
    return any;
}

bool stdinIsTerminal()
{
    return ::isatty(STDIN_FILENO) == 1;
}

bool readSecret(const QString& prompt, QByteArray& out)
{
    termios saved{};
    const bool terminal = stdinIsTerminal() && ::tcgetattr(STDIN_FILENO, &saved) == 0;
    if (!terminal)
        return readSecretLine(out);
    std::fputs(prompt.toLocal8Bit().constData(), stderr);
    std::fflush(stderr);
    termios quiet = saved;
    quiet.c_lflag &= ~tcflag_t(ECHO);
    quiet.c_lflag |= ECHONL;
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    const bool ok = readSecretLine(out);
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    return ok;
}

} // namespace sb::cli
