"""[evaluator] options."""

from oslo_config import cfg

GROUP = "evaluator"

OPTS = [
    cfg.IntOpt("evaluation_interval", default=60, min=1, deprecated_group="DEFAULT",
               help="Seconds between two evaluation cycles."),
    cfg.IntOpt("additional_ingestion_lag", default=0, min=0, deprecated_group="DEFAULT",
               help="Seconds the evaluation window ends before now, so that late "
               "measurements are in when a period is judged (Aodh reads it from "
               "[DEFAULT], which works too)."),
    cfg.IntOpt("workers", default=1, min=1, max=64,
               help="Evaluator processes alarmapi-evaluator runs and supervises (as "
               "Aodh's workers); above one they need coordination_url to share the "
               "alarms."),
    cfg.IntOpt("batch_size", default=500, min=1, max=10000,
               help="Alarms read and evaluated together."),
    cfg.StrOpt("cycle_report_file",
               help="Append one JSON line per evaluation cycle to this file (start, end, "
               "wall_s, cpu_s, alarms evaluated, skipped, transitions, failed, lost_races, "
               "source_errors, and <source>_requests for every data source: store, gnocchi, "
               "prometheus, octavia, events, ...), "
               "for capacity planning. Unset: cycles are only logged."),
    cfg.StrOpt("coordination_url", secret=True,
               deprecated_opts=[cfg.DeprecatedOpt("backend_url", group="coordination")],
               help="tooz backend URL (for example redis://127.0.0.1:6379?timeout=10) "
               "shared by several evaluators, which split the alarms on a hash ring and "
               "take over a dead member's share. Unset: one evaluator takes every alarm. "
               "Aodh's [coordination] backend_url works too."),
]
