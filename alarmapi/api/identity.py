"""Who is calling: the identity headers set by keystonemiddleware or, in noauth
mode, by the caller itself."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from alarmapi import errors

#: The message of every refusal by policy or scope (Aodh's words).
RBAC_FAILED = "RBAC Authorization Failed"


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
        """The project the caller is limited to; None (every project) only for an admin.

        This is the one derivation of what a caller may see and touch. A non-admin
        whose credentials name no project (no X-Project-Id, a domain- or system-scoped
        token) is refused here, so it can never fall through to "every project".
        """
        if self.is_admin:
            return None
        if not self.project_id:
            raise errors.Forbidden(RBAC_FAILED)
        return self.project_id
