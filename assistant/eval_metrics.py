"""Metric functions of the evaluation: plain functions over ids and strings.

In the manner of sentence-transformers' ``InformationRetrievalEvaluator``, a retrieval
evaluator maps ``{qid: ranked chunk ids}`` and ``{qid: relevant chunk ids}`` to named
metrics. Answer metrics compare an answer's text with expected fact groups and evidence.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from .text import match_norm


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
def covers(answer: str, group: Sequence[str]) -> bool:
    """Whether the answer contains any alternative of a fact group (normalized)."""
    a = match_norm(answer)
    return any(match_norm(alt) in a for alt in group)


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


def is_wrong_answer(answerable: bool, refused: bool, missing_facts: Sequence[Sequence[str]]) -> bool:
    """An answer was given (not a refusal) but it is wrong: the item should have been
    refused, or an expected-fact group is not covered."""
    return not refused and (not answerable or bool(missing_facts))


# ----------------------------------------------------------------------------- statistics
def percentile(values: Sequence[float], p: float) -> float:
    if not values:
        return 0.0
    s = sorted(values)
    k = (len(s) - 1) * p / 100
    lo, hi = math.floor(k), math.ceil(k)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else 0.0


def mean(values: Sequence[float]) -> float | None:
    """The mean, or None for no values (a metric over an empty set is not measured)."""
    return sum(values) / len(values) if values else None


# ----------------------------------------------------------------------------- refusals
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
