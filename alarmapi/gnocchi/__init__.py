"""The one Gnocchi client, shared by the API (validation) and the evaluator."""

from alarmapi.gnocchi.client import GnocchiClient, GnocchiError

__all__ = ["GnocchiClient", "GnocchiError"]
