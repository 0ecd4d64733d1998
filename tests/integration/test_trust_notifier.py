"""trust+http actions against a real Keystone 30 (tools/keystone_peer.sh): the notifier
redeems the trust as the service user and the receiver gets a token scoped by it."""

from __future__ import annotations

from alarmapi import conf as alarmapi_conf
from alarmapi.cmd.notifier import build_service
from tests import databases
from tests.conftest import make_api
from tests.integration.keystone_peer import IDENTITY, create, grant, session
from tests.notifying import create_alarm, transition
from tests.receivers import http_receiver


def _identity(auth_url: str) -> dict[str, str]:
    """A demo project whose member delegates to the alarmapi service user."""
    admin = session(auth_url, "admin", "secret", "admin")
    demo = create(admin, "project", {"name": "demo", "domain_id": "default"})
    trustor = create(admin, "user", {"name": "trustor", "password": "pw1",
                                     "domain_id": "default", "default_project_id": demo})
    service_user = create(admin, "user", {"name": "alarmapi", "password": "pw2",
                                          "domain_id": "default"})
    grant(admin, demo, trustor, "member")
    user = session(auth_url, "trustor", "pw1", "demo")
    trust = user.post("/OS-TRUST/trusts", json={"trust": {
        "trustor_user_id": trustor, "trustee_user_id": service_user, "project_id": demo,
        "impersonation": False, "roles": [{"name": "member"}]}}, **IDENTITY).json()["trust"]
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
        admin = session(keystone, "admin", "secret", "admin")
        token = admin.get("/auth/tokens", headers={"X-Subject-Token": got.headers[
            "X-Auth-Token"]}, endpoint_filter={"service_type": "identity",
                                               "interface": "public"}).json()["token"]
        assert token["OS-TRUST:trust"]["id"] == ids["trust_id"]
        assert token["user"]["id"] == ids["service_user"]
        assert token["project"]["id"] == ids["project"]
        storage.dispose()


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
        storage.dispose()
