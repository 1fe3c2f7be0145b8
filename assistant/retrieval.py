"""Retrieval: dense (Chroma), keyword (BM25 over jieba tokens) and their fusion.

The question is cleaned and converted to simplified Chinese first; glossary terms found
in it add their expansions to the keyword query (两山 → 绿水青山就是金山银山).
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property

from .chunking import heading_forms, strip_numbering
from .config import Settings
from .embeddings import Embedder
from .glossary import Term
from .index import PlanIndex
from .text import clean_question, is_english, to_simplified
from .types import Chunk, RetrievedChunk

RRF_K = 60
SECTION_BONUS = 1.0


def section_names(chunk: Chunk, forms: Mapping[str, Sequence[str]]) -> tuple[str, ...]:
    """How a question may name the chunk's own (deepest) section: its heading and the short
    form among its siblings (``forms``, from :func:`~assistant.chunking.heading_forms`):
    生态经济领域 / 生态经济, 远期目标 / 远期. Top-level sections are not used, being too broad
    to single out a chunk."""
    if len(chunk.section_path) < 2:
        return ()
    name = strip_numbering(chunk.section_path[-1])
    return tuple(n for n in forms.get(name, (name,)) if len(n) >= 2)


@dataclass(frozen=True)
class RetrievalResult:
    query: str  # the query as searched (cleaned, simplified)
    chunks: tuple[RetrievedChunk, ...]
    timings_ms: dict[str, float] = field(default_factory=dict)
    dense_top: float | None = None  # best cosine similarity, used to judge coverage
    query_vector: tuple[float, ...] | None = None  # the embedded query (dense and hybrid modes)
    #: the passages closest in meaning, before keyword search is fused in (dense and hybrid modes)
    nearest: tuple[RetrievedChunk, ...] = ()

    def toward(self, vector: Sequence[float]) -> RetrievalResult:
        """This result with its query vector moved halfway toward ``vector`` (the sum of the
        two unit vectors, normalized): what a follow-up itself asks (那不批呢, 会通知我吗) and
        the conversation it belongs to, for choosing the answering sentence among the passages
        the conversation found. Unchanged without a query vector."""
        if self.query_vector is None:
            return self
        both = [a + b for a, b in zip(self.query_vector, vector)]
        norm = sum(x * x for x in both) ** 0.5 or 1.0
        return replace(self, query_vector=tuple(x / norm for x in both))


class Retriever:
    def __init__(
        self,
        index: PlanIndex,
        embedder: Embedder,
        settings: Settings,
        glossary: Sequence[Term] = (),
        synonyms: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        self.index = index
        self.embedder = embedder
        self.settings = settings
        self.glossary = tuple(glossary)
        self.synonyms = {k.lower(): tuple(v) for k, v in (synonyms or {}).items()}

    def search(
        self, question: str, k: int | None = None, mode: str | None = None, with_dense_score: bool = False
    ) -> RetrievalResult:
        k = k or self.settings.top_k
        mode = mode or self.settings.retrieval_mode
        query = to_simplified(clean_question(question))
        n = max(self.settings.candidates, k)
        timings: dict[str, float] = {}
        dense: list[tuple[Chunk, float]] = []
        vector: list[float] | None = None
        keyword: list[tuple[Chunk, float]] = []
        if mode in ("dense", "hybrid") or with_dense_score:
            t0 = time.perf_counter()
            vector = self.embedder.embed_query(query)
            t1 = time.perf_counter()
            dense = self.index.dense(vector, n if mode != "keyword" else 1)
            timings["embed_ms"] = (t1 - t0) * 1000
            timings["dense_ms"] = (time.perf_counter() - t1) * 1000
        if mode in ("keyword", "hybrid"):
            t0 = time.perf_counter()
            keyword = self.index.keyword(self.keyword_tokens(query), n)
            timings["keyword_ms"] = (time.perf_counter() - t0) * 1000
        t0 = time.perf_counter()
        if mode == "dense":
            ranked = dense
        elif mode == "keyword":
            ranked = keyword
        elif mode == "hybrid":
            ranked = fuse(dense, keyword, self.settings.fusion, self.settings.fusion_weight)
        else:
            raise ValueError(f"unknown retrieval mode {mode!r}")
        ranked = self.section_first(query, ranked)
        timings["fusion_ms"] = (time.perf_counter() - t0) * 1000
        chunks = tuple(RetrievedChunk(c, s, r) for r, (c, s) in enumerate(ranked[:k], start=1))
        dense_top = dense[0][1] if dense else None
        return RetrievalResult(
            query=query, chunks=chunks, timings_ms=timings, dense_top=dense_top,
            query_vector=tuple(vector) if vector is not None else None,
            nearest=tuple(RetrievedChunk(c, s, r) for r, (c, s) in enumerate(dense[:k], start=1)),
        )

    @cached_property
    def forms(self) -> dict[str, tuple[str, ...]]:
        """How questions may name each heading of the index (computed once)."""
        return heading_forms(c.section_path for c in self.index.chunks)

    def section_first(self, query: str, ranked: list[tuple[Chunk, float]]) -> list[tuple[Chunk, float]]:
        """Chunks of a section the question names (生态经济领域, 远期目标 …) go first, keeping
        their order; their score carries a bonus of :data:`SECTION_BONUS`."""
        named = [(c, s + SECTION_BONUS) for c, s in ranked if any(n in query for n in section_names(c, self.forms))]
        if not named:
            return ranked
        ids = {c.id for c, _ in named}
        return named + [(c, s) for c, s in ranked if c.id not in ids]

    def keyword_tokens(self, query: str) -> list[str]:
        tokens = self.index.tokenizer(query)
        for extra in expansions(query, self.glossary, self.synonyms):
            tokens.extend(self.index.tokenizer(extra))
        if is_english(query):  # an English question is searched by the Chinese words its words stand for
            for word in self.index.english(query):
                parts = self.index.tokenizer(word)  # the word itself when the index has it as a token
                tokens.extend([word] if word in parts else parts)
        return tokens


def expansions(query: str, glossary: Sequence[Term], synonyms: Mapping[str, Sequence[str]]) -> list[str]:
    """Words of the plan that a query's glossary terms and colloquial or English words stand for."""
    lowered = query.lower()
    out: list[str] = []
    for term in glossary:
        if any(name in query for name in term.names):
            out.extend(term.expand)
    for key, words in synonyms.items():
        if key.isascii():
            if re.search(rf"\b{re.escape(key)}", lowered):
                out.extend(words)
        elif key in query:
            out.extend(words)
    return out


