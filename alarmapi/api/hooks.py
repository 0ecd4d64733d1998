"""Pecan hooks: attach the request context; refuse bodies WSME cannot parse."""

from __future__ import annotations

import json
from typing import Any

import webob.exc
from pecan import hooks

from alarmapi.api import faults
from alarmapi.api.context import RequestContext, Services


class ContextHook(hooks.PecanHook):
    """Builds ``request.ctx`` (services and caller) before routing."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def before(self, state: Any) -> None:
        state.request.ctx = RequestContext.build(self.services, state.request.headers)


def client_fault(message: str) -> webob.exc.HTTPBadRequest:
    """A 400 carrying a WSME-style fault body (wrapped later in error_message)."""
    return webob.exc.HTTPBadRequest(body=json.dumps(faults.Fault(400, message).body()),
                                    content_type="application/json", charset="UTF-8")


class BodyShapeHook(hooks.PecanHook):
    """A JSON body that is not an object gets a 400 (WSME fails on it with a 500).

    Only the state PUT takes a bare JSON value (a string).
    """

    def before(self, state: Any) -> None:
        request = state.request
        if request.method not in ("POST", "PUT") or request.path.rstrip("/").endswith("/state"):
            return
        if not request.content_type.endswith("json"):
            return
        body = request.body.lstrip()
        if not body or body[:1] == b"{":
            return
        try:
            value = json.loads(body)
        except ValueError:
            return  # WSME answers "Request is not in valid JSON format"
        raise client_fault(
            f"Invalid input for field/attribute data. Value: '{value!r:.200}'. "
            "The request body must be a JSON object"
        )
