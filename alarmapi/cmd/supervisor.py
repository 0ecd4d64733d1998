"""Running commands as one supervised group of child processes: each child that dies
is started again (after a back-off when it keeps dying), with a log line; SIGTERM or
SIGINT to the group stops every child (SIGTERM, then SIGKILL after a grace time) and
waits for them. Used where one command stands for several processes
(``[listener] workers``)."""

from __future__ import annotations

import ctypes
import dataclasses
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

# stdlib logging (oslo.log's handlers when a command set it up): a supervising parent
# that imports no more than it needs stays small.
LOG = logging.getLogger(__name__)
#: Set in a supervised child's environment: it is one worker of the group.
CHILD_ENV = "ALARMAPI_SUPERVISED_CHILD"
#: A child that lived at least this long (seconds) is restarted at once.
STEADY_S = 10.0
MAX_BACKOFF_S = 30.0
GRACE_S = 60.0


@dataclasses.dataclass
class Restarts:
    """When to start again what stopped (a child process, a component thread): at
    once after a steady run, else after a back-off doubling up to MAX_BACKOFF_S."""

    count: int = 0
    backoff: float = 0.0

    def after(self, lived: float) -> float:
        """Count one more restart of what ran ``lived`` seconds; the seconds to wait."""
        self.backoff = 0.0 if lived >= STEADY_S else min(max(self.backoff * 2, 1.0),
                                                           MAX_BACKOFF_S)
        self.count += 1
        return self.backoff


@dataclasses.dataclass
class Child:
    """One supervised command."""

    name: str
    argv: list[str]
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    restarts: Restarts = dataclasses.field(default_factory=Restarts)
    due_at: float = 0.0

    def start(self) -> None:
        """Start (again) the command, marked as a supervised child, bound to die with
        this process (see ``die_with_parent``)."""
        env = dict(os.environ, **{CHILD_ENV: self.name})
        self.process = subprocess.Popen(self.argv, env=env,
                                        preexec_fn=die_with_parent(os.getpid()))
        self.started_at = time.monotonic()
        LOG.info("started %s (pid %d)", self.name, self.process.pid)


#: prctl(2)'s option naming the signal a process gets when its parent dies.
PR_SET_PDEATHSIG = 1


def die_with_parent(parent_pid: int) -> Callable[[], None] | None:
    """What a child runs between fork and exec so that it gets SIGTERM (and stops as
    it does on any SIGTERM: cleanly) when the supervisor dies, even by SIGKILL: no
    orphan keeps working beside the supervisor's next start. Linux only (prctl);
    elsewhere None, and an orphan lives on."""
    if not sys.platform.startswith("linux"):
        return None
    libc = ctypes.CDLL(None, use_errno=True)

    def arm() -> None:
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        if os.getppid() != parent_pid:  # the parent died before the signal was armed
            os.kill(os.getpid(), signal.SIGTERM)

    return arm


def module_argv(module: str, argv: list[str] | None = None) -> list[str]:
    """The command line running ``python -m module`` with this process's arguments."""
    return [sys.executable, "-m", module, *(sys.argv[1:] if argv is None else argv)]


def run_workers(conf: Any, workers: int, module: str, name: str,
                argv: list[str] | None) -> int | None:
    """With ``workers`` above one (and not a child already), run that many children
    of ``module`` with the same arguments until stopped, and return the exit status;
    else None: this process is the one worker."""
    if workers <= 1 or is_child():
        return None
    from alarmapi.cmd import daemon

    stop = daemon.stop_event(conf, f"stopping the {name} workers")
    command = module_argv(module, argv)
    return Supervisor([Child(f"{name}-{i}", command) for i in range(workers)]).run(stop)


def is_child() -> bool:
    """Whether this process is a supervised child."""
    return bool(os.environ.get(CHILD_ENV))


class Supervisor:
    """Keeps a group of children running until stopped."""

    def __init__(self, children: list[Child], poll_s: float = 0.2,
                 final_codes: frozenset[int] = frozenset()) -> None:
        self.children = children
        self.poll_s = poll_s
        #: Exit statuses after which a child is not started again: the group stops and
        #: returns that status (a config error, --help).
        self.final_codes = final_codes
        self.final: int | None = None

    def run(self, stop: threading.Event) -> int:
        """Start every child and keep them running until ``stop`` is set (or a child
        exits with a final status); then stop them all. Returns 0 or that status."""
        for child in self.children:
            child.start()
        while not stop.wait(self.poll_s):
            now = time.monotonic()
            for child in self.children:
                if not stop.is_set():  # Ctrl-C reaches the children first
                    self._tend(child, now)
            if self.final is not None:
                break
        self.stop_all()
        return self.final or 0

    def _tend(self, child: Child, now: float) -> None:
        if child.process is None:
            if now >= child.due_at:
                child.start()
            return
        code = child.process.poll()
        if code is None:
            return
        if code in self.final_codes:
            LOG.info("%s exited with status %d: stopping", child.name, code)
            self.final = code
            return
        lived = now - child.started_at
        wait = child.restarts.after(lived)
        child.process = None
        child.due_at = now + wait
        LOG.warning("%s exited with status %s after %.1f s; restarting it in %.1f s "
                    "(restart %d)", child.name, code, lived, wait, child.restarts.count)

    def stop_all(self) -> None:
        """SIGTERM every running child, SIGKILL those still running after the grace
        time, and reap them."""
        running = [c.process for c in self.children
                   if c.process is not None and c.process.poll() is None]
        for process in running:
            process.terminate()
        deadline = time.monotonic() + GRACE_S
        for process in running:
            try:
                process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                LOG.warning("pid %d did not stop within %.0f s: killed", process.pid,
                            GRACE_S)
                process.kill()
                process.wait()
        LOG.info("stopped %d children", len(running))
