"""trust+http actions against a real Keystone 30 (tools/keystone_peer.sh): the notifier
redeems the trust as the service user and the receiver gets a token scoped by it."""

from __future__ import annotations

import pathlib
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest
from keystoneauth1 import session as ka_session
from keystoneauth1.identity import v3

from alarmapi import conf as alarmapi_conf
from alarmapi.cmd.notifier import build_service
from tests import databases
from tests.conftest import make_api
from tests.integration.live import free_port
from tests.notifying import create_alarm, transition
from tests.receivers import http_receiver

ROOT = pathlib.Path(__file__).resolve().parents[2]
PEER = ROOT / "tools" / "keystone_peer.sh"


@pytest.fixture(scope="module")
def keystone(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    directory = tmp_path_factory.mktemp("keystone")
    port = free_port()
    started = subprocess.run(["bash", str(PEER), "start", str(directory), str(port)],
                             capture_output=True, text=True, timeout=300)
    if started.returncode != 0:
        databases.unavailable(f"keystone did not start: {started.stderr}")
    try:
        yield f"http://127.0.0.1:{port}/v3"
    finally:
        subprocess.run(["bash", str(PEER), "stop", str(directory)], check=False)


def _session(auth_url: str, user: str, password: str, project: str | None) -> Any:
    auth = v3.Password(auth_url=auth_url, username=user, password=password,
                       user_domain_id="default", project_name=project,
                       project_domain_id="default" if project else None)
    return ka_session.Session(auth=auth)


def _create(admin: Any, kind: str, body: dict[str, Any]) -> str:
    answer = admin.post(f"/{kind}s", json={kind: body}, endpoint_filter={
        "service_type": "identity", "interface": "public"})
    return str(answer.json()[kind]["id"])


def _identity(auth_url: str) -> dict[str, str]:
    """A demo project whose member delegates to the alarmapi service user."""
    admin = _session(auth_url, "admin", "secret", "admin")
    kw = {"endpoint_filter": {"service_type": "identity", "interface": "public"}}
    demo = _create(admin, "project", {"name": "demo", "domain_id": "default"})
    trustor = _create(admin, "user", {"name": "trustor", "password": "pw1",
                                      "domain_id": "default", "default_project_id": demo})
    service_user = _create(admin, "user", {"name": "alarmapi", "password": "pw2",
                                           "domain_id": "default"})
    roles = {r["name"]: r["id"] for r in admin.get("/roles", **kw).json()["roles"]}
    admin.put(f"/projects/{demo}/users/{trustor}/roles/{roles['member']}", **kw)
    user = _session(auth_url, "trustor", "pw1", "demo")
    trust = user.post("/OS-TRUST/trusts", json={"trust": {
        "trustor_user_id": trustor, "trustee_user_id": service_user, "project_id": demo,
        "impersonation": False, "roles": [{"name": "member"}]}}, **kw).json()["trust"]
    return {"trust_id": trust["id"], "project": demo, "service_user": service_user}


def test_trust_action_posts_with_a_trust_scoped_token(keystone: str) -> None:
    ids = _identity(keystone)
    with databases.database("sqlite") as url, http_receiver() as receiver:
        api, services = make_api(url)
        storage = services.storage
        action = f"trust+{receiver.url}/hook".replace("://", f"://{ids['trust_id']}@")
        alarm = transition(storage, create_alarm(api, storage, [action]), "alarm")
        conf = alarmapi_conf.prepare([])
        conf.set_override("auth_mode", "keystone", "api")
        for name, value in (("auth_url", keystone), ("username", "alarmapi"),
                            ("password", "pw2"), ("user_domain_id", "default")):
            conf.set_override(name, value, "service_credentials")
        build_service(conf, storage).run_once()
        (got,) = receiver.received
        (record,) = storage.outbox.records(alarm.alarm_id)
        assert record.status == "delivered", record.result
        assert got.path == "/hook" and "Authorization" not in got.headers
        admin = _session(keystone, "admin", "secret", "admin")
        token = admin.get("/auth/tokens", headers={"X-Subject-Token": got.headers[
            "X-Auth-Token"]}, endpoint_filter={"service_type": "identity",
                                               "interface": "public"}).json()["token"]
        assert token["OS-TRUST:trust"]["id"] == ids["trust_id"]
        assert token["user"]["id"] == ids["service_user"]
        assert token["project"]["id"] == ids["project"]
        storage.dispose()  # type: ignore[attr-defined]


def test_unknown_trust_fails_with_keystones_reason(keystone: str) -> None:
    with databases.database("sqlite") as url:
        api, services = make_api(url)
        storage = services.storage
        alarm = transition(storage, create_alarm(
            api, storage, ["trust+http://no-such-trust@127.0.0.1:9/x"]), "alarm")
        conf = alarmapi_conf.prepare([])
        conf.set_override("auth_mode", "keystone", "api")
        for name, value in (("auth_url", keystone), ("username", "admin"),
                            ("password", "secret"), ("user_domain_id", "default")):
            conf.set_override(name, value, "service_credentials")
        build_service(conf, storage).run_once()
        (record,) = storage.outbox.records(alarm.alarm_id)
        assert record.status == "failed"
        assert "trust no-such-trust cannot be redeemed" in record.result
        storage.dispose()  # type: ignore[attr-defined]
