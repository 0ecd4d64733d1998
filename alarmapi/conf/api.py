"""[api] options of the API service."""

from oslo_config import cfg

GROUP = "api"

OPTS = [
    cfg.StrOpt(
        "auth_mode",
        default="keystone",
        choices=[("keystone", "keystonemiddleware's auth_token"), ("noauth", "identity headers")],
        help="How callers are authenticated. noauth trusts the X-User-Id, X-Project-Id "
        "and X-Roles headers and must only be used behind a trusted proxy or in tests.",
    ),
    cfg.StrOpt(
        "paste_config",
        default="api-paste.ini",
        help="The paste deploy file of the WSGI pipeline; a relative name is looked up "
        "in the config directories, then in the package.",
    ),
    cfg.HostAddressOpt("host", default="127.0.0.1", help="Address the development server binds."),
    cfg.PortOpt("port", default=8042, help="Port the development server listens on."),
    cfg.IntOpt(
        "user_alarm_quota",
        default=-1,
        min=-1,
        help="Maximum number of alarms a user may own; -1 means no limit.",
    ),
    cfg.IntOpt(
        "project_alarm_quota",
        default=-1,
        min=-1,
        help="Maximum number of alarms a project may own unless a quota set through "
        "/v2/quotas says otherwise; -1 means no limit.",
    ),
    cfg.IntOpt(
        "alarm_max_actions",
        default=-1,
        min=-1,
        help="Maximum count of actions for each state of an alarm; -1 means no limit.",
    ),
    cfg.IntOpt(
        "default_api_return_limit",
        default=0,
        min=0,
        help="Number of alarms a list returns when the request gives no limit; "
        "0 returns every alarm, as Aodh does.",
    ),
    cfg.IntOpt(
        "max_request_body_size",
        default=1_048_576,
        min=1024,
        max=1_073_741_824,
        help="Largest request body accepted, in bytes; a larger one is answered 413.",
    ),
    cfg.BoolOpt(
        "enable_evaluation_results_metrics",
        default=False,
        deprecated_group="DEFAULT",
        help="Serve GET /v2/metrics (Aodh's evaluation-result counters; Aodh reads it "
        "from [DEFAULT], which works too).",
    ),
]
