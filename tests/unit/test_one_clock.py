"""alarmapi.clock is the one reader of wall time (issue 26): no other module of the
package calls time.time, datetime.now/utcnow or date.today."""

from __future__ import annotations

import ast
import pathlib

PACKAGE = pathlib.Path(__file__).resolve().parents[2] / "alarmapi"
READERS = {("time", "time"), ("datetime", "now"), ("datetime", "utcnow"),
           ("date", "today"), ("time", "time_ns"), ("utils", "formatdate")}


def _wall_time_reads(path: pathlib.Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            name = owner.attr if isinstance(owner, ast.Attribute) else \
                owner.id if isinstance(owner, ast.Name) else ""
            if (name, node.func.attr) in READERS:
                found.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}")
    return found


def test_only_the_clock_module_reads_wall_time() -> None:
    reads = [hit for path in sorted(PACKAGE.rglob("*.py"))
             if "node_modules" not in path.parts and path.name != "clock.py"
             and "migrations" not in path.parts
             for hit in _wall_time_reads(path)]
    assert reads == []


def test_the_rule_sees_a_read() -> None:
    sample = PACKAGE / "clock.py"
    assert _wall_time_reads(sample)  # the clock itself reads time.time and datetime.now
