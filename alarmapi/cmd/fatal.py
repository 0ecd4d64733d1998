"""What a command says when it cannot go on: the error on stderr as well as in the log
file, naming the missing piece and what to install or run (an operator's terminal
showed nothing when ``[DEFAULT] log_file`` was set)."""

from __future__ import annotations

import functools
import logging
import os
import sys
from typing import Protocol

LOG = logging.getLogger("alarmapi")

#: Python modules a [database] connection URL may need, and what brings each.
DRIVERS = {
    "MySQLdb": "the mysqlclient package (pip install mysqlclient), or write the URL as "
               "mysql+pymysql://... (pip install 'alarmapi[mysql]')",
    "pymysql": "pip install 'alarmapi[mysql]' (PyMySQL)",
    "psycopg2": "pip install 'alarmapi[psycopg2]' (psycopg2-binary)",
    "psycopg": "pip install 'alarmapi[postgresql]' (psycopg 3)",
}


class Main(Protocol):
    """A command's entry point."""

    def __call__(self, argv: list[str] | None = None) -> int:
        """Run the command with ``argv`` (the process's arguments when None)."""


def explained(exc: BaseException) -> str:
    """One line: what failed, the missing piece, and what to install or run."""
    if isinstance(exc, ModuleNotFoundError) and exc.name:
        top = exc.name.split(".")[0]
        remedy = DRIVERS.get(top, f"pip install the package that provides {top}")
        return f"the Python module {top} is not installed: {remedy}"
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    first = text[0] if text else type(exc).__name__
    lowered = first.lower()
    if "unknown database" in lowered or ("database" in lowered and "does not exist" in lowered):
        return (f"the database of [database] connection does not exist ({first}): create "
                "it (CREATE DATABASE ...), then run alarmapi-dbsync")
    if "can't load plugin" in lowered:
        return f"[database] connection names a driver SQLAlchemy does not know ({first})"
    if "connection refused" in lowered or "can't connect" in lowered:
        return (f"the database server of [database] connection cannot be reached ({first}):"
                " is it running, and are the host and port right?")
    return f"{type(exc).__name__}: {first}"


def guarded(main: Main) -> Main:
    """Run a command's ``main``; an error it does not handle is logged with its
    traceback (the log file, as before) and told on stderr in one line; exit 1."""

    @functools.wraps(main)
    def run(argv: list[str] | None = None) -> int:
        try:
            return main(argv)
        except Exception as exc:  # the last word of a command that cannot go on
            if logging.getLogger().handlers:  # the log is set up: its file keeps the trace
                LOG.error("%s failed", _program(), exc_info=exc)
            print(f"{_program()}: {explained(exc)}", file=sys.stderr)
            return 1

    return run


def _program() -> str:
    return os.path.basename(sys.argv[0]) or "alarmapi"
