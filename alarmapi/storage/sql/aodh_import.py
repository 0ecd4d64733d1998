"""Taking over an Aodh 23 database: its alarms, their history and its quotas are copied
into alarmapi's schema in one transaction (``alarmapi-dbsync --import-aodh URL``).

Why an import rather than an in-place upgrade of Aodh's schema: the Aodh database stays
exactly as it was, so going back to Aodh is always possible, the import can be run again
(rows already present are kept, the rest are added), and either every row lands or
none does. Aodh's tables are read by reflection, so any Aodh schema from the
PreciseTimestamp change on (Aodh 4.0) is accepted, with columns added later optional.
"""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import json
import time
import urllib.parse
from collections.abc import Iterable, Iterator
from typing import Any

import sqlalchemy as sa

from alarmapi.model import NOT_EVALUATED_REASON, Severity, State
from alarmapi.storage.base import QUOTA_RESOURCE
from alarmapi.storage.models import alarm_table, history_table, quota_table
from alarmapi.storage.sql import engine as sql_engine

#: Rows read and written per round trip.
BATCH = 1000
_ALARM_REQUIRED = {"alarm_id", "name", "type", "rule", "project_id", "user_id", "state"}
_HISTORY_REQUIRED = {"event_id", "alarm_id", "type", "detail", "timestamp"}


class AodhImportError(Exception):
    """The import could not be done; nothing was written."""


@dataclasses.dataclass
class ImportReport:
    """What an import added, what it found already present, and how long it took."""

    alarms: int = 0
    alarms_present: int = 0
    history: int = 0
    history_present: int = 0
    quotas: int = 0
    quotas_present: int = 0
    #: History entries of alarms Aodh no longer has (possible before Aodh's foreign key).
    history_orphans: int = 0
    seconds: float = 0.0

    @property
    def rows(self) -> int:
        """Every row read from Aodh."""
        return (self.alarms + self.alarms_present + self.history + self.history_present
                + self.history_orphans + self.quotas + self.quotas_present)

    def summary(self) -> str:
        """One line for the operator."""
        rate = self.rows / self.seconds if self.seconds > 0 else 0.0
        return (f"imported from Aodh: {self.alarms} alarms ({self.alarms_present} already "
                f"present), {self.history} history entries ({self.history_present} already "
                f"present, {self.history_orphans} of alarms Aodh no longer has, skipped), "
                f"{self.quotas} quotas ({self.quotas_present} already present) "
                f"in {self.seconds:.1f} s ({rate:,.0f} rows/s)")


def _utc(value: Any) -> datetime.datetime | None:
    """A naive UTC datetime from what Aodh's columns hold (datetimes; epoch decimals in
    schemas from before Aodh's PreciseTimestamp migration)."""
    if value is None:
        return None
    if isinstance(value, (decimal.Decimal, float, int)):
        return datetime.datetime.fromtimestamp(float(value), datetime.UTC).replace(tzinfo=None)
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        return value.astimezone(datetime.UTC).replace(tzinfo=None)
    return value


def _json(value: Any, default: Any, where: str) -> Any:
    """A JSON column's value (Aodh stores JSON documents as text)."""
    if value is None:
        return default
    if isinstance(value, (bytes, str)):
        try:
            return json.loads(value)
        except ValueError as exc:
            raise AodhImportError(f"{where} is not JSON: {exc}") from None
    return value


def _actions(value: Any, where: str) -> list[str]:
    """An action list as Aodh serves it: each URL in the form ``urlsplit`` gives back
    (Aodh shows a stored ``log://`` as ``log:``, as alarmapi stores it at create)."""
    return [urllib.parse.urlsplit(url).geturl() for url in _json(value, [], where)]


def _lengths(table: sa.Table) -> dict[str, int]:
    """The longest text each bounded column of ``table`` holds."""
    return {c.name: c.type.length for c in table.c
            if isinstance(c.type, sa.String) and c.type.length}


_LENGTHS = {table.name: _lengths(table) for table in (alarm_table, history_table, quota_table)}


def _fits(table: sa.Table, values: dict[str, Any], where: str) -> dict[str, Any]:
    """``values``, refused with a clear message when a text is longer than its column."""
    for name, length in _LENGTHS[table.name].items():
        value = values.get(name)
        if isinstance(value, str) and len(value) > length:
            raise AodhImportError(f"{where}: {name} is {len(value)} characters long; "
                                  f"alarmapi stores at most {length}")
    return values


def alarm_values(row: Any, now: datetime.datetime) -> dict[str, Any]:
    """The alarmapi columns of one row of Aodh's ``alarm`` table (``now`` stands for a
    missing creation time)."""
    data = row._mapping
    where = f"alarm {data['alarm_id']}"
    created = _utc(data["timestamp"]) or now
    enabled = data.get("enabled")
    return _fits(alarm_table, {
        "alarm_id": data["alarm_id"], "name": data["name"] or "", "type": data["type"],
        "enabled": True if enabled is None else bool(enabled),
        "description": data.get("description") or "",
        "severity": data.get("severity") or Severity.LOW.value,
        "state": data["state"] or State.INSUFFICIENT_DATA.value,
        "state_reason": data.get("state_reason") if data.get("state_reason") is not None
        else NOT_EVALUATED_REASON,
        "project_id": data["project_id"], "user_id": data["user_id"],
        "timestamp": created,
        "state_timestamp": _utc(data.get("state_timestamp")) or created,
        "evaluate_timestamp": _utc(data.get("evaluate_timestamp")),
        "repeat_actions": bool(data.get("repeat_actions")),
        "ok_actions": _actions(data.get("ok_actions"), f"{where} ok_actions"),
        "alarm_actions": _actions(data.get("alarm_actions"), f"{where} alarm_actions"),
        "insufficient_data_actions": _actions(data.get("insufficient_data_actions"),
                                              f"{where} insufficient_data_actions"),
        "time_constraints": _json(data.get("time_constraints"), [],
                                  f"{where} time_constraints"),
        "rule": _json(data["rule"], {}, f"{where} rule"),
    }, where)


