"""The WSGI application for gunicorn/uwsgi: ``alarmapi.wsgi.api:application``.

The config file comes from ``ALARMAPI_CONFIG_FILE`` (default
/etc/alarmapi/alarmapi.conf when it exists).
"""

from __future__ import annotations

import os
from typing import Any

from oslo_log import log

from alarmapi import conf as alarmapi_conf
from alarmapi.api import app
from alarmapi.conf import aodh_compat

DEFAULT_CONFIG = "/etc/alarmapi/alarmapi.conf"


def init_application() -> Any:
    """Build the application from the environment's config file."""
    path = os.environ.get("ALARMAPI_CONFIG_FILE")
    if not path and os.path.exists(DEFAULT_CONFIG):
        path = DEFAULT_CONFIG
    conf = alarmapi_conf.new_config()
    log.register_options(conf)
    alarmapi_conf.parse(conf, ["--config-file", path] if path else [], default_files=[])
    log.setup(conf, "alarmapi")
    aodh_compat.report_start(conf, log.getLogger("alarmapi.conf"), siblings=True)
    return app.load_app(conf)


application = init_application()
