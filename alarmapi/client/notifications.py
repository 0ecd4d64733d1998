"""/v2.0/notification-methods: named destinations alarms can name as actions."""

from __future__ import annotations

import builtins
from typing import Any

from alarmapi.client.base import Manager


class NotificationsManager(Manager):
    """Notification methods (EMAIL, WEBHOOK, PAGERDUTY, ALERTMANAGER)."""

    path = "/v2.0/notification-methods"

    def create(self, name: str, type: str, address: str, period: int | None = None) -> Any:
        """Create a method."""
        body: dict[str, Any] = {"name": name, "type": type, "address": address}
        if period is not None:
            body["period"] = period
        return self.http.post(self.path, body)

    def get(self, notification_id: str) -> Any:
        """One method."""
        return self.http.get(f"{self.path}/{notification_id}")

    def list(self, sort_by: str | None = None, limit: int | None = None) -> Any:
        """The tenant's methods (every page)."""
        return self._elements(self.path, {"sort_by": sort_by}, limit)

    def update(self, notification_id: str, name: str, type: str, address: str,
               period: int | None = None) -> Any:
        """Replace a method (PUT)."""
        body: dict[str, Any] = {"name": name, "type": type, "address": address}
        if period is not None:
            body["period"] = period
        return self.http.put(f"{self.path}/{notification_id}", body)

    def patch(self, notification_id: str, **fields: Any) -> Any:
        """Change some fields (PATCH)."""
        return self.http.patch(f"{self.path}/{notification_id}", fields)

    def delete(self, notification_id: str) -> None:
        """Delete a method."""
        self.http.delete(f"{self.path}/{notification_id}")

    def types(self) -> builtins.list[str]:
        """The method types the server delivers."""
        return [t["type"] for t in self._elements(f"{self.path}/types")]
