"""Phase 1 of the evaluation: the systems answer.

A :class:`~assistant.eval_types.System` receives :class:`~assistant.eval_types.QAQuestion`
objects only (id, question, history) and returns an
:class:`~assistant.eval_types.Output` per question (answer, citations, rankings,
latency). The expected facts and evidence are read later, by :mod:`assistant.eval_scoring`.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from .eval_types import RANK_DEPTH, RETRIEVAL_MODES, Output, QAQuestion, System

#: One question asked before timing starts, so that model loading and jieba's dictionary
#: do not land in the first item's latency. It is not taken from the Q&A file.
WARM_UP_QUESTION = "规划的主要目标是什么？"


def search_query(assistant: Any, question: str, history: Sequence[str]) -> str:
    """The query the assistant searches for ``question``, prepared as ``Assistant.ask``
    does: cleaned, an injection wrapper stripped, simplified, and a follow-up resolved
    with the earlier questions by the rule-based rewrite."""
    from .answering import rewrite_followup, strip_injection
    from .text import clean_question, is_punctuation_only, prepare_query

    cleaned = clean_question(question)
    query, _ = strip_injection(cleaned)
    if not query or is_punctuation_only(query):
        query = cleaned
    earlier = [clean_question(h) for h in history if h and h.strip()][-5:]
    query = prepare_query(query)
    if earlier:
        query = rewrite_followup(query, earlier, assistant.vocabulary)
    return query


class ProjectSystem:
    """The project's ``Assistant``, exactly as the app uses it."""

    name = "project"
    modes = RETRIEVAL_MODES

    def __init__(self, assistant: Any, answer_mode: str | None = None) -> None:
        self.assistant = assistant
        self.answer_mode = answer_mode

    def passages(self) -> list[tuple[str, str]]:
        return [(c.id, c.text) for c in self.assistant.index.chunks]

    def warm_up(self) -> None:
        self.assistant.warm_up(WARM_UP_QUESTION, mode=self.answer_mode)

    def respond(self, question: QAQuestion) -> Output:
        started = time.perf_counter()
        answer = self.assistant.ask(question.question, history=list(question.history), mode=self.answer_mode)
        latency = (time.perf_counter() - started) * 1000
        query = search_query(self.assistant, question.question, question.history)
        rankings = {
            m: tuple(r.id for r in self.assistant.search(query, k=RANK_DEPTH, mode=m).chunks) for m in self.modes
        }
        return Output(
            id=question.id, answer=answer.text, refused=answer.refused, refusal_kind=answer.refusal_kind,
            citations=tuple(answer.citations), latency_ms=latency, query=query, rankings=rankings, how=answer.mode,
        )


def answer_all(system: System, questions: Sequence[QAQuestion], progress: bool = True) -> list[Output]:
    """Phase 1: ask every question. Only :class:`QAQuestion` objects are accepted."""
    from tqdm import tqdm

    for q in questions:
        if not isinstance(q, QAQuestion):
            raise TypeError(f"answer_all takes QAQuestion objects, not {type(q).__name__}")
    system.warm_up()
    return [
        system.respond(q)
        for q in tqdm(questions, desc=f"eval {system.name}", unit="q", disable=not progress, leave=False)
    ]
