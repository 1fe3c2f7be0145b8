"""The FastAPI application: the Gradio chat (``/`` and ``/embed``) plus ``/healthz``,
``POST /api/ask``, ``/widget.js`` and ``/demo``.

Hardening lives here: no file uploads, strict CORS allowlist, ``frame-ancestors`` from the
settings, body-size and question-length limits, a busy gate instead of crashes.
"""

from __future__ import annotations

import html
import logging
import uuid
from functools import cache
from pathlib import Path
from typing import Any

import gradio as gr
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..config import Settings
from ..errors import AssistantError
from ..feedback import FeedbackStore
from ..pipeline import Assistant
from ..unanswered import UnansweredLog, UnansweredStore, model_key
from .chat import ChatService, build_chat
from .gate import BUSY, BusyGate

log = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parents[1] / "static"
BAD_REQUEST = '请求格式不对：请发送 JSON，例如 {{"question": "{example}", "history": []}}。'
BODY_TOO_LARGE = "请求内容太大了，请精简后再试。"
HISTORY_MAX = 20

# Gradio routes that a chat without file components does not need.
_BLOCKED_SUFFIXES = ("/gradio_api/upload", "/gradio_api/upload_progress")
_BLOCKED_PARTS = ("/gradio_api/file=", "/gradio_api/mcp")


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(description="The citizen's question.")
    history: list[str] = Field(default_factory=list, max_length=HISTORY_MAX, description="Earlier questions, oldest first.")


