"""Shared fixtures: databases per backend, storage, and the in-process API."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import webtest

from alarmapi import conf as alarmapi_conf
from alarmapi import octavia
from alarmapi.api import app, policies
from alarmapi.api.context import Services
from alarmapi.storage.sql import SQLConnection
from tests import databases
from tests.fakes import FakeGnocchi

ADMIN = {"X-User-Id": "user-admin", "X-Project-Id": "proj-admin", "X-Roles": "admin"}
USER_A = {"X-User-Id": "user-a", "X-Project-Id": "proj-a", "X-Roles": "reader,member"}
USER_B = {"X-User-Id": "user-b", "X-Project-Id": "proj-b", "X-Roles": "reader,member"}


@pytest.fixture(params=databases.BACKENDS)
def storage(request: pytest.FixtureRequest) -> Iterator[SQLConnection]:
    """A migrated storage connection on each backend."""
    with databases.database(request.param) as url:
        connection = SQLConnection(url)
        connection.upgrade()
        try:
            yield connection
        finally:
            connection.dispose()


def make_api(
    url: str, overrides: dict[tuple[str, str], Any] | None = None
) -> tuple[webtest.TestApp, Services]:
    """An in-process API (noauth) on the database at ``url``; overrides by (group, name)."""
    conf = alarmapi_conf.prepare([])
    conf.set_override("auth_mode", "noauth", "api")
    conf.set_override("connection", url, "database")
    for (group, name), value in (overrides or {}).items():
        conf.set_override(name, value, group)
    connection = SQLConnection(url)
    connection.upgrade()
    services = Services(conf, connection, policies.init(conf), FakeGnocchi(),
                        octavia.from_config(conf))
    return webtest.TestApp(app.load_app(conf, services)), services


@pytest.fixture
def api_services() -> Iterator[tuple[webtest.TestApp, Services]]:
    """The API and its services on a fresh SQLite database."""
    with databases.database("sqlite") as url:
        test_app, services = make_api(url)
        yield test_app, services
        services.storage.dispose()


@pytest.fixture
def api(api_services: tuple[webtest.TestApp, Services]) -> webtest.TestApp:
    """The API on a fresh SQLite database."""
    return api_services[0]


@pytest.fixture(params=databases.BACKENDS)
def backend_api(request: pytest.FixtureRequest) -> Iterator[tuple[webtest.TestApp, Services]]:
    """The in-process API and its services on a fresh database of each backend."""
    with databases.database(request.param) as url:
        app_, services = make_api(url)
        yield app_, services
        services.storage.dispose()
