#!/usr/bin/env bash
# alarmapi's evaluator under ../shared/bench/aodh_evaluator_bench.py (the harness the Aodh 23
# figures in ../shared/bench/RESULTS-aodh-evaluator.md were measured with): a real Gnocchi
# 4.7.1, alarmapi's API on :8053 (gunicorn, 2 workers) and one alarmapi-evaluator
# (interval 10 s), PostgreSQL database alarmapi_eval.
#   N=1000 STEADY=60 bash bench/gnocchi_evaluator_bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
N="${N:-1000}"; STEADY="${STEADY:-60}"; PHASES="${PHASES:-settle,steady}"
RUN="${RUN_DIR:-/tmp/alarmapi-eval-bench}"; mkdir -p "$RUN"
PEER_HOME="${PEER_HOME:-$HOME/.cache/alarmapi-peer}"
bash ../shared/peer/gnocchi/start_gnocchi.sh >/dev/null
psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS alarmapi_eval WITH (FORCE)"
psql -h 127.0.0.1 -U postgres -d postgres -qc "CREATE DATABASE alarmapi_eval"
cat >"$RUN/alarmapi.conf" <<CONF
[api]
auth_mode = noauth
[database]
connection = postgresql://postgres@127.0.0.1:5432/alarmapi_eval
[gnocchi]
endpoint = http://127.0.0.1:8041
[evaluator]
evaluation_interval = 10
CONF
.venv/bin/alarmapi-dbsync --config-file "$RUN/alarmapi.conf" >/dev/null 2>&1
ALARMAPI_CONFIG_FILE="$RUN/alarmapi.conf" .venv/bin/gunicorn --bind 127.0.0.1:8053 --workers 2 \
  --no-control-socket alarmapi.wsgi.api:application >"$RUN/api.log" 2>&1 &
API=$!
.venv/bin/alarmapi-evaluator --config-file "$RUN/alarmapi.conf" >"$RUN/evaluator.log" 2>&1 &
EV=$!
trap 'kill $API $EV 2>/dev/null || true' EXIT
sleep 3
.venv/bin/python ../shared/bench/aodh_evaluator_bench.py --aodh-url http://127.0.0.1:8053 \
  --gnocchi-url http://127.0.0.1:8041 --n "$N" --interval 10 --evaluator-pid "$EV" \
  --aux-pid gnocchi-api="$(cat "$PEER_HOME/gnocchi-run/gnocchi-api.pid")" \
  --aux-pid gnocchi-metricd="$(cat "$PEER_HOME/gnocchi-run/gnocchi-metricd.pid")" \
  --aux-pid alarmapi-api="$API" --phases "$PHASES" --steady-s "$STEADY" \
  --out "$RUN/n$N.json" 2>&1 | tail -40
