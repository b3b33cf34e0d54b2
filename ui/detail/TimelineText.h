// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "storage/Records.h"

#include <QColor>
#include <QString>

namespace sb::ui {

/// Where a timeline entry comes from, for the Source column and the filter row.
enum class TimelineSource { Webhook, Stream, Status, Transcript, Recording, Operator, App };
inline constexpr int kTimelineSourceCount = 7;

/// Words for the call detail: what each stored event and webhook log entry means, in one line,
/// and which source it belongs to. Event kinds the app does not know yet are still described
/// (their kind and compact JSON detail), so nothing stored is ever hidden.
///
/// Pure functions on plain values; any thread (the pane calls them on the GUI thread).
namespace timeline {

TimelineSource sourceOf(const storage::CallEvent& event);
QString sourceName(TimelineSource source);
QColor sourceColor(TimelineSource source);

/// "POST /voice → 200, signature valid, flow 'demo'"; a refused request says why (its note).
/// `flow`: the call's flow, named on /voice requests; empty: not named.
QString describeWebhook(const storage::WebhookLogEntry& entry, const QString& flow = QString());
/// "Stream MZ… started: inbound+outbound", "DTMF 5", "Status completed (#3, 12 s)", ...
/// `stream`: what storage knows of the event's stream (encoding, rate), or null.
QString describeEvent(const storage::CallEvent& event, const storage::StreamRecord* stream = nullptr);

/// "8 kHz μ-law" for audio/x-mulaw at 8000 Hz; the raw encoding otherwise; empty: unknown.
QString describeFormat(const storage::StreamRecord& stream);
/// A SID short enough for one line: "MZ1a2b3c4d…".
QString shortSid(const QString& sid);
/// Wall-clock time "HH:mm:ss.zzz" (local) and, when `origin` is valid, "+s.mmm" since then.
QString timeText(const QDateTime& at, const QDateTime& origin);
/// "1 min 05 s", "12 s"; empty for a negative value.
QString durationText(qint64 seconds);
/// The text colour of a call state (ringing, in-progress, streaming, completed, failed).
QColor stateColor(const QString& state);

} // namespace timeline
} // namespace sb::ui
