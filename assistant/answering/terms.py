"""An amount per period over the longest term: “交通补贴按最长期限算总共能拿多少？” over
“每人每年3000元交通补贴，补贴期限最长为2年” is answered with that sentence and
``3000元×2年=6000元``, written out so that the verification checks it. Only an amount and a
term in one sentence and in the same period (每年 with 年, 每月 with 个月) are multiplied. The
sentence is the one holding most of the question's words, in the first passage on a tie; a
question that asks no total, or a passage with two such sentences the question's words hold
alike, gets no answer here."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import NamedTuple

from ..types import Chunk, RetrievedChunk
from .aggregate import plain
from .compose import Composer, Draft
from .scoring import sentences
from .understanding import TOTAL, Intent

#: an amount per year or month (每人每年3000元, 每个企业租金补贴每年不超过5万元, 每月1500元)
_PER_PERIOD = re.compile(r"每(年|月)[^，,；;。\d]{0,8}?(\d+(?:\.\d+)?)([千万亿]?元)")
#: the longest term (补贴期限最长为2年, 最长不超过3年, 期限为6个月)
_TERM = re.compile(r"(?:期限|最长|最多)[^，,；;。\d]{0,8}?(\d+)(年|个月)")
#: the period of an amount → the unit its term is counted in
_SAME = {"年": "年", "月": "个月"}
#: passages searched
TOP = 3


class Term(NamedTuple):
    amount: str
    money: str
    term: str
    unit: str


def over_term(sentence: str) -> Term | None:
    """The one amount per period of ``sentence`` and its term in the same period, or None."""
    amounts = {(m.group(2), m.group(3), _SAME[m.group(1)]) for m in _PER_PERIOD.finditer(sentence)}
    terms = {(m.group(1), m.group(2)) for m in _TERM.finditer(sentence)}
    pairs = [Term(a, money, t, unit) for a, money, per in amounts for t, unit in terms if unit == per]
    return pairs[0] if len(pairs) == 1 else None


def best_sentence(  # type: ignore[no-untyped-def]
    c: Composer, question: str, passages: tuple[RetrievedChunk, ...], read,
) -> tuple[int, Chunk, str, object] | None:
    """(position, chunk, text, what ``read`` found) for the text of the first passages that
    ``read`` finds something in and that holds most of the question's words, the first passage
    winning a tie; None when none does, or two of one passage tie with different findings.
    ``read(sentence, before)`` gives, for each sentence and the one before it in its passage
    ("" for the first), the (text to quote, finding) pairs it holds: the sentence itself, or
    the two when what is found needs the one before."""
    q = c.scorer.qtokens(question)
    found = []
    for pos, rc in enumerate(passages[:TOP]):
        said = sentences(rc.chunk.text)
        found += [(c.scorer.overlap(q, text), pos, rc.chunk, text, got)
                  for k, s in enumerate(said) for text, got in read(s, said[k - 1] if k else "")]
    if not found:
        return None
    best = max(found, key=lambda f: (f[0], -f[1]))
    if any(f[0] == best[0] and f[1] == best[1] and f[4] != best[4] for f in found):
        return None  # two sentences of one passage the question's words hold alike
    return best[1:]


def term_total(c: Composer, question: str, passages: tuple[RetrievedChunk, ...], query_vector=None) -> Draft | None:  # type: ignore[no-untyped-def]
    if not TOTAL.search(question) or not re.search(r"期限|最长|最多|满", question):
        return None
    best = best_sentence(c, question, passages, lambda s, _: [(s, t)] if (t := over_term(s)) is not None else [])
    if best is None:
        return None
    pos, chunk, sentence, term = best
    mark = f"[{pos + 1}]"
    result = plain(Decimal(term.amount) * Decimal(term.term))
    computed = c.say("over_term", amount=f"{term.amount}{term.money}", term=f"{term.term}{term.unit}", result=result,
                     unit=term.money, mark=mark)
    return Draft(f"{c.lead(chunk, sentence)}{mark}。{computed}", passages, Intent.AGGREGATE)


__all__ = ["best_sentence", "over_term", "term_total"]
