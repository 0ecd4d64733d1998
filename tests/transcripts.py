"""Replay of ../shared/reference/aodh/transcripts.json: what real Aodh 23 answered.

Each recorded request is sent again (ids of alarms created during the replay mapped
to ours) and our answer is compared with Aodh's: status, body shape, defaults and
error messages; ids and times aside.
"""

from __future__ import annotations

import dataclasses
import json
import pathlib
import re
from collections.abc import Callable
from typing import Any

from alarmapi.api.v2.capabilities import EXTENSIONS

SHARED = pathlib.Path(__file__).resolve().parents[2] / "shared"
TRANSCRIPTS = SHARED / "reference" / "aodh" / "transcripts.json"
#: Values that differ on every run.
VOLATILE = frozenset({"alarm_id", "event_id", "timestamp", "state_timestamp",
                      "evaluate_timestamp", "href"})
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")

#: Extra keys alarmapi adds: its extensions, flags under /v2/capabilities "api".
EXTRA_KEYS = frozenset(EXTENSIONS) | {"scope_to_project", "evaluation_error"}
#: Keys shown where Aodh's worker state decides (its PrometheusRule keeps the scope in
#: a class attribute): a composite's prometheus leaf shows a stranger's project, none,
#: or its own at random. alarmapi always shows the alarm's own (accepted back by PUT);
#: tests/functional/test_prometheus_api.py checks the value.
WORKER_STATE_KEYS = frozenset({"scope_to_project"})
HIDDEN_KEYS = WORKER_STATE_KEYS
#: Aodh shows the raw action in query results and the normalised one elsewhere.
SAME_VALUES = {("log://", "log:")}

Send = Callable[[str, str, dict[str, str], bytes | None], tuple[int, dict[str, str], Any]]


@dataclasses.dataclass
class Outcome:
    """What one replayed record gave."""

    record: dict[str, Any]
    status: int
    body: Any
    problems: list[str]


def load() -> list[dict[str, Any]]:
    """The recorded exchanges, in order."""
    return json.loads(TRANSCRIPTS.read_text())["records"]  # type: ignore[no-any-return]


def request_body(record: dict[str, Any]) -> bytes | None:
    """The body as it went on the wire.

    Objects were recorded decoded; strings raw, except the JSON strings of state PUTs
    (a bare word is noted as such).
    """
    body = record["request_body"]
    if body is None:
        return None
    if isinstance(body, str):
        if record["path"].endswith("/state") and "bare word" not in record.get("note", ""):
            return json.dumps(body).encode()
        return body.encode()
    return json.dumps(body).encode()


def _sorted_list(match: re.Match[str]) -> str:
    return match.group(1) + ", ".join(sorted(match.group(2).split(", ")))


def _sorted_set(match: re.Match[str]) -> str:
    return "{" + ", ".join(sorted(match.group(1).split(", "))) + "}"


def normalize_fault(text: str) -> str:
    """A faultstring with what legitimately varies made canonical.

    Aodh lists enum values and field sets in hash order, dumps the whole JSON
    schema after a query error and echoes the whole body for a bad sub-rule value.
    """
    text = text.split("\n\nFailed validating")[0]
    text = re.sub(r"(Value should be one of: )(.*)$", _sorted_list, text)
    text = re.sub(r"\{('[^{}]*')\}", _sorted_set, text)
    text = re.sub(r"(field/attribute data\. Value: ').*('\. )", r"\1...\2", text)
    return text


def mask_xml(text: str) -> str:
    """XML with the text of volatile elements replaced by '*'."""
    for tag in VOLATILE:
        text = re.sub(rf"<{tag}>[^<]*</{tag}>", f"<{tag}>*</{tag}>", text)
    return text


