#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs every Debian 12 package Switchboard needs to build, run and test. Idempotent: asks
# apt only for what is missing, so a second run does nothing. Must run as root (or via sudo).
set -euo pipefail

# Build: compiler, CMake, Qt 6.4 modules, QtKeychain.
build_pkgs=(build-essential cmake ninja-build ccache pkg-config clang-format clang libclang-rt-14-dev
  qt6-base-dev qt6-websockets-dev qt6-multimedia-dev qt6-httpserver-dev qtkeychain-qt6-dev
  libqt6sql6-sqlite libgl-dev libspeexdsp-dev libpocketsphinx-dev libsphinxbase-dev)
# Run: keychain (Secret Service), audio server, offline speech models.
run_pkgs=(dbus-daemon dbus-x11 gnome-keyring libsecret-1-0 pulseaudio pulseaudio-utils
  pocketsphinx pocketsphinx-en-us fonts-dejavu-core qt6-qpa-plugins)
# Test: speech synthesis and audio tools for generated test audio, a virtual display,
# load generator, Node.js for the official-library oracle tests.
test_pkgs=(libsecret-tools sox libsox-fmt-mp3 espeak-ng flite xvfb xauth x11-apps wrk)

missing=()
for p in "${build_pkgs[@]}" "${run_pkgs[@]}" "${test_pkgs[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
# Node.js and npm may come from Debian or be on the machine already.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "install-deps: run as root to install: ${missing[*]}" >&2; exit 1; }
  SUDO=sudo
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
