"""The JSON fast path writes exactly what WSME writes, for every alarm type."""

from __future__ import annotations

import json

import pytest
import webtest
from wsme import types as wtypes
from wsme.rest import json as wjson

from alarmapi.api.v2 import alarm_type, history_type
from alarmapi.storage.base import HistoryFilter
from tests.conftest import USER_A
from tests.functional.test_api_alarms import BODIES, create


@pytest.mark.parametrize("kind", sorted(BODIES))
def test_alarm_json_equals_wsme(api_services: tuple[webtest.TestApp, object], kind: str
                                ) -> None:
    api, services = api_services
    created = create(api, kind, time_constraints=[
        {"name": "tc", "start": "0 8 * * *", "duration": 60, "timezone": "Europe/Paris"}])
    stored = services.storage.get_alarm(created["alarm_id"])  # type: ignore[attr-defined]
    via_wsme = json.loads(wjson.encode_result(alarm_type.render(stored), alarm_type.Alarm))
    assert alarm_type.to_json(stored) == via_wsme == created
    changes = services.storage.get_alarm_changes(  # type: ignore[attr-defined]
        HistoryFilter(alarm_id=stored.alarm_id))
    rendered = json.loads(wjson.encode_result(
        [history_type.render(c) for c in changes],
        wtypes.registry.resolve_type([history_type.AlarmChange])))
    assert [history_type.to_json(c) for c in changes] == rendered
    xml = api.get(f"/v2/alarms/{stored.alarm_id}",
                  headers=dict(USER_A, Accept="application/xml")).text
    assert xml.startswith("<result>") and f"<type>{kind}</type>" in xml
