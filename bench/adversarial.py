"""Adversarial questions: what one question costs when it is built to be expensive (500
random Chinese characters, one character repeated, one long word, mixed scripts, many
punctuation marks) next to ordinary questions of eval/qa.jsonl, in one process; then the
app (``app.py`` on 127.0.0.1) under 10 clients posting 500-character random questions to
``/api/ask`` for 20 s while an ordinary visitor asks, one question after another."""

from __future__ import annotations

import asyncio
import random
import time
from typing import Any

from .common import Section, median, percentile, table
from .context import Context
from .webload import App, available

TARGET_RATIO = 5.0
TARGET_VISITOR_P95_S = 1.0
ATTACKERS = 10
LENGTH = 500


def _cjk(rng: random.Random, n: int) -> str:
    return "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(n))


def adversarial_inputs(seed: int = 14) -> dict[str, str]:
    rng = random.Random(seed)
    scripts = [lambda: chr(rng.randint(0x4E00, 0x9FA5)), lambda: chr(rng.randint(0x61, 0x7A)),
               lambda: chr(rng.randint(0x410, 0x44F)), lambda: chr(rng.randint(0x627, 0x64A)),
               lambda: chr(rng.randint(0xAC00, 0xD7A3)), lambda: chr(rng.randint(0x30, 0x39)), lambda: " "]
    return {
        "500 random CJK characters": _cjk(rng, LENGTH),
        "one character repeated 500×": "生" * LENGTH,
        "one long word (500 Latin letters)": "".join(chr(rng.randint(0x61, 0x7A)) for _ in range(LENGTH)),
        "mixed scripts (CJK, Latin, Cyrillic, Arabic, Hangul, digits)": "".join(rng.choice(scripts)() for _ in range(LENGTH)),
        "many punctuation marks between words": "".join(rng.choice(["投资", "？", "！", "，", "。", "、", "；", "生态"])
                                                       for _ in range(LENGTH))[:LENGTH],
        "random CJK with the plan's words": "".join(rng.choice([_cjk(rng, 3), "生态安全", "投资多少", "项目"])
                                                    for _ in range(200))[:LENGTH],
    }


