"""The two ends of one range compared: “个人用户…罚款，最高额和最低额相差多少钱？” or “罚款上限是
下限的几倍？” over “…对个人用户处五百元以上二千元以下罚款” is answered with that clause and
``2000-500=1500元`` (``100000÷10000≈10倍``), written out from the quoted figures so that the
verification checks them.

The question names both ends (a word of the highest and one of the lowest, or 上下限) and asks
a difference or a multiple; the range is the clause of the first passages stating two figures
of the kind asked, one as its lower bound (以上, 至, 到) and one as its upper (以下, 以内), whose
case (the clauses of its sentence before the first figure, and those since the figure before
it) holds most of the question's other words, then its sentence and section. No answer when
no such clause holds any of them: a range of another thing answers nothing."""

from __future__ import annotations

import re

from ..lexicon import pattern
from ..types import RetrievedChunk
from .aggregate import in_magnitude, number, said_difference, said_multiple, stated_figures, unit_of_figure
from .compose import Composer, Draft
from .scoring import clauses, end, sentences
from .understanding import DIFFERENCE, MULTIPLE, Intent, unit_of
from .vocabulary import leaf

#: the words of each end of a range a question may name (data/patterns.yaml range_highest, range_lowest)
HIGHEST, LOWEST = pattern("range_highest"), pattern("range_lowest")
BOTH_ENDS = re.compile(r"上下限|高低限|最高最低")
#: how a clause writes a range between two figures: the lower bound's word after the first
#: (以上, 至, 到), the upper bound's after the second (以下, 以内) or nothing
_BETWEEN = r"(?:(?:及|或)?以上|至|到|-|－|—|~|～)(?:、|，)?[^，。；]{0,6}?"
#: the first passages a range is looked for in
PASSAGES = 3


def asks_spread(question: str) -> bool:
    """Does the question compare the two ends of a range (a difference or a multiple)?"""
    ends = BOTH_ENDS.search(question) is not None or (HIGHEST.search(question) is not None and LOWEST.search(question) is not None)
    return ends and (DIFFERENCE.search(question) is not None or MULTIPLE.search(question) is not None)


def ranges_in(clause: str, wanted: re.Pattern[str]) -> tuple[str, str] | None:
    """The lower and upper figure of the one range a clause states (五百元以上二千元以下), or None."""
    figures = list(wanted.finditer(clause))
    if len(figures) != 2:
        return None
    low, high = figures
    if unit_of_figure(low.group(0)) != unit_of_figure(high.group(0)):
        return None
    if not re.fullmatch(_BETWEEN, clause[low.end():high.start()]):
        return None
    if float(number(low.group(0))) >= float(number(high.group(0))):
        return None
    return low.group(0), high.group(0)


def spread(c: Composer, question: str, passages: tuple[RetrievedChunk, ...], query_vector=None) -> Draft | None:  # type: ignore[no-untyped-def]
    """The difference (or multiple) of the upper and the lower figure of the range asked."""
    if not asks_spread(question):
        return None
    wanted = c.figure_pattern("money") if unit_of(question) == "money" else stated_figures(c, question)
    if wanted is None:
        return None
    words = {t for t in c.scorer.qtokens(question) if len(t) >= 2 and not HIGHEST.search(t) and not LOWEST.search(t)}
    best: tuple[float, int, str, tuple[str, str]] | None = None
    for pos, rc in enumerate(passages[:PASSAGES]):
        section = leaf(rc.chunk) or rc.chunk.section
        for s in sentences(rc.chunk.text):
            parts = clauses(s)
            first = next((k for k, part in enumerate(parts) if wanted.search(part)), len(parts))
            condition = "".join(parts[:first])  # the case of every figure of the sentence
            lead = ""
            for clause in parts:
                found = ranges_in(end(clause), wanted)
                if found is None:
                    lead += clause
                    continue
                own = sum(w in condition + lead + clause for w in words)
                around = sum(w in s or w in section for w in words)
                score = own + 0.5 * around + 0.4 / (pos + 1)
                if own + around and (best is None or score > best[0]):
                    best = (score, pos, end(clause), found)
                lead = ""
    if best is None:
        return None
    _, pos, clause, (low, high) = best
    high, low = in_magnitude(high, low)
    mark = f"[{pos + 1}]"
    quoted = f"{clause}{mark}。"
    upper, lower = c.say("upper_end", figure=high), c.say("lower_end", figure=low)
    if MULTIPLE.search(question):
        if float(number(low)) == 0:
            return None
        return Draft(quoted + said_multiple(c, upper, lower, high, low, mark), passages, Intent.AGGREGATE)
    return Draft(quoted + said_difference(c, upper, lower, high, low, unit_of_figure(high), mark), passages, Intent.AGGREGATE)


__all__ = ["asks_spread", "ranges_in", "spread"]
