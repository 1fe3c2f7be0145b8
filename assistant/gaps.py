"""What citizens asked and did not get: the record of unanswered questions
(:mod:`assistant.unanswered`) of a period, grouped by meaning.

Each logged question is embedded with the assistant's model (the web app stores the vector
when it records the question; missing or other-model vectors are computed here in batches
and kept). Identical questions are embedded once. Groups are made by greedy leader
clustering over cosine: every question's neighbours are the questions at cosine ≥
``threshold``; the question with the most (weighted) neighbours leads a group of its
unassigned neighbours, then the next, until every question is in a group. Every member is
within the threshold of its group's leader. The threshold was calibrated on paraphrase
pairs (``bench/gaps.py``; the numbers are in ``bench/RESULTS.md``).

The report (:mod:`assistant.gaps_report`) and the draft curated entries are written from
the :class:`Group` list.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np

from .unanswered import MISUSE_KINDS, UnansweredStore

#: Cosine at or above which two questions are taken to ask the same thing (calibrated).
THRESHOLD = 0.935
EMBED_BATCH = 128
EXAMPLES = 5

#: How a logged question went unanswered (column names of the CSV; labels in the template).
KINDS = ("not_covered", "off_topic", "disliked", "injection")
#: Each question once, for the chart: refused (by kind) or answered and disliked.
OUTCOMES = ("not_covered", "off_topic", "injection", "disliked")


@dataclass(frozen=True)
class Group:
    """Questions that ask the same thing, most frequent wording first."""

    number: int  # 1 = the largest group
    count: int  # questions logged (duplicates counted)
    examples: tuple[str, ...]  # distinct masked wordings, most frequent first (leader first on ties)
    kinds: dict[str, int]  # not_covered / off_topic / disliked (rated not helpful) / injection (marked)
    outcome: dict[str, int]  # each question once: its refusal kind, or disliked for an answered one
    reasons: dict[str, int]  # the reasons visitors picked
    section: str  # the nearest section most often recorded ("" when none)
    source: str
    chunk_id: str
    first_seen: str
    last_seen: str
    row_ids: tuple[str, ...]

    @property
    def question(self) -> str:
        return self.examples[0]


@dataclass(frozen=True)
class GapsResult:
    since: datetime | None
    until: datetime | None
    total: int
    groups: tuple[Group, ...]
    threshold: float
    embedded: int  # distinct questions embedded in this run (the rest had stored vectors)


def normalize(question: str) -> str:
    """The form in which two logged questions count as the same wording."""
    text = unicodedata.normalize("NFKC", question).strip()
    return " ".join(text.split()).rstrip("?？。.!！ ")


def kinds_of(row: dict[str, Any]) -> list[str]:
    out = [row["refusal_kind"]] if row.get("refusal_kind") in ("not_covered", "off_topic") else []
    if row.get("rating") == "not_helpful":
        out.append("disliked")
    if row.get("injection") or row.get("refusal_kind") in MISUSE_KINDS:
        out.append("injection")
    return out


def outcome_of(row: dict[str, Any]) -> str:
    """How the question went, once per question: its refusal kind (a request for help to
    deceive counts as an injection: a misuse of the assistant), else disliked."""
    kind = row.get("refusal_kind") or "disliked"
    return "injection" if kind in MISUSE_KINDS else kind


def cluster(vectors: np.ndarray, weights: np.ndarray | None = None, threshold: float = THRESHOLD,
            block: int = 1024) -> list[np.ndarray]:
    """Greedy leader clustering of unit vectors over cosine; returns the members of each
    group (the leader first), largest-leader-degree first. Deterministic."""
    n = len(vectors)
    if n == 0:
        return []
    weights = np.ones(n) if weights is None else np.asarray(weights, dtype=np.float64)
    x = np.ascontiguousarray(vectors, dtype=np.float32)
    neighbours: list[np.ndarray] = []
    for start in range(0, n, block):
        sims = x[start:start + block] @ x.T
        rows, cols = np.nonzero(sims >= threshold)
        splits = np.searchsorted(rows, np.arange(1, len(sims)))
        neighbours.extend(np.split(cols, splits))
    degree = np.array([weights[nb].sum() for nb in neighbours])
    order = np.lexsort((np.arange(n), -degree))
    assigned = np.zeros(n, dtype=bool)
    groups: list[np.ndarray] = []
    for i in order:
        if assigned[i]:
            continue
        members = neighbours[i][~assigned[neighbours[i]]]
        members = np.concatenate(([i], members[members != i]))
        assigned[members] = True
        groups.append(members)
    return groups


def _vectors(store: UnansweredStore, rows: list[dict[str, Any]], texts: list[str], index_of: list[int],
             embed: Callable[[list[str]], Sequence[Sequence[float]]], model: str) -> tuple[np.ndarray, int]:
    """One unit vector per distinct text: a stored vector of the same model when a row has
    one, else embedded now (in batches) and stored for the next report."""
    dim = 0
    found: dict[int, np.ndarray] = {}
    for row, k in zip(rows, index_of):
        if k not in found and row.get("vector") is not None and row.get("vector_model") == model:
            found[k] = row["vector"]
            dim = len(row["vector"])
    missing = [k for k in range(len(texts)) if k not in found]
    for start in range(0, len(missing), EMBED_BATCH):
        part = missing[start:start + EMBED_BATCH]
        for k, vec in zip(part, embed([texts[k] for k in part])):
            found[k] = np.asarray(vec, dtype=np.float32)
            dim = len(found[k])
    if missing:
        fresh = set(missing)
        store.set_vectors([(row["id"], found[k]) for row, k in zip(rows, index_of) if k in fresh], model)
    matrix = np.zeros((len(texts), dim), dtype=np.float32)
    for k, vec in found.items():
        matrix[k] = vec
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1, norms), len(missing)


def find_gaps(store: UnansweredStore, embed: Callable[[list[str]], Sequence[Sequence[float]]], model: str,
              since: datetime | None = None, until: datetime | None = None,
              threshold: float = THRESHOLD) -> GapsResult:
    """The logged questions of [since, until), grouped by meaning, largest group first."""
    rows = store.rows(since, until, vectors=True)
    texts: list[str] = []
    seen: dict[str, int] = {}
    index_of: list[int] = []
    for row in rows:
        key = normalize(row["question"])
        if key not in seen:
            seen[key] = len(texts)
            texts.append(row["question"].strip())
        index_of.append(seen[key])
    if not rows:
        return GapsResult(since, until, 0, (), threshold, 0)
    vectors, embedded = _vectors(store, rows, texts, index_of, embed, model)
    weights = np.bincount(np.asarray(index_of), minlength=len(texts)).astype(np.float64)
    members_of: dict[int, list[dict[str, Any]]] = {}
    for row, k in zip(rows, index_of):
        members_of.setdefault(k, []).append(row)
    groups = []
    for members in cluster(vectors, weights, threshold):
        leader = int(members[0])
        wordings = sorted((int(k) for k in members), key=lambda k: (-weights[k], k != leader, k))
        group_rows = [row for k in wordings for row in members_of[k]]
        groups.append(_group(group_rows, [texts[k] for k in wordings]))
    groups.sort(key=lambda g: (-g.count, g.first_seen, g.question))
    numbered = tuple(Group(**{**g.__dict__, "number": i}) for i, g in enumerate(groups, 1))
    return GapsResult(since, until, len(rows), numbered, threshold, embedded)


def _group(rows: list[dict[str, Any]], wordings: list[str]) -> Group:
    kinds: Counter[str] = Counter()
    for row in rows:
        kinds.update(kinds_of(row))
    outcome = Counter(outcome_of(row) for row in rows)
    reasons = Counter(row["reason"] for row in rows if row.get("reason"))
    near = Counter((row["section"] or "", row["source"] or "", row["chunk_id"] or "") for row in rows if row.get("section"))
    section, source, chunk_id = near.most_common(1)[0][0] if near else ("", "", "")
    hours = [row["hour"] for row in rows]
    return Group(
        number=0, count=len(rows), examples=tuple(wordings[:EXAMPLES]),
        kinds={k: kinds.get(k, 0) for k in KINDS}, outcome={k: outcome.get(k, 0) for k in OUTCOMES}, reasons=dict(reasons.most_common()),
        section=section, source=source, chunk_id=chunk_id, first_seen=min(hours), last_seen=max(hours),
        row_ids=tuple(row["id"] for row in rows),
    )
