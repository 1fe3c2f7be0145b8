"""The transport of LLM calls: the sockets of a call, so that the waiting thread can shut
them down at the deadline (see :mod:`assistant.llm`), and the httpx flavour and limits the
OpenAI SDK is built with."""

from __future__ import annotations

import contextvars
import socket
import sys
import threading
from typing import Any

import openai


def transport_errors() -> tuple[type[BaseException], ...]:
    """httpx / httpx2 transport errors (openai>=3 uses httpx2), raised mid-stream."""
    found: list[type[BaseException]] = []
    for name in ("httpx2", "httpx"):
        try:
            mod = __import__(name)
        except ImportError:
            continue
        found.append(mod.TransportError)
    return tuple(found)


TRANSPORT_ERRORS = transport_errors()


class Call:
    """The sockets of one call, so that it can be aborted from the waiting thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self.aborted = False

    def attach(self, sock: socket.socket) -> None:
        with self._lock:
            if not self.aborted:
                self._sockets.append(sock)
                return
        shutdown(sock)

    def abort(self) -> None:
        with self._lock:
            self.aborted = True
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            shutdown(sock)


def shutdown(sock: socket.socket) -> None:
    # shutdown() (unlike close()) wakes a recv() blocked in another thread.
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # already closed


CURRENT: contextvars.ContextVar[Call | None] = contextvars.ContextVar("llm_call", default=None)


def on_response(response: Any) -> None:
    """httpx response hook: remember the socket of the response for the current call."""
    call = CURRENT.get()
    if call is None:
        return
    try:
        stream = response.extensions.get("network_stream")
        sock = stream.get_extra_info("socket") if stream is not None else None
    except Exception:  # pragma: no cover - transport without socket info
        return
    if isinstance(sock, socket.socket):
        call.attach(sock)


def httpx_module() -> Any:
    """The httpx flavour the OpenAI SDK is built on (httpx2 for openai>=3, else httpx)."""
    for base in openai.DefaultHttpxClient.__mro__:
        if base.__name__ == "Client":
            return sys.modules[base.__module__.split(".")[0]]
    import httpx  # pragma: no cover

    return httpx


def limits() -> Any:
    """Connection limits without keep-alive: a socket serves one call only."""
    return httpx_module().Limits(max_connections=100, max_keepalive_connections=0)
