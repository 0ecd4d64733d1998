"""[prometheus] options: where the Prometheus (or Aetos) of prometheus alarms is."""

from oslo_config import cfg

from alarmapi.conf.backend import backend_opts

GROUP = "prometheus"

OPTS = [
    *backend_opts(
        "Prometheus",
        "Base URL of the Prometheus HTTP API (for example http://127.0.0.1:9090; "
        "the queries go to <endpoint>/api/v1/query). With [service_credentials] set, "
        "the requests carry the service user's token and, when this is unset, the "
        "endpoint of service type 'metric-storage' (Aetos) is taken from the catalog. "
        "Without either, Aodh's environment variables PROMETHEUS_HOST and "
        "PROMETHEUS_PORT (and PROMETHEUS_CA_CERT, PROMETHEUS_ROOT_PATH) are used.",
        "each distinct scoped query of a cycle once"),
    cfg.StrOpt("ca_cert", help="CA bundle to verify an https endpoint with."),
]
