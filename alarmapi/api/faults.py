"""The one table from errors to HTTP: status and fault of any exception, and the
middleware wrapping every 4xx/5xx as Aodh's ``{"error_message": ...}``."""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Callable, Iterable
from typing import Any
from xml.etree import ElementTree

import webob
from wsme.utils import is_valid_code

from alarmapi import errors

LOG = logging.getLogger(__name__)

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


@dataclasses.dataclass(frozen=True)
class Fault:
    """What a client is told of an error: the status and one message."""

    status: int
    message: str

    @property
    def faultcode(self) -> str:
        """WSME's fault code: Client for a 4xx, Server otherwise."""
        return "Client" if self.status < 500 else "Server"

    def body(self) -> dict[str, Any]:
        """The WSME fault document (wrapped in ``error_message`` by the middleware)."""
        return {"faultcode": self.faultcode, "faultstring": self.message, "debuginfo": None}

    def response(self) -> webob.Response:
        """The whole JSON answer, for code outside the WSME controllers."""
        return webob.Response(body=envelope(self.body()), status=self.status,
                              content_type="application/json", charset="UTF-8")


def envelope(fault: Any) -> bytes:
    """Aodh's error body: the fault under ``error_message`` (written only here)."""
    return json.dumps({"error_message": fault}).encode()


def internal_error(request_id: str | None) -> Fault:
    """The only thing a 500 says: never a statement, a parameter or a traceback."""
    suffix = f" (request {request_id})" if request_id else ""
    return Fault(500, f"Internal error{suffix}; the details are in the server log")


def fault_of(exc: BaseException, request_id: str | None = None) -> Fault:
    """The status and message of any exception raised while serving a request.

    Domain errors carry their status; WSME's and webob's client errors keep theirs.
    Everything else is logged here with its traceback and told as an internal error.
    """
    if isinstance(exc, errors.AlarmAPIError) and exc.status < 500:
        return Fault(exc.status, exc.message)
    if isinstance(exc, errors.AlarmAPIError):  # 503 and the like: the message is ours
        LOG.warning("request %s: %s", request_id, exc.message)
        return Fault(exc.status, exc.message)
    code = getattr(exc, "code", None)
    if isinstance(code, int) and is_valid_code(code) and 400 <= code < 500:
        message = getattr(exc, "faultstring", None) or getattr(exc, "detail", None)
        return Fault(code, str(message or exc))
    LOG.error("request %s failed", request_id, exc_info=(type(exc), exc, exc.__traceback__))
    return internal_error(request_id)


def _json(body: bytes) -> bytes:
    text = body.decode("utf-8", "replace")
    try:
        fault: Any = json.loads(text)
    except ValueError:
        fault = text
    return envelope(fault)


def _xml(body: bytes, status: int) -> bytes:
    try:
        element = ElementTree.fromstring(body)
    except ElementTree.ParseError:
        return f"<error_message>{status}</error_message>".encode()
    fault = ElementTree.tostring(element).replace(b" />", b"/>")
    return b"<error_message>" + fault + b"</error_message>"


class ErrorBodyMiddleware:
    """Wraps error responses in ``error_message``, as JSON or XML by Accept.

    A WSME fault (``{"faultcode", "faultstring", "debuginfo"}``) becomes the
    object inside; a routing error's HTML page becomes a string, as Aodh does.
    Successful responses pass through untouched and unbuffered.
    """

    def __init__(self, app: WSGIApp) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Any:
        seen: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            seen.update(status=status, headers=headers)
            if int(status[:3]) < 400:
                return start_response(status, headers, exc_info)
            return lambda data: None

        app_iter = self.app(environ, capture)
        if "status" not in seen:  # start_response may come with the first chunk
            app_iter = list(app_iter)
        status = int(seen["status"][:3])
        if status < 400:
            return app_iter
        try:
            body = b"".join(app_iter)
        finally:
            close = getattr(app_iter, "close", None)
            if close is not None:
                close()
        request = webob.Request(environ)
        if request.accept.best_match(["application/json", "application/xml"]) == \
                "application/xml":
            body, content_type = _xml(body, status), "application/xml"
        else:
            body, content_type = _json(body), "application/json"
        headers = [(k, v) for k, v in seen["headers"]
                   if k.lower() not in ("content-length", "content-type")]
        headers += [("Content-Type", content_type), ("Content-Length", str(len(body)))]
        start_response(seen["status"], headers)
        return [body]


def filter_factory(global_conf: dict[str, Any], **local_conf: Any) -> Callable[..., Any]:
    """Paste filter factory."""
    return ErrorBodyMiddleware
