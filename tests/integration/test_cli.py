"""The ``alarmapi`` command line tool against a live alarmapi: every example of the seed
README (run with ``alarmapi`` instead of ``monasca``), JSON output, other rule types,
state, capabilities, quotas, help and bash completion."""

from __future__ import annotations

import datetime
import json
import os
import pathlib
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.integration import live
from tests.integration.tables import rows, show

CLI = pathlib.Path(sys.executable).parent / "alarmapi"


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    directory = tmp_path_factory.mktemp("cli")
    config = live.write_config(directory, f"sqlite:///{directory}/alarmapi.sqlite")
    with live.server(config) as url:
        yield url


def run(base_url: str, *args: str, tenant: str = "cli-tenant", ok: bool = True,
        env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        [str(CLI), "--os-no-client-auth", "--os-auth-token", tenant, "--alarmapi-url",
         base_url, *args], capture_output=True, text=True, timeout=120,
        env=env or dict(os.environ))
    assert (result.returncode == 0) == ok, result.stderr + result.stdout
    return result.stdout if ok else result.stderr


def test_seed_examples(base_url: str) -> None:
    assert run(base_url, "metric-create", "cpu1", "123.40").strip() == \
        "Successfully created metric"
    for instance, value in (("123", "1234.56"), ("123", "2222.22"), ("222", "3333.33")):
        run(base_url, "metric-create", "metric1", value, "--dimensions",
            f"instance_id={instance},service=ourservice")
    listed = rows(run(base_url, "metric-list"))
    assert listed == [["cpu1", ""], ["metric1", "instance_id:123"], ["", "service:ourservice"],
                      ["metric1", "instance_id:222"], ["", "service:ourservice"]]
    everything = rows(run(base_url, "measurement-list", "metric1", "2014-01-01T00:00:00Z"))
    assert sorted(r[4] for r in everything if r[4]) == ["1234.56", "2222.22", "3333.33"]
    assert all(r[3].endswith("Z") for r in everything if r[3])
    one = rows(run(base_url, "measurement-list", "metric1", "2014-01-01T00:00:00Z",
                   "--dimensions", "instance_id=123"))
    assert [r[:2] for r in one] == [["metric1", "instance_id:123"], ["", "service:ourservice"]]
    assert sorted(r[4] for r in one) == ["1234.56", "2222.22"]

    created = json.loads(run(base_url, "notification-create", "cindyemail1", "EMAIL",
                             "cindy.employee@hp.com"))
    method = created["id"]
    assert rows(run(base_url, "notification-list")) == [
        ["cindyemail1", method, "EMAIL", "cindy.employee@hp.com"]]

    run(base_url, "alarm-create", "cpu1alarm", "cpu1>10")
    run(base_url, "alarm-create", "cpu2alarm", "cpu1>99", "--severity", "HIGH")
    error = run(base_url, "alarm-create", "test1alarm1", "avg(metric1{instance_id=123)>=10",
                "--severity", "CRITICAL", "--description", "avg greater than thresh",
                "--alarm-actions", method, ok=False)
    assert error.startswith("HTTPException code=422 message=The alarm expression is invalid:")
    alarm = json.loads(run(base_url, "alarm-create", "test1alarm1",
                           "avg(metric1{instance_id=123})>=10", "--severity", "CRITICAL",
                           "--description", "avg greater than thresh", "--alarm-actions",
                           method))
    listed = rows(run(base_url, "alarm-list"))
    assert [(r[0], r[2], r[3], r[4]) for r in listed] == [
        ("cpu1alarm", "cpu1>10", "UNDETERMINED", "True"),
        ("cpu2alarm", "cpu1>99", "UNDETERMINED", "True"),
        ("test1alarm1", "avg(metric1{instance_id=123})>=10", "UNDETERMINED", "True")]
    shown = show(run(base_url, "alarm-show", alarm["id"]))
    assert sorted(shown) == ["actions_enabled", "alarm_actions", "description", "expression",
                             "expression_data", "id", "links", "name", "ok_actions",
                             "severity", "state", "undetermined_actions"]
    assert shown["alarm_actions"] == ["[", f'"{method}"', "]"]
    assert shown["expression_data"] == ["function:AVG", "metric_name:metric1", "period:60",
                                        "threshold:10.0", "periods:1", "operator:GTE",
                                        "dimensions:{", "instance_id:123", "}"]
    assert shown["links"][0].startswith("href:") and shown["links"][0].endswith(",rel:self")
    patched = json.loads(run(base_url, "alarm-patch", alarm["id"], "--state", "OK"))
    assert patched["state"] == "OK"
    history = rows(run(base_url, "alarm-history", alarm["id"]))
    assert [(r[0], r[1], r[2], r[4]) for r in history] == [
        (alarm["id"], "OK", "UNDETERMINED", "Manually set via API")]


