"""The ASGI layer in front of everything (the API and Gradio's routes alike).

* Only the routes the chat page, the widget and the API use are served (an allowlist):
  any other path answers 404, a known path with the wrong method 405 with ``Allow``.
* Every request body is counted as it is received, whatever its framing (``Content-Length``
  or ``Transfer-Encoding: chunked``): above ``max_body_bytes`` the request gets 413 before
  any route reads it.
* Absolute ``Location`` headers lose their scheme and host, so the ``Host`` header a client
  sent is never reflected into a redirect.
* Gradio's own English "Queue is full" 503 becomes the Chinese busy message.
* An unexpected exception becomes a clear JSON (API) or Chinese HTML (page) 500 and one log
  line (the exception's type and where it happened; never the request body).
* Security headers on every response.
"""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger(__name__)

GET = ("GET", "HEAD")
POST = ("POST",)
GRADIO_MOUNTS = ("", "/embed")


@dataclass(frozen=True)
class Rule:
    path: str
    methods: tuple[str, ...]
    prefix: bool = False  # ``path`` is a folder: any path below it

    def matches(self, path: str) -> bool:
        return path.startswith(self.path) if self.prefix else path == self.path


def allowed_routes() -> tuple[Rule, ...]:
    """What the chat page calls (checked with a real browser: the page, its assets, the
    heartbeat, the queue, ``run/predict`` for the events outside the queue), what
    ``gradio_client`` needs for ``/chat`` (``config``, ``info``), and the app's own routes."""
    rules = [
        Rule("/healthz", GET), Rule("/api/ask", POST), Rule("/widget.js", GET), Rule("/demo", GET),
        Rule("/embed", GET),
    ]
    for mount in GRADIO_MOUNTS:
        rules += [
            Rule(mount + "/", GET), Rule(mount + "/config", GET), Rule(mount + "/theme.css", GET),
            Rule(mount + "/favicon.ico", GET), Rule(mount + "/assets/", GET, prefix=True),
            Rule(mount + "/static/", GET, prefix=True), Rule(mount + "/gradio_api/info", GET),
            Rule(mount + "/gradio_api/heartbeat/", GET, prefix=True), Rule(mount + "/gradio_api/queue/data", GET),
            Rule(mount + "/gradio_api/queue/join", POST), Rule(mount + "/gradio_api/run/predict", POST),
        ]
    return tuple(rules)


@dataclass(frozen=True)
class Messages:
    """The sentences the guard answers with (Chinese, from the wording)."""

    too_large: str
    busy: str
    failed: str