class HardeningMiddleware:
    """Security headers on every response; blocked upload/file routes; body-size limit on /api/."""

    def __init__(self, app: ASGIApp, web: Settings) -> None:
        self.app = app
        self.max_body = web.max_body_bytes
        self.headers = [
            (b"content-security-policy", f"frame-ancestors {web.frame_ancestors}".encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"strict-origin-when-cross-origin"),
            (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=()"),
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        if path.endswith(_BLOCKED_SUFFIXES) or any(part in path for part in _BLOCKED_PARTS):
            await JSONResponse({"detail": "Not Found"}, status_code=404)(scope, receive, send)
            return
        if path.startswith("/api/"):
            length = dict(scope.get("headers") or []).get(b"content-length")
            if length is not None and length.isdigit() and int(length) > self.max_body:
                await JSONResponse({"detail": BODY_TOO_LARGE}, status_code=413)(scope, receive, send)
                return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in self.headers if k not in names]
                message = {**message, "headers": list(message.get("headers", [])) + extra}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _theme() -> gr.themes.Base:
    text = gr.themes.Size(name="text_senior", xxs="16px", xs="18px", sm="18px", md="18px", lg="20px", xl="26px", xxl="32px")
    font = ("PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC",
            "WenQuanYi Micro Hei", "system-ui", "sans-serif")
    return gr.themes.Default(
        primary_hue=gr.themes.colors.blue, neutral_hue=gr.themes.colors.slate, text_size=text, font=font,
        font_mono=("ui-monospace", "monospace"),
    ).set(
        body_text_color="#1a1a1a",
        body_text_color_subdued="#404040",
        block_label_text_color="#1a1a1a",
        block_title_text_color="#1a1a1a",
        input_placeholder_color="#595959",
        button_primary_background_fill="#0b4f9c",
        button_primary_background_fill_hover="#083d7a",
        button_primary_text_color="#ffffff",
        button_secondary_text_color="#1a1a1a",
        color_accent="#0b4f9c",
        color_accent_soft="#e6eef8",
    )


def create_app(assistant: Assistant, web: Settings | None = None, *, warm_up: bool = True) -> FastAPI:
    """Everything the server needs, built around one shared :class:`Assistant`.

    ``web`` gives the serving, hardening and feedback settings (default: the assistant's own
    settings); the address, the question limit and the answer mode are the assistant's."""
    settings = assistant.settings
    web = web or settings
    gate = BusyGate(web.concurrency_limit, web.queue_max_size, web.busy_timeout)
    feedback = FeedbackStore(web.feedback_path, retention_days=web.feedback_retention_days)
    try:
        feedback.purge()
    except Exception:  # a read-only disk must not stop the chat
        log.exception("feedback database %s is not usable", feedback.path)
    unanswered = UnansweredLog(
        UnansweredStore(web.feedback_path, retention_days=web.feedback_retention_days), enabled=web.unanswered_log,
        embed=lambda texts: assistant.embedder.embed_queries(texts), model=model_key(settings),
    )
    unanswered.purge()
    service = ChatService(assistant, gate, feedback, unanswered)

    if warm_up:  # load the model, the index and the tokenizer now, not on the first visitor's question
        assistant.warm_up()

    identity = assistant.identity
    example = identity.examples[0] if identity.examples else identity.warm_up
    app = FastAPI(title=identity.title, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.assistant = assistant
    app.state.gate = gate
    app.state.feedback = feedback
    app.state.unanswered = unanswered
    app.state.web = web
    app.add_middleware(
        CORSMiddleware,
        allow_origins=list(web.cors_origins),
        allow_methods=["GET", "POST"],
        allow_headers=["content-type"],
        allow_credentials=False,
        max_age=600,
    )
    app.add_middleware(HardeningMiddleware, web=web)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": BAD_REQUEST.format(example=example), "errors": jsonable_errors(exc)}, status_code=422)

    @app.get("/healthz")
    def healthz() -> JSONResponse:
        try:
            manifest = assistant.index.manifest
        except AssistantError as err:
            return JSONResponse({"status": "error", "index_loaded": False, "detail": str(err)}, status_code=503)
        return JSONResponse({
            "status": "ok",
            "index_loaded": True,
            "model": manifest["embedding"]["name"],
            "dimension": manifest["embedding"].get("dimension"),
            "chunk_count": manifest["chunk_count"],
            "corpus_hash": manifest["corpus_hash"],
            "build_id": manifest.get("build_id"),
            "built_at": manifest.get("created_at"),
            "answer_mode": settings.answer_mode,
        })

    @app.post("/api/ask")
    def api_ask(body: AskRequest) -> Response:
        limit = settings.max_question_chars
        too_long = assistant.wording("too_long", limit=limit)
        if len(body.question.strip()) > limit:
            return JSONResponse({"detail": too_long, "max_question_chars": limit}, status_code=413)
        if any(len(h.strip()) > limit for h in body.history):
            return JSONResponse({"detail": "对话历史中的" + too_long, "max_question_chars": limit}, status_code=413)
        with gate.slot() as admitted:
            if not admitted:
                return JSONResponse({"detail": BUSY}, status_code=503, headers={"Retry-After": "30"})
            try:
                answer = assistant.ask(body.question, history=body.history)
            except AssistantError as err:
                log.error("api/ask: %s", err)
                return JSONResponse({"detail": f"暂时无法回答：{err}"}, status_code=503)
            unanswered.answered(uuid.uuid4().hex, body.question, answer, "api")
        return JSONResponse(answer.to_json())

    @app.get("/widget.js")
    def widget_js() -> FileResponse:
        return FileResponse(
            STATIC / "widget.js",
            media_type="text/javascript; charset=utf-8",
            headers={"Cache-Control": "public, max-age=300", "Cross-Origin-Resource-Policy": "cross-origin"},
        )

    @app.get("/embed", include_in_schema=False)
    def embed_slash(request: Request) -> RedirectResponse:
        query = request.url.query
        return RedirectResponse("embed/" + (f"?{query}" if query else ""), status_code=307)

    @cache
    def demo_html() -> str:  # on the first visit: the index may not be open yet
        return render_demo((STATIC / "demo.html").read_text(encoding="utf-8"), assistant)

    @app.get("/demo")
    def demo_page() -> HTMLResponse:
        return HTMLResponse(demo_html())

    common: dict[str, Any] = {
        "theme": _theme(),
        "css_paths": [STATIC / "chat.css"],
        "js": "() => { document.documentElement.lang = 'zh-CN'; }",  # Gradio's page says lang="en"
        "ssr_mode": False,
        "footer_links": [],
        "run_history": False,
        "mcp_server": False,
        "pwa": False,
        "show_error": False,
        "max_file_size": 1024,
        "allowed_paths": None,
        "server_name": settings.host,
        "server_port": settings.port,
    }
    threads = web.concurrency_limit + web.queue_max_size + 8
    for path, compact in (("/embed", True), ("/", False)):
        blocks = build_chat(service, compact=compact, retention_days=web.feedback_retention_days)
        blocks.queue(default_concurrency_limit=web.concurrency_limit, max_size=web.queue_max_size + web.concurrency_limit)
        blocks.max_threads = max(40, threads)
        # A public prefix (web.root_path) is given to uvicorn (app.py), which puts it in the ASGI
        # scope; Gradio builds its URLs from the scope, so no root_path is passed here.
        gr.mount_gradio_app(app, blocks, path=path, **common)
    return app


def jsonable_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    return [{"loc": list(e.get("loc", ())), "msg": str(e.get("msg", ""))} for e in exc.errors()]


def render_demo(template: str, assistant: Assistant) -> str:
    """The demo page filled with the deployment's identity and the opening of its first
    document (escaped)."""
    identity = assistant.identity
    first = next((c.text for c in assistant.index.chunks if c.text.strip()), "")
    summary = first if len(first) <= 200 else first[:200] + "……"
    values = {
        "title": identity.title, "organisation": identity.organisation or identity.issuer, "issuer": identity.issuer,
        "short": identity.short_name, "example": identity.examples[0] if identity.examples else identity.warm_up,
        "summary": summary,
    }
    for key, value in values.items():
        template = template.replace("{{" + key + "}}", html.escape(value))
    return template
