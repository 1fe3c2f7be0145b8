"""Bounds on the chat sessions Gradio keeps in memory.

Gradio keeps every session's state (the conversation, the last value of each component)
until 10,000 sessions exist, and a session whose page never opened its heartbeat stream is
never closed. Here: at most ``max_sessions`` per chat (the least recently used go first),
and a session with no open heartbeat is dropped ``timeout`` seconds after its last event
(a page that is open keeps its heartbeat, and so its conversation)."""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

log = logging.getLogger(__name__)


class SessionKeeper:
    def __init__(self, max_sessions: int, timeout: float, every: float = 5.0) -> None:
        self.max_sessions = max_sessions
        self.timeout = timeout
        self.every = min(every, timeout)
        self.holders: list[Any] = []  # Gradio's StateHolder of each mounted chat
        self._beating: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._next = 0.0

    def attach(self, holders: Sequence[Any]) -> None:
        self.holders = list(holders)
        for holder in self.holders:
            holder.capacity = self.max_sessions

    def heartbeat(self, session: str, opened: bool) -> None:
        with self._lock:
            self._beating[session] += 1 if opened else -1
            if self._beating[session] <= 0:
                del self._beating[session]

    @property
    def count(self) -> int:
        return sum(len(h.session_data) for h in self.holders)

    def maybe_sweep(self) -> None:
        now = time.monotonic()
        if now >= self._next:
            self._next = now + self.every
            self.sweep()

    def sweep(self) -> int:
        """Drop the sessions without heartbeat idle for longer than the timeout; returns how many."""
        cutoff = datetime.now() - timedelta(seconds=self.timeout)
        with self._lock:
            beating = set(self._beating)
        dropped = 0
        for holder in self.holders:
            with holder.lock:
                idle = [s for s, used in list(holder.time_last_used.items()) if used < cutoff and s not in beating]
                for session in idle:
                    holder.session_data.pop(session, None)
                    holder.time_last_used.pop(session, None)
                # sessions never used through an event have no time: they count against the capacity
                while len(holder.session_data) > self.max_sessions:
                    old, _ = holder.session_data.popitem(last=False)
                    holder.time_last_used.pop(old, None)
                    dropped += 1
            dropped += len(idle)
        if dropped:
            log.info("dropped %d idle chat sessions", dropped)
        return dropped
