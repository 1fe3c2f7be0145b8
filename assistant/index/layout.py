"""The files of an index folder: ``CURRENT`` and ``builds/<id>/`` (switched atomically), the
manifest a build must match, and the ``chunks.jsonl`` format."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ..chunking import ChunkingConfig
from ..config import Settings
from ..corpus import CorpusLoad
from ..curated import curated_hash
from ..embeddings import Embedder, ModelSpec
from ..errors import REBUILD_HINT, IndexMismatchError
from ..types import Chunk

FORMAT_VERSION = 1


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

    def switch_to(self, build: Path) -> None:
        tmp = self.root / f".CURRENT.{os.getpid()}"
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(build.name + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.current_file)
        fsync_dir(self.root)


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
