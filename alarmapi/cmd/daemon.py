"""What the long-running commands share: stop on SIGTERM/SIGINT, reload on SIGHUP."""

from __future__ import annotations

import signal
import threading
from typing import Any

from oslo_config import cfg
from oslo_log import log

LOG = log.getLogger(__name__)


def stop_event(conf: cfg.ConfigOpts, stopping: str) -> threading.Event:
    """An event set by SIGTERM or SIGINT (logging ``stopping``); SIGHUP re-reads the
    config files."""
    stop = threading.Event()

    def on_stop(signum: int, _frame: Any) -> None:
        LOG.info("signal %d: %s", signum, stopping)
        stop.set()

    def on_reload(_signum: int, _frame: Any) -> None:
        conf.reload_config_files()
        LOG.info("configuration reloaded")

    signal.signal(signal.SIGTERM, on_stop)
    signal.signal(signal.SIGINT, on_stop)
    signal.signal(signal.SIGHUP, on_reload)
    return stop
