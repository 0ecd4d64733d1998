"""The evaluator's one seam to data: a source prefetches a batch of rules, then judges
each of them.

Each data source (the built-in metric store, Gnocchi, Prometheus, Octavia) is one module
implementing :class:`Source`, registered under the entry point namespace
``alarmapi.evaluator.source``; its ``from_config`` builds it from the configuration (or
returns None when that source is not configured). A test keeps the rule types the
sources judge in step with the API's rule registry.
"""

from __future__ import annotations

import abc
import dataclasses
import datetime
import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar

from stevedore import extension

from alarmapi import model
from alarmapi.evaluator.outcome import Evaluation

LOG = logging.getLogger(__name__)
#: Entry points: name → a Source subclass (built by its ``from_config``).
NAMESPACE = "alarmapi.evaluator.source"


@dataclasses.dataclass(frozen=True)
class Leaf:
    """One rule to judge: a plain alarm's rule, or one leaf of a composite rule."""

    alarm: model.Alarm
    rule_type: str
    rule: Mapping[str, Any]


def unavailable(reason: str) -> Evaluation:
    """No verdict because the data could not be read: the state stays, and the reason
    is reported (log, cycle report, the alarm's ``evaluation_error``)."""
    return Evaluation(None, reason, {}, error=reason)


class Source(abc.ABC):
    """Reads the data of the rules of its types and judges them."""

    #: The rule types this source judges.
    rule_types: ClassVar[tuple[str, ...]] = ()
    #: The name its requests are counted under in the cycle report.
    name: ClassVar[str] = ""

    def __init__(self) -> None:
        self._requests = 0

    @property
    def requests(self) -> int:
        """Requests sent to the backend since the source was made."""
        return self._requests

    def begin_cycle(self) -> None:  # noqa: B027 - a hook: most sources keep nothing
        """Forget the previous cycle's answers."""

    @abc.abstractmethod
    def prefetch(self, leaves: Sequence[Leaf], now: datetime.datetime) -> None:
        """Read, together, the data of these leaves that evaluate() will certainly need."""

    @abc.abstractmethod
    def evaluate(self, leaf: Leaf, now: datetime.datetime) -> Evaluation:
        """The leaf's verdict (from the prefetched data, else read now).

        A rule without its type's shape raises UnusableRule (its alarm alone fails); a
        backend that cannot answer gives ``unavailable(reason)``."""

    def close(self) -> None:  # noqa: B027 - a hook: most sources hold nothing
        """Release threads and connections."""

    @classmethod
    @abc.abstractmethod
    def from_config(cls, conf: Any, storage: Any) -> Source | None:
        """The source the configuration describes; None when it is not configured."""


def registered() -> dict[str, type[Source]]:
    """The registered source classes by entry point name."""
    manager: extension.ExtensionManager[Any] = extension.ExtensionManager(
        NAMESPACE, invoke_on_load=False)
    return {ext.name: ext.plugin for ext in manager}


def from_config(conf: Any, storage: Any) -> list[Source]:
    """Every source the configuration enables."""
    built = []
    for name, cls in sorted(registered().items()):
        source = cls.from_config(conf, storage)
        if source is not None:
            LOG.info("evaluating %s rules with the %s source", ", ".join(source.rule_types),
                     name)
            built.append(source)
    return built


class Sources:
    """The configured sources keyed by the rule types they judge."""

    def __init__(self, sources: Iterable[Source]) -> None:
        self.all = list(sources)
        self.by_type = {rule_type: source for source in self.all
                        for rule_type in source.rule_types}

    def begin_cycle(self) -> None:
        """Every source forgets its previous cycle's answers."""
        for source in self.all:
            source.begin_cycle()

    def requests(self) -> dict[str, int]:
        """Requests sent so far, by source name."""
        return {source.name: source.requests for source in self.all if source.name}

    def prefetch(self, leaves: Iterable[Leaf], now: datetime.datetime) -> None:
        """Hand each source the leaves of its types; a failing prefetch only means the
        leaves are read one by one later (and fail alone)."""
        grouped: dict[int, tuple[Source, list[Leaf]]] = {}
        for leaf in leaves:
            source = self.by_type.get(leaf.rule_type)
            if source is not None:
                grouped.setdefault(id(source), (source, []))[1].append(leaf)
        for source, batch in grouped.values():
            try:
                source.prefetch(batch, now)
            except Exception:
                LOG.exception("prefetching %d %s rules failed", len(batch), source.name)

    def evaluate(self, leaf: Leaf, now: datetime.datetime) -> Evaluation:
        """The verdict of the source of the leaf's type."""
        source = self.by_type.get(leaf.rule_type)
        if source is None:
            return unavailable(f"no data source for {leaf.rule_type} rules is configured")
        return source.evaluate(leaf, now)

    def close(self) -> None:
        """Close every source."""
        for source in self.all:
            source.close()
