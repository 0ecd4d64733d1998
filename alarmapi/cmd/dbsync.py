"""alarmapi-dbsync: upgrade the database schema to the newest version."""

from __future__ import annotations

import sys

from oslo_log import log

from alarmapi import conf as alarmapi_conf
from alarmapi.storage import get_connection


def main(argv: list[str] | None = None) -> int:
    """Run the Alembic migrations up to head."""
    conf = alarmapi_conf.new_config()
    log.register_options(conf)
    alarmapi_conf.parse(conf, sys.argv[1:] if argv is None else argv)
    log.setup(conf, "alarmapi")
    get_connection(conf.database.connection).upgrade()
    return 0


if __name__ == "__main__":
    sys.exit(main())
