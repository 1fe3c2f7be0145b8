"""Reference banks, embedded once: ordinary public-service questions that no policy document
answers (``data/offtopic_bank.jsonl``: 社保, 户籍, 天气, 菜谱 … in Chinese and English), and
instructions to the assistant (``data/injection_bank.jsonl``: ignore the rules, reveal the
prompt, play a part …). How close a question, or a part of one, is to them."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..lexicon import DATA_DIR

BANK_FILE = DATA_DIR / "offtopic_bank.jsonl"
INJECTION_FILE = DATA_DIR / "injection_bank.jsonl"
#: the names the banks' vectors are stored under in a build
OFFTOPIC_SET, INJECTION_SET = "offtopic", "injection"


def load_bank(path: Path = BANK_FILE, key: str = "question") -> list[str]:
    return [json.loads(line)[key] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


class ReferenceBank:
    """The bank's vectors (embedded with the query prompt on first use, or stored with the
    index) and the best cosine of a question vector to them."""

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


@dataclass(frozen=True)
class Banks:
    """The off-topic and the injection bank of a build, and the model that embeds against them."""

    offtopic: ReferenceBank
    injections: ReferenceBank
    embed_queries: Callable[[list[str]], Sequence[Sequence[float]]]

    @classmethod
    def of(cls, embed_queries: Callable[[list[str]], Sequence[Sequence[float]]],
           stored: Callable[[str, Sequence[str]], np.ndarray | None]) -> Banks:
        """The two banks, with their vectors taken from a build when ``stored`` has them."""
        return cls(ReferenceBank(embed_queries, load_bank(), stored=lambda texts: stored(OFFTOPIC_SET, texts)),
                   ReferenceBank(embed_queries, load_bank(INJECTION_FILE, "text"), stored=lambda texts: stored(INJECTION_SET, texts)),
                   embed_queries)

    def query_sets(self) -> dict[str, list[str]]:
        """What a build stores the vectors of, by name."""
        return {OFFTOPIC_SET: self.offtopic.questions, INJECTION_SET: self.injections.questions}

    def instruction_scores(self, texts: list[str]) -> list[tuple[float, float]]:
        """(cosine to the nearest instruction, to the nearest ordinary question) for each text."""
        return [(self.injections.similarity(v), self.offtopic.similarity(v)) for v in self.embed_queries(texts)]


#: the off-topic bank is the default reference bank
OffTopicBank = ReferenceBank

__all__ = ["BANK_FILE", "INJECTION_FILE", "INJECTION_SET", "OFFTOPIC_SET", "Banks", "OffTopicBank", "ReferenceBank", "load_bank"]
