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

Server mode (``ASSISTANT_CHROMA_URL`` set): the vectors go to a Chroma server (``chroma
run``) instead of ``chroma/``, one collection per build (``plan_chunks-<build-id>``); the
manifest, ``chunks.jsonl`` and ``bm25/`` stay in the build folder as above (every app
process reads them). The same guarantee holds: the new collection is written and
validated before ``CURRENT`` switches, the collection of a killed build is dropped with
its ``.tmp-`` folder by the next build, and a build folder's collection is dropped when
the folder is (old builds beyond :data:`KEEP_OLD_BUILDS`).
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
    AssistantError,
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
VALIDATE_DEPTH = 10  # hits searched for a sample chunk's own vector when validating a build
LOCAL_STORE = "local"  # vectors in builds/<id>/chroma/
SERVER_STORE = "chroma-server"  # vectors in a Chroma server, one collection per build
#: Seconds before a request to the Chroma server is abandoned (connect / everything else).
SERVER_TIMEOUT = (5.0, 60.0)


class ChromaServerError(AssistantError):
    """The Chroma server is unreachable, refused the token or failed a request."""


def chunking_config(settings: Settings) -> ChunkingConfig:
    return ChunkingConfig(chunk_size=settings.chunk_size, chunk_overlap=settings.chunk_overlap)


def chroma_client(path: Path) -> chromadb.ClientAPI:
    return chromadb.PersistentClient(
        path=str(path), settings=chromadb.config.Settings(anonymized_telemetry=False)
    )


def server_client(settings: Settings) -> chromadb.ClientAPI:
    """An HTTP client for ``settings.chroma_url`` (with the token, when one is set).

    The token is sent as ``Authorization: Bearer <token>`` (chromadb's token client
    provider). ``chroma run`` itself does not check tokens; the proxy in front of it does
    (see docs/deploy.md)."""
    from urllib.parse import urlsplit

    import httpx

    url = str(settings.chroma_url).rstrip("/")
    parts = urlsplit(url if "://" in url else f"http://{url}")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ChromaServerError(f"ASSISTANT_CHROMA_URL 无效（invalid Chroma server URL: {url}）。")
    options: dict[str, Any] = {"anonymized_telemetry": False}
    if settings.chroma_token:
        if not all(33 <= ord(ch) < 127 for ch in settings.chroma_token):
            raise ChromaServerError("ASSISTANT_CHROMA_TOKEN 只能包含 ASCII 字母、数字和标点（invalid token characters）。")
        options["chroma_client_auth_provider"] = "chromadb.auth.token_authn.TokenAuthClientProvider"
        options["chroma_client_auth_credentials"] = settings.chroma_token
    try:
        client = chromadb.HttpClient(
            host=parts.geturl(),
            port=parts.port or (443 if parts.scheme == "https" else 8000),
            ssl=parts.scheme == "https",
            settings=chromadb.config.Settings(**options),
        )
    except Exception as err:  # connection, HTTP status or chromadb errors
        raise _server_error(settings, err) from err
    # chromadb's HTTP session has no timeout; a hung server must not hang every question.
    session = getattr(getattr(client, "_server", None), "_session", None)
    if isinstance(session, httpx.Client):
        session.timeout = httpx.Timeout(SERVER_TIMEOUT[1], connect=SERVER_TIMEOUT[0])
    return client


def _server_error(settings: Settings, err: BaseException) -> ChromaServerError:
    """One clear sentence for a failed request to the Chroma server."""
    import httpx

    url = _display_url(str(settings.chroma_url))
    if isinstance(err, ChromaServerError):
        return err
    if isinstance(err, (httpx.ConnectError, httpx.ConnectTimeout)) or "Could not connect" in str(err):
        return ChromaServerError(f"无法连接 Chroma 服务器 {url}（cannot reach the Chroma server）；请检查 ASSISTANT_CHROMA_URL 和服务器是否在运行。")
    if isinstance(err, httpx.TimeoutException):
        return ChromaServerError(f"Chroma 服务器 {url} 响应超时（the Chroma server timed out）。")
    text = f"{type(err).__name__}: {err}"
    if _is_auth_failure(err) or _probe_status(settings) in (401, 403):
        what = "拒绝了访问令牌" if settings.chroma_token else "要求访问令牌"
        hint = "请检查 ASSISTANT_CHROMA_TOKEN" if settings.chroma_token else "请设置 ASSISTANT_CHROMA_TOKEN"
        return ChromaServerError(
            f"Chroma 服务器 {url} {what}（the Chroma server refused the request: unauthorized）；{hint}。"
        )
    return ChromaServerError(f"Chroma 服务器 {url} 请求失败（the Chroma server failed: {_short(text)}）。")


