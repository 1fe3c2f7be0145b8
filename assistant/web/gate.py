"""Admission control shared by the chat and the JSON API: at most ``limit`` answers are
computed at once, at most ``max_waiting`` questions wait (each for ``timeout`` seconds);
anyone else is told, in Chinese, that the service is busy — never an error page."""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from ..errors import REBUILD_HINT, AssistantError

BUSY = "当前咨询的人比较多，系统繁忙，请稍等一两分钟再问。给您带来不便，敬请谅解。"


class BusyGate:
    """At most ``limit`` callers hold a slot; up to ``max_waiting`` more wait for one.

    Waiters are served shortest first, with aging: a caller's place is its arrival time plus
    ``patience`` seconds scaled by its question's length (``size``, up to ``size_cap``
    characters). A 500-character question costs the model several times an ordinary one;
    without this, a few clients sending long questions back to back keep every slot and
    queue place, and an ordinary visitor waits behind all of them. A long question still
    gets its turn: once it has waited ``patience`` seconds nobody newer goes before it.
    """

    def __init__(self, limit: int, max_waiting: int, timeout: float, patience: float = 2.0,
                 size_cap: int = 500) -> None:
        self.limit = limit
        self.max_waiting = max_waiting
        self.timeout = timeout
        self.patience = patience
        self.size_cap = size_cap
        self._cond = threading.Condition()
        self._running = 0
        self._waiting: list[tuple[float, int]] = []  # a heap of (place, arrival number)
        self._arrivals = itertools.count()

    @property
    def admitted(self) -> int:
        """Callers running or waiting."""
        return self._running + len(self._waiting)

    def place(self, size: int, now: float) -> float:
        return now + self.patience * min(max(size, 0), self.size_cap) / self.size_cap

    @contextmanager
    def slot(self, size: int = 0) -> Iterator[bool]:
        """``with gate.slot(len(question)) as ok:`` — ``ok`` is False when the caller should get
        the busy message (queue full, or no slot within ``timeout``)."""
        acquired = self._acquire(size)
        try:
            yield acquired
        finally:
            if acquired:
                with self._cond:
                    self._running -= 1
                    self._cond.notify_all()

    def _acquire(self, size: int) -> bool:
        with self._cond:
            if self.admitted >= self.limit + self.max_waiting:
                return False
            if self._running < self.limit and not self._waiting:
                self._running += 1
                return True
            now = time.monotonic()
            me = (self.place(size, now), next(self._arrivals))
            heapq.heappush(self._waiting, me)
            deadline = now + self.timeout
            while not (self._running < self.limit and self._waiting[0] == me):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    self._waiting.remove(me)
                    heapq.heapify(self._waiting)
                    self._cond.notify_all()  # the next waiter may now be first
                    return False
                self._cond.wait(remaining)
            heapq.heappop(self._waiting)
            self._running += 1
            self._cond.notify_all()  # a second free slot goes to the next waiter
            return True


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
