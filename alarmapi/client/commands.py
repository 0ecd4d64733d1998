"""The ``alarmapi`` subcommands (the seed's, and the rest of the API)."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from typing import Any

from alarmapi.client import exc
from alarmapi.client import formatting as fmt
from alarmapi.client.client import V2Client

#: What a notification method's type may be.
TYPE_HELP = "The notification type: EMAIL, WEBHOOK, PAGERDUTY or ALERTMANAGER."

Command = Callable[[V2Client, argparse.Namespace], None]
#: name -> the function (its ``arguments`` and docstring describe the command line).
COMMANDS: dict[str, Command] = {}
SEVERITIES = ("LOW", "MEDIUM", "HIGH", "CRITICAL")
STATES = ("UNDETERMINED", "ALARM", "OK")
DIMENSIONS_HELP = ("key=value pairs, comma separated or the option repeated; quote "
                   "values with special characters")


def arg(*names: str, **kwargs: Any) -> Callable[[Command], Command]:
    """Declare an argument of the command below (outermost first on the line)."""

    def decorate(f: Command) -> Command:
        arguments = getattr(f, "arguments", [])
        arguments.insert(0, (names, kwargs))
        f.arguments = arguments  # type: ignore[attr-defined]
        return f

    return decorate


def arguments(f: Command) -> list[tuple[tuple[str, ...], dict[str, Any]]]:
    """The arguments declared on a command, in command-line order."""
    return list(getattr(f, "arguments", []))


def command(name: str) -> Callable[[Command], Command]:
    """Register a subcommand; its docstring is its help."""

    def decorate(f: Command) -> Command:
        COMMANDS[name] = f
        return f

    return decorate


def action_options(f: Command) -> Command:
    """The three action lists of an alarm, as options of the command below."""
    for field, state in (("undetermined", "UNDETERMINED"), ("ok", "OK"), ("alarm", "ALARM")):
        f = arg(f"--{field}-actions", metavar="<NOTIFICATION-ID>", action="append",
                help=f"The notification method (or URL) to use when the state is {state}. "
                     "Repeatable.")(f)
    return f


def listing(args: argparse.Namespace, found: list[Any], columns: list[str],
            formatters: dict[str, fmt.Formatter] | None = None, sortby: int | None = 0
            ) -> None:
    """A list as a table, or as JSON with -j."""
    if args.json:
        fmt.dump(found)
    else:
        fmt.print_list(found, columns, formatters, sortby)


def details(args: argparse.Namespace, found: dict[str, Any],
            formatters: dict[str, fmt.Formatter] | None = None) -> None:
    """One resource as a Property/Value table, or as JSON with -j."""
    if args.json:
        fmt.dump(found)
    else:
        fmt.print_dict(found, formatters)


def dimensions(values: list[str] | None) -> dict[str, str] | None:
    """``--dimensions a=1,b=2 --dimensions c=3`` as a dict."""
    if not values:
        return None
    found = {}
    for value in values:
        for part in value.split(","):
            key, sep, val = part.partition("=")
            if not key.strip():
                raise exc.CommandError(f"dimension {part!r} has no name")
            found[key.strip()] = val.strip() if sep else ""
    return found


def word(value: str | None, words: tuple[str, ...], what: str) -> str | None:
    """``value`` upper-cased when it is one of ``words`` (any case); None stays None."""
    if value is None:
        return None
    if value.upper() not in words:
        raise exc.CommandError(f"Invalid {what}, not one of [{', '.join(words)}]")
    return value.upper()


def flag(value: str | None) -> bool | None:
    """The seed's true/false spelling as a bool; None stays None."""
    if value is None:
        return None
    if value not in ("true", "True", "false", "False"):
        raise exc.CommandError("Invalid value, not one of [True, true, False, false]")
    return value in ("true", "True")


# -- metrics -------------------------------------------------------------------------

