"""Who is calling: the identity headers set by keystonemiddleware or, in noauth
mode, by the caller itself."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping


@dataclasses.dataclass(frozen=True)
class Caller:
    """The authenticated identity of a request."""

    user_id: str | None
    project_id: str | None
    roles: tuple[str, ...]
    is_admin: bool = False

    @classmethod
    def from_headers(cls, headers: Mapping[str, str], is_admin: bool = False) -> Caller:
        """Read X-User-Id, X-Project-Id and X-Roles (comma separated)."""
        roles = tuple(
            role.strip() for role in headers.get("X-Roles", "").split(",") if role.strip()
        )
        return cls(
            user_id=headers.get("X-User-Id") or None,
            project_id=headers.get("X-Project-Id") or None,
            roles=roles,
            is_admin=is_admin,
        )

    def credentials(self) -> dict[str, object]:
        """The credentials dict oslo.policy checks."""
        return {
            "roles": list(self.roles),
            "user_id": self.user_id,
            "project_id": self.project_id,
        }

    @property
    def scope(self) -> str | None:
        """The project a non-admin is limited to; None for an admin."""
        return None if self.is_admin else self.project_id
