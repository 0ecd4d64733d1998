"""[DEFAULT] options, named as Aodh names them."""

from oslo_config import cfg

GROUP = "DEFAULT"

OPTS = [
    cfg.StrOpt(
        "prometheus_project_label_name",
        default="project",
        help="The Prometheus label holding the project of a series: a prometheus alarm "
        "of a project reads only the series whose label is that project.",
    ),
    cfg.IntOpt(
        "member_creation_time",
        default=120,
        min=0,
        help="Seconds a new load balancer member is given to come up: younger members "
        "in ERROR do not count as unhealthy.",
    ),
]
