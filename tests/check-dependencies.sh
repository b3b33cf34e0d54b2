#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Enforces app/DEPENDENCIES.md: every `#include "module/..."` in app/<module>/ and ui/, and every
# sb_<module> in their CMakeLists.txt, must be allowed by the module's row. Exit 1 with one line
# per violation; 0 when the tree follows the table.
#   usage: tests/check-dependencies.sh [ROOT]   (default: this repository)
set -euo pipefail
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
table="$root/app/DEPENDENCIES.md"
[ -f "$table" ] || { echo "check-dependencies: no table at $table" >&2; exit 1; }

declare -A allowed
modules=()
while IFS='|' read -r _ name uses _; do
  name=$(echo "$name" | tr -d ' `')
  [[ "$name" =~ ^[a-z]+$ ]] && [ "$name" != module ] || continue
  modules+=("$name")
  allowed[$name]=" $name $(echo "$uses" | tr ',`' '  ') "
done < <(grep -E '^\|' "$table")
[ ${#modules[@]} -gt 0 ] || { echo "check-dependencies: no rows in $table" >&2; exit 1; }
is_module() { [[ " ${modules[*]} " == *" $1 "* ]]; }

violations=0
report() { echo "check-dependencies: $*" >&2; violations=$((violations + 1)); }

dirs=()
for d in "$root"/app/*/; do dirs+=("app/$(basename "$d")"); done
[ -d "$root/ui" ] && dirs+=(ui)
for dir in "${dirs[@]}"; do
  module=$(basename "$dir")
  if ! is_module "$module"; then
    report "$dir is not in app/DEPENDENCIES.md: add its row"
    continue
  fi
  # Includes of another module's headers.
  while IFS=: read -r file line used; do
    is_module "$used" || continue
    [[ "${allowed[$module]}" == *" $used "* ]] ||
      report "${file#"$root"/}:$line: $module may not include $used/ (app/DEPENDENCIES.md)"
  done < <(grep -rnoE '^[[:space:]]*#[[:space:]]*include[[:space:]]+"[a-z]+/' "$root/$dir" \
             --include='*.h' --include='*.cpp' | sed -E 's/:[[:space:]]*#[[:space:]]*include[[:space:]]+"([a-z]+)\/$/:\1/')
  # Links to another module's library.
  cmake="$root/$dir/CMakeLists.txt"
  [ -f "$cmake" ] || continue
  while IFS=: read -r line target; do
    used=${target#sb_}
    is_module "$used" || continue
    [[ "${allowed[$module]}" == *" $used "* ]] ||
      report "${cmake#"$root"/}:$line: $module may not link $target (app/DEPENDENCIES.md)"
  done < <(grep -noE '\bsb_[a-z]+\b' "$cmake")
done
if [ $violations -gt 0 ]; then
  echo "check-dependencies: $violations violation(s)" >&2
  exit 1
fi
echo "check-dependencies: ${#modules[@]} modules follow app/DEPENDENCIES.md"
