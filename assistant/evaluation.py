"""Evaluation on a fixed Q&A set (``eval/qa.jsonl``).

Metric functions are plain functions over ids and strings, in the manner of
sentence-transformers' ``InformationRetrievalEvaluator``: a retrieval evaluator maps
``{qid: ranked chunk ids}`` and ``{qid: relevant chunk ids}`` to named metrics.
The expected answers are read only after the assistant has answered.
"""

from __future__ import annotations

import json
import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .text import match_norm

CATEGORIES = (
    "fact", "number", "list", "paraphrase", "colloquial", "aggregate", "english",
    "traditional", "multi_turn", "unanswerable", "offtopic", "false_premise", "injection",
)
REQUIRED = {"id": str, "question": str, "category": str, "answerable": bool, "expected_facts": list, "evidence": list}


@dataclass(frozen=True)
class QAItem:
    id: str
    question: str
    category: str
    answerable: bool
    expected_facts: tuple[tuple[str, ...], ...] = ()
    evidence: tuple[str, ...] = ()
    history: tuple[str, ...] = ()


@dataclass(frozen=True)
class QAQuestion:
    """What the assistant is allowed to see of an item."""

    id: str
    question: str
    history: tuple[str, ...] = ()


def load_qa(path: Path) -> list[QAItem]:
    """Read a Q&A file; raise ValueError naming the line of any malformed item."""
    items: list[QAItem] = []
    seen: set[str] = set()
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as err:
            raise ValueError(f"{path}:{lineno}: not JSON ({err.msg})") from err
        for key, typ in REQUIRED.items():
            if not isinstance(data.get(key), typ):
                raise ValueError(f"{path}:{lineno}: field {key!r} missing or not {typ.__name__}")
        if data["id"] in seen:
            raise ValueError(f"{path}:{lineno}: duplicate id {data['id']!r}")
        seen.add(data["id"])
        items.append(
            QAItem(
                id=data["id"],
                question=data["question"],
                category=data["category"],
                answerable=data["answerable"],
                expected_facts=tuple(tuple(str(a) for a in group) for group in data["expected_facts"]),
                evidence=tuple(str(e) for e in data["evidence"]),
                history=tuple(str(h) for h in data.get("history") or ()),
            )
        )
    return items


# ----------------------------------------------------------------------------- relevance
def is_relevant(text: str, evidence: Iterable[str]) -> bool:
    t = match_norm(text)
    return any(match_norm(e) in t for e in evidence if e)


def relevant_ids(chunks: Iterable[tuple[str, str]], evidence: Sequence[str]) -> set[str]:
    """Ids of the chunks (id, text) that contain any evidence string."""
    return {cid for cid, text in chunks if is_relevant(text, evidence)}


# ----------------------------------------------------------------------------- retrieval metrics
def hit_at_k(ranked: Sequence[str], relevant: set[str], k: int) -> float:
    return 1.0 if any(r in relevant for r in ranked[:k]) else 0.0


def reciprocal_rank(ranked: Sequence[str], relevant: set[str], k: int = 10) -> float:
    for i, r in enumerate(ranked[:k], start=1):
        if r in relevant:
            return 1.0 / i
    return 0.0


def ndcg_at_k(ranked: Sequence[str], relevant: set[str], k: int = 10) -> float:
    """Binary-relevance nDCG@k, as in C-MTEB / BEIR."""
    dcg = sum(1.0 / math.log2(i + 1) for i, r in enumerate(ranked[:k], start=1) if r in relevant)
    ideal = sum(1.0 / math.log2(i + 1) for i in range(1, min(len(relevant), k) + 1))
    return dcg / ideal if ideal else 0.0


def first_rank(ranked: Sequence[str], relevant: set[str]) -> int | None:
    return next((i for i, r in enumerate(ranked, start=1) if r in relevant), None)


def retrieval_metrics(run: Mapping[str, Sequence[str]], qrels: Mapping[str, set[str]]) -> dict[str, float]:
    """hit@1/3/5, MRR@10 and nDCG@10 averaged over the queries that have relevant ids."""
    qids = [q for q in qrels if qrels[q]]
    if not qids:
        return {"hit@1": 0.0, "hit@3": 0.0, "hit@5": 0.0, "mrr@10": 0.0, "ndcg@10": 0.0, "queries": 0}
    mean = lambda f: sum(f(run.get(q, []), qrels[q]) for q in qids) / len(qids)  # noqa: E731
    return {
        "hit@1": mean(lambda r, rel: hit_at_k(r, rel, 1)),
        "hit@3": mean(lambda r, rel: hit_at_k(r, rel, 3)),
        "hit@5": mean(lambda r, rel: hit_at_k(r, rel, 5)),
        "mrr@10": mean(lambda r, rel: reciprocal_rank(r, rel, 10)),
        "ndcg@10": mean(lambda r, rel: ndcg_at_k(r, rel, 10)),
        "queries": len(qids),
    }


# ----------------------------------------------------------------------------- answer metrics
def fact_coverage(answer: str, groups: Sequence[Sequence[str]]) -> float:
    """Share of fact groups of which the answer contains any alternative."""
    if not groups:
        return 1.0
    a = match_norm(answer)
    return sum(1 for g in groups if any(match_norm(alt) in a for alt in g)) / len(groups)


def citation_precision(cited_texts: Sequence[str], evidence: Sequence[str]) -> float | None:
    """Share of cited passages that contain evidence (None when nothing is cited)."""
    if not cited_texts:
        return None
    return sum(1 for t in cited_texts if is_relevant(t, evidence)) / len(cited_texts)


def percentile(values: Sequence[float], p: float) -> float:
    if not values:
        return 0.0
    s = sorted(values)
    k = (len(s) - 1) * p / 100
    lo, hi = math.floor(k), math.ceil(k)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else 0.0


@dataclass
class RefusalCounts:
    refused_when_should: int = 0
    should_refuse: int = 0
    refused_when_answerable: int = 0
    answerable: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)

    def add(self, answerable: bool, refused: bool) -> None:
        if answerable:
            self.answerable += 1
            self.refused_when_answerable += int(refused)
        else:
            self.should_refuse += 1
            self.refused_when_should += int(refused)

    @property
    def refusal_accuracy(self) -> float:
        return self.refused_when_should / self.should_refuse if self.should_refuse else 1.0

    @property
    def false_refusal_rate(self) -> float:
        return self.refused_when_answerable / self.answerable if self.answerable else 0.0


def as_json(obj: Any) -> Any:
    return json.loads(json.dumps(obj, ensure_ascii=False, default=str))
