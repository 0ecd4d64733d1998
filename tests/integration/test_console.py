"""The web console in a real browser (Debian's Chromium through selenium) against
alarmapi-all on SQLite in noauth mode: the alarm list with its filter and sort, an alarm
page (the rule in words, the state timeline, the metric plotted against the threshold
with the backtest's transitions, the deliveries a real webhook receiver answered), the
state set by hand, notification methods, and two projects kept apart."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from tests.integration import live
from tests.integration.console_browser import (
    chart,
    chromium,
    click,
    fill,
    screenshot,
    texts,
    until,
)
from tests.receivers import HTTPReceiver, http_receiver

P1 = {"X-User-Id": "u1", "X-Project-Id": "p1", "X-Roles": "reader,member"}
P2 = {"X-User-Id": "u2", "X-Project-Id": "p2", "X-Roles": "reader,member"}
#: cpu of p1, one value a minute for the last 30 minutes: calm, then 4 minutes hot.
VALUES = [10.0 + i % 5 for i in range(26)] + [95.0, 96.0, 97.0, 98.0]
XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, Any]]]:
    """alarmapi-all with p1's alarms (one fired to a real webhook receiver) and p2's."""
    tmp = tmp_path_factory.mktemp("console")
    port = live.free_port()
    config = tmp / "alarmapi.conf"
    config.write_text(f"[api]\nauth_mode = noauth\nport = {port}\n[database]\n"
                      f"connection = sqlite:///{tmp}/alarmapi.sqlite\n"
                      "[console]\nrefresh_interval = 1\n")
    url = f"http://127.0.0.1:{port}"
    with open(tmp / "all.log", "wb") as out, http_receiver() as receiver:
        proc = subprocess.Popen([str(live.BIN / "alarmapi-all"), "--config-file", str(config)],
                                stdout=out, stderr=subprocess.STDOUT)
        try:
            live.wait_ready(url + "/healthcheck", proc, tmp / "all.log")
            yield url, _fill(url, receiver)
        finally:
            proc.terminate()
            proc.wait(timeout=60)


def _alarm(url: str, headers: dict[str, str], name: str, **extra: Any) -> str:
    body = {"name": name, "type": "threshold", "threshold_rule": {
        "meter_name": "cpu", "threshold": 90, "comparison_operator": "gt", "period": 60,
        "evaluation_periods": 3}, **extra}
    created = requests.post(f"{url}/v2/alarms", json=body, headers=headers, timeout=30)
    assert created.status_code == 201, created.text
    return str(created.json()["alarm_id"])


def _fill(url: str, receiver: HTTPReceiver) -> dict[str, Any]:
    hot = _alarm(url, P1, "cpu-high", alarm_actions=[receiver.url + "/hook"],
                 severity="critical")
    calm = _alarm(url, P1, "disk-low", severity="low", threshold_rule={
        "meter_name": "disk", "threshold": 5, "comparison_operator": "lt", "period": 60,
        "evaluation_periods": 1})
    other = _alarm(url, P2, XSS)
    now_ms = int(time.time() * 1000)
    body = [{"name": "cpu", "dimensions": {}, "value": v,
             "timestamp": now_ms - (len(VALUES) - i) * 60_000 + 1000}
            for i, v in enumerate(VALUES)]
    posted = requests.post(f"{url}/v2.0/metrics", json=body, headers=P1, timeout=30)
    assert posted.status_code == 204, posted.text
    (hook,) = receiver.wait_for(1)
    assert hook.json()["alarm_id"] == hot
    return {"hot": hot, "calm": calm, "other": other}


def _sign_in(browser: Any, url: str, project: str, user: str) -> None:
    browser.get(f"{url}/console/")
    until(browser, lambda b: b.find_elements(By.NAME, "project_id"), "the sign-in form")
    fill(browser, {"project_id": project, "user": user})
    until(browser, lambda b: b.find_elements(By.CSS_SELECTOR, "#alarms tbody"), "the list")


def _rows(browser: Any) -> list[str]:
    return texts(browser, "#alarms tbody tr td:nth-child(4)")


def test_an_operator_sees_lists_plots_and_sets_state(service: tuple[str, dict[str, Any]]
                                                      ) -> None:
    url, ids = service
    with chromium() as browser:
        _sign_in(browser, url, "p1", "u1")
        until(browser, lambda b: len(_rows(b)) == 2, "p1's two alarms")
        assert _rows(browser) == ["cpu-high", "disk-low"]  # firing first
        assert texts(browser, "#alarms tbody tr:first-child .badge") == ["alarm"]
        browser.find_element(By.CSS_SELECTOR, "th[data-sort=name]").click()
        assert _rows(browser) == ["cpu-high", "disk-low"]  # by name
        browser.find_element(By.CSS_SELECTOR, "th[data-sort=name]").click()
        assert _rows(browser) == ["disk-low", "cpu-high"]  # descending now
        browser.find_element(By.ID, "filter").send_keys("cpu")
        assert _rows(browser) == ["cpu-high"]
        Select(browser.find_element(By.ID, "state-filter")).select_by_value("ok")
        assert _rows(browser) == []
        Select(browser.find_element(By.ID, "state-filter")).select_by_value("")
        screenshot(browser, "alarm-list")

        click(browser, f"a[href='#/alarms/{ids['hot']}']")
        until(browser, lambda b: chart(b, "plot"), "the plot")
        assert browser.find_element(By.ID, "rule-words").text == (
            "Alarm when the avg of cpu is above 90 in each of the last 3 periods of 1 min.")
        plotted = chart(browser, "plot")
        assert plotted[0] == {"label": "avg(cpu)", "points": len(VALUES)}
        assert plotted[1]["label"] == "threshold 90"
        fired = [t for t in texts(browser, "#backtest li") if "→ alarm" in t]
        assert fired and "Transition to alarm due to 3 samples outside threshold" in fired[-1]
        timeline = [d["label"] for d in chart(browser, "timeline")]
        assert timeline[-2:] == ["insufficient data", "alarm"]
        assert texts(browser, "#deliveries tbody td:nth-child(4)") == ["delivered"]
        screenshot(browser, "alarm-page")

        click(browser, "#acknowledge")  # silenced until it is ok again
        until(browser, lambda b: texts(b, "#silences tbody td:nth-child(2)") == [
            f"alarm_id={ids['hot']}"], "the acknowledgement")
        assert texts(browser, "#silences tbody td:first-child") == ["active"]
        assert texts(browser, "#silences tbody td:nth-child(3)")[0].endswith("until ok")
        (silence,) = requests.get(f"{url}/v2/silences", headers=P1, timeout=30).json()
        assert silence["expire_on_resolve"] and silence["comment"] == (
            "acknowledged from the console by u1")
        screenshot(browser, "silences")
        click(browser, "#silences tbody button")  # Expire
        until(browser, lambda b: texts(b, "#silences tbody td:first-child") == ["expired"],
              "the silence expired")
        browser.get(f"{url}/console/#/alarms/{ids['hot']}")
        until(browser, lambda b: b.find_elements(By.ID, "new-state"), "the alarm page again")
        Select(browser.find_element(By.ID, "new-state")).select_by_value("ok")
        browser.find_element(By.ID, "set-state").click()
        until(browser, lambda b: texts(b, "#facts .badge") == ["ok"], "the state set")
        assert requests.get(f"{url}/v2/alarms/{ids['hot']}/state", headers=P1,
                            timeout=30).json() == "ok"
        until(browser, lambda b: [d["label"] for d in chart(b, "timeline")][-1] == "ok",
              "the timeline's new stretch")

        browser.find_element(By.LINK_TEXT, "Notification methods").click()
        until(browser, lambda b: b.find_elements(By.ID, "new-method"), "the methods page")
        fill(browser, {"name": "ops-hook", "address": "http://127.0.0.1:9/ops"})
        until(browser, lambda b: texts(b, "#methods tbody td:first-child") == ["ops-hook"],
              "the new method")
        screenshot(browser, "notification-methods")


def test_the_list_follows_state_changes(service: tuple[str, dict[str, Any]]) -> None:
    url, ids = service
    with chromium() as browser:
        _sign_in(browser, url, "p1", "u1")
        hot = f"#alarms tbody tr[data-alarm-id='{ids['hot']}'] .badge"
        until(browser, lambda b: texts(b, hot), "the list")
        before = texts(browser, hot)
        wanted = "insufficient data" if before != ["insufficient data"] else "alarm"
        assert requests.put(f"{url}/v2/alarms/{ids['hot']}/state", json=wanted, headers=P1,
                            timeout=30).status_code == 200
        until(browser, lambda b: texts(b, hot) == [wanted], "the list read again")


def test_a_composite_alarm_in_words_and_plots(service: tuple[str, dict[str, Any]]) -> None:
    url, _ = service
    leaf = {"type": "threshold", "meter_name": "cpu", "period": 60, "evaluation_periods": 1}
    created = requests.post(f"{url}/v2/alarms", headers=P1, timeout=30, json={
        "name": "combo", "type": "composite", "composite_rule": {"or": [
            {**leaf, "threshold": 97, "comparison_operator": "ge"},
            {"and": [{**leaf, "threshold": 5, "comparison_operator": "lt"},
                     {**leaf, "meter_name": "disk", "threshold": 1}]}]}})
    assert created.status_code == 201, created.text
    with chromium() as browser:
        _sign_in(browser, url, "p1", "u1")
        browser.get(f"{url}/console/#/alarms/{created.json()['alarm_id']}")
        until(browser, lambda b: chart(b, "plot"), "the plot")
        assert browser.find_element(By.ID, "rule-words").text == (
            "Alarm when the avg of cpu is at least 97 in the last period of 1 min or (the avg "
            "of cpu is below 5 in the last period of 1 min and the avg of disk equals 1 in "
            "the last period of 1 min).")
        labels = [d["label"] for d in chart(browser, "plot")]
        assert labels.count("avg(cpu)") == 2 and labels.count("avg(disk)") == 1
        screenshot(browser, "composite")

        daily = requests.post(f"{url}/v2/alarms", headers=P1, timeout=30, json={
            "name": "daily", "type": "threshold", "threshold_rule": {
                **{k: v for k, v in leaf.items() if k != "type"}, "period": 86400,
                "threshold": 50, "comparison_operator": "gt"}}).json()["alarm_id"]
        browser.get(f"{url}/console/#/alarms/{daily}")
        until(browser, lambda b: chart(b, "plot"), "the daily alarm's plot")
        assert not browser.find_element(By.ID, "error").is_displayed()
        assert "every 1440 s" in browser.find_element(By.ID, "backtest-summary").text


def test_another_project_sees_none_of_it(service: tuple[str, dict[str, Any]]) -> None:
    url, ids = service
    with chromium() as browser:
        _sign_in(browser, url, "p2", "u2")
        until(browser, lambda b: len(_rows(b)) == 1, "p2's alarm")
        assert _rows(browser) == [XSS]  # shown as text, never run as markup
        assert browser.find_elements(By.CSS_SELECTOR, "#alarms img") == []
        browser.get(f"{url}/console/#/alarms/{ids['hot']}")
        until(browser, lambda b: b.find_element(By.ID, "error").text, "the refusal")
        assert browser.find_element(By.ID, "error").text == f"Alarm {ids['hot']} not found"
        assert "cpu-high" not in browser.find_element(By.TAG_NAME, "body").text
        browser.get(f"{url}/console/#/notification-methods")
        until(browser, lambda b: b.find_elements(By.ID, "methods"), "p2's methods")
        assert texts(browser, "#methods tbody tr") == []
        browser.get(f"{url}/console/#/silences")
        until(browser, lambda b: b.find_elements(By.ID, "silences"), "p2's silences")
        assert texts(browser, "#silences tbody tr") == []
        screenshot(browser, "another-project")


def test_the_page_is_locked_down(service: tuple[str, dict[str, Any]]) -> None:
    url, _ = service
    page = requests.get(f"{url}/console/", timeout=30)
    policy = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert requests.get(f"{url}/console/vendor/chart.js", timeout=30).status_code == 200
    assert requests.get(f"{url}/console/static/../app.py", timeout=30).status_code == 404



P3 = {"X-User-Id": "u3", "X-Project-Id": "p3", "X-Roles": "reader,member"}


def test_a_new_user_s_console(service: tuple[str, dict[str, Any]]) -> None:
    """Issue 28.5: no nav bar before sign-in; firing alarms first, the most severe first,
    severities coloured; times say their zone; silences created from the console; the
    icon served where browsers look."""
    url, _ = service
    rule = {"meter_name": "load", "comparison_operator": "gt", "period": 60,
            "evaluation_periods": 1}
    _alarm(url, P3, "aaa-calm", severity="critical", threshold_rule={**rule, "threshold": 99})
    _alarm(url, P3, "bbb-fire-low", severity="low", threshold_rule={**rule, "threshold": 90})
    _alarm(url, P3, "zzz-fire", severity="critical", threshold_rule={**rule, "threshold": 90})
    now_ms = int(time.time() * 1000)
    posted = requests.post(f"{url}/v2.0/metrics", headers=P3, timeout=30, json=[
        {"name": "load", "dimensions": {}, "value": 95.0, "timestamp": now_ms - s * 1000}
        for s in (90, 30)])
    assert posted.status_code == 204, posted.text
    with chromium() as browser:
        browser.get(f"{url}/console/")
        until(browser, lambda b: b.find_elements(By.NAME, "project_id"), "the sign-in form")
        assert not browser.find_element(By.ID, "nav").is_displayed()
        fill(browser, {"project_id": "p3", "user": "u3"})
        until(browser, lambda b: texts(b, "#alarms .badge") == ["alarm", "alarm", "ok"],
              "p3's alarms judged")
        assert browser.find_element(By.ID, "nav").is_displayed()
        assert _rows(browser) == ["zzz-fire", "bbb-fire-low", "aaa-calm"]
        colours = {e.text: e.value_of_css_property("color")
                   for e in browser.find_elements(By.CSS_SELECTOR, "#alarms .severity")}
        assert colours["critical"] != colours["low"]
        assert colours["critical"] == "rgba(183, 28, 28, 1)"
        stamps = texts(browser, "#alarms tbody td:nth-child(5)")
        assert stamps and all(t.endswith(" UTC") for t in stamps), stamps
        screenshot(browser, "new-user-list")

        browser.find_element(By.LINK_TEXT, "Silences").click()
        until(browser, lambda b: b.find_elements(By.ID, "new-silence"), "the silence form")
        Select(browser.find_element(By.NAME, "op")).select_by_value("=~")
        fill(browser, {"value": "zzz-.*", "hours": "3", "comment": "maintenance"})
        until(browser, lambda b: texts(b, "#silences tbody td:nth-child(2)") == [
            "name=~zzz-.*"], "the new silence")
        assert texts(browser, "#silences tbody td:nth-child(3)")[0].endswith(" UTC")
        (made,) = requests.get(f"{url}/v2/silences", headers=P3, timeout=30).json()
        assert made["comment"] == "maintenance" and made["status"] == "active"
        assert made["matchers"] == [{"field": "name", "op": "=~", "value": "zzz-.*"}]
        assert not made["expire_on_resolve"] and made["ends_at"]
        screenshot(browser, "new-silence")
    icon = requests.get(f"{url}/favicon.ico", timeout=30)
    assert icon.status_code == 200 and icon.headers["Content-Type"] == "image/x-icon"
    assert icon.content[:4] == b"\x00\x00\x01\x00"  # an ICO file
    page = requests.get(f"{url}/console/", timeout=30).text
    assert 'rel="icon" href="static/favicon.ico"' in page
    assert requests.get(f"{url}/console/static/favicon.ico", timeout=30).content == icon.content
