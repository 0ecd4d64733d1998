"""[octavia] options: where the Octavia of loadbalancer_member_health alarms is."""

from alarmapi.conf.backend import backend_opts

GROUP = "octavia"

OPTS = backend_opts(
    "Octavia",
    "Base URL of the Octavia API (for example http://127.0.0.1:9876). With "
    "[service_credentials] set, the requests carry the service user's token and, "
    "when this is unset, the endpoint of service type 'load-balancer' is taken from "
    "the catalog, as Aodh does.",
    "each pool's members once per cycle")
