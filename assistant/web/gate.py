"""Admission control shared by the chat and the JSON API: at most ``limit`` answers are
computed at once, at most ``max_waiting`` questions wait (each for ``timeout`` seconds);
anyone else is told, in Chinese, that the service is busy — never an error page."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

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
