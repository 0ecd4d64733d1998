"""The notifier loop: claim due deliveries, attempt them on a pool of threads, write
their outcomes back in batches.

A delivery is claimed for a lease before any attempt and finished after it, so a crash
anywhere leaves it to be attempted again (at least once, the same idempotency key on
every attempt); nothing is finished before its attempt has ended.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import datetime
import logging
import threading
import time
from collections.abc import Callable

from oslo_config import cfg

from alarmapi import clock, self_metrics
from alarmapi.deliveries import DeliveryStatus, DeliveryUpdate
from alarmapi.notifier.dispatch import Dispatcher, Route
from alarmapi.storage.base import Outbox

LOG = logging.getLogger(__name__)
#: Outcomes are written back at least this often (seconds) while deliveries run.
FLUSH_INTERVAL = 0.05
FLUSH_SIZE = 200


@dataclasses.dataclass
class Totals:
    """What a notifier has done since it started."""

    claimed: int = 0
    delivered: int = 0
    retried: int = 0
    failed: int = 0
    cancelled: int = 0
    silenced: int = 0


class NotifierService:
    """One notifier process's work loop."""

    def __init__(self, conf: cfg.ConfigOpts, outbox: Outbox, dispatcher: Dispatcher,
                 clock: Callable[[], datetime.datetime] = clock.utcnow) -> None:
        self.conf = conf
        self.outbox = outbox
        self.dispatcher = dispatcher
        self.clock = clock
        # Claimed deliveries wait in the pool's queue at most one round of attempts
        # (leases stay far longer), and claims come in chunks, not one by one.
        self.capacity = 2 * conf.notifier.threads
        self.min_claim = max(1, conf.notifier.threads // 2)
        self.pool = concurrent.futures.ThreadPoolExecutor(conf.notifier.threads,
                                                          thread_name_prefix="deliver")
        self.totals = Totals()
        self._unwritten: list[DeliveryUpdate] = []
        self._last_flush = time.monotonic()

    def claim(self, limit: int) -> list[Route]:
        """Claim up to ``limit`` due deliveries and route them."""
        now = self.clock()
        lease = now + datetime.timedelta(seconds=self.conf.notifier.lease)
        deliveries = self.outbox.claim(limit, now, lease)
        self.totals.claimed += len(deliveries)
        return self.dispatcher.routes(deliveries, now)

    def _attempt(self, route: Route) -> DeliveryUpdate:
        outcome = route.attempt()
        return self.dispatcher.settle(route, outcome, self.clock())

    def _count(self, update: DeliveryUpdate) -> None:
        counters = {DeliveryStatus.DELIVERED: "delivered", DeliveryStatus.PENDING: "retried",
                    DeliveryStatus.FAILED: "failed", DeliveryStatus.CANCELLED: "cancelled",
                    DeliveryStatus.SILENCED: "silenced"}
        name = counters[update.status]
        self_metrics.DELIVERIES.labels(name).inc()
        setattr(self.totals, name, getattr(self.totals, name) + 1)
        if update.status is DeliveryStatus.FAILED:
            LOG.warning("delivery %s failed for good: %s", update.id, update.result)

    def flush(self) -> None:
        """Write the finished outcomes back; kept for the next flush if that fails."""
        self._last_flush = time.monotonic()
        if not self._unwritten:
            return
        try:
            written = self.outbox.finish(self._unwritten, self.clock())
        except Exception:  # the database may be down: keep them and try again
            LOG.exception("writing %d delivery outcomes failed", len(self._unwritten))
            return
        if written < len(self._unwritten):
            LOG.warning("%d deliveries were taken over by another notifier after their "
                        "lease ran out", len(self._unwritten) - written)
        self._unwritten = []

    def run_once(self) -> int:
        """Claim, attempt and finish what is due now (for tests and single shots);
        return how many deliveries were attempted."""
        routes = self.claim(self.conf.notifier.batch_size)
        for update in self.pool.map(self._attempt, routes):
            self._count(update)
            self._unwritten.append(update)
        self.flush()
        return len(routes)

    def run(self, stop: threading.Event) -> None:
        """Deliver until ``stop`` is set, then finish the attempts under way."""
        inflight: set[concurrent.futures.Future[DeliveryUpdate]] = set()
        next_claim = 0.0
        poll = self.conf.notifier.poll_interval
        while not stop.is_set() or inflight:
            now = time.monotonic()
            free = self.capacity - len(inflight)
            if not stop.is_set() and now >= next_claim and (free >= self.min_claim
                                                             or not inflight):
                limit = min(free, self.conf.notifier.batch_size)
                try:
                    routes = self.claim(limit)
                except Exception:
                    LOG.exception("claiming deliveries failed")
                    routes = []
                inflight.update(self.pool.submit(self._attempt, r) for r in routes)
                next_claim = now if len(routes) == limit else now + poll
            if inflight:
                done, inflight = concurrent.futures.wait(
                    inflight, timeout=FLUSH_INTERVAL,
                    return_when=concurrent.futures.FIRST_COMPLETED)
                for future in done:
                    update = future.result()
                    self._count(update)
                    self._unwritten.append(update)
            if self._unwritten and (not inflight or len(self._unwritten) >= FLUSH_SIZE
                                    or time.monotonic() - self._last_flush >= FLUSH_INTERVAL):
                self.flush()
            if not inflight:
                stop.wait(max(0.0, min(poll, next_claim - time.monotonic())))
        # A few more tries at shutdown; what still fails is attempted again by the
        # next notifier once the leases run out.
        for _ in range(3):
            self.flush()
            if not self._unwritten:
                break
            time.sleep(1.0)

    def close(self) -> None:
        """Stop the threads."""
        self.pool.shutdown(wait=True)
