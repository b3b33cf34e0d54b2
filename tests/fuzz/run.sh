#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs every libFuzzer target (or the ones named) for SECONDS each, one after the other, on a
# copy of its seed corpus. Builds build-fuzz first (configured if needed). Exits non-zero when a
# target crashes, leaks, times out or breaks an invariant; the input that did it is saved under
# build-fuzz/crashes/. See tests/fuzz/README.md.
#   bash tests/fuzz/run.sh [SECONDS] [TARGET...]      (default 60 s, all targets)
# SB_BUILD_LOCK=FILE serialises the build with other processes (as packaging/dev.sh does).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
seconds=${1:-60}
shift || true
all=(fuzz_media_messages fuzz_webhook_form fuzz_http_head fuzz_twiml fuzz_wav fuzz_restapi_seed)
if [ $# -gt 0 ]; then targets=("$@"); else targets=("${all[@]}"); fi

build=build-fuzz
# libFuzzer comes with clang's runtime libraries: Debian 12's clang and libclang-rt-14-dev.
if ! command -v clang++ >/dev/null 2>&1 ||
   ! echo 'extern "C" int LLVMFuzzerTestOneInput(const char*, unsigned long) { return 0; }' |
     clang++ -x c++ -fsanitize=fuzzer,address,undefined -o /dev/null - >/dev/null 2>&1; then
  echo "fuzz: clang++ cannot link -fsanitize=fuzzer here: install the Debian packages clang and libclang-rt-14-dev" >&2
  exit 1
fi
lock=()
[ -n "${SB_BUILD_LOCK:-}" ] && lock=(flock "$SB_BUILD_LOCK")
export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=1
if [ ! -f "$build/build.ninja" ]; then
  "${lock[@]}" cmake -S . -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DSB_FUZZ=ON -DSB_BUILD_GUI=OFF -DSB_BUILD_TESTS=OFF -DSB_BUILD_BENCH=OFF -DSB_WERROR=ON >/dev/null
fi
"${lock[@]}" cmake --build "$build" -j "$(nproc 2>/dev/null || echo 2)" --target "${targets[@]}"

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"
mkdir -p "$build/crashes"
failed=()
for target in "${targets[@]}"; do
  name=${target#fuzz_}
  work="$build/fuzz-work/$name"
  rm -rf "$work"
  mkdir -p "$work/corpus"
  cp -r "tests/fuzz/corpus/$name/." "$work/corpus/"
  log="$work/fuzz.log"
  echo "== fuzz: $target for ${seconds}s (log: $log)"
  # -timeout: one input taking longer is a hang; -rss_limit_mb: a blow-up is a failure too.
  if "$build/tests/fuzz/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$build/crashes/$name-" "$work/corpus" >"$log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    echo "   ok: ${runs:-?} inputs run, $(find "$work/corpus" -type f | wc -l) in the corpus"
  else
    echo "   FAILED: $target (last lines of $log below)" >&2
    tail -40 "$log" >&2
    failed+=("$target")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: failed: ${failed[*]}; inputs in $build/crashes/ (reproduce: $build/tests/fuzz/TARGET FILE)" >&2
  exit 1
fi
echo "fuzz: all ${#targets[@]} targets ran ${seconds}s without a finding"
