"""Building an index: load, chunk, embed, write into ``builds/.tmp-<id>``, validate, rename,
and only then switch ``CURRENT`` (one builder at a time); old builds beyond
:data:`KEEP_OLD_BUILDS` are removed with their server collections, except those a running
process still serves (a lease, :func:`~assistant.index.layout.lease`)."""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from ..bilingual import EnglishGloss
from ..chunking import chunk_documents
from ..config import Settings
from ..corpus import CorpusLoad, load_corpus
from ..curated import check_entries, load_curated, write_store
from ..embeddings import Embedder
from ..errors import IndexBuildError, IndexLockedError
from ..glossary import load_glossary, user_words
from ..text import ChineseTokenizer
from ..types import Chunk
from .clauses import ClauseTexts, write_clause_vectors
from .queries import write_query_vectors
from .diff import IndexChanges, changes_since
from .layout import IndexLayout, chunk_to_json, chunking_config, expected_manifest, fsync_dir, is_leased
from .reader import PlanIndex, import_bm25s
from .store import (
    LOCAL_STORE,
    SERVER_STORE,
    build_client,
    chromadb_version,
    collection_name,
    drop_collection,
    manifest_store,
    server_error,
    store_kind,
)

log = logging.getLogger(__name__)

KEEP_OLD_BUILDS = 2
VALIDATE_DEPTH = 10  # hits searched for a sample chunk's own vector when validating a build


@dataclass(frozen=True)
class BuildReport:
    build_id: str
    path: Path
    documents: int
    chunks: int
    seconds: float
    problems: tuple[str, ...]
    changes: IndexChanges | None = None
    curated: int = 0

    def summary(self) -> str:
        lines = [
            f"索引已建成 index built: {self.documents} 个文档 documents, {self.chunks} 个片段 chunks, "
            f"{self.seconds:.1f} 秒 s → {self.path}"
        ]
        if self.curated:
            lines.append(f"人工答案 curated answers: {self.curated} 条已核对 checked")
        lines += [f"已跳过 skipped: {p}" for p in self.problems]
        return "\n".join(lines)


def build_index(
    settings: Settings,
    embedder: Embedder,
    *,
    progress: bool = True,
    on_stage: Callable[[str], None] | None = None,
    clause_texts: ClauseTexts | None = None,
    on_changes: Callable[[IndexChanges], None] | None = None,
    query_sets: Mapping[str, Sequence[str]] | None = None,
) -> BuildReport:
    """Build a new index from the corpus and switch to it atomically; with ``clause_texts``
    (what the answerer embeds of a chunk), the build stores those clauses' vectors too, and
    with ``query_sets`` the vectors of those named question sets (:mod:`.queries`);
    ``on_changes`` is told what changed against the build in service just before the switch."""
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
        return _build_locked(
            settings, embedder, layout, progress, on_stage or (lambda s: None), clause_texts, on_changes or (lambda c: None),
            query_sets or {},
        )
    finally:
        lock.release()


