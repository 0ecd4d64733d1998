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
]
