"""/v2/capabilities: what this API supports, including extensions beyond Aodh."""

from __future__ import annotations

from typing import Any

from pecan import rest
from wsme import types as wtypes

from alarmapi import rule_kinds
from alarmapi.api.v2.expose import wsexpose
from alarmapi.api.v2.wsbase import Base

#: Aodh's own flags.
API = {
    "alarms:query:simple": True,
    "alarms:query:complex": True,
    "alarms:history:query:simple": True,
    "alarms:history:query:complex": True,
}
STORAGE = {"storage:production_ready": True}
#: Extensions beyond Aodh 23, each a flag a client can test for.
EXTENSIONS = {
    "alarms:type:threshold": True,
    "alarms:sort:severity": True,
    "alarms:put:keeps_owner": True,
    "alarms:deliveries": True,
    "alarms:actions:mailto": True,
    "alarms:actions:notification_method": True,
    "notifier:idempotency_key": True,
    # Monasca v2.0 alarms written as expressions, on the same alarms (/v2.0/alarms).
    "alarms:expressions": True,
    # The threshold rule's statistic "last": the newest value of each period.
    "alarms:threshold:statistic:last": True,
    # GET /v2/alarms/{id} answers an ETag; PUT honours If-Match (412 on a stale one).
    "alarms:put:if_match": True,
    # alertmanager(+https):// actions and ALERTMANAGER methods: alarms as Alertmanager alerts.
    "alarms:actions:alertmanager": True,
    # /v2/silences: deliveries of matching alarms held back (fixed, recurring, until ok).
    "alarms:silences": True,
    # Alarms show evaluation_error when their data could not be read (absent when it could).
    "alarms:evaluation_error": True,
    # Alarms show last_evaluated and missed_evaluations (a stuck alarm is visible).
    "alarms:evaluation_accounting": True,
    # event_rule timeout (heartbeat events; alarm when none arrives in time) and
    # reset_after (back to ok after a quiet time).
    "alarms:event:timeout": True,
    # POST /v2/alarms/{id}/backtest and /v2/alarms/backtest: the transitions a threshold
    # (or composite of threshold) alarm would have made over a past range.
    "alarms:backtest": True,
    # One flag per rule type a backtest replays (a composite: when all its leaves are).
    **{f"alarms:backtest:{name}": True for name in rule_kinds.BACKTESTED_TYPES},
}


class Capabilities(Base):
    """The capability flags, in the seed's form: flattened booleans under ``api`` (the
    extensions among them) and ``alarm_storage``."""

    api = {wtypes.text: bool}
    alarm_storage = {wtypes.text: bool}


class CapabilitiesController(rest.RestController):
    """/v2/capabilities."""

    @wsexpose(Capabilities)
    def get(self) -> Any:
        """The capabilities of the API and its storage."""
        return Capabilities(api={**API, **EXTENSIONS}, alarm_storage=dict(STORAGE))
