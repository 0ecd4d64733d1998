"""Policy rules and their defaults (Aodh 23's "new defaults" personas)."""

from __future__ import annotations

from oslo_config import cfg
from oslo_policy import policy

ADMIN = "rule:context_is_admin"
READER_OR_ADMIN = "rule:project_reader_or_admin"
MEMBER_OR_ADMIN = "rule:project_member_or_admin"


def _api(name: str, check: str, description: str, method: str, path: str) -> policy.RuleDefault:
    return policy.DocumentedRuleDefault(
        name=f"telemetry:{name}",
        check_str=check,
        scope_types=["project"],
        description=description,
        operations=[{"path": path, "method": method}],
    )


_RULES = [
    policy.RuleDefault("context_is_admin", "role:admin", description="Who is an admin."),
    policy.RuleDefault("segregation", ADMIN, description="Who sees every project."),
    policy.RuleDefault(
        "admin_or_owner", "rule:context_is_admin or project_id:%(project_id)s",
        description="An admin or a caller of the target's project.",
    ),
    policy.RuleDefault("default", "rule:admin_or_owner", description="Rules without a default."),
    policy.RuleDefault(
        "project_reader", "role:reader and project_id:%(project_id)s",
        description="Read-only calls within one's project.",
    ),
    policy.RuleDefault(
        "project_member", "role:member and project_id:%(project_id)s",
        description="Writing calls within one's project.",
    ),
    policy.RuleDefault(
        "project_member_or_admin", "rule:project_member or rule:context_is_admin",
        description="A project member or an admin.",
    ),
    policy.RuleDefault(
        "project_reader_or_admin", "rule:project_reader or rule:context_is_admin",
        description="A project reader or an admin.",
    ),
    _api("get_alarm", READER_OR_ADMIN, "Get an alarm.", "GET", "/v2/alarms/{alarm_id}"),
    _api("get_alarms", READER_OR_ADMIN, "List alarms.", "GET", "/v2/alarms"),
    _api("get_alarms:all_projects", ADMIN, "List the alarms of all projects.", "GET",
         "/v2/alarms"),
    _api("query_alarm", READER_OR_ADMIN, "Query alarms.", "POST", "/v2/query/alarms"),
    _api("create_alarm", MEMBER_OR_ADMIN, "Create an alarm.", "POST", "/v2/alarms"),
    _api("change_alarm", MEMBER_OR_ADMIN, "Replace an alarm.", "PUT", "/v2/alarms/{alarm_id}"),
    _api("delete_alarm", MEMBER_OR_ADMIN, "Delete an alarm.", "DELETE",
         "/v2/alarms/{alarm_id}"),
    _api("get_alarm_state", READER_OR_ADMIN, "Get an alarm's state.", "GET",
         "/v2/alarms/{alarm_id}/state"),
    _api("change_alarm_state", MEMBER_OR_ADMIN, "Set an alarm's state.", "PUT",
         "/v2/alarms/{alarm_id}/state"),
    _api("alarm_history", READER_OR_ADMIN, "Get an alarm's history.", "GET",
         "/v2/alarms/{alarm_id}/history"),
    _api("query_alarm_history", READER_OR_ADMIN, "Query alarm history.", "POST",
         "/v2/query/alarms/history"),
    _api("get_quotas", READER_OR_ADMIN, "Get a project's quotas.", "GET", "/v2/quotas"),
    _api("update_quotas", ADMIN, "Set a project's quotas.", "POST", "/v2/quotas"),
    _api("delete_quotas", ADMIN, "Delete a project's quotas.", "DELETE",
         "/v2/quotas/{project_id}"),
    _api("get_metrics", READER_OR_ADMIN, "Get evaluation-result metrics.", "GET",
         "/v2/metrics"),
    _api("get_metrics:all_projects", ADMIN, "Get the metrics of all projects.", "GET",
         "/v2/metrics"),
    _api("metric_store:post", MEMBER_OR_ADMIN, "Post measurements.", "POST", "/v2.0/metrics"),
    _api("metric_store:post_for_tenant", ADMIN, "Post measurements for another tenant.",
         "POST", "/v2.0/metrics"),
    _api("metric_store:get", READER_OR_ADMIN, "Read metrics, measurements and statistics.",
         "GET", "/v2.0/metrics"),
    _api("metric_store:get_for_tenant", ADMIN, "Read another tenant's metrics.", "GET",
         "/v2.0/metrics"),
    _api("notification_methods:get", READER_OR_ADMIN, "List or show notification methods.",
         "GET", "/v2.0/notification-methods"),
    _api("notification_methods:create", MEMBER_OR_ADMIN, "Create a notification method.",
         "POST", "/v2.0/notification-methods"),
    _api("notification_methods:update", MEMBER_OR_ADMIN, "Replace or patch a notification "
         "method.", "PUT", "/v2.0/notification-methods/{notification_method_id}"),
    _api("notification_methods:delete", MEMBER_OR_ADMIN, "Delete a notification method.",
         "DELETE", "/v2.0/notification-methods/{notification_method_id}"),
    _api("silences:get", READER_OR_ADMIN, "List or show silences.", "GET", "/v2/silences"),
    _api("silences:create", MEMBER_OR_ADMIN, "Create a silence.", "POST", "/v2/silences"),
    _api("silences:delete", MEMBER_OR_ADMIN, "Expire a silence.", "DELETE",
         "/v2/silences/{silence_id}"),
    _api("alarm_deliveries", READER_OR_ADMIN, "Get the deliveries of an alarm's "
         "notifications.", "GET", "/v2/alarms/{alarm_id}/deliveries"),
    _api("backtest_alarm", READER_OR_ADMIN, "Backtest an alarm, saved or not (nothing is "
         "sent or written).", "POST", "/v2/alarms/{alarm_id}/backtest"),
]


def list_rules() -> list[policy.RuleDefault]:
    """Every policy rule with its default (for oslopolicy-sample-generator)."""
    return list(_RULES)


def init(conf: cfg.ConfigOpts) -> policy.Enforcer:
    """An enforcer with alarmapi's defaults registered."""
    enforcer = policy.Enforcer(conf, default_rule="default")
    enforcer.suppress_default_change_warnings = True
    enforcer.register_defaults(list_rules())
    return enforcer


def get_enforcer() -> policy.Enforcer:
    """The enforcer oslopolicy-* commands use."""
    conf = cfg.ConfigOpts()
    conf([], project="alarmapi")
    return init(conf)
