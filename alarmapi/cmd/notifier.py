"""alarmapi-notifier: deliver the actions of alarm transitions.

Several may run against one PostgreSQL or MariaDB database; they share the work.
SIGTERM/SIGINT stop it after the attempts under way; SIGHUP re-reads the config files.
"""

from __future__ import annotations

import datetime
import sys
from collections.abc import Callable
from typing import Any

from oslo_log import log

import alarmapi
from alarmapi import conf as alarmapi_conf
from alarmapi import destinations, self_metrics
from alarmapi.clock import utcnow
from alarmapi.cmd import daemon, supervisor
from alarmapi.cmd.fatal import guarded
from alarmapi.notifier.dispatch import Dispatcher, load_notifiers
from alarmapi.notifier.http_client import HTTPClient, TLSOptions
from alarmapi.notifier.mute import SilenceMuter
from alarmapi.notifier.service import NotifierService
from alarmapi.storage import Connection, get_connection

LOG = log.getLogger(__name__)


def build_http_client(conf: Any) -> HTTPClient:
    """The HTTP client the [notifier] options describe."""
    opts = conf.notifier
    tls = TLSOptions(verify=opts.rest_notifier_ssl_verify,
                     ca_bundle=opts.rest_notifier_ca_bundle_certificate_path,
                     cert_file=opts.rest_notifier_certificate_file or None,
                     key_file=opts.rest_notifier_certificate_key or None)
    return HTTPClient(opts.rest_notifier_timeout, destinations.parse_networks(
        opts.denied_networks), tls, pool_size=opts.threads,
        user_agent=f"alarmapi-notifier/{alarmapi.__version__}")


def build_service(conf: Any, storage: Connection | None = None,
                  clock: Callable[[], datetime.datetime] = utcnow) -> NotifierService:
    """A notifier with every installed plugin, on ``storage`` (default: the configured
    database)."""
    storage = storage or get_connection(conf.database.connection)
    notifiers = load_notifiers(conf, build_http_client(conf), clock)
    return NotifierService(conf, storage.outbox,
                           Dispatcher(conf, notifiers, storage.methods.get_many,
                                      muter=SilenceMuter(storage.silences.active)), clock)


@guarded
def main(argv: list[str] | None = None) -> int:
    """Deliver until stopped."""
    conf = alarmapi_conf.for_command(argv)
    supervised = supervisor.run_workers(conf, conf.notifier.workers, "alarmapi.cmd.notifier",
                                        "notifier", argv)
    if supervised is not None:
        return supervised
    self_metrics.serve(conf)
    service = build_service(conf)

    stop = daemon.stop_event(conf, "stopping after the deliveries under way")
    LOG.info("notifier started with %d delivery threads", conf.notifier.threads)
    service.run(stop)
    service.close()
    LOG.info("notifier stopped: %s", service.totals)
    return 0


if __name__ == "__main__":
    sys.exit(main())
