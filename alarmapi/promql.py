"""PromQL queries scoped to one project: every vector selector gets the project matcher.

The query is parsed (``promql-parser``) and written back by this module's own writer,
which adds ``<label>="<project>"`` to each vector selector, plain or inside a range,
subquery, function, aggregation or binary expression; the result is parsed again and
refused unless every selector carries the matcher. So whatever PromQL a project writes
(``or``, ``on()``, subqueries, ``{__name__=~".+"}``, offsets), its alarm reads only
series of that project. Aodh instead rewrites the text after asking Prometheus for the
label names on every evaluation.
"""

from __future__ import annotations

import datetime
import functools
import json
import math
import re
from typing import Any

import promql_parser as pp

from alarmapi import errors

#: A label or metric name that can be written bare.
_NAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")
_METRIC = re.compile(r"^[a-zA-Z_:][a-zA-Z0-9_:]*$")


class UnscopableQuery(errors.InvalidInput):
    """A PromQL query that cannot be parsed or cannot be confined to one project."""

    def __init__(self, query: str, reason: str) -> None:
        super().__init__("query", query, reason)


def _parse(query: str) -> Any:
    try:
        return pp.parse(query)
    except (ValueError, TypeError) as exc:
        raise UnscopableQuery(query, f"not valid PromQL: {exc}") from exc


def _match_op(matcher: Any) -> str:
    for name, text in (("Equal", "="), ("NotEqual", "!="), ("Re", "=~"), ("NotRe", "!~")):
        if matcher.op == getattr(pp.MatchOp, name):
            return text
    raise ValueError(f"unknown label matcher {matcher}")


def _string(value: str) -> str:
    """A PromQL string literal (JSON's escapes are a subset of PromQL's)."""
    return json.dumps(value, ensure_ascii=False)


def _duration(delta: datetime.timedelta) -> str:
    """A duration in one unit, so any Prometheus 2.x reads it (negative for offsets)."""
    ms = round(delta.total_seconds() * 1000)
    return f"{ms // 1000}s" if ms % 1000 == 0 else f"{ms}ms"


