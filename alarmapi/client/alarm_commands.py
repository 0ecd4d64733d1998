"""The ``alarmapi`` alarm subcommands: the seed's expression alarms, every other rule type
through explicit options (as python-aodhclient offers them), state, history."""

from __future__ import annotations

import argparse
import json
import pathlib
from typing import Any

from alarmapi.client import exc
from alarmapi.client import formatting as fmt
from alarmapi.client.client import V2Client
from alarmapi.client.commands import (
    DIMENSIONS_HELP,
    SEVERITIES,
    STATES,
    action_options,
    arg,
    command,
    details,
    dimensions,
    flag,
    listing,
    word,
)

AODH_SEVERITIES = {"LOW": "low", "MEDIUM": "moderate", "MODERATE": "moderate",
                   "HIGH": "critical", "CRITICAL": "critical"}
SHOW_FORMATTERS: dict[str, fmt.Formatter] = {
    "name": fmt.json_formatter, "id": fmt.json_formatter, "expression": fmt.json_formatter,
    "expression_data": fmt.format_expression_data, "state": fmt.json_formatter,
    "actions_enabled": fmt.json_formatter, "alarm_actions": fmt.json_formatter,
    "ok_actions": fmt.json_formatter, "severity": fmt.json_formatter,
    "undetermined_actions": fmt.json_formatter, "description": fmt.json_formatter,
    "links": fmt.format_dictlist,
}


def _actions(args: argparse.Namespace) -> dict[str, list[str]]:
    return {field: getattr(args, field) for field in
            ("alarm_actions", "ok_actions", "undetermined_actions")
            if getattr(args, field)}


def _json_value(text: str) -> Any:
    """JSON given inline, or @path to a file holding it."""
    if text.startswith("@"):
        text = pathlib.Path(text[1:]).read_text()
    try:
        return json.loads(text)
    except ValueError as error:
        raise exc.CommandError(f"not valid JSON: {error}") from error


def _query(text: str) -> list[dict[str, str]]:
    """aodhclient's query: ``field=value;field2>=value2`` (op among = != < <= > >=)."""
    ops = (("<=", "le"), (">=", "ge"), ("!=", "ne"), ("=", "eq"), ("<", "lt"), (">", "gt"))
    items = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        for symbol, op in ops:
            field, sep, value = part.partition(symbol)
            if sep:
                items.append({"field": field.strip(), "op": op, "value": value.strip()})
                break
        else:
            raise exc.CommandError(f"query item {part!r} has no operator")
    return items


def _constraint(text: str) -> dict[str, Any]:
    """``name=x;start=0 11 * * *;duration=300[;timezone=..;description=..]``."""
    found: dict[str, Any] = {}
    for part in filter(None, (p.strip() for p in text.split(";"))):
        key, sep, value = part.partition("=")
        if not sep:
            raise exc.CommandError(f"time constraint item {part!r} is not key=value")
        found[key.strip()] = int(value) if key.strip() == "duration" else value.strip()
    return found


def _given(args: argparse.Namespace, *pairs: tuple[str, str]) -> dict[str, Any]:
    """The rule fields whose options were given: (option dest, rule key) pairs."""
    return {key: getattr(args, dest) for dest, key in pairs if getattr(args, dest) is not None}


def _compared(args: argparse.Namespace) -> dict[str, Any]:
    return _given(args, ("threshold", "threshold"),
                  ("comparison_operator", "comparison_operator"),
                  ("evaluation_periods", "evaluation_periods"))


def _threshold_rule(args: argparse.Namespace) -> dict[str, Any]:
    rule = {**_compared(args), **_given(args, ("meter_name", "meter_name"),
                                         ("period", "period"), ("statistic", "statistic"))}
    if args.query:
        rule["query"] = _query(args.query)
    return rule


def _gnocchi_rule(args: argparse.Namespace) -> dict[str, Any]:
    rule = {**_compared(args), **_given(
        args, ("granularity", "granularity"), ("aggregation_method", "aggregation_method"),
        ("resource_type", "resource_type"), ("resource_id", "resource_id"))}
    if args.metric:
        if args.type == "gnocchi_aggregation_by_metrics_threshold":
            rule["metrics"] = args.metric
        else:
            rule["metric"] = args.metric[0]
    if args.query:
        rule["query"] = args.query  # Gnocchi's search, as JSON text
    return rule


def _prometheus_rule(args: argparse.Namespace) -> dict[str, Any]:
    rule = _given(args, ("threshold", "threshold"),
                  ("comparison_operator", "comparison_operator"))
    if args.query:
        rule["query"] = args.query  # PromQL
    return rule


