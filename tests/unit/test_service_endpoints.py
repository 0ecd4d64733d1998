"""Each backend is found as Aodh finds it for an unchanged aodh.conf (issue 28.1):
Gnocchi at the endpoint [service_credentials] names without keystone, or in the keystone
catalog; never another service's requests at Gnocchi's endpoint; a plugin name only
gnocchiclient knows never stops the start."""

from __future__ import annotations

import logging
import pathlib
from typing import Any

import pytest

from alarmapi import conf as alarmapi_conf
from alarmapi import octavia, prometheus, service_auth
from alarmapi.conf import aodh_compat
from alarmapi.gnocchi import client as gnocchi
from tests.unit.test_aodh_conf import KEYSTONE_AODH_CONF, peer_conf

GNOCCHI_BASIC = """\
[api]
auth_mode = noauth
[service_credentials]
auth_type = gnocchi-basic
user = admin
endpoint = http://127.0.0.1:8041
"""


def parsed(tmp_path: pathlib.Path, text: str) -> Any:
    path = tmp_path / "aodh.conf"
    path.write_text(text)
    return alarmapi_conf.prepare([str(path)])


@pytest.fixture(autouse=True)
def _no_prometheus_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("PROMETHEUS_HOST", "PROMETHEUS_PORT"):
        monkeypatch.delenv(name, raising=False)


def test_gnocchi_basic_names_gnocchi_alone(tmp_path: pathlib.Path) -> None:
    conf = parsed(tmp_path, GNOCCHI_BASIC)
    client = gnocchi.from_config(conf)
    assert client is not None and client.endpoint == "http://127.0.0.1:8041"
    assert client.adapter is None
    assert client._headers["Authorization"] == "basic YWRtaW46"  # "admin:", as Aodh's
    assert prometheus.from_config(conf) is None  # not sent to Gnocchi's endpoint
    assert octavia.from_config(conf) is None


def test_auth_type_none_names_gnocchi_without_credentials(tmp_path: pathlib.Path) -> None:
    conf = parsed(tmp_path, peer_conf())  # the reference Aodh's own aodh.conf
    client = gnocchi.from_config(conf)
    assert client is not None and client.endpoint == "http://127.0.0.1:8049"
    assert "Authorization" not in client._headers
    assert octavia.from_config(conf) is None and prometheus.from_config(conf) is None


def test_the_source_s_own_section_wins(tmp_path: pathlib.Path) -> None:
    conf = parsed(tmp_path, GNOCCHI_BASIC + "[gnocchi]\nendpoint = http://10.0.0.9:8041\n"
                  "[octavia]\nendpoint = http://10.0.0.9:9876\n")
    client = gnocchi.from_config(conf)
    assert client is not None and client.endpoint == "http://10.0.0.9:8041"
    lb = octavia.from_config(conf)
    assert lb is not None and lb.adapter is None  # no keystone token to send


def test_a_keystone_aodh_conf_finds_gnocchi_in_the_catalog(tmp_path: pathlib.Path) -> None:
    conf = parsed(tmp_path, KEYSTONE_AODH_CONF)
    client = gnocchi.from_config(conf)
    assert client is not None and client.endpoint == "" and client.adapter is not None
    assert client.adapter.service_type == "metric"
    assert client.adapter.interface == "internal"
    assert client.adapter.region_name == "RegionOne"


def test_nothing_names_gnocchi(tmp_path: pathlib.Path) -> None:
    conf = parsed(tmp_path, "[service_credentials]\nauth_type = none\n")  # no endpoint
    assert gnocchi.from_config(conf) is None
    assert service_auth.direct(conf) is None and not service_auth.configured(conf)


def test_the_start_is_reported_once_per_deployment(tmp_path: pathlib.Path,
                                                   monkeypatch: pytest.MonkeyPatch,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.delenv(aodh_compat.REPORTED_ENV, raising=False)
    conf = parsed(tmp_path, GNOCCHI_BASIC + "[DEFAULT]\nevent_alarm_cache_ttl = 30\n")
    log = logging.getLogger("test.start")
    with caplog.at_level(logging.INFO, "test.start"):
        assert aodh_compat.report_start(conf, log) is True
        assert aodh_compat.report_start(conf, log) is False  # a process it started
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 2
    assert lines[0].startswith("[DEFAULT] event_alarm_cache_ttl = 30 is ignored")
    assert "auth_type = gnocchi-basic: Gnocchi at http://127.0.0.1:8041" in lines[1]


@pytest.mark.parametrize("auth_type", ["password", "v3password", "v3applicationcredential"])
def test_every_keystone_plugin_of_an_aodh_conf_loads(tmp_path: pathlib.Path,
                                                     auth_type: str) -> None:
    """keystoneauth's own option registration refused auth_url as a duplicate of
    alarmapi's, so ``auth_type = password`` (the usual aodh.conf) stopped the start."""
    conf = parsed(tmp_path, KEYSTONE_AODH_CONF.replace(
        "auth_type = password", f"auth_type = {auth_type}\napplication_credential_id = ac1\n"
        "application_credential_secret = s3cret"))
    adapter = service_auth.adapter(conf, "load-balancer")
    assert adapter.service_type == "load-balancer"
    assert adapter.session.auth.auth_url == "http://10.0.0.5/identity"


def test_sibling_workers_report_once(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch,
                                     caplog: pytest.LogCaptureFixture) -> None:
    """A WSGI server's workers are siblings: the first one reports, the others do not."""
    monkeypatch.setattr(aodh_compat.tempfile, "gettempdir", lambda: str(tmp_path))
    conf = parsed(tmp_path, GNOCCHI_BASIC)
    log = logging.getLogger("test.siblings")
    reported = []
    for _ in range(3):
        monkeypatch.delenv(aodh_compat.REPORTED_ENV, raising=False)  # each its own process
        with caplog.at_level(logging.INFO, "test.siblings"):
            reported.append(aodh_compat.report_start(conf, log, siblings=True))
    assert reported == [True, False, False]
