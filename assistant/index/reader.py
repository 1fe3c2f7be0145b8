"""Opening the build in service for search: its chunks, its Chroma collection (local or on
the server) and its BM25 index, checked against the settings and the corpus."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import chromadb
import numpy as np

from ..config import Settings
from ..corpus import CorpusLoad, load_corpus
from ..curated import CuratedAnswers
from ..embeddings import Embedder
from ..errors import REBUILD_HINT, IndexMismatchError, IndexMissingError
from ..text import ChineseTokenizer
from ..types import Chunk
from .layout import IndexLayout, check_manifest, chunk_from_json, expected_manifest
from .store import COLLECTION, LOCAL_STORE, build_client, check_store, display_url, manifest_store, server_error

log = logging.getLogger(__name__)


class PlanIndex:
    """A built index opened for search. Thread-safe for concurrent searches."""

    def __init__(self, path: Path, manifest: dict[str, Any], settings: Settings | None = None) -> None:
        bm25s = import_bm25s()
        self.path = path
        self.manifest = manifest
        self.settings = settings
        self.chunks: list[Chunk] = [chunk_from_json(json.loads(line)) for line in (path / "chunks.jsonl").read_text(encoding="utf-8").splitlines() if line]
        self.by_id = {c.id: c for c in self.chunks}
        self.store = manifest_store(manifest)
        self.collection = self._collection()
        self.bm25 = bm25s.BM25.load(str(path / "bm25"), show_progress=False)
        self.tokenizer = ChineseTokenizer(manifest["keyword"]["user_words"])
        self.curated = CuratedAnswers.open(path)  # the answers staff wrote, checked by the build

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
    manifest = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
    corpus = corpus or load_corpus(settings.corpus_path)
    check_manifest(manifest, expected_manifest(settings, embedder, corpus))
    check_store(manifest, settings)
    if manifest.get("chromadb_version") != chromadb.__version__:
        log.warning("index built with chromadb %s, running %s", manifest.get("chromadb_version"), chromadb.__version__)
    return PlanIndex(build, manifest, settings)


def index_status(settings: Settings, embedder: Embedder) -> str | None:
    """None when the index in service matches; otherwise the reason it does not."""
    try:
        open_index(settings, embedder)
    except (IndexMissingError, IndexMismatchError) as err:
        return str(err)
    return None


def import_bm25s():  # type: ignore[no-untyped-def]
    """bm25s, imported lazily; it sets its own logger to DEBUG on import, which would print
    "DEBUG bm25s: Building index from tokens" under the CLI's logging set-up."""
    import bm25s

    logging.getLogger("bm25s").setLevel(logging.WARNING)
    return bm25s
