#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The two Quick start commands (see README):
#   bash packaging/dev.sh run    install what is missing, build, start the app
#   bash packaging/dev.sh test   install what is missing, build, run the whole test suite
#                                (normal build, widget-free build, AddressSanitizer + UBSan,
#                                ThreadSanitizer on the concurrency tests, then 10 s of each
#                                libFuzzer target, tests/fuzz/README.md)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
jobs=$(nproc 2>/dev/null || echo 2)
# ccache (installed by install-deps.sh) keys on paths relative to the checkout, so a fresh clone in
# another folder, and the second and third builds of the same sources, hit the cache.
export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=1

configure_and_build() { # dir, extra cmake args...
  configure_and_build_target "$1" all "${@:2}"
}
configure_and_build_target() { # dir, target, extra cmake args...
  local dir=$1 target=$2; shift 2
  # SB_BUILD_LOCK=FILE serialises builds with other processes sharing the tree (optional).
  local lock=()
  [ -n "${SB_BUILD_LOCK:-}" ] && lock=(flock "$SB_BUILD_LOCK")
  "${lock[@]}" cmake -S . -B "$dir" -G Ninja -DSB_WERROR=ON "$@" >/dev/null
  "${lock[@]}" cmake --build "$dir" -j "$jobs" --target "$target"
}

cmd=${1:-}
case "$cmd" in
  run)
    bash packaging/install-deps.sh
    configure_and_build build -DCMAKE_BUILD_TYPE=RelWithDebInfo
    shift
    if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
      echo "dev.sh: no display found (DISPLAY/WAYLAND_DISPLAY unset): starting offscreen; stop with Ctrl-C." >&2
      export QT_QPA_PLATFORM=offscreen
    fi
    exec build/ui/switchboard "$@"
    ;;
  test)
    bash packaging/install-deps.sh
    echo "== oracle: npm packages (twilio helper library)"
    npm ci --prefix tests/oracle --no-audit --no-fund --loglevel=error
    echo "== checks: formatting and layering"
    bash tests/checks.sh
    echo "== build + test: normal"
    configure_and_build build -DCMAKE_BUILD_TYPE=RelWithDebInfo
    (cd build && ctest --output-on-failure -j "$jobs") | tee build/ctest-summary.log
    echo "== build + test: widget-free (SB_BUILD_GUI=OFF: --headless, subcommands, no Qt Widgets)"
    configure_and_build build-nogui -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSB_BUILD_GUI=OFF -DSB_BUILD_BENCH=OFF
    (cd build-nogui && ctest --output-on-failure -j "$jobs") | tee build-nogui/ctest-summary.log
    echo "== build + test: AddressSanitizer + UndefinedBehaviorSanitizer"
    configure_and_build build-asan -DCMAKE_BUILD_TYPE=Debug -DSB_SANITIZE=ON -DSB_BUILD_BENCH=OFF
    export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1"
    export LSAN_OPTIONS="suppressions=$root/tests/lsan.supp:print_suppressions=0"
    export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
    (cd build-asan && ctest --output-on-failure -j "$jobs") | tee build-asan/ctest-summary.log
    echo "== build + test: ThreadSanitizer (the tests labelled concurrency; tests/tsan.supp says what is suppressed)"
    configure_and_build_target build-tsan sb_concurrency_tests -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSB_TSAN=ON -DSB_BUILD_BENCH=OFF
    (cd build-tsan && TSAN_OPTIONS="suppressions=$root/tests/tsan.supp:die_after_fork=0:second_deadlock_stack=1" \
      ctest -L concurrency --output-on-failure -j "$jobs") | tee build-tsan/ctest-summary.log
    echo "== fuzz: every libFuzzer target briefly (clang; a crashing input is saved in build-fuzz/crashes/)"
    bash tests/fuzz/run.sh 10
    total=0
    for log in build/ctest-summary.log build-nogui/ctest-summary.log build-asan/ctest-summary.log build-tsan/ctest-summary.log; do
      n=$(sed -n 's/.*tests passed, 0 tests failed out of \([0-9]*\).*/\1/p' "$log" | tail -1)
      total=$((total + ${n:-0}))
    done
    echo "== all tests passed (normal, widget-free, ASan/UBSan and TSan builds; fuzz targets clean)"
    echo "switchboard: $total passed, 0 failed"
    ;;
  *)
    echo "usage: bash packaging/dev.sh run|test" >&2
    exit 2
    ;;
esac
