"""The errors of the Monasca API (/v2.0), each with its status: the one fault table
(``alarmapi.api.faults``) maps them, and Monasca's ``{"title", "description"}`` body
is written from it (``alarmapi.api.v2_0.base``)."""

from __future__ import annotations

from alarmapi import errors

TITLES = {400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed", 409: "Conflict",
          422: "Unprocessable Entity", 403: "Forbidden", 401: "Unauthorized"}


class MetricsError(errors.ClientError):
    """A request Monasca refuses as unprocessable (422): a field's value is wrong."""

    status = 422

    def __init__(self, description: str) -> None:
        super().__init__(description)


class MalformedRequest(MetricsError):
    """The request cannot be read at all: not JSON, unknown keys (400)."""

    status = 400


class NoTenant(MetricsError):
    """The request names no tenant (401)."""

    status = 401


class NotFound(MetricsError):
    """No such resource is visible to the tenant (404)."""

    status = 404


class MethodNotAllowed(MetricsError):
    """The resource does not answer that method (405)."""

    status = 405

    def __init__(self, method: str, hint: str = "") -> None:
        super().__init__(f"{method} is not allowed here{hint}")
        self.method = method


class MultipleMetrics(MetricsError):
    """A read matched several metrics without merge_metrics or group_by (409)."""

    status = 409

    def __init__(self, count: int) -> None:
        super().__init__(
            f"Found {count} metrics matching the query: use merge_metrics=true or group_by "
            "to read them together, or give dimensions that match one metric")
