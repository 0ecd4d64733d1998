"""Debian's Chromium driven by selenium through Debian's chromedriver, for the console's
tests: what a person sees, read from the page, and screenshots kept as test artifacts
(``test-artifacts/console``)."""

from __future__ import annotations

import contextlib
import pathlib
import shutil
from collections.abc import Callable, Iterator
from typing import Any

from tests import databases

ROOT = pathlib.Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "console"
WAIT_S = 30


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    """A headless Chromium session (fails under CI=true when the browser is missing)."""
    binary, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if not binary or not driver:
        databases.unavailable("chromium and chromedriver are missing: run "
                              "tools/install-test.sh (Debian chromium, chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = str(binary)
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                 "--window-size=1280,1400", "--disable-gpu", "--no-first-run"):
        options.add_argument(flag)
    browser = webdriver.Chrome(service=Service(str(driver)), options=options)
    try:
        yield browser
    finally:
        browser.quit()


def until(browser: Any, condition: Callable[[Any], Any], what: str) -> Any:
    """Wait (bounded) until ``condition(browser)`` is truthy; its value."""
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(browser, WAIT_S, poll_frequency=0.1).until(condition, what)


def texts(browser: Any, selector: str) -> list[str]:
    """The visible text of every element matching a CSS selector, read in one go (the
    list re-renders its rows while it refreshes)."""
    found: list[str] = browser.execute_script(
        "return [...document.querySelectorAll(arguments[0])].map(e => e.innerText.trim());",
        selector)
    return found


def click(browser: Any, selector: str) -> None:
    """Click the element matching a CSS selector, found and clicked in one go."""
    assert browser.execute_script(
        "const e = document.querySelector(arguments[0]); if (e) e.click(); return !!e;",
        selector), selector


def fill(browser: Any, values: dict[str, str]) -> None:
    """Type into the form fields named by the keys (cleared first), then submit."""
    from selenium.webdriver.common.by import By

    for name, value in values.items():
        box = browser.find_element(By.NAME, name)
        box.clear()
        box.send_keys(value)
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()


def screenshot(browser: Any, name: str) -> pathlib.Path:
    """Save a screenshot as a test artifact; its path."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    assert browser.save_screenshot(str(path)) and path.stat().st_size > 0
    return path


def chart(browser: Any, canvas_id: str) -> Any:
    """What the Chart.js chart on a canvas shows: each dataset's label and points."""
    return browser.execute_script(
        "const c = window.Chart && Chart.getChart(arguments[0]);"
        "return c ? c.data.datasets.map(d => ({label: d.label, points: d.data.length}))"
        " : null;", canvas_id)
