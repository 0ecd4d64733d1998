"""[self_metrics] options: where a daemon serves its own Prometheus metrics."""

from oslo_config import cfg

GROUP = "self_metrics"

OPTS = [
    cfg.PortOpt("port", default=0,
                help="Port on which alarmapi-evaluator, -notifier and -listener each serve "
                     "their metrics in Prometheus exposition (0: not served; the API serves "
                     "/metrics always, and sums every process's metrics when "
                     "PROMETHEUS_MULTIPROC_DIR is set for all of them)."),
    cfg.HostAddressOpt("host", default="127.0.0.1",
                       help="Address the daemons' metrics are served on."),
]
