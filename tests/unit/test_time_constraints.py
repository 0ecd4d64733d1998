"""Cron time constraints across time zones, DST changes and minute boundaries."""

from __future__ import annotations

import datetime

import pytest

from alarmapi import time_constraints

UTC = datetime.UTC
CASES = [
    # (start, duration, timezone, now in UTC, active)
    ("0 8 * * *", 3600, "", datetime.datetime(2026, 3, 2, 8, 0, tzinfo=UTC), True),
    ("0 8 * * *", 3600, "", datetime.datetime(2026, 3, 2, 9, 0, tzinfo=UTC), True),
    ("0 8 * * *", 3600, "", datetime.datetime(2026, 3, 2, 9, 0, 1, tzinfo=UTC), False),
    ("0 8 * * *", 3600, "", datetime.datetime(2026, 3, 2, 7, 59, 59, tzinfo=UTC), False),
    # 08:00 Ljubljana is 07:00 UTC in winter and 06:00 UTC in summer (DST on 29 March).
    ("0 8 * * *", 1800, "Europe/Ljubljana", datetime.datetime(2026, 3, 27, 7, 10, tzinfo=UTC),
     True),
    ("0 8 * * *", 1800, "Europe/Ljubljana", datetime.datetime(2026, 3, 30, 7, 10, tzinfo=UTC),
     False),
    ("0 8 * * *", 1800, "Europe/Ljubljana", datetime.datetime(2026, 3, 30, 6, 10, tzinfo=UTC),
     True),
    # A window crossing midnight, weekdays only (Friday 23:00 + 3 h reaches Saturday).
    ("0 23 * * 1-5", 10800, "", datetime.datetime(2026, 11, 28, 1, 0, tzinfo=UTC), True),
    ("0 23 * * 1-5", 10800, "", datetime.datetime(2026, 11, 29, 1, 0, tzinfo=UTC), False),
    # US Eastern, autumn fall-back day (1 November 2026): 09:00 local is 14:00 UTC.
    ("0 9 * * *", 600, "America/New_York", datetime.datetime(2026, 11, 1, 14, 5, tzinfo=UTC),
     True),
    ("0 9 * * *", 600, "America/New_York", datetime.datetime(2026, 11, 1, 13, 5, tzinfo=UTC),
     False),
]


@pytest.mark.parametrize(("start", "duration", "tz", "now", "active"), CASES)
def test_is_active(start: str, duration: int, tz: str, now: datetime.datetime,
                   active: bool) -> None:
    constraint = {"start": start, "duration": duration, "timezone": tz}
    assert time_constraints.is_active(constraint, now) is active


def test_naive_now_is_utc() -> None:
    constraint = {"start": "0 8 * * *", "duration": 60, "timezone": ""}
    assert time_constraints.is_active(constraint, datetime.datetime(2026, 1, 1, 8, 0, 30))


def test_no_constraints_means_always() -> None:
    assert time_constraints.any_active([], datetime.datetime(2026, 1, 1))


@pytest.mark.parametrize("bad", ["not a cron", "61 * * * *", ""])
def test_bad_cron(bad: str) -> None:
    with pytest.raises(time_constraints.InvalidTimeConstraint):
        time_constraints.check_start(bad)


def test_bad_timezone() -> None:
    with pytest.raises(time_constraints.InvalidTimeConstraint, match="Mars/Olympus"):
        time_constraints.load_timezone("Mars/Olympus")


#: Stored constraints no release should have written: each is refused by name.
UNUSABLE = [
    ({"start": "0 0 31 2 *", "duration": 60}, "start"),
    ({"start": "0 8 * * *", "duration": None}, "duration"),
    ({"start": "0 8 * * *", "duration": 0}, "duration"),
    ({"start": "0 8 * * *", "duration": -5}, "duration"),
    ({"start": "0 8 * * *", "duration": "60"}, "duration"),
    ({"start": "0 8 * * *", "duration": True}, "duration"),
    ({"start": None, "duration": 60}, "start"),
    ({"start": "every day", "duration": 60}, "start"),
    ({"start": "0 8 * * *", "duration": 60, "timezone": "Mars/Olympus"}, "timezone"),
    ({"start": "0 8 * * *", "duration": 60, "timezone": 7}, "timezone"),
    ("0 8 * * *", "time_constraints"),
    (None, "time_constraints"),
]


@pytest.mark.parametrize(("stored", "field"), UNUSABLE)
def test_unusable_stored_constraints_name_their_field(stored: object, field: str) -> None:
    with pytest.raises(time_constraints.InvalidTimeConstraint) as raised:
        time_constraints.is_active(stored, datetime.datetime(2026, 1, 1))
    assert raised.value.field == field
    with pytest.raises(time_constraints.InvalidTimeConstraint):
        time_constraints.any_active([stored], datetime.datetime(2026, 1, 1))


@pytest.mark.parametrize("stored", [{"a": 1}, "x", 5])
def test_constraints_that_are_not_a_list_are_refused(stored: object) -> None:
    with pytest.raises(time_constraints.InvalidTimeConstraint):
        time_constraints.any_active(stored, datetime.datetime(2026, 1, 1))


def test_a_cron_that_never_fires_is_refused_at_check_time() -> None:
    with pytest.raises(time_constraints.InvalidTimeConstraint, match="never fires"):
        time_constraints.check_start("0 0 31 2 *")
    time_constraints.check_start("0 0 29 2 *")  # a leap day fires every four years
