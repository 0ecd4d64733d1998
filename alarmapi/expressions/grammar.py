"""Monasca's alarm expression language: parse text into a tree, write a tree as text.

    expression  := conjunction (("or" | "||") conjunction)*
    conjunction := operand (("and" | "&&") operand)*
    operand     := "(" expression ")" | sub
    sub         := [function "("] metric [dimensions] ["," period] [")"]
                   operator threshold ["times" periods]
    dimensions  := "{" key "=" value ("," key "=" value)* "}"

Functions min, max, sum, count, avg, last; operators <, lt, <=, lte, >, gt, >=, gte
(and alarmapi's eq/ne, so any threshold rule can be written back); keywords in any
case. A bare metric (no function) means max for > and >=, min for < and <=.
"""

from __future__ import annotations

import dataclasses
import re

FUNCTIONS = ("min", "max", "sum", "count", "avg", "last")
#: Operator spellings, each to its name in expression_data.
OPERATORS = {"<": "LT", "lt": "LT", "<=": "LTE", "lte": "LTE", ">": "GT", "gt": "GT",
             ">=": "GTE", "gte": "GTE", "eq": "EQ", "ne": "NE"}
SYMBOLS = {"LT": "<", "LTE": "<=", "GT": ">", "GTE": ">=", "EQ": "eq", "NE": "ne"}
DEFAULT_PERIOD = 60
#: Characters that end a metric name, dimension key or value.
_RESERVED = set("<>={}(),'\"\\;&|")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


class ExpressionError(ValueError):
    """An expression that does not parse; ``position`` is the 0-based offset."""

    def __init__(self, message: str, position: int, text: str) -> None:
        super().__init__(f"{message} at position {position + 1} of {_excerpt(text, position)}")
        self.position = position


def _excerpt(text: str, position: int, width: int = 80) -> str:
    """The text, or the part of a long one around ``position``."""
    if len(text) <= 2 * width:
        return text
    start = max(0, position - width)
    return ("..." if start else "") + text[start:position + width] + "..."


@dataclasses.dataclass(frozen=True)
class SubExpression:
    """One comparison: ``function(metric{dimensions}, period) operator threshold
    times periods``."""

    function: str
    metric_name: str
    dimensions: tuple[tuple[str, str], ...]
    operator: str
    threshold: float
    period: int = DEFAULT_PERIOD
    periods: int = 1

    def text(self) -> str:
        """The sub-expression written out in full."""
        dims = ""
        if self.dimensions:
            dims = "{" + ",".join(f"{k}={v}" for k, v in self.dimensions) + "}"
        period = f", {self.period}" if self.period != DEFAULT_PERIOD else ""
        times = f" times {self.periods}" if self.periods != 1 else ""
        return (f"{self.function.lower()}({self.metric_name}{dims}{period}) "
                f"{SYMBOLS[self.operator]} {_number(self.threshold)}{times}")

    def data(self) -> dict[str, object]:
        """Monasca's expression_data of this sub-expression."""
        return {"function": self.function, "metric_name": self.metric_name,
                "period": self.period, "threshold": self.threshold, "periods": self.periods,
                "operator": self.operator, "dimensions": dict(self.dimensions)}


@dataclasses.dataclass(frozen=True)
class Logic:
    """``and`` or ``or`` over two or more operands."""

    operator: str
    operands: tuple[Node, ...]

    def text(self) -> str:
        """The operands joined by the operator, parenthesised where needed."""
        parts = []
        for operand in self.operands:
            part = operand.text()
            if isinstance(operand, Logic) and operand.operator == "or" and self.operator == "and":
                part = f"({part})"
            parts.append(part)
        return f" {self.operator} ".join(parts)

    def data(self) -> dict[str, object]:
        """expression_data of a compound expression: the operator and its operands."""
        return {"operator": self.operator.upper(),
                "operands": [operand.data() for operand in self.operands]}


Node = SubExpression | Logic


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) and abs(value) < 1e15 else repr(value)


def subexpressions(node: Node) -> list[SubExpression]:
    """The leaves of a tree, left to right."""
    if isinstance(node, SubExpression):
        return [node]
    return [leaf for operand in node.operands for leaf in subexpressions(operand)]


#: Deepest nesting of parentheses an expression may use.
MAX_NESTING = 32


