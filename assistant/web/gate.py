"""Admission control shared by the chat and the JSON API: at most ``limit`` answers are
computed at once, at most ``max_waiting`` questions wait (each for ``timeout`` seconds);
anyone else is told, in Chinese, that the service is busy — never an error page."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from ..errors import REBUILD_HINT, AssistantError

BUSY = "当前咨询的人比较多，系统繁忙，请稍等一两分钟再问。给您带来不便，敬请谅解。"


class BusyGate:
    def __init__(self, limit: int, max_waiting: int, timeout: float) -> None:
        self.limit = limit
        self.max_waiting = max_waiting
        self.timeout = timeout
        self._slots = threading.BoundedSemaphore(limit)
        self._lock = threading.Lock()
        self._admitted = 0  # running + waiting

    @property
    def admitted(self) -> int:
        return self._admitted

    @contextmanager
    def slot(self) -> Iterator[bool]:
        """``with gate.slot() as ok:`` — ``ok`` is False when the caller should get the busy message."""
        with self._lock:
            if self._admitted >= self.limit + self.max_waiting:
                admitted = False
            else:
                self._admitted += 1
                admitted = True
        if not admitted:
            yield False
            return
        acquired = self._slots.acquire(timeout=self.timeout)
        try:
            yield acquired
        finally:
            if acquired:
                self._slots.release()
            with self._lock:
                self._admitted -= 1


class Availability:
    """Whether the index can serve, as one sentence (None: it can).

    At start the app records why the index could not be opened; while it cannot, opening is
    retried at most every ``retry`` seconds (a repaired or rebuilt index is picked up)."""

    def __init__(self, check: Callable[[], object], retry: float = 10.0) -> None:
        self._check = check
        self.retry = retry
        self._problem: str | None = None
        self._next = 0.0
        self._lock = threading.Lock()

    def failed(self, err: BaseException) -> str:
        """Record a failure to open the index; returns the sentence."""
        with self._lock:
            self._problem = describe(err)
            self._next = time.monotonic() + self.retry
            return self._problem

    @property
    def problem(self) -> str | None:
        with self._lock:
            if self._problem is None or time.monotonic() < self._next:
                return self._problem
        try:
            self._check()
        except Exception as err:
            return self.failed(err)
        with self._lock:
            self._problem = None
        return None


def describe(err: BaseException) -> str:
    """One sentence for a failure to open the index: the domain error's own sentence, or a
    generic one naming the kind of failure (never a traceback)."""
    if isinstance(err, AssistantError):
        return str(err)
    return f"索引无法打开（the index could not be opened: {type(err).__name__}）；请{REBUILD_HINT}。"
