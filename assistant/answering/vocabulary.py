"""What the corpus talks about, derived from its chunks once per index: its text, its
sections and their short forms, the chunks under each top-level heading, the years it
states, the units its figures are written in, and the place names of the deployment."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import yaml

from ..bilingual import EnglishGloss
from ..chunking import heading_forms, strip_numbering
from ..glossary import Term
from ..lexicon import all_units, document_parts, everyday_words, longest_first, pattern, unit_table, words
from ..retrieval import expansions
from ..text import CN_DIGITS, CN_NUMERAL, is_english
from ..types import Chunk, Document
from .abbreviations import document_words

YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
#: a name in book-title marks (《…》)
BOOK_TITLE = re.compile(r"《[^《》]+》")
_NUMBER = r"\d+(?:\.\d+)?"
#: a number written in words (二十五, 两千)
IN_WORDS = f"[{CN_NUMERAL}]+"
#: a sum of money in digits or, as laws write their fines, in words (五千元, 一万元以上): a
#: number in words starts with a digit word (万元 alone is no sum)
_MONEY_NUMBER = rf"(?:{_NUMBER}|[{CN_DIGITS}两十][{CN_NUMERAL}]*)"

#: words of a question that name nothing the documents could lack (data/lexicon/generic_words.txt)
GENERIC_WORDS = words("generic_words")


def leaf(chunk: Chunk) -> str:
    """The last heading of a chunk's section, without its numbering (2. 近期目标 → 近期目标)."""
    return strip_numbering(chunk.section_path[-1]) if chunk.section_path else ""


#: what asks something (？, 怎么 …): a title that does is a question, not a name
_ASKS = pattern("asks")
#: the wrapper of a title that issues another document (关于印发X的通知, 转发…X的通知): X is its name
_ISSUING = re.compile(r"(?:印发|转发|下发|重新发布|发布)(?:[^《》]{0,30}?制订的)?(.{4,60}?)的(?:通知|通告|公告)$")


def document_names(title: str) -> tuple[str, ...]:
    """The names a question may call a document by, from its title: each 《…》 in it with and
    without the marks; else the title and the document an issuing notice wraps (关于印发X的
    通知 → X). Not a title that is itself a question (怎么申领…？): its words are what is asked."""
    marked = BOOK_TITLE.findall(title)
    if marked:
        return tuple(dict.fromkeys(n for m in marked for n in (m, m[1:-1])))
    title = title.strip()
    if _ASKS.search(title):
        return ()
    inner = _ISSUING.search(title)
    return tuple(n for n in (title, inner.group(1) if inner else None) if n and len(n) >= 4)


def untitled(chunk: Chunk, text: str) -> str:
    """``text`` without the name of the chunk's own document (the 《…》 of its title): those
    words name the document, they do not say what a sentence is about. Other documents it
    cites stay."""
    for name in BOOK_TITLE.findall(chunk.title):
        text = text.replace(name, "")
    return text


def load_synonyms(corpus_dir: Path, documents: Sequence[Document] = ()) -> dict[str, tuple[str, ...]]:
    """``corpus/synonyms.yaml`` (colloquial words → the documents' words), over the everyday
    words that stand for words ``documents`` write (:func:`everyday_synonyms`; none without documents)."""
    path = corpus_dir / "synonyms.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None
    own = {str(k): tuple(str(v) for v in (vs or ())) for k, vs in (data or {}).items()}
    everyday = everyday_synonyms("\n".join(d.text for d in documents)) if documents else {}
    return {**everyday, **own}


def everyday_synonyms(text: str, table: dict[str, tuple[str, ...]] | None = None) -> dict[str, tuple[str, ...]]:
    """The everyday words (data/lexicon/everyday_words.yaml) that stand for formal words of
    ``text``: each → the formal words ``text`` writes. A word the text itself writes is left
    out (it needs no stand-in), and so is one whose formal words the text never writes."""
    out: dict[str, tuple[str, ...]] = {}
    for word, formal in (everyday_words() if table is None else table).items():
        if word in text:
            continue
        written = tuple(f for f in formal if f in text)
        if written:
            out[word] = written
    return out


def composed_of(name: str, words: set[str] | frozenset[str], least: int = 2) -> bool:
    """Is ``name`` written as ``least`` or more of ``words`` one after another (保障措施 of
    保障 and 措施)? A name that is one of them alone is not: a single glossed word is too
    common a word to name a section by."""
    reach = {0: 0}  # position in the name → the most words a run of them ending there has
    for i in range(len(name)):
        if i not in reach:
            continue
        for w in words:
            if w and name.startswith(w, i):
                reach[i + len(w)] = max(reach.get(i + len(w), 0), reach[i] + 1)
    return reach.get(len(name), 0) >= least