class Replayer:
    """Sends records in order and keeps the recorded-id → our-id map."""

    def __init__(self, send: Send) -> None:
        self.send = send
        self.ids: dict[str, str] = {}

    def _map(self, text: str) -> str:
        return _UUID.sub(lambda m: self.ids.get(m.group(0), m.group(0)), text)

    def replay(self, record: dict[str, Any]) -> Outcome:
        """Send one record and compare the answer (a re-created step must succeed)."""
        body = request_body(record)
        if body is not None:
            body = self._map(body.decode()).encode()
        status, headers, answer = self.send(
            record["method"], self._map(record["path"]), dict(record["request_headers"]), body
        )
        if record.get("synthetic"):
            if record.get("maps") and isinstance(answer, dict) and "alarm_id" in answer:
                self.ids[record["maps"]] = answer["alarm_id"]
            problems = [] if status < 300 else [f"re-created step failed: {status} {answer}"]
            return Outcome(record, status, answer, problems)
        expected = record["response_body"]
        if status in (200, 201) and isinstance(expected, dict) and "alarm_id" in expected \
                and isinstance(answer, dict) and "alarm_id" in answer:
            self.ids.setdefault(expected["alarm_id"], answer["alarm_id"])
        if isinstance(expected, list) and isinstance(answer, list) and \
                len(expected) == len(answer):
            for exp, got in zip(expected, answer, strict=True):
                if isinstance(exp, dict) and isinstance(got, dict) and "alarm_id" in exp \
                        and "event_id" not in exp and "alarm_id" in got:
                    self.ids.setdefault(exp["alarm_id"], got["alarm_id"])
        problems = []
        if status != record["status"]:
            problems.append(f"status {status}, Aodh {record['status']}")
        else:
            problems += self.compare(expected, answer, "body")
            if status == 201 and "Location" in record["response_headers"]:
                location = headers.get("Location", "")
                if not location.startswith("http") or not location.endswith(
                        "/v2/alarms/" + str(answer.get("alarm_id"))):
                    problems.append(f"Location {location!r}")
        return Outcome(record, status, answer, problems)

    def compare(self, expected: Any, got: Any, where: str) -> list[str]:
        """Differences of shape and of non-volatile values."""
        if isinstance(expected, dict):
            return self._compare_dict(expected, got, where)
        if isinstance(expected, list):
            return self._compare_list(expected, got, where)
        if isinstance(expected, str) and isinstance(got, str):
            return self._compare_text(expected, got, where)
        if expected != got:
            return [f"{where}: {got!r}, Aodh {expected!r}"]
        return []

    def _compare_dict(self, expected: dict[str, Any], got: Any, where: str) -> list[str]:
        if not isinstance(got, dict):
            return [f"{where}: {type(got).__name__} instead of an object"]
        missing = set(expected) - set(got) - HIDDEN_KEYS
        extra = set(got) - set(expected) - EXTRA_KEYS
        problems = []
        if missing or extra:
            problems.append(f"{where}: keys missing {sorted(missing)}, extra {sorted(extra)}")
        for key in set(expected) & set(got):
            if key in VOLATILE or key in WORKER_STATE_KEYS:
                continue
            if key == "detail" and isinstance(expected[key], str):
                problems += self.compare(json.loads(expected[key]), json.loads(got[key]),
                                         f"{where}.detail")
            else:
                problems += self.compare(expected[key], got[key], f"{where}.{key}")
        return problems

    def _compare_list(self, expected: list[Any], got: Any, where: str) -> list[str]:
        if not isinstance(got, list) or len(got) != len(expected):
            size = len(got) if isinstance(got, list) else type(got).__name__
            return [f"{where}: {size} items, Aodh {len(expected)}"]
        problems = []
        for index, (exp, item) in enumerate(zip(expected, got, strict=True)):
            problems += self.compare(exp, item, f"{where}[{index}]")
        return problems

    def _compare_text(self, expected: str, got: str, where: str) -> list[str]:
        expected = self._map(expected)
        if _UUID.fullmatch(expected) and _UUID.fullmatch(got):
            return []
        if where.endswith("faultstring"):
            expected, got = normalize_fault(expected), normalize_fault(got)
        if (expected, got) in SAME_VALUES:
            return []
        if expected.startswith("<"):
            expected, got = mask_xml(expected), mask_xml(got)
        return [] if expected == got else [f"{where}: {got!r}, Aodh {expected!r}"]


# Part of the recorded exchanges is kept back for acceptance checks; the replay
# re-creates what they did, from what the kept records show, so that later records
# see the same alarms, states and history as Aodh did.

_READ_ONLY = ("alarm_id", "timestamp", "state_timestamp", "evaluate_timestamp",
              "state_reason", "project_id", "user_id")


def _identity(identities: dict[str, dict[str, str]], project: str) -> dict[str, str]:
    for headers in identities.values():
        if headers["X-Project-Id"] == project and "admin" not in headers["X-Roles"]:
            return dict(headers)
    return dict(identities["ADMIN"])


def _unscoped_query(query: str) -> str:
    """Undo the project scoping Aodh added to a by_resources query."""
    tree = json.loads(query)
    parts = tree.get("and") if isinstance(tree, dict) else None
    if isinstance(parts, list) and len(parts) == 2 and "created_by_project_id" in json.dumps(
            parts[0]):
        return json.dumps(parts[1])
    return query


def _create_body(alarm: dict[str, Any]) -> dict[str, Any]:
    body = {k: v for k, v in json.loads(json.dumps(alarm)).items() if k not in _READ_ONLY}
    rule = body.get("gnocchi_aggregation_by_resources_threshold_rule")
    if rule:
        rule["query"] = _unscoped_query(rule["query"])
    return body


