"""The ``Assistant``: one object composing the stages
``corpus → chunks → embeddings → index → retrieval → answer → citations``.

The CLI, the web app and the evaluation all use it; none re-implements a stage.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from dataclasses import replace
from collections.abc import Callable, Iterator, Sequence
from typing import Any
from functools import cached_property

from .config import Settings, get_settings
from .corpus import CorpusLoad, load_corpus
from .embeddings import Embedder, SentenceVectors
from .glossary import Term, load_glossary
from .index import BuildReport, PlanIndex, build_index, open_index
from .answering import (
    FIRST,
    HANDLERS,
    Composer,
    Decision,
    Draft,
    Intent,
    SentenceScorer,
    Thresholds,
    Vocabulary,
    classify,
    decide,
    load_synonyms,
    quote_fallback,
    refusal_text,
    rewrite_followup,
    strip_injection,
)
from .answering.coverage import is_english
from .answering.notes import with_glossary_note
from .answering.offtopic import OffTopicBank
from .answering.several import join_answers, split_questions
from .answering.understanding import FOLLOWUP
from .curated import curated_answer
from .identity import Identity, load_identity
from .wording import Wording
from .citations import renumber, verify
from .errors import LLMError
from .retrieval import RetrievalResult, Retriever
from .text import clean_question, is_punctuation_only, prepare_query
from .types import Answer, RetrievedChunk
from .verified import numbered, strip_tags, verified_stream

log = logging.getLogger(__name__)


class Assistant:
    """Loads the model once; opens the index lazily; safe to share between threads."""

    def __init__(self, settings: Settings | None = None, embedder: Embedder | None = None) -> None:
        self.settings = settings or get_settings()
        self._embedder = embedder
        self._index: PlanIndex | None = None
        self._retriever: Retriever | None = None
        self._lock = threading.RLock()

    # ------------------------------------------------------------------ components
    @property
    def embedder(self) -> Embedder:
        with self._lock:
            if self._embedder is None:
                self._embedder = Embedder(self.settings)
            return self._embedder

    @cached_property
    def glossary(self) -> tuple[Term, ...]:
        return load_glossary(self.settings.corpus_path)

    @cached_property
    def corpus(self) -> CorpusLoad:
        """The documents, read once for the index check and the identity."""
        return load_corpus(self.settings.corpus_path)

    @cached_property
    def identity(self) -> Identity:
        """Who the assistant is: ``corpus/assistant.yaml`` over the documents' front matter."""
        return load_identity(self.settings.corpus_path, self.corpus.documents)

    @cached_property
    def wording(self) -> Wording:
        return Wording(self.identity)

    @cached_property
    def synonyms(self) -> dict[str, tuple[str, ...]]:
        return load_synonyms(self.settings.corpus_path)

    @property
    def index(self) -> PlanIndex:
        with self._lock:
            if self._index is None:
                self._index = open_index(self.settings, self.embedder, self.corpus)
            return self._index

    @property
    def retriever(self) -> Retriever:
        with self._lock:
            if self._retriever is None:
                self._retriever = Retriever(self.index, self.embedder, self.settings, self.glossary, self.synonyms)
            return self._retriever

    # ------------------------------------------------------------------ operations
    def build_index(self, progress: bool = True, on_changes: Callable[..., None] | None = None) -> BuildReport:
        report = build_index(self.settings, self.embedder, progress=progress, on_changes=on_changes)
        with self._lock:
            self._index = None
            self._retriever = None
            for name in ("corpus", "glossary", "synonyms", "vocabulary", "composer", "identity", "wording"):
                self.__dict__.pop(name, None)
        return report

    def search(self, question: str, k: int | None = None, mode: str | None = None) -> RetrievalResult:
        return self.retriever.search(question, k=k, mode=mode)

    @cached_property
    def vocabulary(self) -> Vocabulary:
        return Vocabulary.from_chunks(self.index.chunks, self.glossary, self.synonyms, self.identity.place_names)

    @cached_property
    def composer(self) -> Composer:
        scorer = SentenceScorer(self.vocabulary, self.index.tokenizer, SentenceVectors(self.embedder))
        kind = self.identity.short_name.strip("《》")
        return Composer(self.vocabulary, scorer, self.wording, HANDLERS, FIRST, short_kind=kind)

    @cached_property
    def offtopic(self) -> OffTopicBank:
        return OffTopicBank(self.embedder.embed_queries)

    @cached_property
    def llm(self):  # type: ignore[no-untyped-def]
        from .llm import LLMAnswerer

        return LLMAnswerer(self.settings, self.identity)

    thresholds = Thresholds()  # the coverage decision's calibrated thresholds
    #: :meth:`warm_up` embeds the clauses of an index with at most this many (about 3 s on two cores)
    WARM_CLAUSES_MAX = 500

    def warm_up(self, question: str | None = None, mode: str | None = None) -> None:
        """Load the model, the index and the tokenizer by answering ``question``, and embed
        the clauses that answers are chosen from when there are at most WARM_CLAUSES_MAX."""
        self.ask(question or self.identity.warm_up or self.identity.short_name, mode=mode)
        self.composer.scorer.warm(self.index.chunks, limit=self.WARM_CLAUSES_MAX)

    def ask(self, question: str, history: Sequence[str] = (), mode: str | None = None) -> Answer:
        """Answer one question; ``history`` holds the earlier questions of the conversation."""
        return last_answer(self.ask_stream(question, history, mode=mode))

    def ask_stream(self, question: str, history: Sequence[str] = (), mode: str | None = None) -> Iterator[str | Answer]:
        """Yield text deltas of the answer, then the complete :class:`Answer` (always last).

        Deltas are only ever verified text; the final Answer is what counts (the web
        page replaces the streamed text with it)."""
        started = time.perf_counter()
        timings: dict[str, float] = {}
        mode = mode or self.settings.answer_mode
        cleaned = clean_question(question)

        def finish(text: str, draft: Draft | None = None, *, kind: str | None = None,
                   retrieved: Sequence[RetrievedChunk] = (), how: str = "extractive") -> Answer:
            citations: tuple = ()
            if draft is not None:
                text, citations = renumber(draft.text, draft.passages)
            timings["total"] = (time.perf_counter() - started) * 1000
            return Answer(
                question=question, text=strip_tags(text), citations=citations, refused=kind is not None,
                refusal_kind=kind, notice=self.wording("notice"), mode=how, retrieved=tuple(retrieved), timings_ms=dict(timings),
            )

        def refuse(decision: Decision, retrieved: Sequence[RetrievedChunk] = (), how: str = "extractive") -> list[str | Answer]:
            nearest = retrieved[0].chunk if retrieved and decision.kind == "not_covered" else None
            answer = finish(refusal_text(decision, nearest, self.wording), kind=decision.kind or "not_covered", retrieved=retrieved, how=how)
            return [answer.text, answer]

        if is_punctuation_only(cleaned):
            answer = finish(self.wording("ask_something"), kind="empty")
            yield from (answer.text, answer)
            return
        if len(cleaned) > self.settings.max_question_chars:
            answer = finish(self.wording("too_long", limit=self.settings.max_question_chars), kind="too_long")
            yield from (answer.text, answer)
            return
        several = split_questions(cleaned)
        if len(several) > 1:  # each answered, a follow-up with the earlier ones as its conversation
            answers = [self.ask(q, [*history, *several[:i]] if FOLLOWUP.search(q) else history, mode) for i, q in enumerate(several)]
            answer = join_answers(question, answers)
            yield from (answer.text, answer)
            return
        query, _ = strip_injection(cleaned)
        if not query or is_punctuation_only(query):  # nothing but instructions, or a request to invent
            yield from refuse(Decision(False, "injection"))
            return

        history = [clean_question(h) for h in history if h and h.strip()][-5:]
        query = prepare_query(query)
        if history:
            query = rewrite(query, history, (lambda: self.llm) if mode == "llm" else None, self.vocabulary)
        t0 = time.perf_counter()
        result = self.retriever.search(query, with_dense_score=True)
        timings["retrieval"] = (time.perf_counter() - t0) * 1000
        if curated := curated_answer(question, result, self.index, self.embedder.embed_queries, self.wording("notice"), started):
            yield from (curated.text, curated)  # an answer staff wrote (corpus/curated.yaml)
            return
        bank = self.offtopic.similarity(result.query_vector) if is_english(result.query) and result.query_vector else None
        decision = decide(result.query, result.dense_top, self.vocabulary, self.thresholds, self.index.tokenizer.posseg, bank)
        if not decision.covered or not result.chunks:
            yield from refuse(decision, result.chunks)
            return

        t0 = time.perf_counter()
        how = "extractive"
        if mode == "llm":
            try:
                shown, raw = "", ""
                for step in verified_stream(self.llm, result.query, result.chunks, history):
                    if step is None:  # the model says the passages do not answer
                        yield from refuse(Decision(False, "not_covered"), result.chunks, how="llm")
                        return
                    text, raw = step
                    yield text[len(shown):]
                    shown = text
                draft = Draft(raw, result.chunks)
                timings["answer"] = (time.perf_counter() - t0) * 1000
                yield finish("", with_glossary_note(draft, self.glossary, self.wording), retrieved=result.chunks, how="llm")
                return
            except LLMError as err:
                log.warning("LLM answer replaced by the extractive one: %s", err)
                how = "extractive-fallback"

        draft = extractive(self.composer, result.query, result.chunks, result.query_vector, self.glossary, self.wording)
        timings["answer"] = (time.perf_counter() - t0) * 1000
        if draft.intent is Intent.NOT_STATED:
            yield from refuse(Decision(False, "not_covered", missing=(draft.text,)), result.chunks, how=how)
            return
        answer = finish("", draft, retrieved=result.chunks, how=how)
        if how == "extractive-fallback":
            answer = replace(answer, text=self.wording("llm_fallback") + answer.text)
        for sentence in re.findall(r"[^。！？]+[。！？]?", answer.text):
            yield sentence
        yield answer

