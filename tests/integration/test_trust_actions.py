"""trust+ actions without a trust id, in keystone mode, with a real Keystone 30: the API
makes the trust from the caller to the service user, stores it in the URL, never shows
it, keeps it across a read-modify-write, and deletes it with the alarm or the action."""

from __future__ import annotations

import json
import pathlib
from typing import Any

import pytest
import requests
import sqlalchemy as sa

from alarmapi import conf as alarmapi_conf
from alarmapi.cmd.notifier import build_service
from alarmapi.storage.sql import SQLConnection
from tests.integration import live
from tests.integration.keystone_peer import IDENTITY, create, grant, session
from tests.notifying import transition
from tests.receivers import http_receiver


def _people(keystone: str) -> dict[str, Any]:
    admin = session(keystone, "admin", "secret", "admin")
    project = create(admin, "project", {"name": "trusty", "domain_id": "default"})
    owner = create(admin, "user", {"name": "owner", "password": "pw", "domain_id": "default"})
    grant(admin, project, owner, "member")
    service = create(admin, "user", {"name": "alarmapi", "password": "svc",
                                     "domain_id": "default"})
    admin_project = admin.get("/projects?name=admin", **IDENTITY).json()["projects"][0]["id"]
    grant(admin, admin_project, service, "admin")
    return {"admin": admin, "project": project, "owner": owner, "service": service}


@pytest.fixture(scope="module")
def people(keystone: str) -> dict[str, Any]:
    """A project, its member (the trustor) and the service user (the trustee)."""
    return _people(keystone)


def _config(directory: pathlib.Path, keystone: str) -> pathlib.Path:
    credentials = (f"auth_url = {keystone}\nusername = alarmapi\npassword = svc\n"
                   "user_domain_id = default\nproject_name = admin\n"
                   "project_domain_id = default\n")
    path = directory / "alarmapi.conf"
    path.write_text(
        f"[api]\nauth_mode = keystone\n[database]\nconnection = sqlite:///{directory}/a.sqlite\n"
        f"[keystone_authtoken]\nwww_authenticate_uri = {keystone}\nauth_type = password\n"
        "interface = public\n"
        f"{credentials}[service_credentials]\n{credentials}")
    return path


def _trust(admin: Any, trust_id: str) -> Any:
    return admin.get(f"/OS-TRUST/trusts/{trust_id}", raise_exc=False, **IDENTITY)


def _stored(directory: pathlib.Path, alarm_id: str) -> dict[str, list[str]]:
    engine = sa.create_engine(f"sqlite:///{directory}/a.sqlite")
    with engine.connect() as conn:
        row = conn.execute(sa.text("SELECT ok_actions, alarm_actions FROM alarm "
                                   "WHERE alarm_id = :id"), {"id": alarm_id}).one()
    engine.dispose()
    return {"ok_actions": json.loads(row[0]), "alarm_actions": json.loads(row[1])}


