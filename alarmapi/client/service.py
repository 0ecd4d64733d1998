"""Capabilities and quotas."""

from __future__ import annotations

from typing import Any

from alarmapi.client.base import Manager


class CapabilitiesManager(Manager):
    """/v2/capabilities."""

    def get(self) -> Any:
        """The API's capability flags, extensions included."""
        return self.http.get("/v2/capabilities")


class QuotasManager(Manager):
    """/v2/quotas."""

    def get(self, project_id: str | None = None) -> Any:
        """A project's effective quotas (the caller's own by default)."""
        return self.http.get("/v2/quotas", {"project_id": project_id} if project_id else None)

    def set(self, project_id: str, quotas: dict[str, int]) -> Any:
        """Set limits by resource (e.g. {"alarms": 50})."""
        return self.http.post("/v2/quotas", {
            "project_id": project_id,
            "quotas": [{"resource": r, "limit": n} for r, n in quotas.items()]})

    def delete(self, project_id: str) -> None:
        """Drop a project's quotas (back to the defaults)."""
        self.http.delete("/v2/quotas", {"project_id": project_id})
