"""A real Aodh 23.0.0 API (noauth, gunicorn, the peer venv of ../shared/peer/aodh) on a
database of our choosing, and what the import tests do with it: fill it through Aodh's
own API, generate many rows straight into its schema, read everything back as JSON."""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import pathlib
import subprocess
import uuid
from collections.abc import Iterator
from typing import Any

import requests
import sqlalchemy as sa

from tests import databases
from tests.integration.live import free_port, wait_ready

ROOT = pathlib.Path(__file__).resolve().parents[2]
SHARED_PEER = ROOT.parent / "shared" / "peer" / "aodh"
PEER_HOME = pathlib.Path(os.environ.get("PEER_HOME", pathlib.Path.home() / ".cache"
                                        / "alarmapi-peer"))
AODH_VENV = pathlib.Path(os.environ.get("AODH_VENV", PEER_HOME / "aodh-venv"))
ADMIN = {"X-User-Id": "aodh-admin", "X-Project-Id": "aodh-admin-project", "X-Roles": "admin"}


def aodh_url(url: str) -> str:
    """The form of a database URL Aodh's storage accepts (``postgresql://`` bare)."""
    return url.replace("postgresql+psycopg://", "postgresql://")


def identity(project: str, user: str = "user-1") -> dict[str, str]:
    """noauth headers of a member of ``project``."""
    return {"X-User-Id": user, "X-Project-Id": project, "X-Roles": "member,reader"}


@contextlib.contextmanager
def running(directory: pathlib.Path, db_url: str, gnocchi: str | None = None,
            evaluator: bool = False, environ: dict[str, str] | None = None) -> Iterator[str]:
    """aodh-dbsync on ``db_url``, then Aodh's API on a free port; yield its URL.

    Without ``gnocchi`` Aodh validates gnocchi rules against the peer's stub; with it,
    against that real Gnocchi, reached as an operator's aodh.conf says
    ([service_credentials] auth_type gnocchi-basic). With ``evaluator`` the real
    aodh-evaluator runs too (every 5 s), on the same aodh.conf; ``environ`` is added to
    the environment of Aodh's processes (PROMETHEUS_HOST and _PORT, as Aodh reads them)."""
    if not (AODH_VENV / "bin" / "aodh-dbsync").exists():
        databases.unavailable(f"no Aodh peer venv at {AODH_VENV}: run tools/install-test.sh")
    stub_port, port = free_port(), free_port()
    conf = directory / "aodh.conf"
    credentials = (f"auth_type = gnocchi-basic\nuser = admin\nendpoint = {gnocchi}\n"
                   if gnocchi else f"auth_type = none\nendpoint = http://127.0.0.1:{stub_port}\n")
    conf.write_text(f"""[DEFAULT]
log_file = {directory / 'aodh-api.log'}
enable_evaluation_results_metrics = true
transport_url = rabbit://guest:guest@127.0.0.1:5672/
[oslo_messaging_notifications]
driver = noop
[api]
auth_mode = noauth
[evaluator]
evaluation_interval = 5
[database]
connection = {aodh_url(db_url)}
[service_credentials]
{credentials}""")
    subprocess.run([str(AODH_VENV / "bin" / "aodh-dbsync"), "--config-file", str(conf)],
                   check=True, capture_output=True, timeout=300)
    log = open(directory / "aodh-gunicorn.log", "wb")  # noqa: SIM115
    procs = []
    if not gnocchi:
        procs.append(subprocess.Popen([str(AODH_VENV / "bin" / "python"),
                                       str(SHARED_PEER / "gnocchi_stub.py")],
                                      env=dict(os.environ, GNOCCHI_STUB_PORT=str(stub_port)),
                                      stdout=log, stderr=subprocess.STDOUT))
    api = subprocess.Popen(
        [str(AODH_VENV / "bin" / "gunicorn"), "--pythonpath", str(SHARED_PEER),
         "--bind", f"127.0.0.1:{port}", "--workers", "2", "--no-control-socket",
         "--timeout", "120", "aodh_wsgi:application"],
        env=dict(os.environ, AODH_CONF=str(conf), **(environ or {})), stdout=log,
        stderr=subprocess.STDOUT)
    procs.append(api)
    if evaluator:
        procs.append(subprocess.Popen(
            [str(AODH_VENV / "bin" / "aodh-evaluator"), "--config-file", str(conf)],
            env=dict(os.environ, **(environ or {})), stdout=log, stderr=subprocess.STDOUT))
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(url + "/v2/capabilities", api, directory / "aodh-gunicorn.log", 120)
        yield url
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=30)
        log.close()


