// SPDX-License-Identifier: GPL-3.0-or-later
#include "webhook/Webhook.h"

namespace sb::webhook {

QString routeName(Route route)
{
    switch (route) {
    case Route::Voice:
        return QStringLiteral("voice");
    case Route::Status:
        return QStringLiteral("status");
    case Route::Recording:
        return QStringLiteral("recording");
    case Route::ProcessVoice:
        return QStringLiteral("process-voice");
    case Route::Transcription:
        return QStringLiteral("transcription");
    case Route::StreamStatus:
        return QStringLiteral("stream-status");
    case Route::Health:
        return QStringLiteral("health");
    }
    return QString();
}

} // namespace sb::webhook
