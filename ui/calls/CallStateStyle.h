// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ui/calls/CallWallModel.h"

#include <QBrush>
#include <QIcon>
#include <QString>

/// How the call wall classifies a call (CallWallModel::stateKindOf, categoryOf and
/// formatDuration are defined here) and shows its state and its stream's health: words, colour and a small
/// drawn icon per state (no image files, so every platform and theme gets the same shapes).
/// Pure functions; GUI thread only (icons are pixmaps, cached on first use).
namespace sb::ui {

/// "ringing", "in progress", "streaming", "completed", "failed", "busy" / "no answer" /
/// "canceled" (from Twilio's status), "ended (unknown)".
QString stateText(CallWallModel::StateKind kind, const QString& twilioStatus);
QBrush stateColor(CallWallModel::StateKind kind);
QIcon stateIcon(CallWallModel::StateKind kind);
/// "none", "live", "gaps (N)", "stopped" (", N gaps"), "interrupted", "failed".
QString streamText(CallWallModel::StreamHealth health, int gaps);
QBrush streamColor(CallWallModel::StreamHealth health);

} // namespace sb::ui
