"""The web app under abuse and faults, against real servers on 127.0.0.1 (the real model and
index): body limits that hold for chunked bodies, bounded chat sessions and state, a broken
index, undecodable input and unexpected exceptions, the routes Gradio serves, redirects,
overload and oversized feedback. Every probe is bounded in count and time."""

from __future__ import annotations

import json
import logging
import shutil
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from assistant.config import Settings
from assistant.feedback import NOT_HELPFUL, FeedbackStore
from assistant.index.layout import IndexLayout
from assistant.pipeline import Assistant
from assistant.web.chat import MAX_TURNS, ChatService
from assistant.web.gate import BUSY, BusyGate
from tests.browser.live import ROOT, LiveServer, shared_server, stop_shared
from tests.browser.live import chat_text as last_answer, gradio_client as client, post_chunked

Q = "生态安全领域投资多少？"
TOO_LARGE = "请求内容太大了"
SECURITY = ("content-security-policy", "x-content-type-options", "referrer-policy", "permissions-policy")


@pytest.fixture(scope="module")
def live(plan_assistant: Assistant, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    yield shared_server(plan_assistant, tmp_path_factory.mktemp("web"))
    stop_shared()


@pytest.fixture(scope="module")
def tight(plan_assistant: Assistant, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One answer at a time, one waiting, a short busy timeout, few sessions that expire fast."""
    web = Settings(home=ROOT, feedback_db=tmp_path_factory.mktemp("tight") / "fb.sqlite3", concurrency_limit=1,
                   queue_max_size=1, busy_timeout=2, max_sessions=6, session_timeout=1)
    server = LiveServer(plan_assistant, web).start()
    yield server
    server.stop()


def dependency(server: LiveServer, name: str) -> tuple[int, int]:
    """(fn_index, trigger id) of a chat event by its function name."""
    config = httpx.get(server.url + "/config").json()
    for i, dep in enumerate(config["dependencies"]):
        if dep.get("api_name") == name:
            return dep.get("id", i), dep["targets"][0][0]
    raise KeyError(name)


def join(url: str, question: str, session: str, mount: str = "") -> httpx.Response:
    body = {"data": [question, None], "fn_index": 0, "session_hash": session, "event_data": None, "trigger_id": None}
    return httpx.post(f"{url}{mount}/gradio_api/queue/join", json=body, timeout=60)


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from strings(v)


def wait_for(condition: Any, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


# ----------------------------------------------------------------------------- item 2: memory through the chat
def test_every_chat_route_has_a_body_limit(live: LiveServer) -> None:
    before = live.app.state.sessions.count
    huge = "长" * 7_000_000
    for mount in ("", "/embed"):
        r = join(live.url, huge, uuid.uuid4().hex[:11], mount)
        assert r.status_code == 413 and TOO_LARGE in r.json()["detail"]
        r = httpx.post(f"{live.url}{mount}/gradio_api/run/predict", json={"data": [huge], "fn_index": 1}, timeout=60)
        assert r.status_code == 413
    assert live.app.state.sessions.count == before  # nothing of it was kept


def test_a_refused_question_and_a_long_conversation_stay_small(tight: LiveServer, plan_assistant: Assistant) -> None:
    limit = plan_assistant.settings.max_question_chars
    c = client(tight.url)
    for _ in range(MAX_TURNS + 3):  # refused before any work: quick
        out = c.predict("长" * 10_000, api_name="/chat")
    assert "问题太长" in last_answer(out)
    session = tight.app.state.blocks[1].state_holder.session_data[c.session_hash]
    texts = list(strings(session.state_data))
    assert texts and max(map(len, texts)) < limit + 400  # the 10,000 characters are not kept
    turns = [v for v in session.state_data.values() if isinstance(v, list)]
    assert turns and max(map(len, turns)) <= MAX_TURNS


def test_sessions_without_heartbeat_expire_and_are_bounded(tight: LiveServer) -> None:
    sessions = tight.app.state.sessions
    holder = tight.app.state.blocks[1].state_holder
    ids = [uuid.uuid4().hex[:11] for _ in range(10)]
    for sid in ids:  # no heartbeat: like a script that joins and goes away
        assert join(tight.url, "", sid).status_code == 200
    assert wait_for(lambda: any(s in holder.session_data for s in ids[-3:]))
    assert len(holder.session_data) <= sessions.max_sessions
    # after the timeout (1 s here) the next request sweeps them away
    assert wait_for(lambda: httpx.get(tight.url + "/healthz").status_code == 200
                    and not any(s in holder.session_data for s in ids))


def test_a_session_with_an_open_page_is_kept(tight: LiveServer) -> None:
    holder = tight.app.state.blocks[1].state_holder
    sid = uuid.uuid4().hex[:11]
    stop = threading.Event()

    def beat() -> None:  # the page's heartbeat stream, open until the test ends
        with httpx.stream("GET", f"{tight.url}/gradio_api/heartbeat/{sid}", timeout=30) as r:
            for _ in r.iter_lines():
                if stop.is_set():
                    return

    thread = threading.Thread(target=beat, daemon=True)
    thread.start()
    try:
        assert join(tight.url, "", sid).status_code == 200
        assert wait_for(lambda: sid in holder.session_data)
        time.sleep(1.5)  # longer than the session timeout
        httpx.get(tight.url + "/healthz")
        tight.app.state.sessions.sweep()
        assert sid in holder.session_data
    finally:
        stop.set()


def test_a_rating_stores_bounded_texts(plan_assistant: Assistant, tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "fb.sqlite3")
    service = ChatService(plan_assistant, BusyGate(1, 0, 1), store)
    *_, (_, _, turns) = service.chat("长" * 7_000_000, [])
    service.rate(turns[-1], NOT_HELPFUL, "web")
    row = store.rows()[0]
    assert len(row["question"]) <= plan_assistant.settings.max_question_chars and len(row["answer"]) < 3000
    assert (tmp_path / "fb.sqlite3").stat().st_size < 200_000


# ----------------------------------------------------------------------------- item 3: chunked bodies
def test_chunked_bodies_over_the_limit_get_413(live: LiveServer) -> None:
    padded = b'{"question": "' + Q.encode() + b'"' + b" " * 1_000_000 + b"}"
    raw = post_chunked(live.url, "/api/ask", padded)
    head, _, body = raw.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413"), head[:80]
    assert TOO_LARGE in json.loads(body)["detail"]
    assert post_chunked(live.url, "/gradio_api/queue/join", padded).startswith(b"HTTP/1.1 413")
    small = post_chunked(live.url, "/api/ask", json.dumps({"question": Q}).encode(), piece=7)  # a small chunked body is read
    assert small.startswith(b"HTTP/1.1 200") and "12.74亿元".encode() in small


# ----------------------------------------------------------------------------- item 6: a broken index
@pytest.fixture(scope="module", params=["manifest", "chroma"])
def broken(request: pytest.FixtureRequest, plan_assistant: Assistant, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A copy of the real index, corrupted: ``manifest.json`` = ``[]``, or ``chroma/`` deleted."""
    tmp = tmp_path_factory.mktemp("broken")
    shutil.copytree(plan_assistant.settings.index_path, tmp / "index")
    build = IndexLayout(tmp / "index").current()
    assert build is not None
    if request.param == "manifest":
        (build / "manifest.json").write_text("[]", encoding="utf-8")
    else:
        shutil.rmtree(build / "chroma")
    settings = plan_assistant.settings.model_copy(update={"index_dir": tmp / "index"})
    assistant = Assistant(settings, embedder=plan_assistant.embedder)
    server = LiveServer(assistant, Settings(home=ROOT, feedback_db=tmp / "fb.sqlite3"))
    server.thread.start()
    assert wait_for(lambda: _answers(server.url + "/healthz"), 60)
    yield server
    server.stop()


def _answers(url: str) -> bool:
    try:
        httpx.get(url, timeout=2)
    except httpx.TransportError:
        return False
    return True


def test_a_broken_index_is_a_maintenance_notice(broken: LiveServer, plan_assistant: Assistant) -> None:
    maintenance = plan_assistant.wording("maintenance")
    r = httpx.get(broken.url + "/healthz")
    assert r.status_code == 503
    body = r.json()
    assert body["status"] == "unavailable" and body["detail"] and "\n" not in body["detail"]
    assert "Traceback" not in body["detail"]
    r = httpx.post(broken.url + "/api/ask", json={"question": Q})
    assert r.status_code == 503 and body["detail"] in r.json()["detail"] and maintenance in r.json()["detail"]
    config = httpx.get(broken.url + "/config").json()
    notice = [c for c in config["components"] if c.get("props", {}).get("elem_id") == "maintenance"]
    assert notice and notice[0]["props"]["visible"] is True and maintenance in notice[0]["props"]["value"]
    assert maintenance in last_answer(client(broken.url).predict(Q, api_name="/chat"))
    assert httpx.get(broken.url + "/demo").status_code == 200


def test_a_working_index_shows_no_maintenance_notice(live: LiveServer) -> None:
    config = httpx.get(live.url + "/config").json()
    notice = [c for c in config["components"] if c.get("props", {}).get("elem_id") == "maintenance"]
    assert notice and notice[0]["props"]["visible"] is False


# ----------------------------------------------------------------------------- item 7: bad input, unexpected errors
def test_a_lone_surrogate_is_a_clear_400(live: LiveServer) -> None:
    for payload in (b'{"question": "\\ud800"}', b'{"question": "x", "history": ["\\udfff"]}'):
        r = httpx.post(live.url + "/api/ask", content=payload, headers={"content-type": "application/json"})
        assert r.status_code == 400 and r.headers["content-type"] == "application/json"
        assert "无法识别" in r.json()["detail"]
        assert all(h in r.headers for h in SECURITY)
    # the chat answers anyway (the JSON is written by hand: clients refuse to encode a lone surrogate)
    session = uuid.uuid4().hex[:11]
    raw = '{"data": ["\\ud800%s", null], "fn_index": 0, "session_hash": "%s"}' % (Q, session)
    r = httpx.post(live.url + "/gradio_api/queue/join", content=raw.encode(), headers={"content-type": "application/json"})
    assert r.status_code == 200
    with httpx.stream("GET", live.url + "/gradio_api/queue/data", params={"session_hash": session}, timeout=60) as s:
        done = next(m for line in s.iter_lines() if line.startswith("data:")
                    for m in [json.loads(line[5:])] if m.get("msg") == "process_completed")
    assert done["success"] is True and "12.74亿元" in json.dumps(done["output"], ensure_ascii=False)


def test_an_unexpected_exception_is_a_clear_message_and_one_log_line(
        tight: LiveServer, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    secret = "13812345678"

    def boom(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(f"failure about {secret}")

    monkeypatch.setattr(tight.app.state.assistant, "ask", boom)
    monkeypatch.setattr("assistant.web.server.render_demo", boom)
    with caplog.at_level(logging.ERROR):
        r = httpx.post(tight.url + "/api/ask", json={"question": f"我的电话{secret}"})
        assert r.status_code == 500 and r.headers["content-type"] == "application/json"
        assert "抱歉" in r.json()["detail"] and all(h in r.headers for h in SECURITY)
        page = httpx.get(tight.url + "/demo", headers={"accept": "text/html"})
        assert page.status_code == 500 and page.headers["content-type"].startswith("text/html")
        assert "抱歉" in page.text and "Traceback" not in page.text and all(h in page.headers for h in SECURITY)
    records = [r for r in caplog.records if r.name == "assistant.web.guard"]
    assert len(records) == 2 and all("RuntimeError" in r.getMessage() for r in records)
    assert not any(secret in r.getMessage() or r.exc_info for r in caplog.records)


# ----------------------------------------------------------------------------- item 8: Gradio's routes, redirects, methods
@pytest.mark.parametrize("mount", ["", "/embed"])
def test_routes_the_chat_does_not_need_are_404(live: LiveServer, mount: str) -> None:
    base = live.url + mount
    files = {"files": ("a.wav", b"RIFF0000WAVE", "audio/wav")}
    assert httpx.post(base + "/gradio_api/process_recording", files=files).status_code == 404
    assert httpx.post(base + "/gradio_api/upload", files=files).status_code == 404
    for path in ("/gradio_api/file//etc/passwd", f"/gradio_api/file={ROOT}/README.md", "/gradio_api/file=x",
                 "/monitoring", "/monitoring/summary", "/gradio_api/startup-events", "/gradio_api/upload_progress",
                 "/logout", "/gradio_api/openapi.json", "/gradio_api/mcp/schema", "/gradio_api/vibe-code"):
        r = httpx.get(base + path)
        assert r.status_code == 404 and str(ROOT) not in r.text, path
    assert httpx.post(base + "/gradio_api/call/chat", json={"data": [Q]}).status_code == 404
    assert httpx.get(base + "/").status_code == 200  # the page itself is served


def test_the_host_header_is_never_reflected(live: LiveServer) -> None:
    host, port = live.url.removeprefix("http://").split(":")
    for path in ("/embed", "/embed?q=1", "/assets", "/logout", "/embed/theme.css/", "/config/"):
        with socket.create_connection((host, int(port)), timeout=10) as sock:
            sock.sendall(f"GET {path} HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n".encode())
            head = b""
            while b"\r\n\r\n" not in head and (data := sock.recv(4096)):
                head += data
        assert b"evil.example" not in head, path


def test_wrong_methods_on_the_api_get_405_with_allow(live: LiveServer) -> None:
    for method in ("GET", "PUT", "DELETE", "PATCH"):
        r = httpx.request(method, live.url + "/api/ask")
        assert r.status_code == 405 and r.headers["allow"] == "POST", method
    r = httpx.post(live.url + "/healthz")
    assert r.status_code == 405 and "GET" in r.headers["allow"]


# ----------------------------------------------------------------------------- item 9: overload and feedback
def test_overload_is_the_chinese_busy_message_everywhere(tight: LiveServer) -> None:
    clients = [client(tight.url) for _ in range(10)]
    with tight.gate.slot() as held:  # the only slot is taken: everyone must hear the busy message
        assert held
        with ThreadPoolExecutor(max_workers=10) as pool:
            answers = list(pool.map(lambda c: last_answer(c.predict(Q, api_name="/chat")), clients))
        assert all(BUSY in a for a in answers), answers
        queue = tight.app.state.blocks[1]._queue
        size, queue.max_size = queue.max_size, 0  # Gradio's own queue is full
        try:
            r = join(tight.url, Q, uuid.uuid4().hex[:11])
        finally:
            queue.max_size = size
        assert r.status_code == 503 and r.json()["detail"] == BUSY and r.headers["retry-after"]
        assert "Queue is full" not in r.text


def test_an_oversized_feedback_reason_is_refused_clearly(live: LiveServer, capfd: pytest.CaptureFixture[str],
                                                         caplog: pytest.LogCaptureFixture) -> None:
    fn, trigger = dependency(live, "with_reason")
    for size in (100_000, 30_000):
        body = {"data": [None, "x" * size], "fn_index": fn, "trigger_id": trigger, "session_hash": uuid.uuid4().hex[:11]}
        r = httpx.post(live.url + "/gradio_api/run/predict", json=body, timeout=30)
        if size > live.web.max_body_bytes:
            assert r.status_code == 413 and TOO_LARGE in r.json()["detail"]
        else:
            assert r.status_code == 200 and "没有保存" in json.dumps(r.json(), ensure_ascii=False)
    out, err = capfd.readouterr()
    assert "x" * 1000 not in out + err and not any("x" * 1000 in r.getMessage() for r in caplog.records)


# ----------------------------------------------------------------------------- uvicorn: header and idle timeouts
def test_app_py_sets_header_and_idle_timeouts(monkeypatch: pytest.MonkeyPatch) -> None:
    import app as app_module

    monkeypatch.setenv("ASSISTANT_HEADER_TIMEOUT", "3")
    monkeypatch.setenv("ASSISTANT_KEEP_ALIVE_TIMEOUT", "4")
    seen: dict[str, Any] = {}
    monkeypatch.setattr(app_module, "create_app", lambda assistant, web: object())
    monkeypatch.setattr(app_module, "serve", lambda app, **kw: seen.update(kw))  # uvicorn.run's settings
    assert app_module.main() == 0
    assert seen["timeout_keep_alive"] == 4 and seen["h11_max_incomplete_event_size"] == Settings().max_header_bytes
    assert seen["http"].header_timeout == 3.0


def test_a_client_that_never_finishes_its_headers_is_disconnected() -> None:
    import uvicorn

    from assistant.web.protocol import protocol

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, http=protocol(0.5), log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        assert wait_for(lambda: _answers(f"http://127.0.0.1:{port}/"), 20)
        with socket.create_connection(("127.0.0.1", port), timeout=10) as slow:
            slow.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")  # and nothing more
            assert slow.recv(100) == b""  # closed by the server, well before the 10 s socket timeout
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
