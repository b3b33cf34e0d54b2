// SPDX-License-Identifier: GPL-3.0-or-later
#include "common/Logging.h"

namespace sb::log {
Q_LOGGING_CATEGORY(app, "sb.app")
} // namespace sb::log
