"""The one Gnocchi client, shared by the API (validation) and the evaluator."""

from alarmapi.gnocchi.client import BACKEND, GnocchiClient, GnocchiError, from_config

__all__ = ["BACKEND", "GnocchiClient", "GnocchiError", "from_config"]
