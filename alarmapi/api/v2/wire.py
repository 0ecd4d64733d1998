"""Results already in their JSON form: the fast path past WSME's serialiser.

Controllers return ``Wire(data, build)``: ``data`` is what the JSON body holds,
``build`` makes the WSME objects, used only when the client asked for XML. A test
asserts that both paths give the same document for every alarm type.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from typing import Any

import pecan.templating
import wsmeext.pecan as wsme_pecan


@dataclasses.dataclass
class Wire:
    """A JSON-ready result and the way to build its WSME form."""

    data: Any
    build: Callable[[], Any]


class JSONRenderer(wsme_pecan.JSonRenderer):
    """WSME's JSON renderer, writing Wire results directly."""

    @staticmethod
    def render(template_path: str, namespace: dict[str, Any]) -> str:
        result = namespace.get("result")
        if isinstance(result, Wire):
            return json.dumps(result.data)
        rendered: str = wsme_pecan.JSonRenderer.render(template_path, namespace)
        return rendered


pecan.templating._builtin_renderers["wsmejson"] = JSONRenderer
