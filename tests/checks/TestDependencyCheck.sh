#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The dependency check passes on this tree and fails on each kind of planted wrong-way use:
# an include against the table, a link against the table, the core including the window, and a
# module without a row. Each plant goes into a copy of app/ and ui/, never the tree itself.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
check="$root/tests/check-dependencies.sh"
passed=0
failed=0
ok() { echo "PASS: $1"; passed=$((passed + 1)); }
ko() { echo "FAIL: $1"; failed=$((failed + 1)); }

if out=$(bash "$check" "$root" 2>&1); then ok "the tree follows the table"; else ko "the tree: $out"; fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fresh() {
  rm -rf "$work/t"
  mkdir -p "$work/t"
  cp -r "$root/app" "$root/ui" "$work/t/"
}
expect_violation() { # name, pattern the report must contain
  local out
  if out=$(bash "$check" "$work/t" 2>&1); then
    ko "$1: the check passed"
  elif grep -q -- "$2" <<<"$out"; then
    ok "$1"
  else
    ko "$1: expected '$2' in: $out"
  fi
}

fresh
sed -i '0,/^#include/s//#include "server\/Listener.h"\n#include/' "$work/t/app/calls/CallRegistry.cpp"
expect_violation "calls includes server" "app/calls/CallRegistry.cpp:[0-9]*: calls may not include server/"

fresh
sed -i 's/target_link_libraries(sb_calls PUBLIC/target_link_libraries(sb_calls PUBLIC sb_server/' "$work/t/app/calls/CMakeLists.txt"
expect_violation "calls links server" "calls may not link sb_server"

fresh
printf '#include "ui/MainWindow.h"\n' >>"$work/t/app/storage/Storage.cpp"
expect_violation "the core includes the window" "storage may not include ui/"

fresh
printf '#include "sim/CallDriver.h"\n' >>"$work/t/ui/MainWindow.cpp"
expect_violation "the window reaches the simulator" "ui may not include sim/"

fresh
mkdir -p "$work/t/app/extras" && printf '// x\n' >"$work/t/app/extras/Extra.cpp"
expect_violation "a module without a row" "app/extras is not in app/DEPENDENCIES.md"

echo "dependency check: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
