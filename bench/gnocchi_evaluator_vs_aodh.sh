#!/usr/bin/env bash
# gnocchi_* alarms: Aodh 23.0.0's evaluator and alarmapi's, one after the other in one run,
# against the same real Gnocchi 4.7.1 on this machine, measured by the same harness
# (../shared/bench/aodh_evaluator_bench.py: 80 % resources, 10 % by_metrics, 10 % composite
# over 100 resources, a feed every 2 s; settle, then a steady window).
#
#   SIZES="1000 10000" bash bench/gnocchi_evaluator_vs_aodh.sh
#
# Each side gets its own PostgreSQL database, API (gunicorn, 2 workers) and one evaluator
# (interval 10 s) writing one JSON line per cycle (Aodh through ../shared's instrumented
# wrapper, alarmapi through [evaluator] cycle_report_file), so CPU per 1,000 evaluations
# is counted the same way for both. Aodh's alarms beyond the first 100 are copied in SQL
# (../shared/bench/aodh_eval/clone_alarms_sql.py: Aodh's API creates slow down to a few per
# second at a few thousand alarms); alarmapi's are all created through its API.
# Raw JSON and logs go to $OUT (default bench/results-gnocchi-evaluator); the table is
# printed by bench/gnocchi_evaluator_table.py at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
SIZES="${SIZES:-1000 10000}"
OUT="${OUT:-$ROOT/bench/results-gnocchi-evaluator}"
PEER_HOME="${PEER_HOME:-$HOME/.cache/alarmapi-peer}"
export PEER_HOME
SHARED="$ROOT/../shared/bench"
AODH_VENV="$PEER_HOME/aodh-eval-venv"
AODH_RUN="$PEER_HOME/aodh-eval-run"
RUN="$OUT/alarmapi-run"
mkdir -p "$OUT" "$RUN" "$AODH_RUN"

steady_for() { if [ "$1" -ge 5000 ]; then echo 240; else echo 100; fi; }
pg() { psql -h 127.0.0.1 -U postgres -d postgres -qc "$1"; }
harness() {  # harness NAME N API_PORT EVALUATOR_PID CYCLE_LOG API_PID [extra args]
  local name="$1" n="$2" port="$3" ev="$4" cycles="$5" api="$6"; shift 6
  .venv/bin/python "$SHARED/aodh_evaluator_bench.py" --aodh-url "http://127.0.0.1:$port" \
    --gnocchi-url http://127.0.0.1:8041 --n "$n" --interval 10 \
    --cycle-log "$cycles" --evaluator-pid "$ev" \
    --aux-pid gnocchi-api="$(cat "$PEER_HOME/gnocchi-run/gnocchi-api.pid")" \
    --aux-pid gnocchi-metricd="$(cat "$PEER_HOME/gnocchi-run/gnocchi-metricd.pid")" \
    --aux-pid api="$api" --aux-pid postgres="$(pgrep -o -x postgres)" \
    --settle-timeout 1800 --wave-timeout 1200 --poll 5 "$@" \
    --out "$OUT/$name-n$n.json" >"$OUT/$name-n$n.log" 2>&1
  tail -1 "$OUT/$name-n$n.log"
}

# Aodh 23.0.0 in its own venv (with tooz and psycopg2 for the clone script).
if [ ! -x "$AODH_VENV/bin/aodh-evaluator" ]; then
  AODH_VENV="$AODH_VENV" USE_LOCK=1 bash "$ROOT/../shared/peer/aodh/install_venvs.sh" >/dev/null
fi
bash "$ROOT/../shared/peer/gnocchi/start_gnocchi.sh" >/dev/null

echo "== Aodh 23.0.0"
bash "$SHARED/aodh_eval/stop_aodh_eval.sh" all >/dev/null
pg "DROP DATABASE IF EXISTS aodh_eval WITH (FORCE)"
rm -f "$AODH_RUN/cycles-ev1.jsonl"
bash "$SHARED/aodh_eval/start_aodh_eval.sh" api >/dev/null
EVAL_INTERVAL=10 bash "$SHARED/aodh_eval/start_aodh_eval.sh" evaluator ev1 >/dev/null
trap 'bash "$SHARED/aodh_eval/stop_aodh_eval.sh" all >/dev/null' EXIT
AODH_EV="$(cat "$AODH_RUN/evaluator-ev1.pid")"
AODH_API="$(cat "$AODH_RUN/aodh-api.pid")"
.venv/bin/python "$SHARED/aodh_evaluator_bench.py" --aodh-url http://127.0.0.1:8052 \
  --gnocchi-url http://127.0.0.1:8041 --n 100 --phases none >"$OUT/aodh-templates.log" 2>&1
for N in $SIZES; do
  "$AODH_VENV/bin/python" "$SHARED/aodh_eval/clone_alarms_sql.py" "$N" >>"$OUT/aodh-templates.log"
  echo "N=$N: $(harness aodh "$N" 8052 "$AODH_EV" "$AODH_RUN/cycles-ev1.jsonl" "$AODH_API" \
    --phases settle,steady --steady-s "$(steady_for "$N")")"
done
bash "$SHARED/aodh_eval/stop_aodh_eval.sh" all >/dev/null
trap - EXIT
cp "$AODH_RUN/cycles-ev1.jsonl" "$OUT/aodh-cycles.jsonl"

echo "== alarmapi"
pg "DROP DATABASE IF EXISTS alarmapi_eval WITH (FORCE)"
pg "CREATE DATABASE alarmapi_eval"
rm -f "$RUN/cycles.jsonl"
cat >"$RUN/alarmapi.conf" <<CONF
[api]
auth_mode = noauth
[database]
connection = postgresql://postgres@127.0.0.1:5432/alarmapi_eval
[gnocchi]
endpoint = http://127.0.0.1:8041
[evaluator]
evaluation_interval = 10
cycle_report_file = $RUN/cycles.jsonl
CONF
.venv/bin/alarmapi-dbsync --config-file "$RUN/alarmapi.conf" >/dev/null 2>&1
ALARMAPI_CONFIG_FILE="$RUN/alarmapi.conf" .venv/bin/gunicorn --bind 127.0.0.1:8053 \
  --workers 2 --no-control-socket alarmapi.wsgi.api:application >"$RUN/api.log" 2>&1 &
API=$!
.venv/bin/alarmapi-evaluator --config-file "$RUN/alarmapi.conf" >"$RUN/evaluator.log" 2>&1 &
EV=$!
trap 'kill $API $EV 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do
  curl -fsS http://127.0.0.1:8053/v2/capabilities >/dev/null 2>&1 && break; sleep 0.5
done
for N in $SIZES; do
  echo "N=$N: $(harness alarmapi "$N" 8053 "$EV" "$RUN/cycles.jsonl" "$API" \
    --phases settle,steady --steady-s "$(steady_for "$N")")"
done
kill $API $EV 2>/dev/null || true
trap - EXIT
.venv/bin/python bench/gnocchi_evaluator_table.py "$OUT" $SIZES
