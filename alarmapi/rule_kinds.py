"""The one registry of alarm rule kinds: for each alarm type, its stored shape and what
the parts of alarmapi do with it.

Everything that depends on a rule's type is derived from here: the types the API
accepts, the ones a composite may hold, the ones the evaluator judges on its schedule,
the ones a backtest can replay (advertised in ``/v2/capabilities`` and to the console),
and the complete stored form of a rule. The API's schema of a type and the evaluator's
source of it register apart, under the entry points ``alarmapi.alarm.rule`` and
``alarmapi.evaluator.source``; ``tests/unit/test_registries.py`` keeps them in step
with this registry.

Adding a rule type (here or in a plugin package) is: its module(s) with its shape, its
:class:`RuleKind`, its API schema and its evaluator source; one entry-point line for
each of the three (``alarmapi.rule_kind``, ``alarmapi.alarm.rule``,
``alarmapi.evaluator.source``); and their tests.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from stevedore import extension

from alarmapi import events, rule_shapes, rule_types
from alarmapi.rule_shapes import UnusableRule

#: Entry points: alarm type name → its RuleKind.
NAMESPACE = "alarmapi.rule_kind"


class CompleteShape(Protocol):
    """A shape that writes a rule's complete stored form (every default filled in)."""

    def stored(self) -> dict[str, Any]:
        """The complete stored form."""


@dataclasses.dataclass(frozen=True)
class RuleKind:
    """What alarmapi knows of one alarm type."""

    name: str
    #: Reads a stored rule into its typed shape, raising UnusableRule naming the field;
    #: None for a rule stored as the API gave it (a composite tree is checked by
    #: ``rule_shapes.check_composite`` and its leaves by their own kinds).
    shape: Callable[[Mapping[str, Any]], Any] | None = None
    #: Whether the shape's ``stored()`` is the rule's complete stored form.
    completes: bool = False
    #: Whether a composite rule may hold it as a leaf.
    composable: bool = False
    #: Whether the evaluator judges it on its schedule (event rules for their timeouts).
    scheduled: bool = True
    #: Whether a backtest replays it over the past (composites: when all leaves are).
    backtested: bool = False
    #: Why a backtest can never replay it (told in the 400), when that is known.
    never_replayed: str = ""

    def read(self, rule: Mapping[str, Any]) -> Any:
        """The typed shape of a stored rule of this kind."""
        if self.shape is None:
            raise UnusableRule("type", self.name, "this rule type has no evaluated shape")
        return self.shape(rule)


def _gnocchi(name: str) -> RuleKind:
    return RuleKind(name, functools.partial(rule_shapes.GnocchiShape.from_stored, name),
                    completes=True, composable=True)


THRESHOLD = RuleKind(rule_types.THRESHOLD, rule_shapes.ThresholdShape.from_stored,
                     completes=True, composable=True, backtested=True)
GNOCCHI_RESOURCES = _gnocchi(rule_types.GNOCCHI_RESOURCES)
GNOCCHI_BY_METRICS = _gnocchi(rule_types.GNOCCHI_BY_METRICS)
GNOCCHI_BY_RESOURCES = _gnocchi(rule_types.GNOCCHI_BY_RESOURCES)
COMPOSITE = RuleKind(rule_types.COMPOSITE, backtested=True)
EVENT = RuleKind(rule_types.EVENT, events.EventShape.from_stored)
PROMETHEUS = RuleKind(rule_types.PROMETHEUS, rule_shapes.PrometheusShape.from_stored,
                      completes=True, composable=True)
LOADBALANCER_MEMBER_HEALTH = RuleKind(
    rule_types.LOADBALANCER_MEMBER_HEALTH, rule_shapes.LoadBalancerShape.from_stored,
    never_replayed="Octavia keeps no history of member health, so a backtest has nothing "
                   "to replay")


def _registered() -> dict[str, RuleKind]:
    """The kinds of the ``alarmapi.rule_kind`` entry points (alarmapi's own and any a
    plugin package adds), by name in entry-point name order."""
    manager: extension.ExtensionManager[Any] = extension.ExtensionManager(
        NAMESPACE, invoke_on_load=False)
    kinds: dict[str, RuleKind] = {}
    for ext in sorted(manager, key=lambda e: e.name):
        found = ext.plugin
        if not isinstance(found, RuleKind) or found.name != ext.name:
            raise RuntimeError(f"entry point {NAMESPACE}:{ext.name} is not the RuleKind "
                               f"named {ext.name}")
        kinds[found.name] = found
    if not kinds:
        raise RuntimeError(f"no rule kinds found in entry points {NAMESPACE}: is alarmapi "
                           "installed (pip install -e .)?")
    return kinds


#: Every rule kind, by alarm type.
KINDS: dict[str, RuleKind] = _registered()

#: Every alarm type the API accepts.
ALL_TYPES = tuple(KINDS)
#: The types a composite rule may hold as leaves (Aodh 23 allows prometheus and the
#: gnocchi types; alarmapi adds its own threshold type).
COMPOSABLE_TYPES = tuple(k.name for k in KINDS.values() if k.composable)
#: The types the evaluator judges on its schedule.
EVALUATED_TYPES = tuple(k.name for k in KINDS.values() if k.scheduled)
#: The types a backtest replays (a composite: when every leaf is one of them).
BACKTESTED_TYPES = tuple(k.name for k in KINDS.values() if k.backtested)
#: The types whose shape writes their complete stored form.
SHAPED_TYPES = tuple(k.name for k in KINDS.values() if k.completes)


def kind(rule_type: str) -> RuleKind:
    """The kind of ``rule_type``; UnusableRule for a type alarmapi does not know."""
    found = KINDS.get(rule_type)
    if found is None:
        raise UnusableRule("type", rule_type, f"one of {', '.join(ALL_TYPES)} is required")
    return found


def normalized(rule_type: str, rule: Mapping[str, Any]) -> dict[str, Any]:
    """The complete stored form of a rule of ``rule_type`` (composite leaves too);
    kinds whose shape does not complete it are returned as they are."""
    if rule_type == rule_types.COMPOSITE:
        rule_shapes.check_composite(rule)
        return _normalized_tree(rule)
    return _completed(rule_type, rule)


def _completed(rule_type: str, rule: Mapping[str, Any]) -> dict[str, Any]:
    found = KINDS.get(rule_type)
    if found is None or not found.completes:
        return dict(rule)
    shape: CompleteShape = found.read(rule)
    return {**rule, **shape.stored()}


def _normalized_tree(node: Mapping[str, Any]) -> dict[str, Any]:
    if rule_shapes.is_branch(node):
        ((key, children),) = node.items()
        return {key: [_normalized_tree(child) for child in children]}
    leaf_type = str(node.get("type"))
    return {**_completed(leaf_type, node), "type": leaf_type}
