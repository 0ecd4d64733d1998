"""/v2/silences (an alarmapi extension): mute alarms for a while without disabling them.

A silence names the alarms it applies to with matchers over their fields, and when:
from ``starts_at`` (default now) to ``ends_at``, within a recurring window, or until the
alarm returns to ok (``expire_on_resolve``; ``alarm_id`` alone acknowledges one alarm).
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import pecan
import wsme
from pecan import rest
from wsme import types as wtypes

from alarmapi import clock, errors, model, silences
from alarmapi.api.context import RequestContext
from alarmapi.api.v2.expose import wsexpose
from alarmapi.api.v2.simple_query import check_limit
from alarmapi.api.v2.wsbase import Base

DEFAULT_LIMIT = 1000


class Matcher(Base):
    """``field op value`` over an alarm's name, alarm_id, severity or type."""

    field: Any = wtypes.text
    op: Any = wtypes.text
    value: Any = wtypes.text


class Recurrence(Base):
    """A recurring window: from each cron ``start`` for ``duration`` seconds."""

    start: Any = wtypes.text
    duration: Any = int
    timezone: Any = wtypes.text


class Silence(Base):
    """A silence, as created and shown."""

    id: Any = wtypes.text
    project_id: Any = wtypes.text
    matchers: Any = [Matcher]
    #: Acknowledge one alarm: silence it until it returns to ok.
    alarm_id: Any = wtypes.text
    starts_at: Any = datetime.datetime
    ends_at: Any = datetime.datetime
    recurrence: Any = Recurrence
    comment: Any = wtypes.text
    expire_on_resolve: Any = bool
    created_by: Any = wtypes.text
    created_at: Any = datetime.datetime
    #: active, pending (not begun, or between recurring windows) or expired.
    status: Any = wtypes.text
    #: When the current window ends (active silences).
    active_until: Any = datetime.datetime


def _set(value: Any) -> bool:
    return value is not wsme.Unset and value is not None


def _matchers(data: Silence) -> list[dict[str, Any]]:
    raw = [m.as_dict_from_keys(["field", "op", "value"]) if isinstance(m, Matcher) else m
           for m in (data.matchers if _set(data.matchers) else [])]
    if _set(data.alarm_id):
        raw.append({"field": "alarm_id", "op": "=", "value": data.alarm_id})
    return raw


def build(data: Silence, ctx: RequestContext, now: datetime.datetime) -> silences.Silence:
    """Check a POST body and build the silence it describes (400 naming the field)."""
    if _set(data.alarm_id) and ctx.storage.get_alarm(data.alarm_id,
                                                     ctx.caller.scope) is None:
        raise errors.AlarmNotFound(data.alarm_id)
    matchers = silences.check_matchers(_matchers(data))
    recurrence = silences.check_recurrence(
        data.recurrence.as_dict_from_keys(["start", "duration", "timezone"])
        if _set(data.recurrence) else None)
    starts = model.naive_utc(data.starts_at) if _set(data.starts_at) else now
    ends = model.naive_utc(data.ends_at) if _set(data.ends_at) else None
    resolve = bool(data.expire_on_resolve) if _set(data.expire_on_resolve) else \
        _set(data.alarm_id)
    if ends is None and recurrence is None and not resolve:
        raise errors.InvalidInput("ends_at", None, "a silence needs an end: ends_at, a "
                                  "recurrence or expire_on_resolve")
    if ends is not None and ends <= starts:
        raise errors.InvalidInput("ends_at", ends.isoformat(),
                                  f"it must come after starts_at ({starts.isoformat()})")
    comment = data.comment if _set(data.comment) else ""
    if len(comment) > 4096:
        raise errors.InvalidInput("comment", comment[:40] + "...",
                                  "at most 4096 characters are allowed")
    project = ctx.caller.project_id
    if _set(data.project_id) and data.project_id != project:
        if not ctx.caller.is_admin:
            raise errors.NotAuthorized(f"Not Authorized to access project {data.project_id}")
        project = data.project_id
    return silences.Silence(str(uuid.uuid4()), project, matchers, starts, ends, recurrence,
                            comment, ctx.caller.user_id, now, resolve)


def render(silence: silences.Silence, now: datetime.datetime) -> Silence:
    """The wire form of a silence at ``now``."""
    until = silence.active_until(now)
    ended = silence.ends_at is not None and silence.ends_at <= now
    status = "active" if until is not None else "expired" if ended else "pending"
    fields: dict[str, Any] = dict(
        id=silence.id, project_id=silence.project_id, comment=silence.comment,
        matchers=[Matcher(field=m.field, op=m.op, value=m.value) for m in silence.matchers],
        starts_at=silence.starts_at, expire_on_resolve=silence.expire_on_resolve,
        created_by=silence.created_by, created_at=silence.created_at, status=status)
    if silence.ends_at is not None:
        fields["ends_at"] = silence.ends_at
    if silence.recurrence is not None:
        fields["recurrence"] = Recurrence(**silence.recurrence)
    if until is not None and until != datetime.datetime.max:
        fields["active_until"] = until
    return Silence(**fields)


def _ctx() -> RequestContext:
    ctx: RequestContext = pecan.request.ctx
    return ctx


class SilenceController(rest.RestController):
    """/v2/silences/{id}."""

    def __init__(self, silence_id: str) -> None:
        self._id = silence_id

    def _silence(self, ctx: RequestContext) -> silences.Silence:
        silence = ctx.storage.silences.get(self._id, ctx.caller.scope)
        if silence is None:
            raise errors.SilenceNotFound(self._id)
        return silence

    @wsexpose(Silence)
    def get(self) -> Any:
        """The silence."""
        ctx = _ctx()
        ctx.enforce("silences:get")
        return render(self._silence(ctx), clock.utcnow())

    @wsexpose(None, status_code=204)
    def delete(self) -> None:
        """Expire the silence now (it stays listed with ?expired=true)."""
        ctx = _ctx()
        ctx.enforce("silences:delete")
        self._silence(ctx)
        ctx.storage.silences.expire(self._id, ctx.caller.scope, clock.utcnow())


class SilencesController(rest.RestController):
    """/v2/silences."""

    @pecan.expose()
    def _lookup(self, silence_id: str, *remainder: str) -> Any:
        return SilenceController(silence_id), remainder

    @wsexpose(Silence, body=Silence, status_code=201)
    def post(self, data: Silence) -> Any:
        """Create a silence of the caller's project."""
        ctx = _ctx()
        ctx.enforce("silences:create")
        now = clock.utcnow()
        silence = ctx.storage.silences.create(build(data, ctx, now))
        pecan.response.headers["Location"] = \
            f"{pecan.request.path_url.rstrip('/')}/{silence.id}"
        return render(silence, now)

    @wsexpose([Silence], bool, int)
    def get_all(self, expired: bool = False, limit: int | None = None) -> Any:
        """The project's silences (every project's for an admin), newest first; ended
        ones too with ``expired=true``."""
        ctx = _ctx()
        ctx.enforce("silences:get")
        now = clock.utcnow()
        found = ctx.storage.silences.find(ctx.caller.scope, now, bool(expired),
                                          check_limit(limit) or DEFAULT_LIMIT)
        return [render(s, now) for s in found]
