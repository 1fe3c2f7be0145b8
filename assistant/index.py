"""The index: a Chroma collection, a BM25 keyword index and readable files, with a manifest.

Layout under ``index/``::

    CURRENT                 name of the build in service (switched atomically)
    builds/<build-id>/
        manifest.json       model, dimension, chunking, chromadb version, counts, corpus hash
        chunks.jsonl        every chunk, readable
        chroma/             Chroma persistent store (collection ``plan_chunks``)
        bm25/               bm25s index over jieba tokens
    .build.lock             one builder at a time

A build is written into ``builds/.tmp-<id>``, validated (count, dimension, self-retrieval
of sample chunks), renamed, and only then is ``CURRENT`` replaced, so a reader never sees
a half-built index and a killed build leaves the previous one in service.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import chromadb
import numpy as np
from filelock import FileLock, Timeout

from .chunking import ChunkingConfig, chunk_documents
from .config import Settings
from .corpus import CorpusLoad, load_corpus
from .embeddings import Embedder, ModelSpec
from .errors import (
    REBUILD_HINT,
    IndexBuildError,
    IndexLockedError,
    IndexMismatchError,
    IndexMissingError,
)
from .glossary import load_glossary, user_words
from .text import ChineseTokenizer
from .types import Chunk

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
COLLECTION = "plan_chunks"
KEEP_OLD_BUILDS = 2


def chunking_config(settings: Settings) -> ChunkingConfig:
    return ChunkingConfig(chunk_size=settings.chunk_size, chunk_overlap=settings.chunk_overlap)


def chroma_client(path: Path) -> chromadb.ClientAPI:
    return chromadb.PersistentClient(
        path=str(path), settings=chromadb.config.Settings(anonymized_telemetry=False)
    )


@dataclass(frozen=True)
class BuildReport:
    build_id: str
    path: Path
    documents: int
    chunks: int
    seconds: float
    problems: tuple[str, ...]

    def summary(self) -> str:
        lines = [
            f"索引已建成 index built: {self.documents} 个文档 documents, {self.chunks} 个片段 chunks, "
            f"{self.seconds:.1f} 秒 s → {self.path}"
        ]
        lines += [f"已跳过 skipped: {p}" for p in self.problems]
        return "\n".join(lines)


# --------------------------------------------------------------------------- paths
class IndexLayout:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.builds = root / "builds"
        self.current_file = root / "CURRENT"
        self.lock_file = root / ".build.lock"

    def current(self) -> Path | None:
        try:
            name = self.current_file.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        path = self.builds / name
        return path if (path / "manifest.json").exists() else None

    def switch_to(self, build: Path) -> None:
        tmp = self.root / f".CURRENT.{os.getpid()}"
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(build.name + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.current_file)
        _fsync_dir(self.root)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# --------------------------------------------------------------------------- manifest
def expected_manifest(settings: Settings, embedder: Embedder, corpus: CorpusLoad) -> dict[str, Any]:
    """The fields an index must match to serve with these settings and this corpus."""
    return {
        "format_version": FORMAT_VERSION,
        "embedding": {**ModelSpec.from_settings(settings).to_json(), "dimension": embedder.dimension},
        "chunking": chunking_config(settings).to_json(),
        "corpus_hash": corpus.corpus_hash,
    }


def check_manifest(manifest: dict[str, Any], expected: dict[str, Any]) -> None:
    for key, want in expected.items():
        have = manifest.get(key)
        if have != want:
            what = {
                "format_version": "索引格式版本 index format",
                "embedding": "向量模型 embedding model",
                "chunking": "切分设置 chunking settings",
                "corpus_hash": "语料内容 corpus content",
            }[key]
            raise IndexMismatchError(
                f"索引与当前{what}不一致（index was built with a different {key.replace('_', ' ')}: "
                f"{_short(have)} ≠ {_short(want)}）；请{REBUILD_HINT}。"
            )


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) < 120 else text[:117] + "…"


# --------------------------------------------------------------------------- open
class PlanIndex:
    """A built index opened for search. Thread-safe for concurrent searches."""

    def __init__(self, path: Path, manifest: dict[str, Any]) -> None:
        import bm25s

        self.path = path
        self.manifest = manifest
        self.chunks: list[Chunk] = [_chunk_from_json(json.loads(line)) for line in (path / "chunks.jsonl").read_text(encoding="utf-8").splitlines() if line]
        self.by_id = {c.id: c for c in self.chunks}
        self.collection = chroma_client(path / "chroma").get_collection(COLLECTION)
        self.bm25 = bm25s.BM25.load(str(path / "bm25"), show_progress=False)
        self.tokenizer = ChineseTokenizer(manifest["keyword"]["user_words"])

    @property
    def build_id(self) -> str:
        return str(self.manifest["build_id"])

    def dense(self, vector: list[float], k: int) -> list[tuple[Chunk, float]]:
        """Nearest chunks by cosine similarity (1 - cosine distance)."""
        k = min(k, len(self.chunks))
        res = self.collection.query(query_embeddings=[vector], n_results=k, include=["distances"])
        return [(self.by_id[i], 1.0 - float(d)) for i, d in zip(res["ids"][0], res["distances"][0])]

    def keyword(self, tokens: list[str], k: int) -> list[tuple[Chunk, float]]:
        """Best chunks by BM25 over jieba tokens; chunks with score 0 are left out."""
        known = [t for t in tokens if t in self.bm25.vocab_dict]
        if not known:
            return []
        scores = self.bm25.get_scores(known)
        k = min(k, len(self.chunks))
        top = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
        order = sorted(top, key=lambda i: (-scores[i], i))
        return [(self.chunks[i], float(scores[i])) for i in order if scores[i] > 0]


def open_index(settings: Settings, embedder: Embedder, corpus: CorpusLoad | None = None) -> PlanIndex:
    """Open the index in service; raise if it is missing or does not match the settings."""
    layout = IndexLayout(settings.index_path)
    build = layout.current()
    if build is None:
        raise IndexMissingError(f"还没有建立索引（no index in {settings.index_path}）；请{REBUILD_HINT}。")
    manifest = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
    corpus = corpus or load_corpus(settings.corpus_path)
    check_manifest(manifest, expected_manifest(settings, embedder, corpus))
    if manifest.get("chromadb_version") != chromadb.__version__:
        log.warning("index built with chromadb %s, running %s", manifest.get("chromadb_version"), chromadb.__version__)
    return PlanIndex(build, manifest)


def index_status(settings: Settings, embedder: Embedder) -> str | None:
    """None when the index in service matches; otherwise the reason it does not."""
    try:
        open_index(settings, embedder)
    except (IndexMissingError, IndexMismatchError) as err:
        return str(err)
    return None


# --------------------------------------------------------------------------- build
def build_index(
    settings: Settings,
    embedder: Embedder,
    *,
    progress: bool = True,
    on_stage: Callable[[str], None] | None = None,
) -> BuildReport:
    """Build a new index from the corpus and switch to it atomically."""
    layout = IndexLayout(settings.index_path)
    layout.builds.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(layout.lock_file), timeout=0)
    try:
        lock.acquire()
    except Timeout as err:
        raise IndexLockedError(
            "另一个进程正在重建索引，请等它完成后再试（another process is building the index）。"
        ) from err
    try:
        return _build_locked(settings, embedder, layout, progress, on_stage or (lambda s: None))
    finally:
        lock.release()


def _build_locked(
    settings: Settings,
    embedder: Embedder,
    layout: IndexLayout,
    progress: bool,
    stage: Callable[[str], None],
) -> BuildReport:
    started = time.perf_counter()
    for stale in layout.builds.glob(".tmp-*"):  # left by a killed build
        shutil.rmtree(stale, ignore_errors=True)

    stage("load")
    corpus = load_corpus(settings.corpus_path)
    stage("chunk")
    config = chunking_config(settings)
    chunks = chunk_documents(corpus.documents, config)
    if not chunks:
        raise IndexBuildError("语料中没有可切分的正文（the corpus yields no chunks）。")
    words = user_words(load_glossary(settings.corpus_path))

    build_id = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
    tmp = layout.builds / f".tmp-{build_id}"
    tmp.mkdir()
    try:
        stage("embed")
        vectors = _embed_chunks(embedder, chunks, settings.embed_batch_size, progress)
        stage("write")
        client = chroma_client(tmp / "chroma")
        collection = client.create_collection(
            COLLECTION, configuration={"hnsw": {"space": "cosine"}}, metadata={"build_id": build_id}
        )
        for start in range(0, len(chunks), 1000):
            part = chunks[start : start + 1000]
            collection.add(
                ids=[c.id for c in part],
                embeddings=vectors[start : start + len(part)],
                documents=[c.text for c in part],
                metadatas=[c.to_metadata() for c in part],
            )
        tokenizer = ChineseTokenizer(words)
        _build_bm25(tmp / "bm25", [tokenizer(c.embed_text) for c in chunks])
        with open(tmp / "chunks.jsonl", "w", encoding="utf-8") as fh:
            for c in chunks:
                fh.write(json.dumps(_chunk_to_json(c), ensure_ascii=False) + "\n")
        manifest = {
            **expected_manifest(settings, embedder, corpus),
            "build_id": build_id,
            "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "chromadb_version": chromadb.__version__,
            "collection": COLLECTION,
            "chunk_count": len(chunks),
            "keyword": {"tokenizer": "jieba.lcut_for_search", "user_words": words},
            "documents": [
                {"source": d.source, "title": d.title, "sha256": d.sha256, "metadata": d.metadata}
                for d in corpus.documents
            ],
            "skipped": [str(p) for p in corpus.problems],
        }
        (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        stage("validate")
        _validate(tmp, manifest, vectors, chunks, embedder.dimension)
        final = layout.builds / build_id
        os.replace(tmp, final)
        _fsync_dir(layout.builds)
        stage("switch")
        layout.switch_to(final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _remove_old_builds(layout, keep=final)
    return BuildReport(
        build_id=build_id,
        path=final,
        documents=len(corpus.documents),
        chunks=len(chunks),
        seconds=time.perf_counter() - started,
        problems=tuple(str(p) for p in corpus.problems),
    )


def _embed_chunks(embedder: Embedder, chunks: list[Chunk], batch: int, progress: bool) -> list[list[float]]:
    from tqdm import tqdm

    texts = [c.embed_text for c in chunks]
    # Sorting by length keeps padding low inside each batch; results go back in order.
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    out: list[list[float]] = [[] for _ in texts]
    step = max(batch, 1) * 4
    with tqdm(total=len(texts), desc="embedding", unit="chunk", disable=not progress) as bar:
        for start in range(0, len(order), step):
            idx = order[start : start + step]
            for i, vec in zip(idx, embedder.embed_passages([texts[i] for i in idx])):
                out[i] = vec
            bar.update(len(idx))
    return out


def _build_bm25(path: Path, tokens: list[list[str]]) -> None:
    import bm25s

    retriever = bm25s.BM25()
    retriever.index([t or [""] for t in tokens], show_progress=False)
    retriever.save(str(path), show_progress=False)


def _validate(tmp: Path, manifest: dict[str, Any], vectors: list[list[float]], chunks: list[Chunk], dim: int) -> None:
    index = PlanIndex(tmp, manifest)
    count = index.collection.count()
    if count != len(chunks):
        raise IndexBuildError(f"索引校验失败：写入 {count} 个片段，应为 {len(chunks)}（validation: count mismatch）。")
    if len(vectors[0]) != dim:
        raise IndexBuildError(f"索引校验失败：向量维度 {len(vectors[0])} ≠ {dim}（validation: dimension）。")
    samples = sorted({0, len(chunks) // 2, len(chunks) - 1})
    for i in samples:
        hits = index.dense(vectors[i], 1)
        if not hits or hits[0][1] < 0.999:  # itself, or an exact duplicate of it
            raise IndexBuildError(f"索引校验失败：片段 {chunks[i].id} 检索不到自身（validation: self-retrieval）。")


def _remove_old_builds(layout: IndexLayout, keep: Path) -> None:
    builds = sorted((p for p in layout.builds.iterdir() if p.is_dir() and not p.name.startswith(".")), key=lambda p: p.name)
    old = [p for p in builds if p != keep]
    for p in old[: max(0, len(old) - KEEP_OLD_BUILDS)]:
        shutil.rmtree(p, ignore_errors=True)


def _chunk_to_json(c: Chunk) -> dict[str, Any]:
    return {"id": c.id, "text": c.text, **c.to_metadata()}


def _chunk_from_json(d: dict[str, Any]) -> Chunk:
    return Chunk.from_metadata(d["id"], d["text"], d)
