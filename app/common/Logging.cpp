// SPDX-License-Identifier: GPL-3.0-or-later
#include "common/Logging.h"

namespace sb::log {
Q_LOGGING_CATEGORY(app, "sb.app")
Q_LOGGING_CATEGORY(twilio, "sb.twilio")
Q_LOGGING_CATEGORY(cli, "sb.cli")
Q_LOGGING_CATEGORY(ui, "sb.ui")
} // namespace sb::log
