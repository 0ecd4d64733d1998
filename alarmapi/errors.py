"""Domain errors. They carry their data; ``alarmapi.api.faults`` maps them to HTTP."""

from __future__ import annotations

from typing import Any


class AlarmAPIError(Exception):
    """Base of every domain error; ``status`` is the HTTP status it maps to."""

    status = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    # WSME reads ``code`` and ``faultstring`` from any exception to build the fault
    # body and status: this is the one place domain errors meet HTTP.
    @property
    def code(self) -> int:
        """The HTTP status of the error."""
        return self.status

    @property
    def faultstring(self) -> str:
        """The message clients see (aodhclient prints it)."""
        return self.message


class ClientError(AlarmAPIError):
    """The request is wrong; the message says why."""

    status = 400


class InvalidInput(ClientError):
    """A field has a value that is not allowed (Aodh's "Invalid input" message)."""

    def __init__(self, field: str, value: Any, reason: str) -> None:
        super().__init__(
            f"Invalid input for field/attribute {field}. Value: '{value}'. {reason}"
        )
        self.field = field
        self.value = value
        self.reason = reason


class NotAuthorized(ClientError):
    """The caller may not act for that project or user (Aodh answers 401)."""

    status = 401


class Forbidden(ClientError):
    """The policy forbids the call."""

    status = 403


class QuotaExceeded(Forbidden):
    """Creating one more alarm would exceed a quota."""

    def __init__(self, user_id: str | None, project_id: str | None) -> None:
        super().__init__(
            f"Alarm quota exceeded for user {user_id} on project {project_id}"
        )


class AlarmNotFound(ClientError):
    """No alarm with that id is visible to the caller."""

    status = 404

    def __init__(self, alarm_id: str) -> None:
        super().__init__(f"Alarm {alarm_id} not found")
        self.alarm_id = alarm_id


class SilenceNotFound(ClientError):
    """No silence with that id is visible to the caller."""

    status = 404

    def __init__(self, silence_id: str) -> None:
        super().__init__(f"Silence {silence_id} not found")
        self.silence_id = silence_id


class StateConflict(ClientError):
    """A compare-and-swap state change lost the race."""

    status = 409


class StaleAlarm(StateConflict):
    """The alarm changed between the read a replacement was built on and its write."""

    def __init__(self, alarm_id: str) -> None:
        super().__init__(f"Alarm {alarm_id} was changed meanwhile; read it again")
        self.alarm_id = alarm_id


class PreconditionFailed(ClientError):
    """If-Match names a version of the alarm that is not the current one."""

    status = 412


class BackendUnavailable(AlarmAPIError):
    """A service the API depends on (Gnocchi) cannot be reached."""

    status = 503
