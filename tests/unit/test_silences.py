"""Silence matching and windows (table-driven): regular expressions match whole values,
negations, fixed and recurring windows in a time zone, until-resolved silences."""

from __future__ import annotations

import datetime

import pytest

from alarmapi import errors, silences

T0 = datetime.datetime(2026, 3, 28, 23, 30)  # Saturday, 00:30 in Paris (UTC+1)
FIELDS = silences.alarm_fields("a1", "web-hot", "critical", "threshold")


def _silence(matchers: list[tuple[str, str, str]], **fields: object) -> silences.Silence:
    values: dict[str, object] = dict(
        id="s", project_id="p", matchers=[silences.Matcher(*m) for m in matchers],
        starts_at=T0 - datetime.timedelta(days=1), ends_at=None, recurrence=None,
        comment="", created_by=None, created_at=T0, expire_on_resolve=False)
    values.update(fields)
    return silences.Silence(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(("matchers", "matches"), [
    ([("name", "=", "web-hot")], True),
    ([("name", "=", "web")], False),
    ([("name", "=~", "web-.*")], True),
    ([("name", "=~", "web")], False),          # the whole value must match
    ([("name", "!~", "db-.*"), ("severity", "=", "critical")], True),
    ([("severity", "!=", "critical")], False),
    ([("type", "=", "threshold"), ("alarm_id", "=", "a2")], False),
])
def test_matchers(matchers: list[tuple[str, str, str]], matches: bool) -> None:
    assert _silence(matchers).matches(FIELDS) is matches


@pytest.mark.parametrize(("fields", "now", "until"), [
    ({"ends_at": T0 + datetime.timedelta(hours=1)}, T0, T0 + datetime.timedelta(hours=1)),
    ({"ends_at": T0}, T0, None),                                  # ended
    ({"starts_at": T0 + datetime.timedelta(minutes=1)}, T0, None),  # not begun
    ({}, T0, datetime.datetime.max),                              # until resolved
    # Every night 00:00-02:00 Paris time: at 00:30 Paris it ends at 02:00 Paris (01:00 UTC).
    ({"recurrence": {"start": "0 0 * * *", "duration": 7200, "timezone": "Europe/Paris"}},
     T0, datetime.datetime(2026, 3, 29, 1, 0)),
    ({"recurrence": {"start": "0 0 * * *", "duration": 7200, "timezone": "Europe/Paris"}},
     T0 + datetime.timedelta(hours=3), None),
])
def test_windows(fields: dict[str, object], now: datetime.datetime,
                 until: datetime.datetime | None) -> None:
    assert _silence([("name", "=", "web-hot")], **fields).active_until(now) == until


def test_the_longest_active_silence_holds() -> None:
    short = _silence([("name", "=", "web-hot")], id="short",
                     ends_at=T0 + datetime.timedelta(minutes=5))
    long = _silence([("severity", "=", "critical")], id="long",
                    ends_at=T0 + datetime.timedelta(hours=5))
    other = _silence([("name", "=", "db")], id="other")
    held = silences.silencing([short, long, other], FIELDS, T0)
    assert held is not None and held[0].id == "long"
    assert silences.silencing([other], FIELDS, T0) is None


@pytest.mark.parametrize(("raw", "field"), [
    (None, "matchers"), ([], "matchers"), ([1], "matchers[0]"),
    ([{"field": "name", "value": 3}], "matchers[0].value"),
    ([{"field": "name", "value": "x"}] * 17, "matchers"),
])
def test_bad_matchers(raw: object, field: str) -> None:
    with pytest.raises(errors.InvalidInput) as caught:
        silences.check_matchers(raw)
    assert caught.value.field == field
