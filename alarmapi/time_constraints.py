"""Cron time constraints: validation and whether one is active at a moment."""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Iterable, Mapping
from typing import Any

import croniter


class InvalidTimeConstraint(ValueError):
    """A constraint's start or timezone cannot be used."""


def check_start(start: str) -> None:
    """Raise InvalidTimeConstraint when ``start`` is not a cron expression."""
    try:
        croniter.croniter(start)
    except Exception as exc:  # croniter raises several unrelated types
        raise InvalidTimeConstraint(str(exc)) from exc


def load_timezone(name: str) -> datetime.tzinfo:
    """Return the tzinfo for ``name`` ('' means UTC)."""
    if not name:
        return datetime.UTC
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise InvalidTimeConstraint(f"Timezone {name} is not valid") from exc


def default_description(start: str, duration: int) -> str:
    """Aodh's default description of a constraint."""
    return f"Time constraint at {start} lasting for {duration} seconds"


def is_active(constraint: Mapping[str, Any], now: datetime.datetime) -> bool:
    """Tell whether ``now`` (aware, or naive UTC) lies inside the constraint.

    The last start at or before ``now`` is found in the constraint's own time zone,
    so a ``0 8 * * *`` constraint starts at 08:00 local time on both sides of DST.
    """
    if now.tzinfo is None:
        now = now.replace(tzinfo=datetime.UTC)
    start = _last_start(constraint, now)
    elapsed = (now - start).total_seconds()
    return 0 <= elapsed <= int(constraint["duration"])


def _last_start(constraint: Mapping[str, Any], now: datetime.datetime) -> datetime.datetime:
    """The constraint's last start at or before the aware ``now`` (aware, local)."""
    local_now = now.astimezone(load_timezone(constraint.get("timezone") or ""))
    # croniter's get_prev is strictly before its base: step a second ahead so a
    # start that falls exactly on ``now`` counts.
    base = local_now + datetime.timedelta(seconds=1)
    start: datetime.datetime = croniter.croniter(constraint["start"], base).get_prev(
        datetime.datetime)
    return start


def last_start(constraint: Mapping[str, Any], now: datetime.datetime) -> datetime.datetime:
    """The constraint's last start at or before naive-UTC ``now``, as naive UTC."""
    start = _last_start(constraint, now.replace(tzinfo=datetime.UTC))
    return start.astimezone(datetime.UTC).replace(tzinfo=None)


def any_active(constraints: Iterable[Mapping[str, Any]], now: datetime.datetime) -> bool:
    """True when there are no constraints or ``now`` lies inside one of them."""
    items = list(constraints)
    return not items or any(is_active(c, now) for c in items)
