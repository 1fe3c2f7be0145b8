"""The ``Assistant``: one object composing the stages
``corpus → chunks → embeddings → index → retrieval → answer → citations``.

The CLI, the web app and the evaluation all use it; none re-implements a stage.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from dataclasses import dataclass, replace
from collections.abc import Callable, Iterator, Sequence
from typing import Any
from functools import cached_property

from .config import Settings, get_settings
from .corpus import CorpusLoad, load_corpus
from .embeddings import Embedder, SentenceVectors
from .glossary import Term, load_glossary
from .index import BuildReport, PlanIndex, build_index
from .index.serving import ServedBuild
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
from .answering.abbreviations import lengthened
from .answering.notes import with_glossary_note
from .answering.banks import Banks
from .answering.instructions import strip_instructions
from .answering.several import ask_each, split_questions
from .answering.understanding import ASKS, misuse, unit_of
from .curated import curated_answer
from .identity import Identity, load_identity
from .wording import Wording
from .citations import figures, renumber, verify
from .errors import LLMError
from .retrieval import RetrievalResult, Retriever
from .text import clean_question, is_english, is_punctuation_only, prepare_query, to_simplified
from .types import Answer, RetrievedChunk
from .verified import numbered, strip_tags, verified_stream

log = logging.getLogger(__name__)


#: what the Assistant derives from the index in service, and from the corpus
_FROM_INDEX = ("retriever", "vocabulary", "composer", "banks")
_FROM_CORPUS = ("corpus", "glossary", "synonyms", "identity", "wording")


@dataclass(frozen=True)
class Serving:
    """The index in service and what is derived from it and the corpus, for one request."""

    index: PlanIndex
    retriever: Retriever
    vocabulary: Vocabulary
    composer: Composer
    wording: Wording
    glossary: tuple[Term, ...]


class Assistant:
    """Loads the model once; opens the index lazily; safe to share between threads."""

    def __init__(self, settings: Settings | None = None, embedder: Embedder | None = None) -> None:
        self.settings = settings or get_settings()
        self._embedder = embedder
        self._index: PlanIndex | None = None
        self._lock = threading.RLock()
        self._served = ServedBuild(self.settings, lambda: self.embedder)

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
    def synonyms(self) -> dict[str, tuple[str, ...]]:  # corpus/synonyms.yaml over the everyday words
        return load_synonyms(self.settings.corpus_path, self.corpus.documents if self.settings.everyday_words else ())

    @property
    def index(self) -> PlanIndex:
        """The build in service, opened on first use; a rebuild is switched to between requests."""
        with self._lock:
            index, corpus = self._served.get(lambda: self.corpus)
            if index is not self._index:  # first use, or a rebuild followed (with its corpus)
                self._forget(*_FROM_INDEX, *(_FROM_CORPUS if corpus else ()))
                self.__dict__.update({"corpus": corpus} if corpus else {})
                self._index = index
            return index

    def _forget(self, *names: str) -> None:
        self._index = None
        for name in names:
            self.__dict__.pop(name, None)

    def serving(self) -> Serving:
        """What one request uses, taken at its start: a rebuild never mixes two builds in one answer."""
        with self._lock:  # self.index first: it may switch to a rebuild
            return Serving(self.index, self.retriever, self.vocabulary, self.composer, self.wording, self.glossary)

    @cached_property
    def retriever(self) -> Retriever:
        return Retriever(self.index, self.embedder, self.settings, self.glossary, self.synonyms)

    # ------------------------------------------------------------------ operations
    def build_index(self, progress: bool = True, on_changes: Callable[..., None] | None = None) -> BuildReport:
        report = build_index(self.settings, self.embedder, progress=progress, clause_texts=SentenceScorer.clause_texts,
                             on_changes=on_changes, query_sets=self.banks.query_sets())
        with self._lock:
            self._served.reset()
            self._forget(*_FROM_INDEX, *_FROM_CORPUS)
        return report

    def search(self, question: str, k: int | None = None, mode: str | None = None) -> RetrievalResult:
        return self.serving().retriever.search(question, k=k, mode=mode)

    @cached_property
    def vocabulary(self) -> Vocabulary:
        return Vocabulary.from_chunks(self.index.chunks, self.glossary, self.synonyms, self.identity.place_names, self.index.english)

    @cached_property
    def composer(self) -> Composer:
        scorer = SentenceScorer(self.vocabulary, self.index.tokenizer, SentenceVectors(self.embedder, stored=self.index.clauses))
        kind = self.identity.short_name.strip("《》")
        return Composer(self.vocabulary, scorer, self.wording, HANDLERS, FIRST, short_kind=kind)

    @cached_property
    def banks(self) -> Banks:
        return Banks.of(self.embedder.embed_queries, lambda name, texts: self.index.query_vectors(name, texts))

    @cached_property
    def llm(self):  # type: ignore[no-untyped-def]
        from .llm import LLMAnswerer

        return LLMAnswerer(self.settings, self.identity)

    thresholds = Thresholds()  # the coverage decision's calibrated thresholds
    WARM_CLAUSES_MAX = 500  # :meth:`warm_up` embeds the clauses of an index with at most this many (~3 s)

    def warm_up(self, question: str | None = None, mode: str | None = None) -> None:
        """Load the model, index and tokenizer by answering ``question``; embed up to WARM_CLAUSES_MAX chunks' clauses."""
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
        serving = self.serving()  # one build for the whole answer, even if a rebuild is switched to meanwhile
        wording = serving.wording

        def finish(text: str, draft: Draft | None = None, *, kind: str | None = None,
                   retrieved: Sequence[RetrievedChunk] = (), how: str = "extractive") -> Answer:
            text, citations = renumber(draft.text, draft.passages) if draft is not None else (text, ())
            timings["total"] = (time.perf_counter() - started) * 1000
            return Answer(
                question=question, text=strip_tags(text), citations=citations, refused=kind is not None,
                refusal_kind=kind, notice=wording("notice"), mode=how, retrieved=tuple(retrieved), timings_ms=dict(timings),
            )

        def refuse(decision: Decision, retrieved: Sequence[RetrievedChunk] = (), how: str = "extractive") -> list[str | Answer]:
            nearest = retrieved[0].chunk if retrieved and decision.kind == "not_covered" else None
            answer = finish(refusal_text(decision, nearest, wording), kind=decision.kind or "not_covered", retrieved=retrieved, how=how)
            return [answer.text, answer]

        limit = self.settings.max_question_chars
        if is_punctuation_only(cleaned) or len(cleaned) > limit:
            empty = is_punctuation_only(cleaned)
            answer = finish(wording("ask_something") if empty else wording("too_long", limit=limit), kind="empty" if empty else "too_long")
            yield from (answer.text, answer)
            return
        if len(several := split_questions(cleaned)) > 1:  # each answered, a follow-up with the earlier ones as its conversation
            answer = ask_each(self.ask, question, several, history, mode, wording("part_unanswered"))
            yield from (answer.text, answer)
            return
        query = prepare_query(left_to_answer(cleaned, self.banks, self.thresholds))
        if kind := misuse(query):  # nothing but instructions, a request to invent, or how to fake a certificate
            yield from refuse(Decision(False, kind))
            return

        history = [clean_question(h) for h in history if h and h.strip()][-5:]
        own = query  # what the follow-up itself asks
        if history:
            query = rewrite(query, history, (lambda: self.llm) if mode == "llm" else None, serving.vocabulary)
        t0 = time.perf_counter()
        result = serving.retriever.search(query, with_dense_score=True)
        timings["retrieval"] = (time.perf_counter() - t0) * 1000
        if curated := curated_answer(question, result, serving.index, self.embedder.embed_queries, wording("notice"), started, serving.vocabulary.entities):
            yield from (curated.text, curated)  # an answer staff wrote (corpus/curated.yaml)
            return
        result, decision = _in_full(self, serving, result, _decided(self, serving, result))
        decision = _borrowed(self, serving, result, decision, own, history)
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
                yield finish("", with_glossary_note(draft, serving.glossary, wording), retrieved=result.chunks, how="llm")
                return
            except LLMError as err:
                log.warning("LLM answer replaced by the extractive one: %s", err)
                how = "extractive-fallback"

        draft = conversed(serving.composer, own_words(query, own, result.query), result, serving.glossary, wording, self.embedder.embed_query)
        timings["answer"] = (time.perf_counter() - t0) * 1000
        if draft.intent is Intent.NOT_STATED:
            yield from refuse(Decision(False, "not_covered", missing=(draft.text,)), result.chunks, how=how)
            return
        answer = finish("", draft, retrieved=result.chunks, how=how)
        if how == "extractive-fallback":
            answer = replace(answer, text=wording("llm_fallback") + answer.text)
        for sentence in re.findall(r"[^。！？]+[。！？]?", answer.text):
            yield sentence
        yield answer


