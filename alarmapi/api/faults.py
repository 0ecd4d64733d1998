"""Error bodies: every 4xx/5xx wrapped as Aodh's ``{"error_message": ...}``."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any
from xml.etree import ElementTree

import webob

StartResponse = Callable[..., Any]


class ErrorBodyMiddleware:
    """Wraps error responses in ``error_message``, as JSON or XML by Accept.

    A WSME fault (``{"faultcode", "faultstring", "debuginfo"}``) becomes the
    object inside; a routing error's HTML page becomes a string, as Aodh does.
    """

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Any:
        request = webob.Request(environ)
        response = request.get_response(self.app)
        if response.status_int < 400:
            return response(environ, start_response)
        body = response.body
        if request.accept.best_match(["application/json", "application/xml"]) == \
                "application/xml":
            response.body = self._xml(body, response.status_int)
            response.content_type = "application/xml"
        else:
            response.body = self._json(body)
            response.content_type = "application/json"
        response.charset = None
        return response(environ, start_response)

    @staticmethod
    def _json(body: bytes) -> bytes:
        text = body.decode("utf-8", "replace")
        try:
            fault: Any = json.loads(text)
        except ValueError:
            fault = text
        return json.dumps({"error_message": fault}).encode()

    @staticmethod
    def _xml(body: bytes, status: int) -> bytes:
        try:
            element = ElementTree.fromstring(body)
        except ElementTree.ParseError:
            return f"<error_message>{status}</error_message>".encode()
        fault = ElementTree.tostring(element).replace(b" />", b"/>")
        return b"<error_message>" + fault + b"</error_message>"


def filter_factory(global_conf: dict[str, Any], **local_conf: Any) -> Callable[..., Any]:
    """Paste filter factory."""
    return ErrorBodyMiddleware
