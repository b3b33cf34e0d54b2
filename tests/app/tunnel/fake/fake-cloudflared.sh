#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Stand-in for `cloudflared tunnel --url http://127.0.0.1:PORT` (quick tunnel). Logs on stderr like
# cloudflared 2024.x does, the URL inside a box of `|`. It forwards no traffic.
#
# Controlled through the directory $FAKE_TUNNEL_DIR (all files optional):
#   runs          run counter, incremented by every start (run N below)
#   argv.N env.N  written by run N: its arguments and environment (for the test to inspect)
#   mode.N | mode behaviour of run N: ok (default), die, hang, offline, exit-after-url
#   url.N | url   the URL run N announces (default https://<words>-N.trycloudflare.com)
#   rotate        while running: when it appears, its content is announced as a new URL, then
#                 the file is removed (as if the tunnel had been re-created)
set -u
dir=${FAKE_TUNNEL_DIR:?FAKE_TUNNEL_DIR not set}
n=$(( $(cat "$dir/runs" 2>/dev/null || echo 0) + 1 ))
echo "$n" > "$dir/runs"
printf '%s\n' "$@" > "$dir/argv.$n"
env > "$dir/env.$n"
mode=ok; [ -f "$dir/mode" ] && mode=$(cat "$dir/mode"); [ -f "$dir/mode.$n" ] && mode=$(cat "$dir/mode.$n")
url="https://seasonal-deck-organisms-$n.trycloudflare.com"
[ -f "$dir/url" ] && url=$(cat "$dir/url"); [ -f "$dir/url.$n" ] && url=$(cat "$dir/url.$n")
local=""; prev=""
for a in "$@"; do [ "$prev" = "--url" ] && local=$a; prev=$a; done

ts() { date -u +%Y-%m-%dT%H:%M:%SZ; }
log() { echo "$(ts) $1 $2" >&2; }
box() {
  log INF "+--------------------------------------------------------------------------------------------+"
  log INF "|  Your quick Tunnel has been created! Visit it at (it may take some time to be reachable):  |"
  log INF "$(printf '|  %-90s|' "$1")"
  log INF "+--------------------------------------------------------------------------------------------+"
}

log INF "Thank you for trying Cloudflare Tunnel. Doing so, without a Cloudflare account, is a quick way to experiment and try it out. However, be aware that these account-less Tunnels have no uptime guarantee. If you intend to use Tunnels in production you should use a pre-created named tunnel by following: https://developers.cloudflare.com/cloudflare-one/connections/connect-apps"
log INF "Requesting new quick Tunnel on trycloudflare.com..."
case "$mode" in
  offline)
    log ERR "failed to request quick Tunnel: Post \"https://api.trycloudflare.com/tunnel\": dial tcp: lookup api.trycloudflare.com on 127.0.0.53:53: server misbehaving"
    exit 1 ;;
  die)
    log ERR "failed to unmarshal quick Tunnel: invalid character '<' looking for beginning of value"
    exit 1 ;;
  hang)
    while :; do sleep 0.2; done ;; # idles like a hung cloudflared: the behaviour under test
esac
box "$url"
log INF "Cannot determine default configuration path. No file [config.yml config.yaml] in [~/.cloudflared ~/.cloudflare-warp ~/cloudflare-warp /etc/cloudflared /usr/local/etc/cloudflared]"
log INF "Version 2024.1.5"
log INF "GOOS: linux, GOVersion: go1.21.5-devel-cf, GoArch: amd64"
log INF "Settings: map[ha-connections:1 no-autoupdate:true protocol:quic url:$local]"
log INF "Generated Connector ID: 7b0c6f2e-3c1a-4d2e-9f55-0a1b2c3d4e5f"
log INF "Initial protocol quic"
log INF "Starting metrics server on 127.0.0.1:39567/metrics"
log INF "Registered tunnel connection connIndex=0 connection=d3b1a2c4-5e6f-4a7b-8c9d-0e1f2a3b4c5d event=0 ip=198.41.192.7 location=ams01 protocol=quic"
if [ "$mode" = exit-after-url ]; then
  sleep 0.3 # up for a moment after announcing the URL, then the edge drops it: the behaviour under test
  log ERR "Connection terminated error=\"connection with edge closed\" connIndex=0"
  exit 2
fi
while :; do
  if [ -f "$dir/rotate" ]; then
    url=$(cat "$dir/rotate"); rm -f "$dir/rotate"
    log INF "Requesting new quick Tunnel on trycloudflare.com..."
    box "$url"
  fi
  sleep 0.1 # runs until stopped, polling for the rotate file (not a wait before an assertion)
done
