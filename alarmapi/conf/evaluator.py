"""[evaluator] options."""

from oslo_config import cfg

GROUP = "evaluator"

OPTS = [
    cfg.IntOpt("evaluation_interval", default=60, min=1,
               help="Seconds between two evaluation cycles."),
    cfg.IntOpt("additional_ingestion_lag", default=0, min=0,
               help="Seconds the evaluation window ends before now, so that late "
               "measurements are in when a period is judged."),
    cfg.IntOpt("batch_size", default=500, min=1, max=10000,
               help="Alarms read and evaluated together."),
]