def test_the_api_makes_keeps_hides_and_deletes_trusts(
        keystone: str, people: dict[str, Any], tmp_path: pathlib.Path) -> None:
    admin = people["admin"]
    config = _config(tmp_path, keystone)
    token = session(keystone, "owner", "pw", "trusty").get_token()
    auth = {"X-Auth-Token": token}
    with http_receiver() as receiver, live.server(config) as url:
        hook = receiver.url.replace("http://", "trust+http://") + "/hook"
        body = {"name": "trusted", "type": "event", "event_rule": {},
                "alarm_actions": [hook], "ok_actions": [hook + "?ok", "http://127.0.0.1:9/x"]}
        created = requests.post(f"{url}/v2/alarms", json=body, headers=auth, timeout=60)
        assert created.status_code == 201, created.text
        alarm = created.json()
        alarm_id = alarm["alarm_id"]
        assert alarm["alarm_actions"] == [hook]
        assert alarm["ok_actions"] == [hook + "?ok", "http://127.0.0.1:9/x"]

        # Stored with the trust; the first action owns it.
        stored = _stored(tmp_path, alarm_id)
        owned = stored["ok_actions"][0]
        trust_id = owned.split("://")[1].split(":")[0]
        assert owned == hook.replace("://", f"://{trust_id}:delete@") + "?ok"
        assert stored["alarm_actions"] == [hook.replace("://", f"://{trust_id}@")]
        made = _trust(admin, trust_id).json()["trust"]
        assert (made["trustor_user_id"], made["trustee_user_id"], made["project_id"],
                made["impersonation"]) == (people["owner"], people["service"],
                                           people["project"], True)
        assert "member" in {role["name"] for role in made["roles"]}

        # Never shown: GET, list, complex query, history.
        outputs = [requests.get(f"{url}/v2/alarms/{alarm_id}", headers=auth, timeout=60),
                   requests.get(f"{url}/v2/alarms", headers=auth, timeout=60),
                   requests.post(f"{url}/v2/query/alarms", json={}, headers=auth, timeout=60),
                   requests.get(f"{url}/v2/alarms/{alarm_id}/history", headers=auth,
                                timeout=60)]
        for answer in outputs:
            assert answer.status_code == 200, answer.text
            assert trust_id not in answer.text and hook in answer.text

        # The notifier redeems it: the receiver gets a token of the owner (impersonation)
        # scoped by the trust.
        conf = alarmapi_conf.prepare([str(config)])
        storage = SQLConnection(conf.database.connection)
        stored_alarm = storage.get_alarm(alarm_id)
        assert stored_alarm is not None
        transition(storage, stored_alarm, "alarm")
        build_service(conf, storage).run_once()
        storage.dispose()
        (got,) = receiver.received
        seen = admin.get("/auth/tokens", headers={"X-Subject-Token": got.headers[
            "X-Auth-Token"]}, **IDENTITY).json()["token"]
        assert seen["OS-TRUST:trust"]["id"] == trust_id
        assert seen["user"]["id"] == people["owner"]

        # GET, change, PUT back: the same trust stays.
        shown = requests.get(f"{url}/v2/alarms/{alarm_id}", headers=auth, timeout=60).json()
        shown["description"] = "edited"
        assert requests.put(f"{url}/v2/alarms/{alarm_id}", json=shown, headers=auth,
                            timeout=60).status_code == 200
        assert _stored(tmp_path, alarm_id) == stored
        assert _trust(admin, trust_id).status_code == 200

        # The trust actions replaced: the trust goes.
        shown = requests.get(f"{url}/v2/alarms/{alarm_id}", headers=auth, timeout=60).json()
        shown["alarm_actions"] = shown["ok_actions"] = ["http://127.0.0.1:9/plain"]
        assert requests.put(f"{url}/v2/alarms/{alarm_id}", json=shown, headers=auth,
                            timeout=60).status_code == 200
        assert _trust(admin, trust_id).status_code == 404

        # Deleting an alarm deletes its trust; an id given by the caller is left alone.
        again = requests.post(f"{url}/v2/alarms", json=dict(body, name="second"),
                              headers=auth, timeout=60).json()
        second = _stored(tmp_path, again["alarm_id"])["ok_actions"][0]
        second_trust = second.split("://")[1].split(":")[0]
        assert _trust(admin, second_trust).status_code == 200
        assert requests.delete(f"{url}/v2/alarms/{again['alarm_id']}", headers=auth,
                               timeout=60).status_code == 204
        assert _trust(admin, second_trust).status_code == 404


def test_a_failed_create_leaves_no_trust(keystone: str, people: dict[str, Any],
                                         tmp_path: pathlib.Path) -> None:
    config = _config(tmp_path, keystone)
    config.write_text(config.read_text().replace("[api]\n", "[api]\nproject_alarm_quota = 0\n"))
    token = session(keystone, "owner", "pw", "trusty").get_token()
    owner_trusts = f"/OS-TRUST/trusts?trustor_user_id={people['owner']}"
    before = people["admin"].get(owner_trusts, **IDENTITY).json()["trusts"]
    with live.server(config) as url:
        refused = requests.post(f"{url}/v2/alarms", headers={"X-Auth-Token": token},
                                json={"name": "over", "type": "event", "event_rule": {},
                                      "alarm_actions": ["trust+http://127.0.0.1:9/x"]},
                                timeout=60)
    assert refused.status_code == 403, refused.text
    assert people["admin"].get(owner_trusts, **IDENTITY).json()["trusts"] == before