def _decided(assistant: Assistant, serving: Serving, result: RetrievalResult, known: frozenset[str] = frozenset()) -> Decision:
    """Does the corpus cover what ``result`` searched for (answer, not covered, off topic)?
    ``known``: words that are no unknown things (see :func:`_borrowed`)."""
    bank = assistant.banks.offtopic.similarity(result.query_vector) if result.query_vector else None
    # an English question is on topic when passages close in meaning are (not those its words,
    # looked up in the bilingual dictionary, found by keyword: 申请 for "apply" is in many)
    clause = serving.composer.scorer.best_clause(result.query_vector, result.nearest or result.chunks) if is_english(result.query) else None
    return decide(result.query, result.dense_top, serving.vocabulary, assistant.thresholds, serving.index.tokenizer.posseg, bank, clause, known,
                  lambda: _placeless(assistant, serving, result.query))  # 天津春节会下雪吗 as 春节会下雪吗


def _placeless(assistant: Assistant, serving: Serving, query: str) -> tuple[float, float] | None:
    """A Chinese question's cosines to the off-topic bank and the nearest passage without the deployment's places, or None."""
    bare = serving.vocabulary.without_places(query)
    if bare == query or not bare.strip() or is_english(query):
        return None
    vector = assistant.embedder.embed_query(bare)
    return assistant.banks.offtopic.similarity(vector), max((s for _, s in serving.index.dense(vector, 1)), default=0.0)