def history_values(row: Any) -> dict[str, Any]:
    """The alarmapi columns of one row of Aodh's ``alarm_history`` table."""
    data = row._mapping
    return _fits(history_table, {
        "event_id": data["event_id"], "alarm_id": data["alarm_id"],
        "on_behalf_of": data.get("on_behalf_of"), "project_id": data.get("project_id"),
        "user_id": data.get("user_id"), "type": data["type"], "detail": data["detail"] or "",
        "severity": data.get("severity"), "timestamp": _utc(data["timestamp"]),
    }, f"history entry {data['event_id']}")


def _source_tables(source: sa.Connection) -> dict[str, sa.Table]:
    """Aodh's tables, reflected; refuses a database that is not Aodh's."""
    inspector = sa.inspect(source)
    names = set(inspector.get_table_names())
    metadata = sa.MetaData()
    tables: dict[str, sa.Table] = {}
    for name, required in (("alarm", _ALARM_REQUIRED), ("alarm_history", _HISTORY_REQUIRED)):
        if name not in names:
            raise AodhImportError(f"not an Aodh database: it has no table {name!r}")
        tables[name] = sa.Table(name, metadata, autoload_with=source)
        missing = required - set(tables[name].c.keys())
        if missing:
            raise AodhImportError(f"not an Aodh database: table {name!r} has no column "
                                  f"{', '.join(sorted(missing))}")
    if "actions_enabled" in tables["alarm"].c:
        raise AodhImportError("this is an alarmapi database, not Aodh's")
    if "quota" in names:
        tables["quota"] = sa.Table("quota", metadata, autoload_with=source)
    return tables


def _batches(source: sa.Connection, table: sa.Table, key: str) -> Iterator[list[Any]]:
    """The table's rows in key order, a batch at a time, on a server-side cursor."""
    result = source.execution_options(stream_results=True, yield_per=BATCH).execute(
        sa.select(table).order_by(table.c[key]))
    for partition in result.partitions(BATCH):
        yield list(partition)


def _copy(target: sa.Connection, table: sa.Table, key: str,
          rows: Iterable[dict[str, Any]]) -> tuple[int, int]:
    """Insert the rows whose ``key`` the target lacks; (added, already present)."""
    wanted = list(rows)
    if not wanted:
        return 0, 0
    present = set(target.execute(sa.select(table.c[key]).where(
        table.c[key].in_([row[key] for row in wanted]))).scalars())
    new = [row for row in wanted if row[key] not in present]
    if new:
        target.execute(table.insert(), new)
    return len(new), len(wanted) - len(new)


def _with_alarm(target: sa.Connection, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The history entries whose alarm is in the target."""
    known = set(target.execute(sa.select(alarm_table.c.alarm_id).where(
        alarm_table.c.alarm_id.in_({entry["alarm_id"] for entry in entries}))).scalars())
    return [entry for entry in entries if entry["alarm_id"] in known]


def _copy_quotas(target: sa.Connection, source: sa.Connection, table: sa.Table,
                 report: ImportReport) -> None:
    """Aodh's per-project quotas become alarmapi's project quotas (user_id empty)."""
    stored = {(row.project_id, row.resource) for row in target.execute(
        sa.select(quota_table.c.project_id, quota_table.c.resource).where(
            quota_table.c.user_id == ""))}
    for row in source.execute(sa.select(table)):
        data = row._mapping
        resource = data.get("resource") or QUOTA_RESOURCE
        if (data["project_id"], resource) in stored:
            report.quotas_present += 1
            continue
        target.execute(quota_table.insert().values(**_fits(quota_table, {
            "project_id": data["project_id"], "user_id": "", "resource": resource,
            "limit": int(data["limit"])}, f"quota of project {data['project_id']}")))
        report.quotas += 1


def import_aodh(source_url: str, target: sa.Engine, now: datetime.datetime) -> ImportReport:
    """Copy an Aodh database's alarms, history and quotas into ``target`` (whose schema
    is at head) in one transaction; rows already there (same id) are kept as they are.

    Raises AodhImportError, with nothing written, when the source is not an Aodh database
    or a row cannot be stored.
    """
    started = time.perf_counter()
    report = ImportReport()
    source_engine = sql_engine.create_engine(source_url)
    try:
        with source_engine.connect() as source, target.begin() as conn:
            tables = _source_tables(source)
            for batch in _batches(source, tables["alarm"], "alarm_id"):
                rows = [alarm_values(row, now) for row in batch]
                added, present = _copy(conn, alarm_table, "alarm_id", rows)
                report.alarms += added
                report.alarms_present += present
            for batch in _batches(source, tables["alarm_history"], "event_id"):
                entries = _with_alarm(conn, [history_values(row) for row in batch])
                report.history_orphans += len(batch) - len(entries)
                added, present = _copy(conn, history_table, "event_id", entries)
                report.history += added
                report.history_present += present
            if "quota" in tables:
                _copy_quotas(conn, source, tables["quota"], report)
    except sa.exc.SQLAlchemyError as exc:
        raise AodhImportError(f"the import failed and was rolled back: {exc}") from exc
    finally:
        source_engine.dispose()
    report.seconds = time.perf_counter() - started
    return report
