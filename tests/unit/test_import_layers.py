"""The API's shared modules never import a versioned API (issue 26.2): ``api/`` holds
what ``/v2`` and ``/v2.0`` share (context, the alarm spec and its builder, rule
context, action checks), and only the app wiring mounts the versioned controllers."""

from __future__ import annotations

import ast
import pathlib

API = pathlib.Path(__file__).resolve().parents[2] / "alarmapi" / "api"
#: The one module that mounts the versioned controllers.
WIRING = {"app.py"}
VERSIONED = ("alarmapi.api.v2", "alarmapi.api.v2_0")


def _imports(path: pathlib.Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
            names += [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
    return names


def _versioned_imports(path: pathlib.Path) -> list[str]:
    return [f"{path.name} imports {name}" for name in _imports(path)
            if name.startswith(VERSIONED)]


def test_shared_api_modules_never_import_a_versioned_api() -> None:
    found = [hit for path in sorted(API.glob("*.py")) if path.name not in WIRING
             for hit in _versioned_imports(path)]
    assert found == []


def test_the_rule_sees_an_import() -> None:
    assert _versioned_imports(API / "app.py")  # the wiring mounts /v2