def _event_rule(args: argparse.Namespace) -> dict[str, Any]:
    rule = _given(args, ("event_type", "event_type"))
    if args.query:
        rule["query"] = _query(args.query)
    return rule


def _loadbalancer_rule(args: argparse.Namespace) -> dict[str, Any]:
    return _given(args, ("pool_id", "pool_id"), ("stack_id", "stack_id"),
                  ("autoscaling_group_id", "autoscaling_group_id"))


def _composite_rule(args: argparse.Namespace) -> dict[str, Any]:
    if not args.composite_rule:
        raise exc.CommandError("--composite-rule is required for a composite alarm")
    return dict(_json_value(args.composite_rule))


#: How alarm-create --type builds each type's rule from its options.
RULES = {
    "threshold": _threshold_rule,
    "gnocchi_resources_threshold": _gnocchi_rule,
    "gnocchi_aggregation_by_metrics_threshold": _gnocchi_rule,
    "gnocchi_aggregation_by_resources_threshold": _gnocchi_rule,
    "composite": _composite_rule,
    "event": _event_rule,
    "prometheus": _prometheus_rule,
    "loadbalancer_member_health": _loadbalancer_rule,
}
#: Every rule type alarm-create --type takes (every type the API serves).
RULE_TYPES = tuple(RULES)


def _rule(args: argparse.Namespace) -> dict[str, Any]:
    """The <type>_rule of a typed alarm-create from its options."""
    return RULES[args.type](args)


@arg("name", metavar="<ALARM_NAME>", help="Name of the alarm to create.")
@arg("expression", metavar="<EXPRESSION>", nargs="?",
     help="The alarm expression to evaluate. Quoted. Without it, --type and that "
          "type's options describe the rule.")
@arg("--description", metavar="<DESCRIPTION>", help="Description of the alarm.")
@arg("--severity", metavar="<SEVERITY>", help="Severity is one of [LOW, MEDIUM, HIGH, CRITICAL].")
@action_options
@arg("--actions-enabled", metavar="<ACTIONS-ENABLED>", help="true or false")
@arg("--type", choices=RULE_TYPES, help="The rule type when no expression is given.")
@arg("--state", metavar="<STATE>", help="The initial state [UNDETERMINED, ALARM, OK].")
@arg("--disabled", action="store_true", help="Create the alarm disabled (not evaluated).")
@arg("--repeat-actions", action="store_true", help="Notify on every evaluation in alarm.")
@arg("--time-constraint", action="append", metavar="<CONSTRAINT>",
     help="name=..;start=<cron>;duration=<seconds>[;timezone=..;description=..]. Repeatable.")
@arg("--threshold", type=float, help="Threshold to compare with.")
@arg("--comparison-operator", choices=("lt", "le", "eq", "ne", "ge", "gt"))
@arg("--evaluation-periods", type=int, help="Number of periods to evaluate over.")
@arg("--meter-name", help="threshold: the metric name in alarmapi's metric store.")
@arg("--period", type=int, help="threshold: length of each period, in seconds.")
@arg("--statistic", choices=("max", "min", "avg", "sum", "count", "last"))
@arg("--query", help="threshold: field=value;... (dimensions); event: field=value;... "
                     "(traits); prometheus: the PromQL query; gnocchi_aggregation_by_"
                     "resources_threshold: Gnocchi's search as JSON.")
@arg("--granularity", type=int, help="gnocchi_*: the archive granularity in seconds.")
@arg("--aggregation-method", help="gnocchi_*: mean, max, rate:mean ...")
@arg("--metric", action="append", help="gnocchi_*: metric name or id (repeatable for "
                                       "gnocchi_aggregation_by_metrics_threshold).")
