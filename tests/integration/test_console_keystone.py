"""The web console in keystone mode, in a real browser, against a real Keystone 30:
sign-in with a password (a wrong one refused), sign-in with a token, and each project's
user seeing only that project's alarms."""

from __future__ import annotations

import pathlib
from typing import Any

import requests
from selenium.webdriver.common.by import By

from tests.integration import live
from tests.integration.console_browser import chromium, fill, screenshot, texts, until
from tests.integration.keystone_peer import IDENTITY, create, grant, session


def _projects(keystone: str) -> None:
    admin = session(keystone, "admin", "secret", "admin")
    for project in ("red", "blue"):
        project_id = create(admin, "project", {"name": project, "domain_id": "default"})
        user = create(admin, "user", {"name": f"{project}-user", "password": "pw",
                                      "domain_id": "default"})
        grant(admin, project_id, user, "member")
    service = create(admin, "user", {"name": "alarmapi", "password": "svc",
                                     "domain_id": "default"})
    admin_project = admin.get("/projects?name=admin", **IDENTITY).json()["projects"][0]["id"]
    grant(admin, admin_project, service, "admin")


def _config(directory: pathlib.Path, keystone: str) -> pathlib.Path:
    path = directory / "alarmapi.conf"
    path.write_text(
        f"[api]\nauth_mode = keystone\n[database]\nconnection = sqlite:///{directory}/a.sqlite\n"
        f"[keystone_authtoken]\nwww_authenticate_uri = {keystone}\nauth_url = {keystone}\n"
        "auth_type = password\nusername = alarmapi\npassword = svc\n"
        "user_domain_id = default\nproject_name = admin\nproject_domain_id = default\n"
        "interface = public\n")
    return path


def _alarm(url: str, token: str, name: str) -> str:
    created = requests.post(f"{url}/v2/alarms", timeout=30, headers={"X-Auth-Token": token},
                            json={"name": name, "type": "threshold", "threshold_rule": {
                                "meter_name": "cpu", "threshold": 90}})
    assert created.status_code == 201, created.text
    return str(created.json()["alarm_id"])


def _rows(browser: Any) -> list[str]:
    return texts(browser, "#alarms tbody tr td:nth-child(4)")


def test_keystone_sign_in_and_projects_apart(keystone: str, tmp_path: pathlib.Path) -> None:
    _projects(keystone)
    with live.server(_config(tmp_path, keystone)) as url:
        red = _alarm(url, session(keystone, "red-user", "pw", "red").get_token(), "red-alarm")
        blue_token = session(keystone, "blue-user", "pw", "blue").get_token()
        _alarm(url, blue_token, "blue-alarm")
        with chromium() as browser:
            browser.get(f"{url}/console/")
            until(browser, lambda b: b.find_elements(By.NAME, "username"), "the sign-in form")
            fill(browser, {"username": "red-user", "password": "wrong", "project": "red"})
            until(browser, lambda b: b.find_element(By.ID, "error").text, "the refusal")
            assert browser.find_element(By.ID, "error").text == \
                "The user name, password or project is not right"
            fill(browser, {"username": "red-user", "password": "pw", "project": "red"})
            until(browser, lambda b: _rows(b) == ["red-alarm"], "red's alarm")
            assert browser.find_element(By.ID, "who").text == "red-user in red"
            screenshot(browser, "keystone-red")

            browser.find_element(By.ID, "signout").click()
            until(browser, lambda b: b.find_elements(By.NAME, "token"), "the sign-in form")
            fill(browser, {"token": blue_token})
            until(browser, lambda b: _rows(b) == ["blue-alarm"], "blue's alarm")
            browser.get(f"{url}/console/#/alarms/{red}")
            until(browser, lambda b: b.find_element(By.ID, "error").text, "the refusal")
            assert browser.find_element(By.ID, "error").text == f"Alarm {red} not found"
            screenshot(browser, "keystone-blue")
        # Sign-in answers in Aodh's error shape.
        missing = requests.post(f"{url}/console/signin", json={"username": "red-user"},
                                timeout=30)
        assert (missing.status_code, missing.json()["error_message"]["faultstring"]) == (
            400, "Sign-in needs password, project")
