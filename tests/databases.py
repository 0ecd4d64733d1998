"""Throw-away databases on SQLite, the local PostgreSQL and the local MariaDB.

Under CI=true a server that cannot be reached fails the test instead of skipping it.
"""

from __future__ import annotations

import contextlib
import os
import pathlib
import tempfile
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from alarmapi.storage.sql.engine import create_engine

SERVERS = {
    "postgresql": os.environ.get("ALARMAPI_TEST_PG", "postgresql://postgres@127.0.0.1:5432"),
    "mysql": os.environ.get("ALARMAPI_TEST_MYSQL", "mysql+pymysql://root@127.0.0.1:3306"),
}
BACKENDS = ("sqlite", "postgresql", "mysql")


def unavailable(reason: str) -> None:
    """Skip, or fail under CI, when a backend cannot be used."""
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"backend unavailable under CI: {reason}")
    pytest.skip(reason)


@contextlib.contextmanager
def database(backend: str) -> Iterator[str]:
    """Yield the URL of a new empty database; drop it afterwards."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{pathlib.Path(tmp) / 'alarmapi.sqlite'}"
        return
    server = SERVERS[backend]
    name = f"alarmapi_test_{uuid.uuid4().hex[:12]}"
    admin_db = "postgres" if backend == "postgresql" else ""
    admin = create_engine(f"{server}/{admin_db}", isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f"CREATE DATABASE {name}"))
    except sa.exc.OperationalError as exc:
        admin.dispose()
        unavailable(f"{backend} at {server}: {exc.orig}")
    try:
        yield f"{server}/{name}"
    finally:
        with admin.connect() as conn:
            if backend == "postgresql":
                conn.execute(sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    f"WHERE datname = '{name}' AND pid <> pg_backend_pid()"))
            conn.execute(sa.text(f"DROP DATABASE {name}"))
        admin.dispose()
