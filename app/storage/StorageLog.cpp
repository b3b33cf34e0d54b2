// SPDX-License-Identifier: GPL-3.0-or-later
#include "storage/StorageLog.h"

namespace sb::storage {
Q_LOGGING_CATEGORY(lcStorage, "sb.storage")
} // namespace sb::storage
