"""The console's rule in words (alarmapi/console/static/words.js), for every rule type,
run by Node.js (which tools/install.sh needs for npm anyway)."""

from __future__ import annotations

import json
import pathlib
import shutil
import subprocess
from typing import Any

import pytest

from tests import databases

WORDS = pathlib.Path(__file__).resolve().parents[2] / "alarmapi/console/static/words.js"

CASES: list[tuple[dict[str, Any], str]] = [
    ({"type": "threshold", "project_id": "p", "threshold_rule": {
        "meter_name": "cpu", "threshold": 90, "comparison_operator": "gt", "statistic": "max",
        "period": 300, "evaluation_periods": 2,
        "query": [{"field": "project_id", "op": "eq", "value": "p"},
                  {"field": "host", "op": "eq", "value": "a"}]}},
     "Alarm when the max of cpu where host = a is above 90 in each of the last 2 periods "
     "of 5 min."),
    ({"type": "gnocchi_resources_threshold", "gnocchi_resources_threshold_rule": {
        "metric": "cpu_util", "resource_type": "instance", "resource_id": "i-1",
        "aggregation_method": "mean", "threshold": 80, "comparison_operator": "ge",
        "granularity": 3600, "evaluation_periods": 1}},
     "Alarm when the mean of metric cpu_util of instance i-1 is at least 80 in the last "
     "period of 1 h."),
    ({"type": "gnocchi_aggregation_by_metrics_threshold",
      "gnocchi_aggregation_by_metrics_threshold_rule": {
          "metrics": ["m1", "m2"], "aggregation_method": "max", "threshold": 1,
          "comparison_operator": "lt", "granularity": 60, "evaluation_periods": 3}},
     "Alarm when the max of metrics m1, m2 is below 1 in each of the last 3 periods of "
     "1 min."),
    ({"type": "prometheus", "prometheus_rule": {
        "query": "rate(errors[5m])", "threshold": 0.1, "comparison_operator": "gt"}},
     "Alarm when the PromQL query rate(errors[5m]) is above 0.1."),
    ({"type": "event", "event_rule": {
        "event_type": "compute.instance.update",
        "query": [{"field": "traits.state", "op": "eq", "value": "error"}]}},
     "Alarm when an event compute.instance.update arrives where traits.state = error."),
    ({"type": "loadbalancer_member_health", "loadbalancer_member_health_rule": {
        "pool_id": "pool-1", "stack_id": "stack-1", "autoscaling_group_id": "asg-1"}},
     "Alarm when a member of pool pool-1 is unhealthy (autoscaling group asg-1 of stack "
     "stack-1)."),
    ({"type": "composite", "composite_rule": {"and": [
        {"type": "prometheus", "query": "up", "threshold": 1, "comparison_operator": "lt"},
        {"or": [{"type": "event", "event_type": "x"}, {"type": "event", "event_type": "y"}]}]}},
     "Alarm when the PromQL query up is below 1 and (an event x arrives or an event y "
     "arrives)."),
]


def test_every_rule_type_in_words() -> None:
    node = shutil.which("node")
    if node is None:
        databases.unavailable("node is missing (tools/install.sh needs it for npm)")
    script = ("global.window = {}; require(process.argv[1]);"
              "const alarms = JSON.parse(process.argv[2]);"
              "console.log(JSON.stringify(alarms.map((a) => window.alarmWords(a))));")
    ran = subprocess.run([str(node), "-e", script, str(WORDS),
                          json.dumps([alarm for alarm, _ in CASES])],
                         capture_output=True, text=True, timeout=60, check=True)
    assert json.loads(ran.stdout) == [words for _, words in CASES]


def test_the_cases_feed_only_stored_fields() -> None:
    """Each case's rule holds only fields its type stores (no made-up field can make
    the words look right)."""
    from alarmapi.api.v2.rules.registry import rule_classes

    classes = rule_classes()
    for alarm, _ in CASES:
        if alarm["type"] == "composite":
            continue
        rule = alarm[f"{alarm['type']}_rule"]
        assert set(rule) <= set(classes[alarm["type"]]._stored_keys), alarm["type"]


@pytest.mark.parametrize("op", ["lt", "le", "eq", "ne", "ge", "gt"])
def test_every_comparison_has_words(op: str) -> None:
    assert f"{op}:" in WORDS.read_text()
