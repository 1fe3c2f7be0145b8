"""The FastAPI application: the Gradio chat (``/`` and ``/embed``) plus ``/healthz``,
``POST /api/ask``, ``/widget.js`` and ``/demo``.

Hardening: the route allowlist, body limit, redirects and error pages of :mod:`.guard`; a
strict CORS allowlist; ``frame-ancestors`` from the settings; question-length limits; a busy
gate instead of crashes; bounded chat sessions (:mod:`.sessions`); an index that cannot be
opened makes a maintenance notice and 503s, not a dead app.
"""

from __future__ import annotations

import html
import logging
import uuid
from pathlib import Path
from typing import Any

import gradio as gr
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from ..config import Settings
from ..errors import AssistantError
from ..feedback import FeedbackStore
from ..masking import install_log_masking
from ..pipeline import Assistant
from ..unanswered import UnansweredLog, UnansweredStore, model_key
from .chat import ChatService, build_chat
from .gate import BUSY, Availability, BusyGate
from .guard import GuardMiddleware, Messages
from .sessions import SessionKeeper

log = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parents[1] / "static"
BAD_REQUEST = '请求格式不对：请发送 JSON，例如 {{"question": "{example}", "history": []}}。'
HISTORY_MAX = 20
#: Event slots Gradio keeps beyond the gate's capacity, so that a question the gate turns
#: away gets its busy message at once instead of waiting in Gradio's own queue.
SPARE_SLOTS = 16


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(description="The citizen's question.")
    history: list[str] = Field(default_factory=list, max_length=HISTORY_MAX, description="Earlier questions, oldest first.")


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
    install_log_masking()  # no ID or phone number, e-mail address in the logs
    gate = BusyGate(web.concurrency_limit, web.queue_max_size, web.busy_timeout, patience=web.busy_patience,
                    size_cap=settings.max_question_chars)
    feedback = FeedbackStore(web.feedback_path, retention_days=web.feedback_retention_days)
    try:
        feedback.purge()
    except Exception:  # a read-only disk must not stop the chat
        log.exception("feedback database %s is not usable", feedback.path)
    health = Availability(lambda: assistant.index)
    unanswered = UnansweredLog(
        UnansweredStore(web.feedback_path, retention_days=web.feedback_retention_days), enabled=web.unanswered_log,
        embed=lambda texts: assistant.embedder.embed_queries([assistant.embedder.bounded_query(t) for t in texts]), model=model_key(settings),
    )
    unanswered.purge()
    service = ChatService(assistant, gate, feedback, health, unanswered)
    say = assistant.wording

    if warm_up:  # load the model, the index and the tokenizer now, not on the first visitor's question
        try:
            assistant.warm_up()
        except Exception as err:  # the app still starts: /healthz 503, a maintenance notice in the chat
            log.error("the index cannot be opened: %s", health.failed(err))

    identity = assistant.identity
    example = identity.examples[0] if identity.examples else identity.warm_up
    sessions = SessionKeeper(web.max_sessions, web.session_timeout)
    app = FastAPI(title=identity.title, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.assistant = assistant
    app.state.gate = gate
    app.state.feedback = feedback
    app.state.unanswered = unanswered
    app.state.web = web
    app.state.health = health
    app.state.sessions = sessions
    app.add_middleware(
        CORSMiddleware,
        allow_origins=list(web.cors_origins),
        allow_methods=["GET", "POST"],
        allow_headers=["content-type"],
        allow_credentials=False,
        max_age=600,
    )
    app.add_middleware(
        GuardMiddleware, max_body=web.max_body_bytes, frame_ancestors=web.frame_ancestors,
        messages=Messages(too_large=say("too_large"), busy=BUSY, failed=say("failed")),
        on_heartbeat=sessions.heartbeat, on_request=sessions.maybe_sweep,
    )

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": BAD_REQUEST.format(example=example), "errors": jsonable_errors(exc)}, status_code=422)

    @app.get("/healthz")
    def healthz() -> JSONResponse:
        problem = health.problem
        if problem is None:
            try:
                manifest = assistant.index.manifest
            except Exception as err:
                problem = health.failed(err)
        if problem is not None:
            return JSONResponse({"status": "unavailable", "index_loaded": False, "detail": problem}, status_code=503)
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
        too_long = say("too_long", limit=limit)
        if len(body.question.strip()) > limit:
            return JSONResponse({"detail": too_long, "max_question_chars": limit}, status_code=413)
        if any(len(h.strip()) > limit for h in body.history):
            return JSONResponse({"detail": "对话历史中的" + too_long, "max_question_chars": limit}, status_code=413)
        if not all(map(readable, [body.question, *body.history])):
            return JSONResponse({"detail": say("unreadable")}, status_code=400)
        problem = health.problem
        if problem is not None:
            return JSONResponse({"detail": f"{say('maintenance')}（{problem}）"}, status_code=503)
        with gate.slot(len(body.question)) as admitted:
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

    demo_cache: dict[str, str] = {}  # filled on the first visit while the index is open

    @app.get("/demo")
    def demo_page() -> HTMLResponse:
        page = demo_cache.get("page")
        if page is None:
            page = render_demo((STATIC / "demo.html").read_text(encoding="utf-8"), assistant)
            if health.problem is None:
                demo_cache["page"] = page
        return HTMLResponse(page)

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
    # Gradio runs every queued chat event at once (no concurrency limit of its own, enough
    # threads): the gate alone decides, so a visitor it turns away is told within busy_timeout.
    threads = web.concurrency_limit + web.queue_max_size + SPARE_SLOTS
    mounted = []
    for path, compact in (("/embed", True), ("/", False)):
        blocks = build_chat(service, compact=compact, retention_days=web.feedback_retention_days)
        blocks.queue(default_concurrency_limit=web.concurrency_limit, max_size=threads)  # waiting for a thread
        blocks.max_threads = max(40, threads)
        blocks._queue.max_thread_count = blocks.max_threads  # what queue(max_threads=…) would set at launch()
        blocks.state_session_capacity = web.max_sessions
        # A public prefix (web.root_path) is given to uvicorn (app.py), which puts it in the ASGI
        # scope; Gradio builds its URLs from the scope, so no root_path is passed here.
        gr.mount_gradio_app(app, blocks, path=path, **common)
        mounted.append(blocks)
    sessions.attach([b.state_holder for b in mounted])
    app.state.blocks = mounted
    return app


def jsonable_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    return [{"loc": list(e.get("loc", ())), "msg": str(e.get("msg", ""))} for e in exc.errors()]


def readable(text: str) -> bool:
    """False for text that cannot be written as UTF-8 (a lone surrogate such as ``"\\ud800"``)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def render_demo(template: str, assistant: Assistant) -> str:
    """The demo page filled with the deployment's identity and the opening of its first
    document (escaped; none while the index cannot be opened)."""
    identity = assistant.identity
    try:
        chunks = assistant.index.chunks
    except Exception:
        chunks = []
    first = next((c.text for c in chunks if c.text.strip()), "")
    summary = first if len(first) <= 200 else first[:200] + "……"
    values = {
        "title": identity.title, "organisation": identity.organisation or identity.issuer, "issuer": identity.issuer,
        "short": identity.short_name, "example": identity.examples[0] if identity.examples else identity.warm_up,
        "summary": summary,
    }
    for key, value in values.items():
        template = template.replace("{{" + key + "}}", html.escape(value))
    return template
