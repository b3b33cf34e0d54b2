// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QLoggingCategory>

namespace sb::storage {
/// Logging category "sb.storage" (module-internal).
Q_DECLARE_LOGGING_CATEGORY(lcStorage)
} // namespace sb::storage
