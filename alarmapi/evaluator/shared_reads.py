"""The answers of one cycle's reads by what they read: each distinct read is sent once,
``parallel`` at a time, and shared by every rule that needs it."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from alarmapi.evaluator.sources import Source


class SharedReads:
    """A cycle's answers (or failures) keyed by the read that produced them."""

    def __init__(self, parallel: int = 1, thread_prefix: str = "reads") -> None:
        self.parallel = parallel
        self.thread_prefix = thread_prefix
        #: Reads sent since this was made.
        self.sent = 0
        self._answers: dict[str, Any] = {}
        self._pool: ThreadPoolExecutor | None = None

    def clear(self) -> None:
        """Forget every answer (a new cycle reads anew)."""
        self._answers.clear()

    def has(self, key: str) -> bool:
        """Whether ``key`` was read (or failed) already."""
        return key in self._answers

    def prefetch(self, reads: dict[str, Callable[[], Any]]) -> None:
        """Send the reads not answered yet, ``parallel`` at a time; with one thread (or
        one read) they are left to get(), which sends them when asked."""
        wanted = {key: read for key, read in reads.items() if key not in self._answers}
        if self.parallel < 2 or len(wanted) < 2:
            return
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self.parallel,
                                            thread_name_prefix=self.thread_prefix)
        futures: dict[str, Future[Any]] = {
            key: self._pool.submit(read) for key, read in wanted.items()}
        self.sent += len(futures)
        for key, future in futures.items():
            failure = future.exception()
            self._answers[key] = failure if failure is not None else future.result()

    def get(self, key: str, read: Callable[[], Any]) -> Any:
        """The answer of ``key``, read now if it was not prefetched; a failed read
        raises its exception for every rule that shares it."""
        if key not in self._answers:
            self.sent += 1
            try:
                self._answers[key] = read()
            except Exception as exc:
                self._answers[key] = exc
        answer = self._answers[key]
        if isinstance(answer, Exception):
            raise answer
        return answer

    def close(self) -> None:
        """Stop the threads of parallel reads."""
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None


class SharedReadsSource(Source):
    """A source whose reads are shared within a cycle (``self.reads``)."""

    def __init__(self, parallel: int = 1) -> None:
        super().__init__()
        self.reads = SharedReads(parallel, self.name or "reads")

    @property
    def requests(self) -> int:
        return self.reads.sent

    def begin_cycle(self) -> None:
        self.reads.clear()

    def close(self) -> None:
        self.reads.close()
