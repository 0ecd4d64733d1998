"""/v2."""

from __future__ import annotations

from alarmapi.api.v2.alarms import AlarmsController
from alarmapi.api.v2.capabilities import CapabilitiesController
from alarmapi.api.v2.complex_query import QueryController
from alarmapi.api.v2.metrics import MetricsController
from alarmapi.api.v2.quotas import QuotasController
from alarmapi.api.v2.silences import SilencesController


class V2Controller:
    """The V2 resources."""

    alarms = AlarmsController()
    query = QueryController()
    capabilities = CapabilitiesController()
    quotas = QuotasController()
    metrics = MetricsController()
    silences = SilencesController()
