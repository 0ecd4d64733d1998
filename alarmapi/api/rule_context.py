"""What checking an alarm's rule may consult, and what a rule given to the API offers."""

from __future__ import annotations

import dataclasses
from typing import Any, Protocol

from alarmapi.api.action_rules import ActionRules
from alarmapi.api.identity import Caller
from alarmapi.gnocchi import GnocchiClient
from alarmapi.octavia import OctaviaClient


@dataclasses.dataclass
class RuleContext:
    """What alarm validation may consult: the caller, Gnocchi, the action limits."""

    caller: Caller
    project_id: str | None
    gnocchi: GnocchiClient | None = None
    #: The limits on actions (None: only their schemes are checked).
    actions: ActionRules | None = None
    #: The Prometheus label that holds a series' project.
    prometheus_label: str = "project"
    #: Octavia (None: pools are not checked at create, only at evaluation).
    octavia: OctaviaClient | None = None


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