def parse(text: str) -> Node:
    """The tree of an expression; ExpressionError says where it goes wrong."""
    if not isinstance(text, str) or not text.strip():
        raise ExpressionError("the expression is empty", 0, text or "")
    return _Parser(text).parse()


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.depth = 0

    # -- characters ---------------------------------------------------------------
    def fail(self, message: str, position: int | None = None) -> ExpressionError:
        return ExpressionError(message, self.pos if position is None else position, self.text)

    def skip(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def peek(self, literal: str) -> bool:
        self.skip()
        return self.text.startswith(literal, self.pos)

    def take(self, literal: str) -> bool:
        if self.peek(literal):
            self.pos += len(literal)
            return True
        return False

    def expect(self, literal: str, what: str) -> None:
        if not self.take(literal):
            found = self.text[self.pos] if self.pos < len(self.text) else "the end"
            raise self.fail(f"expected {what} but found {found}")

    def word(self) -> tuple[str, int]:
        """The run of non-reserved, non-space characters here (maybe empty)."""
        self.skip()
        start = self.pos
        while (self.pos < len(self.text) and not self.text[self.pos].isspace()
               and self.text[self.pos] not in _RESERVED):
            self.pos += 1
        return self.text[start:self.pos], start

    def phrase(self) -> tuple[str, int]:
        """A dimension name or value: the text up to a reserved character, trimmed
        (inner spaces allowed)."""
        self.skip()
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos] not in _RESERVED:
            self.pos += 1
        return self.text[start:self.pos].strip(), start

    def keyword(self, *names: str) -> str | None:
        """Take a word if it is one of ``names`` (any case), else leave it."""
        start = self.pos
        word, _ = self.word()
        if word.lower() in names:
            return word.lower()
        self.pos = start
        return None

    # -- grammar ------------------------------------------------------------------
    def parse(self) -> Node:
        node = self.expression()
        self.skip()
        if self.pos < len(self.text):
            raise self.fail(f"unexpected {self.text[self.pos]}; expected and, or, or the end")
        return node

    def expression(self) -> Node:
        operands = [self.conjunction()]
        while self.take("||") or self.keyword("or"):
            operands.append(self.conjunction())
        return operands[0] if len(operands) == 1 else Logic("or", tuple(operands))

    def conjunction(self) -> Node:
        operands = [self.operand()]
        while self.take("&&") or self.keyword("and"):
            operands.append(self.operand())
        return operands[0] if len(operands) == 1 else Logic("and", tuple(operands))

    def operand(self) -> Node:
        if self.take("("):
            self.depth += 1
            if self.depth > MAX_NESTING:
                raise self.fail(f"parentheses nest deeper than {MAX_NESTING} levels")
            node = self.expression()
            self.expect(")", ")")
            self.depth -= 1
            return node
        return self.sub()

    def sub(self) -> SubExpression:
        word, start = self.word()
        function = None
        if word.lower() in FUNCTIONS and self.peek("("):
            function = word.lower()
            self.take("(")
            word, start = self.word()
        if not word:
            raise self.fail("expected a metric name", start)
        dimensions = self.dimensions() if self.peek("{") else ()
        period = DEFAULT_PERIOD
        if function is not None:
            if self.take(","):
                period, at = self.integer("period")
                if period % 60:
                    raise self.fail(f"the period must be a non-zero multiple of 60, "
                                    f"not {period}", at)
            self.expect(")", f") to close {function}(")
        operator = self.operator()
        threshold = self.threshold()
        periods = 1
        if self.keyword("times"):
            periods, _ = self.integer("periods")
        if function is None:
            function = "max" if operator in ("GT", "GTE") else "min"
        return SubExpression(function.upper(), word, dimensions, operator, threshold,
                             period, periods)

    def dimensions(self) -> tuple[tuple[str, str], ...]:
        self.take("{")
        found: dict[str, str] = {}
        while True:
            key, at = self.phrase()
            if not key:
                raise self.fail("expected a dimension name", at)
            self.expect("=", f"= after dimension {key}")
            value, at = self.phrase()
            if not value:
                raise self.fail(f"expected a value for dimension {key}", at)
            if key in found:
                raise self.fail(f"dimension {key} is given twice", at)
            found[key] = value
            if self.take("}"):
                return tuple(sorted(found.items()))
            self.expect(",", ", or }")

    def operator(self) -> str:
        for symbol in ("<=", ">=", "<", ">"):
            if self.take(symbol):
                return OPERATORS[symbol]
        word, at = self.word()
        if word.lower() in OPERATORS:
            return OPERATORS[word.lower()]
        self.pos = at
        raise self.fail("expected a comparison operator (<, <=, >, >=, lt, lte, gt, gte)")

    def threshold(self) -> float:
        word, at = self.word()
        if not _NUMBER.match(word):
            self.pos = at
            raise self.fail("expected a number as the threshold")
        return float(word)

    def integer(self, what: str) -> tuple[int, int]:
        """A positive whole number, and where it starts."""
        word, at = self.word()
        if not word.isdigit() or int(word) < 1:
            self.pos = at
            raise self.fail(f"expected a positive whole number of {what}")
        return int(word), at
