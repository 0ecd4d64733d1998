"""A 500 says "internal error" and a request id, nothing more: no SQL statement, no bound
parameter, no traceback (issue 13, section 3). The failure is a real database error."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
import webtest

from alarmapi.api.context import Services
from tests import databases
from tests.conftest import USER_A, make_api

SECRET = "name-only-the-database-knows"


@pytest.fixture(params=databases.BACKENDS)
def broken_api(request: pytest.FixtureRequest) -> Iterator[webtest.TestApp]:
    """An API whose alarm table has been renamed away under it."""
    with databases.database(request.param) as url:
        api, services = make_api(url)
        api.post_json("/v2/alarms", {"name": SECRET, "type": "event", "event_rule": {}},
                      headers=USER_A, status=201)
        engine = services.storage.engine  # type: ignore[attr-defined]
        with engine.begin() as conn:
            conn.execute(sa.text("ALTER TABLE alarm RENAME TO alarm_moved_away"))
        yield api
        _dispose(services)


def _dispose(services: Services) -> None:
    services.storage.dispose()


def _assert_says_nothing(text: str) -> None:
    for leak in ("SELECT", "select", "alarm_moved_away", "FROM", "proj-a", SECRET,
                 "Traceback", "sqlalchemy", "psycopg", "pymysql", "sqlite3"):
        assert leak not in text, text


def test_a_database_error_is_an_internal_error_without_details(
        broken_api: webtest.TestApp) -> None:
    headers = dict(USER_A, **{"X-Openstack-Request-Id": "ignored"})
    for method, path in (("GET", "/v2/alarms?q.field=name&q.value=" + SECRET),
                         ("POST", "/v2/query/alarms")):
        response = broken_api.request(path, method=method, headers=headers, body=b"{}",
                                      content_type="application/json", expect_errors=True)
        assert response.status_int == 500
        fault = response.json["error_message"]
        assert fault["faultcode"] == "Server" and fault["debuginfo"] is None
        request_id = response.headers["x-openstack-request-id"]
        assert fault["faultstring"] == (
            f"Internal error (request {request_id}); the details are in the server log")
        _assert_says_nothing(response.text)


def test_the_monasca_api_hides_database_errors_too(broken_api: webtest.TestApp) -> None:
    response = broken_api.get("/v2.0/alarms", headers={"X-Auth-Token": "proj-a"},
                              expect_errors=True)
    assert response.status_int == 500
    assert response.json["description"].startswith("Internal error (request req-")
    _assert_says_nothing(response.text)
