"""Latency through the web API: time to first token and to the full answer (p50/p95),
20 questions streamed through the chat endpoint with gradio_client, and the same 20
through POST /api/ask. The numbers are printed and written to tests/artifacts/web_latency.json;
they are a record, not a test (speed targets are checked by bench/): the test checks that
every question gets an answer both ways."""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from gradio_client import Client

from assistant.pipeline import Assistant
from assistant.web.render import PENDING
from tests.browser.live import ROOT, LiveServer, shared_server, stop_shared

ARTIFACTS = ROOT / "tests" / "artifacts"


@pytest.fixture(scope="session")
def live(plan_assistant: Assistant, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    yield shared_server(plan_assistant, tmp_path_factory.mktemp("web"))
    stop_shared()


def questions(n: int = 20) -> list[str]:
    items = [json.loads(line) for line in (ROOT / "eval" / "qa.jsonl").read_text(encoding="utf-8").splitlines() if line]
    return [i["question"] for i in items if not i.get("history")][:n]


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def summary(values: list[float]) -> dict[str, float]:
    return {"p50_ms": round(statistics.median(values), 1), "p95_ms": round(pct(values, 95), 1), "max_ms": round(max(values), 1)}


def text_of(output: Any) -> str:
    return "".join(p["text"] for p in output[1][-1]["content"] if p.get("type") == "text")


def test_latency_through_the_web_api(live: LiveServer, capsys: pytest.CaptureFixture[str]) -> None:
    qs = questions()
    assert len(qs) == 20
    first_token: list[float] = []
    full: list[float] = []
    for q in qs:
        # a new visitor per question (a client keeps its session, and so the conversation)
        client = Client(live.url + "/", verbose=False, analytics_enabled=False, download_files=False)
        start = time.perf_counter()
        job = client.submit(q, api_name="/chat")
        ttft = None
        last = None
        for output in job:  # streamed updates as they arrive
            if ttft is None and PENDING not in text_of(output):
                ttft = time.perf_counter() - start
            last = output
        total = time.perf_counter() - start
        client.close()
        assert last is not None and 'class="answer' in text_of(last)
        first_token.append(1000 * (ttft if ttft is not None else total))
        full.append(1000 * total)

    api: list[float] = []
    with httpx.Client(base_url=live.url, timeout=60) as http:
        for q in qs:
            start = time.perf_counter()
            r = http.post("/api/ask", json={"question": q})
            api.append(1000 * (time.perf_counter() - start))
            assert r.status_code == 200 and r.json()["answer"]

    report = {
        "questions": len(qs),
        "chat_stream_time_to_first_token": summary(first_token),
        "chat_stream_full_answer": summary(full),
        "api_ask_full_answer": summary(api),
    }
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "web_latency.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    with capsys.disabled():
        print("\nweb latency (ms):", json.dumps(report))
    # no bound on the times here: speed targets are checked in bench/ (bench/RESULTS.md)
