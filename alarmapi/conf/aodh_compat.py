"""Aodh 23 options alarmapi reads but does not act on, so that an ``aodh.conf`` works
as it is: each one set to other than Aodh's default is logged once at start, saying
why it does not apply and what does. (Aodh options that mean something here are
alarmapi's own options, under Aodh's group and name or as deprecated names.)"""

from __future__ import annotations

import logging
import os
import tempfile

from oslo_config import cfg

#: Set in the environment once a process reported the configuration at start: the
#: processes it starts (supervised workers, alarmapi-all's daemons) do not repeat it.
REPORTED_ENV = "ALARMAPI_START_REPORTED"

#: group -> [(option, why it is ignored)]
IGNORED: dict[str, list[tuple[cfg.Opt, str]]] = {
    "DEFAULT": [
        (cfg.BoolOpt("record_history", default=True),
         "every change is always recorded in the alarm history"),
        (cfg.IntOpt("event_alarm_cache_ttl", default=60),
         "the listener keeps no alarm cache: every API write counts for the next event"),
        (cfg.BoolOpt("prometheus_disable_rbac", default=False),
         "a prometheus query of a project's alarm is always scoped to that project"),
        (cfg.IntOpt("rest_notifier_max_retries", default=0),
         "deliveries are retried with back-off up to [notifier] max_attempts"),
        (cfg.StrOpt("notifier_topic", default="alarming"),
         "notifications go through the database outbox, not the message bus"),
    ],
    "api": [
        (cfg.StrOpt("gnocchi_external_project_owner", default="service"),
         "a gnocchi rule's resource must be the caller's project's (its project_id, "
         "else the project that created it)"),
        (cfg.StrOpt("gnocchi_external_domain_name", default="Default"),
         "a gnocchi rule's resource must be the caller's project's (its project_id, "
         "else the project that created it)"),
    ],
    "coordination": [
        (cfg.FloatOpt("heartbeat_interval", default=1.0),
         "tooz heartbeats follow [evaluator] coordination_url's own settings"),
        (cfg.IntOpt("retry_backoff", default=1),
         "the evaluator retries joining its group every cycle"),
        (cfg.IntOpt("max_retry_interval", default=30),
         "the evaluator retries joining its group every cycle"),
    ],
    "notifier": [
        (cfg.IntOpt("batch_timeout"),
         "deliveries are claimed from the outbox as soon as they are due"),
    ],
    "service_types": [
        (cfg.StrOpt("zaqar", default="messaging"), "there is no zaqar:// notifier"),
    ],
}


def register(conf: cfg.ConfigOpts) -> None:
    """Register the ignored options (an aodh.conf naming them then parses as it is)."""
    for group, options in IGNORED.items():
        conf.register_opts([option for option, _ in options],
                           group=None if group == "DEFAULT" else group)


def set_but_ignored(conf: cfg.ConfigOpts) -> list[str]:
    """One line for each ignored option set to other than Aodh's default."""
    lines = []
    for group, options in IGNORED.items():
        section = conf if group == "DEFAULT" else conf[group]
        for option, why in options:
            value = section[option.dest]
            if value != option.default:
                lines.append(f"[{group}] {option.name} = {value!r} is ignored: {why}")
    return lines


def log_ignored(conf: cfg.ConfigOpts, log: logging.Logger | logging.LoggerAdapter) -> None:
    """Log each ignored option that is set, once (at start)."""
    for line in set_but_ignored(conf):
        log.warning("%s", line)


def report_start(conf: cfg.ConfigOpts, log: logging.Logger | logging.LoggerAdapter,
                 siblings: bool = False) -> bool:
    """Log, once per deployment start, the ignored Aodh options that are set and how
    [service_credentials] is used; a process started by one that reported says nothing.
    With ``siblings`` (a WSGI server's workers, forked side by side by one master) only
    the first worker of that master reports. Return whether this process reported."""
    if os.environ.get(REPORTED_ENV) or (siblings and not _first_of_siblings()):
        return False
    from alarmapi import service_auth

    log_ignored(conf, log)
    log.info("%s", service_auth.described(conf))
    os.environ[REPORTED_ENV] = "1"
    return True


def _first_of_siblings() -> bool:
    """Whether this is the first process of its parent to ask (a marker file named by
    the parent's pid, created atomically; a later deployment has another master)."""
    marker = os.path.join(tempfile.gettempdir(), f"alarmapi-start-report-{os.getppid()}")
    try:
        os.close(os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        return False
    except OSError:  # no writable temporary directory: report, as a lone process does
        return True
    return True