@arg("name", metavar="<METRIC_NAME>", help="Name of the metric to create.")
@arg("value", metavar="<METRIC_VALUE>", type=float, help="Metric value.")
@arg("--dimensions", metavar="<KEY1=VALUE1,KEY2=VALUE2...>", action="append",
     help=DIMENSIONS_HELP)
@arg("--value-meta", metavar="<KEY1=VALUE1,...>", action="append",
     help="key=value pairs describing the value.")
@arg("--time", metavar="<UNIX_TIMESTAMP>", type=float,
     help="Metric timestamp (seconds or milliseconds). Default: now.")
@arg("--tenant-id", "--tenant_id", dest="tenant_id", metavar="<CROSS_TENANT_ID>",
     help="The tenant to post the metric for.")
@command("metric-create")
def do_metric_create(c: V2Client, args: argparse.Namespace) -> None:
    """Create metric."""
    c.metrics.create(args.name, args.value, dimensions(args.dimensions), args.time,
                     dimensions(args.value_meta), args.tenant_id)
    print("Successfully created metric")


@arg("jsonbody", metavar="<JSON_BODY>", type=json.loads,
     help="The raw JSON body in single quotes. See api doc.")
@command("metric-create-raw")
def do_metric_create_raw(c: V2Client, args: argparse.Namespace) -> None:
    """Create metric from raw json body."""
    c.metrics.create(jsonbody=args.jsonbody)
    print("Successfully created metric")


@arg("--name", metavar="<METRIC_NAME>", help="Name of the metric to list.")
@arg("--dimensions", metavar="<KEY1=VALUE1,KEY2=VALUE2...>", action="append",
     help=DIMENSIONS_HELP)
@command("metric-list")
def do_metric_list(c: V2Client, args: argparse.Namespace) -> None:
    """List metrics for this tenant."""
    found = c.metrics.list(args.name, dimensions(args.dimensions))
    listing(args, found, ["name", "dimensions"],
            {"dimensions": lambda m: fmt.format_dict(m["dimensions"])})


@arg("name", metavar="<METRIC_NAME>", help="Name of the metric to list measurements.")
@arg("starttime", metavar="<UTC_START_TIME>",
     help="measurements >= UTC time. format: 2014-01-01T00:00:00Z.")
@arg("--endtime", metavar="<UTC_END_TIME>", help="measurements <= UTC time.")
@arg("--dimensions", metavar="<KEY1=VALUE1,KEY2=VALUE2...>", action="append",
     help=DIMENSIONS_HELP)
@arg("--merge-metrics", action="store_true", help="Merge the matching metrics' values.")
@command("measurement-list")
def do_measurement_list(c: V2Client, args: argparse.Namespace) -> None:
    """List measurements for the specified metric."""
    found = c.metrics.measurements(args.name, args.starttime, args.endtime,
                                   dimensions(args.dimensions), args.merge_metrics,
                                   group_by=None if args.merge_metrics else "*")
    if args.json:
        return fmt.dump(found)

    def column(name: str, shape: str) -> Callable[[Any], str]:
        def cell(metric: dict[str, Any]) -> str:
            index = metric["columns"].index(name)
            return "\n".join(shape.format(m[index]) for m in metric["measurements"])
        return cell

    fmt.print_list(found, ["name", "dimensions", "measurement_id", "timestamp", "value"], {
        "dimensions": lambda m: fmt.format_dict(m["dimensions"]),
        "measurement_id": lambda m: "\n".join(
            f"{n:>10d}" for n in range(1, len(m["measurements"]) + 1)),
        "timestamp": column("timestamp", "{}"),
        "value": column("value", "{:12.2f}")}, sortby=None)


@arg("name", metavar="<METRIC_NAME>", help="Name of the metric.")
@arg("statistics", metavar="<STATISTICS>",
     help="One or more (comma separated) of [AVG, MIN, MAX, COUNT, SUM].")
@arg("starttime", metavar="<UTC_START_TIME>", help="format: 2014-01-01T00:00:00Z.")
@arg("--endtime", metavar="<UTC_END_TIME>", help="measurements <= UTC time.")
@arg("--period", metavar="<PERIOD>", type=int,
     help="number of seconds per interval (default is 300)")
