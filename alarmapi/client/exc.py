"""Errors the client raises: one HTTPException subclass per status, carrying the
server's message (Aodh's faultstring or Monasca's description)."""

from __future__ import annotations

import json
from typing import Any


class ClientException(Exception):
    """Base of every client error."""


class CommandError(ClientException):
    """A command line that cannot be run as given."""


class ConnectionFailed(ClientException):
    """The server could not be reached."""


class HTTPException(ClientException):
    """An error answer; ``code`` is the HTTP status, ``message`` the server's reason."""

    code = 0

    def __init__(self, message: str = "", code: int | None = None,
                 details: Any = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code
        self.message = message
        self.details = details

    def __str__(self) -> str:
        return f"HTTP {self.code}: {self.message}"


class BadRequest(HTTPException):
    """400."""

    code = 400


class Unauthorized(HTTPException):
    """401."""

    code = 401


class Forbidden(HTTPException):
    """403."""

    code = 403


class NotFound(HTTPException):
    """404."""

    code = 404


class MethodNotAllowed(HTTPException):
    """405."""

    code = 405


class Conflict(HTTPException):
    """409."""

    code = 409


class UnprocessableEntity(HTTPException):
    """422."""

    code = 422


class InternalServerError(HTTPException):
    """500."""

    code = 500


class ServiceUnavailable(HTTPException):
    """503."""

    code = 503


_BY_CODE = {cls.code: cls for cls in (BadRequest, Unauthorized, Forbidden, NotFound,
                                      MethodNotAllowed, Conflict, UnprocessableEntity,
                                      InternalServerError, ServiceUnavailable)}


def message_of(body: str) -> tuple[str, Any]:
    """The server's reason in an error body, and the parsed body."""
    try:
        data = json.loads(body)
    except ValueError:
        return body.strip(), None
    if isinstance(data, dict):
        fault = data.get("error_message")
        if isinstance(fault, dict) and "faultstring" in fault:
            return str(fault["faultstring"]), data
        if isinstance(fault, str):
            return fault, data
        if "description" in data:
            return str(data["description"]), data
    return body.strip(), data


def from_response(status: int, body: str) -> HTTPException:
    """The exception for an error answer."""
    message, details = message_of(body)
    cls = _BY_CODE.get(status, HTTPException)
    return cls(message, status, details)
