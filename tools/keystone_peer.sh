#!/usr/bin/env bash
# A real Keystone (from PyPI, SQLite, fernet tokens) on 127.0.0.1 for the trust tests.
#   tools/keystone_peer.sh install          venv at $PEER_HOME/keystone-venv
#   tools/keystone_peer.sh start DIR PORT   bootstrap a fresh Keystone in DIR, serve it
#                                           (admin/secret, project admin, region RegionOne)
#   tools/keystone_peer.sh stop DIR
set -euo pipefail
PEER_HOME="${PEER_HOME:-$HOME/.cache/alarmapi-peer}"
K="$PEER_HOME/keystone-venv"
case "$1" in
install)
  if [ ! -x "$K/bin/keystone-manage" ]; then
    python3 -m venv "$K"
    "$K/bin/pip" install -q --upgrade pip >/dev/null
    "$K/bin/pip" install -q keystone==30.0.0 gunicorn
  fi ;;
start)
  DIR="$2"; PORT="$3"; mkdir -p "$DIR/fernet" "$DIR/credential"
  cat >"$DIR/keystone.conf" <<CONF
[DEFAULT]
log_file = $DIR/keystone.log
[database]
connection = sqlite:///$DIR/keystone.sqlite
[token]
provider = fernet
[fernet_tokens]
key_repository = $DIR/fernet
[credential]
key_repository = $DIR/credential
CONF
  M=("$K/bin/keystone-manage" --config-file "$DIR/keystone.conf")
  "${M[@]}" db_sync >/dev/null 2>&1
  "${M[@]}" fernet_setup --keystone-user "$(id -un)" --keystone-group "$(id -gn)" >/dev/null 2>&1
  "${M[@]}" credential_setup --keystone-user "$(id -un)" --keystone-group "$(id -gn)" >/dev/null 2>&1
  "${M[@]}" bootstrap --bootstrap-password secret --bootstrap-admin-url "http://127.0.0.1:$PORT/v3" \
     --bootstrap-public-url "http://127.0.0.1:$PORT/v3" --bootstrap-region-id RegionOne >/dev/null 2>&1
  # Keystone parses sys.argv as its own options: hide gunicorn's from it.
  printf 'import sys\nsys.argv = sys.argv[:1]\nfrom keystone.wsgi.api import application\n' \
     >"$DIR/keystone_app.py"
  OS_KEYSTONE_CONFIG_FILES="$DIR/keystone.conf" "$K/bin/gunicorn" --bind "127.0.0.1:$PORT" \
     --workers 2 --no-control-socket --pid "$DIR/gunicorn.pid" --daemon --chdir "$DIR" \
     --error-logfile "$DIR/gunicorn.log" keystone_app:application
  for _ in $(seq 1 600); do
    curl -fs "http://127.0.0.1:$PORT/v3" >/dev/null 2>&1 && exit 0
    sleep 0.1
  done
  echo "keystone did not start: $DIR/gunicorn.log" >&2; exit 1 ;;
stop)
  DIR="$2"; [ -f "$DIR/gunicorn.pid" ] && kill "$(cat "$DIR/gunicorn.pid")" 2>/dev/null || true ;;
esac
