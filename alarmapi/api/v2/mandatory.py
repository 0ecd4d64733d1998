"""One check of every V2 body: a mandatory attribute given as an explicit null is
refused like a missing one, wherever it sits (alarm, rule, time constraint, query,
quota, backtest), with the path of the field and what is allowed.

WSME itself refuses only a mandatory attribute that is absent; a null passes its
validation and used to surface later as a 500 or a stored null.
"""

from __future__ import annotations

import datetime
from typing import Any

import wsme
from wsme import types as wtypes

from alarmapi import errors

#: How deep a body's complex values are walked (bodies are limited to 64 levels).
MAX_DEPTH = 64


def allowed(datatype: Any) -> str:
    """What a value of ``datatype`` must be, in words (a type may say it itself in
    its ``described`` attribute)."""
    described = getattr(datatype, "described", None)
    if isinstance(described, str):
        return f"{described} is required"
    if isinstance(datatype, wtypes.IntegerType):
        low, high = datatype.minimum, datatype.maximum
        bounds = f" from {low}" if low is not None else ""
        bounds += f" to {high}" if high is not None else ""
        return f"an integer{bounds} is required"
    if isinstance(datatype, wtypes.Enum):
        return "one of " + ", ".join(sorted(map(str, datatype.values))) + " is required"
    if isinstance(datatype, wtypes.UserType):
        return f"a valid {datatype.name} value is required"
    if wtypes.isarray(datatype) or isinstance(datatype, list):
        return "a list is required"
    if datatype is int:
        return "an integer is required"
    if datatype is float:
        return "a number is required"
    if datatype is datetime.datetime:
        return "an ISO 8601 time is required"
    if wtypes.iscomplex(datatype):
        return "an object is required"
    return "a string is required"


def refuse_null_mandatory(value: Any, path: str = "", depth: int = 0) -> None:
    """Raise InvalidInput for the first mandatory attribute of ``value`` (a parsed
    WSME object, a list of them, or anything else) that holds None."""
    if depth > MAX_DEPTH:
        return
    if isinstance(value, list):
        for index, item in enumerate(value):
            refuse_null_mandatory(item, f"{path}[{index}]", depth + 1)
        return
    if not isinstance(value, wtypes.Base):
        return
    for attribute in wtypes.list_attributes(type(value)):
        name = f"{path}.{attribute.name}" if path else attribute.name
        held = getattr(value, attribute.key, wsme.Unset)
        if held is None and attribute.mandatory:
            raise errors.InvalidInput(name, None, "Mandatory field missing: "
                                      + allowed(attribute.datatype))
        refuse_null_mandatory(held, name, depth + 1)
