"""Phase 2 of the evaluation: scoring. Only here are the items' expected facts and
evidence read, and compared with what a system answered (:class:`~assistant.eval_types.Output`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .citations import figures, verify
from .eval_metrics import (
    RefusalCounts,
    citation_precision,
    covers,
    fact_coverage,
    first_rank,
    is_wrong_answer,
    mean,
    median,
    percentile,
    relevant_ids,
    retrieval_metrics,
)
from .eval_types import CATEGORIES, RANK_DEPTH, Output, QAItem


def score_output(item: QAItem, out: Output, passages: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """Phase 2 for one item: compare an Output with the item's expected facts and evidence.

    Answerable items pass when the answer is not a refusal and covers every fact group;
    a refusal scores fact coverage 0. Refused items (``answerable: false``) pass when refused.
    """
    relevant = relevant_ids(passages, item.evidence) if item.answerable else set()
    ranks = {m: (first_rank(r[:RANK_DEPTH], relevant) if relevant else None) for m, r in out.rankings.items()}
    check = None if out.refused else verify(out.answer, {c.n: c.text for c in out.citations}, figures(item.question))
    if item.answerable:
        coverage = 0.0 if out.refused else fact_coverage(out.answer, item.expected_facts)
        missing = [list(g) for g in item.expected_facts if out.refused or not covers(out.answer, g)]
        precision = None if out.refused else citation_precision([c.text for c in out.citations], item.evidence)
        passed = not out.refused and not missing
        reason = "" if passed else ("refused an answerable question" if out.refused else "missing facts")
    else:
        coverage, missing, precision = None, [], None
        passed = out.refused
        reason = "" if passed else "answered instead of refusing"
    return {
        "answer": out.answer,
        "refused": out.refused,
        "refusal_kind": out.refusal_kind,
        "how": out.how,
        "citations": [c.to_json() for c in out.citations],
        "latency_ms": round(out.latency_ms, 2),
        "query": out.query,
        "relevant_passages": sorted(relevant),
        "ranks": ranks,
        "fact_coverage": coverage,
        "missing_facts": missing,
        "citation_precision": precision,
        "verified": None if check is None else check.ok,
        "unverified": [] if check is None else [*check.unverified, *(f"[{n}]" for n in check.dangling)],
        "pass": passed,
        "reason": reason,
    }


def _wrong(item: QAItem, row: Mapping[str, Any]) -> bool:
    return is_wrong_answer(item.answerable, row["refused"], row["missing_facts"])


def _refusals(pairs: Sequence[tuple[QAItem, Mapping[str, Any]]]) -> dict[str, Any]:
    refusals = RefusalCounts()
    for item, r in pairs:
        refusals.add(item.answerable, r["refused"])
        if r["refused"]:
            kind = r["refusal_kind"] or "unspecified"
            refusals.by_kind[kind] = refusals.by_kind.get(kind, 0) + 1
    return {
        "accuracy": refusals.refusal_accuracy if refusals.should_refuse else None,
        "false_refusal_rate": refusals.false_refusal_rate if refusals.answerable else None,
        "should_refuse": refusals.should_refuse,
        "refused_when_should": refusals.refused_when_should,
        "answerable": refusals.answerable,
        "refused_when_answerable": refusals.refused_when_answerable,
        "kinds": dict(sorted(refusals.by_kind.items())),
    }


def _categories(items: Sequence[QAItem], pairs: Sequence[tuple[QAItem, Mapping[str, Any]]]) -> dict[str, Any]:
    order = [c for c in CATEGORIES if any(i.category == c for i in items)]
    order += sorted({i.category for i in items} - set(order))
    categories: dict[str, Any] = {}
    for cat in order:
        in_cat = [(i, r) for i, r in pairs if i.category == cat]
        ans = [r for i, r in in_cat if i.answerable]
        ref = [r for i, r in in_cat if not i.answerable]
        categories[cat] = {
            "items": len(in_cat),
            "answerable": len(ans),
            "fact_recall": mean([r["fact_coverage"] for r in ans]),
            "exact_rate": mean([float(r["pass"]) for r in ans]),
            "wrong_answer_rate": mean([float(_wrong(i, r)) for i, r in in_cat]),
            "refusal_accuracy": mean([float(r["refused"]) for r in ref]),
            "pass_rate": mean([float(r["pass"]) for _, r in in_cat]),
        }
    return categories


def summarize(items: Sequence[QAItem], rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Answer, refusal and latency metrics from scored rows (same order as ``items``)."""
    pairs = list(zip(items, rows))
    answerable = [r for i, r in pairs if i.answerable]
    answered = [r for _, r in pairs if not r["refused"]]
    wrong = [_wrong(i, r) for i, r in pairs]
    precisions = [r["citation_precision"] for r in answerable if r["citation_precision"] is not None]
    latencies = [r["latency_ms"] for r in rows]
    return {
        "items": len(items),
        "pass_rate": mean([float(r["pass"]) for r in rows]),
        "answers": {
            "answerable": len(answerable),
            "fact_recall": mean([r["fact_coverage"] for r in answerable]),
            "exact_rate": mean([float(r["pass"]) for r in answerable]),
            "wrong_answer_rate": mean([float(w) for w in wrong]),
            "wrong_answers": sum(wrong),
            "citation_precision": mean(precisions),
            "cited_answers": len(precisions),
            "uncited_answers": sum(1 for r in answerable if not r["refused"] and r["citation_precision"] is None),
            "verified_share": mean([float(bool(r["verified"])) for r in answered]),
            "answered": len(answered),
            "median_length": median([len(r["answer"]) for r in answered]) if answered else None,
        },
        "refusals": _refusals(pairs),
        "latency": {
            "p50_ms": round(percentile(latencies, 50), 2),
            "p95_ms": round(percentile(latencies, 95), 2),
            "max_ms": round(max(latencies), 2) if latencies else 0.0,
        },
        "categories": _categories(items, pairs),
    }


def score_system(
    items: Sequence[QAItem], outputs: Sequence[Output], passages: Sequence[tuple[str, str]], modes: Sequence[str]
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Phase 2: per-item rows and all metrics of one system."""
    by_id = {o.id: o for o in outputs}
    rows = [score_output(item, by_id[item.id], passages) for item in items]
    qrels = {i.id: relevant_ids(passages, i.evidence) for i in items if i.answerable}
    metrics = summarize(items, rows)
    metrics["retrieval"] = {
        m: retrieval_metrics({o.id: list(o.rankings.get(m, ())) for o in outputs}, qrels) for m in modes
    }
    metrics["retrieval"]["no_relevant_passage"] = sorted(q for q, rel in qrels.items() if not rel)
    return rows, metrics
