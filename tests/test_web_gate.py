"""The busy gate's contract (``assistant/web/gate.py``), on the gate itself and through a real
server (the chat and ``POST /api/ask``):

- at the default limits, 30 clients at once are all answered, each with its right figure;
- a question that finds every slot taken waits, and gets the slot once one is released;
- beyond the queue, everyone gets the Chinese busy message at once, while the waiters wait;
- a waiter whose timeout runs out gets the busy message and leaves no trace."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor

import httpx
import pytest

from assistant.config import Settings
from assistant.pipeline import Assistant
from assistant.web.gate import BUSY, BusyGate
from tests.browser.live import ROOT, LiveServer, shared_server, stop_shared
from tests.browser.live import chat_text, gradio_client as client

#: questions and the figure the plan states for each (corpus/linjiang-eco-plan-2024-2035.md)
ASKED = [
    ("生态安全领域投资多少？", "12.74亿元"),
    ("生态经济领域投资多少？", "2.64亿元"),
    ("生态文化领域投资多少？", "6.37亿元"),
    ("示范区一共设置了多少项建设指标？", "25项"),
    ("近期目标是哪一年？", "2027"),
]


def wait_until(condition: Callable[[], bool], what: str, limit: float = 60.0) -> None:
    """Poll ``condition`` (bounded, so a broken gate fails instead of hanging)."""
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"never happened: {what}")
        time.sleep(0.02)


def test_the_corpus_states_the_figures() -> None:
    text = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "corpus").glob("*.md"))
    assert all(figure in text for _, figure in ASKED)


# ----------------------------------------------------------------------------- the gate alone
def test_a_waiter_really_waits_and_gets_the_slot_once_released() -> None:
    gate = BusyGate(limit=1, max_waiting=1, timeout=60)
    entered = threading.Event()
    result: list[bool] = []

    def waiter() -> None:
        with gate.slot() as ok:
            entered.set()
            result.append(ok)

    with gate.slot() as first:
        assert first
        thread = threading.Thread(target=waiter)
        thread.start()
        wait_until(lambda: gate.admitted == 2 or entered.is_set(), "the second caller is admitted to wait")
        assert not entered.is_set() and gate.admitted == 2  # waiting, not served, not turned away
    thread.join(timeout=60)
    assert result == [True]  # it got the slot once the first left
    assert gate.admitted == 0


def test_beyond_the_queue_the_gate_says_busy_at_once() -> None:
    gate = BusyGate(limit=1, max_waiting=1, timeout=60)
    told: list[bool] = []

    def caller() -> None:
        with gate.slot() as ok:
            told.append(ok)

    with gate.slot() as first:
        assert first
        threads = [threading.Thread(target=caller, daemon=True) for _ in range(6)]
        threads[0].start()
        wait_until(lambda: gate.admitted == 2, "one caller is admitted to wait")
        for t in threads[1:]:
            t.start()
        # the slot is still held: the five others can only be turned away, none admitted
        wait_until(lambda: len(told) == 5 or gate.admitted > 2, "five callers are told busy")
        assert told == [False] * 5 and gate.admitted == 2
    for t in threads:
        t.join(timeout=60)
    assert told == [False] * 5 + [True]  # the waiter got the slot


def test_a_waiter_gives_up_after_the_timeout() -> None:
    gate = BusyGate(limit=1, max_waiting=1, timeout=0.2)
    with gate.slot() as first:
        assert first
        with gate.slot() as second:
            assert second is False
        assert gate.admitted == 1
    with gate.slot() as again:
        assert again and gate.admitted == 1
    assert gate.admitted == 0


def served_order(gate: BusyGate, sizes: list[int], gap: float = 0.0) -> list[int]:
    """Hold the one slot, queue callers of the given question sizes (in that order, ``gap``
    seconds apart), release, and return the sizes in the order they were served."""
    served: list[int] = []

    def caller(size: int) -> None:
        with gate.slot(size) as ok:
            assert ok
            served.append(size)

    with gate.slot() as first:
        assert first
        threads = [threading.Thread(target=caller, args=(size,), daemon=True) for size in sizes]
        for n, t in enumerate(threads, 1):
            t.start()
            wait_until(lambda n=n: gate.admitted == n + 1, "the caller waits")  # type: ignore[misc]
            time.sleep(gap)
    for t in threads:
        t.join(timeout=60)
    return served


def test_short_questions_go_before_long_ones_that_arrived_just_before() -> None:
    gate = BusyGate(limit=1, max_waiting=10, timeout=60, patience=2.0, size_cap=500)
    assert served_order(gate, [500, 500, 500, 12, 30]) == [12, 30, 500, 500, 500]


def test_a_long_question_that_waited_long_enough_goes_first() -> None:
    # with patience 0.1 s, the long question's place is 0.1 s after its arrival: a short one
    # arriving 0.3 s later queues behind it (no starvation of long questions)
    gate = BusyGate(limit=1, max_waiting=10, timeout=60, patience=0.1, size_cap=500)
    assert served_order(gate, [500, 12], gap=0.3) == [500, 12]
    gate = BusyGate(limit=1, max_waiting=10, timeout=60, patience=5.0, size_cap=500)
    assert served_order(gate, [500, 12], gap=0.3) == [12, 500]


def test_equal_questions_are_served_in_arrival_order() -> None:
    gate = BusyGate(limit=1, max_waiting=10, timeout=60)
    sizes = [20, 21, 22, 23, 24]  # nearly equal sizes, arrivals 0.05 s apart: arrival decides
    assert served_order(gate, sizes, gap=0.05) == sizes


def test_a_waiter_that_times_out_does_not_block_the_next() -> None:
    gate = BusyGate(limit=1, max_waiting=2, timeout=0.3)
    got: list[bool] = []

    def short() -> None:
        with gate.slot(10) as ok:
            got.append(ok)

    with gate.slot(500) as first:
        assert first
        thread = threading.Thread(target=short)
        thread.start()
        thread.join(timeout=60)
        assert got == [False] and gate.admitted == 1  # gave up, left no trace in the queue
    with gate.slot(500) as again:
        assert again and gate.admitted == 1
    assert gate.admitted == 0


# ----------------------------------------------------------------------------- through the server
def ask_api(url: str, question: str, timeout: float = 120) -> tuple[str, str]:
    r = httpx.post(url + "/api/ask", json={"question": question}, timeout=timeout)
    if r.status_code == 503 and r.json().get("detail") == BUSY:
        return "busy", BUSY
    assert r.status_code == 200, r.text
    return "answer", r.json()["answer"]


def ask_chat(url: str, question: str) -> tuple[str, str]:
    c = client(url)
    try:
        html = chat_text(c.predict(question, api_name="/chat"))
    finally:
        c.close()
    return ("busy", html) if BUSY in html else ("answer", html)


@pytest.fixture(scope="module")
def live(plan_assistant: Assistant, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    yield shared_server(plan_assistant, tmp_path_factory.mktemp("web"))
    stop_shared()


def test_thirty_clients_at_the_default_limits_all_get_the_right_figure(live: LiveServer) -> None:
    defaults = Settings(home=ROOT)
    assert (live.gate.limit, live.gate.max_waiting) == (defaults.concurrency_limit, defaults.queue_max_size)
    assert live.gate.limit + live.gate.max_waiting >= 30  # the contract holds at these limits
    start = threading.Barrier(30, timeout=120)

    def one(i: int) -> tuple[str, str, str]:
        question, figure = ASKED[i % len(ASKED)]
        start.wait()
        kind, text = ask_chat(live.url, question) if i % 2 else ask_api(live.url, question)
        return kind, figure, text

    with ThreadPoolExecutor(max_workers=30) as pool:
        results = list(pool.map(one, range(30)))
    wrong = [(kind, figure, text[:120]) for kind, figure, text in results if kind != "answer" or figure not in text]
    assert not wrong, wrong
    assert live.gate.admitted == 0


@pytest.fixture(scope="module")
def small(plan_assistant: Assistant, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One slot, two may wait, and a timeout long enough that waiting never runs out here."""
    web = Settings(home=ROOT, feedback_db=tmp_path_factory.mktemp("gate") / "fb.sqlite3",
                   concurrency_limit=1, queue_max_size=2, busy_timeout=90)
    server = LiveServer(plan_assistant, web).start()
    yield server
    server.stop()


def test_waiters_are_served_and_the_rest_told_busy(small: LiveServer) -> None:
    question, figure = ASKED[0]
    with ThreadPoolExecutor(max_workers=8) as pool:
        with small.gate.slot() as held:  # every slot taken
            assert held
            waiting: list[Future[tuple[str, str]]] = [pool.submit(ask_api, small.url, question) for _ in range(2)]
            wait_until(lambda: small.gate.admitted == 3, "two questions wait for the slot")
            # beyond the queue: told busy at once (well before the 90 s a waiter may wait)
            beyond = [pool.submit(ask_api, small.url, question, 30) for _ in range(3)]
            beyond += [pool.submit(ask_chat, small.url, question) for _ in range(3)]
            told = [f.result(timeout=60) for f in beyond]
            assert [kind for kind, _ in told] == ["busy"] * 6, told
            assert all(BUSY in text for _, text in told)
            assert not any(f.done() for f in waiting) and small.gate.admitted == 3  # still waiting
        served = [f.result(timeout=120) for f in waiting]  # the slot is free again
    assert all(kind == "answer" and figure in text for kind, text in served), served
    assert small.gate.admitted == 0
