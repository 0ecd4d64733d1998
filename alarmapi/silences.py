"""Native silences: while an alarm matches an active silence its transitions are
recorded as usual but nobody is notified. Framework-free: the API validates with
``check``, the notifier asks ``silencing`` and the evaluator ``resolved_by``."""

from __future__ import annotations

import dataclasses
import datetime
import logging
import re
from collections.abc import Iterable, Mapping
from typing import Any

from alarmapi import errors, time_constraints

LOG = logging.getLogger(__name__)

#: Alarm fields a matcher may name, and how it compares.
FIELDS = ("name", "alarm_id", "severity", "type")
OPERATORS = ("=", "!=", "=~", "!~")
MAX_MATCHERS = 16
MAX_VALUE_LENGTH = 255


@dataclasses.dataclass(frozen=True)
class Matcher:
    """``field op value``; regular expressions match the whole value (Alertmanager's)."""

    field: str
    op: str
    value: str

    def matches(self, fields: Mapping[str, str | None]) -> bool:
        """Whether the alarm's field satisfies the matcher."""
        actual = fields.get(self.field) or ""
        if self.op in ("=", "!="):
            found = actual == self.value
        else:
            try:
                found = re.fullmatch(self.value, actual) is not None
            except re.error:  # stored before it was checked: it matches nothing
                return False
        return found if self.op in ("=", "=~") else not found


@dataclasses.dataclass
class Silence:
    """A project's silence: when it applies and to which alarms."""

    id: str
    project_id: str | None
    matchers: list[Matcher]
    starts_at: datetime.datetime
    ends_at: datetime.datetime | None
    #: A recurring window (Aodh's time constraint shape: start cron, duration, timezone).
    recurrence: dict[str, Any] | None
    comment: str
    created_by: str | None
    created_at: datetime.datetime
    #: Ends as soon as an alarm it silences returns to ok (an acknowledgement when it
    #: silences one alarm).
    expire_on_resolve: bool = False

    def matches(self, fields: Mapping[str, str | None]) -> bool:
        """Whether the silence applies to an alarm with these fields."""
        return all(m.matches(fields) for m in self.matchers)

    def active_until(self, now: datetime.datetime) -> datetime.datetime | None:
        """When the silence's current window ends, or None when it is not active now.
        A silence active without end (until resolved) ends at ``datetime.max``."""
        if now < self.starts_at or (self.ends_at is not None and now >= self.ends_at):
            return None
        end = self.ends_at or datetime.datetime.max
        if self.recurrence is None:
            return end
        if not time_constraints.is_active(self.recurrence, now):
            return None
        started = time_constraints.last_start(self.recurrence, now)
        return min(end, started + datetime.timedelta(seconds=int(self.recurrence["duration"])))


def alarm_fields(alarm_id: str, name: str, severity: str, alarm_type: str
                 ) -> dict[str, str | None]:
    """The fields matchers compare, of one alarm."""
    return {"alarm_id": alarm_id, "name": name, "severity": severity, "type": alarm_type}


def silencing(silences: Iterable[Silence], fields: Mapping[str, str | None],
              now: datetime.datetime) -> tuple[Silence, datetime.datetime] | None:
    """The active silence that applies to the alarm the longest, with its end."""
    found = []
    for silence in silences:
        try:
            end = silence.active_until(now) if silence.matches(fields) else None
        except Exception:  # a silence stored unusable holds nothing back, breaks nothing
            LOG.warning("silence %s cannot be applied", silence.id, exc_info=True)
            continue
        if end is not None:
            found.append((silence, end))
    return max(found, key=lambda pair: pair[1]) if found else None


def check_matchers(raw: Any) -> list[Matcher]:
    """The matchers of a request; InvalidInput naming the one that is wrong."""
    if not isinstance(raw, list) or not raw:
        raise errors.InvalidInput("matchers", raw, "a non-empty list of {field, op, value} "
                                  "objects is required")
    if len(raw) > MAX_MATCHERS:
        raise errors.InvalidInput("matchers", len(raw), f"at most {MAX_MATCHERS} are allowed")
    matchers = []
    for index, item in enumerate(raw):
        where = f"matchers[{index}]"
        if not isinstance(item, Mapping):
            raise errors.InvalidInput(where, item, "an object with field, op and value is "
                                      "required")
        field, op, value = item.get("field"), item.get("op", "="), item.get("value")
        if field not in FIELDS:
            raise errors.InvalidInput(f"{where}.field", field, f"one of {', '.join(FIELDS)}")
        if op not in OPERATORS:
            raise errors.InvalidInput(f"{where}.op", op, f"one of {', '.join(OPERATORS)}")
        if not isinstance(value, str) or len(value) > MAX_VALUE_LENGTH:
            raise errors.InvalidInput(f"{where}.value", value, f"a string of at most "
                                      f"{MAX_VALUE_LENGTH} characters is required")
        if op in ("=~", "!~"):
            try:
                re.compile(value)
            except re.error as exc:
                raise errors.InvalidInput(f"{where}.value", value,
                                          f"not a valid regular expression: {exc}") from exc
        matchers.append(Matcher(str(field), str(op), value))
    return matchers


def check_recurrence(raw: Any) -> dict[str, Any] | None:
    """A recurring window: a cron ``start``, a ``duration`` in seconds, a ``timezone``."""
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        raise errors.InvalidInput("recurrence", raw, "an object with start, duration and "
                                  "timezone is required")
    start, duration, zone = raw.get("start"), raw.get("duration"), raw.get("timezone") or ""
    if not isinstance(start, str):
        raise errors.InvalidInput("recurrence.start", start, "a cron expression is required")
    try:
        time_constraints.check_start(start)
        time_constraints.load_timezone(str(zone))
    except time_constraints.InvalidTimeConstraint as exc:
        raise errors.InvalidInput("recurrence", dict(raw), exc.reason) from exc
    if isinstance(duration, bool) or not isinstance(duration, int) or \
            not 1 <= duration <= 366 * 86400:
        raise errors.InvalidInput("recurrence.duration", duration,
                                  "seconds from 1 to 31622400 are required")
    return {"start": start, "duration": duration, "timezone": str(zone)}
