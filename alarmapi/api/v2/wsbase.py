"""WSME building blocks shared by the V2 types: base class, enum attribute, Query."""

from __future__ import annotations

import ast
import datetime
from typing import Any

import wsme
from wsme import types as wtypes

from alarmapi import errors
from alarmapi.rule_types import COMPARISON_OPERATORS

#: Operators of simple queries and threshold rules, in Aodh's order.
OPERATIONS = COMPARISON_OPERATORS
#: The data types a Query value may be declared as.
QUERY_TYPES = ("integer", "float", "string", "boolean", "datetime")


class Base(wtypes.DynamicBase):
    """Base of every V2 type."""

    def as_dict_from_keys(self, keys: list[str]) -> dict[str, Any]:
        """The set attributes among ``keys`` as a dict."""
        return {
            key: getattr(self, key)
            for key in keys
            if hasattr(self, key) and getattr(self, key) != wsme.Unset
        }


class EnumAttr(wtypes.wsproperty):
    """An enum attribute with a default and Aodh's message for a bad value.

    The allowed values are listed in a fixed order (Aodh lists a set, so its order
    changes from one process to the next).
    """

    def __init__(self, name: str, *values: str, default: str | None = None,
                 mandatory: bool = False) -> None:
        self._attr = f"_enum_{name}"
        self._public = name
        self._values = values
        self._default = default
        super().__init__(
            datatype=wtypes.Enum(str, *values), fget=self._get, fset=self._set,
            mandatory=mandatory,
        )

    def _get(self, parent: Any) -> Any:
        value = getattr(parent, self._attr, None)
        return value or self._default

    def _set(self, parent: Any, value: Any) -> None:
        if value is None and self.mandatory:  # given as null: not one of the values
            raise wsme.exc.InvalidInput(
                self._public, value, "Value should be one of: " + ", ".join(self._values))
        if value in (None, wsme.Unset):
            setattr(parent, self._attr, None)
            return
        if value not in self._values:
            raise wsme.exc.InvalidInput(
                self._public, value, "Value should be one of: " + ", ".join(self._values)
            )
        setattr(parent, self._attr, value)


def _convert(value: str, type_name: str) -> Any:
    if type_name == "integer":
        return int(value)
    if type_name == "float":
        return float(value)
    if type_name == "boolean":
        lowered = value.strip().lower()
        if lowered in ("true", "1", "yes", "on"):
            return True
        if lowered in ("false", "0", "no", "off"):
            return False
        raise ValueError(value)
    if type_name == "datetime":
        return datetime.datetime.fromisoformat(value)
    return value


class Query(Base):
    """One ``field op value [type]`` constraint of a simple query."""

    field = wsme.wsattr(wtypes.text, mandatory=True)
    # Checked by each user of Query (Aodh answers each with its own message).
    op = wsme.wsattr(wtypes.text, default="eq")
    value = wsme.wsattr(wtypes.text, mandatory=True)
    type = wsme.wsattr(wtypes.text, default="")

    def check(self) -> Query:
        """Fill the default op and refuse a missing field or value (query strings
        are not checked by WSME)."""
        for name in ("field", "value"):
            if getattr(self, name) in (None, wsme.Unset):
                raise wsme.exc.InvalidInput(name, None, "Mandatory field missing.")
        if self.op in (None, wsme.Unset):
            self.op = "eq"
        if self.type in (None, wsme.Unset):
            self.type = ""
        return self

    def __repr__(self) -> str:
        kind = self.type or "Unset"
        return f"<Query {self.field!r} {self.op} {self.value!r} {kind}>"

    def as_dict(self) -> dict[str, Any]:
        """The stored form: field, op, type, value."""
        return {"field": self.field, "op": self.op, "type": self.type or "",
                "value": self.value}

    def typed_value(self) -> Any:
        """The value converted to its declared type.

        Without a type, Python literals (``False``, ``42``) are recognised as Aodh
        does, and so are JSON's ``true``/``false`` (which Aodh turns into a 500).
        """
        type_name = self.type or ""
        if type_name and type_name not in QUERY_TYPES:
            raise errors.ClientError(
                f"The data type {type_name} is not supported. The supported data type "
                f"list is: {', '.join(QUERY_TYPES)}"
            )
        if not type_name:
            if self.value in ("true", "false"):
                return self.value == "true"
            try:
                return ast.literal_eval(self.value)
            except (ValueError, SyntaxError, MemoryError, RecursionError, TypeError):
                return self.value
        try:
            return _convert(self.value, type_name)
        except ValueError as exc:
            raise errors.ClientError(
                f"Unable to convert the value {self.value} to the expected data type "
                f"{type_name}."
            ) from exc
