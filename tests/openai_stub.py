"""A scripted OpenAI chat-completions server on loopback, for tests.

Real HTTP (FastAPI served by uvicorn in a background thread, on 127.0.0.1 and a free
port), speaking the chat-completions protocol both ways:

* ``stream: false`` → one ``chat.completion`` JSON object;
* ``stream: true``  → Server-Sent Events ``data: {chat.completion.chunk}\\n\\n``: a first
  chunk with ``delta.role``, content deltas, a last chunk with ``finish_reason`` and an
  empty delta, a usage chunk (``choices: []``) when ``stream_options.include_usage`` is
  set, then ``data: [DONE]``.

Each test scripts the next replies::

    with OpenAIStub() as stub:
        stub.script(Text("答案[1]。"), Error(500), Hang(first_delta="部分"))
        ...  # point the client at stub.base_url
        stub.requests  # parsed JSON bodies received, in order

A plain ``str`` is shorthand for ``Text(str)``. When the script is exhausted the stub
answers HTTP 500 with an OpenAI-style error body saying so.

:class:`Hang` sends the headers (and, for a stream, the role chunk and optionally one
content delta), then blocks until its ``release`` event is set — :meth:`OpenAIStub.stop`
sets every such event, so a hang never blocks test shutdown.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
import uuid
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

__all__ = ["Error", "Hang", "OpenAIStub", "Text", "closed_port_url"]


@dataclass(frozen=True)
class Text:
    """A successful answer; streamed in deltas of ``chunk`` characters, ``delay`` s apart."""

    text: str
    chunk: int = 3
    delay: float = 0.0
    finish_reason: str = "stop"


@dataclass(frozen=True)
class Error:
    """An HTTP error with an OpenAI-style body ``{"error": {message, type, param, code}}``."""

    status: int = 500
    message: str = "The server had an error while processing your request."
    type: str = "server_error"
    code: str | None = None


@dataclass(frozen=True)
class Hang:
    """Send headers (and maybe one delta), then block until ``release`` is set.

    With ``ping`` (seconds), a stream keeps sending SSE comment lines (``: ping``) at that
    interval while it hangs, as servers do to keep a connection alive: the connection
    stays busy, so a client's per-read timeout never fires.
    """

    first_delta: str | None = None
    release: threading.Event = field(default_factory=threading.Event)
    ping: float | None = None


Reply = Text | Error | Hang


def closed_port_url() -> str:
    """A ``/v1`` base URL on a loopback port nothing listens on (connection refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


class _Server(uvicorn.Server):
    """uvicorn server that signals readiness through a threading.Event."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.ready = threading.Event()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        self.ready.set()


class OpenAIStub:
    """The stub server; use as a context manager (or call :meth:`start` / :meth:`stop`)."""

    def __init__(self, model: str = "stub-model") -> None:
        self.model = model
        self.requests: list[dict[str, Any]] = []
        self._script: deque[Reply] = deque()
        self._lock = threading.Lock()
        self._hangs: list[threading.Event] = []
        self._stopping = threading.Event()
        self._sock: socket.socket | None = None
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.app = self._build_app()

    # ------------------------------------------------------------------ scripting
    def script(self, *replies: Reply | str) -> None:
        """Set the next replies (replacing any left from before), consumed in order."""
        with self._lock:
            self._script = deque(Text(r) if isinstance(r, str) else r for r in replies)

    def reset(self) -> None:
        """Forget the script and the recorded requests; release pending hangs."""
        self.release_hangs()
        with self._lock:
            self._script.clear()
            self.requests.clear()

    def release_hangs(self) -> None:
        with self._lock:
            hangs, self._hangs = self._hangs, []
        for ev in hangs:
            ev.set()

    def _next(self, body: dict[str, Any]) -> Reply:
        with self._lock:
            self.requests.append(body)
            reply = self._script.popleft() if self._script else Error(
                500, "openai_stub: no scripted reply left", "stub_error"
            )
            if isinstance(reply, Hang):
                self._hangs.append(reply.release)
                if self._stopping.is_set():
                    reply.release.set()
            return reply

    # ------------------------------------------------------------------ lifecycle
    @property
    def port(self) -> int:
        if self._sock is None:
            raise RuntimeError("the stub is not started")
        return int(self._sock.getsockname()[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> "OpenAIStub":
        # Bind first (port 0 → a free port), so the port is known before serving.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self._sock = sock
        config = uvicorn.Config(
            self.app,
            log_level="warning",
            access_log=False,
            lifespan="off",
            timeout_graceful_shutdown=2,
        )
        self._server = _Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, name="openai-stub", daemon=True
        )
        self._thread.start()
        # Wait for readiness, or for the thread to die (startup failure).
        while not self._server.ready.wait(0.05):
            if not self._thread.is_alive():
                raise RuntimeError("the OpenAI stub server failed to start")
        return self

    def stop(self) -> None:
        self._stopping.set()
        self.release_hangs()
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
            if self._thread.is_alive():  # pragma: no cover - last resort
                assert self._server is not None
                self._server.force_exit = True
                self._thread.join(timeout=5)
        if self._sock is not None:
            self._sock.close()

    def __enter__(self) -> "OpenAIStub":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------------ protocol
    def _build_app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/v1/chat/completions")
        async def chat_completions(request: Request) -> Response:
            try:
                body = await request.json()
            except ValueError:
                return _error_response(Error(400, "invalid JSON body", "invalid_request_error"))
            reply = self._next(body)
            if isinstance(reply, Error):
                return _error_response(reply)
            model = str(body.get("model") or self.model)
            if body.get("stream"):
                include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
                return StreamingResponse(
                    self._sse(reply, model, include_usage),
                    media_type="text/event-stream",
                    headers={"Cache-Control": "no-cache"},
                )
            if isinstance(reply, Hang):  # nothing sent before the release
                await asyncio.to_thread(reply.release.wait)
                return _error_response(Error(503, "openai_stub: released", "stub_error"))
            return JSONResponse(_completion(model, reply.text, reply.finish_reason))

        return app

    async def _sse(self, reply: Text | Hang, model: str, include_usage: bool) -> AsyncIterator[str]:
        cid = _new_id()
        created = int(time.time())

        def event(delta: dict[str, Any], finish: str | None = None) -> str:
            chunk: dict[str, Any] = {
                "id": cid,
                "object": "chat.completion.chunk",
                "created": created,
                "model": model,
                "system_fingerprint": "fp_stub",
                "choices": [
                    {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
                ],
            }
            if include_usage:
                chunk["usage"] = None
            return _data(chunk)

        yield event({"role": "assistant", "content": ""})
        if isinstance(reply, Hang):
            if reply.first_delta:
                yield event({"content": reply.first_delta})
            while not await asyncio.to_thread(reply.release.wait, reply.ping):
                yield ": ping\n\n"  # only reached with a ping interval
            return  # released: end the body without [DONE]
        for i in range(0, len(reply.text), max(1, reply.chunk)):
            if self._stopping.is_set():
                return
            if reply.delay and i:
                await asyncio.sleep(reply.delay)
            yield event({"content": reply.text[i : i + reply.chunk]})
        yield event({}, reply.finish_reason)
        if include_usage:
            yield _data(
                {
                    "id": cid,
                    "object": "chat.completion.chunk",
                    "created": created,
                    "model": model,
                    "system_fingerprint": "fp_stub",
                    "choices": [],
                    "usage": _usage(reply.text),
                }
            )
        yield "data: [DONE]\n\n"


def _new_id() -> str:
    return "chatcmpl-" + uuid.uuid4().hex[:24]


def _data(obj: dict[str, Any]) -> str:
    return "data: " + json.dumps(obj, ensure_ascii=False) + "\n\n"


def _usage(text: str) -> dict[str, int]:
    completion = max(1, len(text) // 2)
    return {"prompt_tokens": 100, "completion_tokens": completion, "total_tokens": 100 + completion}


def _completion(model: str, text: str, finish_reason: str) -> dict[str, Any]:
    return {
        "id": _new_id(),
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "system_fingerprint": "fp_stub",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text, "refusal": None},
                "logprobs": None,
                "finish_reason": finish_reason,
            }
        ],
        "usage": _usage(text),
    }


def _error_response(err: Error) -> JSONResponse:
    return JSONResponse(
        {"error": {"message": err.message, "type": err.type, "param": None, "code": err.code}},
        status_code=err.status,
    )
