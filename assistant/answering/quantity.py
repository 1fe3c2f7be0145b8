"""The quantity a figure question asks for (年利率是多少, 储备规模是多少吨, 2022年…达到了多少):
a drafted answer whose text never names it, or names other years than the one asked, states
the figure of something else, and the question is not answered by it. Only a quantity the
corpus names counts (an unknown one is the coverage decision's). Nothing here knows a document."""

from __future__ import annotations

import re

from ..lexicon import words
from ..text import cjk_ratio
from .vocabulary import GENERIC_WORDS, YEAR, Vocabulary

#: abstract nouns that frame a question rather than name a quantity (情况, 标准, 数量 …)
_ABSTRACT = words("abstract_nouns")
_ASKS = re.compile(r"多少|几(?![乎])")
_STOP = re.compile(r"[，,。？?！!；;：:\s]")


def asked_quantity(question: str, posseg, vocab: Vocabulary) -> str | None:  # type: ignore[no-untyped-def]
    """The noun a figure question measures: the one right after 多少 (多少回收补贴), else the
    last one before it (年利率是多少); only a noun of the corpus, not a generic or abstract one."""
    m = _ASKS.search(question)
    if m is None:
        return None
    after = _STOP.split(question[m.end():], maxsplit=1)[0]
    before = _STOP.split(question[: m.start()])[-1]

    def nouns(text: str) -> list[str]:
        return [w for w, f in posseg.cut(text) if f.startswith("n") and len(w) >= 2 and w not in GENERIC_WORDS and w not in _ABSTRACT]

    for word in [*nouns(after)[:1], *reversed(nouns(before))][:1]:
        if vocab.known(word) and not vocab.is_place(word):
            return word
    return None


def other_quantity(question: str, text: str, posseg, vocab: Vocabulary) -> str | None:  # type: ignore[no-untyped-def]
    """What the figure question asks that ``text`` (a drafted answer) is not about: the asked
    quantity when the text names neither it nor its head (利率 of 年利率), or a year of the
    question when the text names other years; None when the text may answer it."""
    if cjk_ratio(question) < 0.3 or not _ASKS.search(question):
        return None
    asked_years = set(YEAR.findall(question))
    said_years = set(YEAR.findall(text))
    if asked_years and said_years and not asked_years & said_years:
        return "、".join(sorted(asked_years))
    word = asked_quantity(question, posseg, vocab)
    if word is None or word in text or (len(word) >= 3 and word[-2:] in text):
        return None
    return word


__all__ = ["asked_quantity", "other_quantity"]
