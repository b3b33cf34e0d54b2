// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QColor>

namespace sb::ui {

/// Whether the application's palette (the system's light or dark one) draws text on a dark base.
bool darkPalette();

/// A status colour (state, HTTP status, timeline source) made readable on the current palette:
/// as designed on a light base, lightened on a dark one. GUI thread; read at paint time, so a
/// palette change applies at the next repaint.
QColor readable(const QColor& designedForLight);

} // namespace sb::ui
