"""Abuse probe of the running app (``app.py`` in a subprocess on 127.0.0.1), as in issue 14:

* memory: the app's RSS before and after 20 joins of the Gradio chat with a 7,000,000-character
  question (each from a new session that never opens a heartbeat), and after eight 25 MB
  ``Transfer-Encoding: chunked`` posts to ``/api/ask``: the growth must stay under 20 MB;
* overload: 60 chats through Gradio's queue at once against one answer slot and two waiting
  places: every busy message must come within the busy timeout, and no chat may end in an
  error or Gradio's English "Queue is full".

Bounded: a fixed number of requests, each with a timeout."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from pathlib import Path
from typing import Any

from .common import Section, table
from .context import Context
from .webload import App, available

JOINS = 20
QUESTION_CHARS = 7_000_000
CHUNKED_POSTS = 8
CHUNKED_BYTES = 25_000_000
TARGET_GROWTH_MIB = 20.0
OVERLOAD_CHATS = 60
BUSY_TIMEOUT_S = 3.0


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def settle(pid: int, seconds: float = 3.0) -> float:
    time.sleep(seconds)
    return rss_mib(pid)


def joins(url: str) -> list[int]:
    import httpx

    question = "长" * QUESTION_CHARS
    statuses = []
    for _ in range(JOINS):
        body = {"data": [question, None], "fn_index": 0, "session_hash": uuid.uuid4().hex[:11], "event_data": None,
                "trigger_id": None}
        try:
            statuses.append(httpx.post(f"{url}/gradio_api/queue/join", json=body, timeout=120).status_code)
        except httpx.HTTPError:
            statuses.append(0)
    return statuses


def chunked_post(url: str, size: int, piece: int = 1 << 20) -> str:
    """The status line of a chunked post of ``size`` padding bytes to /api/ask."""
    from tests.browser.live import post_chunked  # the tests' raw request (imports the web app)

    body = b'{"question": "x"' + b" " * size + b"}"
    out = post_chunked(url, "/api/ask", body, piece=piece, timeout=120)
    return out.split(b"\r\n", 1)[0].decode(errors="replace") or "connection closed"


async def _chat(url: str, question: str, out: list[dict[str, Any]]) -> None:
    """One chat through Gradio's queue (join, then the event stream) until the event completes."""
    import httpx

    from assistant.web.gate import BUSY

    session = uuid.uuid4().hex[:11]
    t0 = time.perf_counter()
    kind = "error"
    try:
        async with httpx.AsyncClient(timeout=60) as http:
            r = await http.post(f"{url}/gradio_api/queue/join", json={
                "data": [question, None], "fn_index": 0, "session_hash": session, "event_data": None,
                "trigger_id": None})
            if r.status_code != 200:
                kind = "busy (503)" if BUSY in r.text else f"{r.status_code} {r.text[:60]}"
            else:
                async with http.stream("GET", f"{url}/gradio_api/queue/data", params={"session_hash": session}) as s:
                    async for line in s.aiter_lines():
                        if not line.startswith("data:"):
                            continue
                        msg = json.loads(line[5:])
                        if msg.get("msg") == "process_completed":
                            text = json.dumps(msg.get("output"), ensure_ascii=False)
                            kind = "busy" if BUSY in text else ("answer" if msg.get("success") else "error")
                            break
    except Exception as err:  # noqa: BLE001 - counted
        kind = type(err).__name__
    out.append({"s": time.perf_counter() - t0, "kind": kind})


def overload(url: str, questions: list[str], chats: int) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []

    async def main() -> None:
        await asyncio.gather(*(_chat(url, questions[i % len(questions)], out) for i in range(chats)))

    asyncio.run(main())
    return out


