#!/usr/bin/env bash
# The whole test suite: installs what it needs, then lint, types and pytest
# (SQLite, PostgreSQL, MariaDB, the real aodh CLI, a real Gnocchi).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install-test.sh
.venv/bin/ruff check alarmapi tests bench
.venv/bin/mypy
exec .venv/bin/python -m pytest -q -p no:cacheprovider "$@"
