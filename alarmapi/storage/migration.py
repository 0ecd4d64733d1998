"""Alembic migrations, run programmatically (``alarmapi-dbsync``)."""

from __future__ import annotations

import pathlib

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

MIGRATIONS = pathlib.Path(__file__).parent / "migrations"


def alembic_config(engine: sa.Engine | None = None) -> Config:
    """An Alembic config pointing at our scripts, bound to ``engine`` when given."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        config.attributes["engine"] = engine
    return config


def upgrade(engine: sa.Engine, revision: str = "head") -> None:
    """Upgrade the database behind ``engine`` to ``revision``."""
    command.upgrade(alembic_config(engine), revision)


def downgrade(engine: sa.Engine, revision: str) -> None:
    """Downgrade the database behind ``engine`` to ``revision``."""
    command.downgrade(alembic_config(engine), revision)
