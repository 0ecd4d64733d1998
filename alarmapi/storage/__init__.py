"""Storage: the typed interface and the factory that picks a backend by URL."""

from __future__ import annotations

from alarmapi.storage.base import Connection


def get_connection(url: str) -> Connection:
    """Return the storage connection for a database URL."""
    from alarmapi.storage.sql import SQLConnection

    return SQLConnection(url)


__all__ = ["Connection", "get_connection"]
