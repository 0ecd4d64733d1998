"""Error bodies: every 4xx/5xx wrapped as Aodh's ``{"error_message": ...}``."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any
from xml.etree import ElementTree

import webob

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def _json(body: bytes) -> bytes:
    text = body.decode("utf-8", "replace")
    try:
        fault: Any = json.loads(text)
    except ValueError:
        fault = text
    return json.dumps({"error_message": fault}).encode()


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
