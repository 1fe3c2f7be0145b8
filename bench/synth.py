"""Synthetic corpora and indexes for the benchmarks, built through the project's own code.

* :func:`write_corpus` writes a corpus folder: the real plan, unchanged, plus Markdown
  documents whose sections each hold one paragraph recombined from the plan's sentences
  (with varied figures), so that chunking gives one realistic ~100–150-character Chinese
  chunk per section and the keyword index sees the plan's vocabulary.
* :func:`build_synthetic_index` runs :func:`assistant.index.build_index` on such a corpus
  with :class:`SyntheticEmbedder`: the plan's own chunks get their real vectors, every
  synthetic chunk a mixture of the real vectors of the sentences it was made from, plus
  noise (384-d unit vectors; see the class for why not plain random ones), and so does every clause
  vector stored with the build. Everything else — chunking, Chroma
  collection, BM25, chunks.jsonl, clause vectors, manifest, validation, the atomic switch — is the
  project's code, so the result opens with the real model like any index.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import shutil
from pathlib import Path
from typing import Any

import numpy as np

from assistant.config import Settings
from assistant.embeddings import Embedder
from assistant.errors import AssistantError
from assistant.index import BuildReport, build_index, open_index

ROOT = Path(__file__).resolve().parents[1]
PLAN_CORPUS = ROOT / "corpus"
SECTIONS_PER_DOC = 1000
SYNTH_VERSION = 4  # bump when the generator changes: cached corpora are rebuilt

_SENTENCE = re.compile(r"[^。！？；\n]+[。！？；]")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def plan_sentences(corpus: Path = PLAN_CORPUS) -> tuple[list[str], list[str]]:
    """The plan's body sentences and its headings (without numbering)."""
    sentences: list[str] = []
    headings: list[str] = []
    for path in sorted(corpus.glob("*.md")):
        text = re.sub(r"\A---\n.*?\n---\n", "", path.read_text(encoding="utf-8"), flags=re.S)
        text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
        for line in text.splitlines():
            line = line.strip()
            if line.startswith("#"):
                h = re.sub(r"^#+\s*", "", line)
                h = re.sub(r"^(?:[一二三四五六七八九十]+、|\d+[.．、]\s*)", "", h).strip()
                if 2 <= len(h) <= 14:
                    headings.append(h)
            elif line:
                sentences.extend(s for s in _SENTENCE.findall(line) if 8 <= len(s) <= 120)
                if re.match(r"^\d+\.\s", line):  # list items (规划原则) end without punctuation
                    sentences.append(re.sub(r"^\d+\.\s*", "", line) + "。")
    return sentences, sorted(set(headings))


def _vary(sentence: str, rng: random.Random) -> str:
    """Change the figures of a sentence so recombined chunks are not copies."""
    def repl(m: re.Match[str]) -> str:
        value = m.group(0)
        if "." in value:
            return f"{float(value) * rng.uniform(0.5, 2.0):.2f}"
        n = int(value)
        if 1990 <= n <= 2100:
            return str(rng.randint(2024, 2040))
        return str(max(1, int(n * rng.uniform(0.5, 2.0))))

    return _NUMBER.sub(repl, sentence)


def paragraph(rng: random.Random, sentences: list[str], limit: int = 140) -> str:
    out = ""
    for _ in range(8):
        s = _vary(rng.choice(sentences), rng)
        if out and len(out) + len(s) > limit:
            break
        out += s
        if len(out) >= limit * 0.6:
            break
    return out[:limit] if len(out) > limit else out


def write_corpus(target: Path, chunks: int, seed: int = 7) -> Path:
    """A corpus folder with the plan and about ``chunks`` synthetic sections (one chunk each)."""
    sentences, headings = plan_sentences()
    rng = random.Random(seed)
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for name in ("glossary.yaml", "synonyms.yaml"):
        if (PLAN_CORPUS / name).exists():
            shutil.copy2(PLAN_CORPUS / name, target / name)
    for path in PLAN_CORPUS.glob("*.md"):
        shutil.copy2(path, target / path.name)
    remaining = max(0, chunks - _plan_chunk_count())
    doc = 0
    while remaining > 0:
        n = min(SECTIONS_PER_DOC, remaining)
        lines = [
            "---", f"title: 临江市生态文明建设专题资料汇编（合成）第{doc + 1}册", "doc_type: 合成测试文本", "---", "",
            f"# 临江市生态文明建设专题资料汇编（合成）第{doc + 1}册", "",
        ]
        for part in range(0, n, 20):
            lines += [f"## 第{part // 20 + 1}部分 {rng.choice(headings)}", ""]
            for k in range(part, min(part + 20, n)):
                lines += [f"### {k + 1}. {rng.choice(headings)}（{doc + 1}-{k + 1}）", "", paragraph(rng, sentences), ""]
        (target / f"synthetic-{doc + 1:04d}.md").write_text("\n".join(lines), encoding="utf-8")
        remaining -= n
        doc += 1
    return target


