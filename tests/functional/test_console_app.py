"""The /console app's own answers: the page with its settings as inert JSON, its files,
strict security headers, sign-in refused outside keystone mode, and nothing else served
(the browser tests are tests/integration/test_console*.py)."""

from __future__ import annotations

import json
import pathlib
import re

import webtest

from alarmapi.console import app as console_app
from tests.conftest import make_api


def test_the_page_its_files_and_headers(api: webtest.TestApp) -> None:
    assert api.get("/console", status=302).location.endswith("/console/")
    page = api.get("/console/", status=200)
    settings = json.loads(re.search(r'id="settings">(.*?)</script>', page.text).group(1))
    assert settings == {"auth_mode": "noauth", "api_base": "", "evaluation_interval": 60,
                        "refresh_interval": 30}
    assert page.headers["Cache-Control"] == "no-store"
    policy = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "default-src 'none'" in policy
    assert page.headers["X-Frame-Options"] == "DENY"
    script = api.get("/console/static/console.js", status=200)
    assert script.content_type == "text/javascript" and "function alarmsPage" in script.text
    assert api.get("/console/static/console.css").content_type == "text/css"
    chart = api.get("/console/vendor/chart.js", status=200)
    assert "Chart" in chart.text[:2000]


def test_nothing_else_is_served(api: webtest.TestApp) -> None:
    for path in ("/console/static/index.html", "/console/static/../app.py",
                 "/console/package.json", "/console/node_modules/chart.js/package.json"):
        api.get(path, status=404)
    api.put("/console/", status=405)
    api.get("/console/signin", status=405)


def test_sign_in_is_for_keystone_mode(api: webtest.TestApp) -> None:
    refused = api.post("/console/signin", "{}", content_type="application/json", status=400)
    assert refused.json["error_message"]["faultstring"] == (
        "Sign-in is for keystone mode; this API runs in noauth mode")
    bad = api.post("/console/signin", "[1", content_type="application/json", status=400)
    assert bad.json["error_message"]["faultstring"] == "The sign-in body must be a JSON object"


def test_the_console_can_be_turned_off(tmp_path: pathlib.Path) -> None:
    app, services = make_api(f"sqlite:///{tmp_path}/a.sqlite", {("console", "enabled"): False})
    app.get("/console/", status=404)
    services.storage.dispose()


def test_a_missing_chart_library_is_a_clear_404(tmp_path: pathlib.Path) -> None:
    app, services = make_api(f"sqlite:///{tmp_path}/a.sqlite",
                             {("console", "assets_dir"): str(tmp_path)})
    missing = app.get("/console/vendor/chart.js", status=404)
    assert "the charting library is not installed" in missing.text
    assert (console_app.HERE / console_app.CHART_JS).is_file()  # npm ci ran here
    services.storage.dispose()


def test_settings_stay_inert_json(api: webtest.TestApp) -> None:
    """A proxy's prefix with markup in it reaches the page as data, never as markup."""
    page = api.get("/console/", extra_environ={"SCRIPT_NAME": "/a</script><b>&c"})
    raw = re.search(r'id="settings">(.*?)</script>', page.text).group(1)
    assert "<" not in raw and "&" not in raw
    assert json.loads(raw)["api_base"] == "/a</script><b>&c"
