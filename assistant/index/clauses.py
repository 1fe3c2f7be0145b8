"""Clause vectors stored in a build: the passage vectors of the short texts that answers are
chosen from (each clause of each chunk, as the answerer embeds it), computed with the index
instead of on the first question that reaches a chunk.

Files in ``builds/<id>/``:

* ``clauses.npy`` — float32 ``[rows, dimension]``, the clauses of every chunk in chunk order;
* ``clause_rows.npy`` — int64 ``[chunks, 3]``: first row, end row, and a CRC-32 of the
  chunk's clause texts. A chunk whose clauses (as the running code splits them) do not hash
  to the stored CRC gets no stored vectors, so a build from older code is never misread; its
  clauses are embedded on first touch as before.

The vectors are opened memory-mapped: only the rows of chunks that questions reach are read.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..types import Chunk

VECTORS_FILE = "clauses.npy"
ROWS_FILE = "clause_rows.npy"
#: clauses embedded per model call while building
BATCH = 256

ClauseTexts = Callable[[Chunk], list[str]]


def texts_crc(texts: Sequence[str]) -> int:
    return zlib.crc32("\x00".join(texts).encode("utf-8"))


def write_clause_vectors(folder: Path, chunks: Sequence[Chunk], clause_texts: ClauseTexts,
                         embed: Callable[[list[str]], list[list[float]]], dimension: int) -> int:
    """Embed the clauses of ``chunks`` and write them into ``folder``; returns the row count."""
    per_chunk = [clause_texts(c) for c in chunks]
    rows = np.zeros((len(chunks), 3), dtype=np.int64)
    flat: list[str] = []
    for i, texts in enumerate(per_chunk):
        rows[i] = (len(flat), len(flat) + len(texts), texts_crc(texts))
        flat.extend(texts)
    vectors = np.zeros((len(flat), dimension), dtype=np.float32)
    # Each distinct text is embedded once, in length order (little padding per batch).
    distinct = sorted(set(flat), key=len)
    where: dict[str, list[int]] = {}
    for r, t in enumerate(flat):
        where.setdefault(t, []).append(r)
    for start in range(0, len(distinct), BATCH):
        part = distinct[start : start + BATCH]
        for text, vec in zip(part, np.asarray(embed(part), dtype=np.float32)):
            vectors[where[text]] = vec
    np.save(folder / VECTORS_FILE, vectors)
    np.save(folder / ROWS_FILE, rows)
    return len(flat)


class ClauseStore:
    """The stored clause vectors of an opened build (read-only, thread-safe)."""

    def __init__(self, vectors: np.ndarray, rows: np.ndarray, position: dict[str, int]) -> None:
        self.vectors = vectors
        self.rows = rows
        self.position = position

    @classmethod
    def open(cls, folder: Path, chunks: Sequence[Chunk]) -> "ClauseStore | None":
        """The build's clause vectors, or None when it has none (or they do not fit its chunks)."""
        if not (folder / VECTORS_FILE).exists() or not (folder / ROWS_FILE).exists():
            return None
        vectors = np.load(folder / VECTORS_FILE, mmap_mode="r")
        rows = np.load(folder / ROWS_FILE)
        if rows.shape != (len(chunks), 3) or (len(rows) and int(rows[-1, 1]) != len(vectors)):
            return None
        return cls(vectors, rows, {c.id: i for i, c in enumerate(chunks)})

    def lookup(self, chunk_id: str, texts: Sequence[str]) -> Any:
        """The stored vectors of a chunk's clauses ``texts`` (in order), or None."""
        i = self.position.get(chunk_id)
        if i is None:
            return None
        start, end, crc = (int(x) for x in self.rows[i])
        if end - start != len(texts) or crc != texts_crc(texts):
            return None
        return np.asarray(self.vectors[start:end], dtype=np.float32)
