#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs a command against a real, private gnome-keyring on a private D-Bus session bus.
#
#   with-keyring.sh [--locked | --no-daemon] [--] COMMAND [ARG...]
#
#   (default)    gnome-keyring-daemon (secrets component) started and unlocked with a random
#                password; the "login" collection is the default collection.
#   --locked     as above, then the login collection is locked again over D-Bus (no prompt can
#                appear: DISPLAY and WAYLAND_DISPLAY are unset, so the prompter fails at once).
#   --no-daemon  a session bus but no Secret Service on it.
#
# Every run gets fresh private folders (mktemp -d): HOME, XDG_RUNTIME_DIR, XDG_DATA_HOME,
# XDG_CONFIG_HOME, XDG_CACHE_HOME, TMPDIR. Their root is exported as SB_KEYRING_ROOT so a test can
# search everything the program wrote. The password never reaches argv or the environment of the
# command (it goes to gnome-keyring-daemon on a pipe). Everything is removed afterwards; the exit
# status is the command's.
set -eu

mode=unlocked
case "${1:-}" in
--locked) mode=locked; shift ;;
--no-daemon) mode=none; shift ;;
esac
[ "${1:-}" = "--" ] && shift
if [ $# -eq 0 ]; then
    echo "usage: with-keyring.sh [--locked | --no-daemon] [--] COMMAND [ARG...]" >&2
    exit 2
fi

if [ -z "${SB_WITH_KEYRING_INNER:-}" ]; then
    # Outer half: private folders, then re-run this script inside a private session bus.
    for tool in dbus-run-session gnome-keyring-daemon dbus-send; do
        command -v "$tool" >/dev/null 2>&1 || {
            echo "with-keyring.sh: '$tool' is missing (run packaging/install-deps.sh)" >&2
            exit 1
        }
    done
    root=$(mktemp -d "${TMPDIR:-/tmp}/sb-keyring.XXXXXX")
    cleanup() {
        if [ -s "$root/keyring.pid" ]; then
            pid=$(cat "$root/keyring.pid")
            # Only the daemon this run started (checked by pid and name, never by name alone).
            if [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q gnome-keyring-daemon; then
                kill "$pid" 2>/dev/null || true
            fi
        fi
        rm -rf "$root"
    }
    trap cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    mkdir -p "$root/home" "$root/runtime" "$root/data" "$root/config" "$root/cache" "$root/tmp"
    chmod 700 "$root" "$root/runtime"
    unset DISPLAY WAYLAND_DISPLAY DBUS_SESSION_BUS_ADDRESS GNOME_KEYRING_CONTROL SSH_AUTH_SOCK
    export HOME="$root/home" XDG_RUNTIME_DIR="$root/runtime" XDG_DATA_HOME="$root/data" \
        XDG_CONFIG_HOME="$root/config" XDG_CACHE_HOME="$root/cache" TMPDIR="$root/tmp" \
        SB_KEYRING_ROOT="$root"
    set +e
    SB_WITH_KEYRING_INNER=$mode dbus-run-session -- "$0" "$@"
    rc=$?
    set -e
    exit $rc
fi

# Inner half: runs on the private session bus.
mode=$SB_WITH_KEYRING_INNER
unset SB_WITH_KEYRING_INNER
if [ "$mode" != none ]; then
    pw=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')
    eval "$(printf %s "$pw" | gnome-keyring-daemon --unlock --components=secrets)"
    pw=
    # The daemon forks into the background: ask the bus which process owns the service.
    i=0
    while ! dbus-send --session --print-reply --dest=org.freedesktop.DBus / \
        org.freedesktop.DBus.GetConnectionUnixProcessID string:org.freedesktop.secrets \
        >"$SB_KEYRING_ROOT/owner" 2>/dev/null; do
        i=$((i + 1))
        if [ $i -ge 600 ]; then
            echo "with-keyring.sh: gnome-keyring-daemon did not appear on the session bus in 60 s" >&2
            exit 1
        fi
        sleep 0.1 # polls the bus for the daemon, with the 60 s deadline above
    done
    awk '/uint32/ { print $2 }' "$SB_KEYRING_ROOT/owner" >"$SB_KEYRING_ROOT/keyring.pid"
    rm -f "$SB_KEYRING_ROOT/owner"
    if [ "$mode" = locked ]; then
        dbus-send --session --print-reply --dest=org.freedesktop.secrets /org/freedesktop/secrets \
            org.freedesktop.Secret.Service.Lock array:objpath:/org/freedesktop/secrets/collection/login >/dev/null
    fi
fi
export SB_KEYRING_MODE="$mode"
exec "$@"
