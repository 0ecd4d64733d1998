"""A real Prometheus Alertmanager (Debian's prometheus-alertmanager) on loopback, with a
configuration of the test's own, started and stopped by its pid."""

from __future__ import annotations

import contextlib
import pathlib
import shutil
import subprocess
from collections.abc import Iterator

from tests import databases
from tests.integration.live import free_port, wait_ready

BINARY = "prometheus-alertmanager"


@contextlib.contextmanager
def running(directory: pathlib.Path, config: str) -> Iterator[str]:
    """Start Alertmanager with ``config`` (YAML); yield its URL; stop it after."""
    binary = shutil.which(BINARY)
    if binary is None:
        databases.unavailable("prometheus-alertmanager is not installed: "
                              "run tools/install-test.sh")
    assert binary is not None
    (directory / "alertmanager.yml").write_text(config)
    port = free_port()
    log = open(directory / "alertmanager.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen(
        [binary, f"--config.file={directory / 'alertmanager.yml'}",
         f"--storage.path={directory / 'data'}", f"--web.listen-address=127.0.0.1:{port}",
         "--cluster.listen-address=", "--log.level=warn"],
        stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(url + "/-/ready", proc, directory / "alertmanager.log")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()
