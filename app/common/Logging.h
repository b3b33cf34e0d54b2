// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QLoggingCategory>

namespace sb::log {
Q_DECLARE_LOGGING_CATEGORY(app)
} // namespace sb::log
