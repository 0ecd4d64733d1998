"""What every request must respect before a controller sees it: body size, JSON depth,
text without NUL or lone surrogates, finite numbers that fit 64 bits, identity
headers that fit their columns, a body type and charset we can read.

One check at the edge for what no field of any API may hold, so that no such value can
reach a database driver (PostgreSQL refuses NUL in text and a non-finite float; every
backend refuses an integer beyond 64 bits) whatever endpoint it is sent to.
"""

from __future__ import annotations

import codecs
import json
import math
import urllib.parse
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import webob

from alarmapi import errors

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]
#: Render a domain error as a response of the API's own error shape.
Renderer = Callable[[errors.AlarmAPIError], webob.Response]

#: Deepest JSON document accepted (a composite rule at its deepest needs about 36).
MAX_JSON_DEPTH = 64
#: Identity headers are stored in 128-character columns.
IDENTITY_HEADERS = {"X-Project-Id": 128, "X-User-Id": 128, "X-Auth-Token": 8192}
INT64 = (-(2**63), 2**63 - 1)
_XML_TYPES = ("text/xml", "application/xml")


class TooLarge(errors.ClientError):
    """The body is larger than ``[api] max_request_body_size``."""

    status = 413


class Unsupported(errors.ClientError):
    """The body's media type or charset cannot be read."""

    status = 415


def bad_text(text: str) -> str | None:
    """Why a string cannot be stored as text (NUL, a lone surrogate), or None."""
    if "\x00" in text:
        return "NUL characters are not allowed"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "lone surrogate code points (\\ud800-\\udfff) are not allowed"
    return None


def _short(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else value.encode(
        "unicode_escape").decode("ascii")
    return text if len(text) <= 60 else text[:57] + "..."


def _scalar_problem(value: Any) -> str | None:
    if isinstance(value, str):
        return bad_text(value)
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and not INT64[0] <= value <= INT64[1]:
        return "integers must lie between -2**63 and 2**63-1"
    if isinstance(value, float) and not math.isfinite(value):
        return "numbers must be finite"
    return None


def _nodes(document: Any, root: str) -> Iterator[tuple[str, Any, int]]:
    """Every (path, value, depth) of a parsed JSON document, without recursion."""
    stack: list[tuple[str, Any, int]] = [(root, document, 1)]
    while stack:
        path, value, depth = stack.pop()
        yield path, value, depth
        if isinstance(value, dict):
            for key, child in value.items():
                yield f"{path} key", key, depth
                stack.append((key if path == "data" else f"{path}.{key}", child, depth + 1))
        elif isinstance(value, list):
            stack.extend((f"{path}[{i}]", child, depth + 1) for i, child in enumerate(value))


def check_document(document: Any, root: str = "data") -> None:
    """Raise InvalidInput naming the first field that no API accepts (``root`` names
    the document: ``data`` for a request body, or the field holding it)."""
    for path, value, depth in _nodes(document, root):
        if depth > MAX_JSON_DEPTH:
            raise errors.InvalidInput(path, "...", f"documents may nest at most "
                                      f"{MAX_JSON_DEPTH} levels deep")
        reason = _scalar_problem(value)
        if reason is not None:
            raise errors.InvalidInput(path, _short(value), reason)


def _check_json(body: bytes, charset: str) -> None:
    try:
        document = json.loads(body.decode(charset))
    except RecursionError as exc:
        raise errors.InvalidInput("data", _short(body[:40].decode(charset, "replace")),
                                  f"documents may nest at most {MAX_JSON_DEPTH} levels deep"
                                  ) from exc
    except ValueError:
        return  # not JSON: the API's own parser says so in its words
    check_document(document)


def _check_url(environ: dict[str, Any]) -> None:
    raw_path = environ.get("PATH_INFO", "")
    path = raw_path.encode("latin-1", "replace").decode("utf-8", "surrogateescape")
    reason = bad_text(path)
    if reason is not None:
        raise errors.InvalidInput("path", _short(path), reason)
    for name, value in urllib.parse.parse_qsl(environ.get("QUERY_STRING", ""),
                                              keep_blank_values=True,
                                              errors="surrogateescape"):
        reason = bad_text(name) or bad_text(value)
        if reason is not None:
            raise errors.InvalidInput(_short(name), _short(value), reason)


def _check_headers(request: webob.Request) -> None:
    for header, size in IDENTITY_HEADERS.items():
        value = request.headers.get(header)
        if value is None:
            continue
        reason = bad_text(value)
        if reason is None and len(value) > size:
            reason = f"at most {size} characters are allowed"
        if reason is not None:
            raise errors.InvalidInput(header, _short(value), reason)


def _check_body(request: webob.Request, max_body: int) -> None:
    if request.method not in ("POST", "PUT", "PATCH"):
        return
    length = request.content_length
    if length is not None and length > max_body:
        raise TooLarge(f"The request body of {length} bytes exceeds the limit of "
                       f"{max_body} bytes ([api] max_request_body_size)")
    body = request.body_file_raw.read(max_body + 1) if length is None else request.body
    if len(body) > max_body:
        raise TooLarge(f"The request body exceeds the limit of {max_body} bytes "
                       "([api] max_request_body_size)")
    request.body = body
    content_type = request.content_type or ""
    charset = request.headers.get("Content-Type", "").partition("charset=")[2].strip(
        ' "\'') or "utf-8"
    try:
        codecs.lookup(charset)
    except LookupError as exc:
        raise Unsupported(f"Unsupported charset {_short(charset)}: send UTF-8") from exc
    if content_type in _XML_TYPES and body.strip():
        raise Unsupported(f"Unsupported Content-Type {content_type}: request bodies "
                          "must be JSON (application/json)")
    if body.strip():
        _check_json(body, charset)


class RequestLimits:
    """WSGI middleware refusing, in the API's error shape, what no endpoint accepts."""

    def __init__(self, app: WSGIApp, render: Renderer, max_body: int) -> None:
        self.app = app
        self.render = render
        self.max_body = max_body

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Any:
        request = webob.Request(environ)
        try:
            _check_url(environ)
            _check_headers(request)
            _check_body(request, self.max_body)
        except UnicodeDecodeError as exc:
            error = Unsupported(f"The request body is not valid text: {exc.reason}")
            return self.render(error)(environ, start_response)
        except errors.AlarmAPIError as error:
            return self.render(error)(environ, start_response)
        return self.app(environ, start_response)
