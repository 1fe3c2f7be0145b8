"""Curated answers: questions staff answered themselves, in ``corpus/curated.yaml``.

Each entry has an ``id``, the question with its variants, the answer staff wrote with ``[n]``
markers, and its citations (a document of the corpus and a quote that stands in it verbatim,
whitespace aside). At ``assistant index`` every entry is checked against the documents being
indexed (:func:`check_entries`): every quote must stand in its document, and every figure of
the answer in a quote its sentence cites (the rules of :mod:`assistant.citations`); otherwise
the build fails with one sentence naming the entry. The questions are embedded and stored in
the build (``curated.json``); :class:`CuratedAnswers` matches a question to them by meaning
before the normal answering path, and the matched answer cites the chunks holding its quotes.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from .citations import MARKER, verify
from .errors import CuratedError
from .types import Answer, Chunk, Citation, Document, RetrievedChunk

CURATED_FILE = "curated.yaml"
STORE_FILE = "curated.json"
#: cosine between a question and an entry's closest variant from which the entry answers
#: (multilingual-e5-small; calibrated in tests/test_curated.py on paraphrases and on the
#: answerable questions of eval/qa.jsonl about other things)
MATCH_THRESHOLD = 0.955
_WS = re.compile(r"\s+")


def _norm(text: str) -> str:
    return _WS.sub("", text)


@dataclass(frozen=True)
class CuratedCitation:
    source: str
    quote: str
    chunk_id: str = ""


@dataclass(frozen=True)
class CuratedEntry:
    id: str
    questions: tuple[str, ...]
    answer: str
    citations: tuple[CuratedCitation, ...]


def curated_path(corpus_dir: Path) -> Path:
    return corpus_dir / CURATED_FILE


def curated_hash(corpus_dir: Path) -> str:
    """Of the file's bytes ("" when there is none): a changed file means a rebuild."""
    path = curated_path(corpus_dir)
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else ""


def load_curated(corpus_dir: Path) -> tuple[CuratedEntry, ...]:
    """The entries of ``corpus/curated.yaml`` (none when the file is missing)."""
    path = curated_path(corpus_dir)
    if not path.exists():
        return ()
    where = f"{CURATED_FILE}"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        raise CuratedError(f"{where} 格式错误，无法读取（invalid YAML: {str(err).splitlines()[0]}）。") from err
    if data is None:
        return ()
    if not isinstance(data, list):
        raise CuratedError(f"{where} 应是条目列表，每条以“- id:”开头（the file must be a list of entries）。")
    entries: list[CuratedEntry] = []
    for k, item in enumerate(data, 1):
        entries.append(_entry(item, k))
    ids = [e.id for e in entries]
    dup = next((i for i in ids if ids.count(i) > 1), None)
    if dup is not None:
        raise CuratedError(f"{where} 中的条目 {dup} 出现了不止一次，id 必须唯一（duplicate id）。")
    return tuple(entries)


def _entry(item: Any, k: int) -> CuratedEntry:
    if not isinstance(item, dict) or not str(item.get("id") or "").strip():
        raise CuratedError(f"{CURATED_FILE} 第 {k} 个条目没有 id（entry {k} has no id）。")
    entry_id = str(item["id"]).strip()

    def fail(what: str) -> CuratedError:
        return CuratedError(f"{CURATED_FILE} 中的条目 {entry_id}：{what}。")

    questions = item.get("questions")
    if not isinstance(questions, list) or not all(isinstance(q, str) and q.strip() for q in questions) or not questions:
        raise fail("questions 应是至少一个问题的列表（questions must be a list of questions）")
    answer = item.get("answer")
    if not isinstance(answer, str) or not answer.strip():
        raise fail("没有答案（answer is missing）")
    citations = item.get("citations")
    if not isinstance(citations, list) or not citations:
        raise fail("没有引用，每个答案至少引用一段原文（citations are missing）")
    cited = []
    for c in citations:
        if not isinstance(c, dict) or not str(c.get("source") or "").strip() or not str(c.get("quote") or "").strip():
            raise fail("每条引用需要 source（文件名）和 quote（原文）（each citation needs source and quote）")
        cited.append(CuratedCitation(str(c["source"]).strip(), str(c["quote"]).strip()))
    return CuratedEntry(entry_id, tuple(q.strip() for q in questions), answer.strip(), tuple(cited))


def check_entries(entries: Sequence[CuratedEntry], documents: Sequence[Document], chunks: Sequence[Chunk]) -> tuple[CuratedEntry, ...]:
    """Each entry checked against the documents being indexed, with the chunk of each quote;
    the first entry that fails raises :class:`CuratedError` naming it."""
    texts = {d.source: _norm(d.text) for d in documents}
    out = []
    for entry in entries:
        def fail(what: str) -> CuratedError:
            return CuratedError(
                f"{CURATED_FILE} 中的条目 {entry.id}：{what}；索引没有更新，仍在使用原来的索引（the build failed）。"
            )

        resolved = []
        for n, c in enumerate(entry.citations, 1):
            if c.source not in texts:
                raise fail(f"引用 [{n}] 的文件 {c.source} 不在语料中（cited document not in the corpus）")
            quote = _norm(c.quote)
            if quote not in texts[c.source]:
                raise fail(f"引用 [{n}] 的原文在 {c.source} 中找不到，文件可能已更新，请核对后改正（the quote no longer stands in the document）")
            chunk = _chunk_of(quote, [ch for ch in chunks if ch.source == c.source])
            resolved.append(CuratedCitation(c.source, c.quote, chunk.id if chunk else ""))
        markers = {int(m) for m in MARKER.findall(entry.answer)}
        if not markers:
            raise fail("答案中没有 [n] 引用标记（the answer has no [n] marker）")
        check = verify(entry.answer, {n: c.quote for n, c in enumerate(entry.citations, 1)})
        if check.dangling:
            raise fail("答案中的标记 " + "、".join(f"[{n}]" for n in check.dangling) + " 没有对应的引用（marker without citation）")
        if not check.ok:
            raise fail("答案中的数字 " + "、".join(check.unverified) + " 不在它所引用的原文中（figure not in its cited quote）")
        out.append(CuratedEntry(entry.id, entry.questions, entry.answer, tuple(resolved)))
    return tuple(out)


