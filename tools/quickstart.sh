#!/usr/bin/env bash
# Install alarmapi and serve the API on SQLite, noauth, 127.0.0.1:8042.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install.sh
mkdir -p data
CONF=etc/alarmapi/alarmapi-quickstart.conf
.venv/bin/alarmapi-dbsync --config-file "$CONF"
exec .venv/bin/alarmapi-api --config-file "$CONF"
