"""A real Prometheus (Debian's prometheus, 2.42) on loopback with its own config and
data directory, scraping an exporter the test serves; started and stopped by its pid."""

from __future__ import annotations

import contextlib
import http.server
import pathlib
import shutil
import subprocess
import threading
from collections.abc import Iterator
from typing import Any

import requests

from tests import databases
from tests.integration.live import free_port, poll, wait_ready

BINARY = "prometheus"


class Exporter:
    """Serves ``/metrics`` in the text exposition format; the test sets the series."""

    def __init__(self) -> None:
        self.series: dict[str, float] = {}
        self.port = free_port()
        exporter = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                body = "".join(f"{name} {value}\n" for name, value
                               in sorted(exporter.series.items())).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/plain; version=0.0.4")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        """Stop serving."""
        self.server.shutdown()
        self.server.server_close()


CONFIG = """global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: alarmapi-test
    static_configs:
      - targets: ["127.0.0.1:{port}"]
"""


@contextlib.contextmanager
def running(directory: pathlib.Path, also_scrape: str | None = None
            ) -> Iterator[tuple[str, Exporter]]:
    """Start Prometheus scraping a new exporter (and ``also_scrape``, a host:port whose
    /metrics it reads as job ``alarmapi``); yield (URL, exporter); stop both."""
    binary = shutil.which(BINARY)
    if binary is None:
        databases.unavailable("prometheus is not installed: run tools/install-test.sh")
    assert binary is not None
    exporter = Exporter()
    config = CONFIG.replace("{port}", str(exporter.port))
    if also_scrape:
        config += ("  - job_name: alarmapi\n    static_configs:\n"
                   f"      - targets: [\"{also_scrape}\"]\n")
    (directory / "prometheus.yml").write_text(config)
    port = free_port()
    log = open(directory / "prometheus.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen(
        [binary, f"--config.file={directory / 'prometheus.yml'}",
         f"--storage.tsdb.path={directory / 'data'}",
         f"--web.listen-address=127.0.0.1:{port}", "--log.level=warn"],
        stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(url + "/-/ready", proc, directory / "prometheus.log")
        yield url, exporter
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()
        exporter.stop()


def instant(url: str, query: str) -> Any:
    """Prometheus's own answer to an instant query (its ``data``)."""
    body = requests.get(url + "/api/v1/query", params={"query": query}, timeout=10).json()
    assert body["status"] == "success", body
    return body["data"]


def scraped(url: str, series: dict[str, float], seconds: float = 60.0) -> None:
    """Wait (bounded) until Prometheus holds exactly these series' latest values."""
    def current() -> bool:
        result = instant(url, '{job="alarmapi-test",__name__!~"up|scrape_.*"}')["result"]
        return len(result) == len(series) and sorted(
            float(r["value"][1]) for r in result) == sorted(series.values())
    assert poll(current, seconds), f"Prometheus at {url} did not scrape {series}"

    def history() -> bool:  # a few scrapes, so that subqueries and offsets find data
        result = instant(url, 'count_over_time(up{job="alarmapi-test"}[1m])')["result"]
        return bool(result) and float(result[0]["value"][1]) >= 3
    assert poll(history, seconds), f"Prometheus at {url} kept no history of {series}"
