// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The real core for tests that drive the window or the composition root (header-only: the test
// links sb_bootstrap, through sb_ui or directly).
#include "HeadlessApp.h"
#include "TestSupport.h"
#include "bootstrap/Core.h"

#include <memory>

namespace sb::test {

/// A started core: data in `dataDir`, any free loopback port, `token` as its auth token. Null,
/// with a warning that says why, when it does not start.
inline std::unique_ptr<bootstrap::Core> startCore(const QString& dataDir, const QByteArray& token)
{
    bootstrap::CoreOptions options;
    options.dataDir = dataDir;
    options.port = 0;
    options.authToken = [token] { return token; };
    auto core = std::make_unique<bootstrap::Core>(options);
    const auto started = core->start();
    if (!started.ok()) {
        qWarning("core did not start: %s", qPrintable(started.error().message));
        return nullptr;
    }
    return core;
}

/// Twilio's voice webhook for a new inbound call `callSid` (ringing), signed with `token`, to the
/// listener on `port`: the HTTP status (0: no answer).
inline int postVoice(quint16 port, const QString& callSid, const QByteArray& token)
{
    return postSigned(QStringLiteral("http://127.0.0.1:%1/voice").arg(port),
                      callParams(callSid, QStringLiteral("ringing")),
                      token)
        .status;
}

} // namespace sb::test
