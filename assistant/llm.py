"""Answers written by an LLM behind an OpenAI-compatible endpoint (``answer_mode = "llm"``).

:class:`LLMAnswerer` streams an answer whose claims carry ``[k]`` markers, ``k`` being the
1-based position of a passage in the list it was given (the caller renumbers and verifies
them with :mod:`assistant.citations`). When the passages do not answer the question the
model replies exactly :data:`REFUSAL_SENTINEL`, which the caller turns into the product's
refusal.

Every failure is raised as :class:`~assistant.errors.LLMError` whose text is one
Chinese + English sentence: connection refused, HTTP errors, a call that takes longer
than ``settings.llm_timeout`` *in total* (including a server that sends its headers and
then stalls mid-stream, or trickles tokens forever), and an output that leaks
:data:`CANARY`.

How the total timeout is enforced: the HTTP call runs in a short-lived daemon worker
thread that hands deltas over a queue; the caller waits on the queue with the deadline.
When the deadline passes (or the caller stops iterating early) the socket of the
response is shut down — sockets are captured by an httpx ``response`` event hook — so
the blocked read in the worker fails at once and the worker exits. Keep-alive is off,
so a socket belongs to one call only and shutting it down never hurts another call.
A server that stalls *before* sending headers cannot be reached that way; the worker is
then released by the per-read httpx timeout (``llm_timeout``) at the latest.
"""

from __future__ import annotations

import itertools
import queue
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import openai
import yaml
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage
from langchain_openai import ChatOpenAI

from .config import Settings
from .identity import Identity
from .llm_transport import CURRENT, TRANSPORT_ERRORS, Call, limits, on_response
from .errors import LLMError
from .types import RetrievedChunk

__all__ = [
    "CANARY",
    "REFUSAL_SENTINEL",
    "LLMAnswerer",
    "build_messages",
    "build_rewrite_messages",
]

#: What the model must reply, exactly, when the passages do not answer the question.
REFUSAL_SENTINEL = "【无法回答】"

#: Secret marker in the system prompt; seeing it in an output means the prompt leaked.
CANARY = "LJ-CANARY-7f3a9c"

PROMPTS_FILE = Path(__file__).with_name("data") / "prompts.yaml"

#: Threads running an HTTP call are named with this prefix (tests check none is left).
THREAD_PREFIX = "llm-call-"

MAX_HISTORY = 3  # earlier questions shown to the model
MAX_HISTORY_CHARS = 120  # each one truncated to this length

# Tags delimiting data in the user message; removed from the data so it cannot close them.
_TAGS = re.compile(r"</?\s*(?:资料|问题|此前的提问)\s*>")


def _clean(text: str) -> str:
    return _TAGS.sub(" ", text).strip()


def _history_block(history: Sequence[str]) -> str:
    recent = [_clean(h) for h in history if h and h.strip()][-MAX_HISTORY:]
    if not recent:
        return ""
    lines = []
    for i, h in enumerate(recent, 1):
        h = " ".join(h.split())
        if len(h) > MAX_HISTORY_CHARS:
            h = h[:MAX_HISTORY_CHARS] + "…"
        lines.append(f"{i}. {h}")
    return "<此前的提问>\n" + "\n".join(lines) + "\n</此前的提问>\n\n"


def _passage_line(k: int, r: RetrievedChunk) -> str:
    where = r.chunk.section or r.chunk.title or r.chunk.source
    return f"[{k}] ({_clean(where)}) {_clean(r.chunk.text)}"


def prompts(identity: Identity | None = None) -> dict[str, str]:
    """The system prompts of ``data/prompts.yaml`` for a deployment (``identity``; without
    one they speak of 这份文件)."""
    document = identity.document if identity is not None else "这份文件"
    source = identity.source_name if identity is not None else "这份文件"
    data = yaml.safe_load(PROMPTS_FILE.read_text(encoding="utf-8"))
    fields = {"document": document, "source": source, "sentinel": REFUSAL_SENTINEL, "canary": CANARY}
    return {str(k): str(v).format_map(fields) for k, v in data.items()}


def build_messages(
    question: str, passages: Sequence[RetrievedChunk], history: Sequence[str] = (), system: str | None = None,
) -> list[BaseMessage]:
    """The prompt: fixed system rules, then the user message with (briefly) the earlier
    questions, the numbered passages ``[k] (section path) text`` and the question."""
    n = len(passages)
    numbered = "\n".join(_passage_line(k, r) for k, r in enumerate(passages, 1))
    allowed = f"[1]–[{n}]" if n > 1 else "[1]"
    user = (
        _history_block(history)
        + (
            "以上是市民此前的提问，仅用于理解当前问题的指代，不需要回答。\n\n"
            if history and any(h.strip() for h in history)
            else ""
        )
        + f"<资料>\n{numbered}\n</资料>\n\n"
        + f"<问题>\n{_clean(question)}\n</问题>\n\n"
        + f"请只依据以上资料，用简体中文作答，每项陈述后标注出处编号（可用编号：{allowed}）；"
        + f"资料不能回答时只回复“{REFUSAL_SENTINEL}”。"
    )
    return [SystemMessage(content=system or prompts()["system"]), HumanMessage(content=user)]