def extractive(
    composer: Composer, query: str, passages: Sequence[RetrievedChunk], query_vector: Sequence[float] | None,
    glossary: Sequence[Term], wording: Wording,
) -> Draft:
    """The composed answer, verified: one that fails is replaced by a quotation of the passage."""
    intent = classify(query)
    draft = composer.compose(query, passages, intent, query_vector) or quote_fallback(passages, wording)
    if draft.intent is Intent.NOT_STATED:
        return draft
    check = verify(draft.text, numbered(draft.passages))
    if not check.ok:
        log.warning("composed answer failed verification (%s); quoting the passage", check.problem)
        draft = quote_fallback(passages, wording)
    return with_glossary_note(draft, glossary, wording)


def last_answer(events: Iterator[str | Answer]) -> Answer:
    """The :class:`Answer` that ends a stream of :meth:`Assistant.ask_stream`."""
    answer = None
    for event in events:
        if isinstance(event, Answer):
            answer = event
    assert answer is not None
    return answer


def rewrite(query: str, history: Sequence[str], llm: Callable[[], Any] | None, vocabulary: Vocabulary) -> str:
    """A follow-up made whole with the earlier questions: by the LLM that ``llm()`` gives when
    there is one (the rules when it cannot be made or fails), else by the rules."""
    if llm is not None:
        try:
            return prepare_query(clean_question(llm().rewrite(query, history))) or query
        except LLMError as err:
            log.warning("LLM rewrite failed, using rules: %s", err)
    return rewrite_followup(query, history, vocabulary)
