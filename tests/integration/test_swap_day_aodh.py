"""Swap day, the cut-over itself (issue 28): the real Aodh 23 API and evaluator run on
their own aodh.conf with a real Gnocchi 4.7.1 behind [service_credentials]
(auth_type gnocchi-basic) and a real Prometheus where Aodh's environment names it
(PROMETHEUS_HOST, PROMETHEUS_PORT); their alarms of the three gnocchi types, prometheus
alarms and composites are judged by Aodh; the database is imported; alarmapi runs on
that same aodh.conf and environment (only [database] connection changed, as the README
says) and, from insufficient data, judges every alarm as Aodh's evaluator did, except
where Aodh cannot (its Prometheus queries go to Gnocchi's endpoint)."""

from __future__ import annotations

import datetime
import json
import pathlib
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from alarmapi import conf as alarmapi_conf
from alarmapi.api import alarm_service
from alarmapi.api.identity import Caller
from alarmapi.evaluator import sources
from alarmapi.evaluator.service import Evaluator
from alarmapi.storage.sql import SQLConnection
from tests import databases
from tests.integration import aodh_peer, gnocchi_peer, live, prometheus_peer

AUTH = gnocchi_peer.AUTH
WHO = aodh_peer.identity("project-a", "user-a")


@pytest.fixture(scope="module")
def gnocchi() -> Iterator[dict[str, Any]]:
    """Two resources of project-a: cpu 95 on the hot one, 5 on the cold one."""
    with gnocchi_peer.running() as url:
        policy = gnocchi_peer.archive_policy(url)
        now = datetime.datetime.now(datetime.UTC)
        found: dict[str, Any] = {"url": url}
        for name, value in (("hot", 95.0), ("cold", 5.0)):
            # One value a minute from 3 minutes ago to 15 minutes ahead: every window
            # both evaluators read while the test runs holds one.
            found[name] = gnocchi_peer.cpu_resource(url, policy, "project-a", {
                now + datetime.timedelta(minutes=m): value for m in range(-3, 16)},
                user="user-a")
        yield found


def bodies(g: dict[str, Any]) -> list[dict[str, Any]]:
    """Alarms of every gnocchi type and composites, some that fire, some that do not."""
    common = {"comparison_operator": "gt", "threshold": 90, "granularity": 60,
              "evaluation_periods": 1, "aggregation_method": "mean"}

    def resources(which: str) -> dict[str, Any]:
        return dict(common, metric="cpu", resource_type="generic",
                    resource_id=g[which]["resource_id"])

    def leaf(which: str) -> dict[str, Any]:
        return dict(resources(which), type="gnocchi_resources_threshold")

    return [
        {"name": "resources-hot", "type": "gnocchi_resources_threshold",
         "gnocchi_resources_threshold_rule": resources("hot")},
        {"name": "resources-cold", "type": "gnocchi_resources_threshold",
         "gnocchi_resources_threshold_rule": resources("cold")},
        {"name": "by-metrics-hot", "type": "gnocchi_aggregation_by_metrics_threshold",
         "gnocchi_aggregation_by_metrics_threshold_rule": dict(
             common, metrics=[g["hot"]["metric"]])},
        {"name": "by-resources-hot", "type": "gnocchi_aggregation_by_resources_threshold",
         "gnocchi_aggregation_by_resources_threshold_rule": dict(
             common, metric="cpu", resource_type="generic",
             query=json.dumps({"=": {"id": g["hot"]["resource_id"]}}))},
        {"name": "by-resources-cold", "type": "gnocchi_aggregation_by_resources_threshold",
         "gnocchi_aggregation_by_resources_threshold_rule": dict(
             common, metric="cpu", resource_type="generic",
             query=json.dumps({"=": {"id": g["cold"]["resource_id"]}}))},
        {"name": "either", "type": "composite",
         "composite_rule": {"or": [leaf("cold"), leaf("hot")]}},
        {"name": "both", "type": "composite",
         "composite_rule": {"and": [leaf("hot"), leaf("cold")]}},
        {"name": "promql-hot", "type": "prometheus", "prometheus_rule": {
            "query": 'cpu_load{host="hot"}', "threshold": 90, "comparison_operator": "gt"}},
        {"name": "promql-cold", "type": "prometheus", "prometheus_rule": {
            "query": 'cpu_load{host="cold"}', "threshold": 90, "comparison_operator": "gt"}},
    ]


