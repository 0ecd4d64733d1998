"""/v2.0."""

from __future__ import annotations

from typing import Any

import pecan

from alarmapi.api.v2_0.alarms import AlarmsController
from alarmapi.api.v2_0.metrics import MetricsController
from alarmapi.api.v2_0.notification_methods import NotificationMethodsController


class V2_0Controller:  # noqa: N801 - named for the API version
    """The Monasca v2.0 resources alarmapi serves."""

    metrics = MetricsController()
    alarms = AlarmsController()

    @pecan.expose("json")
    def index(self) -> Any:
        """The version document."""
        return {"id": "v2.0", "status": "CURRENT", "updated": "2026-11-23T00:00:00Z",
                "links": [{"rel": "self", "href": pecan.request.path_url}]}


pecan.route(V2_0Controller, "notification-methods", NotificationMethodsController())