def build_rewrite_messages(question: str, history: Sequence[str], system: str | None = None) -> list[BaseMessage]:
    """Prompt for :meth:`LLMAnswerer.rewrite`."""
    user = (
        _history_block(history)
        + f"<问题>\n{_clean(question)}\n</问题>\n\n改写后的完整问题："
    )
    return [SystemMessage(content=system or prompts()["rewrite"]), HumanMessage(content=user)]


# ---------------------------------------------------------------------------- leaks
_LEAK_MARKERS = (CANARY.lower(), CANARY.rsplit("-", 1)[-1].lower())  # full, and "7f3a9c"


def _leaks(text: str) -> bool:
    low = text.lower()
    return any(m in low for m in _LEAK_MARKERS)


def _unsafe_tail(text: str) -> int:
    """Length of the longest end of ``text`` that could be the start of a leak marker
    (held back until the next delta shows whether the marker completes)."""
    low = text.lower()
    best = 0
    for m in _LEAK_MARKERS:
        for k in range(min(len(m) - 1, len(low)), best, -1):
            if low.endswith(m[:k]):
                best = k
                break
    return best


# ---------------------------------------------------------------------------- calls
_SEQ = itertools.count(1)
_ITEM, _DONE, _ERROR = "item", "done", "error"


def _chunk_text(chunk: Any) -> str:
    content = getattr(chunk, "content", "")
    if isinstance(content, str):
        return content
    parts = []
    for block in content or ():
        if isinstance(block, str):
            parts.append(block)
        elif isinstance(block, dict) and block.get("type") == "text":
            parts.append(str(block.get("text", "")))
    return "".join(parts)


