"""Chroma server mode (``ASSISTANT_CHROMA_URL``) against a real ``chroma run`` subprocess:
searches identical to the embedded store, a collection per build switched atomically and
dropped with its build, a killed build leaving the previous collection serving, two app
processes sharing the server, and token errors through a token-checking proxy (``chroma
run`` does not check tokens itself; docs/deploy.md puts nginx in front of it)."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from assistant.config import Settings
from assistant.embeddings import Embedder
from assistant.errors import IndexLockedError, IndexMismatchError, IndexMissingError
from assistant.index import (
    ChromaServerError,
    IndexLayout,
    build_index,
    collection_name,
    open_index,
    server_client,
)
from assistant.pipeline import Assistant

from .conftest import ROOT, builder_paused_at, make_settings

CHROMA = Path(sys.executable).parent / "chroma"
STARTUP_DEADLINE = 60.0
QUESTIONS = [
    "河道整治投了多少钱", "老百姓怎么参与", "What investment goes to ecological culture?",
    "生態安全領域投資多少？", "规划原则有哪些", "远期目标是什么", "钱从哪里来", "四长治河是什么",
]
pytestmark = pytest.mark.skipif(not CHROMA.exists(), reason=f"no chroma CLI at {CHROMA}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_up(url: str, proc: subprocess.Popen[bytes] | None, deadline: float) -> None:
    """Poll the heartbeat until it answers; fail at the deadline or when the server exits."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if proc is not None and proc.poll() is not None:
            pytest.fail(f"chroma run exited with {proc.returncode}")
        try:
            if httpx.get(f"{url}/api/v2/heartbeat", timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    pytest.fail(f"chroma run did not answer within {deadline:.0f} s")


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data = tmp_path_factory.mktemp("chroma-server")
    port = free_port()
    log = open(data / "server.log", "wb")
    proc = subprocess.Popen(
        [str(CHROMA), "run", "--path", str(data / "db"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, proc, STARTUP_DEADLINE)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def server_settings(tmp: Path, url: str, **overrides: object) -> Settings:
    return make_settings(tmp, chroma_url=url, **overrides)


def collections(url: str) -> set[str]:
    return {c.name for c in server_client(Settings(chroma_url=url)).list_collections()}


def ranked(assistant: Assistant, question: str, mode: str) -> list[tuple[str, float]]:
    return [(r.id, round(r.score, 5)) for r in assistant.search(question, k=8, mode=mode).chunks]


# ----------------------------------------------------------------------------- same results
@pytest.fixture(scope="module")
def server_assistant(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder, chroma_url: str) -> Assistant:
    assistant = Assistant(server_settings(tmp_path_factory.mktemp("served"), chroma_url), embedder=embedder)
    assistant.build_index(progress=False)
    return assistant


def test_server_build_keeps_files_local_and_vectors_in_a_collection(server_assistant: Assistant, chroma_url: str):
    index = server_assistant.index
    m = index.manifest
    assert m["vector_store"] == "chroma-server"
    assert m["collection"] == collection_name(m["build_id"], "chroma-server") == f"plan_chunks-{m['build_id']}"
    assert m["collection"] in collections(chroma_url)
    assert index.collection.count() == m["chunk_count"] == len(index.chunks)
    files = {p.name for p in index.path.iterdir() if not p.name.startswith(".lease-")}
    assert "chroma" not in files and {"bm25", "chunks.jsonl", "manifest.json"} <= files  # vectors on the server


def test_searches_match_the_embedded_store(server_assistant: Assistant, plan_assistant: Assistant):
    assert server_assistant.settings.chroma_url and not plan_assistant.settings.chroma_url
    assert [c.id for c in server_assistant.index.chunks] == [c.id for c in plan_assistant.index.chunks]
    for question in QUESTIONS:
        for mode in ("dense", "keyword", "hybrid"):
            assert ranked(server_assistant, question, mode) == ranked(plan_assistant, question, mode), (question, mode)
    a, b = server_assistant.ask(QUESTIONS[0]), plan_assistant.ask(QUESTIONS[0])
    assert (a.text, [c.chunk_id for c in a.citations]) == (b.text, [c.chunk_id for c in b.citations])


def test_store_mismatch_is_a_clear_error(server_assistant: Assistant, embedder: Embedder):
    local = make_settings(server_assistant.settings.index_path.parent, chroma_url=None)  # same folder, no server
    with pytest.raises(IndexMismatchError, match="ASSISTANT_CHROMA_URL.*assistant index"):
        open_index(local, embedder)


def test_unreachable_server_is_a_clear_error(server_assistant: Assistant, embedder: Embedder):
    settings = server_settings(server_assistant.settings.index_path.parent, f"http://127.0.0.1:{free_port()}")
    with pytest.raises(ChromaServerError, match="无法连接 Chroma 服务器.*cannot reach"):
        open_index(settings, embedder)


# ----------------------------------------------------------------------------- atomic rebuilds
def test_rebuild_switches_collections_and_drops_those_of_deleted_builds(tmp_path: Path, embedder: Embedder, chroma_url: str):
    settings = server_settings(tmp_path, chroma_url)
    layout = IndexLayout(settings.index_path)
    first = build_index(settings, embedder, progress=False)
    serving = Assistant(settings, embedder=embedder)
    before = ranked(serving, "生态安全领域投资多少", "hybrid")

    second = build_index(settings, embedder, progress=False)
    assert layout.current() == second.path
    name1, name2 = (collection_name(r.build_id, "chroma-server") for r in (first, second))
    assert open_index(settings, embedder).manifest["collection"] == name2
    assert {name1, name2} <= collections(chroma_url)
    assert ranked(serving, "生态安全领域投资多少", "hybrid") == before  # the serving process follows to the new build
    assert serving.index.build_id == second.build_id

    builds = [build_index(settings, embedder, progress=False) for _ in range(2)]  # KEEP_OLD_BUILDS = 2
    mine = {n for n in collections(chroma_url) if n.startswith("plan_chunks-") and n[len("plan_chunks-"):] in
            {r.build_id for r in (first, second, *builds)}}
    assert mine == {name2, *(collection_name(r.build_id, "chroma-server") for r in builds)}
    assert not first.path.exists() and name1 not in collections(chroma_url)
    assert serving.index.build_id == builds[-1].build_id  # it followed every rebuild, none was dropped under it
    fresh = Assistant(settings, embedder=embedder)
    assert fresh.index.build_id == builds[-1].build_id
    assert ranked(fresh, "生态安全领域投资多少", "hybrid") == before


@pytest.mark.parametrize("pause_at", ["validate", "switch"])
def test_killed_build_leaves_previous_collection_serving(tmp_path: Path, embedder: Embedder, chroma_url: str, pause_at: str):
    settings = server_settings(tmp_path, chroma_url)
    first = build_index(settings, embedder, progress=False)
    before = ranked(Assistant(settings, embedder=embedder), "生态安全领域投资多少", "hybrid")
    existing = collections(chroma_url)

    with builder_paused_at(settings, pause_at, env={"ASSISTANT_CHROMA_URL": chroma_url, "HF_HUB_OFFLINE": "1"}):
        with pytest.raises(IndexLockedError):
            build_index(settings, embedder, progress=False)
        orphan = collections(chroma_url) - existing  # written by the builder, not in service
        assert len(orphan) == 1

    layout = IndexLayout(settings.index_path)
    assert layout.current() == first.path
    assert open_index(settings, embedder).manifest["collection"] == collection_name(first.build_id, "chroma-server")
    assert ranked(Assistant(settings, embedder=embedder), "生态安全领域投资多少", "hybrid") == before

    second = build_index(settings, embedder, progress=False)
    assert layout.current() == second.path
    assert not list(layout.builds.glob(".tmp-*"))
    (name,) = orphan
    if pause_at == "validate":  # the killed build's .tmp- folder and collection are gone
        assert name not in collections(chroma_url)
    else:  # killed after the rename: a complete old build, kept with its collection like any other
        assert (layout.builds / name[len("plan_chunks-"):]).is_dir() and name in collections(chroma_url)


# ----------------------------------------------------------------------------- several app processes
APP = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from assistant.config import Settings
    from assistant.pipeline import Assistant
    settings = Settings(home=Path(sys.argv[1]), index_dir=Path(sys.argv[2]), models_dir=Path(sys.argv[3]))
    assistant = Assistant(settings)
    answer = assistant.ask(sys.argv[4])
    print(json.dumps({
        "build_id": assistant.index.build_id,
        "text": answer.text,
        "refused": answer.refused,
        "citations": [c.chunk_id for c in answer.citations],
    }, ensure_ascii=False))
    """
)


def test_two_app_processes_share_the_server(server_assistant: Assistant, chroma_url: str):
    s = server_assistant.settings
    question = "生态安全领域投资多少？"
    env = {**os.environ, "ASSISTANT_CHROMA_URL": chroma_url, "HF_HUB_OFFLINE": "1"}
    procs = [
        subprocess.Popen([sys.executable, "-c", APP, str(ROOT), str(s.index_path), str(s.models_path), question],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env)
        for _ in range(2)
    ]
    outputs = []
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err[-2000:]
        outputs.append(json.loads(out.strip().splitlines()[-1]))
    expected = server_assistant.ask(question)
    assert not expected.refused and expected.citations
    for o in outputs:
        assert o["build_id"] == server_assistant.index.build_id
        assert o["citations"] == [c.chunk_id for c in expected.citations]
        assert o["text"] == expected.text


# ----------------------------------------------------------------------------- tokens
class TokenProxy(ThreadingHTTPServer):
    """What the nginx rule of docs/deploy.md does: 401 unless ``Authorization: Bearer <token>``."""

    daemon_threads = True

    def __init__(self, upstream: str, token: str) -> None:
        self.upstream = httpx.URL(upstream)
        self.token = token
        super().__init__(("127.0.0.1", 0), _ProxyHandler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _ProxyHandler(BaseHTTPRequestHandler):
    server: TokenProxy

    def log_message(self, *args: object) -> None:
        pass

    def _relay(self) -> None:
        if self.headers.get("Authorization") != f"Bearer {self.server.token}":
            body = b"<html><head><title>401 Authorization Required</title></head></html>"
            self.send_response(401)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        conn = http.client.HTTPConnection(self.server.upstream.host, self.server.upstream.port, timeout=60)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection", "authorization")}
        conn.request(self.command, self.path, body=body, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        self.send_response(resp.status)
        for k, v in resp.getheaders():
            if k.lower() not in ("transfer-encoding", "connection", "content-length"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        conn.close()

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _relay


@pytest.fixture
def token_proxy(chroma_url: str) -> Iterator[TokenProxy]:
    proxy = TokenProxy(chroma_url, "s3cret-Token_1")
    thread = threading.Thread(target=proxy.serve_forever, daemon=True)
    thread.start()
    try:
        yield proxy
    finally:
        proxy.shutdown()
        proxy.server_close()


def test_token_is_sent_and_a_wrong_one_is_refused_clearly(server_assistant: Assistant, embedder: Embedder, token_proxy: TokenProxy):
    home = server_assistant.settings.index_path.parent
    with pytest.raises(ChromaServerError, match="拒绝了访问令牌.*unauthorized.*ASSISTANT_CHROMA_TOKEN"):
        open_index(server_settings(home, token_proxy.url, chroma_token="wrong"), embedder)
    with pytest.raises(ChromaServerError, match="要求访问令牌.*ASSISTANT_CHROMA_TOKEN"):
        open_index(server_settings(home, token_proxy.url), embedder)
    with pytest.raises(ChromaServerError, match="ASCII"):
        open_index(server_settings(home, token_proxy.url, chroma_token="密码"), embedder)
    through_proxy = Assistant(server_settings(home, token_proxy.url, chroma_token=token_proxy.token), embedder=embedder)
    for mode in ("dense", "hybrid"):
        assert ranked(through_proxy, QUESTIONS[0], mode) == ranked(server_assistant, QUESTIONS[0], mode)


def test_server_token_is_never_printed(server_assistant: Assistant, token_proxy: TokenProxy, embedder: Embedder):
    home = server_assistant.settings.index_path.parent
    with pytest.raises(ChromaServerError) as info:
        open_index(server_settings(home, token_proxy.url, chroma_token="wrong-but-secret"), embedder)
    assert "wrong-but-secret" not in str(info.value)
