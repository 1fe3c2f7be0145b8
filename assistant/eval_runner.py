"""The evaluation run: answer every item with the assistant (and the peer baseline), score,
and write ``report.json``, ``report.md`` and ``categories.png``.

Two phases, so that it is evident the systems never see the expected answers:
  1. answer  — a System receives QAQuestion objects only (id, question, history) and
               returns an Output per question (answer, citations, rankings, latency);
  2. score   — only then are the QAItems' expected facts and evidence read.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .baseline import TutorialBaseline
from .eval_chart import render_chart
from .eval_gate import check_gate
from .eval_qa import questions_of
from .eval_report import render_markdown
from .eval_scoring import score_system
from .eval_systems import ProjectSystem, answer_all
from .eval_types import QAItem

#: Settings never written into a report.
SECRET_SETTINGS = {"llm_api_key", "chroma_token"}


def as_json(obj: Any) -> Any:
    return json.loads(json.dumps(obj, ensure_ascii=False, default=str))


def _index_summary(assistant: Any) -> dict[str, Any]:
    m = assistant.index.manifest
    keys = ("build_id", "created_at", "format_version", "embedding", "chunking", "corpus_hash", "chromadb_version", "chunk_count")
    summary = {k: m.get(k) for k in keys}
    summary["documents"] = [d.get("source") for d in m.get("documents", [])]
    return summary


def run_evaluation(
    assistant: Any,
    items: Sequence[QAItem],
    out_dir: Path,
    *,
    answer_mode: str | None = None,
    baseline: bool = True,
    thresholds: Mapping[str, Mapping[str, float]] | None = None,
    thresholds_file: str = "",
    qa_file: str = "",
    progress: bool = True,
) -> dict[str, Any]:
    """Answer every item with the assistant (and the baseline, over the assistant's
    corpus), then score, then write ``report.json``, ``report.md`` and ``categories.png``
    into ``out_dir``."""
    from datetime import datetime, timezone

    if not items:
        raise ValueError("the Q&A file has no items")
    started = time.perf_counter()
    runtime: dict[str, float] = {}
    questions = questions_of(items)

    # -- phase 1: answer (the systems see QAQuestion objects only)
    project = ProjectSystem(assistant, answer_mode)
    t0 = time.perf_counter()
    outputs = {"project": answer_all(project, questions, progress)}
    passages = {"project": project.passages()}
    modes = {"project": project.modes}
    runtime["project"] = time.perf_counter() - t0
    base_info: dict[str, Any] | None = None
    if baseline:
        t0 = time.perf_counter()
        with TutorialBaseline.from_assistant(assistant) as peer:
            outputs["baseline"] = answer_all(peer, questions, progress)
            passages["baseline"] = peer.passages()
            modes["baseline"] = peer.modes
            base_info = peer.describe()
        runtime["baseline"] = time.perf_counter() - t0

    # -- phase 2: score (expected facts and evidence are read only here)
    rows: dict[str, list[dict[str, Any]]] = {}
    metrics: dict[str, dict[str, Any]] = {}
    for name in outputs:
        rows[name], metrics[name] = score_system(items, outputs[name], passages[name], modes[name])
    metrics["project"]["retrieval_mode"] = assistant.settings.retrieval_mode
    if "baseline" in metrics:
        metrics["baseline"]["retrieval_mode"] = "dense"
    runtime["total"] = time.perf_counter() - started

    report: dict[str, Any] = {
        "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "qa_file": qa_file,
        "counts": {"items": len(items), "answerable": sum(i.answerable for i in items)},
        "settings": assistant.settings.model_dump(mode="json", exclude=SECRET_SETTINGS),
        "index": _index_summary(assistant),
        "runtime_s": {k: round(v, 2) for k, v in runtime.items()},
        "metrics": metrics,
    }
    if base_info is not None:
        report["baseline"] = base_info
    report["items"] = [
        {
            "id": item.id, "category": item.category, "question": item.question, "history": list(item.history),
            "answerable": item.answerable, "expected_facts": [list(g) for g in item.expected_facts],
            "evidence": list(item.evidence),
            **{name: rows[name][k] for name in rows},
        }
        for k, item in enumerate(items)
    ]
    if thresholds is not None:
        failures = check_gate(metrics["project"], thresholds)
        report["gate"] = {"thresholds_file": thresholds_file, "thresholds": thresholds, "passed": not failures, "failures": failures}

    out_dir.mkdir(parents=True, exist_ok=True)
    report["chart"] = "categories.png"
    render_chart(report, out_dir / "categories.png")
    (out_dir / "report.json").write_text(json.dumps(as_json(report), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    (out_dir / "report.md").write_text(render_markdown(report), encoding="utf-8")
    return report
