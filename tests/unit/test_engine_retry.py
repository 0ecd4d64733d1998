"""A statement that fails on a dead pooled connection is retried once on a fresh one."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from alarmapi.storage.sql.engine import run


def _dead(invalidated: bool) -> sa.exc.DBAPIError:
    error = sa.exc.DBAPIError("SELECT 1", {}, Exception("server closed the connection"))
    error.connection_invalidated = invalidated
    return error


class FakePool:
    """Hands out connections; the first ``dead`` ones fail their first statement."""

    def __init__(self, dead: int, invalidated: bool = True) -> None:
        self.dead, self.invalidated, self.handed = dead, invalidated, 0

    @contextlib.contextmanager
    def connect(self) -> Iterator[Any]:
        self.handed += 1
        yield self.handed


def test_retried_once_after_a_dead_connection() -> None:
    pool = FakePool(dead=1)

    def work(conn: Any) -> str:
        if conn <= pool.dead:
            raise _dead(pool.invalidated)
        return f"ran on connection {conn}"

    assert run(pool.connect, work) == "ran on connection 2"


def test_not_retried_twice_nor_for_other_errors() -> None:
    twice = FakePool(dead=2)
    with pytest.raises(sa.exc.DBAPIError):
        run(twice.connect, lambda conn: (_ for _ in ()).throw(_dead(True)))
    assert twice.handed == 2
    other = FakePool(dead=1, invalidated=False)
    with pytest.raises(sa.exc.DBAPIError):
        run(other.connect, lambda conn: (_ for _ in ()).throw(_dead(False)))
    assert other.handed == 1


class _MySQLError(Exception):
    """What PyMySQL raises: the server's error number first."""


class _PGError(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


def _error(orig: Exception) -> sa.exc.DBAPIError:
    return sa.exc.OperationalError("UPDATE alarm_quota_lock", {}, orig)


@pytest.mark.parametrize("orig", [_MySQLError(1213, "Deadlock found"), _PGError("40P01"),
                                  _PGError("40001")])
def test_a_deadlock_victim_runs_again(orig: Exception) -> None:
    pool = FakePool(dead=0)

    def work(conn: Any) -> str:
        if conn <= 2:
            raise _error(orig)
        return f"ran on connection {conn}"

    assert run(pool.connect, work) == "ran on connection 3"


def test_deadlocks_are_retried_a_bounded_number_of_times() -> None:
    pool = FakePool(dead=0)
    with pytest.raises(sa.exc.OperationalError):
        run(pool.connect, lambda conn: (_ for _ in ()).throw(
            _error(_MySQLError(1213, "Deadlock found"))))
    assert pool.handed == 4  # the first try and three more
    other = FakePool(dead=0)
    with pytest.raises(sa.exc.OperationalError):  # a lock wait timeout is not retried
        run(other.connect, lambda conn: (_ for _ in ()).throw(
            _error(_MySQLError(1205, "Lock wait timeout"))))
    assert other.handed == 1
