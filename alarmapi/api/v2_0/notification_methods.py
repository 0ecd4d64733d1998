"""/v2.0/notification-methods: a project's named destinations (Monasca's shapes)."""

from __future__ import annotations

import uuid
from typing import Any

import pecan
import webob

from alarmapi import clock
from alarmapi import notification_methods as methods
from alarmapi.api.v2_0.base import (
    context,
    endpoint,
    integer,
    json_object,
    json_response,
    page,
    tenant,
)
from alarmapi.metrics.errors import MalformedRequest, MethodNotAllowed, MetricsError, NotFound
from alarmapi.notification_methods import InvalidMethod, NotificationMethod
from alarmapi.storage.sql.methods import SORT_FIELDS

DEFAULT_LIMIT = 10_000


def _body() -> dict[str, Any]:
    body = json_object("name, type, address and period")
    unknown = sorted(set(body) - {"name", "type", "address", "period"})
    if unknown:
        raise MalformedRequest(f"extra keys not allowed: {', '.join(unknown)}")
    return body


def _checked(ctx: Any, body: dict[str, Any]) -> tuple[str, str, str, int]:
    name, kind, address, period = methods.check(
        body.get("name"), body.get("type"), body.get("address"), body.get("period", 0),
        ctx.services.conf.notifier.valid_notification_periods)
    if kind in (methods.MethodType.WEBHOOK, methods.MethodType.ALERTMANAGER):
        reason = ctx.services.action_rules.refusal(address)
        if reason is not None:
            raise InvalidMethod(f"Address {address} is not allowed: {reason}")
    return name, kind.value, address, period


def _render(method: NotificationMethod, href: str) -> dict[str, Any]:
    return {"id": method.id, "links": [{"rel": "self", "href": href}], "name": method.name,
            "type": method.type, "address": method.address, "period": method.period}


def _sort_by(value: str | None) -> list[tuple[str, str]]:
    keys = []
    for item in (value or "").split(","):
        if not item.strip():
            continue
        field, _, direction = item.strip().partition(" ")
        direction = direction.strip().lower() or "asc"
        if field not in SORT_FIELDS:
            raise MetricsError(f"sort_by field {field} must be one of {list(SORT_FIELDS)}")
        if direction not in ("asc", "desc"):
            raise MetricsError(f"sort_by direction {direction} must be asc or desc")
        keys.append((field, direction))
    return keys


def _missing(method_id: str) -> NotFound:
    return NotFound(f"No notification method {method_id} exists")


class NotificationMethodController:
    """/v2.0/notification-methods/{id}."""

    def __init__(self, method_id: str) -> None:
        self.method_id = method_id

    def _existing(self, ctx: Any) -> NotificationMethod:
        method = ctx.storage.methods.get(self.method_id, tenant(ctx))
        if method is None:
            raise _missing(self.method_id)
        return method

    @endpoint()
    def index(self, **_params: str) -> Any:
        """GET, PUT, PATCH or DELETE one method."""
        ctx = context()
        verb = pecan.request.method
        project = tenant(ctx)
        target: dict[str, object] = {"project_id": project}
        if verb == "GET":
            ctx.enforce("notification_methods:get", target)
            return _render(self._existing(ctx), pecan.request.path_url)
        if verb == "DELETE":
            ctx.enforce("notification_methods:delete", target)
            if not ctx.storage.methods.delete(self.method_id, project):
                raise _missing(self.method_id)
            return webob.Response(status=204)
        if verb not in ("PUT", "PATCH"):
            raise MethodNotAllowed(verb)
        ctx.enforce("notification_methods:update", target)
        existing = self._existing(ctx)
        body = _body()
        if verb == "PATCH":
            body = {"name": existing.name, "type": existing.type,
                    "address": existing.address, "period": existing.period, **body}
        name, kind, address, period = _checked(ctx, body)
        updated = NotificationMethod(existing.id, existing.project_id, name, kind, address,
                                     period, existing.created_at, clock.utcnow())
        if not ctx.storage.methods.update(updated):  # DuplicateName: a 409
            raise _missing(self.method_id)
        return _render(updated, pecan.request.path_url)


class TypesController:
    """/v2.0/notification-methods/types."""

    @endpoint()
    def index(self, **_params: str) -> Any:
        """The method types this service delivers."""
        ctx = context()
        ctx.enforce("notification_methods:get", {"project_id": tenant(ctx)})
        return page([{"type": t.value} for t in methods.MethodType], None)


class NotificationMethodsController:
    """/v2.0/notification-methods."""

    types = TypesController()

    @endpoint()
    def index(self, **params: str) -> Any:
        """GET lists the project's methods, POST creates one."""
        ctx = context()
        project = tenant(ctx)
        target: dict[str, object] = {"project_id": project}
        if pecan.request.method == "POST":
            ctx.enforce("notification_methods:create", target)
            return self._create(ctx)
        if pecan.request.method != "GET":
            raise MethodNotAllowed(pecan.request.method)
        ctx.enforce("notification_methods:get", target)
        limit = integer(params.get("limit"), "limit") or DEFAULT_LIMIT
        offset = integer(params.get("offset"), "offset", minimum=0) or 0
        found = ctx.storage.methods.list(project, _sort_by(params.get("sort_by")), offset,
                                         limit + 1)
        base = pecan.request.path_url.rstrip("/")
        elements = [_render(m, f"{base}/{m.id}") for m in found[:limit]]
        return page(elements, str(offset + limit) if len(found) > limit else None)

    @staticmethod
    def _create(ctx: Any) -> Any:
        name, kind, address, period = _checked(ctx, _body())
        now = clock.utcnow()
        method = NotificationMethod(str(uuid.uuid4()), tenant(ctx), name, kind,
                                    address, period, now, now)
        ctx.storage.methods.create(method)  # DuplicateName: a 409
        href = f"{pecan.request.path_url.rstrip('/')}/{method.id}"
        response = json_response(_render(method, href), 201)
        response.location = href
        return response

    @pecan.expose()
    def _lookup(self, method_id: str, *remainder: str) -> Any:
        """Route /{id} to the one-method controller."""
        return NotificationMethodController(method_id), remainder
