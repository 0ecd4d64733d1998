"""What every manager shares: the HTTP client and Monasca's paged lists."""

from __future__ import annotations

import urllib.parse
from typing import Any

from alarmapi.client.http import HTTPClient


class Manager:
    """One resource of the API."""

    def __init__(self, http: HTTPClient) -> None:
        self.http = http

    def _elements(self, path: str, params: dict[str, Any] | None = None,
                  limit: int | None = None) -> list[Any]:
        """Every element of a Monasca-style paged list, following ``next`` links
        (a bare list from an older server is taken as it is)."""
        params = {k: v for k, v in (params or {}).items() if v is not None}
        found: list[Any] = []
        for _ in range(10_000):  # bounded: a server that pages forever stops here
            body = self.http.get(path, params)
            if isinstance(body, list):
                return body
            found += body.get("elements", [])
            following = [link for link in body.get("links", []) if link.get("rel") == "next"]
            if not following or (limit is not None and len(found) >= limit):
                break
            offset = _offset(following[0]["href"])
            if offset is None:
                break
            params = dict(params, offset=offset)
        return found[:limit] if limit is not None else found


def _offset(href: str) -> str | None:
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(href).query)
    values = query.get("offset")
    return values[0] if values else None


def dimensions_text(dimensions: dict[str, str] | None) -> str | None:
    """Dimensions as a Monasca query parameter (``k:v,k2:v2``)."""
    if not dimensions:
        return None
    return ",".join(f"{k}:{v}" if v not in (None, "") else k for k, v in dimensions.items())