def _build_locked(
    settings: Settings,
    embedder: Embedder,
    layout: IndexLayout,
    progress: bool,
    stage: Callable[[str], None],
    clause_texts: ClauseTexts | None,
    tell: Callable[[IndexChanges], None],
    query_sets: Mapping[str, Sequence[str]],
) -> BuildReport:
    started = time.perf_counter()
    kind = store_kind(settings)
    for stale in layout.builds.glob(".tmp-*"):  # left by a killed build
        if kind == SERVER_STORE and not drop_collection(settings, collection_name(stale.name[len(".tmp-"):], kind)):
            continue  # the server is unreachable: try again next time
        shutil.rmtree(stale, ignore_errors=True)

    stage("load")
    corpus = load_corpus(settings.corpus_path)
    _keep_served_documents(corpus, layout.current())
    stage("chunk")
    config = chunking_config(settings)
    chunks = chunk_documents(corpus.documents, config)
    if not chunks:
        raise IndexBuildError("语料中没有可切分的正文（the corpus yields no chunks）。")
    curated = check_entries(load_curated(settings.corpus_path), corpus.documents, chunks)
    changes = changes_since(layout.current(), corpus.documents, chunks)
    words = user_words(load_glossary(settings.corpus_path))
    # jieba's dictionary loads in the background while the model encodes; the validation's
    # PlanIndex below has the same user words and so shares it.
    tokenizer = ChineseTokenizer(words)
    tokenizer.preload()

    # Microseconds in the name: old builds are removed oldest first by name, and several builds
    # can start within one second (the random part alone would order those at random).
    build_id = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%f") + "-" + uuid.uuid4().hex[:6]
    tmp = layout.builds / f".tmp-{build_id}"
    tmp.mkdir()
    name = collection_name(build_id, kind)
    created = False
    try:
        stage("embed")
        vectors = _embed_chunks(embedder, chunks, settings.embed_batch_size, progress)
        stage("write")
        client = build_client(settings, tmp, kind)
        try:
            collection = client.create_collection(
                name, configuration={"hnsw": {"space": "cosine"}}, metadata={"build_id": build_id}
            )
            created = True
            for start in range(0, len(chunks), 1000):
                part = chunks[start : start + 1000]
                collection.add(
                    ids=[c.id for c in part],
                    embeddings=vectors[start : start + len(part)],
                    documents=[c.text for c in part],
                    metadatas=[c.to_metadata() for c in part],
                )
        except Exception as err:
            if kind == SERVER_STORE:
                raise server_error(settings, err) from err
            raise
        _build_bm25(tmp / "bm25", [tokenizer(c.embed_text) for c in chunks])
        write_store(tmp, curated, embedder.embed_queries)
        with open(tmp / "chunks.jsonl", "w", encoding="utf-8") as fh:
            for c in chunks:
                fh.write(json.dumps(chunk_to_json(c), ensure_ascii=False) + "\n")
        stage("english")
        english_count = EnglishGloss.build(c.text for c in chunks).write(tmp)
        clause_count = None
        if clause_texts is not None:
            stage("clauses")
            clause_count = write_clause_vectors(tmp, chunks, clause_texts, embedder.embed_passages, embedder.dimension)
        if query_sets:
            stage("queries")
            write_query_vectors(tmp, query_sets, embedder.embed_queries, embedder.dimension)
        manifest = {
            **expected_manifest(settings, embedder, corpus),
            "build_id": build_id,
            "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "chromadb_version": chromadb_version(),
            "collection": name,
            **({"vector_store": kind} if kind != LOCAL_STORE else {}),
            "chunk_count": len(chunks),
            **({"clause_count": clause_count} if clause_count is not None else {}),
            "english_count": english_count,
            "keyword": {"tokenizer": "jieba.lcut_for_search", "user_words": words},
            "documents": [
                {"source": d.source, "title": d.title, "sha256": d.sha256, "metadata": d.metadata}
                for d in corpus.documents
            ],
            "skipped": [str(p) for p in corpus.problems],
        }
        (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        stage("validate")
        _validate(tmp, manifest, vectors, chunks, embedder.dimension, settings)
        final = layout.builds / build_id
        os.replace(tmp, final)
        fsync_dir(layout.builds)
        tell(changes)
        stage("switch")
        layout.switch_to(final)
    except BaseException:
        if created and kind == SERVER_STORE and layout.current() != layout.builds / build_id:
            drop_collection(settings, name)
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _remove_old_builds(layout, keep=final, settings=settings)
    return BuildReport(
        build_id=build_id,
        path=final,
        documents=len(corpus.documents),
        chunks=len(chunks),
        seconds=time.perf_counter() - started,
        problems=tuple(str(p) for p in corpus.problems),
        changes=changes,
        curated=len(curated),
    )


def _keep_served_documents(corpus: CorpusLoad, current: Path | None) -> None:
    """A file that cannot be read now but is a document of the build in service fails the
    build (the new index would lose it); an unreadable new file is skipped and reported."""
    if current is None or not corpus.problems:
        return
    served = {str(d["source"]) for d in json.loads((current / "manifest.json").read_text(encoding="utf-8")).get("documents", [])}
    for problem in corpus.problems:
        if problem.source in served:
            raise IndexBuildError(
                f"{problem}；在用的索引里有这个文件，新索引会丢掉它，所以索引没有更新，仍在使用原来的索引。"
                "请修复或换回原文件后再运行 assistant index；要删除这个文档，请把文件移出语料目录"
                "（a document in service cannot be read: the build stops and the previous index keeps serving）。"
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
    bm25s = import_bm25s()
    retriever = bm25s.BM25()
    retriever.index([t or [""] for t in tokens], show_progress=False)
    retriever.save(str(path), show_progress=False)


def _validate(
    tmp: Path, manifest: dict[str, Any], vectors: list[list[float]], chunks: list[Chunk], dim: int,
    settings: Settings | None = None,
) -> None:
    index = PlanIndex(tmp, manifest, settings)
    count = index.collection.count()
    if count != len(chunks):
        raise IndexBuildError(f"索引校验失败：写入 {count} 个片段，应为 {len(chunks)}（validation: count mismatch）。")
    if len(vectors[0]) != dim:
        raise IndexBuildError(f"索引校验失败：向量维度 {len(vectors[0])} ≠ {dim}（validation: dimension）。")
    samples = sorted({0, len(chunks) // 2, len(chunks) - 1})
    for i in samples:
        # HNSW is approximate: on a large index a vector's own entry may rank just below
        # the first place, so the check looks at the first few hits.
        hits = index.dense(vectors[i], VALIDATE_DEPTH)
        if not any(c.id == chunks[i].id or score >= 0.999 for c, score in hits):  # itself, or an exact duplicate
            raise IndexBuildError(f"索引校验失败：片段 {chunks[i].id} 检索不到自身（validation: self-retrieval）。")


def _remove_old_builds(layout: IndexLayout, keep: Path, settings: Settings | None = None) -> None:
    builds = sorted((p for p in layout.builds.iterdir() if p.is_dir() and not p.name.startswith(".")), key=lambda p: p.name)
    old = [p for p in builds if p != keep]
    for p in old[: max(0, len(old) - KEEP_OLD_BUILDS)]:
        if is_leased(p):
            continue  # a running process still serves it; removed by a later build
        if not _drop_build_collection(p, settings):
            continue  # keep the folder so that the next build retries dropping its collection
        shutil.rmtree(p, ignore_errors=True)


def _drop_build_collection(build: Path, settings: Settings | None) -> bool:
    """Drop the server collection of a build folder about to be deleted (True if none is left)."""
    try:
        manifest = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return True
    if manifest_store(manifest) == LOCAL_STORE:
        return True
    if settings is None or not settings.chroma_url:
        log.warning("build %s lives in a Chroma server but ASSISTANT_CHROMA_URL is unset; keeping it", build.name)
        return False
    return drop_collection(settings, str(manifest.get("collection") or collection_name(build.name, SERVER_STORE)))
