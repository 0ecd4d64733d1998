"""Cron time constraints: validation and whether one is active at a moment.

A stored constraint is read through :func:`checked`: whatever a row holds (written by
an older release, by hand, or by a bug), it is either a usable constraint or an
:class:`InvalidTimeConstraint` naming the field, so it fails its own alarm only.
"""

from __future__ import annotations

import dataclasses
import datetime
import zoneinfo
from collections.abc import Iterable
from typing import Any

import croniter

from alarmapi import clock, errors

#: How far back and ahead a cron start must fire at least once (the longest gap
#: between two firings of a valid expression: a leap day on a weekday is 28 years).
CRON_SEARCH_YEARS = 50


class InvalidTimeConstraint(errors.InvalidInput):
    """A constraint's start, duration or timezone cannot be used; ``reason`` says why."""

    def __init__(self, reason: str, field: str = "time_constraints", value: Any = None
                 ) -> None:
        super().__init__(field, value, reason)


@dataclasses.dataclass(frozen=True)
class Constraint:
    """A usable time constraint: from each cron ``start`` for ``duration`` seconds."""

    start: str
    duration: int
    timezone: str = ""


def _cron(start: str, base: datetime.datetime) -> croniter.croniter:
    return croniter.croniter(start, base, max_years_between_matches=CRON_SEARCH_YEARS)


def check_syntax(start: str) -> None:
    """Raise InvalidTimeConstraint when ``start`` is not a cron expression."""
    try:
        croniter.croniter(start)
    except Exception as exc:  # croniter raises several unrelated types
        raise InvalidTimeConstraint(str(exc), "start", start) from exc


def check_start(start: str, now: datetime.datetime | None = None) -> None:
    """Raise InvalidTimeConstraint when ``start`` is not a cron expression, or one
    with no firing within CRON_SEARCH_YEARS before or after ``now`` (``0 0 31 2 *``)."""
    base = now or clock.utcnow()
    check_syntax(start)
    try:
        _cron(start, base).get_prev(datetime.datetime)
        _cron(start, base).get_next(datetime.datetime)
    except Exception as exc:  # CroniterBadDateError, or an overflow near the epoch
        raise InvalidTimeConstraint(
            f"the cron expression never fires within {CRON_SEARCH_YEARS} years",
            "start", start) from exc


def load_timezone(name: str) -> datetime.tzinfo:
    """Return the tzinfo for ``name`` ('' means UTC)."""
    if not name:
        return datetime.UTC
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise InvalidTimeConstraint(f"Timezone {name} is not valid", "timezone",
                                    name) from exc


def check_duration(duration: Any) -> int:
    """The duration in seconds; InvalidTimeConstraint unless a positive integer."""
    if isinstance(duration, bool) or not isinstance(duration, int) or duration < 1:
        raise InvalidTimeConstraint(
            "a whole number of seconds of at least 1 is required", "duration",
            duration)
    return duration


def default_description(start: str, duration: int) -> str:
    """Aodh's default description of a constraint."""
    return f"Time constraint at {start} lasting for {duration} seconds"


def checked(stored: Any) -> Constraint:
    """The usable constraint a stored (or given) mapping describes."""
    if not isinstance(stored, dict):
        raise InvalidTimeConstraint("a time constraint must be an object",
                                    "time_constraints", stored)
    start, zone = stored.get("start"), stored.get("timezone") or ""
    if not isinstance(start, str):
        raise InvalidTimeConstraint("Mandatory field missing.", "start", start)
    if not isinstance(zone, str):
        raise InvalidTimeConstraint("a time zone name is a string", "timezone", zone)
    duration = check_duration(stored.get("duration"))
    load_timezone(zone)
    check_syntax(start)
    return Constraint(start, duration, zone)


def is_active(constraint: Any, now: datetime.datetime) -> bool:
    """Tell whether ``now`` (aware, or naive UTC) lies inside the constraint.

    The last start at or before ``now`` is found in the constraint's own time zone,
    so a ``0 8 * * *`` constraint starts at 08:00 local time on both sides of DST.
    InvalidTimeConstraint when the constraint is unusable.
    """
    usable = checked(constraint)
    if now.tzinfo is None:
        now = now.replace(tzinfo=datetime.UTC)
    start = _last_start(usable, now)
    elapsed = (now - start).total_seconds()
    return 0 <= elapsed <= usable.duration


def _last_start(constraint: Constraint, now: datetime.datetime) -> datetime.datetime:
    """The constraint's last start at or before the aware ``now`` (aware, local)."""
    local_now = now.astimezone(load_timezone(constraint.timezone))
    # croniter's get_prev is strictly before its base: step a second ahead so a
    # start that falls exactly on ``now`` counts.
    base = local_now + datetime.timedelta(seconds=1)
    try:
        start: datetime.datetime = _cron(constraint.start, base).get_prev(datetime.datetime)
    except Exception as exc:  # a start that never fires, stored before it was checked
        raise InvalidTimeConstraint(
            f"the cron expression never fires within {CRON_SEARCH_YEARS} years",
            "start", constraint.start) from exc
    return start


def last_start(constraint: Any, now: datetime.datetime) -> datetime.datetime:
    """The constraint's last start at or before naive-UTC ``now``, as naive UTC."""
    start = _last_start(checked(constraint), now.replace(tzinfo=datetime.UTC))
    return start.astimezone(datetime.UTC).replace(tzinfo=None)


def any_active(constraints: Any, now: datetime.datetime) -> bool:
    """True when there are no constraints or ``now`` lies inside one of them;
    InvalidTimeConstraint when they are not a list of usable constraints."""
    if constraints is None:
        return True
    if not isinstance(constraints, list):
        raise InvalidTimeConstraint("time constraints must be a list", "time_constraints",
                                    constraints)
    items: Iterable[Any] = constraints
    return not constraints or any(is_active(c, now) for c in items)


def check_all(given: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Check a new alarm's constraints (wire form): names unique, starts that fire,
    durations positive, time zones real; a 400 naming ``time_constraints[i].<field>``.
    Return them as stored (each one usable by :func:`checked`). The search for a firing
    (up to CRON_SEARCH_YEARS each way) runs here only, once per constraint."""
    names = [tc.get("name") for tc in given]
    if len(names) != len(set(names)):
        raise errors.ClientError("Time constraint names must be unique for a given alarm.")
    for index, tc in enumerate(given):
        try:
            load_timezone(tc.get("timezone") or "")
        except InvalidTimeConstraint as exc:
            raise errors.ClientError(exc.reason) from exc  # Aodh's words
        try:
            checked(tc)
            check_start(tc["start"])
        except InvalidTimeConstraint as exc:
            raise errors.InvalidInput(f"time_constraints[{index}].{exc.field}", exc.value,
                                      exc.reason) from exc
    return given
