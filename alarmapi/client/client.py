"""The entry point: ``client.Client('2', endpoint, token=...)``."""

from __future__ import annotations

from typing import Any

from alarmapi.client import exc
from alarmapi.client.alarms import AlarmsManager, ExpressionAlarmsManager
from alarmapi.client.http import HTTPClient
from alarmapi.client.metrics import MetricsManager
from alarmapi.client.notifications import NotificationsManager
from alarmapi.client.service import CapabilitiesManager, QuotasManager
from alarmapi.client.silences import SilencesManager

VERSIONS = ("2", "2_0", "2.0", "v2")


class V2Client:
    """Every manager of alarmapi's API over one HTTP client."""

    def __init__(self, http: HTTPClient) -> None:
        self.http_client = http
        self.alarms = AlarmsManager(http)
        self.expression_alarms = ExpressionAlarmsManager(http)
        self.metrics = MetricsManager(http)
        self.notifications = NotificationsManager(http)
        self.capabilities = CapabilitiesManager(http)
        self.quotas = QuotasManager(http)
        self.silences = SilencesManager(http)


def Client(version: str = "2", endpoint: str | None = None, **kwargs: Any  # noqa: N802
           ) -> V2Client:
    """A client of alarmapi's API.

    ``endpoint`` is the server's base URL (http://host:8042); then ``token`` (keystone
    token, or the tenant for a noauth server's /v2.0), or ``session`` (keystoneauth1),
    or ``user_id``/``project_id``/``roles`` for a noauth server. Also ``insecure``,
    ``cacert``, ``cert``, ``key``, ``timeout``, ``region_name``, ``interface``.
    """
    if str(version) not in VERSIONS:
        raise exc.CommandError(f"API version {version} is not one of {', '.join(VERSIONS)}")
    return V2Client(HTTPClient(endpoint, **kwargs))
