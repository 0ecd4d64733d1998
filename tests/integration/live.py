"""A real alarmapi (gunicorn, its own config file) on a free loopback port."""

from __future__ import annotations

import contextlib
import os
import pathlib
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator

import requests

BIN = pathlib.Path(sys.executable).parent


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def write_config(directory: pathlib.Path, db_url: str, extra: str = "") -> pathlib.Path:
    """An alarmapi.conf for a noauth server on ``db_url``."""
    path = directory / "alarmapi.conf"
    path.write_text(
        f"[api]\nauth_mode = noauth\n\n[database]\nconnection = {db_url}\n\n{extra}\n"
    )
    return path


def dbsync_import(config: pathlib.Path, source: str) -> subprocess.CompletedProcess[str]:
    """alarmapi-dbsync --import-aodh, as an operator runs it."""
    return subprocess.run([str(BIN / "alarmapi-dbsync"), "--config-file", str(config),
                           "--import-aodh", source], capture_output=True, text=True,
                          timeout=600)


@contextlib.contextmanager
def server(config: pathlib.Path, workers: int = 2, timeout: float = 60.0) -> Iterator[str]:
    """Run dbsync, then gunicorn on 127.0.0.1; yield the base URL; stop it after."""
    subprocess.run([str(BIN / "alarmapi-dbsync"), "--config-file", str(config)], check=True,
                   capture_output=True)
    port = free_port()
    env = dict(os.environ, ALARMAPI_CONFIG_FILE=str(config))
    log = open(config.with_suffix(".log"), "wb")  # noqa: SIM115
    proc = subprocess.Popen(
        [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         "--no-control-socket", "--timeout", "60", "alarmapi.wsgi.api:application"],
        env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(url + "/healthcheck", proc, config.with_suffix(".log"), timeout)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def wait_ready(url: str, proc: subprocess.Popen[bytes], log: pathlib.Path,
               timeout: float = 60.0) -> None:
    """Poll ``url`` until it answers 200 (bounded in time); RuntimeError naming the log
    when the process exits or the time is up."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if requests.get(url, timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not answer: see {log}")
        time.sleep(0.1)


@contextlib.contextmanager
def process(command: str, config: pathlib.Path) -> Iterator[subprocess.Popen[bytes]]:
    """Run an alarmapi command; SIGTERM it after (it must stop cleanly)."""
    proc = subprocess.Popen([str(BIN / command), "--config-file", str(config)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=60) == 0, proc.stderr.read() if proc.stderr else ""


def poll(check: Callable[[], bool], seconds: float = 60.0) -> bool:
    """Whether ``check`` came true within ``seconds`` (bounded polling)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return check()
