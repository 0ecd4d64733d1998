"""[octavia] options: where the Octavia of loadbalancer_member_health alarms is."""

from oslo_config import cfg

GROUP = "octavia"

OPTS = [
    cfg.URIOpt(
        "endpoint",
        schemes=["http", "https"],
        help="Base URL of the Octavia API (for example http://127.0.0.1:9876). With "
        "[service_credentials] set, the requests carry the service user's token and, "
        "when this is unset, the endpoint of service type 'load-balancer' is taken from "
        "the catalog, as Aodh does.",
    ),
    cfg.FloatOpt("timeout", default=10.0, min=0.1, max=300,
                 help="Seconds before an Octavia call fails."),
    cfg.IntOpt("parallel_requests", default=8, min=1, max=64,
               help="Octavia requests the evaluator sends at the same time (each pool's "
               "members once per cycle)."),
]
