// SPDX-License-Identifier: GPL-3.0-or-later
#include "sim/StreamPeer.h"

#include <QWebSocket>
#include <type_traits>
#include <variant>

namespace sb::sim {

void StreamPeer::send(twilio::TwilioMessage message)
{
    std::visit(
        [this](auto& m) {
            if constexpr (!std::is_same_v<std::decay_t<decltype(m)>, twilio::ConnectedMessage>) {
                m.sequenceNumber = ++sequence;
                m.streamSid = report.streamSid;
            }
        },
        message);
    sendJson(twilio::toJson(message));
}

void StreamPeer::sendJson(const QByteArray& json)
{
    if (socket && connected)
        socket->sendTextMessage(QString::fromUtf8(json));
}

} // namespace sb::sim
