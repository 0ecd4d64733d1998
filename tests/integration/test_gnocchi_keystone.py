"""gnocchi_* alarms against a Gnocchi 4.7.1 behind a real Keystone 30: alarmapi finds
Gnocchi in the catalog (service type metric) and calls it with the token of the
[service_credentials] user, through a keystoneauth session."""

from __future__ import annotations

import datetime
import os
import pathlib
import subprocess
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import webtest

from alarmapi import conf as alarmapi_conf
from alarmapi.api import app, policies
from alarmapi.api.context import Services
from alarmapi.evaluator.gnocchi import GnocchiSource
from alarmapi.gnocchi import from_config
from alarmapi.storage.sql import SQLConnection
from tests import databases
from tests.fakes import leaf
from tests.integration import gnocchi_peer
from tests.integration.keystone_peer import create, grant, session
from tests.integration.live import free_port

PASTE = """[composite:gnocchi+keystone]
use = egg:Paste#urlmap
/ = versions
/v1 = v1

[pipeline:v1]
pipeline = keystone_authtoken gnocchiv1

[app:versions]
paste.app_factory = gnocchi.rest.app:app_factory
root = gnocchi.rest.api.VersionsController

[app:gnocchiv1]
paste.app_factory = gnocchi.rest.app:app_factory
root = gnocchi.rest.api.V1Controller

[filter:keystone_authtoken]
use = egg:keystonemiddleware#auth_token
oslo_config_project = gnocchi
oslo_config_file = {conf}
"""


