#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Stand-in for `ngrok http PORT --log stdout --log-format logfmt` (ngrok v3 wording). Logs on
# stdout in logfmt. It forwards no traffic and serves no API (a test serves the API itself).
#
# Controlled through $FAKE_TUNNEL_DIR like fake-cloudflared.sh: runs, argv.N, env.N,
# mode.N | mode: ok (default), die, hang, api-only (announces no URL in its log), and
# url.N | url (default https://<hex>-N.ngrok-free.app), web (the web interface address it
# announces, default 127.0.0.1:4040).
set -u
dir=${FAKE_TUNNEL_DIR:?FAKE_TUNNEL_DIR not set}
n=$(( $(cat "$dir/runs" 2>/dev/null || echo 0) + 1 ))
echo "$n" > "$dir/runs"
printf '%s\n' "$@" > "$dir/argv.$n"
env > "$dir/env.$n"
mode=ok; [ -f "$dir/mode" ] && mode=$(cat "$dir/mode"); [ -f "$dir/mode.$n" ] && mode=$(cat "$dir/mode.$n")
url="https://1a2b-203-0-113-$n.ngrok-free.app"
[ -f "$dir/url" ] && url=$(cat "$dir/url"); [ -f "$dir/url.$n" ] && url=$(cat "$dir/url.$n")
web=127.0.0.1:4040; [ -f "$dir/web" ] && web=$(cat "$dir/web")
port=${2:-80}

ts() { date -u +%Y-%m-%dT%H:%M:%S+0000; }
log() { echo "t=$(ts) $*"; }

log 'lvl=info msg="no configuration paths supplied"'
log 'lvl=info msg="using configuration at default config path" path=/root/.config/ngrok/ngrok.yml'
log 'lvl=info msg="open config file" path=/root/.config/ngrok/ngrok.yml err=nil'
log "lvl=info msg=\"starting web service\" obj=web addr=$web allow_hosts=[]"
case "$mode" in
  die)
    log 'lvl=eror msg="session closing" obj=tunnels.session err="authentication failed: Your account is limited to 1 simultaneous ngrok agent sessions.\r\n\r\nERR_NGROK_108\r\n"'
    log 'lvl=info msg="received stop request" obj=app stopReq="{err:<nil> restart:false}"'
    exit 1 ;;
  hang)
    while :; do sleep 0.2; done ;; # idles like a hung ngrok: the behaviour under test
esac
log 'lvl=info msg="client session established" obj=tunnels.session obj=csess id=4c1d9e2f7a3b'
log 'lvl=info msg="tunnel session started" obj=tunnels.session'
if [ "$mode" != api-only ]; then
  log "lvl=info msg=\"started tunnel\" obj=tunnels name=command_line addr=http://localhost:$port url=$url"
fi
log 'lvl=info msg="update available" obj=updater'
while :; do sleep 0.2; done # runs until stopped, like ngrok
