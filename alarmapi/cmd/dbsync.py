"""alarmapi-dbsync: upgrade the database schema to the newest version."""

from __future__ import annotations

import sys

from alarmapi import conf as alarmapi_conf
from alarmapi.storage import get_connection


def main(argv: list[str] | None = None) -> int:
    """Run the Alembic migrations up to head."""
    conf = alarmapi_conf.for_command(argv)
    get_connection(conf.database.connection).upgrade()
    return 0


if __name__ == "__main__":
    sys.exit(main())
