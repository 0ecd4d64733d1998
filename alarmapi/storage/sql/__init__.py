"""The SQLAlchemy storage backend (SQLite, PostgreSQL, MySQL/MariaDB)."""

from alarmapi.storage.sql.connection import SQLConnection

__all__ = ["SQLConnection"]
