#!/usr/bin/env bash
# Create .venv and install alarmapi (idempotent).
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e .
# The console's charting library (Chart.js), from npm at the version the lock file pins.
if [ ! -f alarmapi/console/node_modules/chart.js/dist/chart.umd.min.js ] || \
    [ alarmapi/console/package-lock.json -nt alarmapi/console/node_modules/.package-lock.json ]; then
  if command -v npm >/dev/null; then
    (cd alarmapi/console && npm ci --no-audit --no-fund --loglevel=error)
  elif [ -n "${CI:-}" ]; then
    echo "npm is missing: the console's Chart.js cannot be installed" >&2; exit 1
  else
    echo "warning: npm is missing; the console will show its pages without plots" >&2
  fi
fi
