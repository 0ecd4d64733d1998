"""Tables and values as the seed's client prints them."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

Formatter = Callable[[Any], Any]


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A bordered table; a cell with several lines spans several table lines."""
    cells = [[str(c).split("\n") for c in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in cells:
        for i, lines in enumerate(row):
            widths[i] = max([widths[i], *(len(line) for line in lines)])
    border = "+" + "+".join("-" * (w + 2) for w in widths) + "+"

    def line(values: Sequence[str]) -> str:
        return "| " + " | ".join(v.ljust(w) for v, w in zip(values, widths, strict=True)) + " |"

    out = [border, line(list(headers)), border]
    for row in cells:
        height = max(len(lines) for lines in row) if row else 1
        for n in range(height):
            out.append(line([lines[n] if n < len(lines) else "" for lines in row]))
    out.append(border)
    return "\n".join(out)


def print_list(items: Sequence[dict[str, Any]], columns: Sequence[str],
               formatters: dict[str, Formatter] | None = None,
               sortby: int | None = 0) -> None:
    """One row per item; a column is the item's field or its formatter's output."""
    formatters = formatters or {}
    rows = [[formatters[c](item) if c in formatters else _plain(item.get(c)) for c in columns]
            for item in items]
    if sortby is not None:
        rows.sort(key=lambda row: str(row[sortby]))
    print(table(columns, rows))


def print_dict(item: dict[str, Any], formatters: dict[str, Formatter] | None = None) -> None:
    """A Property/Value table, properties sorted."""
    formatters = formatters or {}
    rows = [[key, formatters[key](value) if key in formatters else _plain(value)]
            for key, value in sorted(item.items())]
    print(table(["Property", "Value"], rows))


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)


def json_formatter(value: Any) -> str:
    """A value as indented JSON."""
    return json.dumps(value, indent=2, sort_keys=True)


def format_dict(value: dict[str, Any] | None) -> str:
    """``key:value`` lines (dimensions)."""
    return "\n".join(f"{k}:{v}" for k, v in sorted((value or {}).items()))


def format_dictlist(values: list[dict[str, Any]]) -> str:
    """One ``k:v,k:v`` line per dict (links)."""
    return "\n".join(",".join(f"{k}:{v}" for k, v in sorted(d.items())) for d in values)


def format_expression_data(data: dict[str, Any], indent: str = "") -> str:
    """expression_data: ``key: value`` lines, dimensions as a block, operands nested."""
    lines = []
    for key, value in data.items():
        if key == "dimensions":
            lines.append(f"{indent}dimensions: {{")
            lines += [f"{indent}{k}: {v}" for k, v in value.items()]
            lines.append(f"{indent}}}")
        elif key == "operands":
            for operand in value:
                lines.append(f"{indent}-")
                lines.append(format_expression_data(operand, indent + "  "))
        else:
            lines.append(f"{indent}{key}: {value}")
    return "\n".join(lines)


def dump(value: Any) -> None:
    """Print a value as the seed's -j does (indented JSON)."""
    print(json.dumps(value, indent=2, sort_keys=True))