def _probe_status(settings: Settings) -> int | None:
    """HTTP status of an authenticated request to the server (chromadb's errors lose it)."""
    import httpx

    headers = {"Authorization": f"Bearer {settings.chroma_token}"} if settings.chroma_token else {}
    try:
        url = str(settings.chroma_url).rstrip("/")
        url = url if "://" in url else f"http://{url}"
        return httpx.get(f"{url}/api/v2/auth/identity", headers=headers, timeout=5.0).status_code
    except Exception:  # noqa: BLE001 - unreachable: not an auth failure
        return None


def _is_auth_failure(err: BaseException) -> bool:
    from chromadb.errors import AuthorizationError

    if isinstance(err, AuthorizationError) or type(err).__name__ in ("AuthenticationError", "AuthorizationError"):
        return True
    text = str(err).lower()
    return any(s in text for s in ("unauthorized", "forbidden", "authorization required"))


def _display_url(url: str) -> str:
    """The URL without any user:password part (never printed)."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url if "://" in url else f"http://{url}")
    netloc = parts.hostname or ""
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def store_kind(settings: Settings) -> str:
    """Where builds made with these settings keep their vectors."""
    return SERVER_STORE if settings.chroma_url else LOCAL_STORE


def collection_name(build_id: str, kind: str = LOCAL_STORE) -> str:
    """The Chroma collection of a build: ``plan_chunks`` in the build's own store, or
    ``plan_chunks-<build-id>`` in a shared server (names allow ``[A-Za-z0-9._-]``)."""
    return COLLECTION if kind == LOCAL_STORE else f"{COLLECTION}-{build_id}"


def build_client(settings: Settings | None, build: Path, kind: str = LOCAL_STORE) -> chromadb.ClientAPI:
    """The chromadb client holding a build's vectors: a persistent store in
    ``build/chroma`` or the Chroma server of ``settings.chroma_url``."""
    if kind == LOCAL_STORE:
        return chroma_client(build / "chroma")
    if settings is None or not settings.chroma_url:
        raise IndexMismatchError(
            f"索引 {build.name} 的向量存放在 Chroma 服务器上，但没有设置 ASSISTANT_CHROMA_URL（the index lives in a "
            f"Chroma server; set ASSISTANT_CHROMA_URL）；或{REBUILD_HINT}。"
        )
    return server_client(settings)


def manifest_store(manifest: dict[str, Any]) -> str:
    """Where a build's vectors are (builds without the field are local)."""
    return str(manifest.get("vector_store", LOCAL_STORE))


def _drop_collection(settings: Settings, name: str) -> bool:
    """Delete a build's collection from the server; True when it is gone."""
    try:
        client = server_client(settings)
        client.delete_collection(name)
    except Exception as err:  # noqa: BLE001 - NotFoundError counts as gone
        if type(err).__name__ == "NotFoundError" or "does not exist" in str(err):
            return True
        log.warning("cannot drop Chroma collection %s: %s", name, err)
        return False
    return True


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

    def __init__(self, path: Path, manifest: dict[str, Any], settings: Settings | None = None) -> None:
        bm25s = _bm25s()
        self.path = path
        self.manifest = manifest
        self.settings = settings
        self.chunks: list[Chunk] = [_chunk_from_json(json.loads(line)) for line in (path / "chunks.jsonl").read_text(encoding="utf-8").splitlines() if line]
        self.by_id = {c.id: c for c in self.chunks}
        self.store = manifest_store(manifest)
        self.collection = self._collection()
        self.bm25 = bm25s.BM25.load(str(path / "bm25"), show_progress=False)
        self.tokenizer = ChineseTokenizer(manifest["keyword"]["user_words"])

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
                    f"Chroma 服务器 {_display_url(str(self.settings.chroma_url))} 上没有索引 {self.build_id} 的集合 "
                    f"{name}（the server has no collection for this build）；请{REBUILD_HINT}。"
                ) from err
            raise _server_error(self.settings, err) from err

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
                raise _server_error(self.settings, err) from err
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


