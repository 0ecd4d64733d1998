"""/v2/silences: mute alarms for a while without disabling them."""

from __future__ import annotations

from typing import Any

from alarmapi.client.base import Manager


class SilencesManager(Manager):
    """Silences of the caller's project (every project's for an admin)."""

    path = "/v2/silences"

    def create(self, matchers: list[dict[str, str]] | None = None, *,
               alarm_id: str | None = None, starts_at: str | None = None,
               ends_at: str | None = None, recurrence: dict[str, Any] | None = None,
               comment: str | None = None, expire_on_resolve: bool | None = None) -> Any:
        """Create a silence; ``alarm_id`` alone acknowledges that alarm until it is ok."""
        body: dict[str, Any] = {"matchers": matchers, "alarm_id": alarm_id,
                                "starts_at": starts_at, "ends_at": ends_at,
                                "recurrence": recurrence, "comment": comment,
                                "expire_on_resolve": expire_on_resolve}
        return self.http.post(self.path, {k: v for k, v in body.items() if v is not None})

    def get(self, silence_id: str) -> Any:
        """One silence."""
        return self.http.get(f"{self.path}/{silence_id}")

    def list(self, expired: bool = False) -> Any:
        """The silences not ended yet (ended ones too with ``expired``)."""
        return self.http.get(self.path, {"expired": "true"} if expired else None)

    def expire(self, silence_id: str) -> None:
        """End a silence now."""
        self.http.delete(f"{self.path}/{silence_id}")
