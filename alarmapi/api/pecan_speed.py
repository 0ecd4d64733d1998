"""Memoised controller signatures for pecan.

Pecan inspects the signature of every controller it passes through on each request
(``inspect.getfullargspec``, about 2 ms a request here). Signatures never change, so
they are computed once per function. Imported by ``alarmapi.api.app``.
"""

from __future__ import annotations

import functools
from typing import Any

import pecan.core
import pecan.rest
import pecan.routing
import pecan.util

_original = pecan.util.getargspec


@functools.lru_cache(maxsize=4096)
def _by_function(function: Any) -> Any:
    return _original(function)


def getargspec(method: Any) -> Any:
    """pecan's getargspec, cached by the underlying function (a bound method's
    signature includes ``self``, as for the plain function)."""
    return _by_function(getattr(method, "__func__", method))


for _module in (pecan.core, pecan.rest, pecan.routing, pecan.util):
    _module.getargspec = getargspec
