#!/usr/bin/env bash
# Install alarmapi and run the whole service (API, evaluator, notifier) on SQLite,
# noauth, 127.0.0.1:8042, as one command (alarmapi-all). Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install.sh
mkdir -p data
exec .venv/bin/alarmapi-all --config-file etc/alarmapi/alarmapi-quickstart.conf