def _plan_chunk_count() -> int:
    from assistant.chunking import ChunkingConfig, chunk_documents
    from assistant.corpus import load_corpus

    return len(chunk_documents(load_corpus(PLAN_CORPUS).documents, ChunkingConfig(150, 0)))


class SyntheticEmbedder:
    """Stands in for :class:`~assistant.embeddings.Embedder` while building: real vectors
    for the plan's chunks (so its questions still find them); for a synthetic chunk, the
    normalized mean of the real vectors of the plan sentences it was recombined from, plus
    noise. Only what :func:`build_index` uses is provided.

    Why not plain random unit vectors: 384-d isotropic noise has no neighbourhood
    structure, and HNSW cannot navigate it — at 100k such vectors the project's own build
    validation (a chunk's vector must find the chunk) fails, and the plan's real vectors
    form an island the graph never reaches. Sentence mixtures keep the vectors in the
    regime of real embeddings while costing no model time per chunk."""

    NOISE = 0.15  # norm of the per-chunk noise relative to the (unit) mixture

    def __init__(self, real: Embedder, real_texts: set[str], seed: int = 11) -> None:
        self.real = real
        self.dimension = real.dimension
        self.spec = real.spec
        self.real_texts = real_texts
        self.rng = np.random.default_rng(seed)
        sentences, _ = plan_sentences()
        keys = list(dict.fromkeys(_NUMBER.sub("#", x) for x in sentences))
        first = {k: next(x for x in sentences if _NUMBER.sub("#", x) == k) for k in keys}
        basis = np.asarray(real.embed_passages([first[k] for k in keys]), dtype=np.float32)
        self.basis = {k: basis[i] for i, k in enumerate(keys)}
        self.mean = basis.mean(axis=0)

    def _mixture(self, text: str) -> np.ndarray:
        body = text.split("：", 1)[-1]
        parts = [self.basis.get(_NUMBER.sub("#", x)) for x in _SENTENCE.findall(body)]
        found = [v for v in parts if v is not None]
        v = np.mean(found, axis=0) if found else self.mean
        return v / np.linalg.norm(v)

    def embed_passages(self, texts: list[str]) -> list[list[float]]:
        noise = self.rng.standard_normal((len(texts), self.dimension)).astype(np.float32)
        noise *= self.NOISE / np.linalg.norm(noise, axis=1, keepdims=True)
        vectors = np.stack([self._mixture(t) for t in texts]) + noise
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        out = vectors.tolist()
        real = [i for i, t in enumerate(texts) if t in self.real_texts]
        if real:
            for i, v in zip(real, self.real.embed_passages([texts[i] for i in real])):
                out[i] = v
        return out


def synthetic_settings(base: Settings, work: Path, chunks: int) -> Settings:
    key = f"synth-v{SYNTH_VERSION}-{chunks}" + ("-server" if base.chroma_url else "")
    return base.model_copy(update={"corpus_dir": work / key / "corpus", "index_dir": work / key / "index"})


def build_synthetic_index(base: Settings, embedder: Embedder, work: Path, chunks: int) -> tuple[Settings, BuildReport | None]:
    """Settings for a synthetic index of about ``chunks`` chunks, built unless a matching
    one is cached under ``work`` (returns the build report when it was built now)."""
    settings = synthetic_settings(base, work, chunks)
    marker = settings.corpus_path.parent / "corpus.json"
    want = {"chunks": chunks, "version": SYNTH_VERSION, "plan": _plan_hash()}
    if marker.exists() and json.loads(marker.read_text()) == want:
        try:
            open_index(settings, embedder)
            return settings, None
        except AssistantError:
            pass
    if settings.index_path.exists():
        shutil.rmtree(settings.index_path)
    write_corpus(settings.corpus_path, chunks)
    marker.write_text(json.dumps(want))
    from assistant.chunking import ChunkingConfig, chunk_documents
    from assistant.corpus import load_corpus

    from assistant.answering import SentenceScorer

    plan_chunks = chunk_documents(load_corpus(PLAN_CORPUS).documents, ChunkingConfig(base.chunk_size, base.chunk_overlap))
    # the plan's chunks and clauses get their real vectors (its questions still find them)
    real = {c.embed_text for c in plan_chunks} | {t for c in plan_chunks for t in SentenceScorer.clause_texts(c)}
    fake: Any = SyntheticEmbedder(embedder, real)
    report = build_index(settings, fake, progress=False, clause_texts=SentenceScorer.clause_texts)
    return settings, report


def _plan_hash() -> str:
    h = hashlib.sha256()
    for p in sorted(PLAN_CORPUS.iterdir()):
        if p.is_file():
            h.update(p.name.encode() + p.read_bytes())
    return h.hexdigest()[:16]
