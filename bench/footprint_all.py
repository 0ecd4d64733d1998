"""Memory of the whole service idle on SQLite: ``alarmapi-all`` (supervising parent +
one service process) against the separate daemons (alarmapi-api, -evaluator, -notifier).

    .venv/bin/python -m bench.footprint_all
"""

from __future__ import annotations

import pathlib
import subprocess
import sys
import tempfile
import time

import psutil

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.integration import live  # noqa: E402

SETTLE_S = 15.0


def rss_mb(pids: list[int]) -> tuple[float, float]:
    """(RSS, PSS) in MB summed over the processes."""
    rss = pss = 0.0
    for pid in pids:
        info = psutil.Process(pid).memory_full_info()
        rss += info.rss
        pss += getattr(info, "pss", info.rss)
    return rss / 2**20, pss / 2**20


def measure(commands: list[str], config: pathlib.Path, url: str) -> tuple[float, float, int]:
    """Start the commands, wait until the API answers and SETTLE_S more, measure all
    their processes, stop them."""
    procs = [subprocess.Popen([str(live.BIN / c), "--config-file", str(config)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
             for c in commands]
    try:
        live.wait_ready(url + "/healthcheck", procs[0], config.with_suffix(".log"))
        time.sleep(SETTLE_S)  # idle: a few evaluation cycles, no requests
        pids = [p.pid for p in procs]
        pids += [c.pid for p in procs for c in psutil.Process(p.pid).children(recursive=True)]
        rss, pss = rss_mb(pids)
        return rss, pss, len(pids)
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=60)


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        directory = pathlib.Path(tmp)
        port = live.free_port()
        config = directory / "alarmapi.conf"
        config.write_text(f"[api]\nauth_mode = noauth\nport = {port}\n[database]\n"
                          f"connection = sqlite:///{directory}/alarmapi.sqlite\n")
        subprocess.run([str(live.BIN / "alarmapi-dbsync"), "--config-file", str(config)],
                       check=True, capture_output=True)
        url = f"http://127.0.0.1:{port}"
        together = measure(["alarmapi-all"], config, url)
        apart = measure(["alarmapi-api", "alarmapi-evaluator", "alarmapi-notifier"], config,
                        url)
    for name, (rss, pss, count) in (("alarmapi-all", together), ("separate daemons", apart)):
        print(f"{name}: {count} processes, RSS {rss:.0f} MB in all (PSS {pss:.0f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