def keystone_gnocchi_conf(basic_conf: str, port: int, paste: pathlib.Path,
                          auth_url: str) -> str:
    """The peer's gnocchi.conf (same indexer and storage), served on ``port`` with
    keystone auth, keystonemiddleware validating tokens as the Gnocchi service user."""
    lines = []
    for line in basic_conf.splitlines():
        if line.startswith("auth_mode"):
            line = "auth_mode = keystone"
        elif line.startswith("port"):
            line = f"port = {port}"
        lines.append(line)
        if line.strip() == "[api]":
            lines.append(f"paste_config = {paste}")
    lines += ["[keystone_authtoken]", f"www_authenticate_uri = {auth_url}",
              f"auth_url = {auth_url}", "auth_type = password", "username = gnocchi",
              "password = gnocchi-pw", "project_name = service", "user_domain_id = default",
              "project_domain_id = default", "interface = public"]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def cloud(keystone: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Keystone with Gnocchi (keystone auth) in its catalog, a service user for
    alarmapi, and a resource whose cpu metric holds 95 in the last minutes."""
    gnocchi_api = gnocchi_peer.PEER_HOME / "gnocchi-venv" / "bin" / "gnocchi-api"
    probe = subprocess.run([str(gnocchi_api.parent / "python"), "-c",
                            "import keystonemiddleware"], capture_output=True)
    if probe.returncode != 0:
        databases.unavailable("keystonemiddleware is missing in the Gnocchi venv: "
                              "run tools/install-test.sh")
    admin = session(keystone, "admin", "secret", "admin")
    service_project = create(admin, "project", {"name": "service", "domain_id": "default"})
    for name, password in (("gnocchi", "gnocchi-pw"), ("alarmapi", "alarmapi-pw")):
        user = create(admin, "user", {"name": name, "password": password,
                                      "domain_id": "default"})
        grant(admin, service_project, user, "admin")
    port = free_port()
    service = create(admin, "service", {"type": "metric", "name": "gnocchi"})
    create(admin, "endpoint", {"service_id": service, "interface": "public",
                               "url": f"http://127.0.0.1:{port}"})
    folder = tmp_path_factory.mktemp("gnocchi-keystone")
    with gnocchi_peer.running() as basic_url:
        conf = folder / "gnocchi.conf"
        paste = folder / "api-paste.ini"
        paste.write_text(PASTE.format(conf=conf))
        basic_conf = (gnocchi_peer.PEER_HOME / "gnocchi-run" / "gnocchi.conf").read_text()
        conf.write_text(keystone_gnocchi_conf(basic_conf, port, paste, keystone))
        log = open(folder / "gnocchi-api.log", "wb")  # noqa: SIM115 - closed below
        venv = gnocchi_api.parent  # gnocchi-api execs the venv's uwsgi
        env = dict(os.environ, VIRTUAL_ENV=str(venv.parent),
                   PATH=f"{venv}{os.pathsep}{os.environ.get('PATH', '')}")
        process = subprocess.Popen([str(gnocchi_api), "--config-file", str(conf)],
                                   stdout=log, stderr=subprocess.STDOUT, env=env)
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and process.poll() is None:
                try:
                    if requests.get(url + "/v1/status", timeout=5).status_code == 401:
                        break
                except requests.RequestException:
                    pass
                time.sleep(0.5)
            else:
                raise AssertionError("the keystone Gnocchi did not start: "
                                     + (folder / "gnocchi-api.log").read_text()[-2000:])
            yield {"auth_url": keystone, "url": url, **resource(basic_url)}
        finally:
            process.terminate()
            process.wait(timeout=60)
            log.close()


def resource(basic_url: str) -> dict[str, Any]:
    """A resource with metric cpu at 95 (written through the basic-auth peer, which
    shares the keystone Gnocchi's indexer and storage)."""
    moment = datetime.datetime.now(datetime.UTC) - datetime.timedelta(seconds=30)
    return gnocchi_peer.cpu_resource(basic_url, gnocchi_peer.archive_policy(basic_url), "p",
                                     {moment: 95.0})


def config(tmp_path: pathlib.Path, cloud: dict[str, Any], password: str = "alarmapi-pw",
           extra: str = "") -> pathlib.Path:
    """An alarmapi config: Gnocchi with keystone auth, no endpoint (the catalog's)."""
    path = tmp_path / "alarmapi.conf"
    path.write_text(f"""[database]
connection = sqlite:///{tmp_path}/alarmapi.sqlite
[gnocchi]
auth_mode = keystone
{extra}
[service_credentials]
auth_url = {cloud['auth_url']}
username = alarmapi
password = {password}
project_name = service
user_domain_id = default
project_domain_id = default
interface = public
""")
    return path


RULE = {"metric": "cpu", "resource_type": "generic", "aggregation_method": "max",
        "granularity": 60, "evaluation_periods": 1, "comparison_operator": "gt"}


def verdict(conf_path: pathlib.Path, cloud: dict[str, Any], threshold: float) -> Any:
    client = from_config(alarmapi_conf.prepare([str(conf_path)]))
    assert client is not None
    source = GnocchiSource(client)
    return source.evaluate(leaf("gnocchi_resources_threshold",
                           dict(RULE, resource_id=cloud["resource_id"], threshold=threshold)),
                           datetime.datetime.now(datetime.UTC).replace(tzinfo=None))


def test_evaluation_through_the_catalog_with_a_service_token(
        tmp_path: pathlib.Path, cloud: dict[str, Any]) -> None:
    conf_path = config(tmp_path, cloud)
    assert verdict(conf_path, cloud, 90).state == "alarm"
    assert verdict(conf_path, cloud, 99).state == "ok"
    client = from_config(alarmapi_conf.prepare([str(conf_path)]))
    assert client is not None and "mean" in client.aggregation_methods()


def test_gnocchi_refuses_without_a_token(cloud: dict[str, Any]) -> None:
    answer = requests.get(f"{cloud['url']}/v1/resource/generic/{cloud['resource_id']}",
                          timeout=10)
    assert answer.status_code == 401


def test_bad_credentials_give_no_verdict(tmp_path: pathlib.Path,
                                         cloud: dict[str, Any]) -> None:
    result = verdict(config(tmp_path, cloud, password="wrong"), cloud, 90)
    assert result.state is None and "Unauthorized" in result.reason


def test_endpoint_option_overrides_the_catalog(tmp_path: pathlib.Path,
                                               cloud: dict[str, Any]) -> None:
    unreachable = config(tmp_path, cloud, extra="endpoint = http://127.0.0.1:9\ntimeout = 2")
    assert verdict(unreachable, cloud, 90).state is None
    explicit = config(tmp_path, cloud, extra=f"endpoint = {cloud['url']}")
    assert verdict(explicit, cloud, 90).state == "alarm"


def test_api_validates_gnocchi_rules_through_keystone(tmp_path: pathlib.Path,
                                                      cloud: dict[str, Any]) -> None:
    conf = alarmapi_conf.prepare([str(config(tmp_path, cloud))])
    conf.set_override("auth_mode", "noauth", "api")
    storage = SQLConnection(conf.database.connection)
    storage.upgrade()
    api = webtest.TestApp(app.load_app(conf, Services(conf, storage, policies.init(conf),
                                                      from_config(conf))))
    headers = {"X-User-Id": "u", "X-Project-Id": "p", "X-Roles": "member"}
    body = {"name": "ks-cpu", "type": "gnocchi_resources_threshold",
            "gnocchi_resources_threshold_rule": dict(
                RULE, resource_id=cloud["resource_id"], threshold=90)}
    created = api.post_json("/v2/alarms", body, headers=headers)
    assert created.status_code == 201
    refused = api.post_json("/v2/alarms", dict(body, gnocchi_resources_threshold_rule=dict(
        body["gnocchi_resources_threshold_rule"], aggregation_method="no-such-method")),
        headers=headers, expect_errors=True)
    assert refused.status_code == 400
    assert "no-such-method" in refused.json["error_message"]["faultstring"]
    storage.dispose()