def _post(url: str, path: str, body: Any, headers: dict[str, str]) -> Any:
    answer = requests.post(url + path, json=body, headers=headers, timeout=60)
    assert answer.status_code in (200, 201), (path, answer.status_code, answer.text)
    return answer.json()


def _put(url: str, path: str, body: Any, headers: dict[str, str]) -> Any:
    answer = requests.put(url + path, json=body, headers=headers, timeout=60)
    assert answer.status_code == 200, (path, answer.status_code, answer.text)
    return answer.json()


def alarm_bodies(hook: str) -> list[dict[str, Any]]:
    """One create body of every alarm type Aodh 23 serves, most options set."""
    window = [{"name": "office", "start": "0 9 * * 1-5", "duration": 32400,
               "timezone": "Europe/Paris", "description": "office hours"}]
    gnocchi = {"comparison_operator": "ge", "threshold": 80.5, "evaluation_periods": 3,
               "granularity": 300, "aggregation_method": "mean"}
    return [
        {"name": "resources", "type": "gnocchi_resources_threshold", "severity": "critical",
         "alarm_actions": [hook], "ok_actions": [hook + "?ok"], "repeat_actions": True,
         "time_constraints": window, "description": "cpu of one instance",
         "gnocchi_resources_threshold_rule": dict(gnocchi, metric="cpu_util",
                                                  resource_type="instance",
                                                  resource_id=str(uuid.uuid4()))},
        {"name": "by-metrics", "type": "gnocchi_aggregation_by_metrics_threshold",
         "insufficient_data_actions": [hook + "?insufficient"],
         "gnocchi_aggregation_by_metrics_threshold_rule": dict(
             gnocchi, aggregation_method="last",
             metrics=[str(uuid.uuid4()), str(uuid.uuid4())])},
        {"name": "by-resources", "type": "gnocchi_aggregation_by_resources_threshold",
         "enabled": False,
         "gnocchi_aggregation_by_resources_threshold_rule": dict(
             gnocchi, metric="memory", resource_type="instance",
             query=json.dumps({"=": {"server_group": "web"}}))},
        {"name": "event", "type": "event", "alarm_actions": [hook],
         "event_rule": {"event_type": "compute.instance.*",
                        "query": [{"field": "traits.state", "op": "eq", "value": "error",
                                   "type": "string"}]}},
        # (no prometheus sub-rule: Aodh 23 refuses one after a prometheus alarm was made
        # in the same worker, see DEVIATIONS in tests/functional/test_transcripts.py)
        {"name": "composite", "type": "composite", "severity": "moderate",
         "composite_rule": {"or": [
             {"type": "gnocchi_resources_threshold", "threshold": 1, "metric": "cpu",
              "resource_type": "instance", "resource_id": "r1",
              "comparison_operator": "gt", "aggregation_method": "mean"},
             {"and": [{"type": "gnocchi_aggregation_by_metrics_threshold", "threshold": 2,
                       "metrics": ["m2"], "comparison_operator": "lt",
                       "aggregation_method": "min"},
                      {"type": "gnocchi_aggregation_by_metrics_threshold", "threshold": 5,
                       "metrics": ["m1"], "aggregation_method": "max"}]}]}},
        {"name": "lb", "type": "loadbalancer_member_health",
         "loadbalancer_member_health_rule": {"pool_id": str(uuid.uuid4()),
                                             "stack_id": str(uuid.uuid4()),
                                             "autoscaling_group_id": str(uuid.uuid4())}},
        {"name": "prometheus", "type": "prometheus", "alarm_actions": [hook],
         "prometheus_rule": {"query": 'rate(cpu{job="node"}[5m])', "threshold": 0.9,
                             "comparison_operator": "gt"}},
    ]


def fill(url: str, projects: int = 2, hook: str = "http://127.0.0.1:9/hook") -> list[str]:
    """Alarms of every type in each project through Aodh's API, with history of every
    kind (creation, rule change, state transition, deletion) and a quota; their ids."""
    ids: list[str] = []
    for p in range(projects):
        who = identity(f"project-{p}", f"user-{p}")
        for body in alarm_bodies(hook):
            created = _post(url, "/v2/alarms", dict(body, name=f"{body['name']}-{p}"), who)
            ids.append(created["alarm_id"])
        first, second = ids[-7], ids[-6]
        _put(url, f"/v2/alarms/{first}/state", "alarm", who)
        _put(url, f"/v2/alarms/{first}/state", "ok", who)
        changed = requests.get(f"{url}/v2/alarms/{second}", headers=who, timeout=60).json()
        changed["description"] = "changed once"
        changed["gnocchi_aggregation_by_metrics_threshold_rule"]["threshold"] = 99
        _put(url, f"/v2/alarms/{second}", changed, who)
        gone = _post(url, "/v2/alarms", dict(alarm_bodies(hook)[-1], name=f"gone-{p}"), who)
        assert requests.delete(f"{url}/v2/alarms/{gone['alarm_id']}", headers=who,
                               timeout=60).status_code == 204
    _post(url, "/v2/quotas", {"project_id": "project-0",
                              "quotas": [{"resource": "alarms", "limit": 30}]}, ADMIN)
    return ids


