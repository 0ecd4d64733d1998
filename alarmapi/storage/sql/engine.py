"""Engine creation: driver choice per URL and per-backend connection settings."""

from __future__ import annotations

import importlib.util
import random
import time
from collections.abc import Callable
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import make_url


def normalize_url(url: str) -> sa.URL:
    """Pick an installed DBAPI for bare ``postgresql://`` and ``mysql://`` URLs."""
    parsed = make_url(url)
    if parsed.drivername == "postgresql" and importlib.util.find_spec("psycopg"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    elif parsed.drivername in ("mysql", "mariadb") and not importlib.util.find_spec("MySQLdb"):
        parsed = parsed.set(drivername=f"{parsed.drivername}+pymysql")
    if parsed.get_backend_name() in ("mysql", "mariadb") and "charset" not in parsed.query:
        parsed = parsed.update_query_dict({"charset": "utf8mb4"})
    return parsed


def _enable_sqlite_foreign_keys(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


T = TypeVar("T")


#: A transaction the database chose as a deadlock's victim is run again this many times.
DEADLOCK_RETRIES = 3
_MYSQL_DEADLOCK = 1213
_PG_RETRYABLE = ("40P01", "40001")  # deadlock_detected, serialization_failure


def deadlocked(exc: sa.exc.DBAPIError) -> bool:
    """Whether the database rolled the transaction back to break a deadlock (MySQL and
    MariaDB's 1213, PostgreSQL's 40P01 and 40001): running it again is safe."""
    seen: BaseException | None = exc
    while seen is not None:  # a failed ROLLBACK TO SAVEPOINT hides the deadlock behind it
        orig = getattr(seen, "orig", seen)
        code = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
        args: tuple[Any, ...] = tuple(getattr(orig, "args", ()))
        if code in _PG_RETRYABLE or (args and args[0] == _MYSQL_DEADLOCK):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def run(connect: Callable[[], Any], work: Callable[[sa.Connection], T]) -> T:
    """Run ``work`` on a pooled connection, again if the connection was dead or the
    transaction was a deadlock's victim.

    Pooled connections are not pinged on checkout (a round trip per request); when
    the server restarted, the first statement on a dead connection fails, the pool
    drops its connections, and the work is retried once on a fresh one. A deadlock
    victim was rolled back whole: it runs again (up to DEADLOCK_RETRIES times, after a
    short random pause so the two sides do not meet again), and then sees what the
    winner committed.
    """
    reconnected = False
    deadlocks = 0
    while True:
        try:
            with connect() as conn:
                return work(conn)
        except sa.exc.DBAPIError as exc:
            if exc.connection_invalidated and not reconnected:
                reconnected = True
                continue
            if deadlocked(exc) and deadlocks < DEADLOCK_RETRIES:
                deadlocks += 1
                time.sleep(random.uniform(0.005, 0.02) * deadlocks)  # noqa: S311 - jitter
                continue
            raise


def create_engine(url: str, **kwargs: Any) -> sa.Engine:
    """Create an engine for ``url`` with settings suited to each backend."""
    parsed = normalize_url(url)
    options: dict[str, Any] = {"future": True}
    if parsed.get_backend_name() == "sqlite":
        # One file shared by threads and processes; WAL lets readers run alongside
        # the single writer.
        options["connect_args"] = {"check_same_thread": False}
    else:
        options.update(pool_recycle=3600, pool_size=5, max_overflow=10)
    options.update(kwargs)
    engine = sa.create_engine(parsed, **options)
    if parsed.get_backend_name() == "sqlite":
        sa.event.listen(engine, "connect", _enable_sqlite_foreign_keys)
    return engine


class Store:
    """A part of the storage on the shared engines: writes in a transaction, reads on
    the autocommit reader pool."""

    def __init__(self, engine: sa.Engine, reader: sa.Engine) -> None:
        self.engine = engine
        self.reader = reader

    def _write(self, work: Callable[[sa.Connection], T]) -> T:
        """One transaction: everything ``work`` writes commits together or not at all."""
        return run(self.engine.begin, work)

    def _read(self, work: Callable[[sa.Connection], T]) -> T:
        """One read on the reader pool."""
        return run(self.reader.connect, work)
