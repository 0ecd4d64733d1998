"""What checking an alarm's rule may consult, and what a rule given to the API offers."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, Protocol, TypeVar

from alarmapi.api.action_rules import ActionRules
from alarmapi.api.identity import Caller
from alarmapi.backends import Backend

T = TypeVar("T")


@dataclasses.dataclass
class RuleContext:
    """What alarm validation may consult: the caller, the action limits, the backend
    clients (Gnocchi, Octavia, ...: one mapping, each found by its typed key)."""

    caller: Caller
    project_id: str | None
    #: The limits on actions (None: only their schemes are checked).
    actions: ActionRules | None = None
    #: The Prometheus label that holds a series' project.
    prometheus_label: str = "project"
    #: The configured backend clients by name (a missing one: not configured; Octavia
    #: missing, pools are checked at evaluation only).
    backends: Mapping[str, object] = dataclasses.field(default_factory=dict)

    def backend(self, key: Backend[T]) -> T | None:
        """The client of one backend, or None when it is not configured."""
        return key.of(self.backends)


class RuleInput(Protocol):
    """A rule as a client gave it, parsed by its API but not yet checked."""

    def is_blank(self) -> bool:
        """Whether nothing was given of a rule whose type has required fields (an
        update that can only mean "unchanged")."""

    def checked(self, ctx: RuleContext) -> tuple[dict[str, Any], str]:
        """The rule's stored form after its checks, and its type's default
        description; raise a domain error naming the field when it is refused."""

    def described(self, stored: dict[str, Any]) -> str:
        """The default description of a stored rule of this input's type."""
