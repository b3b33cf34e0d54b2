// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "sim/Interpreter.h"
#include "sim/Playout.h"
#include "sim/Report.h"
#include "twilio/MediaMessages.h"

#include <QByteArray>
#include <functional>

class QTimer;
class QWebSocket;

namespace sb::sim {

/// Twilio's end of one Media Stream in the simulator: the WebSocket, its state and its report.
/// Every Twilio → app message goes out through send(), the one place that stamps the stream's SID
/// and the next sequence number.
struct StreamPeer
{
    StreamSpec spec;
    StreamReport report;
    QWebSocket* socket = nullptr;
    QTimer* connectTimer = nullptr;
    bool connected = false;
    bool started = false;
    bool stopped = false;
    bool closedByApp = false;
    bool failed = false;
    bool warnedInvalid = false;
    bool warnedBinary = false;
    qint64 sequence = 0; ///< the last sequenceNumber sent
    qint64 chunks[2] = {0, 0};
    qint64 startCallMs = 0;
    PlayoutQueue playout;
    std::function<void(StreamPeer*)> onOpen;

    bool live() const { return started && !stopped && !closedByApp; }

    /// Sends `message` with `streamSid` set to this stream's SID and, for every event but
    /// `connected` (which has neither), `sequenceNumber` set to the next number. Nothing is sent
    /// before the socket has connected (the number is still used up, as before).
    void send(twilio::TwilioMessage message);

private:
    void sendJson(const QByteArray& json);
};

} // namespace sb::sim
