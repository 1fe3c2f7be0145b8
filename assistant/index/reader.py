"""Opening the build in service for search: its chunks, its Chroma collection (local or on
the server) and its BM25 index, checked against the settings and the corpus."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from ..bilingual import EnglishGloss
from ..config import Settings
from ..corpus import CorpusLoad, load_corpus
from ..curated import CuratedAnswers
from ..embeddings import Embedder
from ..errors import REBUILD_HINT, AssistantError, IndexCorruptError, IndexMismatchError, IndexMissingError
from ..text import ChineseTokenizer
from ..types import Chunk
from .clauses import ClauseStore
from .queries import read_query_vectors
from .layout import IndexLayout, check_manifest, chunk_from_json, expected_manifest
from .store import (
    COLLECTION, LOCAL_STORE, build_client, check_store, chromadb_version, display_url, manifest_store, server_error,
)

log = logging.getLogger(__name__)


class PlanIndex:
    """A built index opened for search. Thread-safe for concurrent searches."""

    def __init__(self, path: Path, manifest: dict[str, Any], settings: Settings | None = None) -> None:
        bm25s = import_bm25s()
        self.path = path
        self.manifest = manifest
        self.settings = settings
        with damaged(path, "chunks.jsonl"):
            lines = (path / "chunks.jsonl").read_text(encoding="utf-8").splitlines()
            self.chunks: list[Chunk] = [chunk_from_json(json.loads(line)) for line in lines if line]
        if len(self.chunks) != manifest.get("chunk_count", len(self.chunks)):
            raise corrupt(path, "chunks.jsonl", f"{len(self.chunks)} chunks, the manifest says {manifest.get('chunk_count')}")
        self.by_id = {c.id: c for c in self.chunks}
        self.store = manifest_store(manifest)
        if self.store == LOCAL_STORE and not (path / "chroma" / "chroma.sqlite3").is_file():
            raise corrupt(path, "chroma/", "missing")  # chromadb would make an empty one
        self._lock = threading.Lock()
        # a local store is opened (and chromadb imported) on the first vector search: a keyword
        # search needs neither; a server's collection is checked now, to fail at start-up
        self._collection_handle: Any = None if self.store == LOCAL_STORE else self._checked_collection()
        with damaged(path, "bm25/"):
            self.bm25 = bm25s.BM25.load(str(path / "bm25"), show_progress=False)
        with damaged(path, "manifest.json"):
            self.tokenizer = ChineseTokenizer(manifest["keyword"]["user_words"])
        #: the clause vectors stored with the build (None for a build without them)
        self.clauses = ClauseStore.open(path, self.chunks)
        self.curated = CuratedAnswers.open(path)  # the answers staff wrote, checked by the build
        #: the corpus's Chinese words for English ones (empty for a build made without them)
        self.english = EnglishGloss.open(path)

    def query_vectors(self, name: str, texts: Sequence[str]) -> Any:
        """The stored vectors of the question set ``name`` (:mod:`.queries`), or None when the
        build has none or they were made from other texts."""
        return read_query_vectors(self.path, name, texts)

    @property
    def collection(self) -> Any:
        if self._collection_handle is None:
            with self._lock:
                if self._collection_handle is None:
                    self._collection_handle = self._checked_collection()
        return self._collection_handle

    def _checked_collection(self) -> Any:
        """The collection, with as many vectors as the build has chunks."""
        with damaged(self.path, "chroma/"):
            collection = self._collection()
            count = collection.count() if self.store == LOCAL_STORE else len(self.chunks)
        if count != len(self.chunks):
            raise corrupt(self.path, "chroma/", f"holds {count} vectors for {len(self.chunks)} chunks")
        return collection

    def _collection(self) -> Any:
        name = str(self.manifest.get("collection") or COLLECTION)
        client = build_client(self.settings, self.path, self.store)
        if self.store == LOCAL_STORE:
            return client.get_collection(name)
        assert self.settings is not None
        try:
            return client.get_collection(name)
        except Exception as err:  # NotFoundError, or the server failing
            if type(err).__name__ == "NotFoundError" or "does not exist" in str(err):
                raise IndexMissingError(
                    f"Chroma 服务器 {display_url(str(self.settings.chroma_url))} 上没有索引 {self.build_id} 的集合 "
                    f"{name}（the server has no collection for this build）；请{REBUILD_HINT}。"
                ) from err
            raise server_error(self.settings, err) from err

    @property
    def build_id(self) -> str:
        return str(self.manifest["build_id"])

    def dense(self, vector: list[float], k: int) -> list[tuple[Chunk, float]]:
        """Nearest chunks by cosine similarity (1 - cosine distance)."""
        k = min(k, len(self.chunks))
        if self.store == LOCAL_STORE:
            res = self.collection.query(query_embeddings=[vector], n_results=k, include=["distances"])
        else:
            try:
                res = self.collection.query(query_embeddings=[vector], n_results=k, include=["distances"])
            except Exception as err:  # a server failure is one clear sentence, not a traceback
                assert self.settings is not None
                if type(err).__name__ == "NotFoundError" or "does not exist" in str(err):
                    raise IndexMissingError(
                        f"索引 {self.build_id} 的向量集合已从 Chroma 服务器上删除（its collection was dropped: newer "
                        "builds replaced it）；请重启应用以使用最新的索引。"
                    ) from err
                raise server_error(self.settings, err) from err
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
    with damaged(build, "manifest.json"):
        manifest = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
        if not isinstance(manifest, dict) or not isinstance(manifest.get("build_id"), str):
            raise ValueError("not an index manifest")
    corpus = corpus or load_corpus(settings.corpus_path)
    check_manifest(manifest, expected_manifest(settings, embedder, corpus))
    check_store(manifest, settings)
    if manifest.get("chromadb_version") != chromadb_version():
        log.warning("index built with chromadb %s, running %s", manifest.get("chromadb_version"), chromadb_version())
    return PlanIndex(build, manifest, settings)


def index_status(settings: Settings, embedder: Embedder) -> str | None:
    """None when the index in service matches; otherwise the reason it does not."""
    try:
        open_index(settings, embedder)
    except (IndexMissingError, IndexMismatchError, IndexCorruptError) as err:
        return str(err)
    return None


def corrupt(build: Path, part: str, problem: str) -> IndexCorruptError:
    """One sentence naming the damaged part of a build and the command that repairs it."""
    return IndexCorruptError(
        f"索引 {build.name} 已损坏：{part} 无法读取（the index is damaged: {part} {problem}）；请{REBUILD_HINT}。"
    )


@contextmanager
def damaged(build: Path, part: str) -> Iterator[None]:
    """Any failure to read ``part`` of a build (missing, truncated, shortened, not what it
    should be) becomes :class:`IndexCorruptError`; the domain errors raised inside pass."""
    try:
        yield
    except AssistantError:
        raise
    except Exception as err:  # noqa: BLE001 - UnicodeDecodeError, KeyError, chromadb's NotFoundError …
        problem = f"{type(err).__name__}: {str(err)[:80]}".rstrip(": ")
        raise corrupt(build, part, problem) from err


def import_bm25s():  # type: ignore[no-untyped-def]
    """bm25s, imported lazily; it sets its own logger to DEBUG on import, which would print
    "DEBUG bm25s: Building index from tokens" under the CLI's logging set-up."""
    import bm25s

    logging.getLogger("bm25s").setLevel(logging.WARNING)
    return bm25s
