"""Composite rules: and/or trees evaluated lazily, leaves fetched only when needed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from alarmapi.evaluator.outcome import Evaluation
from alarmapi.model import State

#: Evaluates one leaf (a rule dict with its ``type``); called at most once per leaf.
LeafEvaluator = Callable[[dict[str, Any]], Evaluation]


def _leaf_state(evaluation: Evaluation) -> str:
    return evaluation.state or evaluation.trend or State.INSUFFICIENT_DATA


def _walk(node: dict[str, Any], leaf: LeafEvaluator, seen: list[str]) -> str:
    """The state of a node: alarm, ok, or insufficient data (unknown)."""
    if len(node) == 1 and next(iter(node)) in ("and", "or"):
        ((operator, children),) = node.items()
        unknown = False
        for child in children:
            state = _walk(child, leaf, seen)
            if operator == "and" and state == State.OK:
                return State.OK           # one false child decides an "and"
            if operator == "or" and state == State.ALARM:
                return State.ALARM        # one true child decides an "or"
            unknown = unknown or state == State.INSUFFICIENT_DATA
        if unknown:
            return State.INSUFFICIENT_DATA
        return State.ALARM if operator == "and" else State.OK
    evaluation = leaf(node)
    seen.append(evaluation.reason)
    return _leaf_state(evaluation)


def evaluate(tree: dict[str, Any], leaf: LeafEvaluator) -> Evaluation:
    """The composite verdict; sub-rules after a deciding one are never fetched."""
    reasons: list[str] = []
    state = _walk(tree, leaf, reasons)
    reason = f"Composite rule alarm with composition form: {_form(tree)} transition to {state}"
    return Evaluation(state, reason, {"type": "composite", "composition_form": _form(tree),
                                      "evaluated_rules": len(reasons)})


def first_leaf(tree: dict[str, Any]) -> dict[str, Any] | None:
    """The leaf every evaluation of the tree reads (its leftmost), None if malformed."""
    node: Any = tree
    while isinstance(node, dict) and len(node) == 1 and next(iter(node)) in ("and", "or"):
        children = next(iter(node.values()))
        if not isinstance(children, list) or not children:
            return None
        node = children[0]
    return node if isinstance(node, dict) else None


def leaves(tree: dict[str, Any]) -> list[dict[str, Any]]:
    """Every leaf of the tree, left to right (nothing of a malformed branch)."""
    found, stack = [], [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, dict) and len(node) == 1 and next(iter(node)) in ("and", "or"):
            children = next(iter(node.values()))
            if isinstance(children, list):
                stack.extend(reversed(children))
        elif isinstance(node, dict):
            found.append(node)
    return found


def _form(node: dict[str, Any], counter: list[int] | None = None) -> str:
    counter = counter if counter is not None else [0]
    if len(node) == 1 and next(iter(node)) in ("and", "or"):
        ((operator, children),) = node.items()
        parts = [_form(child, counter) for child in children]
        return "(" + f" {operator} ".join(parts) + ")"
    counter[0] += 1
    return f"rule{counter[0]}"
