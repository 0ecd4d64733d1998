"""The ``alarmapi alarm-backtest`` subcommand: when an alarm, saved or only written in a
file, would have fired over a past range."""

from __future__ import annotations

import argparse
import datetime
import json
from typing import Any

from alarmapi import clock
from alarmapi.client import exc
from alarmapi.client import formatting as fmt
from alarmapi.client.client import V2Client
from alarmapi.client.commands import arg, command

COLUMNS = ["timestamp", "previous_state", "state", "reason"]
SUMMARY = ["evaluations", "skipped", "notifications", "initial_state", "final_state"]


def _since(text: str) -> str:
    """An ISO 8601 time, or a duration back from now: 90m, 6h, 2d."""
    units = {"m": "minutes", "h": "hours", "d": "days"}
    if text[-1:] in units and text[:-1].isdigit():
        now = clock.utcnow().replace(microsecond=0)
        return (now - datetime.timedelta(**{units[text[-1]]: int(text[:-1])})).isoformat()
    return text


def _alarm_file(path: str) -> dict[str, Any]:
    try:
        with open(path, encoding="utf-8") as handle:
            body = json.load(handle)
    except (OSError, ValueError) as error:
        raise exc.CommandError(f"--from-file {path}: {error}") from error
    if not isinstance(body, dict):
        raise exc.CommandError(f"--from-file {path}: an alarm body (a JSON object) is needed")
    return body


@arg("id", metavar="<ALARM_ID>", nargs="?", help="The alarm (or give --from-file).")
@arg("--from-file", metavar="<FILE>", help="An alarm body in JSON (Aodh's fields), "
     "backtested without being saved.")
@arg("--start", metavar="<TIME>", default="1d",
     help="ISO 8601 start, or a duration back from now (90m, 6h, 2d; default 1d).")
@arg("--end", metavar="<TIME>", default="0m",
     help="ISO 8601 end, or a duration back from now (default now).")
@arg("--step", metavar="<SECONDS>", type=int,
     help="Seconds between evaluations (default: the evaluation interval).")
@arg("--initial-state", metavar="<STATE>", choices=("ok", "alarm", "insufficient data"),
     help="The state to start from (default insufficient data).")
@command("alarm-backtest")
def do_alarm_backtest(c: V2Client, args: argparse.Namespace) -> None:
    """The transitions an alarm would have made over a past range, with their reasons;
    nothing is sent or written."""
    if (args.id is None) == (args.from_file is None):
        raise exc.CommandError("give an alarm id or --from-file, not both or neither")
    start, end = _since(args.start), _since(args.end)
    if args.from_file:
        found = c.alarms.backtest_unsaved(_alarm_file(args.from_file), start, end,
                                          args.step, args.initial_state)
    else:
        found = c.alarms.backtest(args.id, start, end, args.step, args.initial_state)
    if args.json:
        return fmt.dump(found)
    fmt.print_list(found["transitions"], COLUMNS, sortby=None)
    print(", ".join(f"{key}: {found[key]}" for key in SUMMARY))
