#!/usr/bin/env bash
# Create .venv and install alarmapi with its test dependencies (idempotent).
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e '.[test]'
# The real python-aodhclient and openstack CLI, for the integration tests (own venv:
# they bring their own dependency set).
[ -x .venv-aodhclient/bin/python ] || "$PY" -m venv .venv-aodhclient
.venv-aodhclient/bin/python -m pip install -q --upgrade pip >/dev/null
.venv-aodhclient/bin/python -m pip install -q aodhclient==3.12.0 python-openstackclient
# A real Gnocchi 4.7.1 for the gnocchi_* integration tests, where ../shared/peer
# expects it (started and stopped by the tests through ../shared/peer/gnocchi).
PEER_HOME="${PEER_HOME:-$HOME/.cache/alarmapi-peer}"
if [ ! -x "$PEER_HOME/gnocchi-venv/bin/gnocchi-api" ]; then
  "$PY" -m venv "$PEER_HOME/gnocchi-venv"
  "$PEER_HOME/gnocchi-venv/bin/python" -m pip install -q --upgrade pip >/dev/null
  "$PEER_HOME/gnocchi-venv/bin/python" -m pip install -q 'gnocchi[postgresql,file]==4.7.1' \
      psycopg2-binary uwsgi
fi
