// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QLoggingCategory>

namespace sb::log {
Q_DECLARE_LOGGING_CATEGORY(app)
Q_DECLARE_LOGGING_CATEGORY(twilio)
Q_DECLARE_LOGGING_CATEGORY(cli)
Q_DECLARE_LOGGING_CATEGORY(ui)
} // namespace sb::log
