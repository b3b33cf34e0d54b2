#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Source checks that need no build: clang-format, the core/GUI layering rule, and the module
# dependency table (app/DEPENDENCIES.md).
set -euo pipefail
cd "$(dirname "$0")/.."

fail=0
mapfile -t files < <(git ls-files '*.cpp' '*.h' 2>/dev/null || find app ui tests bench -name '*.cpp' -o -name '*.h')
if ! clang-format --dry-run -Werror "${files[@]}" 2>/tmp/sb-format.log; then
  echo "checks: these files are not clang-formatted (run clang-format -i):" >&2
  grep -o '^[^:]*:' /tmp/sb-format.log | sort -u >&2
  fail=1
fi
# app/ is the non-GUI core: no widget headers, no Widgets linking.
if grep -rnE '#include <(QtWidgets/)?(QWidget|QApplication|QMainWindow|QDialog|QLabel|QtWidgets)>' app/; then
  echo "checks: app/ must not include Qt Widgets headers" >&2
  fail=1
fi
if grep -rn 'Qt6::Widgets' app/; then
  echo "checks: app/ must not link Qt6::Widgets" >&2
  fail=1
fi
bash tests/check-dependencies.sh || fail=1
[ $fail -eq 0 ] && echo "checks: formatting and layering OK"
exit $fail
