"""The files of an index folder: ``CURRENT`` and ``builds/<id>/`` (switched atomically), the
manifest a build must match, and the ``chunks.jsonl`` format."""

from __future__ import annotations

import atexit
import json
import os
import socket
import threading
from collections import Counter
from pathlib import Path
from typing import Any

from ..chunking import ChunkingConfig
from ..config import Settings
from ..corpus import CorpusLoad
from ..curated import curated_hash
from ..embeddings import Embedder, ModelSpec
from ..errors import REBUILD_HINT, IndexMismatchError
from ..types import Chunk

#: 2: a build carries english.json, the corpus's Chinese words for English ones (:mod:`..bilingual`)
FORMAT_VERSION = 2


def chunking_config(settings: Settings) -> ChunkingConfig:
    return ChunkingConfig(chunk_size=settings.chunk_size, chunk_overlap=settings.chunk_overlap)


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

    def current_stamp(self) -> tuple[int, int] | None:
        """What changes when ``CURRENT`` is replaced (one ``stat``: cheap enough per request)."""
        try:
            st = os.stat(self.current_file)
        except FileNotFoundError:
            return None
        return st.st_ino, st.st_mtime_ns

    def switch_to(self, build: Path) -> None:
        tmp = self.root / f".CURRENT.{os.getpid()}"
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(build.name + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.current_file)
        fsync_dir(self.root)


# Leases: a process serving a build holds ``builds/<id>/.lease-<host>-<pid>``; the cleanup of
# old builds keeps a build with a lease of a live process (a lease of a dead process on this
# host is stale and ignored; one of another host is honoured, its processes cannot be seen).
LEASE_PREFIX = ".lease-"
_HOST = socket.gethostname().replace("-", "_")
_leases: Counter[Path] = Counter()  # builds this process serves, with how many users each
_leases_lock = threading.Lock()


def _lease_file(build: Path) -> Path:
    return build / f"{LEASE_PREFIX}{_HOST}-{os.getpid()}"


def lease(build: Path) -> None:
    """This process serves ``build``: it must not be deleted until :func:`release`."""
    with _leases_lock:
        _leases[build] += 1
        if _leases[build] == 1:
            try:
                _lease_file(build).write_text(f"{os.getpid()}\n", encoding="utf-8")
            except OSError:  # a read-only index folder: nobody can delete the build either
                pass


def release(build: Path) -> None:
    with _leases_lock:
        if _leases[build] <= 0:
            return
        _leases[build] -= 1
        if _leases[build] == 0:
            del _leases[build]
            _lease_file(build).unlink(missing_ok=True)


@atexit.register
def _release_all() -> None:
    with _leases_lock:
        for build in list(_leases):
            _lease_file(build).unlink(missing_ok=True)
        _leases.clear()


def is_leased(build: Path) -> bool:
    """Does a live process (of this host, or any of another host) serve ``build``?"""
    for path in build.glob(LEASE_PREFIX + "*"):
        host, _, pid = path.name[len(LEASE_PREFIX):].rpartition("-")
        if host != _HOST or not pid.isdigit():
            return True
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            continue  # stale: the process is gone
        except PermissionError:
            return True  # alive, another user's
        return True
    return False


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def expected_manifest(settings: Settings, embedder: Embedder, corpus: CorpusLoad) -> dict[str, Any]:
    """The fields an index must match to serve with these settings and this corpus."""
    return {
        "format_version": FORMAT_VERSION,
        "embedding": {**ModelSpec.from_settings(settings).to_json(), "dimension": embedder.dimension},
        "chunking": chunking_config(settings).to_json(),
        "corpus_hash": corpus.corpus_hash,
        "curated_hash": curated_hash(settings.corpus_path),
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
                "curated_hash": "人工答案 curated answers (corpus/curated.yaml)",
            }[key]
            raise IndexMismatchError(
                f"索引与当前{what}不一致（index was built with a different {key.replace('_', ' ')}: "
                f"{short_json(have)} ≠ {short_json(want)}）；请{REBUILD_HINT}。"
            )


def short_json(value: Any) -> str:
    """A JSON value, cut to fit in a one-sentence message."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) < 120 else text[:117] + "…"


# ``chunks.jsonl``: one chunk per line.
def chunk_to_json(c: Chunk) -> dict[str, Any]:
    return {"id": c.id, "text": c.text, **c.to_metadata()}


def chunk_from_json(d: dict[str, Any]) -> Chunk:
    return Chunk.from_metadata(d["id"], d["text"], d)
