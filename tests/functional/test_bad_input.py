"""Input no field of any API may hold is a 4xx naming the field, on every backend, and
leaves nothing behind (issue 13, section 3)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import webtest

from tests import databases
from tests.conftest import ADMIN, USER_A, make_api

THRESHOLD_RULE = {"meter_name": "cpu", "threshold": 1}
MONASCA = {"X-Auth-Token": "proj-a"}


def _alarm(**fields: Any) -> dict[str, Any]:
    return {"name": "ok-name", "type": "threshold", "threshold_rule": THRESHOLD_RULE, **fields}


def _raw(text: str) -> bytes:
    return text.encode()


#: (id, method, path, body bytes, headers, status, words the message must hold)
CASES: list[tuple[str, str, str, bytes | None, dict[str, str], int, tuple[str, ...]]] = [
    ("nul-name", "POST", "/v2/alarms", _raw(json.dumps(_alarm(name="a\x00b"))), USER_A, 400,
     ("name", "NUL")),
    ("nul-description", "POST", "/v2/alarms",
     _raw(json.dumps(_alarm(description="\x00"))), USER_A, 400, ("description", "NUL")),
    ("nul-meter", "POST", "/v2/alarms",
     _raw(json.dumps(_alarm(threshold_rule={"meter_name": "c\x00", "threshold": 1}))),
     USER_A, 400, ("threshold_rule.meter_name", "NUL")),
    ("surrogate-name", "POST", "/v2/alarms", _raw('{"name": "\\ud800", "type": "threshold", '
                                                  '"threshold_rule": {"meter_name": "c", '
                                                  '"threshold": 1}}'),
     USER_A, 400, ("name", "surrogate")),
    ("trust-without-id-noauth", "POST", "/v2/alarms",
     _raw(json.dumps(_alarm(ok_actions=["trust+http://127.0.0.1:9/x"]))), USER_A, 400,
     ("ok_actions", "trust+http://127.0.0.1:9/x", "auth_mode is keystone")),
    ("nul-path", "GET", "/v2/alarms/%00", None, USER_A, 400, ("path", "NUL")),
    ("nul-marker", "GET", "/v2/alarms?marker=%00", None, USER_A, 400, ("marker", "NUL")),
    ("nul-q-value", "GET", "/v2/alarms?q.field=name&q.value=a%00", None, USER_A, 400,
     ("q.value", "NUL")),
    ("bad-utf8-q", "GET", "/v2/alarms?q.field=name&q.value=%ED%A0%80", None, USER_A, 400,
     ("q.value", "surrogate")),
    ("nul-complex", "POST", "/v2/query/alarms",
     _raw(json.dumps({"filter": json.dumps({"=": {"name": "\x00"}})})), USER_A, 400,
     ("filter", "NUL")),
    ("nul-quota", "POST", "/v2/quotas",
     _raw(json.dumps({"project_id": "p\x00", "quotas": [{"resource": "alarms", "limit": 1}]})),
     ADMIN, 400, ("project_id", "NUL")),
    ("nul-expression", "POST", "/v2.0/alarms",
     _raw(json.dumps({"name": "x", "expression": "avg(cpu\x00) > 1"})), MONASCA, 400,
     ("expression", "NUL")),
    ("nul-method-address", "POST", "/v2.0/notification-methods",
     _raw(json.dumps({"name": "m", "type": "EMAIL", "address": "a\x00@example.org"})),
     MONASCA, 400, ("address", "NUL")),
    ("nul-dimension-query", "GET", "/v2.0/metrics/dimensions/names?metric_name=%00", None,
     MONASCA, 400, ("metric_name", "NUL")),
    ("infinite-threshold", "POST", "/v2/alarms",
     _raw('{"name": "x", "type": "threshold", "threshold_rule": {"meter_name": "c", '
          '"threshold": 1e400}}'), USER_A, 400, ("threshold_rule.threshold", "finite")),
    ("huge-period", "POST", "/v2.0/notification-methods",
     _raw('{"name": "m", "type": "WEBHOOK", "address": "http://127.0.0.1:9/", '
          '"period": -1e400}'), MONASCA, 400, ("period", "finite")),
    ("huge-integer", "POST", "/v2/alarms",
     _raw(json.dumps(_alarm(threshold_rule={"meter_name": "c", "threshold": 1,
                                            "period": 2**70}))), USER_A, 400,
     ("threshold_rule.period", "2**63")),
    ("deep-json", "POST", "/v2/alarms", _raw("[" * 100_000 + "]" * 100_000), USER_A, 400,
     ("nest",)),
    ("deep-composite", "POST", "/v2/alarms",
     _raw('{"name": "x", "type": "composite", "composite_rule": '
          + '{"and": [' * 500 + '{}' + ']}' * 500 + "}"),
     USER_A, 400, ("nest",)),
    ("too-large", "POST", "/v2/alarms", b'{"name": "' + b"x" * 2_000_000 + b'"}', USER_A, 413,
     ("exceeds",)),
    ("long-project-header", "GET", "/v2/alarms", None,
     dict(USER_A, **{"X-Project-Id": "p" * 129}), 400, ("X-Project-Id", "128")),
    ("long-user-header", "GET", "/v2/alarms", None,
     dict(USER_A, **{"X-User-Id": "u" * 129}), 400, ("X-User-Id", "128")),
    ("null-name", "POST", "/v2/alarms", _raw(json.dumps(_alarm(name=None))), USER_A, 400,
     ("name", "Mandatory field missing")),
    ("long-name", "POST", "/v2/alarms", _raw(json.dumps(_alarm(name="n" * 256))), USER_A, 400,
     ("name", "255")),
    ("null-type", "POST", "/v2/alarms", _raw(json.dumps(_alarm(type=None))), USER_A, 400,
     ("field/attribute type. Value: 'None'", "Value should be one of: composite, event")),
    ("null-query-item", "POST", "/v2/alarms",
     _raw(json.dumps(_alarm(threshold_rule={"meter_name": "c", "threshold": 1,
                                            "query": [None]}))), USER_A, 400,
     ("threshold_rule.query[0]", "object")),
    ("bad-url", "POST", "/v2/alarms", _raw(json.dumps(_alarm(alarm_actions=["http://[::1"]))),
     USER_A, 400, ("alarm_actions", "http://[::1", "not a valid URL")),
    ("null-quota", "POST", "/v2/quotas",
     _raw(json.dumps({"project_id": "p", "quotas": [{"resource": "alarms", "limit": None}]})),
     ADMIN, 400, ("quotas[0].limit", "-1")),
    ("huge-quota", "POST", "/v2/quotas",
     _raw(json.dumps({"project_id": "p", "quotas": [{"resource": "alarms", "limit": 2**40}]})),
     ADMIN, 400, ("quotas[0].limit", "2147483647")),
    ("long-quota-project", "POST", "/v2/quotas",
     _raw(json.dumps({"project_id": "p" * 129, "quotas": [{"resource": "alarms",
                                                            "limit": 1}]})),
     ADMIN, 400, ("project_id", "128")),
    ("huge-limit", "GET", f"/v2/alarms?limit={2**70}", None, USER_A, 400,
     ("limit", "2147483647")),
    ("huge-monasca-limit", "GET", f"/v2.0/alarms?limit={2**70}", None, MONASCA, 422,
     ("limit", "2147483647")),
    ("huge-method-offset", "GET", f"/v2.0/notification-methods?offset={2**70}", None, MONASCA,
     422, ("offset", "2147483647")),
    ("bad-severity", "GET", "/v2.0/alarms?severity=bogus", None, MONASCA, 422,
     ("severity", "BOGUS", "LOW")),
    ("bad-sort-field", "GET", "/v2.0/alarms?sort_by=bogus", None, MONASCA, 422,
     ("sort_by", "bogus", "alarm_id")),
    ("bad-sort-direction", "GET", "/v2.0/alarms?sort_by=name%20sideways", None, MONASCA, 422,
     ("sort_by", "sideways", "asc")),
    ("bad-updated-time", "GET", "/v2.0/alarms?state_updated_start_time=x", None, MONASCA, 422,
     ("state_updated_start_time", "ISO 8601")),
    ("post-state-history", "POST", "/v2.0/alarms/state-history", b"{}", MONASCA, 405,
     ("POST", "GET")),
    ("deep-expression", "POST", "/v2.0/alarms",
     _raw(json.dumps({"name": "x", "expression": "(" * 1000 + "avg(cpu) > 1" + ")" * 1000})),
     MONASCA, 422, ("nest", "32")),
    ("many-subexpressions", "POST", "/v2.0/alarms",
     _raw(json.dumps({"name": "x", "expression": " or ".join(["avg(cpu) > 1"] * 101)})),
     MONASCA, 400, ("composite_rule", "100")),
]


def _constrained(**fields: Any) -> bytes:
    constraint = {"name": "tc", "start": "0 1 * * *", "duration": 60, **fields}
    return _raw(json.dumps(_alarm(time_constraints=[constraint])))


#: Issue 24: time constraints that could never be evaluated, explicit nulls in mandatory
#: attributes of any type, and the two requests that answered 500.
CASES += [
    ("tc-never-fires", "POST", "/v2/alarms", _constrained(start="0 0 31 2 *"), USER_A, 400,
     ("start", "0 0 31 2 *", "never fires")),
    ("tc-null-duration", "POST", "/v2/alarms", _constrained(duration=None), USER_A, 400,
     ("time_constraints[0].duration", "None", "Mandatory field missing", "at least 1")),
    ("tc-zero-duration", "POST", "/v2/alarms", _constrained(duration=0), USER_A, 400,
     ("time_constraints[0].duration", "'0'", "at least 1")),
    ("tc-null-start", "POST", "/v2/alarms", _constrained(start=None), USER_A, 400,
     ("time_constraints[0].start", "Mandatory field missing", "cron")),
    ("tc-null-name", "POST", "/v2/alarms", _constrained(name=None), USER_A, 400,
     ("time_constraints[0].name", "Mandatory field missing")),
    ("tc-bad-timezone", "POST", "/v2/alarms", _constrained(timezone="Mars/Olympus"), USER_A,
     400, ("Timezone Mars/Olympus is not valid",)),
    ("null-threshold", "POST", "/v2/alarms",
     _raw(json.dumps(_alarm(threshold_rule={"meter_name": "c", "threshold": None}))), USER_A,
     400, ("threshold_rule.threshold", "None")),
    ("null-query-field", "POST", "/v2/alarms",
     _raw(json.dumps(_alarm(threshold_rule={"meter_name": "c", "threshold": 1, "query": [
         {"field": None, "value": "x"}]}))), USER_A, 400,
     ("threshold_rule.query[0].field", "Mandatory field missing")),
    ("null-backtest-start", "POST", "/v2/alarms/backtest",
     _raw(json.dumps({"alarm": _alarm(), "start": None, "end": "2026-01-01T00:00:00"})),
     USER_A, 400, ("start", "Mandatory field missing", "ISO 8601")),
    ("event-null-query-item", "POST", "/v2/alarms",
     _raw(json.dumps({"name": "x", "type": "event", "event_rule": {"query": [None]}})),
     USER_A, 400, ("event_rule.query[0]", "object")),
    ("method-bad-ipv6-url", "POST", "/v2.0/notification-methods",
     _raw(json.dumps({"name": "m", "type": "WEBHOOK", "address": "http://[::1/"})), MONASCA,
     400, ("Address http://[::1/", "not a valid URL")),
]
REGEX_CASES = [("(", "name"), ("[", "name"), ("*", "name"), ("x{99999}", "name"),
               ("x" * 100_000, "name"), ("2026", "timestamp")]


@pytest.mark.parametrize(("pattern", "field"), REGEX_CASES,
                         ids=["paren", "bracket", "star", "repeat", "long", "timestamp"])
def test_bad_regular_expressions_are_refused(backend_api: webtest.TestApp, pattern: str,
                                             field: str) -> None:
    for path, name in (("/v2/query/alarms", field), ("/v2/query/alarms/history",
                                                      field.replace("name", "type"))):
        body = {"filter": json.dumps({"=~": {name: pattern}})}
        response = backend_api.post_json(path, body, headers=USER_A, expect_errors=True)
        assert response.status_int == 400, response.text[:300]
        message = _message(response)
        assert name in message and "=~" in message, message
        assert len(message) < 600


XML_CASES = [("<alarm><name>x</name></alarm>", "text/xml"),
             ('<!DOCTYPE d [<!ENTITY a "aaaa">]><d>&a;</d>', "application/xml"),
             ('{"name": "x"}', "text/xml"), ("<a", "text/xml")]


@pytest.fixture(scope="module", params=databases.BACKENDS)
def backend_api(request: pytest.FixtureRequest) -> Iterator[webtest.TestApp]:
    with databases.database(request.param) as url:
        api, services = make_api(url)
        yield api
        services.storage.dispose()


def _message(response: webtest.TestResponse) -> str:
    document = response.json
    if "error_message" in document:
        return str(document["error_message"]["faultstring"])
    return str(document["description"])


def _nothing_stored(api: webtest.TestApp) -> None:
    listed = api.get("/v2/alarms", headers=ADMIN,
                     params={"q.field": "all_projects", "q.value": "true"}).json
    assert listed == []
    assert api.get("/v2.0/notification-methods", headers=MONASCA).json["elements"] == []


@pytest.mark.parametrize(("method", "path", "body", "headers", "status", "words"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_refused_with_a_message_naming_the_field(
        backend_api: webtest.TestApp, method: str, path: str, body: bytes | None,
        headers: dict[str, str], status: int, words: tuple[str, ...]) -> None:
    response = backend_api.request(path, method=method, headers=headers, body=body or b"",
                                   content_type="application/json", expect_errors=True)
    assert response.status_int == status, response.text[:300]
    message = _message(response)
    for word in words:
        assert word in message, message
    assert len(message) < 600
    _nothing_stored(backend_api)


@pytest.mark.parametrize(("body", "content_type"), XML_CASES)
def test_xml_bodies_are_unsupported_media(backend_api: webtest.TestApp, body: str,
                                          content_type: str) -> None:
    response = backend_api.post("/v2/alarms", body, headers=dict(USER_A),
                                content_type=content_type, expect_errors=True)
    assert response.status_int == 415, response.text[:300]
    assert "application/json" in _message(response)
    _nothing_stored(backend_api)


def test_an_unknown_charset_is_unsupported_media(backend_api: webtest.TestApp) -> None:
    headers = dict(USER_A, **{"Content-Type": "application/json; charset=klingon"})
    response = backend_api.request("/v2/alarms", method="POST", headers=headers,
                                   body=json.dumps(_alarm()).encode(), expect_errors=True)
    assert response.status_int == 415
    assert "klingon" in _message(response)
    _nothing_stored(backend_api)


@pytest.mark.parametrize("constraint", [
    {"name": "tc", "start": "0 0 30 2 *", "duration": 60},
    {"name": "tc", "start": "0 1 * * *", "duration": None},
    {"name": "tc", "start": "0 1 * * *", "duration": 0},
    {"name": "tc", "start": "0 1 * * *", "duration": 60, "timezone": "Nowhere/Else"},
], ids=["never-fires", "null-duration", "zero-duration", "bad-timezone"])
def test_a_put_with_an_unusable_time_constraint_changes_nothing(
        backend_api: webtest.TestApp, constraint: dict[str, Any]) -> None:
    made = backend_api.post_json("/v2/alarms", _alarm(), headers=USER_A).json
    response = backend_api.put_json(f"/v2/alarms/{made['alarm_id']}",
                                    dict(made, time_constraints=[constraint]),
                                    headers=USER_A, expect_errors=True)
    assert response.status_int == 400, response.text[:300]
    message = _message(response)
    assert "duration" in message or "start" in message or "Timezone" in message, message
    shown = backend_api.get(f"/v2/alarms/{made['alarm_id']}", headers=USER_A).json
    assert shown["time_constraints"] == [] and shown["timestamp"] == made["timestamp"]
    backend_api.delete(f"/v2/alarms/{made['alarm_id']}", headers=USER_A, status=204)