def run(ctx: Context) -> Section:
    sec = Section("Abuse probe (memory, overload)")
    why = available()
    if why:
        sec.add(f"Not run: {why}.")
        return sec
    from assistant import evaluation as ev

    index_dir = ctx.work / "web-index"
    settings = ctx.served_index(index_dir)  # built as `assistant index` builds it
    questions = [i.question for i in ev.load_qa(settings.home / "eval" / "qa.jsonl") if not i.history][:20]

    app = App(ctx, index_dir)
    try:
        app.wait()
        overload(app.url, questions, 4)  # warm: parts built on the first answers
        before = settle(app.proc.pid)
        statuses = joins(app.url)
        after_joins = settle(app.proc.pid)
        chunked = [chunked_post(app.url, CHUNKED_BYTES) for _ in range(CHUNKED_POSTS)]
        after_chunked = settle(app.proc.pid)
    finally:
        app.stop()
    growth = after_joins - before
    sec.figure(f"RSS growth after {JOINS} joins of a {QUESTION_CHARS:,}-character question", growth, "MiB",
               f"< {TARGET_GROWTH_MIB:.0f} MiB", growth < TARGET_GROWTH_MIB)
    growth_chunked = after_chunked - after_joins
    sec.figure(f"RSS growth after {CHUNKED_POSTS} chunked {CHUNKED_BYTES // 1_000_000} MB posts", growth_chunked,
               "MiB", f"< {TARGET_GROWTH_MIB:.0f} MiB", growth_chunked < TARGET_GROWTH_MIB)
    sec.add(
        "The app's RSS (VmRSS, 3 s after each step):", "",
        table(["step", "RSS (MiB)", "answers"], [
            ["after a few warm-up chats", f"{before:.0f}", ""],
            [f"{JOINS} joins, new session each, no heartbeat", f"{after_joins:.0f}",
             ", ".join(f"{s}×{statuses.count(s)}" for s in sorted(set(statuses)))],
            [f"{CHUNKED_POSTS} chunked posts to /api/ask", f"{after_chunked:.0f}", ", ".join(sorted(set(chunked)))],
        ]), "",
    )

    tight = App(ctx, index_dir, {"ASSISTANT_CONCURRENCY_LIMIT": "1", "ASSISTANT_QUEUE_MAX_SIZE": "2",
                                 "ASSISTANT_BUSY_TIMEOUT": str(BUSY_TIMEOUT_S)})
    try:
        tight.wait()
        overload(tight.url, questions, 2)
        results = overload(tight.url, questions, OVERLOAD_CHATS)
    finally:
        tight.stop()
    busy = [r["s"] for r in results if r["kind"].startswith("busy")]
    answered = [r["s"] for r in results if r["kind"] == "answer"]
    kinds = sorted({r["kind"] for r in results})
    other = sum(1 for r in results if r["kind"] not in ("answer", "busy", "busy (503)"))
    slowest = max(busy) if busy else None
    sec.figure(f"slowest busy message of {OVERLOAD_CHATS} simultaneous chats, 1 slot, 2 waiting", slowest, "s",
               f"≤ busy timeout {BUSY_TIMEOUT_S:.0f} s + 1 s", slowest is not None and slowest <= BUSY_TIMEOUT_S + 1)
    sec.figure("chats ending in an error or an English message", other, "", "0", other == 0)
    sec.add(
        f"{OVERLOAD_CHATS} chats joined Gradio's queue at once (`ASSISTANT_CONCURRENCY_LIMIT=1`, "
        f"`ASSISTANT_QUEUE_MAX_SIZE=2`, `ASSISTANT_BUSY_TIMEOUT={BUSY_TIMEOUT_S:.0f}`): "
        + ", ".join(f"{k} {sum(1 for r in results if r['kind'] == k)}" for k in kinds)
        + (f"; slowest answer {max(answered):.2f} s" if answered else "")
        + (f", slowest busy message {slowest:.2f} s" if busy else "") + ". "
        "“busy (503)” is Gradio's own queue refusing the join (its 503, rewritten to the Chinese message); "
        "“busy” is the gate's message in the chat.",
    )
    return sec