def generate(db_url: str, alarms: int, history_per_alarm: int, projects: int = 100) -> None:
    """Rows straight into an Aodh schema (after aodh-dbsync): ``alarms`` prometheus and
    event alarms spread over ``projects``, each with ``history_per_alarm`` entries."""
    engine = sa.create_engine(db_url)
    metadata = sa.MetaData()
    alarm = sa.Table("alarm", metadata, autoload_with=engine)
    history = sa.Table("alarm_history", metadata, autoload_with=engine)
    start = datetime.datetime(2026, 1, 1, 0, 0, 0, 123456)
    with engine.begin() as conn:
        for first in range(0, alarms, 1000):
            alarm_rows, history_rows = [], []
            for k in range(first, min(alarms, first + 1000)):
                alarm_id = str(uuid.UUID(int=k + 1))
                project, user = f"gen-project-{k % projects}", f"gen-user-{k % 7}"
                at = start + datetime.timedelta(seconds=k, microseconds=k % 1000)
                prometheus = k % 2 == 0
                alarm_rows.append({
                    "alarm_id": alarm_id, "enabled": k % 5 != 0, "name": f"gen-{k}",
                    "type": "prometheus" if prometheus else "event",
                    "severity": ("low", "moderate", "critical")[k % 3],
                    "description": f"generated {k}", "timestamp": at, "user_id": user,
                    "project_id": project, "state": ("ok", "alarm", "insufficient data")[k % 3],
                    "state_reason": f"reason {k}", "state_timestamp": at,
                    "ok_actions": json.dumps([]), "repeat_actions": k % 4 == 0,
                    "alarm_actions": json.dumps([f"http://127.0.0.1:9/{k}"]),
                    "insufficient_data_actions": json.dumps(["log://"] if k % 3 else []),
                    "rule": json.dumps(
                        {"query": f"up{{instance=\"{k}\"}}", "threshold": k % 10,
                         "comparison_operator": "lt"} if prometheus else
                        {"event_type": "compute.*", "query": []}),
                    "time_constraints": json.dumps([]), "evaluate_timestamp": at})
                for h in range(history_per_alarm):
                    history_rows.append({
                        "event_id": str(uuid.UUID(int=(k + 1) << 32 | h)),
                        "alarm_id": alarm_id, "on_behalf_of": project, "project_id": project,
                        "user_id": user, "type": "creation" if h == 0 else "state transition",
                        "detail": json.dumps({"state": "alarm" if h % 2 else "ok"}),
                        "timestamp": at + datetime.timedelta(minutes=h),
                        "severity": "low"})
            conn.execute(alarm.insert(), alarm_rows)
            conn.execute(history.insert(), history_rows)
    engine.dispose()


def snapshot(url: str, headers: dict[str, str]) -> dict[str, Any]:
    """Everything an API serves about its alarms, as JSON: every alarm, each alarm's
    history (all of it), and each project's quotas."""
    alarms: list[dict[str, Any]] = []
    marker: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 1000, "sort": "alarm_id:asc",
                                  "q.field": "all_projects", "q.op": "eq", "q.value": "true"}
        if marker:
            params["marker"] = marker
        page = requests.get(f"{url}/v2/alarms", params=params, headers=headers,
                            timeout=120).json()
        alarms += page
        if len(page) < 1000:
            break
        marker = page[-1]["alarm_id"]
    session = requests.Session()
    history = {a["alarm_id"]: session.get(f"{url}/v2/alarms/{a['alarm_id']}/history",
                                          params={"limit": 100000}, headers=headers,
                                          timeout=120).json() for a in alarms}
    projects = sorted({a["project_id"] for a in alarms})
    quotas = {p: session.get(f"{url}/v2/quotas", params={"project_id": p}, headers=ADMIN,
                             timeout=60).json() for p in projects}
    return {"alarms": {a["alarm_id"]: a for a in alarms}, "history": history,
            "quotas": quotas}
