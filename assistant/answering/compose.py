"""The extractive composer: one small handler per intent, dispatched from a table. A
handler builds a :class:`Draft` (text with ``[k]`` markers into its passages) or returns
None, and the general handler answers then. The wording comes from :mod:`assistant.wording`."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

from ..citations import MARKER, figures
from ..lexicon import pattern
from ..retrieval import section_names
from ..text import is_english
from ..types import Chunk, RetrievedChunk
from ..wording import Wording
from .in_words import figure_in_words
from .levels import agrees, asked_level
from .penalties import rules_first
from .quantity import other_quantity, term_of_another, uncounted_time, unnamed_quote
from .records import without_records
from .scoring import SentenceScorer, end
from .understanding import MAXIMA, Intent, unit_of
from .vocabulary import YEAR, Vocabulary, leaf

#: a question that asks for a fine (data/patterns.yaml ask_fine): no sum the documents invest answers it
ASK_FINE = pattern("ask_fine")


#: the last sentence of an answer when it only opens a list it does not go on with (…有关
#: 事项通告如下：[1]。, …应同时符合以下条件：[2]。): after other sentences, it says nothing
_TRAILING_OPENER = re.compile(r"(?<=[。！？])[^。！？]*(?:如下|以下|下列)[^。！？：:]{0,30}[：:]\s*(?:\[\d+\])+。?$")
#: … when it is this short: a longer one says more than that a list follows (…由人力资源社会保障
#: 部门进行人工审核，并根据系统指引准备并上传以下材料的原件彩色扫描件：)
OPENER_ONLY = 40


@dataclass(frozen=True)
class Draft:
    """An answer before citation resolution: text with [k] markers into ``passages``."""

    text: str
    passages: tuple[RetrievedChunk, ...]
    intent: Intent = Intent.GENERAL


Handler = Callable[["Composer", str, tuple[RetrievedChunk, ...], object], "Draft | None"]


class Composer:
    """Builds an extractive draft for one question from ranked passages."""

    def __init__(
        self, vocab: Vocabulary, scorer: SentenceScorer, wording: Wording, handlers: Mapping[Intent, Handler],
        first: Sequence[Handler] = (), short_kind: str = "",
    ) -> None:
        if Intent.GENERAL not in handlers:
            raise ValueError("the handlers need one for Intent.GENERAL, the fallback of every other")
        self.vocab = vocab
        #: intent → its handler; ``first`` are tried before it (averages and shares)
        self.handlers = dict(handlers)
        self.first = tuple(first)
        self.scorer = scorer
        self.say = wording
        #: the kind of document the corpus is (规划, 方案 …): a money question naming it asks for all of it
        self.short_kind = short_kind
        self._stated: dict[tuple[str, str], int] = {}

    def compose(
        self, question: str, passages: Sequence[RetrievedChunk], intent: Intent, query_vector=None,  # type: ignore[no-untyped-def]
    ) -> Draft | None:
        passages = without_records(question, passages)  # 哪天施行 is not answered by the day it was adopted
        passages = rules_first(question, passages, self.vocab.sequence)  # 能不能带狗进商场: the article, not its penalty
        question = self.vocab.without_titles(question)  # 《…规划（2024—2035年）》是谁编制的: not about 2035
        for first in self.first:
            draft = first(self, question, passages, query_vector)
            if draft is not None:  # 隔了几天 answered with the date the document was signed: not stated
                return self.not_counted(question, draft, passages) or draft
        named = self.named(question, passages, by_synonym=intent is Intent.GENERAL)
        if (intent is Intent.FIGURE and not named and unit_of(question) == "money" and self.short_kind and self.short_kind in question
                and not ASK_FINE.search(question)):
            intent = Intent.AGGREGATE  # “这个规划要花多少钱”: the whole document, unless its words single out a section (not a fine)
        if intent is Intent.AGGREGATE and len({leaf(p.chunk) for p in named}) == 1 and not MAXIMA.search(question):
            intent = Intent.FIGURE  # one section's own figure, nothing to add up
        if named and intent is not Intent.AGGREGATE:
            passages = named  # the question names its section: answer from it alone
        passages = self.at_level(question, passages)
        draft = self.handler(intent)(self, question, passages, query_vector)
        if draft is None and intent is Intent.AGGREGATE:  # nothing to add up: the figure itself, or not stated
            draft = self.handler(Intent.FIGURE)(self, question, passages, query_vector)
        if draft is None and intent is not Intent.GENERAL:
            draft = self.handlers[Intent.GENERAL](self, question, passages, query_vector)
        posseg = getattr(self.scorer.tokenize, "posseg", None)
        if draft is not None and draft.intent in (Intent.FIGURE, Intent.GENERAL) and posseg is not None:
            other = other_quantity(question, draft.text, posseg, self.vocab)
            if other is None and draft.intent is Intent.FIGURE:  # “四长治河”…投入多少 answered with another project's
                other = unnamed_quote(question, draft.text, self.vocab)
            other = other or term_of_another(question, draft.text)  # 某卡的有效期 answered with the document's own
            if other is not None:  # the figure of something else (保管费 for 年利率, 2035 for 2022)
                subject = f"{other}年" if other[:1].isdigit() else other
                return Draft(self.say("not_stated", subject=subject, what=self.say("what_value")), passages, Intent.NOT_STATED)
            if (uncounted := self.not_counted(question, draft, passages)) is not None:  # 公示几天 answered with an age and years
                return uncounted
        return without_trailing_opener(draft) if draft is not None else None

    def not_counted(self, question: str, draft: Draft, passages: tuple[RetrievedChunk, ...]) -> Draft | None:
        """“Not stated” for a question that asks a count of days, months or years when the
        figure or general ``draft`` states none (an age, a date), else None."""
        if draft.intent not in (Intent.FIGURE, Intent.GENERAL) or (unit := uncounted_time(question, draft.text)) is None:
            return None
        return Draft(self.say("not_stated", subject=self.say("not_stated_any"), what=self.say(unit)), passages, Intent.NOT_STATED)

    def at_level(self, question: str, passages: tuple[RetrievedChunk, ...]) -> tuple[RetrievedChunk, ...]:
        """For a question about one level or class (享受1级待遇的…), the passages whose section
        names it first and those whose section names only others of its measure (2级) last,
        each group in its order."""
        level = asked_level(question)
        if level is None:
            return passages

        def said(p: RetrievedChunk) -> int:
            section = self.vocab.section_chunks(p.chunk)
            return agrees(level, " ".join(p.chunk.section_path) + "\n" + "\n".join(c.text for c in section))
        return tuple(sorted(passages, key=lambda p: -said(p)))

    def handler(self, intent: Intent) -> Handler:
        """The handler of an intent; a clear error for one without."""
        try:
            return self.handlers[intent]
        except KeyError:
            known = ", ".join(i.value for i in self.handlers)
            raise ValueError(f"no handler for intent {intent.value!r}; known: {known}") from None

    # -- shared by the handlers -------------------------------------------------
    def named(
        self, question: str, passages: Sequence[RetrievedChunk], by_synonym: bool = False,
    ) -> tuple[RetrievedChunk, ...]:
        """Passages of the sections the question names (or their short forms), and with
        ``by_synonym`` those a word of it stands for. Only an open question is steered by a
        synonym: a figure question keeps its own words. An English question names sections
        only by what its words gloss."""
        words = self.vocab.section_words(question) if by_synonym else self.own_names(question)
        named = tuple(p for p in passages if any(n in words for n in section_names(p.chunk, self.vocab.forms)))
        if named or not by_synonym:
            return named
        # a year only one passage states names it like its heading
        ids = {ids[0] for y in YEAR.findall(question) if len(ids := self.vocab.years.get(y, ())) == 1}
        return tuple(p for p in passages if p.chunk.id in ids and len(p.chunk.section_path) >= 2)

    def lead(self, chunk: Chunk, sentence: str) -> str:
        """The sentence as written, with its subject (the section's name when the sentence
        does not say it)."""
        body = end(sentence)
        name = leaf(chunk)
        subject = "" if len(chunk.section_path) < 2 or not name or name in sentence else end(name)
        if subject and re.match(r"涉及|共|项目|设置", body):
            return subject + body
        return f"{subject}：{body}" if subject else body

    def figure_pattern(self, unit: str | None, measure: str | None = None) -> re.Pattern[str] | None:
        """What answers a question for ``unit``: money and projects in the corpus's own units;
        a question of no such unit (asked in ``measure``) by any figure, or one in words."""
        if unit in ("money", "projects"):
            return self.vocab.figure_pattern(unit)
        if unit:
            return pattern(f"answer_{unit}")
        words = figure_in_words(self.vocab, measure)  # 多少米 over 二百米以内: a figure in words answers too
        return re.compile(f"{pattern('answer_any').pattern}|{words.pattern}") if words else pattern("answer_any")

    def stating(self, heading: str, unit: str) -> int:
        """How many subsections of a heading state their own figure of ``unit`` (counted once
        per heading: a large index has many)."""
        key = (heading, unit)
        if key not in self._stated:
            self._stated[key] = sum(1 for _, chunks in self.vocab.parts(heading) if self.own_figure(chunks, unit))
        return self._stated[key]

    def own_figure(self, chunks: Chunk | Sequence[Chunk], unit: str) -> str | None:
        """The figure of ``unit`` a section (its chunks) states, when it states exactly one:
        a section with several amounts has no one figure to add up or compare."""
        wanted = self.figure_pattern(unit)
        texts = [chunks.text] if isinstance(chunks, Chunk) else [c.text for c in chunks]
        found = {f for t in texts for f in wanted.findall(t)} if wanted is not None else set()
        return next(iter(found)) if len(found) == 1 else None

    def parent_heading(self, question: str) -> str | None:
        """The heading with subsections that the question names (保障措施), the longest."""
        named = self.own_names(question)
        return next((h for h in self.vocab.parent_headings if h in named), None)

    def own_names(self, question: str) -> str:
        """What a question names sections with by its own words: those words, and for an
        English question what they gloss (safeguard measures: 保障措施), no synonym."""
        return self.vocab.section_words(question, synonyms=False) if is_english(question) else question

    def parts(self, heading: str, passages: tuple[RetrievedChunk, ...]) -> Draft | None:
        """The subsection names of ``heading``, each with the marker of its first chunk
        (chunks not retrieved are added to the passages)."""
        parts = self.vocab.parts(heading)
        if len(parts) < 2:
            return None
        allp, pos = with_chunks(passages, [chunks[0] for _, chunks in parts])
        return Draft("、".join(f"{name}[{pos[chunks[0].id]}]" for name, chunks in parts), allp, Intent.LIST)


def without_trailing_opener(draft: Draft) -> Draft:
    """The draft without a last sentence that opens a list it does not give, when sentences
    with their markers come before it and it says nothing else: no figure, at most
    :data:`OPENER_ONLY` characters (…年龄在18至45周岁，并符合以下条件： states the age)."""
    m = _TRAILING_OPENER.search(draft.text)
    if m is None or not MARKER.search(draft.text[: m.start()]):
        return draft
    said = MARKER.sub("", m.group(0))
    if len(said) > OPENER_ONLY or re.search(r"\d", said):
        return draft
    return replace(draft, text=draft.text[: m.start()])


def with_chunks(
    passages: tuple[RetrievedChunk, ...], chunks: Sequence[Chunk],
) -> tuple[tuple[RetrievedChunk, ...], dict[str, int]]:
    """The passages followed by those of ``chunks`` that were not retrieved, and each
    passage's marker number by chunk id (an answer over every part of a heading cites all)."""
    have = {p.id for p in passages}
    allp = passages + tuple(RetrievedChunk(c, 0.0, 0) for c in chunks if c.id not in have)
    return allp, {p.id: i + 1 for i, p in enumerate(allp)}


def quote_fallback(passages: Sequence[RetrievedChunk], wording: Wording) -> Draft:
    """When a composed answer fails verification: quote the best passage as it stands."""
    top = passages[0].chunk
    # its own heading only, and none that states a figure, in digits (…（2024-2026年）) or in
    # words (设置“两个等待期”): the answer is verified against the passage, not its heading
    section = leaf(top)
    body = top.text.replace("\n", "；")
    plain = not section or figures(section)  # figures() holds every run of digits too
    text = wording("quote_plain", text=body) if plain else wording("quote", section=section, text=body)
    return Draft(f"{text}[1]", tuple(passages))


__all__ = ["Composer", "Draft", "Handler", "quote_fallback", "with_chunks", "without_trailing_opener"]