def _chunk_of(quote: str, chunks: Sequence[Chunk]) -> Chunk | None:
    """The chunk holding the quote, else the one holding its beginning (a quote across a
    chunk boundary)."""
    for probe in (quote, quote[:12]):
        hit = next((c for c in chunks if probe in _norm(c.text)), None)
        if hit is not None:
            return hit
    return None


def write_store(folder: Path, entries: Sequence[CuratedEntry], embed: Callable[[list[str]], list[list[float]]]) -> None:
    """Embed every question variant and write the entries into a build folder."""
    questions = [q for e in entries for q in e.questions]
    vectors = embed(questions) if questions else []
    payload, k = [], 0
    for e in entries:
        payload.append({
            "id": e.id, "questions": list(e.questions), "answer": e.answer,
            "citations": [{"source": c.source, "quote": c.quote, "chunk_id": c.chunk_id} for c in e.citations],
            "vectors": [list(map(float, v)) for v in vectors[k : k + len(e.questions)]],
        })
        k += len(e.questions)
    (folder / STORE_FILE).write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")


@dataclass(frozen=True)
class CuratedMatch:
    entry: CuratedEntry
    variant: str
    score: float


class CuratedAnswers:
    """The curated entries of a build, matched by meaning."""

    def __init__(self, entries: Sequence[CuratedEntry], vectors: np.ndarray, owners: Sequence[int], threshold: float = MATCH_THRESHOLD) -> None:
        self.entries = tuple(entries)
        self.vectors = vectors
        self.owners = tuple(owners)  # entry index of each row of ``vectors``
        self.threshold = threshold

    @classmethod
    def open(cls, build: Path, threshold: float = MATCH_THRESHOLD) -> "CuratedAnswers":
        path = build / STORE_FILE
        data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else []
        entries, rows, owners = [], [], []
        for k, item in enumerate(data):
            cites = tuple(CuratedCitation(**c) for c in item["citations"])
            entries.append(CuratedEntry(item["id"], tuple(item["questions"]), item["answer"], cites))
            rows += item["vectors"]
            owners += [k] * len(item["vectors"])
        vectors = np.asarray(rows, dtype=np.float32) if rows else np.zeros((0, 0), dtype=np.float32)
        return cls(entries, vectors, owners, threshold)

    def __len__(self) -> int:
        return len(self.entries)

    def best(self, vector: Sequence[float]) -> CuratedMatch | None:
        """The entry whose variant is closest to the question's vector, with its cosine."""
        if not len(self.owners):
            return None
        scores = self.vectors @ np.asarray(vector, dtype=np.float32)
        i = int(np.argmax(scores))
        entry = self.entries[self.owners[i]]
        offset = i - self.owners.index(self.owners[i])
        return CuratedMatch(entry, entry.questions[offset], float(scores[i]))

    def match(self, question: str, vector: Sequence[float]) -> CuratedMatch | None:
        """The entry that answers ``question``: an exact variant, or the closest one at or
        above the threshold."""
        asked = _norm(question).rstrip("?？。!！")
        for entry in self.entries:
            if any(_norm(q).rstrip("?？。!！") == asked for q in entry.questions):
                return CuratedMatch(entry, question, 1.0)
        found = self.best(vector)
        return found if found is not None and found.score >= self.threshold else None


def curated_answer(question: str, result: Any, index: Any, embed: Callable[[list[str]], list[list[float]]],
                   notice: str, started: float, sections: Sequence[str] = ()) -> Answer | None:
    """The answer of the entry that matches the searched question (``result``, a
    :class:`~assistant.retrieval.RetrievalResult` of ``index``), with its citations pointing at
    the chunks holding its quotes; None when no entry matches. A question naming a section of
    the documents (``sections``: their names and short forms) that no question of the entry
    names asks about that section, however close in meaning (规划的远期目标 is not 规划期)."""
    curated: CuratedAnswers = index.curated
    if not len(curated):
        return None
    found = curated.match(result.query, result.query_vector or embed([result.query])[0])
    if found is None:
        return None
    named = [n for n in sections if n in result.query]
    if found.score < 1.0 and named and not any(n in q for q in found.entry.questions for n in named):
        return None
    citations, retrieved = [], []
    for n, c in enumerate(found.entry.citations, 1):
        chunk = index.by_id.get(c.chunk_id)
        if chunk is None:
            citations.append(Citation(n, c.chunk_id, c.source, "", c.quote))
            continue
        citations.append(Citation(n, chunk.id, chunk.source, chunk.section, chunk.text))
        retrieved.append(RetrievedChunk(chunk, found.score, len(retrieved) + 1))
    return Answer(
        question=question, text=found.entry.answer, citations=tuple(citations), notice=notice, mode="curated",
        retrieved=tuple(retrieved), timings_ms={"total": (time.perf_counter() - started) * 1000},
    )
