"""Swap day (issue 28.1): an aodh.conf that reaches a real Gnocchi 4.7.1 through
[service_credentials] (auth_type gnocchi-basic, as next to a Gnocchi in basic auth),
unchanged, serves gnocchi alarms and composites with a gnocchi leaf: created (Aodh
accepts them; alarmapi refused them with 503) and evaluated against that Gnocchi."""

from __future__ import annotations

import datetime
import pathlib
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from alarmapi import conf as alarmapi_conf
from alarmapi.conf import aodh_compat
from alarmapi.evaluator import sources
from alarmapi.evaluator.service import Evaluator
from alarmapi.storage.sql import SQLConnection
from tests.integration import gnocchi_peer, live

AUTH = gnocchi_peer.AUTH
USER = {"X-User-Id": "user-a", "X-Project-Id": "proj-a", "X-Roles": "reader,member"}


def aodh_conf(directory: pathlib.Path, gnocchi_url: str) -> pathlib.Path:
    """What an operator's aodh.conf says, nothing alarmapi-specific in it."""
    path = directory / "aodh.conf"
    path.write_text(
        "[DEFAULT]\nevaluation_interval = 60\nevent_alarm_cache_ttl = 30\n\n"
        "[api]\nauth_mode = noauth\n\n"
        f"[database]\nconnection = sqlite:///{directory}/aodh.sqlite\n\n"
        "[service_credentials]\nauth_type = gnocchi-basic\nuser = admin\n"
        f"endpoint = {gnocchi_url}\n")
    return path


@pytest.fixture(scope="module")
def gnocchi() -> Iterator[dict[str, Any]]:
    """A resource of proj-a whose cpu metric holds 95 in the last minutes."""
    with gnocchi_peer.running() as url:
        now = datetime.datetime.now(datetime.UTC)
        made = gnocchi_peer.cpu_resource(url, gnocchi_peer.archive_policy(url), "proj-a", {
            now - datetime.timedelta(seconds=s): 95.0 for s in (100, 40)}, user="user-a")
        yield {"url": url, "resource_id": made["resource_id"]}


def test_an_unchanged_aodh_conf_serves_and_evaluates_gnocchi_alarms(
        tmp_path: pathlib.Path, gnocchi: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(aodh_compat.REPORTED_ENV, raising=False)  # a new deployment
    config = aodh_conf(tmp_path, gnocchi["url"])
    leaf = {"metric": "cpu", "resource_id": gnocchi["resource_id"],
            "resource_type": "generic", "threshold": 90, "comparison_operator": "gt",
            "aggregation_method": "mean", "granularity": 60}
    with live.server(config, workers=2) as url:
        plain = requests.post(url + "/v2/alarms", headers=USER, timeout=30, json={
            "name": "cpu", "type": "gnocchi_resources_threshold",
            "gnocchi_resources_threshold_rule": leaf})
        assert plain.status_code == 201, plain.text
        tree = requests.post(url + "/v2/alarms", headers=USER, timeout=30, json={
            "name": "tree", "type": "composite", "composite_rule": {"or": [
                dict(leaf, type="gnocchi_resources_threshold", threshold=99),
                dict(leaf, type="gnocchi_resources_threshold")]}})
        assert tree.status_code == 201, tree.text
        refused = requests.post(url + "/v2/alarms", headers=USER, timeout=30, json={
            "name": "bad", "type": "gnocchi_resources_threshold",
            "gnocchi_resources_threshold_rule": dict(leaf, aggregation_method="avg")})
        assert refused.status_code == 400  # checked against that Gnocchi's methods
        assert "aggregation_method should be in" in refused.text
    # The start is reported once, not by each of the two workers.
    log = config.with_suffix(".log").read_text()
    assert log.count("event_alarm_cache_ttl = 30 is ignored") == 1, log[-3000:]
    assert log.count("[service_credentials] auth_type = gnocchi-basic: Gnocchi at") == 1
    conf = alarmapi_conf.prepare([str(config)])
    storage = SQLConnection(conf.database.connection)
    evaluator = Evaluator(storage, sources=sources.from_config(conf, storage))
    try:
        report = evaluator.run_cycle()
        assert (report.evaluated, report.source_errors) == (2, 0)
        assert report.gnocchi_requests >= 1
        for made in (plain.json(), tree.json()):
            stored = storage.get_alarm(made["alarm_id"])
            assert stored is not None and stored.state == "alarm", stored
    finally:
        evaluator.close()
        storage.dispose()
