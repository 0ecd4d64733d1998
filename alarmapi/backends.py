"""The keys backend clients are found under (one mapping for every backend a rule may
consult, typed by its key): a new backend declares its key beside its client."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Generic, TypeVar, cast

T = TypeVar("T")


@dataclasses.dataclass(frozen=True)
class Backend(Generic[T]):
    """The name a backend's client is registered under; ``T`` is the client's type."""

    name: str

    def of(self, clients: Mapping[str, object]) -> T | None:
        """This backend's client among ``clients`` (None when it is not configured)."""
        return cast("T | None", clients.get(self.name))