def _ask_times(assistant: Any, question: str, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        assistant.ask(question)
        out.append(time.perf_counter() - t0)
    return out


async def _attacker(url: str, rng: random.Random, until: float, out: list[dict[str, Any]]) -> None:
    import httpx

    async with httpx.AsyncClient(timeout=60.0) as http:
        while time.perf_counter() < until:
            t0 = time.perf_counter()
            try:
                r = await http.post(f"{url}/api/ask", json={"question": _cjk(rng, LENGTH)})
                status: Any = r.status_code
            except Exception as err:  # noqa: BLE001 - counted
                status = type(err).__name__
            out.append({"s": time.perf_counter() - t0, "status": status})


async def _visitor(url: str, questions: list[str], start: float, until: float, out: list[dict[str, Any]]) -> None:
    import httpx

    await asyncio.sleep(max(0.0, start - time.perf_counter()))
    async with httpx.AsyncClient(timeout=60.0) as http:
        k = 0
        while time.perf_counter() < until:
            t0 = time.perf_counter()
            try:
                r = await http.post(f"{url}/api/ask", json={"question": questions[k % len(questions)]})
                ok, status = r.status_code == 200 and bool(r.json().get("answer")), r.status_code
            except Exception as err:  # noqa: BLE001
                ok, status = False, type(err).__name__
            out.append({"s": time.perf_counter() - t0, "ok": ok, "status": status})
            k += 1
            await asyncio.sleep(0.2)  # a person reads the answer before asking again


def web_scenario(url: str, questions: list[str], seconds: float, attackers: int) -> dict[str, Any]:
    attacks: list[dict[str, Any]] = []
    visits: list[dict[str, Any]] = []

    async def main() -> None:
        now = time.perf_counter()
        until = now + seconds
        rngs = [random.Random(1000 + i) for i in range(attackers)]
        await asyncio.gather(*(_attacker(url, rngs[i], until, attacks) for i in range(attackers)),
                             _visitor(url, questions, now + 1.0, until, visits))

    asyncio.run(main())
    ok = [v["s"] for v in visits if v["ok"]]
    return {
        "visitor": len(visits), "visitor_ok": len(ok), "p50": percentile(ok, 50), "p95": percentile(ok, 95),
        "max": max(ok) if ok else float("nan"), "attacks": len(attacks),
        "attack_statuses": sorted({str(a["status"]) for a in attacks}),
        "attack_p50": percentile([a["s"] for a in attacks], 50), "attacks_per_s": len(attacks) / seconds,
    }


def run(ctx: Context) -> Section:
    sec = Section("Adversarial questions")
    from assistant import evaluation as ev
    from assistant.pipeline import Assistant

    index_dir = ctx.work / "web-index"  # the same index as the web load benchmark
    settings = ctx.served_index(index_dir)  # built as `assistant index` builds it
    questions = [i.question for i in ev.load_qa(settings.home / "eval" / "qa.jsonl") if not i.history]
    ordinary = questions[: ctx.sizes.latency_questions]
    runs = max(ctx.sizes.runs, 3)

    assistant = Assistant(settings, embedder=ctx.embedder)
    assistant.warm_up()
    per_round = []
    for _ in range(runs):
        per_round.append(median([_ask_times(assistant, q, 1)[0] for q in ordinary]))
    base = median(per_round)
    rows = [["ordinary (median of eval/qa.jsonl questions)", f"{base * 1000:.1f}", "1.00", "–"]]
    worst = 0.0
    for name, q in adversarial_inputs().items():
        cost = median(_ask_times(assistant, q, runs))
        answer = assistant.ask(q)
        worst = max(worst, cost / base)
        rows.append([name, f"{cost * 1000:.1f}", f"{cost / base:.2f}", answer.refusal_kind or "answered"])
    sec.figure("worst adversarial question / ordinary question (cost per question)", worst, "×",
               f"≤ {TARGET_RATIO:.0f} ×", worst <= TARGET_RATIO, f"ordinary {base * 1000:.1f} ms (median)")
    sec.add(
        f"`Assistant.ask` in one process (the real model and index), each input asked {runs} times, the median "
        f"shown; ordinary = the median over {len(ordinary)} questions of eval/qa.jsonl, per round, median of "
        f"{runs} rounds. Every adversarial input is {LENGTH} characters (the longest question accepted).",
        "",
        table(["question", "ms", "× ordinary", "outcome"], rows),
    )

    why = available()
    if why:
        sec.add("", f"Web scenario not run: {why}.")
        return sec
    seconds = 8.0 if ctx.quick else 20.0
    app = App(ctx, index_dir)
    try:
        app.wait()
        quiet = web_scenario(app.url, questions, 5.0, 0)
        loaded = web_scenario(app.url, questions, seconds, ATTACKERS)
    finally:
        app.stop()
    sec.figure(f"ordinary visitor's p95 while {ATTACKERS} clients send {LENGTH}-character random questions",
               loaded["p95"], "s", f"< {TARGET_VISITOR_P95_S:.0f} s", loaded["p95"] < TARGET_VISITOR_P95_S,
               f"{loaded['visitor_ok']}/{loaded['visitor']} answered; alone: p95 {quiet['p95']:.2f} s")
    sec.add(
        "",
        f"`python app.py` (default settings) on 127.0.0.1. {ATTACKERS} clients each post {LENGTH} random Chinese "
        f"characters to `/api/ask`, a new question as soon as the last one is answered, for {seconds:.0f} s; "
        "meanwhile one visitor asks the ordinary questions of eval/qa.jsonl, one after another with 0.2 s between "
        "them (from 1 s after the start). The load generator runs on the same two cores.",
        "",
        table(["run", "visitor answers", "visitor p50 s", "visitor p95 s", "visitor max s", "attacker requests",
               "attacker requests/s", "attacker p50 s", "attacker statuses"],
              [[name, f"{r['visitor_ok']}/{r['visitor']}", f"{r['p50']:.2f}", f"{r['p95']:.2f}", f"{r['max']:.2f}",
                r["attacks"], f"{r['attacks_per_s']:.1f}",
                f"{r['attack_p50']:.2f}" if r["attacks"] else "–", ", ".join(r["attack_statuses"]) or "–"]
               for name, r in (("visitor alone (5 s)", quiet), (f"with {ATTACKERS} attackers", loaded))]),
    )
    return sec
