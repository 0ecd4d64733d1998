"""Reading the tables the seed's client and the alarmapi CLI print."""

from __future__ import annotations


def rows(table: str) -> list[list[str]]:
    """The cells of a prettytable, one list per line between the borders ("key: value"
    as this client prints a dimension, "key:value" as the seed shows it)."""
    return [[cell.strip().replace(": ", ":") for cell in line.strip("|").split("|")]
            for line in table.splitlines() if line.startswith("|")][1:]


def show(table: str) -> dict[str, list[str]]:
    """alarm-show's Property/Value table: each property to its value lines."""
    shown: dict[str, list[str]] = {}
    key = ""
    for cells in rows(table):
        key = cells[0] or key
        shown.setdefault(key, []).append(cells[1])
    return shown