def judged_by_aodh(url: str, ids: list[str]) -> dict[str, str]:
    """The states Aodh's evaluator settled on: unchanged over three of its cycles after
    it moved at least one alarm (bounded in time)."""
    deadline, last, since = time.monotonic() + 120, None, time.monotonic()
    while True:
        states = {i: requests.get(f"{url}/v2/alarms/{i}", headers=WHO, timeout=30).json()[
            "state"] for i in ids}
        if states != last:
            last, since = states, time.monotonic()
        moved = set(states.values()) != {"insufficient data"}
        if (moved and time.monotonic() - since > 15) or time.monotonic() > deadline:
            return states
        time.sleep(1)


@pytest.fixture
def prometheus(tmp_path_factory: pytest.TempPathFactory,
               monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """A Prometheus holding project-a's cpu_load of a hot and a cold host, named by
    Aodh's environment variables (set for this process too: alarmapi reads them)."""
    with prometheus_peer.running(tmp_path_factory.mktemp("prometheus")) as (url, exporter):
        exporter.series = {'cpu_load{project="project-a",host="hot"}': 95.0,
                           'cpu_load{project="project-a",host="cold"}': 5.0}
        prometheus_peer.scraped(url, exporter.series)
        environ = {"PROMETHEUS_HOST": "127.0.0.1", "PROMETHEUS_PORT": url.rsplit(":", 1)[1]}
        for name, value in environ.items():
            monkeypatch.setenv(name, value)
        yield environ


def test_alarmapi_judges_the_imported_alarms_as_aodh_did(
        tmp_path: pathlib.Path, gnocchi: dict[str, Any], prometheus: dict[str, str]) -> None:
    with databases.database("postgresql") as aodh_db, \
            databases.database("postgresql") as ours:
        with aodh_peer.running(tmp_path, aodh_db, gnocchi=gnocchi["url"], evaluator=True,
                               environ=prometheus) as aodh:
            ids = []
            for body in bodies(gnocchi):
                made = requests.post(aodh + "/v2/alarms", json=body, headers=WHO, timeout=60)
                assert made.status_code == 201, made.text
                ids.append(made.json()["alarm_id"])
            aodh_states = judged_by_aodh(aodh, ids)
        names = [b["name"] for b in bodies(gnocchi)]
        by_name = {name: aodh_states[i] for name, i in zip(names, ids, strict=True)}
        # What the real Aodh made of them (the reference). Aodh stores a by_resources
        # search of a project's alarm wrapped in its project filter (created_by_project_id
        # = the project, or the "service" project's resources of the project); these
        # resources were created by Gnocchi's admin user, so the search finds nothing and
        # Aodh leaves them in insufficient data. The imported rule keeps that search.
        # Aodh sends its Prometheus queries through the [service_credentials] session,
        # that is to Gnocchi's endpoint (a 404 and a traceback per alarm and cycle): its
        # prometheus alarms never leave insufficient data; alarmapi asks the Prometheus
        # Aodh's environment names, and judges them.
        judged = {"resources-hot": "alarm", "resources-cold": "ok", "by-metrics-hot": "alarm",
                  "by-resources-hot": "insufficient data",
                  "by-resources-cold": "insufficient data", "either": "alarm", "both": "ok"}
        assert by_name == {**judged, "promql-hot": "insufficient data",
                           "promql-cold": "insufficient data"}
        # The operator's aodh.conf, only [database] connection changed (README step 2).
        text = (tmp_path / "aodh.conf").read_text()
        config = tmp_path / "alarmapi.conf"
        config.write_text(text.replace(aodh_peer.aodh_url(aodh_db), ours))
        imported = live.dbsync_import(config, aodh_peer.aodh_url(aodh_db))
        assert imported.returncode == 0, imported.stderr
        conf = alarmapi_conf.prepare([str(config)])
        storage = SQLConnection(conf.database.connection)
        caller = Caller(user_id="user-a", project_id="project-a", roles=("member",))
        for alarm_id in ids:  # forget Aodh's verdicts: alarmapi judges from scratch
            alarm = storage.get_alarm(alarm_id)
            assert alarm is not None
            alarm_service.set_state(storage, alarm, "insufficient data", caller)
        evaluator = Evaluator(storage, sources=sources.from_config(conf, storage))
        try:
            report = evaluator.run_cycle()
            assert (report.evaluated, report.source_errors, report.failed) == (len(ids), 0, 0)
            ours_states = {}
            for name, alarm_id in zip(names, ids, strict=True):
                alarm = storage.get_alarm(alarm_id)
                assert alarm is not None
                ours_states[name] = alarm.state
            assert ours_states == {**judged, "promql-hot": "alarm", "promql-cold": "ok"}
        finally:
            evaluator.close()
            storage.dispose()
