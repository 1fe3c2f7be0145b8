"""A bank of ordinary public-service questions that no policy document answers
(``data/offtopic_bank.jsonl``: 社保, 户籍, 天气, 菜谱 … in Chinese and English), embedded once:
how close a question is to them, against how close it is to the documents."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from ..lexicon import DATA_DIR

BANK_FILE = DATA_DIR / "offtopic_bank.jsonl"


def load_bank(path: Path = BANK_FILE) -> list[str]:
    return [json.loads(line)["question"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


class OffTopicBank:
    """The bank's question vectors (embedded with the query prompt on first use) and the
    best cosine of a question vector to them."""

    def __init__(
        self, embed_queries: Callable[[list[str]], Sequence[Sequence[float]]], questions: Sequence[str] | None = None,
        stored: Callable[[Sequence[str]], np.ndarray | None] | None = None,
    ) -> None:
        self._embed = embed_queries
        self.questions = list(questions) if questions is not None else load_bank()
        #: the bank's vectors stored with the index for exactly these questions, or None
        self._stored = stored
        self._matrix: np.ndarray | None = None
        self._lock = threading.Lock()

    #: questions embedded per call, so that a question asked meanwhile waits for one batch at most
    BATCH = 32

    def matrix(self) -> np.ndarray:
        with self._lock:
            if self._matrix is None and self._stored is not None:
                self._matrix = self._stored(self.questions)
            if self._matrix is None:
                rows = [v for k in range(0, len(self.questions), self.BATCH) for v in self._embed(self.questions[k : k + self.BATCH])]
                self._matrix = np.asarray(rows, dtype=np.float32)
            return self._matrix

    def similarity(self, query_vector: Sequence[float]) -> float:
        """Cosine of the (normalized) question vector to its nearest bank question."""
        return float(np.max(self.matrix() @ np.asarray(query_vector, dtype=np.float32)))


__all__ = ["BANK_FILE", "OffTopicBank", "load_bank"]