@arg("--dimensions", metavar="<KEY1=VALUE1,KEY2=VALUE2...>", action="append",
     help=DIMENSIONS_HELP)
@arg("--merge-metrics", action="store_true", help="Merge the matching metrics' values.")
@command("metric-statistics")
def do_metric_statistics(c: V2Client, args: argparse.Namespace) -> None:
    """List measurement statistics for the specified metric."""
    wanted = [s.strip().lower() for s in args.statistics.split(",")]
    unknown = [s for s in wanted if s not in ("avg", "min", "max", "count", "sum")]
    if unknown:
        raise exc.CommandError("Invalid type, not one of [AVG, MIN, MAX, COUNT, SUM]")
    found = c.metrics.statistics(args.name, ",".join(wanted), args.starttime, args.endtime,
                                 args.period, dimensions(args.dimensions), args.merge_metrics,
                                 group_by=None if args.merge_metrics else "*")
    if args.json:
        return fmt.dump(found)
    columns = found[0]["columns"] if found else ["timestamp"]

    def column(name: str) -> Callable[[Any], str]:
        def cell(metric: dict[str, Any]) -> str:
            index = metric["columns"].index(name)
            shape = "{}" if name == "timestamp" else "{:12.2f}"
            return "\n".join(shape.format(s[index]) for s in metric["statistics"])
        return cell

    fmt.print_list(found, ["name", "dimensions", *columns], {
        "dimensions": lambda m: fmt.format_dict(m["dimensions"]),
        **{name: column(name) for name in columns}}, sortby=None)


# -- notification methods ------------------------------------------------------------

@arg("name", metavar="<NOTIFICATION_NAME>", help="Name of the notification to create.")
@arg("type", metavar="<TYPE>", help=TYPE_HELP)
@arg("address", metavar="<ADDRESS>", help="The email address, URL or PagerDuty key.")
@arg("--period", metavar="<PERIOD>", type=int,
     help="WEBHOOK only: re-send every PERIOD seconds while in alarm (0: once).")
@command("notification-create")
def do_notification_create(c: V2Client, args: argparse.Namespace) -> None:
    """Create notification."""
    fmt.dump(c.notifications.create(args.name, args.type, args.address, args.period))


@arg("id", metavar="<NOTIFICATION_ID>", help="The ID of the notification.")
@command("notification-show")
def do_notification_show(c: V2Client, args: argparse.Namespace) -> None:
    """Describe the notification."""
    found = c.notifications.get(args.id)
    details(args, found, {"name": fmt.json_formatter, "id": fmt.json_formatter,
                          "type": fmt.json_formatter, "address": fmt.json_formatter,
                          "links": fmt.format_dictlist})


@command("notification-list")
def do_notification_list(c: V2Client, args: argparse.Namespace) -> None:
    """List notifications for this tenant."""
    found = c.notifications.list()
    listing(args, found, ["name", "id", "type", "address"])


@arg("id", metavar="<NOTIFICATION_ID>", help="The ID of the notification.")
@command("notification-delete")
def do_notification_delete(c: V2Client, args: argparse.Namespace) -> None:
    """Delete notification."""
    c.notifications.delete(args.id)
    print("Successfully deleted notification")


@arg("id", metavar="<NOTIFICATION_ID>", help="The ID of the notification.")
@arg("name", metavar="<NOTIFICATION_NAME>", help="Name of the notification.")
@arg("type", metavar="<TYPE>", help=TYPE_HELP)
@arg("address", metavar="<ADDRESS>", help="The email address, URL or PagerDuty key.")
@arg("--period", metavar="<PERIOD>", type=int, help="WEBHOOK only: re-send period.")
@command("notification-update")
def do_notification_update(c: V2Client, args: argparse.Namespace) -> None:
    """Update notification."""
    fmt.dump(c.notifications.update(args.id, args.name, args.type, args.address, args.period))
