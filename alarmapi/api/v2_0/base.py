"""What every /v2.0 controller shares: caller, errors in Monasca's shape, paging links."""

from __future__ import annotations

import functools
import json
import logging
import urllib.parse
from collections.abc import Callable
from typing import Any

import pecan
import webob

from alarmapi.api import faults
from alarmapi.api.context import RequestContext
from alarmapi.api.identity import Caller
from alarmapi.metrics.errors import TITLES, MalformedRequest, MetricsError, NoTenant

LOG = logging.getLogger(__name__)
#: Roles a bare X-Auth-Token stands for in noauth mode (the seed's client sends only that).
TOKEN_ROLES = ("reader", "member")
#: The largest limit or offset a query takes.
MAX_INTEGER = 2**31 - 1


def context() -> RequestContext:
    """The request's context; in noauth mode a lone X-Auth-Token names the tenant."""
    ctx: RequestContext = pecan.request.ctx
    headers = pecan.request.headers
    if ctx.caller.project_id is None and ctx.services.conf.api.auth_mode == "noauth":
        token = headers.get("X-Auth-Token")
        if token:
            caller = Caller(user_id=headers.get("X-User-Id") or token, project_id=token,
                            roles=TOKEN_ROLES)
            ctx = RequestContext(ctx.services, caller)
    return ctx


def tenant(ctx: RequestContext) -> str:
    """The caller's tenant; 401 when the request names none."""
    if ctx.caller.project_id is None:
        raise NoTenant("no tenant: send X-Project-Id (or X-Auth-Token without keystone)")
    return ctx.caller.project_id


def json_response(document: Any, status: int = 200) -> webob.Response:
    """A JSON answer."""
    return webob.Response(body=json.dumps(document).encode(), status=status,
                          content_type="application/json", charset="UTF-8")


def error_response(status: int, description: str) -> webob.Response:
    """A Monasca error document."""
    return json_response({"title": TITLES.get(status, "Error"), "description": description},
                         status)


def endpoint(status: int = 200) -> Callable[[Callable[..., Any]], Any]:
    """Expose a JSON endpoint; domain errors become Monasca error documents."""

    def decorate(f: Callable[..., Any]) -> Any:
        @functools.wraps(f)
        def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
            try:
                query = pecan.request.GET
                repeated = sorted({k for k in query if len(query.getall(k)) > 1})
                if repeated:
                    raise MetricsError(f"parameter(s) {', '.join(repeated)} given more "
                                       "than once")
                result = f(self, *args, **kwargs)
            except Exception as exc:  # the one error table, in Monasca's shape
                fault = faults.fault_of(exc, pecan.request.environ.get("openstack.request_id"))
                return error_response(fault.status, fault.message)
            if isinstance(result, webob.Response):
                return result
            if status == 204:
                return webob.Response(status=204)
            return json_response(result, status)

        return pecan.expose(content_type="application/json")(wrapper)

    return decorate


def json_object(what: str) -> dict[str, Any]:
    """The request body: a JSON object (400 otherwise; ``what`` says what it holds)."""
    try:
        body = json.loads(pecan.request.body or b"null")
    except ValueError as exc:
        raise MalformedRequest(f"Request body is not valid JSON: {exc}") from exc
    if not isinstance(body, dict):
        raise MalformedRequest(f"Request body must be a JSON object with {what}")
    return body


def integer(value: str | None, name: str, minimum: int = 1) -> int | None:
    """A positive integer query parameter, or None when absent."""
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except ValueError as exc:
        raise MetricsError(f"{name} must be an integer, not {value!r}") from exc
    if number < minimum:
        raise MetricsError(f"{name} must be at least {minimum}, not {number}")
    if number > MAX_INTEGER:
        raise MetricsError(f"{name} must be at most {MAX_INTEGER}, not {number}")
    return number


def legacy() -> bool:
    """Whether the client is one that expects the 2014 shape (see [metrics]
    legacy_user_agents): bare lists, no paging links."""
    agent = pecan.request.headers.get("User-Agent", "")
    return agent in pecan.request.ctx.services.conf.metrics.legacy_user_agents


def page(elements: list[Any], next_offset: str | None) -> Any:
    """Monasca's paged document: links (self, and next when there is more) and elements;
    a bare list for a legacy client."""
    if legacy():
        return elements
    request = pecan.request
    links = [{"rel": "self", "href": request.url}]
    if next_offset is not None:
        params = [(k, v) for k, v in request.GET.items() if k != "offset"]
        params.append(("offset", next_offset))
        links.append({"rel": "next",
                      "href": f"{request.path_url}?{urllib.parse.urlencode(params)}"})
    return {"links": links, "elements": elements}
