"""The paste pipeline: optional middleware runs when configured, and only then."""

from __future__ import annotations

from tests import databases
from tests.conftest import USER_A, make_api


def test_cors_and_proxy_headers_when_configured() -> None:
    with databases.database("sqlite") as url:
        api, services = make_api(url, {("cors", "allowed_origin"): ["http://dash.example"],
                                       ("oslo_middleware", "enable_proxy_headers_parsing"):
                                           True})
        response = api.post_json(
            "/v2/alarms", {"name": "x", "type": "event", "event_rule": {}},
            headers=dict(USER_A, Origin="http://dash.example", **{"X-Forwarded-Proto": "https"}))
        assert response.headers["Access-Control-Allow-Origin"] == "http://dash.example"
        assert response.headers["Location"].startswith("https://")
        services.storage.dispose()


def test_left_out_when_not_configured(api: object) -> None:
    response = api.get("/v2/alarms", headers=dict(  # type: ignore[attr-defined]
        USER_A, Origin="http://dash.example", **{"X-Forwarded-Proto": "https"}))
    assert "Access-Control-Allow-Origin" not in response.headers
    assert response.headers["x-openstack-request-id"].startswith("req-")
