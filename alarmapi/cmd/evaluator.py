"""alarmapi-evaluator: evaluate the alarms every [evaluator] evaluation_interval.

SIGTERM/SIGINT stop it after the cycle under way; SIGHUP re-reads the config files.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from oslo_log import log

from alarmapi import clock, self_metrics
from alarmapi import conf as alarmapi_conf
from alarmapi.cmd import daemon, supervisor
from alarmapi.cmd.fatal import guarded
from alarmapi.evaluator import sources
from alarmapi.evaluator.partition import Everything, HashRing, Partition
from alarmapi.evaluator.service import Evaluator
from alarmapi.storage import Connection, get_connection

LOG = log.getLogger(__name__)


class SignalPoller:
    """Re-judges the alarms whose metric just received data, every INTERVAL seconds:
    between cycles and between the batches of a running cycle."""

    INTERVAL = 0.25

    def __init__(self, evaluator: Evaluator) -> None:
        self.evaluator = evaluator
        self.since_ms = clock.now_ms()
        self.last = time.monotonic()

    def poll(self) -> None:
        """Serve the signals that arrived since the last poll."""
        self.last = time.monotonic()
        report, self.since_ms = self.evaluator.run_signalled(self.since_ms)
        self_metrics.count_evaluations(report)

    def poll_if_due(self) -> None:
        """Poll when INTERVAL has passed; a failure never stops the cycle under way."""
        if time.monotonic() - self.last >= self.INTERVAL:
            try:
                self.poll()
            except Exception:
                LOG.exception("serving metric signals failed")


def timed_cycle(evaluator: Evaluator, between_batches: Callable[[], None],
                report_file: str | None) -> dict[str, object]:
    """Run one cycle; log its wall and CPU time and, when ``[evaluator]
    cycle_report_file`` is set, append its record there as one JSON line."""
    start, began, cpu = clock.epoch_s(), time.monotonic(), time.process_time()
    report = evaluator.run_cycle(between_batches=between_batches)
    wall = time.monotonic() - began
    self_metrics.count_evaluations(report)
    self_metrics.CYCLE.observe(wall)
    record: dict[str, object] = {
        "pid": os.getpid(), "start": round(start, 3), "end": round(start + wall, 3),
        "wall_s": round(wall, 3), "cpu_s": round(time.process_time() - cpu, 3),
        "alarms": report.evaluated, **report.record()}
    del record["evaluated"]
    LOG.info("cycle: %s in %.2f s, %.2f CPU s", report, wall, record["cpu_s"])
    if report_file:
        try:
            with open(report_file, "a", encoding="utf-8") as out:
                out.write(json.dumps(record) + "\n")
        except OSError as exc:
            LOG.warning("cannot append to the cycle report file: %s", exc)
    return record


@guarded
def main(argv: list[str] | None = None) -> int:
    """Run cycles until stopped."""
    conf = alarmapi_conf.for_command(argv)
    workers = conf.evaluator.workers
    if workers > 1 and not conf.evaluator.coordination_url:
        LOG.warning("[evaluator] workers = %d needs [evaluator] coordination_url (or "
                    "[coordination] backend_url) to share the alarms: running one", workers)
        workers = 1
    supervised = supervisor.run_workers(conf, workers, "alarmapi.cmd.evaluator",
                                        "evaluator", argv)
    if supervised is not None:
        return supervised
    stop = daemon.stop_event(conf, "stopping after this cycle")
    self_metrics.serve(conf)
    run(conf, get_connection(conf.database.connection), stop)
    return 0


def run(conf: Any, storage: Connection, stop: threading.Event) -> None:
    """Evaluate every [evaluator] evaluation_interval (and the alarms whose metrics
    just received data in between) until ``stop`` is set."""
    partition: Partition = Everything()
    if conf.evaluator.coordination_url:
        partition = HashRing(conf.evaluator.coordination_url)
    evaluator = Evaluator(storage, ingestion_lag_s=conf.evaluator.additional_ingestion_lag,
                          batch_size=conf.evaluator.batch_size,
                          sources=sources.from_config(conf, storage),
                          partition=partition)
    signals = SignalPoller(evaluator)
    next_cycle = time.monotonic()
    try:
        while not stop.is_set():
            try:
                if time.monotonic() >= next_cycle:
                    self_metrics.CYCLE_LAG.set(time.monotonic() - next_cycle)
                    next_cycle = time.monotonic() + conf.evaluator.evaluation_interval
                    timed_cycle(evaluator, signals.poll_if_due,
                                conf.evaluator.cycle_report_file)
                else:
                    signals.poll()
            except Exception:  # the storage may be down: try again shortly
                LOG.exception("evaluation failed")
            stop.wait(SignalPoller.INTERVAL)
    finally:
        if isinstance(partition, HashRing):
            partition.stop()
        evaluator.close()

if __name__ == "__main__":
    sys.exit(main())
