"""The one Gnocchi client, shared by the API (validation) and the evaluator."""

from alarmapi.gnocchi.client import GnocchiClient, GnocchiError, from_config

__all__ = ["GnocchiClient", "GnocchiError", "from_config"]