def test_json_output_parses(base_url: str) -> None:
    tenant = "json-tenant"
    run(base_url, "metric-create", "j", "1", tenant=tenant)
    run(base_url, "alarm-create", "ja", "j > 5", tenant=tenant)
    for command in (["metric-list"], ["alarm-list"], ["notification-list"],
                    ["measurement-list", "j", "2014-01-01T00:00:00Z"],
                    ["metric-statistics", "j", "avg,max", "2014-01-01T00:00:00Z"],
                    ["alarm-history-list"], ["capabilities"], ["alarm-list", "--all-types"]):
        data: Any = json.loads(run(base_url, "-j", *command, tenant=tenant))
        assert isinstance(data, list | dict), command
    assert json.loads(run(base_url, "-j", "capabilities", tenant=tenant))[
        "api"]["alarms:expressions"] is True


def test_other_rule_types_state_and_quotas(base_url: str, tmp_path: pathlib.Path) -> None:
    tenant = "typed-tenant"
    typed = json.loads(run(
        base_url, "alarm-create", "disk", "--type", "threshold", "--meter-name", "disk",
        "--threshold", "90", "--comparison-operator", "gt", "--statistic", "max",
        "--query", "host=a", "--severity", "moderate", "--time-constraint",
        "name=office;start=0 9 * * 1-5;duration=32400;timezone=Europe/Paris", tenant=tenant))
    assert (typed["type"], typed["severity"]) == ("threshold", "moderate")
    assert typed["threshold_rule"]["query"][0]["field"] == "host"
    assert typed["time_constraints"][0]["timezone"] == "Europe/Paris"
    tree = tmp_path / "rule.json"
    tree.write_text(json.dumps({"or": [
        {"type": "threshold", "meter_name": "a", "threshold": 1},
        {"type": "threshold", "meter_name": "b", "threshold": 2,
         "query": [{"field": "host", "op": "ne", "value": "x"}]}]}))  # no expression for ne
    composite = json.loads(run(base_url, "alarm-create", "either", "--type", "composite",
                               "--composite-rule", f"@{tree}", tenant=tenant))
    assert composite["type"] == "composite"
    # alarm-show of an alarm written with an expression: Monasca's fields; of others: Aodh's.
    assert json.loads(run(base_url, "-j", "alarm-show", typed["alarm_id"], tenant=tenant))[
        "expression"] == "max(disk{host=a}) > 90"
    assert json.loads(run(base_url, "-j", "alarm-show", composite["alarm_id"],
                          tenant=tenant))["type"] == "composite"
    assert run(base_url, "alarm-state", typed["alarm_id"], tenant=tenant).strip() == \
        "insufficient data"
    assert run(base_url, "alarm-state", typed["alarm_id"], "alarm", tenant=tenant).strip() \
        == "alarm"
    listed = rows(run(base_url, "alarm-list", "--all-types", tenant=tenant))
    assert sorted(r[2] for r in listed) == ["disk", "either"]
    quotas = rows(run(base_url, "quota-show", tenant=tenant))
    assert quotas and quotas[0][0] == "alarms"
    error = run(base_url, "alarm-create", "x", "--type", "threshold", tenant=tenant, ok=False)
    assert error.startswith("HTTPException code=400")
    assert "Successfully deleted alarm" in run(base_url, "alarm-delete", composite["alarm_id"],
                                               tenant=tenant)