@dataclass
class Vocabulary:
    """The corpus as the answerer knows it (computed once per index)."""

    text: str
    sections: tuple[tuple[str, ...], ...]
    glossary: tuple[Term, ...]
    synonyms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    children: dict[str, tuple[Chunk, ...]] = field(default_factory=dict)  # a heading → the chunks below it
    depth: dict[str, int] = field(default_factory=dict)  # a heading with subsections → its level (0 = top)
    years: dict[str, tuple[str, ...]] = field(default_factory=dict)  # 2035 → ids of the chunks stating it
    places: tuple[str, ...] = ()  # the place names the deployment is about, longest first
    titles: tuple[str, ...] = ()  # the documents' own names (:func:`document_names`), longest first
    #: the corpus's Chinese words for English ones (stored with the index build)
    english: EnglishGloss = field(default_factory=EnglishGloss)
    #: chunk id → the chunk that goes on with its section (a long section is cut into several)
    following: dict[str, Chunk] = field(default_factory=dict, repr=False)
    #: (source, section path) → the chunks of that section, in the document's order
    sequence: dict[tuple[str, tuple[str, ...]], tuple[Chunk, ...]] = field(default_factory=dict, repr=False)
    #: words looked up in :meth:`known`; bounded, so visitors' words cannot grow it without end
    _known: dict[str, bool] = field(default_factory=dict, repr=False)
    _parts: dict[str, list[tuple[str, tuple[Chunk, ...]]]] = field(default_factory=dict, repr=False)
    _words: list[frozenset[str]] = field(default_factory=list, repr=False)
    KNOWN_CACHE = 4096

    @classmethod
    def from_chunks(
        cls, chunks: Sequence[Chunk], glossary: Sequence[Term] = (), synonyms: dict[str, tuple[str, ...]] | None = None,
        places: Sequence[str] = (), english: EnglishGloss | None = None,
    ) -> "Vocabulary":
        text = "\n".join(f"{c.section}\n{c.text}" for c in chunks)
        sections = tuple(dict.fromkeys(c.section_path for c in chunks))
        children: dict[str, list[Chunk]] = {}
        depth: dict[str, int] = {}
        years: dict[str, list[str]] = {}
        for c in chunks:
            for d, heading in enumerate(c.section_path[:-1]):  # every heading with something below it
                name = strip_numbering(heading)
                if depth.setdefault(name, d) == d:
                    children.setdefault(name, []).append(c)
            for year in dict.fromkeys(YEAR.findall(untitled(c, c.text))):  # not in the document's name
                years.setdefault(year, []).append(c.id)
        order = sorted(chunks, key=lambda c: (c.source, c.ordinal))
        sequence: dict[tuple[str, tuple[str, ...]], list[Chunk]] = {}
        for c in order:
            sequence.setdefault((c.source, c.section_path), []).append(c)
        following = {a.id: b for run in sequence.values() for a, b in zip(run, run[1:])}
        return cls(
            text=text, sections=sections, glossary=tuple(glossary), synonyms=dict(synonyms or {}),
            children={k: tuple(v) for k, v in children.items()}, depth=depth, years={k: tuple(v) for k, v in years.items()},
            places=longest_first(places), following=following,
            sequence={k: tuple(v) for k, v in sequence.items()},
            # as written and as a question has it after NFKC (（2024—2035年） → (2024—2035年))
            titles=longest_first({form for title in {c.title for c in chunks} for name in document_names(title)
                                  for form in (name, unicodedata.normalize("NFKC", name))}),
            english=english or EnglishGloss(),
        )

    def section_chunks(self, chunk: Chunk) -> tuple[Chunk, ...]:
        """Every chunk of ``chunk``'s section, in order (``chunk`` alone when it is not indexed)."""
        return self.sequence.get((chunk.source, chunk.section_path), (chunk,))

    def without_titles(self, question: str) -> str:
        """``question`` with the documents' own names pasted into it left as 《》: their words
        name the document, not what is asked of it."""
        for name in self.titles:
            question = question.replace(name, "《》")
        return question

    def parts(self, heading: str) -> list[tuple[str, tuple[Chunk, ...]]]:
        """The subsections right below ``heading``, in order, each with its chunks (grouped
        once per heading: a large index has many chunks under one)."""
        if heading not in self._parts:
            below = self.depth[heading] + 1
            out: dict[str, list[Chunk]] = {}
            for c in self.children.get(heading, ()):
                out.setdefault(strip_numbering(c.section_path[below]), []).append(c)
            self._parts[heading] = [(name, tuple(cs)) for name, cs in out.items()]
        return self._parts[heading]

    @cached_property
    def parent_headings(self) -> tuple[str, ...]:
        """The headings with subsections, longest first (how a question names one)."""
        return longest_first(h for h in self.children if len(h) >= 2)

    def ancestors(self, chunk: Chunk) -> list[str]:
        """The headings above a chunk's own section, nearest first."""
        return [strip_numbering(h) for h in reversed(chunk.section_path[:-1])]

    def parent(self, chunk: Chunk) -> str | None:
        """The heading right above a chunk's own section (None for a top-level one)."""
        return strip_numbering(chunk.section_path[-2]) if len(chunk.section_path) >= 2 else None

    @cached_property
    def place_pattern(self) -> re.Pattern[str] | None:
        return re.compile("|".join(map(re.escape, self.places))) if self.places else None

    def is_place(self, word: str) -> bool:
        return self.place_pattern is not None and self.place_pattern.fullmatch(word) is not None

    def without_places(self, text: str) -> str:
        return self.place_pattern.sub(" ", text) if self.place_pattern is not None else text

    @cached_property
    def entity_depth(self) -> dict[str, int]:
        """Each section name (and short form, :func:`short_forms`) → its heading level (0 = top)."""
        names: dict[str, int] = {}
        for path in self.sections:
            for depth, heading in enumerate(path):
                name = strip_numbering(heading)
                if 2 <= len(name) <= 12:
                    for form in self.forms.get(name, (name,)):
                        names.setdefault(form, depth)
        return names

    @cached_property
    def forms(self) -> dict[str, tuple[str, ...]]:
        """Each heading → the ways a question may name it (:func:`~assistant.chunking.heading_forms`)."""
        return heading_forms(self.sections)

    @cached_property
    def entities(self) -> tuple[str, ...]:
        """Section names a follow-up can switch to, and their short forms, longest first."""
        return tuple(sorted(self.entity_depth, key=lambda n: (-len(n), self.entity_depth[n], n)))

    def section_words(self, question: str, synonyms: bool = True) -> str:
        """The question followed by the section names its other words stand for, by the
        synonyms (长远 → 远期目标) and, for an English one, by what its words gloss
        (safeguard measures → 保障 + 措施 → 保障措施)."""
        extra = [w for w in expansions(question, (), self.synonyms) if w in self.entity_depth] if synonyms else []
        glossed = set(self.english(question, whole=True)) if is_english(question) else set()
        extra += [n for n in self.entity_depth if glossed and composed_of(n, glossed)]
        return "|".join(dict.fromkeys([question, *extra]))

    @cached_property
    def stated_parts(self) -> dict[str, re.Pattern[str]]:
        """The parts of an official document the corpus states (文号, 落款日期), each name → how it is stated."""
        return {name: stated for names, stated in document_parts().values() if stated.search(self.text) for name in names}

    def asked_parts(self, question: str) -> tuple[re.Pattern[str], ...]:
        """How the parts of a document that the question asks for by name are stated, when the corpus states them."""
        return tuple(dict.fromkeys(stated for name, stated in self.stated_parts.items() if name in question))

    def words(self, cut: Callable[[str], Iterable[str]]) -> frozenset[str]:
        """The corpus's whole words and short runs of them (cut once, by ``cut``): what a
        shortened word may stand for (:func:`~assistant.answering.abbreviations.document_words`)."""
        if not self._words:
            self._words.append(document_words(w for line in self.text.split("\n") for w in (*cut(line), "\n")))
        return self._words[0]

    def known(self, word: str) -> bool:
        """Does the corpus (or the glossary, the synonyms, the deployment's places, the
        generic words, the names of the parts of a document it states) have this word?"""
        hit = self._known.get(word)
        if hit is None:
            hit = (
                word in self.text
                or word in GENERIC_WORDS
                or self.is_place(word)
                or any(word in t.names or any(word in n for n in t.names) for t in self.glossary)
                or word in self.synonyms
                or any(word in name for name in self.stated_parts)  # 文字 of 发文字号 as the tokenizer cuts it
            )
            if len(self._known) >= self.KNOWN_CACHE:
                self._known.clear()
            self._known[word] = hit
        return hit

    # -- figures -------------------------------------------------------------------
    @cached_property
    def units(self) -> dict[str, tuple[str, ...]]:
        """The units of data/lexicon/units.yaml that the corpus writes a number with."""
        found: dict[str, tuple[str, ...]] = {}
        for kind, units in unit_table().items():
            number = _MONEY_NUMBER if kind == "money" else _NUMBER
            used = tuple(u for u in units if re.search(rf"{number}{re.escape(u)}", self.text))
            if used:
                found[kind] = used
        return found

    @cached_property
    def measured_units(self) -> frozenset[str]:
        """The units of data/lexicon/units.yaml the corpus writes after a number in digits or in
        words (二十五公里, which :attr:`units` does not count)."""
        return frozenset(u for u in all_units() if re.search(rf"(?:{_NUMBER}|{IN_WORDS}){re.escape(u)}", self.text))

    def figure_pattern(self, kind: str) -> re.Pattern[str] | None:
        """A number with one of the corpus's units of ``kind`` (12.74亿元, 14个项目), or None
        when the corpus states no such figure."""
        units = self.units.get(kind)
        if not units:
            return None
        number = _MONEY_NUMBER if kind == "money" else _NUMBER
        return re.compile(rf"(?<![\d.{CN_NUMERAL}第]){number}(?:{'|'.join(map(re.escape, units))})")

    @cached_property
    def any_figure(self) -> re.Pattern[str] | None:
        """A number with any unit the corpus writes figures in, longest unit first (or None)."""
        units = longest_first({u for used in self.units.values() for u in used})
        return re.compile(rf"(?<![\d.]){_NUMBER}(?:{'|'.join(map(re.escape, units))})") if units else None


__all__ = ["BOOK_TITLE", "GENERIC_WORDS", "YEAR", "Vocabulary", "document_names", "everyday_synonyms", "leaf", "load_synonyms", "untitled"]
