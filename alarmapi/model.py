"""The alarm domain model shared by the API, the storage and the evaluator.

Every wire name (``insufficient data``, ``rule change`` ...) is defined here once.
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import hashlib
from typing import Any


class State(enum.StrEnum):
    """The state an alarm is in."""

    OK = "ok"
    ALARM = "alarm"
    INSUFFICIENT_DATA = "insufficient data"


class Severity(enum.StrEnum):
    """How serious an alarm is."""

    LOW = "low"
    MODERATE = "moderate"
    CRITICAL = "critical"


class ChangeType(enum.StrEnum):
    """The kinds of history record."""

    CREATION = "creation"
    RULE_CHANGE = "rule change"
    STATE_TRANSITION = "state transition"
    DELETION = "deletion"


#: The state_reason of an alarm that has never been evaluated.
NOT_EVALUATED_REASON = "Not evaluated yet"
#: The state_reason written when a user sets the state through the API.
MANUAL_STATE_REASON = "Manually set via API"

#: Alarm attributes that make up the stored alarm, in Aodh's history order.
ALARM_FIELDS = (
    "alarm_id",
    "type",
    "enabled",
    "name",
    "description",
    "timestamp",
    "user_id",
    "project_id",
    "state",
    "state_timestamp",
    "state_reason",
    "ok_actions",
    "alarm_actions",
    "insufficient_data_actions",
    "repeat_actions",
    "time_constraints",
    "severity",
    "rule",
)

#: Alarm attributes only the Monasca v2.0 API shows (kept across /v2 replaces).
MONASCA_FIELDS = ("actions_enabled", "expression", "monasca_severity")
#: Alarm attributes only the evaluator writes (kept across replaces).
EVALUATOR_FIELDS = ("evaluation_error", "last_event_at", "last_evaluated_at")
#: Stored attributes never shown by the API as they are.
INTERNAL_FIELDS = ("last_event_at", "last_evaluated_at")
def missed_evaluations(alarm: Alarm, interval_s: float, now: datetime.datetime) -> int | None:
    """How many evaluation cycles passed without the evaluator taking care of the alarm
    since it last did (or since the alarm was last written), the cycle under way
    allowed for; None for an alarm no cycle evaluates (disabled, or an event alarm)."""
    if not alarm.enabled or alarm.type == "event" or interval_s <= 0:
        return None
    reference = max(alarm.last_evaluated_at or alarm.timestamp, alarm.timestamp)
    return max(0, int((now - reference).total_seconds() // interval_s) - 1)


#: The longest evaluation_error kept.
MAX_EVALUATION_ERROR = 1000


def naive_utc(moment: datetime.datetime) -> datetime.datetime:
    """``moment`` as a naive UTC datetime (naive ones are taken to be UTC already)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(datetime.UTC).replace(tzinfo=None)
    return moment


def from_ms(ms: int) -> datetime.datetime:
    """A time in milliseconds since the epoch as a naive UTC datetime."""
    return datetime.datetime.fromtimestamp(ms / 1000, datetime.UTC).replace(tzinfo=None)


@dataclasses.dataclass
class Alarm:
    """One alarm as stored: the rule is kept as the plain dict of its type."""

    alarm_id: str
    name: str
    type: str
    rule: dict[str, Any]
    project_id: str | None
    user_id: str | None
    description: str
    timestamp: datetime.datetime
    state_timestamp: datetime.datetime
    enabled: bool = True
    ok_actions: list[str] = dataclasses.field(default_factory=list)
    alarm_actions: list[str] = dataclasses.field(default_factory=list)
    insufficient_data_actions: list[str] = dataclasses.field(default_factory=list)
    repeat_actions: bool = False
    time_constraints: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    state: str = State.INSUFFICIENT_DATA.value
    state_reason: str = NOT_EVALUATED_REASON
    severity: str = Severity.LOW.value
    evaluate_timestamp: datetime.datetime | None = None
    #: False: state changes are recorded but notify nobody (Monasca's actions_enabled).
    actions_enabled: bool = True
    #: The Monasca expression the rule was written as; shown while it still describes
    #: the rule (see alarmapi.expressions).
    expression: str | None = None
    #: The Monasca severity word it was given (HIGH has no Aodh severity of its own).
    monasca_severity: str | None = None
    #: Why the last evaluation could not read the alarm's data (None: it could); set
    #: by the evaluator only.
    evaluation_error: str | None = None
    #: When an event last matched the alarm's event rule (the listener writes it).
    last_event_at: datetime.datetime | None = None
    #: When the evaluator last took care of the alarm: judged it, or found it outside its
    #: time constraints (None: never). The API shows it as ``last_evaluated``.
    last_evaluated_at: datetime.datetime | None = None

    def as_dict(self) -> dict[str, Any]:
        """Return the alarm's fields as a dict (rule and lists copied)."""
        return dataclasses.asdict(self)


@dataclasses.dataclass
class AlarmChange:
    """One history record of an alarm."""

    event_id: str
    alarm_id: str
    type: str
    detail: str
    project_id: str | None
    user_id: str | None
    on_behalf_of: str | None
    timestamp: datetime.datetime
    severity: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """Return the record's fields as a dict."""
        return dataclasses.asdict(self)


@dataclasses.dataclass
class Notification:
    """What the notifier delivers for one transition: the actions of the new state."""

    alarm_id: str
    project_id: str | None
    alarm_name: str
    severity: str
    previous: str
    current: str
    reason: str
    reason_data: dict[str, Any]
    actions: list[str]
    created_at: datetime.datetime
    #: The alarm's type and description when it changed state (Alertmanager labels).
    alarm_type: str = ""
    description: str | None = None


#: Action schemes that hand the alarm to Prometheus Alertmanager as an alert.
ALERTMANAGER_SCHEMES = ("alertmanager", "alertmanager+https")


def is_alert_action(url: str) -> bool:
    """Whether an action hands the alarm to Alertmanager (its alert lives while the
    alarm is in alarm and is resolved when it leaves that state)."""
    return url.partition("://")[0] in ALERTMANAGER_SCHEMES


def actions_for(alarm: Alarm, state: str, previous: str | None = None) -> list[str]:
    """The action URLs an alarm runs on entering ``state`` from ``previous`` (none
    while its actions are disabled). Leaving alarm also runs the Alertmanager actions
    of ``alarm_actions``: they resolve the alert they opened."""
    if not alarm.actions_enabled:
        return []
    actions = list({State.OK.value: alarm.ok_actions, State.ALARM.value: alarm.alarm_actions,
                    State.INSUFFICIENT_DATA.value: alarm.insufficient_data_actions
                    }.get(state, []))
    if previous == State.ALARM.value and state != State.ALARM.value:
        actions += [a for a in alarm.alarm_actions if is_alert_action(a) and a not in actions]
    return actions


def etag(alarm: Alarm) -> str:
    """The alarm's entity tag: it changes with every write of the alarm (a replace
    moves ``timestamp``, a state change ``state_timestamp``)."""
    version = f"{alarm.alarm_id}|{alarm.timestamp.isoformat()}|" \
              f"{alarm.state_timestamp.isoformat()}"
    return '"' + hashlib.sha256(version.encode()).hexdigest()[:32] + '"'


def etag_matches(if_match: str, alarm: Alarm) -> bool:
    """Whether an If-Match header names the alarm's current version (or is ``*``)."""
    tags = [tag.strip() for tag in if_match.split(",")]
    return "*" in tags or etag(alarm) in tags