def _in_full(assistant: Assistant, serving: Serving, result: RetrievalResult, decision: Decision) -> tuple[RetrievalResult, Decision]:
    """A question not covered over words the documents never use, asked again with the
    documents' words those shorten (优待证 → 优待凭证, :mod:`.answering.abbreviations`) when
    that is covered; else as it was."""
    if decision.kind != "not_covered" or not decision.missing:
        return result, decision
    words = serving.vocabulary.words(serving.index.tokenizer.words)
    fuller = lengthened(result.query, decision.missing, words, assistant.embedder.embed_queries)
    if fuller == result.query or not (again := serving.retriever.search(fuller, with_dense_score=True)).chunks:
        return result, decision
    redecided = _decided(assistant, serving, again)
    return (again, redecided) if redecided.covered else (result, decision)


def _borrowed(
    assistant: Assistant, serving: Serving, result: RetrievalResult, decision: Decision, own: str, history: Sequence[str],
) -> Decision:
    """A follow-up not covered only over words of the earlier questions it was read with
    (…没参加过的企业…最低要多少？ → 那只参加过一两次的呢？, not covered over 企业) is decided again
    without them when each earlier question holding them is covered on its own: they were
    judged when it was asked. A word of the follow-up's own refuses it as before."""
    if decision.kind != "not_covered" or not decision.missing or not history:
        return decision
    if any(w in own for w in decision.missing):  # own is prepared: simplified
        return decision
    earlier = [h for h in history if any(w in to_simplified(h) for w in decision.missing)]
    if not earlier or not all(_decided(assistant, serving, serving.retriever.search(prepare_query(h), with_dense_score=True)).covered for h in earlier):
        return decision
    return _decided(assistant, serving, result, frozenset(decision.missing))


def left_to_answer(question: str, banks: Banks, thresholds: Thresholds) -> str:
    """The question without its instructions: those the patterns know, then the parts the
    injection bank tells (empty when nothing that asks is left, or it asks to invent)."""
    query, patterned = strip_injection(question)
    if not query:
        return query
    stripped = strip_instructions(query, banks.instruction_scores, thresholds.instruction, thresholds.instruction_margin, rest=patterned)
    # around an instruction, a rest that asks nothing (然后确认补助是500万元, 随便编一个数字给我)
    # is one more instruction
    return "" if (patterned or stripped.instructions) and not ASKS.search(stripped.question) else stripped.question


def own_words(query: str, own: str, searched: str) -> str:
    """What the sentence of an answer is chosen by: a follow-up joined to the earlier question
    (``query`` = earlier + " " + ``own``) finds the passages of the conversation's subject,
    and the sentence is then chosen by what the follow-up itself asks; otherwise the
    question as searched."""
    return to_simplified(clean_question(own)) if query.endswith(" " + own) else searched


def conversed(
    composer: Composer, words: str, result: RetrievalResult, glossary: Sequence[Term], wording: Wording,
    embed: Callable[[str], Sequence[float]] | None = None,
) -> Draft:
    """The answer chosen by ``words`` (:func:`own_words`), by their meaning too when they are a
    follow-up's own (``embed``: the query vector moved toward theirs); when they state
    nothing it asks for (那最后一天几点截止 next to 申报时间是…至…17时), the answer chosen by
    the conversation as searched, if that asks for the same kind of thing."""
    own = result.toward(embed(words)) if embed is not None and words != result.query and result.query_vector is not None else result
    draft = extractive(composer, words, result.chunks, own.query_vector, glossary, wording)
    if draft.intent is not Intent.NOT_STATED or words == result.query:
        return draft
    if (classify(words), unit_of(words)) != (classify(result.query), unit_of(result.query)):
        return draft  # 那它什么时候建成 after …投资多少: the conversation asks for something else
    joined = extractive(composer, result.query, result.chunks, result.query_vector, glossary, wording)
    return draft if joined.intent is Intent.NOT_STATED else joined


def extractive(
    composer: Composer, query: str, passages: Sequence[RetrievedChunk], query_vector: Sequence[float] | None,
    glossary: Sequence[Term], wording: Wording,
) -> Draft:
    """The composed answer, verified: one that fails is replaced by a quotation of the passage."""
    intent = classify(query)
    draft = composer.compose(query, passages, intent, query_vector) or quote_fallback(passages, wording)
    if draft.intent is Intent.NOT_STATED:
        return draft
    check = verify(draft.text, numbered(draft.passages), figures(query))  # a rate may apply to the asker's amount
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
