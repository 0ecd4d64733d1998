"""alarmapi-api: a development server of the API (use gunicorn or uwsgi in production)."""

from __future__ import annotations

import socketserver
import sys
from wsgiref import simple_server

from oslo_config import cfg
from oslo_log import log

from alarmapi import conf as alarmapi_conf
from alarmapi.api import app
from alarmapi.cmd.fatal import guarded
from alarmapi.conf import aodh_compat

LOG = log.getLogger(__name__)

CLI_OPTS = [
    cfg.HostAddressOpt("host", help="Address to bind (overrides [api] host)."),
    cfg.PortOpt("port", help="Port to listen on (overrides [api] port)."),
]


class ThreadingWSGIServer(socketserver.ThreadingMixIn, simple_server.WSGIServer):
    """wsgiref's server, one thread per request."""

    daemon_threads = True


@guarded
def main(argv: list[str] | None = None) -> int:
    """Upgrade nothing, just serve: run alarmapi-dbsync first."""
    conf = alarmapi_conf.new_config()
    conf.register_cli_opts(CLI_OPTS)
    log.register_options(conf)
    alarmapi_conf.parse(conf, sys.argv[1:] if argv is None else argv)
    log.setup(conf, "alarmapi")
    aodh_compat.report_start(conf, log.getLogger("alarmapi.conf"))
    host = conf.host or conf.api.host
    port = conf.port or conf.api.port
    application = app.load_app(conf)
    server = simple_server.make_server(host, port, application, server_class=ThreadingWSGIServer)
    LOG.info("alarmapi API listening on http://%s:%s (auth_mode=%s)", host, port,
             conf.api.auth_mode)
    print(f"alarmapi API listening on http://{host}:{port} (auth_mode={conf.api.auth_mode})",
          flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
