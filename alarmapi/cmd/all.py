"""alarmapi-all: the whole service on one config, for a small install.

The schema is upgraded, then the API, the evaluator and the notifier (and the event
listener when a notification transport is configured) run as threads of one process,
so they share one interpreter and one database pool. A component that fails is started
again after a back-off, with a log line. The process itself is a supervised child of a
small parent that starts it again if it dies. SIGTERM or Ctrl-C stops everything.
In production, run the separate daemons and the API under gunicorn instead (README,
"Commands").
"""

from __future__ import annotations

import dataclasses
import logging
import signal
import sys
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from alarmapi.cmd import supervisor
from alarmapi.cmd.fatal import guarded

if TYPE_CHECKING:  # the supervising parent imports no more than it needs
    from alarmapi.storage import Connection

LOG = logging.getLogger(__name__)
#: The child's status when its config cannot be read (sysexits' EX_CONFIG).
EX_CONFIG = 78
#: A child exiting so is not started again: stopped cleanly, bad arguments, bad config.
FINAL = frozenset({0, 2, EX_CONFIG})
JOIN_S = 60.0


@dataclasses.dataclass
class Component:
    """One part of the service: ``run(stop)`` works until ``stop`` is set."""

    name: str
    run: Callable[[threading.Event], None]
    restarts: supervisor.Restarts = dataclasses.field(default_factory=supervisor.Restarts)

    def keep_running(self, stop: threading.Event) -> None:
        """Run, and run again after a failure (or an unasked return) until stopped."""
        while not stop.is_set():
            started = time.monotonic()
            try:
                self.run(stop)
                failure = "returned"
            except Exception as exc:
                LOG.exception("%s failed", self.name)
                failure = f"failed: {type(exc).__name__}: {exc}"
            if stop.is_set():
                return
            lived = time.monotonic() - started
            backoff = self.restarts.after(lived)
            LOG.warning("%s %s after %.1f s; starting it again in %.1f s (restart %d)",
                        self.name, failure, lived, backoff, self.restarts.count)
            stop.wait(backoff)


def _api(conf: Any) -> Callable[[threading.Event], None]:
    from wsgiref import simple_server

    from alarmapi.api import app
    from alarmapi.cmd import api

    def run(stop: threading.Event) -> None:
        server = simple_server.make_server(conf.api.host, conf.api.port, app.load_app(conf),
                                           server_class=api.ThreadingWSGIServer)
        def stopper() -> None:
            stop.wait()
            server.shutdown()

        watcher = threading.Thread(target=stopper, name="api-stopper", daemon=True)
        watcher.start()
        LOG.info("alarmapi API listening on http://%s:%s (auth_mode=%s)", conf.api.host,
                 conf.api.port, conf.api.auth_mode)
        try:
            server.serve_forever()
        finally:
            server.server_close()
    return run


def _evaluator(conf: Any, storage: Connection) -> Callable[[threading.Event], None]:
    from alarmapi.cmd import evaluator

    return lambda stop: evaluator.run(conf, storage, stop)


def _notifier(conf: Any, storage: Connection) -> Callable[[threading.Event], None]:
    from alarmapi.cmd import notifier

    def run(stop: threading.Event) -> None:
        service = notifier.build_service(conf, storage)
        try:
            service.run(stop)
        finally:
            service.close()
    return run


def _listener(conf: Any, storage: Connection) -> Callable[[threading.Event], None]:
    from alarmapi.cmd import listener
    from alarmapi.listener.service import EventHandler

    def run(stop: threading.Event) -> None:
        running = listener.listener(conf, EventHandler(storage))
        running.start()
        LOG.info("listening for events on topic %s", conf.listener.event_alarm_topic)
        stop.wait()
        running.stop()
        running.wait()
    return run


def transport_configured(conf: Any) -> bool:
    """Whether the config files set a notification transport ([oslo_messaging_notifications]
    or [DEFAULT] transport_url): then the listener has a bus to listen to. Read on a
    config of its own, so that oslo.messaging is imported only when it is needed."""
    from oslo_config import cfg

    probe = cfg.ConfigOpts()
    probe.register_opt(cfg.StrOpt("transport_url"))
    probe.register_opt(cfg.StrOpt("transport_url"), group="oslo_messaging_notifications")
    args: list[str] = []
    for path in conf.config_file or []:
        args += ["--config-file", path]
    if conf.config_dir:
        args += ["--config-dir", conf.config_dir]
    probe(args, project="alarmapi", default_config_files=[], default_config_dirs=[])
    return bool(probe.oslo_messaging_notifications.transport_url or probe.transport_url)


def components(conf: Any, storage: Connection) -> list[Component]:
    """The parts this config runs."""
    parts = [Component("api", _api(conf)), Component("evaluator", _evaluator(conf, storage)),
             Component("notifier", _notifier(conf, storage))]
    if transport_configured(conf):
        parts.append(Component("listener", _listener(conf, storage)))
    return parts


def serve(conf: Any, stop: threading.Event) -> int:
    """Upgrade the schema, run every component until ``stop`` is set, then stop them."""
    from alarmapi.storage import get_connection

    storage = get_connection(conf.database.connection)
    storage.upgrade()
    parts = components(conf, storage)
    threads = [threading.Thread(target=part.keep_running, args=(stop,), name=part.name)
               for part in parts]
    for thread in threads:
        thread.start()
    LOG.info("alarmapi-all running: %s", ", ".join(part.name for part in parts))
    print(f"alarmapi-all running {', '.join(p.name for p in parts)}; API on "
          f"http://{conf.api.host}:{conf.api.port} (auth_mode={conf.api.auth_mode})",
          flush=True)
    stop.wait()
    deadline = time.monotonic() + JOIN_S
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
        if thread.is_alive():
            LOG.warning("%s did not stop within %.0f s", thread.name, JOIN_S)
    storage.dispose()
    LOG.info("alarmapi-all stopped")
    return 0


def child(argv: list[str] | None) -> int:
    """The service itself (the supervised child)."""
    from oslo_config import cfg

    from alarmapi import conf as alarmapi_conf
    from alarmapi.cmd import daemon

    try:
        conf = alarmapi_conf.for_command(argv)
    except cfg.Error as exc:
        print(f"alarmapi-all: {exc}", file=sys.stderr)
        return EX_CONFIG
    return serve(conf, daemon.stop_event(conf, "stopping every component"))


@guarded
def main(argv: list[str] | None = None) -> int:
    """The supervising parent (stdlib only, so it stays small), or as its child the
    service itself."""
    if supervisor.is_child():
        return child(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(process)d %(levelname)s "
                        "%(name)s [-] %(message)s")
    stop = threading.Event()

    def on_stop(signum: int, _frame: Any) -> None:
        LOG.info("signal %d: stopping alarmapi-all", signum)
        stop.set()

    service = supervisor.Child("alarmapi-all", supervisor.module_argv("alarmapi.cmd.all", argv))

    def on_reload(_signum: int, _frame: Any) -> None:  # the child re-reads its config
        if service.process is not None:
            service.process.send_signal(signal.SIGHUP)

    signal.signal(signal.SIGTERM, on_stop)
    signal.signal(signal.SIGINT, on_stop)
    signal.signal(signal.SIGHUP, on_reload)
    return supervisor.Supervisor([service], final_codes=FINAL).run(stop)

if __name__ == "__main__":
    sys.exit(main())
