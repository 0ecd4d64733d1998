"""The client library and the ``alarmapi`` CLI against an alarmapi in keystone mode, with a
real Keystone 30: password auth, the endpoint from the catalog, a token, and projects
kept apart."""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys
from typing import Any

from alarmapi.client import client, exc
from tests.integration import live
from tests.integration.keystone_peer import IDENTITY, create, grant, session

CLI = pathlib.Path(sys.executable).parent / "alarmapi"


def _users(admin: Any) -> dict[str, str]:
    ids = {}
    for project in ("red", "blue"):
        ids[project] = create(admin, "project", {"name": project, "domain_id": "default"})
        user = create(admin, "user", {"name": f"{project}-user", "password": "pw",
                                      "domain_id": "default"})
        grant(admin, ids[project], user, "member")
    service = create(admin, "user", {"name": "alarmapi", "password": "svc",
                                     "domain_id": "default"})
    admin_project = admin.get("/projects?name=admin", **IDENTITY).json()["projects"][0]["id"]
    grant(admin, admin_project, service, "admin")
    return ids


def _config(directory: pathlib.Path, keystone: str, interface: str) -> pathlib.Path:
    path = directory / f"alarmapi-{interface}.conf"
    path.write_text(
        f"[api]\nauth_mode = keystone\n[database]\nconnection = sqlite:///{directory}/a.sqlite\n"
        f"[keystone_authtoken]\nwww_authenticate_uri = {keystone}\nauth_url = {keystone}\n"
        "auth_type = password\nusername = alarmapi\npassword = svc\n"
        "user_domain_id = default\nproject_name = admin\nproject_domain_id = default\n"
        f"interface = {interface}\n")
    return path


def cli(keystone: str, project: str, *args: str, url: str | None = None) -> Any:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OS_", "ALARMAPI_"))}
    env.update(OS_AUTH_URL=keystone, OS_USERNAME=f"{project}-user", OS_PASSWORD="pw",
               OS_TENANT_NAME=project)
    command = [str(CLI), "-j", *(["--alarmapi-url", url] if url else []), *args]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_keystone_password_catalog_and_token(keystone: str, tmp_path: pathlib.Path) -> None:
    admin = session(keystone, "admin", "secret", "admin")
    projects = _users(admin)
    # Keystone's bootstrap made no internal endpoints: validation fails, a clear 503.
    with live.server(_config(tmp_path, keystone, "internal")) as url:
        token = session(keystone, "red-user", "pw", "red").get_token()
        try:
            client.Client("2", url, token=token).alarms.list()
            raise AssertionError("a token was accepted without validation")
        except exc.ServiceUnavailable as error:
            assert "The identity service cannot validate the token" in error.message
    with live.server(_config(tmp_path, keystone, "public")) as url:
        service = create(admin, "service", {"type": "alarming", "name": "alarmapi"})
        create(admin, "endpoint", {"service_id": service, "interface": "public",
                                   "url": url, "region_id": "RegionOne"})
        # The CLI: password auth, the endpoint found in the catalog.
        made = cli(keystone, "red", "alarm-create", "hot", "avg(cpu{host=a}) > 90")
        listed = cli(keystone, "red", "alarm-list")
        assert [a["id"] for a in listed] == [made["id"]]
        assert cli(keystone, "blue", "alarm-list", url=url) == []  # another project
        # The library with a keystoneauth1 session (catalog) and with a bare token.
        red = client.Client("2", session=session(keystone, "red-user", "pw", "red"))
        aodh = red.alarms.get(made["id"])
        assert (aodh["project_id"], aodh["type"]) == (projects["red"], "threshold")
        token = session(keystone, "blue-user", "pw", "blue").get_token()
        blue = client.Client("2", url, token=token)
        assert blue.alarms.list() == []
        try:
            blue.alarms.get(made["id"])
            raise AssertionError("blue saw red's alarm")
        except exc.NotFound:
            pass
        try:
            client.Client("2", url, token="not-a-token").alarms.list()
            raise AssertionError("a bad token was accepted")
        except exc.Unauthorized as error:
            assert error.code == 401


def test_tokens_without_a_project_scope_see_nothing(keystone: str,
                                                    tmp_path: pathlib.Path) -> None:
    """A domain-scoped and an unscoped token of a real Keystone name no project: their
    calls are refused, never answered with every project's alarms (issue 13)."""
    import requests
    from keystoneauth1 import session as ka_session
    from keystoneauth1.identity import v3

    admin = session(keystone, "admin", "secret", "admin")
    project = create(admin, "project", {"name": "green", "domain_id": "default"})
    user = create(admin, "user", {"name": "green-user", "password": "pw",
                                  "domain_id": "default"})
    grant(admin, project, user, "member")
    roles = {r["name"]: r["id"] for r in admin.get("/roles", **IDENTITY).json()["roles"]}
    admin.put(f"/domains/default/users/{user}/roles/{roles['member']}", **IDENTITY)
    with live.server(_config(tmp_path, keystone, "public")) as url:
        green = client.Client("2", url, token=session(keystone, "green-user", "pw",
                                                      "green").get_token())
        green.expression_alarms.create("green-secret", "avg(cpu) > 1")
        domain_token = ka_session.Session(auth=v3.Password(
            auth_url=keystone, username="green-user", password="pw",
            user_domain_id="default", domain_id="default")).get_token()
        unscoped_token = ka_session.Session(auth=v3.Password(
            auth_url=keystone, username="green-user", password="pw",
            user_domain_id="default", unscoped=True)).get_token()
        for token in (domain_token, unscoped_token):
            for method, path in (("GET", "/v2/alarms"), ("POST", "/v2/query/alarms"),
                                 ("POST", "/v2/query/alarms/history"),
                                 ("GET", "/v2.0/alarms"),
                                 ("GET", "/v2.0/notification-methods")):
                answer = requests.request(method, url + path, json={}, timeout=30,
                                          headers={"X-Auth-Token": token})
                assert answer.status_code in (401, 403), (path, answer.text)
                assert "green-secret" not in answer.text