def _number(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Inf" if value > 0 else "-Inf"
    return repr(value)


def _labels(names: list[str]) -> str:
    for name in names:
        if not _NAME.match(name):
            raise ValueError(f"label name {name!r} cannot be written")
    return "(" + ", ".join(names) + ")"


class _Writer:
    """Writes a parsed expression back as PromQL, adding ``extra`` to every selector."""

    def __init__(self, extra: tuple[str, str] | None) -> None:
        self.extra = extra

    def __call__(self, node: Any) -> str:
        method = getattr(self, "_" + type(node).__name__, None)
        if method is None:
            raise ValueError(f"{type(node).__name__} expressions cannot be scoped")
        return str(method(node))

    def _grouped(self, node: Any) -> str:
        """The node in parentheses (written once when it already has them)."""
        return self(node) if isinstance(node, pp.ParenExpr) else f"({self(node)})"

    def _operand(self, node: Any) -> str:
        text = self(node)
        return f"({text})" if isinstance(node, (pp.BinaryExpr, pp.UnaryExpr)) else text

    def _selector(self, node: Any) -> str:
        if node.matchers.or_matchers:
            raise ValueError("label matchers joined with 'or' cannot be scoped")
        matchers = []
        for matcher in node.matchers.matchers:
            if not _NAME.match(matcher.name):
                raise ValueError(f"label name {matcher.name!r} cannot be written")
            matchers.append(f"{matcher.name}{_match_op(matcher)}{_string(matcher.value)}")
        name = node.name or ""
        if name and not _METRIC.match(name):
            matchers.insert(0, f"__name__={_string(name)}")
            name = ""
        if self.extra is not None:
            matchers.append(f"{self.extra[0]}={_string(self.extra[1])}")
        return name + "{" + ",".join(matchers) + "}"

    @staticmethod
    def _modifiers(node: Any) -> str:
        text = ""
        if node.offset:  # a zero offset is no offset
            text += f" offset {_duration(node.offset)}"
        if node.at is not None:
            at = node.at
            if at.type == pp.AtModifierType.Start:
                text += " @ start()"
            elif at.type == pp.AtModifierType.End:
                text += " @ end()"
            else:
                text += f" @ {_number(at.at.timestamp())}"
        return text

    def _VectorSelector(self, node: Any) -> str:
        return self._selector(node) + self._modifiers(node)

    def _MatrixSelector(self, node: Any) -> str:
        selector = node.vector_selector
        return (f"{self._selector(selector)}[{_duration(node.range)}]"
                + self._modifiers(selector))

    def _SubqueryExpr(self, node: Any) -> str:
        step = _duration(node.step) if node.step is not None else ""
        return f"{self._grouped(node.expr)}[{_duration(node.range)}:{step}]" + self._modifiers(
            node)

    def _NumberLiteral(self, node: Any) -> str:
        return _number(node.val)

    def _StringLiteral(self, node: Any) -> str:
        return _string(node.val)

    def _ParenExpr(self, node: Any) -> str:
        return f"({self(node.expr)})"

    def _UnaryExpr(self, node: Any) -> str:
        return "-" + self._grouped(node.expr)

    def _Call(self, node: Any) -> str:
        return f"{node.func.name}(" + ", ".join(self(arg) for arg in node.args) + ")"

    def _AggregateExpr(self, node: Any) -> str:
        grouping = ""
        if node.modifier is not None:
            keyword = "by" if node.modifier.type == pp.AggModifierType.By else "without"
            grouping = f" {keyword} {_labels(list(node.modifier.labels))} "
        args = ([self(node.param)] if node.param is not None else []) + [self(node.expr)]
        return f"{node.op}{grouping}(" + ", ".join(args) + ")"

    def _BinaryExpr(self, node: Any) -> str:
        op, modifier = str(node.op), node.modifier
        text = op
        if modifier is not None:
            fill = modifier.fill_values
            if fill is not None and (fill.lhs is not None or fill.rhs is not None):
                raise ValueError("fill() modifiers cannot be scoped")
            if modifier.return_bool:
                text += " bool"
            if modifier.matching is not None:
                keyword = ("on" if modifier.matching.type == pp.LabelModifierType.Include
                           else "ignoring")
                text += f" {keyword}{_labels(list(modifier.matching.labels))}"
            card = modifier.card
            if card in (pp.VectorMatchCardinality.ManyToOne,
                        pp.VectorMatchCardinality.OneToMany):
                side = ("group_left" if card == pp.VectorMatchCardinality.ManyToOne
                        else "group_right")
                text += f" {side}{_labels(list(modifier.group_labels or []))}"
        return f"{self._operand(node.lhs)} {text} {self._operand(node.rhs)}"


def _selectors(expr: Any) -> list[Any]:
    found: list[Any] = []

    def visit(node: Any) -> None:
        if isinstance(node, pp.VectorSelector):
            found.append(node)

    pp.walk(expr, visit)
    return found


@functools.lru_cache(maxsize=4096)
def scoped(query: str, label: str, project: str) -> str:
    """The query reading only series whose ``label`` is ``project``; UnscopableQuery
    says why when that cannot be guaranteed."""
    expr = _parse(query)
    try:
        text = _Writer((label, project))(expr)
    except ValueError as exc:
        raise UnscopableQuery(query, f"cannot be scoped to a project: {exc}") from exc
    selectors = _selectors(_parse(text))
    for selector in selectors:
        if not any(m.name == label and m.value == project and _match_op(m) == "="
                   for m in selector.matchers.matchers):
            raise UnscopableQuery(query, "cannot be scoped to a project")
    return text


def check(query: str) -> None:
    """Refuse a query that does not parse."""
    _parse(query)
