#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs a command against a private PulseAudio server whose only output is a null sink.
#
#   with-audio.sh [--] COMMAND [ARG...]
#
# Every run gets fresh private folders (mktemp -d): HOME, XDG_RUNTIME_DIR, XDG_CONFIG_HOME,
# XDG_CACHE_HOME, TMPDIR, so neither the daemon nor the program touches the real home. The
# daemon loads only the native protocol and `module-null-sink sink_name=sb_null`, which is made
# the default sink; its name is exported as SB_AUDIO_SINK (record what was played from
# "$SB_AUDIO_SINK.monitor", e.g. with parec). The daemon this run started (by pid) is stopped and
# the folders removed afterwards; the exit status is the command's.
set -eu

[ "${1:-}" = "--" ] && shift
if [ $# -eq 0 ]; then
    echo "usage: with-audio.sh [--] COMMAND [ARG...]" >&2
    exit 2
fi
for tool in pulseaudio pactl parec; do
    command -v "$tool" >/dev/null 2>&1 || {
        echo "with-audio.sh: '$tool' is missing (run packaging/install-deps.sh)" >&2
        exit 1
    }
done

root=$(mktemp -d "${TMPDIR:-/tmp}/sb-audio.XXXXXX")
cleanup() {
    if [ -s "$root/pulse.pid" ]; then
        pid=$(cat "$root/pulse.pid")
        # Only the daemon this run started (checked by pid and name, never by name alone).
        if [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q pulseaudio; then
            kill "$pid" 2>/dev/null || true
            i=0
            while [ -d "/proc/$pid" ] && [ $i -lt 50 ]; do
                i=$((i + 1))
                sleep 0.1 # waits for the daemon to exit, at most 5 s
            done
        fi
    fi
    rm -rf "$root"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
mkdir -p "$root/home" "$root/runtime" "$root/config" "$root/cache" "$root/tmp"
chmod 700 "$root" "$root/runtime"
unset PULSE_SERVER PULSE_SINK PULSE_COOKIE DISPLAY WAYLAND_DISPLAY
export HOME="$root/home" XDG_RUNTIME_DIR="$root/runtime" XDG_CONFIG_HOME="$root/config" \
    XDG_CACHE_HOME="$root/cache" TMPDIR="$root/tmp" SB_AUDIO_SINK=sb_null

# -n skips the default configuration, so only what is loaded here exists (no suspend-on-idle, no
# hardware). PulseAudio warns when run as root and runs anyway.
pulseaudio -n --daemonize=no --exit-idle-time=-1 --disallow-exit --log-target=file:"$root/pulse.log" \
    -L module-native-protocol-unix -L "module-null-sink sink_name=sb_null rate=48000 channels=2" \
    -L module-always-sink </dev/null >/dev/null 2>&1 &
echo $! >"$root/pulse.pid"
i=0
while ! pactl info >/dev/null 2>&1; do
    i=$((i + 1))
    if [ $i -ge 300 ] || ! [ -d "/proc/$(cat "$root/pulse.pid")" ]; then
        echo "with-audio.sh: PulseAudio did not start in 30 s:" >&2
        cat "$root/pulse.log" >&2 2>/dev/null || true
        exit 1
    fi
    sleep 0.1 # polls the daemon's socket, with the 30 s deadline above
done
pactl set-default-sink sb_null
set +e
"$@"
rc=$?
set -e
exit $rc