def check_store(manifest: dict[str, Any], settings: Settings) -> None:
    """The index must keep its vectors where the settings look for them."""
    have, want = manifest_store(manifest), store_kind(settings)
    if have == want:
        return
    where = {LOCAL_STORE: "本地 local chroma/", SERVER_STORE: "Chroma 服务器 server"}
    raise IndexMismatchError(
        f"索引的向量存放位置与设置不一致（index vectors are in {where[have]}, settings want {where[want]}: "
        f"ASSISTANT_CHROMA_URL {'set' if settings.chroma_url else 'unset'}）；请{REBUILD_HINT}。"
    )


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
    kind = store_kind(settings)
    for stale in layout.builds.glob(".tmp-*"):  # left by a killed build
        if kind == SERVER_STORE and not _drop_collection(settings, collection_name(stale.name[len(".tmp-"):], kind)):
            continue  # the server is unreachable: try again next time
        shutil.rmtree(stale, ignore_errors=True)

    stage("load")
    corpus = load_corpus(settings.corpus_path)
    stage("chunk")
    config = chunking_config(settings)
    chunks = chunk_documents(corpus.documents, config)
    if not chunks:
        raise IndexBuildError("语料中没有可切分的正文（the corpus yields no chunks）。")
    words = user_words(load_glossary(settings.corpus_path))
    # jieba's dictionary loads in the background while the model encodes; the validation's
    # PlanIndex below has the same user words and so shares it.
    tokenizer = ChineseTokenizer(words)
    tokenizer.preload()

    build_id = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
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
                raise _server_error(settings, err) from err
            raise
        _build_bm25(tmp / "bm25", [tokenizer(c.embed_text) for c in chunks])
        with open(tmp / "chunks.jsonl", "w", encoding="utf-8") as fh:
            for c in chunks:
                fh.write(json.dumps(_chunk_to_json(c), ensure_ascii=False) + "\n")
        manifest = {
            **expected_manifest(settings, embedder, corpus),
            "build_id": build_id,
            "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "chromadb_version": chromadb.__version__,
            "collection": name,
            **({"vector_store": kind} if kind != LOCAL_STORE else {}),
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
        _validate(tmp, manifest, vectors, chunks, embedder.dimension, settings)
        final = layout.builds / build_id
        os.replace(tmp, final)
        _fsync_dir(layout.builds)
        stage("switch")
        layout.switch_to(final)
    except BaseException:
        if created and kind == SERVER_STORE and layout.current() != layout.builds / build_id:
            _drop_collection(settings, name)
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


def _bm25s():  # type: ignore[no-untyped-def]
    """bm25s, imported lazily; it sets its own logger to DEBUG on import, which would print
    "DEBUG bm25s: Building index from tokens" under the CLI's logging set-up."""
    import bm25s

    logging.getLogger("bm25s").setLevel(logging.WARNING)
    return bm25s


def _build_bm25(path: Path, tokens: list[list[str]]) -> None:
    bm25s = _bm25s()
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
    return _drop_collection(settings, str(manifest.get("collection") or collection_name(build.name, SERVER_STORE)))


def _chunk_to_json(c: Chunk) -> dict[str, Any]:
    return {"id": c.id, "text": c.text, **c.to_metadata()}


def _chunk_from_json(d: dict[str, Any]) -> Chunk:
    return Chunk.from_metadata(d["id"], d["text"], d)
