"""Types shared by the evaluation and the systems it scores (the assistant and the peer
baseline): what an item of the Q&A file holds, what a system may see of it, and what a
system returns.

This module imports nothing of the evaluation or of :mod:`assistant.baseline`, so that
both can import it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from .types import Citation

CATEGORIES = (
    "fact", "number", "list", "paraphrase", "colloquial", "aggregate", "english",
    "traditional", "multi_turn", "unanswerable", "offtopic", "false_premise", "injection",
)
RETRIEVAL_MODES = ("dense", "keyword", "hybrid")
#: Passages ranked per question and retrieval mode.
RANK_DEPTH = 10


@dataclass(frozen=True)
class QAItem:
    id: str
    question: str
    category: str
    answerable: bool
    expected_facts: tuple[tuple[str, ...], ...] = ()
    evidence: tuple[str, ...] = ()
    history: tuple[str, ...] = ()


@dataclass(frozen=True)
class QAQuestion:
    """What the assistant is allowed to see of an item."""

    id: str
    question: str
    history: tuple[str, ...] = ()


@dataclass(frozen=True)
class Output:
    """What a system produced for one question; holds nothing of the expected answer."""

    id: str
    answer: str
    refused: bool
    refusal_kind: str | None
    citations: tuple[Citation, ...]
    latency_ms: float
    query: str  # the query the rankings were searched with
    rankings: Mapping[str, tuple[str, ...]]  # retrieval mode → ranked passage ids (top RANK_DEPTH)
    how: str = ""  # how the answer was made (extractive, llm, …)


class System(Protocol):
    name: str
    modes: tuple[str, ...]

    def passages(self) -> list[tuple[str, str]]:
        """Every passage (id, text) the system retrieves from, to judge relevance."""

    def warm_up(self) -> None: ...

    def respond(self, question: QAQuestion) -> Output: ...
