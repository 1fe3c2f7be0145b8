"""The project against its peer, the LangChain tutorial pipeline
(:class:`assistant.baseline.TutorialBaseline`: RecursiveCharacterTextSplitter(1000, 200),
the same embedding model, Chroma, top-k, the top chunk as the answer): latency next to
quality, both measured here in the same run."""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from assistant import evaluation as ev
from assistant.pipeline import Assistant

from .common import Section, median, percentile, table
from .context import Context
from .model import threads


def _peer(assistant: Assistant) -> Any:
    from assistant.baseline import TutorialBaseline

    return TutorialBaseline.from_assistant(assistant)


def run(ctx: Context) -> Section:
    sec = Section("Project vs peer (LangChain tutorial pipeline)")
    tmp = Path(tempfile.mkdtemp(prefix="bench-peer-", dir=ctx.work))
    try:
        settings = ctx.settings(index_dir=tmp / "index")
        assistant = Assistant(settings, embedder=ctx.embedder)
        assistant.build_index(progress=False)
        items = ev.load_qa(settings.home / "eval" / "qa.jsonl")
        t0 = time.perf_counter()
        with threads(1):  # see bench.latency: one torch thread per query embedding, for both systems
            report = ev.run_evaluation(assistant, items, tmp / "report", baseline=True, progress=False)
        eval_s = time.perf_counter() - t0
        m_p, m_b = report["metrics"]["project"], report["metrics"]["baseline"]

        # Latency, interleaved in the same rounds: the project's full answer vs the peer's answer.
        questions = ev.questions_of(i for i in items if i.answerable)
        project_ms: list[list[float]] = []
        peer_ms: list[list[float]] = []
        with _peer(assistant) as peer, threads(1):
            peer.warm_up()
            for _ in range(ctx.sizes.peer_rounds):
                p_round, b_round = [], []
                for q in questions:
                    t0 = time.perf_counter()
                    assistant.ask(q.question, history=list(q.history))
                    p_round.append((time.perf_counter() - t0) * 1000)
                    t0 = time.perf_counter()
                    peer.respond(q)
                    b_round.append((time.perf_counter() - t0) * 1000)
                project_ms.append(p_round)
                peer_ms.append(b_round)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    p50_p = median([percentile(r, 50) for r in project_ms])
    p50_b = median([percentile(r, 50) for r in peer_ms])
    p95_p = median([percentile(r, 95) for r in project_ms])
    p95_b = median([percentile(r, 95) for r in peer_ms])
    exact_p, exact_b = m_p["answers"]["exact_rate"], m_b["answers"]["exact_rate"]
    hit_p, hit_b = m_p["retrieval"]["hybrid"]["hit@1"], m_b["retrieval"]["dense"]["hit@1"]
    pass_p, pass_b = m_p["pass_rate"], m_b["pass_rate"]
    sec.figure("latency ratio project / peer (p50)", p50_p / p50_b, "×", note=f"{p50_p:.1f} ms vs {p50_b:.1f} ms")
    sec.figure("quality ratio project / peer (exact rate, answerable)", exact_p / exact_b if exact_b else None, "×",
               note=f"{exact_p:.3f} vs {exact_b:.3f}")
    sec.figure("quality ratio project / peer (pass rate, all items)", pass_p / pass_b if pass_b else None, "×",
               note=f"{pass_p:.3f} vs {pass_b:.3f}")
    sec.figure("hit@1 project (hybrid, ~150-char chunks) / peer (dense, 1000-char chunks)", hit_p / hit_b if hit_b else None,
               "×", note=f"{hit_p:.3f} vs {hit_b:.3f}")
    rows = [
        ["answer latency p50 (ms)", f"{p50_p:.1f}", f"{p50_b:.1f}", f"{p50_p / p50_b:.2f}"],
        ["answer latency p95 (ms)", f"{p95_p:.1f}", f"{p95_b:.1f}", f"{p95_p / p95_b:.2f}"],
        ["exact rate (answerable)", f"{exact_p:.3f}", f"{exact_b:.3f}", f"{exact_p / exact_b:.2f}" if exact_b else "–"],
        ["fact recall (answerable)", f"{m_p['answers']['fact_recall']:.3f}", f"{m_b['answers']['fact_recall']:.3f}", "–"],
        ["refusal accuracy", _f(m_p["refusals"]["accuracy"]), _f(m_b["refusals"]["accuracy"]), "–"],
        ["pass rate (all items)", f"{pass_p:.3f}", f"{pass_b:.3f}", f"{pass_p / pass_b:.2f}" if pass_b else "–"],
        ["hit@1", f"{hit_p:.3f}", f"{hit_b:.3f}", f"{hit_p / hit_b:.2f}" if hit_b else "–"],
        ["hit@5", f"{m_p['retrieval']['hybrid']['hit@5']:.3f}", f"{m_b['retrieval']['dense']['hit@5']:.3f}", "–"],
    ]
    base = report.get("baseline", {})
    sec.add(
        f"Quality: one `run_evaluation` (what `assistant eval` runs) over {len(items)} items of eval/qa.jsonl, "
        f"{eval_s:.0f} s. Latency: {len(questions)} answerable questions × {ctx.sizes.peer_rounds} rounds, "
        "both systems with one torch thread per query embedding (the same model call on both sides; see "
        "\"Query latency at scale\" for what the default threads cost on a busy machine), "
        "the project's `Assistant.ask` (retrieval, coverage decision, composition, verification) and the "
        "peer's `respond` (similarity search, top chunk) interleaved per question; medians of per-round "
        "percentiles. Peer: " + str(base.get("description", "")),
        "",
        table(["metric", "project", "peer", "project / peer"], rows),
        "",
        f"The peer's hit@1 is over {base.get('passages', '?')} chunks of up to 1000 characters (the whole plan "
        "fits in a few), so a hit is far easier for it; its answer is a whole chunk, which is why its fact "
        "recall can be high while it never refuses.",
    )
    return sec


def _f(x: Any) -> str:
    return "–" if x is None else f"{x:.3f}"
