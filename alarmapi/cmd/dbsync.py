"""alarmapi-dbsync: upgrade the database schema to the newest version, and optionally
take over an Aodh database (``--import-aodh URL``)."""

from __future__ import annotations

import sys

from oslo_config import cfg

from alarmapi import clock
from alarmapi import conf as alarmapi_conf
from alarmapi.cmd.fatal import guarded
from alarmapi.storage import get_connection

CLI_OPTS = [
    cfg.StrOpt("import-aodh", metavar="URL",
               help="After the upgrade, copy the alarms, alarm history and quotas of the "
                    "Aodh database at this SQLAlchemy URL (any URL Aodh's [database] "
                    "connection accepts) in one transaction. Rows already present (same "
                    "id) are kept; the Aodh database is only read."),
]


@guarded
def main(argv: list[str] | None = None) -> int:
    """Run the Alembic migrations up to head, then the Aodh import if asked for."""
    from alarmapi.storage.sql.aodh_import import AodhImportError, import_aodh

    conf = alarmapi_conf.for_command(argv, CLI_OPTS)
    connection = get_connection(conf.database.connection)
    connection.upgrade()
    if conf.import_aodh:
        try:
            report = import_aodh(conf.import_aodh, connection.engine, clock.utcnow())  # type: ignore[attr-defined]
        except AodhImportError as exc:
            print(f"alarmapi-dbsync: {exc}; nothing was imported", file=sys.stderr)
            return 1
        print(report.summary())
    return 0


if __name__ == "__main__":
    sys.exit(main())