def test_environment_help_and_completion(base_url: str) -> None:
    env = dict(os.environ, ALARMAPI_URL=base_url, OS_AUTH_TOKEN="env-tenant",
               OS_NO_CLIENT_AUTH="1")
    result = subprocess.run([str(CLI), "alarm-list"], capture_output=True, text=True,
                            timeout=60, env=env)
    assert result.returncode == 0 and "expression" in result.stdout, result.stderr
    helped = subprocess.run([str(CLI), "help", "alarm-create"], capture_output=True,
                            text=True, timeout=60)
    assert "--severity" in helped.stdout and "--composite-rule" in helped.stdout
    commands = ["alarm-create", "alarm-delete", "alarm-history", "alarm-history-list",
                "alarm-list", "alarm-patch", "alarm-show", "alarm-update", "measurement-list",
                "metric-create", "metric-create-raw", "metric-list", "metric-statistics",
                "notification-create", "notification-delete", "notification-list",
                "notification-show", "notification-update", "alarm-state", "capabilities",
                "quota-show", "quota-set", "quota-delete"]
    for name in commands:
        each = subprocess.run([str(CLI), name, "--help"], capture_output=True, text=True,
                              timeout=60)
        assert each.returncode == 0 and "usage: alarmapi" in each.stdout, name
    script = pathlib.Path(__file__).parents[2] / "alarmapi/client/completion/alarmapi.bash"
    completed = subprocess.run(
        ["bash", "-c", f'source {script}; COMP_WORDS=(alarmapi alarm-h); COMP_CWORD=1; '
                       '_alarmapi; echo "${COMPREPLY[@]}"'],
        capture_output=True, text=True, timeout=60,
        env=dict(os.environ, PATH=f"{CLI.parent}:{os.environ['PATH']}"))
    assert completed.stdout.split() == ["alarm-history", "alarm-history-list"]


def test_silence_commands(base_url: str) -> None:
    tenant = "silence-tenant"
    alarm = json.loads(run(base_url, "-j", "alarm-create", "quiet", "avg(cpu) > 1",
                           tenant=tenant))
    ack = json.loads(run(base_url, "-j", "silence-create", "--alarm-id", alarm["id"],
                         "--comment", "on it", tenant=tenant))
    assert (ack["status"], ack["expire_on_resolve"]) == ("active", True)
    nightly = json.loads(run(base_url, "-j", "silence-create", "--match", "name=~qu.*",
                             "--match", "severity!=critical", "--recurrence",
                             "0 2 * * *;3600;Europe/Paris", tenant=tenant))
    assert nightly["matchers"] == [{"field": "name", "op": "=~", "value": "qu.*"},
                                   {"field": "severity", "op": "!=", "value": "critical"}]
    assert nightly["recurrence"] == {"start": "0 2 * * *", "duration": 3600,
                                     "timezone": "Europe/Paris"}
    table = rows(run(base_url, "silence-list", tenant=tenant))
    assert sorted(r[0] for r in table if r[0]) == sorted([ack["id"], nightly["id"]])
    assert show(run(base_url, "silence-show", ack["id"], tenant=tenant))["comment"] == ["on it"]
    assert run(base_url, "silence-list", tenant="someone-else").count(ack["id"]) == 0
    assert run(base_url, "silence-expire", ack["id"], tenant=tenant).strip() == \
        f"Silence {ack['id']} expired"
    assert [s["id"] for s in json.loads(run(base_url, "-j", "silence-list", tenant=tenant))
            ] == [nightly["id"]]
    bad = run(base_url, "silence-create", "--match", "colour=red", "--ends-at",
              "2999-01-01T00:00:00", tenant=tenant, ok=False)
    assert "matchers[0].field" in bad


