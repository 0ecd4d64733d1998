"""Every recorded exchange with real Aodh 23, replayed against alarmapi."""

from __future__ import annotations

import json
from typing import Any

import pytest
import webtest

from tests import databases, transcripts
from tests.conftest import make_api

#: Where alarmapi answers differently on purpose: record id → (our status, why).
DEVIATIONS: dict[str, tuple[int, str]] = {
    "err_body_not_object": (400, "Aodh: 500 for a JSON array body"),
    "err_unknown_type": (201, "alarmapi serves the threshold type Aodh removed"),
    "list_q_enabled_false": (200, "Aodh: 500 on PostgreSQL for enabled=false"),
    "list_q_enabled_bad": (400, "Aodh: 500 for a non-boolean enabled"),
    "list_sort_severity": (200, "Aodh: 501 on PostgreSQL"),
    "list_sort_bad_dir": (400, "Aodh: 500 for a bad sort direction"),
    "list_marker_unknown": (400, "Aodh: 500 for an unknown marker"),
    "composite_with_prometheus_after_prometheus_alarm_0": (201, "Aodh worker-state bug"),
    "composite_with_prometheus_after_prometheus_alarm_2": (201, "Aodh worker-state bug"),
}


def _send(app: webtest.TestApp):  # type: ignore[no-untyped-def]
    def send(method: str, path: str, headers: dict[str, str],
             body: bytes | None) -> tuple[int, dict[str, str], Any]:
        response = app.request(path, method=method, headers=headers, body=body or b"",
                               expect_errors=True)
        text = response.body.decode()
        content_type = response.headers.get("Content-Type", "")
        if content_type.startswith("application/json") and text:
            return response.status_int, dict(response.headers), json.loads(text)
        return response.status_int, dict(response.headers), text
    return send


@pytest.fixture(scope="module", params=databases.BACKENDS)
def outcomes(request: pytest.FixtureRequest) -> dict[str, transcripts.Outcome]:
    """Replay every record on a fresh database of each backend."""
    with databases.database(request.param) as url:
        app, services = make_api(url, {("api", "enable_evaluation_results_metrics"): True})
        result = transcripts.replay_all(_send(app), DEVIATIONS)
        services.storage.dispose()
    return result


def test_every_record_matches_aodh(outcomes: dict[str, transcripts.Outcome]) -> None:
    assert transcripts.unexpected(outcomes, DEVIATIONS) == {}


@pytest.mark.parametrize("record_id", sorted(DEVIATIONS))
def test_deliberate_deviations(outcomes: dict[str, transcripts.Outcome], record_id: str) -> None:
    status, _why = DEVIATIONS[record_id]
    assert outcomes[record_id].status == status
