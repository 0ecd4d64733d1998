"""auth_mode = keystone: keystonemiddleware's auth_token in the pipeline, checked with
keystonemiddleware's own AuthTokenFixture (valid, invalid and missing token)."""

from __future__ import annotations

import pathlib
from collections.abc import Iterator

import pytest
import webtest
from keystonemiddleware import fixture as ksm_fixture

from alarmapi import conf as alarmapi_conf
from alarmapi.api import app, policies
from alarmapi.api.context import Services
from alarmapi.storage.sql import SQLConnection
from tests import databases


@pytest.fixture
def keystone_api(tmp_path: pathlib.Path
                 ) -> Iterator[tuple[webtest.TestApp, ksm_fixture.AuthTokenFixture]]:
    tokens = ksm_fixture.AuthTokenFixture()
    tokens.setUp()
    config = tmp_path / "alarmapi.conf"
    # Named in the 401's WWW-Authenticate header; nothing is fetched from it.
    config.write_text("[keystone_authtoken]\nwww_authenticate_uri = http://127.0.0.1:5000/v3\n")
    with databases.database("sqlite") as url:
        conf = alarmapi_conf.prepare([str(config)])
        conf.set_override("auth_mode", "keystone", "api")
        storage = SQLConnection(url)
        storage.upgrade()
        services = Services(conf, storage, policies.init(conf))
        yield webtest.TestApp(app.load_app(conf, services)), tokens
        storage.dispose()
    tokens.cleanUp()


def test_valid_token(keystone_api: tuple[webtest.TestApp, ksm_fixture.AuthTokenFixture]
                     ) -> None:
    api, tokens = keystone_api
    token = "token-member"
    tokens.add_token_data(token_id=token, user_id="user-k", project_id="proj-k",
                          role_list=["reader", "member"])
    headers = {"X-Auth-Token": token}
    created = api.post_json("/v2/alarms", {"name": "k", "type": "event", "event_rule": {}},
                            headers=headers, status=201).json
    assert (created["user_id"], created["project_id"]) == ("user-k", "proj-k")
    assert [a["name"] for a in api.get("/v2/alarms", headers=headers).json] == ["k"]


def test_identity_headers_of_the_caller_are_ignored(
        keystone_api: tuple[webtest.TestApp, ksm_fixture.AuthTokenFixture]) -> None:
    api, tokens = keystone_api
    token = "token-reader"
    tokens.add_token_data(token_id=token, user_id="user-k", project_id="proj-k",
                          role_list=["reader"])
    forged = {"X-Auth-Token": token, "X-Roles": "admin", "X-Project-Id": "proj-other"}
    api.get("/v2/alarms?q.field=all_projects&q.value=true", headers=forged, status=403)


def test_invalid_token(keystone_api: tuple[webtest.TestApp, ksm_fixture.AuthTokenFixture]
                       ) -> None:
    api, _ = keystone_api
    response = api.get("/v2/alarms", headers={"X-Auth-Token": "not-a-token"}, status=401)
    assert "127.0.0.1:5000" in response.headers["WWW-Authenticate"]


def test_missing_token(keystone_api: tuple[webtest.TestApp, ksm_fixture.AuthTokenFixture]
                       ) -> None:
    api, _ = keystone_api
    response = api.get("/v2/alarms", status=401)
    assert response.json["error"]["code"] == 401  # keystonemiddleware answers, as in Aodh
    assert api.get("/", status=200).json["versions"]


def test_a_token_without_a_project_scope_sees_nothing(
        keystone_api: tuple[webtest.TestApp, ksm_fixture.AuthTokenFixture]) -> None:
    """A domain-scoped (or unscoped) token names no project: refused, never all projects."""
    api, tokens = keystone_api
    tokens.add_token_data(token_id="token-a", user_id="user-a", project_id="proj-a",
                          role_list=["reader", "member"])
    tokens.add_token_data(token_id="token-domain", user_id="user-d",
                          role_list=["reader", "member"])
    api.post_json("/v2/alarms", {"name": "secret", "type": "event", "event_rule": {}},
                  headers={"X-Auth-Token": "token-a"}, status=201)
    headers = {"X-Auth-Token": "token-domain"}
    for method, path in (("GET", "/v2/alarms"), ("POST", "/v2/query/alarms"),
                         ("POST", "/v2/query/alarms/history"), ("GET", "/v2/quotas")):
        response = api.request(path, method=method, headers=headers, expect_errors=True,
                               body=b"{}" if method == "POST" else b"",
                               content_type="application/json")
        assert response.status_int == 403, (path, response.text)
        assert "secret" not in response.text
