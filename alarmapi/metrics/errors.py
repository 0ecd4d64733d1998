"""Metric API errors, in Monasca's shape: ``{"title", "description"}``."""

from __future__ import annotations

from alarmapi import errors

TITLES = {400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed", 409: "Conflict",
          422: "Unprocessable Entity", 403: "Forbidden", 401: "Unauthorized"}


class MetricsError(errors.ClientError):
    """A refused metrics request; ``status`` picks Monasca's title."""

    def __init__(self, description: str, status: int = 422) -> None:
        super().__init__(description)
        self.status = status

    @property
    def title(self) -> str:
        """Monasca's title for the status."""
        return TITLES.get(self.status, "Error")

    def body(self) -> dict[str, str]:
        """The error document."""
        return {"title": self.title, "description": self.message}


class MultipleMetrics(MetricsError):
    """A read matched several metrics without merge_metrics or group_by (409)."""

    def __init__(self, count: int) -> None:
        super().__init__(
            f"Found {count} metrics matching the query: use merge_metrics=true or group_by "
            "to read them together, or give dimensions that match one metric", 409)