def test_alarm_backtest(base_url: str, tmp_path: pathlib.Path) -> None:
    tenant = "backtest-tenant"
    start = datetime.datetime.now(datetime.UTC).replace(second=0, microsecond=0,
                                                        tzinfo=None) - datetime.timedelta(
                                                            minutes=20)
    values = [5, 6, 95, 96, 7, 8]  # one a minute from start
    body = [{"name": "cpu", "dimensions": {}, "value": v,
             "timestamp": int((start + datetime.timedelta(minutes=i, seconds=20))
                              .replace(tzinfo=datetime.UTC).timestamp() * 1000)}
            for i, v in enumerate(values)]
    assert requests.post(f"{base_url}/v2.0/metrics", json=body, timeout=30,
                         headers={"X-Auth-Token": tenant}).status_code == 204
    alarm = json.loads(run(base_url, "-j", "alarm-create", "hot", "avg(cpu) > 50",
                           tenant=tenant))
    window = ["--start", start.isoformat(), "--end",
              (start + datetime.timedelta(minutes=6)).isoformat(), "--step", "60"]
    found = json.loads(run(base_url, "-j", "alarm-backtest", alarm["id"], *window,
                           tenant=tenant))
    assert [t["state"] for t in found["transitions"]] == ["ok", "alarm", "ok"]
    table = run(base_url, "alarm-backtest", alarm["id"], *window, tenant=tenant)
    assert [r[2] for r in rows(table) if r[2]] == ["ok", "alarm", "ok"]
    assert "evaluations: 7" in table
    draft = tmp_path / "draft.json"
    draft.write_text(json.dumps({"name": "draft", "type": "threshold", "threshold_rule": {
        "meter_name": "cpu", "threshold": 90, "comparison_operator": "gt",
        "evaluation_periods": 2, "period": 60}}))
    unsaved = json.loads(run(base_url, "-j", "alarm-backtest", "--from-file", str(draft),
                             *window, tenant=tenant))
    assert [t["state"] for t in unsaved["transitions"]] == ["ok", "alarm", "ok"]
    assert unsaved["transitions"][1]["reason"].startswith(
        "Transition to alarm due to 2 samples outside threshold")
    stranger = run(base_url, "alarm-backtest", alarm["id"], *window, tenant="someone-else",
                   ok=False)
    assert f"Alarm {alarm['id']} not found" in stranger


def test_new_user_frictions(base_url: str) -> None:
    """Issue 28.5: -j after the subcommand, every rule type through --type, no traceback
    when the reader of the output stops early."""
    tenant = "friction-tenant"
    event = json.loads(run(base_url, "alarm-create", "boot", "--type", "event",
                           "--event-type", "compute.instance.*", "--query", "state=active",
                           tenant=tenant))
    assert event["event_rule"]["event_type"] == "compute.instance.*"
    assert event["event_rule"]["query"][0]["field"] == "state"
    promql = json.loads(run(base_url, "alarm-create", "up", "--type", "prometheus",
                            "--query", "up", "--threshold", "1", "--comparison-operator",
                            "lt", tenant=tenant))
    assert promql["prometheus_rule"] == {"query": "up", "threshold": 1.0,
                                         "comparison_operator": "lt"}
    pool = json.loads(run(base_url, "alarm-create", "members", "--type",
                          "loadbalancer_member_health", "--pool-id", "p1", "--stack-id", "s1",
                          "--autoscaling-group-id", "g1", tenant=tenant))
    assert pool["loadbalancer_member_health_rule"]["pool_id"] == "p1"
    helped = run(base_url, "help", "alarm-create", tenant=tenant)
    for name in ("event", "prometheus", "loadbalancer_member_health", "composite"):
        assert name in helped
    before = json.loads(run(base_url, "-j", "alarm-list", "--all-types", tenant=tenant))
    after = json.loads(run(base_url, "alarm-list", "--all-types", "-j", tenant=tenant))
    assert before == after and len(after) == 3
    headers = {"X-Project-Id": tenant, "X-User-Id": "u", "X-Roles": "member"}
    for n in range(300):  # far more output than a pipe holds (64 KiB)
        requests.post(base_url + "/v2/alarms", headers=headers, timeout=30, json={
            "name": f"many{n:03d}-" + "x" * 200, "type": "event",
            "event_rule": {}}).raise_for_status()
    reading = subprocess.Popen(
        [str(CLI), "--os-no-client-auth", "--os-auth-token", tenant, "--alarmapi-url",
         base_url, "alarm-list", "--all-types"], stdout=subprocess.PIPE,
        stderr=subprocess.PIPE)
    assert reading.stdout is not None and reading.stderr is not None
    reading.stdout.readline()
    reading.stdout.close()  # as `| head -1` does
    error = reading.stderr.read().decode()
    assert reading.wait(timeout=60) == 0
    assert "Traceback" not in error and "BrokenPipe" not in error, error
