#!/usr/bin/env bash
# The whole test suite: lint, types, then pytest (SQLite, PostgreSQL, MariaDB).
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/ruff check alarmapi tests bench
.venv/bin/mypy
exec .venv/bin/python -m pytest -q -p no:cacheprovider "$@"