class GuardMiddleware:
    """See the module docstring. ``on_heartbeat(session, opened)`` is told when a page's
    heartbeat stream opens and closes; ``on_request()`` runs before every request."""

    def __init__(self, app: ASGIApp, *, max_body: int, frame_ancestors: str, messages: Messages,
                 on_heartbeat: Callable[[str, bool], None] | None = None,
                 on_request: Callable[[], None] | None = None) -> None:
        self.app = app
        self.max_body = max_body
        self.messages = messages
        self.rules = allowed_routes()
        self.on_heartbeat = on_heartbeat
        self.on_request = on_request
        self.headers = [
            (b"content-security-policy", f"frame-ancestors {frame_ancestors}".encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"strict-origin-when-cross-origin"),
            (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=()"),
        ]

    # ------------------------------------------------------------------ helpers
    def _with_headers(self, headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
        names = {k.lower() for k, _ in headers}
        out = []
        for k, v in headers:
            if k.lower() == b"location":
                v = _relative(v)
            out.append((k, v))
        return out + [(k, v) for k, v in self.headers if k not in names]

    async def _json(self, send: Send, status: int, body: dict[str, object], extra: list[tuple[bytes, bytes]] = ()) -> None:  # type: ignore[assignment]
        data = json.dumps(body, ensure_ascii=False).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode()), *extra]
        await send({"type": "http.response.start", "status": status, "headers": self._with_headers(headers)})
        await send({"type": "http.response.body", "body": data})

    async def _failed(self, scope: Scope, send: Send) -> None:
        accept = dict(scope.get("headers") or []).get(b"accept", b"")
        if scope.get("method") == "GET" and b"text/html" in accept:
            page = f'<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>出错了</title><p>{self.messages.failed}</p></html>'
            data = page.encode()
            headers = [(b"content-type", b"text/html; charset=utf-8"), (b"content-length", str(len(data)).encode())]
            await send({"type": "http.response.start", "status": 500, "headers": self._with_headers(headers)})
            await send({"type": "http.response.body", "body": data})
        else:
            await self._json(send, 500, {"detail": self.messages.failed, "error": self.messages.failed})

    def _check_route(self, path: str, method: str) -> tuple[int, str] | None:
        """None when the route is served; otherwise (404, "") or (405, allowed methods)."""
        rules = [r for r in self.rules if r.matches(path)]
        if not rules:
            return 404, ""
        allowed = sorted({m for r in rules for m in r.methods})
        if method in allowed or method == "OPTIONS":  # OPTIONS: CORS preflights (the CORS middleware answers)
            return None
        return 405, ", ".join(allowed)

    # ------------------------------------------------------------------ ASGI
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.on_request is not None:
            self.on_request()
        path = _route_path(scope)
        method = scope.get("method", "GET")
        refused = self._check_route(path, method)
        if refused is not None:
            status, allow = refused
            extra = [(b"allow", allow.encode())] if allow else []
            await self._json(send, status, {"detail": "Not Found" if status == 404 else "Method Not Allowed"}, extra)
            return

        headers = dict(scope.get("headers") or [])
        if b"content-length" in headers or b"transfer-encoding" in headers:
            length = headers.get(b"content-length", b"")
            if length.strip().isdigit() and int(length) > self.max_body:
                await self._json(send, 413, {"detail": self.messages.too_large})
                return
            body = await _read_body(receive, self.max_body)
            if body is None:
                await self._json(send, 413, {"detail": self.messages.too_large})
                return
            receive = _replay(body, receive)

        heartbeat = "/gradio_api/heartbeat/" in path and self.on_heartbeat is not None
        session = path.rsplit("/", 1)[-1]
        if heartbeat:
            self.on_heartbeat(session, True)  # type: ignore[misc]
        queue_join = path.endswith("/gradio_api/queue/join")
        started = False
        rewrite: int | None = None

        async def guarded_send(message: Message) -> None:
            nonlocal started, rewrite
            if message["type"] == "http.response.start":
                status = message["status"]
                if (status == 503 and queue_join) or status == 500:
                    rewrite = status  # Gradio's English (or a traceback's plain text) body is replaced below
                    return
                started = True
                message = {**message, "headers": self._with_headers(list(message.get("headers", [])))}
            elif message["type"] == "http.response.body" and rewrite is not None:
                if message.get("more_body"):
                    return
                status, rewrite = rewrite, None
                started = True
                if status == 503:
                    await self._json(send, 503, {"detail": self.messages.busy}, [(b"retry-after", b"30")])
                else:
                    await self._failed(scope, send)
                return
            await send(message)

        try:
            await self.app(scope, receive, guarded_send)
        except Exception as err:  # one line, no body, no traceback to the client
            where = traceback.extract_tb(err.__traceback__)[-1] if err.__traceback__ else None
            place = f" at {PurePosixPath(where.filename).name}:{where.lineno}" if where else ""
            log.error("%s %s failed: %s%s", method, path[:120], type(err).__name__, place)
            if not started:
                await self._failed(scope, send)
        finally:
            if heartbeat:
                self.on_heartbeat(session, False)  # type: ignore[misc]


def _route_path(scope: Scope) -> str:
    path: str = scope.get("path", "")
    root = scope.get("root_path", "")
    if root and path.startswith(root):
        path = path[len(root):]
    return path or "/"


def _relative(location: bytes) -> bytes:
    """``http://any.host/x?y`` → ``/x?y``: a redirect never names the host a client sent."""
    text = location.decode("latin-1")
    parts = urlsplit(text)
    if not parts.scheme and not parts.netloc:
        return location
    rel = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return rel.encode("latin-1")


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    """The whole body, or None as soon as more than ``limit`` bytes arrived."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # after the body: the client's disconnect

    return replay