@arg("--resource-type", help="gnocchi_*: the resource type.")
@arg("--resource-id", help="gnocchi_resources_threshold: the resource id.")
@arg("--composite-rule", metavar="<JSON or @FILE>", help="composite: the and/or tree.")
@arg("--event-type", help="event: the event type (a shell pattern, * by default).")
@arg("--pool-id", help="loadbalancer_member_health: the Octavia pool.")
@arg("--stack-id", help="loadbalancer_member_health: the Heat stack.")
@arg("--autoscaling-group-id", help="loadbalancer_member_health: the autoscaling group.")
@command("alarm-create")
def do_alarm_create(c: V2Client, args: argparse.Namespace) -> None:
    """Create alarm."""
    severity = word(args.severity, SEVERITIES + ("MODERATE",), "severity")
    state = word(args.state, STATES, "state")
    if args.expression is not None:
        fields: dict[str, Any] = {**_actions(args)}
        if args.description:
            fields["description"] = args.description
        if severity:
            fields["severity"] = "MEDIUM" if severity == "MODERATE" else severity
        if state:
            fields["state"] = state
        if args.actions_enabled is not None:
            fields["actions_enabled"] = flag(args.actions_enabled)
        return fmt.dump(c.expression_alarms.create(args.name, args.expression, **fields))
    if not args.type:
        raise exc.CommandError("give an EXPRESSION, or --type and that type's options")
    body: dict[str, Any] = {
        "name": args.name, "type": args.type, f"{args.type}_rule": _rule(args),
        "enabled": not args.disabled, "repeat_actions": args.repeat_actions,
        "alarm_actions": args.alarm_actions or [], "ok_actions": args.ok_actions or [],
        "insufficient_data_actions": args.undetermined_actions or [],
        "time_constraints": [_constraint(t) for t in args.time_constraint or []]}
    if args.description:
        body["description"] = args.description
    if severity:
        body["severity"] = AODH_SEVERITIES[severity]
    if state:
        body["state"] = {"UNDETERMINED": "insufficient data"}.get(state, state.lower())
    fmt.dump(c.alarms.create(**body))


@arg("id", metavar="<ALARM_ID>", help="The ID of the alarm.")
@command("alarm-show")
def do_alarm_show(c: V2Client, args: argparse.Namespace) -> None:
    """Describe the alarm (an alarm with no expression: in Aodh's fields)."""
    try:
        found = c.expression_alarms.get(args.id)
        formatters = SHOW_FORMATTERS
    except exc.NotFound:
        found, formatters = c.alarms.get(args.id), {}
    details(args, found, formatters)


@arg("--name", metavar="<ALARM_NAME>", help="Name of the alarm.")
@arg("--dimensions", metavar="<KEY1=VALUE1,KEY2=VALUE2...>", action="append",
     help=DIMENSIONS_HELP)
@arg("--state", metavar="<STATE>", help="STATE is one of [UNDETERMINED, OK, ALARM].")
@arg("--all-types", action="store_true",
     help="List every alarm (Aodh's columns), not only those written as expressions.")
@arg("--limit", type=int, help="At most this many alarms.")
@command("alarm-list")
def do_alarm_list(c: V2Client, args: argparse.Namespace) -> None:
    """List alarms for this tenant."""
    state = word(args.state, STATES, "state")
    if args.all_types:
        aodh_state = {"UNDETERMINED": "insufficient data"}.get(state or "", (state or "").lower())
        found = c.alarms.list(limit=args.limit, name=args.name, state=aodh_state or None)
        return listing(args, found, ["alarm_id", "type", "name", "state", "severity",
                                     "enabled"], sortby=2)
    found = c.expression_alarms.list(args.name, dimensions(args.dimensions), state,
                                     args.limit)
    listing(args, found, ["name", "id", "expression", "state", "actions_enabled"], sortby=0)


@arg("id", metavar="<ALARM_ID>", help="The ID of the alarm.")
@command("alarm-delete")
def do_alarm_delete(c: V2Client, args: argparse.Namespace) -> None:
    """Delete alarm."""
    c.alarms.delete(args.id)
    print("Successfully deleted alarm")


def _changes(args: argparse.Namespace) -> dict[str, Any]:
    fields: dict[str, Any] = {**_actions(args)}
    for field in ("name", "description", "expression"):
        if getattr(args, field, None):
            fields[field] = getattr(args, field)
    if args.actions_enabled is not None:
        fields["actions_enabled"] = flag(args.actions_enabled)
    if args.state:
        fields["state"] = word(args.state, STATES, "state")
    if args.severity:
        fields["severity"] = word(args.severity, SEVERITIES, "severity")
    return fields


@arg("id", metavar="<ALARM_ID>", help="The ID of the alarm.")
@arg("name", metavar="<ALARM_NAME>", help="Name of the alarm.")
@arg("expression", metavar="<EXPRESSION>", help="The alarm expression to evaluate. Quoted.")
@arg("actions_enabled", metavar="<ACTIONS-ENABLED>", help="one of [true, false]")
@arg("state", metavar="<STATE>", help="The alarm state [UNDETERMINED, ALARM, OK].")
@arg("--description", metavar="<DESCRIPTION>", help="Description of the alarm.")
@action_options
@arg("--severity", metavar="<SEVERITY>", help="Severity is one of [LOW, MEDIUM, HIGH, CRITICAL].")
@command("alarm-update")
def do_alarm_update(c: V2Client, args: argparse.Namespace) -> None:
    """Update the alarm (replace every field)."""
    fmt.dump(c.expression_alarms.update(args.id, **_changes(args)))


