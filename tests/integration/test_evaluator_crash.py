"""kill -9 of alarmapi-evaluator in the middle of a cycle loses no transition and never
writes one twice: each transition, its history and its notification are one transaction."""

from __future__ import annotations

import pathlib
import signal
import subprocess
import sys
import time

import sqlalchemy as sa

from alarmapi.evaluator.service import Evaluator
from alarmapi.storage.models import alarm_table, delivery_table, history_table
from alarmapi.storage.sql import SQLConnection
from bench.evaluator_threshold import populate
from tests import databases

BIN = pathlib.Path(sys.executable).parent


def _counts(storage: SQLConnection) -> tuple[int, int, int, int]:
    """(alarms judged, alarms in alarm, transition records, notifications)."""
    with storage.engine.connect() as conn:
        judged = conn.execute(sa.select(sa.func.count()).select_from(alarm_table).where(
            alarm_table.c.state != "insufficient data")).scalar_one()
        alarmed = conn.execute(sa.select(sa.func.count()).select_from(alarm_table).where(
            alarm_table.c.state == "alarm")).scalar_one()
        transitions = conn.execute(sa.select(sa.func.count()).select_from(history_table).where(
            history_table.c.type == "state transition")).scalar_one()
        jobs = conn.execute(sa.select(sa.func.count()).select_from(delivery_table)
                            ).scalar_one()
    return int(judged), int(alarmed), int(transitions), int(jobs)


def test_kill_mid_cycle(tmp_path: pathlib.Path) -> None:
    with databases.database("postgresql") as url:
        storage = SQLConnection(url)
        storage.upgrade()
        alarms = populate(storage, 1500)   # every other alarm breaches, the rest are ok
        config = tmp_path / "alarmapi.conf"
        config.write_text(f"[database]\nconnection = {url}\n[evaluator]\nbatch_size = 50\n")
        process = subprocess.Popen([str(BIN / "alarmapi-evaluator"), "--config-file",
                                    str(config)], stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and _counts(storage)[2] < 50:
            time.sleep(0.01)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        judged, alarmed, transitions, jobs = _counts(storage)
        assert 0 < judged < 1500, "the kill should land mid-cycle"
        assert judged == transitions and alarmed == jobs   # nothing half-written
        Evaluator(storage).run_cycle()                     # a survivor finishes the work
        assert _counts(storage) == (1500, 750, 1500, 750)  # and nothing twice
        assert len(alarms) == 1500
        storage.dispose()