class LLMAnswerer:
    """Streams cited answers and rewrites follow-up questions with an OpenAI-compatible LLM.

    Safe to share between threads: every call has its own worker thread and connection.
    """

    def __init__(self, settings: Settings, identity: Identity | None = None) -> None:
        if not settings.llm_base_url:
            raise LLMError(
                "未配置大模型服务地址，请设置 ASSISTANT_LLM_BASE_URL"
                "（no LLM endpoint is configured: set ASSISTANT_LLM_BASE_URL）。"
            )
        self.settings = settings
        self.prompts = prompts(identity)
        self.base_url = settings.llm_base_url
        self.timeout = float(settings.llm_timeout)
        # Our own client: the response hook lets a call be aborted, and no keep-alive
        # means a socket is never shared between calls.
        self._http = openai.DefaultHttpxClient(event_hooks={"response": [on_response]}, limits=limits())
        self.chat = ChatOpenAI(
            base_url=settings.llm_base_url, model=settings.llm_model, api_key=settings.llm_api_key,
            timeout=settings.llm_timeout, max_retries=0, streaming=True, temperature=0, http_client=self._http,
        )

    # ------------------------------------------------------------------ public API
    def stream(
        self, question: str, passages: Sequence[RetrievedChunk], history: Sequence[str] = ()
    ) -> Iterator[str]:
        """Yield text deltas of an answer whose claims carry [k] markers, k = 1-based
        position in ``passages``; :data:`REFUSAL_SENTINEL` when they do not answer.

        Raises :class:`LLMError` on connection error, HTTP error, timeout (total wall time
        over ``settings.llm_timeout``) or when the output contains the canary. Text that
        could be the beginning of the canary is held back until it is known not to be.
        """
        if not passages:  # nothing to answer from: no need to ask
            yield REFUSAL_SENTINEL
            return
        messages = build_messages(question, passages, history, self.prompts["system"])
        full = ""
        pending = ""
        run = self._run(lambda: self._deltas(messages))
        try:
            for delta in run:
                full += delta
                if _leaks(full):
                    raise self._canary_error()
                pending += delta
                hold = min(_unsafe_tail(full), len(pending))
                emit, pending = pending[: len(pending) - hold], pending[len(pending) - hold :]
                if emit:
                    yield emit
        finally:
            run.close()  # stopped early or failed: abort the call now, not at garbage collection
        if pending:
            yield pending

    def rewrite(self, question: str, history: Sequence[str]) -> str:
        """Rewrite a follow-up question into a standalone one using the earlier questions
        (non-streaming; same total timeout). Without history the question is returned as is.
        Raises :class:`LLMError` on failure or an empty/unusable output."""
        if not any(h.strip() for h in history):
            return question
        messages = build_rewrite_messages(question, history, self.prompts["rewrite"])
        results = list(self._run(lambda: self._invoke(messages)))
        text = results[0] if results else ""
        if _leaks(text):
            raise self._canary_error()
        line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
        line = re.sub(r"^(?:改写后的(?:完整)?问题|完整问题|问题)\s*[:：]\s*", "", line)
        line = line.strip().strip("\"'“”「」").strip()
        if not line:
            raise LLMError(
                "大模型服务没有返回改写后的问题（the LLM endpoint returned no rewritten question）。"
            )
        return line

    def close(self) -> None:
        """Close the HTTP client (its connections)."""
        self._http.close()

    def __enter__(self) -> "LLMAnswerer":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ producers
    def _deltas(self, messages: list[BaseMessage]) -> Iterator[str]:
        it = self.chat.stream(messages)
        try:
            for chunk in it:
                text = _chunk_text(chunk)
                if text:
                    yield text
        finally:
            it.close()  # closes the HTTP response when stopped early

    def _invoke(self, messages: list[BaseMessage]) -> Iterator[str]:
        yield _chunk_text(self.chat.invoke(messages, stream=False))

    # ------------------------------------------------------------------ deadline
    def _run(self, produce: Callable[[], Iterable[str]]) -> Iterator[str]:
        """Run ``produce`` in a worker thread; yield its items until the total deadline.

        On timeout, on an error, or when the caller stops early, the call's sockets are
        shut down so the worker does not stay blocked on a stalled server.
        """
        call = Call()
        q: queue.SimpleQueue[tuple[str, Any]] = queue.SimpleQueue()

        def work() -> None:
            CURRENT.set(call)
            try:
                it = produce()
                try:
                    for item in it:
                        if call.aborted:
                            return
                        q.put((_ITEM, item))
                finally:
                    close = getattr(it, "close", None)
                    if close is not None:
                        close()
            except BaseException as exc:  # handed over to the waiting thread
                q.put((_ERROR, exc))
                return
            q.put((_DONE, None))

        worker = threading.Thread(target=work, name=f"{THREAD_PREFIX}{next(_SEQ)}", daemon=True)
        deadline = time.monotonic() + self.timeout
        finished = False
        worker.start()
        try:
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise self._timeout_error()
                try:
                    kind, value = q.get(timeout=remaining)
                except queue.Empty:
                    raise self._timeout_error() from None
                if kind == _ITEM:
                    yield value
                elif kind == _DONE:
                    finished = True
                    return
                else:
                    finished = True
                    raise self._translate(value) from value
        finally:
            if not finished:
                call.abort()

    # ------------------------------------------------------------------ errors
    def _timeout_error(self) -> LLMError:
        return LLMError(
            f"大模型服务在 {self.timeout:g} 秒内没有完成回答，请稍后再试"
            f"（the LLM endpoint did not finish answering within {self.timeout:g} s）。"
        )

    def _canary_error(self) -> LLMError:
        return LLMError(
            "大模型的输出包含受保护的内部内容，已被拦截"
            "（the LLM output contained protected prompt content and was blocked）。"
        )

    def _translate(self, exc: BaseException) -> LLMError:
        if isinstance(exc, LLMError):
            return exc
        if isinstance(exc, openai.APITimeoutError):
            return self._timeout_error()
        if isinstance(exc, openai.APIStatusError):
            detail = " ".join(str(getattr(exc, "message", "") or "").split())[:200]
            return LLMError(
                f"大模型服务返回错误 HTTP {exc.status_code}"
                f"（the LLM endpoint at {self.base_url} returned HTTP {exc.status_code}: {detail}）。"
            )
        if isinstance(exc, openai.APIConnectionError):
            return LLMError(
                f"无法连接大模型服务 {self.base_url}，请确认服务已启动"
                f"（could not connect to the LLM endpoint at {self.base_url}; is it running?）。"
            )
        if isinstance(exc, TRANSPORT_ERRORS):
            return LLMError(
                f"与大模型服务 {self.base_url} 的连接中断"
                f"（the connection to the LLM endpoint at {self.base_url} broke off: "
                f"{type(exc).__name__}）。"
            )
        return LLMError(
            f"大模型服务返回了无法使用的结果"
            f"（the LLM endpoint at {self.base_url} returned an unusable response: "
            f"{type(exc).__name__}: {str(exc)[:200]}）。"
        )
