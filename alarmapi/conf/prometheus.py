"""[prometheus] options: where the Prometheus (or Aetos) of prometheus alarms is."""

from oslo_config import cfg

GROUP = "prometheus"

OPTS = [
    cfg.URIOpt(
        "endpoint",
        schemes=["http", "https"],
        help="Base URL of the Prometheus HTTP API (for example http://127.0.0.1:9090; "
        "the queries go to <endpoint>/api/v1/query). With [service_credentials] set, "
        "the requests carry the service user's token and, when this is unset, the "
        "endpoint of service type 'metric-storage' (Aetos) is taken from the catalog. "
        "Without either, Aodh's environment variables PROMETHEUS_HOST and "
        "PROMETHEUS_PORT (and PROMETHEUS_CA_CERT, PROMETHEUS_ROOT_PATH) are used.",
    ),
    cfg.FloatOpt("timeout", default=10.0, min=0.1, max=300,
                 help="Seconds before a Prometheus query fails."),
    cfg.IntOpt("parallel_requests", default=8, min=1, max=64,
               help="Prometheus queries the evaluator sends at the same time (each "
               "distinct scoped query of a cycle once)."),
    cfg.StrOpt("ca_cert", help="CA bundle to verify an https endpoint with."),
]
