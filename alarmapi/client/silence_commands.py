"""The ``alarmapi silence-*`` subcommands."""

from __future__ import annotations

import argparse
from typing import Any

from alarmapi.client import exc
from alarmapi.client import formatting as fmt
from alarmapi.client.client import V2Client
from alarmapi.client.commands import arg, command

LIST_COLUMNS = ["id", "status", "matchers", "starts_at", "ends_at", "comment"]


def _matcher(text: str) -> dict[str, str]:
    """``field=value``, ``field!=value``, ``field=~regex`` or ``field!~regex``."""
    for op in ("!~", "=~", "!=", "="):
        field, found, value = text.partition(op)
        if found and field:
            return {"field": field, "op": op, "value": value}
    raise exc.CommandError(f"matcher {text!r} must be field=value, field!=value, "
                           "field=~regex or field!~regex")


def _matchers_shown(item: dict[str, Any]) -> str:
    return ", ".join(f"{m['field']}{m['op']}{m['value']}" for m in item.get("matchers", []))


def _show(found: dict[str, Any], as_json: bool) -> None:
    if as_json:
        return fmt.dump(found)
    fmt.print_dict(found, {"matchers": fmt.json_formatter, "recurrence": fmt.json_formatter})


@arg("--match", dest="matchers", action="append", default=[], metavar="<MATCHER>",
     help="field=value, field!=value, field=~regex or field!~regex over name, alarm_id, "
     "severity, type (repeatable; all must match).")
@arg("--alarm-id", metavar="<ALARM_ID>", help="Acknowledge this alarm until it is ok.")
@arg("--starts-at", metavar="<TIME>", help="ISO 8601 start (default now).")
@arg("--ends-at", metavar="<TIME>", help="ISO 8601 end.")
@arg("--recurrence", metavar="<CRON;DURATION[;TIMEZONE]>",
     help='A recurring window, e.g. "0 2 * * *;3600;Europe/Paris".')
@arg("--comment", metavar="<TEXT>", help="Why.")
@arg("--expire-on-resolve", action="store_true", help="End when a silenced alarm is ok.")
@command("silence-create")
def do_silence_create(c: V2Client, args: argparse.Namespace) -> None:
    """Create a silence: matching alarms notify nobody while it is active."""
    recurrence = None
    if args.recurrence:
        parts = args.recurrence.split(";")
        if len(parts) not in (2, 3) or not parts[1].isdigit():
            raise exc.CommandError("--recurrence must be CRON;DURATION[;TIMEZONE]")
        recurrence = {"start": parts[0], "duration": int(parts[1]),
                      "timezone": parts[2] if len(parts) == 3 else ""}
    found = c.silences.create([_matcher(m) for m in args.matchers] or None,
                              alarm_id=args.alarm_id, starts_at=args.starts_at,
                              ends_at=args.ends_at, recurrence=recurrence,
                              comment=args.comment,
                              expire_on_resolve=True if args.expire_on_resolve else None)
    _show(found, args.json)


@arg("--expired", action="store_true", help="Include ended silences.")
@command("silence-list")
def do_silence_list(c: V2Client, args: argparse.Namespace) -> None:
    """List silences."""
    found = c.silences.list(args.expired)
    if args.json:
        return fmt.dump(found)
    fmt.print_list(found, LIST_COLUMNS, {"matchers": _matchers_shown})


@arg("id", metavar="<SILENCE_ID>", help="The silence.")
@command("silence-show")
def do_silence_show(c: V2Client, args: argparse.Namespace) -> None:
    """Show a silence."""
    _show(c.silences.get(args.id), args.json)


@arg("id", metavar="<SILENCE_ID>", help="The silence.")
@command("silence-expire")
def do_silence_expire(c: V2Client, args: argparse.Namespace) -> None:
    """End a silence now."""
    c.silences.expire(args.id)
    print(f"Silence {args.id} expired")
