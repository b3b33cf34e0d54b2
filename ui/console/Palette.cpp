// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/console/Palette.h"

#include <QGuiApplication>
#include <QPalette>

namespace sb::ui {

bool darkPalette()
{
    return QGuiApplication::palette().color(QPalette::Base).lightnessF() < 0.5;
}

QColor readable(const QColor& designedForLight)
{
    return darkPalette() ? designedForLight.lighter(170) : designedForLight;
}

} // namespace sb::ui