@arg("id", metavar="<ALARM_ID>", help="The ID of the alarm.")
@arg("--name", metavar="<ALARM_NAME>", help="Name of the alarm.")
@arg("--description", metavar="<DESCRIPTION>", help="Description of the alarm.")
@arg("--expression", metavar="<EXPRESSION>", help="The alarm expression to evaluate.")
@action_options
@arg("--actions-enabled", metavar="<ACTIONS-ENABLED>", help="one of [true, false]")
@arg("--state", metavar="<STATE>", help="The alarm state [UNDETERMINED, ALARM, OK].")
@arg("--severity", metavar="<SEVERITY>", help="Severity is one of [LOW, MEDIUM, HIGH, CRITICAL].")
@command("alarm-patch")
def do_alarm_patch(c: V2Client, args: argparse.Namespace) -> None:
    """Patch the alarm (change the fields given)."""
    fmt.dump(c.expression_alarms.patch(args.id, **_changes(args)))


HISTORY_COLUMNS = ["alarm_id", "new_state", "old_state", "timestamp", "reason", "reason_data"]


@arg("id", metavar="<ALARM_ID>", help="The ID of the alarm.")
@command("alarm-history")
def do_alarm_history(c: V2Client, args: argparse.Namespace) -> None:
    """Alarm state history."""
    found = c.expression_alarms.history(args.id)
    listing(args, found, HISTORY_COLUMNS, sortby=3)


@arg("--dimensions", metavar="<KEY1=VALUE1,KEY2=VALUE2...>", action="append",
     help=DIMENSIONS_HELP)
@arg("--starttime", metavar="<UTC_START_TIME>", help="format: 2014-01-01T00:00:00Z.")
@arg("--endtime", metavar="<UTC_END_TIME>", help="format: 2014-01-01T00:00:00Z.")
@command("alarm-history-list")
def do_alarm_history_list(c: V2Client, args: argparse.Namespace) -> None:
    """List alarms state history."""
    found = c.expression_alarms.history_list(dimensions(args.dimensions), args.starttime,
                                             args.endtime)
    listing(args, found, ["alarm_id", "new_state", "old_state", "reason", "reason_data",
                          "timestamp"], sortby=5)


@arg("id", metavar="<ALARM_ID>", help="The ID of the alarm.")
@arg("state", metavar="<STATE>", nargs="?",
     help="Set the state (ok, alarm, insufficient data); without it, show it.")
@command("alarm-state")
def do_alarm_state(c: V2Client, args: argparse.Namespace) -> None:
    """Show or set an alarm's state (any alarm, Aodh's words)."""
    if args.state is None:
        print(c.alarms.get_state(args.id))
    else:
        state = {"UNDETERMINED": "insufficient data"}.get(args.state.upper(),
                                                          args.state.lower())
        print(c.alarms.set_state(args.id, state))


@command("capabilities")
def do_capabilities(c: V2Client, args: argparse.Namespace) -> None:
    """The API's capabilities, extensions included."""
    found = c.capabilities.get()
    if args.json:
        return fmt.dump(found)
    flags = {f"{group}:{name}" if group != "api" else name: value
             for group, values in found.items() for name, value in values.items()}
    fmt.print_dict(flags)


@arg("--project-id", help="The project (the caller's own by default).")
@command("quota-show")
def do_quota_show(c: V2Client, args: argparse.Namespace) -> None:
    """Show a project's alarm quota."""
    found = c.quotas.get(args.project_id)
    if args.json:
        return fmt.dump(found)
    fmt.print_list(found["quotas"], ["resource", "limit"])


@arg("project_id", metavar="<PROJECT_ID>", help="The project.")
@arg("--alarms", type=int, required=True, help="The most alarms the project may have.")
@command("quota-set")
def do_quota_set(c: V2Client, args: argparse.Namespace) -> None:
    """Set a project's alarm quota (admin)."""
    found = c.quotas.set(args.project_id, {"alarms": args.alarms})
    if args.json:
        return fmt.dump(found)
    fmt.print_list(found["quotas"], ["resource", "limit"])


@arg("project_id", metavar="<PROJECT_ID>", help="The project.")
@command("quota-delete")
def do_quota_delete(c: V2Client, args: argparse.Namespace) -> None:
    """Drop a project's quotas, back to the defaults (admin)."""
    c.quotas.delete(args.project_id)
    print("Successfully deleted quotas")