def fuse(
    dense: list[tuple[Chunk, float]],
    keyword: list[tuple[Chunk, float]],
    method: str,
    weight: float,
) -> list[tuple[Chunk, float]]:
    """Combine two rankings. ``weighted``: ``weight``·dense + (1−``weight``)·keyword on
    scores min-max normalized per query; ``rrf``: reciprocal-rank fusion (k=60)."""
    chunks = {c.id: c for c, _ in [*dense, *keyword]}
    scores: dict[str, float] = {cid: 0.0 for cid in chunks}
    if method == "rrf":
        for ranking in (dense, keyword):
            for rank, (c, _) in enumerate(ranking, start=1):
                scores[c.id] += 1.0 / (RRF_K + rank)
    elif method == "weighted":
        for ranking, w in ((dense, weight), (keyword, 1.0 - weight)):
            for cid, s in _minmax(ranking).items():
                scores[cid] += w * s
    else:
        raise ValueError(f"unknown fusion method {method!r}")
    order = sorted(chunks, key=lambda cid: (-scores[cid], chunks[cid].source, chunks[cid].ordinal))
    return [(chunks[cid], scores[cid]) for cid in order]


def _minmax(ranking: list[tuple[Chunk, float]]) -> dict[str, float]:
    if not ranking:
        return {}
    values = [s for _, s in ranking]
    lo, hi = min(values), max(values)
    span = hi - lo
    return {c.id: ((s - lo) / span if span > 0 else 1.0) for c, s in ranking}