def _synthetic(step_id: str, method: str, path: str, headers: dict[str, str],
               body: Any, maps: str | None = None) -> dict[str, Any]:
    headers = {"Accept": "*/*", **headers}
    if body is not None:
        headers["Content-Type"] = "application/json"
    return {"id": step_id, "note": "re-created kept-back record", "method": method,
            "path": path, "request_headers": headers, "request_body": body,
            "synthetic": True, "maps": maps}


def plan() -> list[dict[str, Any]]:
    """The records in order, with the kept-back steps re-created where they belong."""
    data = json.loads(TRANSCRIPTS.read_text())
    records, identities = data["records"], data["identities"]
    created: list[tuple[str, int]] = []  # (timestamp, index) of recorded creates
    known = set()
    for index, record in enumerate(records):
        body = record["response_body"]
        if record["method"] == "POST" and record["status"] == 201 and isinstance(body, dict):
            created.append((body["timestamp"], index))
            known.add(body["alarm_id"])
    inserts: dict[int, list[dict[str, Any]]] = {}
    for record in records:
        body = record["response_body"]
        for item in body if isinstance(body, list) else [body]:
            if not (isinstance(item, dict) and "name" in item and "alarm_id" in item):
                continue
            if item["alarm_id"] in known:
                continue
            known.add(item["alarm_id"])
            before = [i for ts, i in created if ts < item["timestamp"]]
            position = (max(before) + 1) if before else 0
            headers = _identity(identities, item["project_id"])
            body = _create_body(item)
            step = _synthetic(f"create:{item['name']}", "POST", "/v2/alarms", headers,
                              body, maps=item["alarm_id"])
            step["created_at"] = item["timestamp"]
            inserts.setdefault(position, []).append(step)
            inserts[position].sort(key=lambda s: s["created_at"])
    by_id = {r["id"]: i for i, r in enumerate(records)}
    user_a = identities["USER_A"]
    event_alarm = "b3f47f6b-cc41-46fb-a02f-9a103ea6c3cd"
    prom_alarm = "3623db3c-d32f-4e1a-addd-f61fdb936f36"
    inserts.setdefault(by_id["get_state_after_put"], []).extend(
        _synthetic(f"state:alarm:{n}", "PUT", f"/v2/alarms/{event_alarm}/state", user_a,
                   "alarm") for n in (1, 2))
    inserts.setdefault(by_id["put_minimal_body"] + 1, []).append(_synthetic(
        "put_change_type", "PUT", f"/v2/alarms/{prom_alarm}", user_a,
        {"name": "now-event", "type": "event", "event_rule": {
            "event_type": "compute.instance.delete.end",
            "query": [{"field": "traits.instance_id", "op": "eq", "type": "string",
                       "value": "153462d0-a9b8-4b5b-8175-9e4b05e9b856"}]}}))
    inserts.setdefault(by_id["quota_create_2_over"], []).extend([
        _synthetic("quota_set", "POST", "/v2/quotas", identities["ADMIN"],
                   {"project_id": "proj-quota", "quotas": [{"resource": "alarms", "limit": 1}]}),
        _synthetic("quota_create_1", "POST", "/v2/alarms", identities["USER_Q"],
                   {"name": "q1", "type": "event", "event_rule": {}}),
    ])
    steps: list[dict[str, Any]] = []
    for index, record in enumerate(records):
        steps.extend(inserts.get(index, []))
        steps.append(record)
    return steps


def replay_all(send: Send, deviations: dict[str, tuple[int, str]]) -> dict[str, Outcome]:
    """Replay the whole plan; a create Aodh refused but alarmapi accepts on purpose is
    deleted again so that later records see what Aodh saw."""
    replayer = Replayer(send)
    outcomes = {}
    for record in plan():
        outcome = replayer.replay(record)
        outcomes[record["id"]] = outcome
        if record["id"] in deviations and outcome.status == 201:
            send("DELETE", f"/v2/alarms/{outcome.body['alarm_id']}",
                 record["request_headers"], None)
    return outcomes


def unexpected(outcomes: dict[str, Outcome], deviations: dict[str, tuple[int, str]]
               ) -> dict[str, list[str]]:
    """Every difference from Aodh that is not a listed deviation (with its status)."""
    problems = {rid: o.problems for rid, o in outcomes.items()
                if o.problems and rid not in deviations}
    for rid, (status, _why) in deviations.items():
        if outcomes[rid].status != status:
            problems[rid] = [f"status {outcomes[rid].status}, deliberate {status}"]
    return problems
