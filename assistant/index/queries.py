"""Question vectors stored in a build: fixed sets of questions the answerer compares a
question with (the off-topic bank), embedded with the index instead of by the first
question that needs them (480 questions took 6.5 s on the first English question, a stall
every visitor waiting behind it shared).

Files in ``builds/<id>/``: ``queries-<name>.npy`` (float32 ``[questions, dimension]``) and
``queries-<name>.crc`` (a CRC-32 of the questions' texts). Vectors whose texts no longer
hash to the stored CRC (the set was edited since the build) are not used."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np

from .clauses import texts_crc

def _paths(folder: Path, name: str) -> tuple[Path, Path]:
    return folder / f"queries-{name}.npy", folder / f"queries-{name}.crc"


def write_query_vectors(folder: Path, sets: Mapping[str, Sequence[str]], embed: Callable[[list[str]], list[list[float]]],
                        dimension: int) -> None:
    """Embed each named set of questions (with the query prompt) into ``folder``."""
    for name, texts in sets.items():
        texts = list(texts)
        vectors = np.asarray(embed(texts), dtype=np.float32).reshape(len(texts), dimension)
        vec_path, crc_path = _paths(folder, name)
        np.save(vec_path, vectors)
        crc_path.write_text(str(texts_crc(texts)), encoding="utf-8")


def read_query_vectors(folder: Path, name: str, texts: Sequence[str]) -> np.ndarray | None:
    """The stored vectors of the set ``name`` when they were made from exactly ``texts``, else None."""
    vec_path, crc_path = _paths(folder, name)
    try:
        if int(crc_path.read_text(encoding="utf-8").strip()) != texts_crc(list(texts)):
            return None
        vectors = np.load(vec_path, mmap_mode="r")
    except (OSError, ValueError):
        return None
    return vectors if vectors.ndim == 2 and vectors.shape[0] == len(texts) else None


__all__ = ["read_query_vectors", "write_query_vectors"]
